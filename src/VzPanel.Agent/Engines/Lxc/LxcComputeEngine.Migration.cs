using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Engines.Migration;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Lxc;

/// <summary>
/// Container migration between LXC nodes, cold or offline. The source stops the container (cold) and streams one tar
/// over the agents' channel: <c>vzpanel.json</c> and the root filesystem under <c>&lt;id&gt;/</c>, never the LXC
/// config, which the target writes from the spec the way create does. The target unpacks it into a staging folder
/// (<c>&lt;private&gt;/.incoming/&lt;id&gt;</c>), and completing moves the root filesystem into place and starts it.
/// After a completed move the staging folder keeps only a marker: it is what lets an abort remove a container that
/// arrived by migration, and never one that was here before. Live migration would checkpoint with CRIU; it is refused.
/// </summary>
public sealed partial class LxcComputeEngine
{
    private const string IncomingFolder = ".incoming";
    private const string CompletedMarker = "completed";
    private const string TransferPhase = "root file system";
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ColdStopTimeout = TimeSpan.FromSeconds(30);
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public Task<IncomingMigration> PrepareIncomingAsync(InstanceDefinition definition, MigrationMode mode, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(definition.Id, operationId, async () =>
        {
            if (mode == MigrationMode.Live)
                throw await LiveRefusalAsync();
            ValidateIncoming(definition);
            var staging = IncomingDirectory(definition.Id);
            if (ContainerSpec.TryRead(ContainerDirectory(definition.Id)) is not null)
            {
                // Whatever migration brought it here is over; the abort that follows this refusal must leave it alone.
                DeleteTree(staging);
                throw Invalid($"instance {definition.Id} already exists on node {_options.NodeName}");
            }
            if (mode != MigrationMode.Offline)
                await EnsureGuaranteeFitsAsync(definition.Id, definition.MemoryMib, definition.MemoryGuaranteePercent);

            // A prepare again starts over: what an earlier attempt received goes. Owner-only: the received root
            // filesystem holds set-user-ID files that host users must not reach before LXC confines them.
            DeleteTree(staging);
            Directory.CreateDirectory(staging, OwnerOnly);
            return new IncomingMigration(new Dictionary<string, string>());
        });

    /// <summary>
    /// Unpacks the source's tar into the staging folder. GNU tar's defaults keep it there: it strips a leading '/',
    /// refuses members with '..', and extracts a symlink pointing outside as a placeholder until the end, so no
    /// later member can be written through it. Owners stay numeric, as the container's own users.
    /// </summary>
    public Task AcceptIncomingAsync(string instanceId, Stream payload, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, null, async () =>
        {
            var staging = IncomingDirectory(instanceId);
            if (!Directory.Exists(staging))
                throw new EngineException(EngineErrorCode.WrongState, $"node {_options.NodeName} was not prepared to take instance {instanceId}");
            if (ContainerSpec.TryRead(ContainerDirectory(instanceId)) is not null)
                throw new EngineException(EngineErrorCode.WrongState, $"node {_options.NodeName} already took in instance {instanceId}");

            ClearFolder(staging);
            try
            {
                var unpack = await ToolProcess.StreamAsync("tar",
                    ["-x", "-f", "-", "-p", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-C", staging],
                    (stdin, ct) => PipeIntoToolAsync(payload, stdin, ct), null, cancellationToken);
                if (!unpack.Succeeded)
                    throw new EngineException(EngineErrorCode.Failed, $"unpacking the received container failed (tar exit {unpack.ExitCode}): {unpack.StderrText.Trim()}");
                var spec = ContainerSpec.TryRead(staging);
                if (spec is null || !Directory.Exists(Path.Combine(staging, instanceId)))
                    throw new EngineException(EngineErrorCode.Failed, $"the transfer did not carry container {instanceId} (its {ContainerSpec.FileName} and root filesystem)");
                ValidateReceived(spec);
            }
            catch
            {
                ClearFolder(staging);
                throw;
            }
            return true;
        });

    public Task<MigrationOutcome> MigrateOutAsync(string instanceId, OutgoingMigration migration, IMigrationTransport transport,
        Action<MigrationProgress> progress, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            Own(instanceId);
            if (migration.Mode == MigrationMode.Live)
                throw await LiveRefusalAsync();
            var state = await StateAsync(instanceId);
            if (migration.Mode == MigrationMode.Offline && state != InstanceState.Stopped)
                throw new EngineException(EngineErrorCode.WrongState, $"an offline migration needs a stopped container, and it is {state.ToString().ToLowerInvariant()}; a cold one stops it for the move");
            if (state is not (InstanceState.Running or InstanceState.Stopped))
                throw EngineException.WrongState(state);
            var wasRunning = state == InstanceState.Running;
            var total = await DiskUsageBytesAsync(RootfsDirectory(instanceId), cancellationToken);

            var clock = Stopwatch.StartNew();
            try
            {
                if (wasRunning)
                {
                    _operations.Progress(instanceId, operationId, 10, "stopping the container for a cold move");
                    await StopLockedAsync(instanceId, StopMode.Graceful, ColdStopTimeout, operationId);
                }
                var stopped = clock.Elapsed;
                _operations.Progress(instanceId, operationId, 20, $"sending the root file system to node {migration.TargetNodeId}");
                long sent;
                try
                {
                    sent = await transport.SendAsync(
                        (stream, ct) => SendContainerAsync(instanceId, stream, total, migration.BandwidthMibPerSecond, progress, ct), cancellationToken);
                }
                catch (IOException broken)
                {
                    throw new EngineException(EngineErrorCode.Unavailable, $"the transfer to node {migration.TargetNodeId} broke off: {broken.Message}");
                }
                // Down from the stop to here; the panel adds the start on the target.
                var downtime = wasRunning ? (long)clock.Elapsed.TotalMilliseconds : 0;
                _logger.LogInformation("Sent container {Instance} to node {Target} ({Mode}): {Bytes} bytes; stopping took {StopMs} ms, the transfer {TransferMs} ms",
                    instanceId, migration.TargetNodeId, migration.Mode, sent, (long)stopped.TotalMilliseconds, (long)(clock.Elapsed - stopped).TotalMilliseconds);
                return new MigrationOutcome(migration.Mode, sent, downtime, await SnapshotAsync(instanceId));
            }
            catch (Exception) when (wasRunning)
            {
                // It stopped for the move and the move failed: it runs here again.
                await RunAgainAsync(instanceId, operationId);
                throw;
            }
        });

    public Task<InstanceInfo> CompleteIncomingAsync(string instanceId, bool start, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            var staging = IncomingDirectory(instanceId);
            if (ContainerSpec.TryRead(ContainerDirectory(instanceId)) is null)
            {
                var spec = ContainerSpec.TryRead(staging)
                    ?? throw new EngineException(EngineErrorCode.WrongState, $"node {_options.NodeName} has not received instance {instanceId}");
                var received = Path.Combine(staging, instanceId);
                var rootfs = RootfsDirectory(instanceId);
                _operations.Progress(instanceId, operationId, 20, "moving the received root file system into place");
                if (Directory.Exists(received))
                {
                    // A folder of the same id no container uses is a leftover (as create treats it); same file system, one rename.
                    DeleteTree(rootfs);
                    Directory.Move(received, rootfs);
                }
                else if (!Directory.Exists(rootfs))
                {
                    throw new EngineException(EngineErrorCode.WrongState, $"node {_options.NodeName} has not received the root filesystem of instance {instanceId}");
                }
                _operations.Progress(instanceId, operationId, 40, "writing the container config");
                DeleteTree(ContainerDirectory(instanceId));
                Directory.CreateDirectory(ContainerDirectory(instanceId));
                Save(instanceId, spec);
                ClearFolder(staging);
                await File.WriteAllTextAsync(Path.Combine(staging, CompletedMarker), "", CancellationToken.None);
                _operations.Publish(instanceId, InstanceState.Stopped, operationId);
            }
            if (start && await StateAsync(instanceId) is InstanceState.Stopped or InstanceState.Failed)
                return await StartLockedAsync(instanceId, operationId, cancellationToken);
            return await SnapshotAsync(instanceId);
        });

