using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Host;

/// <summary>
/// Two sim agents with certificates from one CA move an instance between them over their own TLS channel, the way
/// the panel drives it: prepare on the target, migrate on the source, complete on the target, delete on the source.
/// </summary>
public sealed class AgentMigrationTests : IAsyncLifetime
{
    private readonly TestPki _pki = new("VzPanel Migration CA");
    private readonly InProcessAgent _source;
    private readonly InProcessAgent _target;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public AgentMigrationTests()
    {
        _source = new InProcessAgent(_pki);
        _target = new InProcessAgent(_pki);
    }

    public async ValueTask InitializeAsync()
    {
        // 1 GiB of simulated memory and disk at 200 MiB/s: about two seconds of transfer, long enough to watch and cancel.
        await _source.StartAsync(o => { o.Sim.NodeName = "sim-a"; o.Sim.MigrationMibPerSecond = 200; });
        await _target.StartAsync(o => o.Sim.NodeName = "sim-b");
    }

    [Fact]
    public async Task Live_MovesARunningInstance_ReportsProgressAndDowntime_AndTheSourceCopyStaysUntilDeleted()
    {
        var spec = await RunningOnSourceAsync("web-1");
        var target = await PrepareAsync(spec, MigrationMode.Live);
        target.NodeId.ShouldBe(_target.Identity.NodeId);
        target.Ticket.ShouldNotBeNullOrEmpty();

        var request = new MigrateInstanceRequest { OperationId = Op(), InstanceId = spec.Id, Target = target, Mode = MigrationMode.Live, MaxDowntimeMs = 300 };
        var migrating = _source.Client.MigrateInstanceAsync(request, cancellationToken: Ct).ResponseAsync;
        var seen = await WatchProgressAsync(spec.Id, migrating);
        var reply = await migrating;

        seen.ShouldNotBeNull("GetMigrationProgress showed the transfer while it ran");
        seen.TransferredBytes.ShouldBeGreaterThan(0);
        reply.Mode.ShouldBe(MigrationMode.Live);
        reply.TransferredBytes.ShouldBeGreaterThan(0);
        reply.DowntimeMs.ShouldBeInRange(1, 2000);
        reply.DurationMs.ShouldBeGreaterThan(reply.DowntimeMs);
        reply.Source.State.ShouldBe(InstanceState.Stopped);

        var completed = await _target.Client.CompleteMigrationTargetAsync(
            new CompleteMigrationTargetRequest { OperationId = Op(), InstanceId = spec.Id, Start = true }, cancellationToken: Ct);
        completed.Instance.State.ShouldBe(InstanceState.Running);
        completed.Instance.MemoryMib.ShouldBe(spec.MemoryMib);
        completed.Instance.Hostname.ShouldBe(spec.Hostname);

        // Asked again with the same operation id (a panel that lost the reply): the first answer, nothing done twice.
        (await _source.Client.MigrateInstanceAsync(request, cancellationToken: Ct)).Replayed.ShouldBeTrue();

        await _source.Client.DeleteInstanceAsync(new DeleteInstanceRequest { OperationId = Op(), InstanceId = spec.Id }, cancellationToken: Ct);
        (await ListAsync(_source)).ShouldNotContain(i => i.Id == spec.Id);
        (await ListAsync(_target)).Single(i => i.Id == spec.Id).State.ShouldBe(InstanceState.Running);
    }

    [Fact]
    public async Task ATicketForAnotherInstance_OrATargetThatIsAnotherNode_IsRefused_AndTheInstanceKeepsRunning()
    {
        var spec = await RunningOnSourceAsync("web-2");
        var target = await PrepareAsync(spec, MigrationMode.Live);

        var forged = target.Clone();
        forged.Ticket = target.Ticket[..^4] + "0000";
        var refused = await Should.ThrowAsync<RpcException>(() => MigrateAsync(spec.Id, forged));
        refused.Status.Detail.ShouldContain("the target refused the transfer: the ticket was not issued by this node for this instance");

        var impostor = target.Clone();
        impostor.NodeId = Guid.NewGuid().ToString();
        refused = await Should.ThrowAsync<RpcException>(() => MigrateAsync(spec.Id, impostor));
        refused.Status.Detail.ShouldContain($"is not node {impostor.NodeId}: its certificate names another node");

        (await ListAsync(_source)).Single(i => i.Id == spec.Id).State.ShouldBe(InstanceState.Running);
        _target.Logs.Lines.ShouldContain(l => l.Contains("Refused a migration connection") && l.Contains("the ticket was not issued"));
    }

