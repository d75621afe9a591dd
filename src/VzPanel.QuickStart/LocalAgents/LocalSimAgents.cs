using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Core.Options;
using VzPanel.QuickStart.Demo;

namespace VzPanel.QuickStart.LocalAgents;

/// <summary>
/// The quick start's living fleet: once the panel listens, enrolls (first time only) and runs three sim
/// agents as child processes and seeds demo servers on them; then, when this machine has libvirt and the
/// VM template, a fourth agent for real VMs (<see cref="LocalVmNode"/>), and with LXC and the container
/// template, a fifth for real containers (<see cref="LocalCtNode"/>), with nothing seeded on them (real servers
/// cost real memory). Stopped with the panel; VMs keep running in libvirtd, containers in LXC.
/// </summary>
internal sealed class LocalSimAgents(
    IOptions<LocalAgentOptions> options, IOptions<AgentOptions> agentOptions, IOptions<PanelOptions> panel, PanelDatabase database,
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<LocalSimAgents> logger) : BackgroundService
{
    private readonly List<LocalAgentProcess> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = Math.Clamp(options.Value.Count ?? (database.IsEmbedded ? LocalAgentSpec.Fleet.Length : 0), 0, LocalAgentSpec.Fleet.Length);
        if (count == 0) return;
        var agentDll = AgentLocator.Find(options.Value.AgentPath);
        if (agentDll is null)
        {
            logger.LogWarning("No {Agent} found, so the demo's simulated nodes are not started (set Panel:LocalAgents:AgentPath)", AgentLocator.AgentDll);
            return;
        }
        await WhenStartedAsync(stoppingToken);

        try
        {
            for (var i = 0; i < count; i++)
            {
                var spec = LocalAgentSpec.Fleet[i];
                await LaunchAsync(agentDll, spec.Name, SimDirectory(spec), options.Value.FirstPort + i, spec.EngineArguments, stoppingToken);
                logger.LogInformation("Started simulated node {Node} on 127.0.0.1:{Port}", spec.Name, options.Value.FirstPort + i);
            }
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
            await scope.ServiceProvider.GetRequiredService<DemoFleetSeeder>().SeedAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Starting the demo's simulated nodes failed; the panel runs without them");
        }
        // Only for the quick start proper (embedded database), and after the seeder: the VM node reports its template,
        // and the seeder takes any template as "set up before".
        if (!database.IsEmbedded) return;
        if (options.Value.Libvirt == LocalNodeMode.Auto) await LaunchVmNodeAsync(agentDll, stoppingToken);
        if (options.Value.Lxc == LocalNodeMode.Auto) await LaunchCtNodeAsync(agentDll, stoppingToken);
    }

    private async Task LaunchVmNodeAsync(string agentDll, CancellationToken ct)
    {
        var node = LocalVmNode.For(panel.Value.ResolveDataDirectory());
        if (await LocalVmNode.UnusableBecauseAsync(ct) is { } reason)
        {
            logger.LogWarning("No VM node {Node}: {Reason}. `./vzpanel deps` (as root) installs QEMU and libvirt, starts libvirtd and builds the VM template {Template}; "
                + "restart the panel afterwards (Panel:LocalAgents:Libvirt=off hides this line)", LocalVmNode.Name, reason, LocalVmNode.Template);
            return;
        }
        if (!node.PreparePoolFolder())
        {
            logger.LogWarning("No VM node {Node}: QEMU, which runs as libvirt-qemu, cannot reach the disk folder {Folder}; let others enter the folders on the way "
                + "(chmod o+x) or choose another Panel:DataDirectory (Panel:LocalAgents:Libvirt=off hides this line)", LocalVmNode.Name, node.PoolPath);
            return;
        }
        await LaunchRealNodeAsync(agentDll, LocalVmNode.Name, node.DataDirectory, options.Value.FirstPort + LocalAgentSpec.Fleet.Length,
            node.EngineArguments, node.Summary, ct);
    }

    private async Task LaunchCtNodeAsync(string agentDll, CancellationToken ct)
    {
        if (LocalCtNode.UnusableBecause() is { } reason)
        {
            logger.LogWarning("No container node {Node}: {Reason}. `./vzpanel deps` (as root) installs LXC and builds the container template {Template}; "
                + "restart the panel afterwards (Panel:LocalAgents:Lxc=off hides this line)", LocalCtNode.Name, reason, LocalCtNode.Template);
            return;
        }
        var node = LocalCtNode.For(panel.Value.ResolveDataDirectory());
        await LaunchRealNodeAsync(agentDll, LocalCtNode.Name, node.DataDirectory, options.Value.FirstPort + LocalAgentSpec.Fleet.Length + 1,
            node.EngineArguments, node.Summary, ct);
    }

    private async Task LaunchRealNodeAsync(string agentDll, string name, string dir, int port, IReadOnlyList<string> engineArguments, string summary,
        CancellationToken ct)
    {
        try
        {
            await LaunchAsync(agentDll, name, dir, port, engineArguments, ct);
            logger.LogInformation("Started node {Node} on 127.0.0.1:{Port} ({Summary})", name, port, summary);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Starting the node {Node} failed; the panel runs without it", name);
        }
    }

    private string SimDirectory(LocalAgentSpec spec) => Path.Combine(panel.Value.ResolveDataDirectory(), "agents", spec.Name);

    private async Task LaunchAsync(string agentDll, string name, string dir, int port, IReadOnlyList<string> engineArguments, CancellationToken ct)
    {
        var pidFile = Path.Combine(dir, "agent.pid");
        LocalAgentProcess.StopLeftover(pidFile);
        string[] common = ["--data-dir", dir, "--listen", $"127.0.0.1:{port}", .. engineArguments];

        if (!File.Exists(Path.Combine(dir, "credentials", "node.json")))
        {
            var token = await JoinTokenAsync(name, ct);
            using var enroll = LocalAgentProcess.Start(agentDll, dir, ["enroll", "--panel", agentOptions.Value.EffectivePublicUrl, "--token", token, .. common]);
            await enroll.WaitAsync(ct);
            if (enroll.ExitCode != 0) throw new InvalidOperationException($"Enrolling {name} failed (exit {enroll.ExitCode}); see {dir}/agent.log.");
        }

        var agent = LocalAgentProcess.Start(agentDll, dir, ["run", .. common]);
        await File.WriteAllTextAsync(pidFile, agent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        lock (_running) _running.Add(agent);
        _ = WatchAsync(agent, name, dir);
    }

    /// <summary>Says so when an agent ends while the panel runs (a node that then shows Offline has its reason in the log).</summary>
    private async Task WatchAsync(LocalAgentProcess agent, string name, string dir)
    {
        try
        {
            await agent.WaitAsync(lifetime.ApplicationStopping);
            logger.LogWarning("The local agent of node {Node} exited with {ExitCode}; see {Log}", name, agent.ExitCode, Path.Combine(dir, "agent.log"));
        }
        catch (OperationCanceledException)
        {
            // The panel stops, and its agents with it.
        }
    }

    private async Task<string> JoinTokenAsync(string nodeName, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System with { ActorName = "quick start" };
        var nodes = scope.ServiceProvider.GetRequiredService<INodeAdministration>();
        var added = await nodes.AddNodeAsync(new AddNodeRequest(nodeName, HostReserveMiB: 0), ct);   // 0: take the reserve the agent reports
        if (added.IsSuccess) return added.Value!.Token;

        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync(ct);
        var id = await db.Nodes.Where(n => n.Name == nodeName).Select(n => n.Id).SingleAsync(ct);
        var renewed = await nodes.RenewTokenAsync(id, ct);
        return renewed.IsSuccess ? renewed.Value!.Token : throw new InvalidOperationException(renewed.Error!.Message);
    }

    private Task WhenStartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        ct.Register(() => started.TrySetCanceled(ct));
        return started.Task;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        LocalAgentProcess[] agents;
        lock (_running) agents = [.. _running];
        await Task.WhenAll(agents.Select(a => a.StopAsync(TimeSpan.FromSeconds(5))));
        foreach (var agent in agents) agent.Dispose();
    }
}
