using VzPanel.Core.Common;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances;

/// <summary>The write seam of the server pages and the API; each call returns the queued operation or why not.</summary>
public interface IInstanceCommands
{
    Task<Result<OperationView>> CreateAsync(CreateInstanceCommand command, CancellationToken ct);
    Task<Result<OperationView>> StartAsync(Guid instanceId, CancellationToken ct);
    Task<Result<OperationView>> StopAsync(Guid instanceId, bool force, CancellationToken ct);
    Task<Result<OperationView>> RestartAsync(Guid instanceId, CancellationToken ct);
    Task<Result<OperationView>> DeleteAsync(Guid instanceId, bool keepVolumes, CancellationToken ct);
    Task<Result<OperationView>> SetMemoryAsync(Guid instanceId, string memory, CancellationToken ct);
    Task<Result<OperationView>> SetMemoryGuaranteeAsync(Guid instanceId, int percent, CancellationToken ct);
    Task<Result<OperationView>> SetVCpusAsync(Guid instanceId, int vcpus, CancellationToken ct);

    /// <summary>Grows the server's disk to <paramref name="size"/> (<c>20G</c>); disks never shrink.</summary>
    Task<Result<OperationView>> ResizeDiskAsync(Guid instanceId, string size, CancellationToken ct);

    Task<Result<OperationView>> MigrateAsync(Guid instanceId, Migration.MigrateCommand command, CancellationToken ct);
}
