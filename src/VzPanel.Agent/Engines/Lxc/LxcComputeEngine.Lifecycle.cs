using System.Text;
using VzPanel.Agent.Engines.Host;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Lxc;

public sealed partial class LxcComputeEngine
{
    private static readonly TimeSpan UnpackTimeout = TimeSpan.FromMinutes(10);

    public Task<InstanceInfo> CreateAsync(InstanceDefinition definition, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(definition.Id, operationId, async () =>
        {
            var template = Validate(definition);
            var directory = ContainerDirectory(definition.Id);
            if (ContainerSpec.TryRead(directory) is not null)
                throw Invalid($"instance {definition.Id} already exists on this node");

            _operations.Progress(definition.Id, operationId, 10, $"checking template {template.Name}");
            await Task.Run(template.EnsureIntact, cancellationToken);

            _operations.Progress(definition.Id, operationId, 30, "unpacking the root filesystem");
            // A create that died half-way may have left its folders; no container uses them, so they go.
            DeleteTree(directory);
            var rootfs = RootfsDirectory(definition.Id);
            DeleteTree(rootfs);
            Directory.CreateDirectory(rootfs);
            var unpack = await ToolProcess.RunAsync("tar", ["-xpzf", template.RootfsPath, "--numeric-owner", "-C", rootfs], UnpackTimeout,
                cancellationToken: cancellationToken);
            if (!unpack.Succeeded)
            {
                DeleteTree(rootfs);
                throw new EngineException(EngineErrorCode.Failed, $"unpacking template {template.Name} failed: {unpack.StderrText.Trim()}");
            }

            _operations.Progress(definition.Id, operationId, 80, "writing the container config");
            var spec = new ContainerSpec(definition.Name, template.Name, template.OsId, definition.MemoryMib, definition.MemoryGuaranteePercent,
                definition.VCpus, definition.DiskGib, Hostname(definition), (definition.IpAddresses ?? []).Select(WithPrefix).ToList(), "", [],
                template.Init, template.HaltSignal);
            Directory.CreateDirectory(directory);
            Save(definition.Id, spec);
            if (!string.IsNullOrEmpty(definition.RootPassword))
                _pendingRootPasswords[definition.Id] = definition.RootPassword;
            _operations.Publish(definition.Id, InstanceState.Stopped, operationId);
            return await SnapshotAsync(definition.Id);
        });

    public Task<InstanceInfo> StartAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, () => StartLockedAsync(instanceId, operationId, cancellationToken));

    public Task<InstanceInfo> StopAsync(string instanceId, StopMode mode, TimeSpan gracefulTimeout, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, () => StopLockedAsync(instanceId, mode, gracefulTimeout, operationId));