    /// <summary>
    /// Removes what the migration left here: the staging folder and, if the move was completed, the container. A
    /// container without a staging folder was not brought by a migration under way, so it stays.
    /// </summary>
    public Task AbortIncomingAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            var staging = IncomingDirectory(instanceId);
            if (!Directory.Exists(staging))
                return true;
            if (ContainerSpec.TryRead(ContainerDirectory(instanceId)) is not null)
            {
                var state = await StateAsync(instanceId);
                if (state is InstanceState.Running or InstanceState.Failed)
                    await StopLockedAsync(instanceId, StopMode.Forced, TimeSpan.Zero, operationId);
                else if (state != InstanceState.Stopped)
                    await _lxc.StopAsync(instanceId, null);
                File.Delete(Path.Combine(ContainerDirectory(instanceId), ContainerSpec.FileName));
                DeleteTree(ContainerDirectory(instanceId));
                DeleteTree(RootfsDirectory(instanceId));
            }
            else if (ContainerSpec.TryRead(staging) is not null && !Directory.Exists(Path.Combine(staging, instanceId)))
            {
                // A complete that died after moving the root filesystem into place and before writing the config.
                DeleteTree(RootfsDirectory(instanceId));
            }
            DeleteTree(staging);
            _operations.Forget(instanceId);
            return true;
        });

    /// <summary>
    /// Live would dump the container with CRIU and restore it on the target. That path is not built: `criu check`
    /// fails on the nodes this was developed on, so it could not be tested. Live is therefore refused even where
    /// CRIU works, with the reason that applies.
    /// </summary>
    private async Task<EngineException> LiveRefusalAsync()
    {
        var criu = await CriuCheck.ResultAsync();
        return new EngineException(EngineErrorCode.WrongState, criu.Works
            ? $"live container migration (a CRIU checkpoint and restore) is not built into this agent, although CRIU works on node {_options.NodeName}; migrate cold"
            : $"live container migration needs CRIU, and CRIU does not work on node {_options.NodeName} (criu {criu.Summary})");
    }

    /// <summary>The container's spec, then its root filesystem under its id; tar's stdout goes to the channel.</summary>
    private async Task SendContainerAsync(string instanceId, Stream channel, long total, int bandwidthMibPerSecond, Action<MigrationProgress> progress,
        CancellationToken cancellationToken)
    {
        var pack = await ToolProcess.StreamAsync("tar",
            ["-c", "-f", "-", "--numeric-owner", "--sparse", "--xattrs", "--xattrs-include=*",
             "-C", ContainerDirectory(instanceId), ContainerSpec.FileName, "-C", _options.PrivatePath, instanceId],
            null, (stdout, ct) => CopyWithProgressAsync(stdout, channel, total, bandwidthMibPerSecond, progress, ct), cancellationToken);
        if (!pack.Succeeded)
            throw new EngineException(EngineErrorCode.Failed, $"packing container {instanceId} failed (tar exit {pack.ExitCode}): {pack.StderrText.Trim()}");
    }

    /// <summary>Copies at most the given bandwidth (0: as fast as it goes), reporting progress a few times a second.</summary>
    private static async Task CopyWithProgressAsync(Stream from, Stream to, long total, int bandwidthMibPerSecond, Action<MigrationProgress> progress,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        var clock = Stopwatch.StartNew();
        var reported = TimeSpan.Zero;
        long sent = 0;
        progress(new MigrationProgress(TransferPhase, total, 0, total, 0));
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            sent += read;
            if (bandwidthMibPerSecond > 0 && TimeSpan.FromSeconds((double)sent / (bandwidthMibPerSecond * MiB)) - clock.Elapsed is { Ticks: > 0 } ahead)
                await Task.Delay(ahead, cancellationToken);
            if (clock.Elapsed - reported >= ProgressInterval)
            {
                reported = clock.Elapsed;
                progress(new MigrationProgress(TransferPhase, Math.Max(total, sent), sent, Math.Max(0, total - sent), 0));
            }
        }
        // The tar stream, not the disk use, is what was to be sent.
        progress(new MigrationProgress(TransferPhase, sent, sent, 0, 0));
    }

    /// <summary>Feeds the payload to a tool. A failed write means the tool stopped reading: its exit code and stderr say why.</summary>
    private static async Task PipeIntoToolAsync(Stream payload, Stream stdin, CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        int read;
        while ((read = await payload.ReadAsync(buffer, cancellationToken)) > 0)
        {
            try
            {
                await stdin.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    /// <summary>After a failed cold move: starts the container that stopped for it. A failure to do so is logged; the move's failure is the one reported.</summary>
    private async Task RunAgainAsync(string instanceId, string operationId)
    {
        try
        {
            if (await StateAsync(instanceId) is InstanceState.Stopped or InstanceState.Failed)
                await StartLockedAsync(instanceId, operationId, CancellationToken.None);
        }
        catch (EngineException failure)
        {
            _logger.LogError("Container {Instance} stopped for a migration that failed and could not be started again: {Reason}", instanceId, failure.Message);
        }
    }

    private string IncomingDirectory(string instanceId) =>
        Guid.TryParse(instanceId, out _) ? Path.Combine(_options.PrivatePath, IncomingFolder, instanceId) : throw Invalid($"instance id '{instanceId}' is not a UUID");

    /// <summary>Empties a folder and keeps it (with its permissions).</summary>
    private static void ClearFolder(string folder)
    {
        foreach (var directory in Directory.EnumerateDirectories(folder))
        {
            if (new DirectoryInfo(directory).LinkTarget is not null)
                File.Delete(directory);
            else
                Directory.Delete(directory, recursive: true);
        }
        foreach (var file in Directory.EnumerateFiles(folder))
            File.Delete(file);
    }
}
