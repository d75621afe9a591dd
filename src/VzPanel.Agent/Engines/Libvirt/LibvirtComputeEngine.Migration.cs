using VzPanel.Agent.Engines.Migration;

namespace VzPanel.Agent.Engines.Libvirt;

public sealed partial class LibvirtComputeEngine
{
    private static EngineException MigrationNotYet() =>
        new(EngineErrorCode.WrongState, "migration is not available on this engine yet");

    public Task<IncomingMigration> PrepareIncomingAsync(InstanceDefinition definition, MigrationMode mode, string operationId, CancellationToken cancellationToken) =>
        throw MigrationNotYet();

    public Task AcceptIncomingAsync(string instanceId, Stream payload, CancellationToken cancellationToken) => throw MigrationNotYet();

    public Task<MigrationOutcome> MigrateOutAsync(string instanceId, OutgoingMigration migration, IMigrationTransport transport,
        Action<MigrationProgress> progress, string operationId, CancellationToken cancellationToken) => throw MigrationNotYet();

    public Task<InstanceInfo> CompleteIncomingAsync(string instanceId, bool start, string operationId, CancellationToken cancellationToken) =>
        throw MigrationNotYet();

    public Task AbortIncomingAsync(string instanceId, string operationId, CancellationToken cancellationToken) => throw MigrationNotYet();
}