    public Task<InstanceInfo> RestartAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            await StopLockedAsync(instanceId, StopMode.Graceful, TimeSpan.FromSeconds(30), operationId);
            return await StartLockedAsync(instanceId, operationId, cancellationToken);
        });

    public Task DeleteAsync(string instanceId, bool keepVolumes, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            Own(instanceId);
            var state = await StateAsync(instanceId);
            if (state is not (InstanceState.Stopped or InstanceState.Failed))
                throw EngineException.WrongState(state);
            // The spec goes first: a delete that dies half-way leaves no container, only a folder the next create clears.
            File.Delete(Path.Combine(ContainerDirectory(instanceId), ContainerSpec.FileName));
            DeleteTree(ContainerDirectory(instanceId));
            if (!keepVolumes)
                DeleteTree(RootfsDirectory(instanceId));
            // The marker of a migration that brought it here: with the container gone, an abort has nothing to remove.
            DeleteTree(IncomingDirectory(instanceId));
            _operations.Forget(instanceId);
            _pendingRootPasswords.TryRemove(instanceId, out _);
            return true;
        });

    private async Task<InstanceInfo> StartLockedAsync(string instanceId, string? operationId, CancellationToken cancellationToken)
    {
        var spec = Own(instanceId);
        var state = await StateAsync(instanceId);
        if (state is not (InstanceState.Stopped or InstanceState.Failed))
            throw EngineException.WrongState(state);

        await _admission.WaitAsync(cancellationToken);
        try
        {
            await EnsureGuaranteeFitsAsync(instanceId, spec.MemoryMib, spec.GuaranteePercent);
            _operations.Drive(instanceId, InstanceState.Starting, operationId);
            try
            {
                File.Delete(LogFile(instanceId));
                await _lxc.StartAsync(instanceId, TimeSpan.FromSeconds(_options.StartTimeoutSeconds));
            }
            catch (EngineException failure)
            {
                _operations.Settle(instanceId, Map(await _lxc.StateAsync(instanceId)), operationId);
                throw new EngineException(failure.Code, $"{failure.Message}{LogTail(instanceId)}");
            }
        }
        finally
        {
            _admission.Release();
        }

        try
        {
            _operations.Progress(instanceId, operationId, 70, "applying hostname, DNS and password inside");
            await ApplyGuestConfigAsync(instanceId, spec);
        }
        finally
        {
            _operations.Settle(instanceId, Map(await _lxc.StateAsync(instanceId)), operationId);
        }
        return await SnapshotAsync(instanceId);
    }

    private async Task<InstanceInfo> StopLockedAsync(string instanceId, StopMode mode, TimeSpan gracefulTimeout, string? operationId)
    {
        Own(instanceId);
        var state = await StateAsync(instanceId);
        if (state is not (InstanceState.Running or InstanceState.Failed))
            throw EngineException.WrongState(state);
        _operations.Drive(instanceId, InstanceState.Stopping, operationId);
        try
        {
            var graceful = mode == StopMode.Graceful && gracefulTimeout > TimeSpan.Zero;
            _operations.Progress(instanceId, operationId, 30, graceful
                ? $"asking init to halt; forcing it off after {gracefulTimeout.TotalSeconds:0} s"
                : "killing the container");
            await _lxc.StopAsync(instanceId, graceful ? gracefulTimeout : null);
        }
        finally
        {
            _operations.Settle(instanceId, Map(await _lxc.StateAsync(instanceId)), operationId);
        }
        return await SnapshotAsync(instanceId);
    }

    /// <summary>What lives inside the root filesystem is written from inside (lxc-attach), never through host paths a container could symlink.</summary>
    private async Task ApplyGuestConfigAsync(string instanceId, ContainerSpec spec)
    {
        try
        {
            await WriteHostnameAsync(instanceId, spec.Hostname);
            if (spec.DnsServers.Count > 0)
                await WriteResolvConfAsync(instanceId, spec.DnsServers);
        }
        catch (EngineException failure)
        {
            _logger.LogWarning("container {Instance} runs, but its hostname file or DNS could not be written: {Reason}", instanceId, failure.Message);
        }
        if (_pendingRootPasswords.TryRemove(instanceId, out var password))
            await ChangePasswordAsync(instanceId, "root", password);
    }

    /// <summary>
    /// The file first, then the running name: init scripts set the name from /etc/hostname at boot (busybox rcS,
    /// systemd), and whichever moment they do it, they read the new file or are overridden afterwards.
    /// </summary>
    private async Task WriteHostnameAsync(string instanceId, string hostname)
    {
        await _lxc.AttachCheckedAsync(instanceId, ["tee", "/etc/hostname"], Encoding.UTF8.GetBytes(hostname + "\n"));
        await _lxc.AttachCheckedAsync(instanceId, ["hostname", hostname]);
    }

    private string LogFile(string instanceId) => Path.Combine(ContainerDirectory(instanceId), "lxc.log");

    private string LogTail(string instanceId)
    {
        var file = LogFile(instanceId);
        if (!File.Exists(file))
            return "";
        var lines = File.ReadLines(file).TakeLast(3).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return lines.Count == 0 ? "" : $" (LXC log: {string.Join(" | ", lines)})";
    }

    /// <summary>Regenerates the LXC config from the spec and saves both, the spec last (it is what marks the container as this agent's).</summary>
    private void Save(string instanceId, ContainerSpec spec)
    {
        var directory = ContainerDirectory(instanceId);
        var config = LxcConfig.Build(instanceId, spec, RootfsDirectory(instanceId), LogFile(instanceId), _options.Network, ContainerCgroup.HostFlavor,
            _options.SwapMib);
        var file = Path.Combine(directory, "config");
        File.WriteAllText(file + ".new", config);
        File.Move(file + ".new", file, overwrite: true);
        spec.Write(directory);
    }

    /// <summary>
    /// Removes a container's folder. Right after a stop, the container's last processes and LXC's monitor can still be
    /// writing into it for a moment, and a recursive delete then meets "directory not empty": that is asked again
    /// shortly; a tree that still cannot go is an engine failure with the reason, not an unhandled exception.
    /// </summary>
    private static void DeleteTree(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                    Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 10)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(100 * attempt));
            }
            catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
            {
                throw new EngineException(EngineErrorCode.Failed, $"could not remove {path}: {failure.Message}");
            }
        }
    }

    private static string Hostname(InstanceDefinition definition) =>
        string.IsNullOrWhiteSpace(definition.Hostname) ? definition.Name : definition.Hostname;
}