    [Fact]
    public async Task Cancel_StopsTheTransfer_TheInstanceRunsOnTheSource_AndAbortClearsTheTarget()
    {
        var spec = await RunningOnSourceAsync("web-3");
        var target = await PrepareAsync(spec, MigrationMode.Live);
        var migrating = MigrateAsync(spec.Id, target);
        await WatchProgressAsync(spec.Id, migrating, stopAtFirst: true);

        var cancelled = await _source.Client.CancelMigrationAsync(new InstanceRef { InstanceId = spec.Id }, cancellationToken: Ct);
        cancelled.Active.ShouldBeTrue();
        var failure = await Should.ThrowAsync<RpcException>(() => migrating);
        failure.Status.Detail.ShouldContain("cancelled");
        (await ListAsync(_source)).Single(i => i.Id == spec.Id).State.ShouldBe(InstanceState.Running);

        await _target.Client.AbortMigrationTargetAsync(new InstanceOperation { OperationId = Op(), InstanceId = spec.Id }, cancellationToken: Ct);
        (await ListAsync(_target)).ShouldNotContain(i => i.Id == spec.Id);
        var again = await Should.ThrowAsync<RpcException>(() => _target.Client.CompleteMigrationTargetAsync(
            new CompleteMigrationTargetRequest { OperationId = Op(), InstanceId = spec.Id, Start = true }, cancellationToken: Ct).ResponseAsync);
        again.Status.Detail.ShouldContain("has not received");
    }

    private async Task<InstanceSpec> RunningOnSourceAsync(string name)
    {
        var spec = new InstanceSpec
        {
            Id = Guid.NewGuid().ToString(), Name = name, Kind = InstanceKind.Vm, Template = "debian-12-x86_64", MemoryMib = 1024,
            MemoryGuaranteePercent = 50, Vcpus = 1, DiskGib = 10, Hostname = $"{name}.example.com",
        };
        await _source.Client.CreateInstanceAsync(new CreateInstanceRequest { OperationId = Op(), Spec = spec }, cancellationToken: Ct);
        await _source.Client.StartInstanceAsync(new InstanceOperation { OperationId = Op(), InstanceId = spec.Id }, cancellationToken: Ct);
        return spec;
    }

    private async Task<MigrationTarget> PrepareAsync(InstanceSpec spec, MigrationMode mode) =>
        await _target.Client.PrepareMigrationTargetAsync(new PrepareMigrationTargetRequest { OperationId = Op(), Spec = spec, Mode = mode }, cancellationToken: Ct);

    private Task<MigrationReply> MigrateAsync(string id, MigrationTarget target) =>
        _source.Client.MigrateInstanceAsync(new MigrateInstanceRequest { OperationId = Op(), InstanceId = id, Target = target, Mode = MigrationMode.Live },
            cancellationToken: Ct).ResponseAsync;

    /// <summary>Polls the source's progress until the transfer ends; returns the last report that showed bytes moved.</summary>
    private async Task<MigrationProgress?> WatchProgressAsync(string id, Task migrating, bool stopAtFirst = false)
    {
        MigrationProgress? seen = null;
        while (!migrating.IsCompleted)
        {
            var progress = await _source.Client.GetMigrationProgressAsync(new InstanceRef { InstanceId = id }, cancellationToken: Ct);
            if (progress.Active && progress.TransferredBytes > 0)
            {
                seen = progress;
                if (stopAtFirst) return seen;
            }
            await Task.Delay(50, Ct);
        }
        return seen;
    }

    private static async Task<IReadOnlyList<InstanceStatus>> ListAsync(InProcessAgent agent) =>
        (await agent.Client.ListInstancesAsync(new ListInstancesRequest(), cancellationToken: Ct)).Instances;

    private static string Op() => Guid.NewGuid().ToString();

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _pki.Dispose();
    }
}
