using System.Diagnostics;
using System.Globalization;
using System.Net;
using VzPanel.Agent.Engines.Libvirt.Native;
using VzPanel.Agent.Engines.Migration;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>
/// VM migration through libvirt (docs/decisions/0011-vm-live-migration-through-libvirt.md): the target creates the
/// disk overlay in its pool, the source's libvirtd migrates peer to peer (memory and the disk's top layer), the target
/// confirms. libvirt moves the bytes itself, so the agents' migration channel is not used.
/// </summary>
public sealed partial class LibvirtComputeEngine
{
    // What a target hands the source (IncomingMigration.Engine → OutgoingMigration.TargetEngine).
    public const string TargetUriKey = "uri", TargetMigrateUriKey = "migrate-uri", TargetDiskKey = "disk-path",
        TargetSerialLogKey = "serial-log", TargetScopeKey = "scope";

    private static readonly TimeSpan JobPoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan FirstJobPoll = TimeSpan.FromMilliseconds(200);

    public Task<IncomingMigration> PrepareIncomingAsync(InstanceDefinition definition, MigrationMode mode, string operationId,
        CancellationToken cancellationToken) =>
        OperateAsync(definition.Id, operationId, async () =>
        {
            EnsureVmMode(mode);
            var template = Validate(definition);
            foreach (var file in new[] { template.DiskPath, template.KernelPath, template.InitrdPath }.OfType<string>())
            {
                if (!File.Exists(file))
                    throw Invalid($"template {template.Name} is incomplete on node {_options.NodeName}: {file} is missing");
            }
            if (Exists(definition.Id))
                throw Invalid($"instance {definition.Id} already exists on node {_options.NodeName}");
            if (mode == MigrationMode.Live)
                await WithAdmissionAsync(() => EnsureGuaranteeFits(definition.Id, definition.MemoryMib, definition.MemoryGuaranteePercent), cancellationToken);
            var uri = _options.EffectiveMigrationUri();
            var host = MigrationHost(uri);

            EnsurePool();
            var volume = VolumeName(definition.Id);
            if (_api.Volumes(_options.PoolName).Any(v => v.Name == volume))
                throw new EngineException(EngineErrorCode.WrongState,
                    $"volume {volume} already exists in pool {_options.PoolName} of node {_options.NodeName}: an earlier migration left it " +
                    "(abort that one first), or the pool is shared storage, which VM migration does not support");
            _operations.Progress(definition.Id, operationId, 50, "creating the disk the copy goes to");
            // The same overlay create makes (name, size, backing file), so libvirt's incremental copy finds it and sends only the top layer.
            var (diskPath, _) = CreateDisk(definition, template);
            Directory.CreateDirectory(_options.LogDirectory);
            _logger.LogInformation("prepared to take VM {Instance} ({Mode}) at {Uri}; disk {Disk}", definition.Id, mode, uri, diskPath);
            return new IncomingMigration(new Dictionary<string, string>
            {
                [TargetUriKey] = uri,
                [TargetMigrateUriKey] = $"tcp://{host}",
                [TargetDiskKey] = diskPath,
                [TargetSerialLogKey] = SerialLogPath(definition.Id),
                [TargetScopeKey] = _options.Scope,
            });
        });

    public Task AcceptIncomingAsync(string instanceId, Stream payload, CancellationToken cancellationToken) =>
        throw new EngineException(EngineErrorCode.WrongState, "libvirt moves VMs between its daemons itself; nothing is streamed to a libvirt node");

