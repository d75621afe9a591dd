using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Core.Options;

namespace VzPanel.Web.Hosting.LocalAgents;

/// <summary>
/// The quick start's living fleet: once the panel listens, enrolls (first time only) and runs three sim
/// agents as child processes, then seeds demo servers on them. Stopped with the panel.
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
            logger.LogWarning("No VzPanel.Agent.dll found, so the demo's simulated nodes are not started (set Panel:LocalAgents:AgentPath)");
            return;
        }
        await WhenStartedAsync(stoppingToken);

        try
        {
            for (var i = 0; i < count; i++) await LaunchAsync(agentDll, LocalAgentSpec.Fleet[i], options.Value.FirstPort + i, stoppingToken);
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
            await scope.ServiceProvider.GetRequiredService<DemoFleetSeeder>().SeedAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Starting the demo's simulated nodes failed; the panel runs without them");
        }
    }

    private async Task LaunchAsync(string agentDll, LocalAgentSpec spec, int port, CancellationToken ct)
    {
        var dir = Path.Combine(panel.Value.ResolveDataDirectory(), "agents", spec.Name);
        var pidFile = Path.Combine(dir, "agent.pid");
        LocalAgentProcess.StopLeftover(pidFile);
        string[] common = ["--data-dir", dir, "--engine", "sim", "--listen", $"127.0.0.1:{port}", "--sim-name", spec.Name,
                           "--sim-ram", spec.Ram, "--sim-cpus", spec.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
                           "--sim-reserve", spec.Reserve, "--sim-latency", "demo"];

        if (!File.Exists(Path.Combine(dir, "credentials", "node.json")))
        {
            var token = await JoinTokenAsync(spec.Name, ct);
            using var enroll = LocalAgentProcess.Start(agentDll, dir, ["enroll", "--panel", agentOptions.Value.EffectivePublicUrl, "--token", token, .. common]);
            await enroll.WaitAsync(ct);
            if (enroll.ExitCode != 0) throw new InvalidOperationException($"Enrolling {spec.Name} failed (exit {enroll.ExitCode}); see {dir}/agent.log.");
        }

        var agent = LocalAgentProcess.Start(agentDll, dir, ["run", .. common]);
        await File.WriteAllTextAsync(pidFile, agent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        lock (_running) _running.Add(agent);
        logger.LogInformation("Started simulated node {Node} on 127.0.0.1:{Port}", spec.Name, port);
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
