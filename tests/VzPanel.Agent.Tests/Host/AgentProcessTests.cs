using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Host;

/// <summary>The real agent process: operation ids survive a SIGKILL and a simulated crash.</summary>
public sealed class AgentProcessTests : IAsyncDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public AgentProcessTests() => AgentCredentialsWriter.Write(_pki, _data.Path);

    private async Task<T> WithClientAsync<T>(string address, Func<NodeAgent.NodeAgentClient, Task<T>> call)
    {
        using var panel = _pki.IssuePanelClient();
        using var channel = AgentClient.Channel(address, _pki.Ca, panel);
        return await call(AgentClient.Client(channel));
    }

    private static CreateInstanceRequest Create(string operationId, string instanceId, long memoryMib = 1024) => new()
    {
        OperationId = operationId,
        Spec = new InstanceSpec
        {
            Id = instanceId, Name = "web", Kind = InstanceKind.Ct, Template = "debian-12-x86_64", MemoryMib = memoryMib, Vcpus = 1,
            RootPassword = "hunter2-never-on-disk",
        },
    };

    [Fact]
    public async Task CreateInstance_SameOperationIdTwiceAndAfterRestart_CreatesOneInstanceAndReplays()
    {
        var operationId = Guid.NewGuid().ToString();
        var instanceId = Guid.NewGuid().ToString();
        var (agent, address) = await AgentProcess.StartRunAsync(_data.Path);
        await using (agent)
        {
            var first = await WithClientAsync(address, c => c.CreateInstanceAsync(Create(operationId, instanceId), cancellationToken: Ct).ResponseAsync);
            var second = await WithClientAsync(address, c => c.CreateInstanceAsync(Create(operationId, instanceId), cancellationToken: Ct).ResponseAsync);

            first.Replayed.ShouldBeFalse();
            second.Replayed.ShouldBeTrue();
            second.Instance.ShouldBe(first.Instance);
            await agent.KillAsync();
        }

        var (restarted, newAddress) = await AgentProcess.StartRunAsync(_data.Path);
        await using (restarted)
        {
            var third = await WithClientAsync(newAddress, c => c.CreateInstanceAsync(Create(operationId, instanceId), cancellationToken: Ct).ResponseAsync);
            var list = await WithClientAsync(newAddress, c => c.ListInstancesAsync(new ListInstancesRequest(), cancellationToken: Ct).ResponseAsync);
            var reused = await Should.ThrowAsync<RpcException>(() =>
                WithClientAsync(newAddress, c => c.CreateInstanceAsync(Create(operationId, instanceId, memoryMib: 2048), cancellationToken: Ct).ResponseAsync));

            third.Replayed.ShouldBeTrue();
            list.Instances.ShouldHaveSingleItem().Id.ShouldBe(instanceId);
            reused.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
            reused.Status.Detail.ShouldBe("operation id reused for a different request");
        }
        foreach (var file in Directory.EnumerateFiles(_data.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("node.key", StringComparison.Ordinal)))
            (await File.ReadAllTextAsync(file, Ct)).ShouldNotContain("hunter2");
    }

    [Fact]
    public async Task SimCrashAfterOneOperation_DiesOnTheSecondAndTheFirstIsReplayedAfterRestart()
    {
        var createId = Guid.NewGuid().ToString();
        var instanceId = Guid.NewGuid().ToString();
        var (agent, address) = await AgentProcess.StartRunAsync(_data.Path, "--sim-crash-after", "1");
        await using (agent)
        {
            await WithClientAsync(address, c => c.CreateInstanceAsync(Create(createId, instanceId), cancellationToken: Ct).ResponseAsync);

            await Should.ThrowAsync<RpcException>(() => WithClientAsync(address, c =>
                c.StartInstanceAsync(new InstanceOperation { OperationId = Guid.NewGuid().ToString(), InstanceId = instanceId }, cancellationToken: Ct).ResponseAsync));

            (await agent.Exited.WaitAsync(TimeSpan.FromSeconds(30), Ct)).ShouldNotBe(0);
        }

        var (restarted, newAddress) = await AgentProcess.StartRunAsync(_data.Path);
        await using (restarted)
        {
            var replay = await WithClientAsync(newAddress, c => c.CreateInstanceAsync(Create(createId, instanceId), cancellationToken: Ct).ResponseAsync);
            var started = await WithClientAsync(newAddress, c =>
                c.StartInstanceAsync(new InstanceOperation { OperationId = Guid.NewGuid().ToString(), InstanceId = instanceId }, cancellationToken: Ct).ResponseAsync);

            replay.Replayed.ShouldBeTrue();
            started.Instance.State.ShouldBe(InstanceState.Running);
        }
    }

    public ValueTask DisposeAsync()
    {
        _pki.Dispose();
        _data.Dispose();
        return ValueTask.CompletedTask;
    }
}