    public Task<MigrationOutcome> MigrateOutAsync(string instanceId, OutgoingMigration migration, IMigrationTransport transport,
        Action<MigrationProgress> progress, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            EnsureVmMode(migration.Mode);
            var (listing, facts) = Own(instanceId);
            var state = StateOf(listing);
            var live = migration.Mode == MigrationMode.Live;
            if (live && state != InstanceState.Running)
                throw new EngineException(EngineErrorCode.WrongState, $"a live migration needs a running VM; this one is {state.ToString().ToLowerInvariant()}");
            if (!live && state != InstanceState.Stopped)
                throw new EngineException(EngineErrorCode.WrongState, $"an offline migration needs a stopped VM; this one is {state.ToString().ToLowerInvariant()}");
            var target = TargetOf(migration);
            cancellationToken.ThrowIfCancellationRequested();

            var clock = Stopwatch.StartNew();
            if (!live)
                await WithAdmissionAsync(() => EnsureGuaranteeFits(instanceId, facts.Metadata!.MemoryMib, facts.Metadata.GuaranteePercent), cancellationToken);
            _operations.Drive(instanceId, live ? InstanceState.Running : InstanceState.Stopped, operationId);
            try
            {
                // Offline: QEMU starts with the vCPUs paused (the guest never runs) so libvirt's disk copy can move the
                // overlay; the target keeps the definition and starts or stops it when the migration completes.
                if (!live)
                    _api.StartPaused(instanceId);
                var placement = new MigrationPlacement(target.DiskPath, target.SerialLogPath, target.Scope);
                var strings = new Dictionary<string, string>
                {
                    ["migrate_uri"] = target.MigrateUri,
                    ["destination_xml"] = MigrationXml.ForTarget(_api.MigratableXml(instanceId, inactive: false), placement),
                    ["persistent_xml"] = MigrationXml.ForTarget(_api.MigratableXml(instanceId, inactive: true), placement),
                };
                // The target's QEMU listens for memory and disk on the advertised address only, not on every interface.
                var host = new Uri(target.MigrateUri).Host.Trim('[', ']');
                if (IPAddress.TryParse(host, out _))
                    strings["listen_address"] = host;
                var numbers = new Dictionary<string, ulong>();
                if (migration.BandwidthMibPerSecond > 0)
                    numbers["bandwidth"] = (ulong)migration.BandwidthMibPerSecond;
                if (live && migration.MaxDowntimeMs > 0)
                    _api.SetMaxDowntime(instanceId, (ulong)migration.MaxDowntimeMs);
                var flags = LibvirtApi.MigratePeerToPeer | LibvirtApi.MigratePersistDest | LibvirtApi.MigrateNonSharedIncremental |
                            LibvirtApi.MigrateAbortOnError | (live ? LibvirtApi.MigrateLive : LibvirtApi.MigratePaused);

                _operations.Progress(instanceId, operationId, 5, $"migrating {(live ? "live" : "offline")} to {target.Uri}");
                _logger.LogInformation("migrating VM {Instance} {Mode} to {Uri} (memory and disk over {MigrateUri})", instanceId, migration.Mode,
                    target.Uri, target.MigrateUri);
                var migrate = Task.Factory.StartNew(() => _api.Migrate(instanceId, target.Uri, strings, numbers, flags),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                await WatchJobAsync(instanceId, migrate, live ? migration.MaxDowntimeMs : 0, progress, operationId, cancellationToken);
                try
                {
                    await migrate;
                }
                catch (LibvirtException failure) when (cancellationToken.IsCancellationRequested)
                {
                    _logger.LogInformation("migration of VM {Instance} cancelled after {Seconds:0.0} s; it stays here", instanceId, clock.Elapsed.TotalSeconds);
                    throw new OperationCanceledException("the migration was cancelled; the VM stays on this node", failure, cancellationToken);
                }
                catch (LibvirtException failure) when (failure.Code is not (LibvirtErrorCode.NoDomain or LibvirtErrorCode.OperationInvalid))
                {
                    // Mostly the target's side (its libvirtd unreachable, its QEMU refusing): name it, not this node's libvirtd.
                    _logger.LogWarning("migration of VM {Instance} to {Uri} failed: {Reason}", instanceId, target.Uri, failure.Message);
                    throw new EngineException(failure.ConnectionLost ? EngineErrorCode.Unavailable : EngineErrorCode.Failed,
                        $"libvirt could not migrate the VM to {target.Uri}: {failure.Message}; it {(live ? "runs" : "stays")} on this node");
                }
            }
            catch when (!live)
            {
                // The source was stopped before: whatever happened, it is stopped again.
                DestroyIfRunning(instanceId);
                throw;
            }
            finally
            {
                _operations.Settle(instanceId, MapState(_api.State(instanceId)), operationId);
            }

            var done = CompletedJob(instanceId);
            var transferred = done?["data_processed"] ?? 0;
            var downtime = live ? done is null ? 0 : Math.Max(done["downtime"], done["downtime_net"]) : 0;
            _logger.LogInformation("migrated VM {Instance} to {Uri} in {Seconds:0.00} s: {Bytes} bytes, downtime {Downtime} ms", instanceId, target.Uri,
                clock.Elapsed.TotalSeconds, transferred, downtime);
            _operations.Progress(instanceId, operationId, 100,
                string.Create(CultureInfo.InvariantCulture, $"migrated in {clock.Elapsed.TotalSeconds:0.0} s, {transferred >> 20} MiB sent, downtime {downtime} ms"));
            return new MigrationOutcome(migration.Mode, transferred, downtime, Snapshot(instanceId));
        });

