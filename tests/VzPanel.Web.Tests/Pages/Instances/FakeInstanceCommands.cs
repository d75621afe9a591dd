using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Web.Tests.Pages.Instances;

/// <summary>Records every request; answers with <see cref="Answer"/> when set, otherwise queues an operation.</summary>
internal sealed class FakeInstanceCommands : IInstanceCommands
{
    public List<string> Calls { get; } = [];
    public CreateInstanceCommand? LastCreate { get; private set; }
    public Error? Answer { get; set; }

    public static OperationView Queued(Guid target, OperationKind kind, string summary) =>
        new(Guid.NewGuid(), kind, "instance", target, "server", FakeInstanceQueries.Sim1, OperationState.Queued, 0, null, null, summary, "admin",
            DateTimeOffset.UtcNow, null, null);

    public Task<Result<OperationView>> CreateAsync(CreateInstanceCommand command, CancellationToken ct)
    {
        LastCreate = command;
        return Respond($"create {command.Spec.Name}", Guid.NewGuid(), OperationKind.Create);
    }

    public Task<Result<OperationView>> StartAsync(Guid instanceId, CancellationToken ct) => Respond("start", instanceId, OperationKind.Start);

    public Task<Result<OperationView>> StopAsync(Guid instanceId, bool force, CancellationToken ct) =>
        Respond(force ? "poweroff" : "shutdown", instanceId, OperationKind.Stop);

    public Task<Result<OperationView>> RestartAsync(Guid instanceId, CancellationToken ct) => Respond("restart", instanceId, OperationKind.Restart);

    public Task<Result<OperationView>> DeleteAsync(Guid instanceId, bool keepVolumes, CancellationToken ct) => Respond("delete", instanceId, OperationKind.Delete);

    public Task<Result<OperationView>> SetMemoryAsync(Guid instanceId, string memory, CancellationToken ct) =>
        Respond($"memory {memory}", instanceId, OperationKind.SetMemory);

    public Task<Result<OperationView>> SetMemoryGuaranteeAsync(Guid instanceId, int percent, CancellationToken ct) =>
        Respond($"guarantee {percent}", instanceId, OperationKind.SetMemoryGuarantee);

    public Task<Result<OperationView>> SetVCpusAsync(Guid instanceId, int vcpus, CancellationToken ct) => Respond($"vcpus {vcpus}", instanceId, OperationKind.SetVCpus);

    public Task<Result<OperationView>> ResizeDiskAsync(Guid instanceId, string size, CancellationToken ct) =>
        Respond($"disk {size}", instanceId, OperationKind.ResizeDisk);

    public Task<Result<OperationView>> MigrateAsync(Guid instanceId, VzPanel.Core.Features.Migration.MigrateCommand command, CancellationToken ct) =>
        Respond($"migrate to {command.TargetNodeId}", instanceId, OperationKind.Migrate);

    private Task<Result<OperationView>> Respond(string call, Guid target, OperationKind kind)
    {
        Calls.Add(call);
        return Task.FromResult(Answer is { } error ? (Result<OperationView>)error : Queued(target, kind, call));
    }
}