    public Task<InstanceInfo> CompleteIncomingAsync(string instanceId, bool start, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            var facts = Arrived(instanceId);
            var metadata = facts.Metadata!;
            var expectedDisk = Path.GetFullPath(Path.Combine(_options.PoolPath, VolumeName(instanceId)));
            if (Path.GetFullPath(facts.DiskPath) != expectedDisk)
                throw new EngineException(EngineErrorCode.Failed,
                    $"instance {instanceId} runs here from {facts.DiskPath}, not from the disk prepared for it ({expectedDisk}); refusing to take it over");
            var state = _api.State(instanceId);
            if (metadata.Scope != _options.Scope)
            {
                metadata = metadata with { Scope = _options.Scope };
                WriteMetadata(instanceId, metadata, live: IsActive(MapState(state)));
            }
            if (!_api.IsPersistent(instanceId))
                _api.Define(_api.MigratableXml(instanceId, inactive: false));
            _own.TryAdd(instanceId, 0);

            const int paused = 3;
            if (state == paused)
            {
                // Paused after the move: an offline migration (the guest never ran on this node). It boots fresh below if asked to.
                DestroyIfRunning(instanceId);
                state = _api.State(instanceId);
            }
            if (start && MapState(state) == InstanceState.Stopped)
                return await StartLockedAsync(instanceId, operationId, cancellationToken);
            if (!start && IsActive(MapState(state)))
            {
                DestroyIfRunning(instanceId);
                state = _api.State(instanceId);
            }
            if (IsActive(MapState(state)))
                ApplyGuarantee(instanceId, metadata, live: true);
            var dimms = DomainXml.Read(_api.Xml(instanceId)).Dimms;
            _operations.Progress(instanceId, operationId, 90, string.Create(CultureInfo.InvariantCulture,
                $"{(IsActive(MapState(state)) ? "running" : "defined")} on {_options.NodeName} with {metadata.MemoryMib} MiB ({dimms.Count} hotplugged DIMM(s), {dimms.Sum(d => d.SizeMib)} MiB)"));
            _operations.Publish(instanceId, MapState(state), operationId);
            return Snapshot(instanceId);
        });

    public Task AbortIncomingAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        Operate(instanceId, operationId, () =>
        {
            if (!Guid.TryParse(instanceId, out _))
                throw EngineException.NotFound(instanceId);
            // Whatever a prepared or failed (or rolled back) migration left on this node goes; the source is another node.
            if (Exists(instanceId))
            {
                var persistent = _api.IsPersistent(instanceId);
                if (IsActive(MapState(_api.State(instanceId))))
                    DestroyIfRunning(instanceId);
                if (persistent)
                    _api.Undefine(instanceId);
            }
            EnsurePool();
            var deleted = _api.DeleteVolume(_options.PoolName, VolumeName(instanceId));
            File.Delete(SerialLogPath(instanceId));
            _own.TryRemove(instanceId, out _);
            _operations.Forget(instanceId);
            _logger.LogInformation("aborted the incoming migration of {Instance}{Volume}", instanceId, deleted ? "; its prepared disk is deleted" : "");
            return true;
        });

    /// <summary>
    /// Waits for the migration call while reading libvirt's job statistics every 500 ms for the progress reports; a
    /// cancelled token aborts the job (the VM keeps running here). Returns when the call has returned.
    /// </summary>
    private async Task WatchJobAsync(string instanceId, Task migrate, int maxDowntimeMs, Action<MigrationProgress> progress, string operationId,
        CancellationToken cancellationToken)
    {
        var downtimeSet = false;
        var wait = FirstJobPoll;
        while (!migrate.IsCompleted)
        {
            // Once cancelled, keep polling without the token: the call returns only after libvirt has rolled back.
            await Task.WhenAny(migrate, Task.Delay(wait, cancellationToken.IsCancellationRequested ? CancellationToken.None : cancellationToken));
            wait = JobPoll;
            if (migrate.IsCompleted)
                return;
            if (cancellationToken.IsCancellationRequested)
            {
                AbortQuietly(instanceId);
                continue;
            }
            var stats = ActiveJob(instanceId);
            if (stats is null)
                continue;
            if (!downtimeSet && maxDowntimeMs > 0)
            {
                // Set once more now that the job runs: some libvirt versions reset it when the migration starts.
                TryQuietly(() => _api.SetMaxDowntime(instanceId, (ulong)maxDowntimeMs));
                downtimeSet = true;
            }
            var report = ToProgress(stats);
            try
            {
                progress(report);
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                // A broken listener must not leave the migration running with nobody waiting for it.
                _logger.LogWarning(failure, "a migration progress listener of {Instance} failed", instanceId);
            }
            // Zero pages are skipped rather than sent, so what is covered (total minus remaining) is the truer share.
            var covered = report.TotalBytes > 0 ? (int)((report.TotalBytes - report.RemainingBytes) * 90 / report.TotalBytes) : 0;
            _operations.Progress(instanceId, operationId, 5 + covered, string.Create(CultureInfo.InvariantCulture,
                $"{report.Phase}: {report.TransferredBytes >> 20} MiB sent, {report.RemainingBytes >> 20} of {report.TotalBytes >> 20} MiB left"));
        }
    }

    private static MigrationProgress ToProgress(JobStats stats)
    {
        // libvirt first mirrors the disk (its setup reports no numbers yet), then sends memory while the mirror keeps up.
        var phase = stats["memory_total"] == 0 || (stats["disk_remaining"] > 0 && stats["memory_processed"] == 0) ? "disk" : "memory";
        var pageSize = stats["memory_page_size"] > 0 ? stats["memory_page_size"] : 4096;
        return new MigrationProgress(phase, stats["data_total"], stats["data_processed"], stats["data_remaining"], stats["memory_dirty_rate"] * pageSize);
    }

    private JobStats? ActiveJob(string instanceId)
    {
        try
        {
            var stats = _api.JobStatistics(instanceId, completed: false);
            return stats.Active ? stats : null;
        }
        catch (LibvirtException failure)
        {
            _logger.LogDebug("no job statistics for {Instance}: {Reason}", instanceId, failure.Message);
            return null;
        }
    }

    private JobStats? CompletedJob(string instanceId)
    {
        try
        {
            var stats = _api.JobStatistics(instanceId, completed: true);
            return stats.Type == JobStats.Completed ? stats : null;
        }
        catch (LibvirtException failure)
        {
            _logger.LogWarning("the statistics of {Instance}'s finished migration are not available: {Reason}", instanceId, failure.Message);
            return null;
        }
    }

    private void AbortQuietly(string instanceId) => TryQuietly(() => _api.AbortJob(instanceId));

    private void TryQuietly(Action call)
    {
        try
        {
            call();
        }
        catch (LibvirtException failure)
        {
            // No job yet, or it just finished: the migrate call's own result tells what happened.
            _logger.LogDebug("ignored during a migration: {Reason}", failure.Message);
        }
    }

    /// <summary>The domain a migration brought here (any scope: the source wrote this node's, an older one may not have).</summary>
    private DomainFacts Arrived(string instanceId)
    {
        if (!Guid.TryParse(instanceId, out _))
            throw EngineException.NotFound(instanceId);
        try
        {
            var facts = DomainXml.Read(_api.Xml(instanceId));
            return facts.Metadata is null
                ? throw new EngineException(EngineErrorCode.NotFound, $"domain {instanceId} on node {_options.NodeName} is not a VzPanel VM")
                : facts;
        }
        catch (LibvirtException failure) when (failure.Code == LibvirtErrorCode.NoDomain)
        {
            throw new EngineException(EngineErrorCode.WrongState, $"node {_options.NodeName} has not received instance {instanceId}");
        }
    }

    private static void EnsureVmMode(MigrationMode mode)
    {
        if (mode == MigrationMode.Cold)
            throw Invalid("VMs migrate live (running) or offline (stopped); cold migration is for containers");
    }

    private sealed record MigrationTargetFacts(string Uri, string MigrateUri, string DiskPath, string SerialLogPath, string Scope);

    private static MigrationTargetFacts TargetOf(OutgoingMigration migration)
    {
        string Need(string key) => migration.TargetEngine.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw Invalid($"target node {migration.TargetNodeId} did not hand over '{key}' (is it a libvirt node prepared for this migration?)");
        var facts = new MigrationTargetFacts(Need(TargetUriKey), Need(TargetMigrateUriKey), Need(TargetDiskKey), Need(TargetSerialLogKey), Need(TargetScopeKey));
        _ = MigrationHost(facts.Uri);
        _ = MigrationHost(facts.MigrateUri);
        return facts;
    }

    private static string MigrationHost(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Host.Length > 0
            ? parsed.Host
            : throw Invalid($"migration URI '{uri}' names no host (expected e.g. qemu+tcp://10.0.5.12/system)");

    private string SerialLogPath(string instanceId) => Path.Combine(_options.LogDirectory, $"{instanceId}.serial.log");
}
