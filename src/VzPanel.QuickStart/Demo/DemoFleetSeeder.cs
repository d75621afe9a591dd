using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Templates;
using CoreKind = VzPanel.Core.Features.Instances.InstanceKind;

namespace VzPanel.QuickStart.Demo;

/// <summary>
/// On a fresh quick-start database: a few OS templates, two demo customers and servers created on the
/// simulated nodes the way any server is: as operations run by jobs through the nodes' agents.
/// </summary>
internal sealed class DemoFleetSeeder(IDbContextFactory<VzPanelDbContext> dbFactory, IInstanceCommands commands, TimeProvider clock, ILogger<DemoFleetSeeder> logger)
{
    // Room to grow, but close enough to the limits that the customers' quota cards show something (the servers below fit).
    private sealed record DemoServer(string Name, string Tenant, string Node, CoreKind Kind, string Template, long MemoryMiB, int Guarantee, int VCpus, bool Running);

    private static readonly DemoServer[] Servers =
    [
        new("acme-web", "Acme Hosting", "sim-1", CoreKind.Ct, "debian-12-x86_64", 2048, 50, 2, true),
        new("acme-db", "Acme Hosting", "sim-2", CoreKind.Vm, "almalinux-9-x86_64", 8192, 100, 4, true),
        new("101", "Acme Hosting", "sim-1", CoreKind.Ct, "debian-12-x86_64", 512, 0, 1, true),
        new("globex-shop", "Globex Shop", "sim-2", CoreKind.Ct, "ubuntu-24.04-x86_64", 4096, 25, 2, true),
        new("globex-cache", "Globex Shop", "sim-3", CoreKind.Ct, "debian-12-x86_64", 1024, 0, 1, false),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Templates.AnyAsync(ct)) return;   // seeded before, or the operator set things up

        var now = clock.GetUtcNow();
        db.Templates.AddRange(
            new Template { Name = "debian-12-x86_64", Kind = CoreKind.Ct, Version = "12.8", Description = "Debian 12 (bookworm)", CreatedAt = now },
            new Template { Name = "ubuntu-24.04-x86_64", Kind = CoreKind.Ct, Version = "24.04", Description = "Ubuntu 24.04 LTS", CreatedAt = now },
            new Template { Name = "almalinux-9-x86_64", Kind = CoreKind.Vm, Version = "9.5", Description = "AlmaLinux 9 cloud image", CreatedAt = now },
            new Template { Name = "debian-12-cloud", Kind = CoreKind.Vm, Version = "20261101", Description = "Debian 12 cloud image", CreatedAt = now });
        var tenants = await DemoTenants.EnsureAsync(db, now, ct);   // the demo logins may have made them already

        var nodes = await OnlineNodesAsync(ct);
        foreach (var server in Servers.Where(s => nodes.ContainsKey(s.Node)))
        {
            var created = await commands.CreateAsync(new CreateInstanceCommand
            {
                Spec = new InstanceSpec
                {
                    Name = server.Name, Kind = server.Kind, Template = server.Template, Memory = $"{server.MemoryMiB}M",
                    MemoryGuaranteePercent = server.Guarantee, VCpus = server.VCpus, Hostname = $"{server.Name}.demo.example",
                },
                TenantId = tenants[server.Tenant].Id, NodeId = nodes[server.Node], Start = server.Running,
            }, ct);
            if (!created.IsSuccess)
                logger.LogWarning("Creating demo server {Name} on {Node} was refused: {Reason}", server.Name, server.Node, created.Error!.Message);
        }
        logger.LogInformation("Queued the demo fleet: {Count} servers for {Tenants} customers", Servers.Length, tenants.Count);
    }

    /// <summary>
    /// The nodes once they have reported (placement needs their size). Agents report within seconds; on a
    /// machine busy booting VMs it can take much longer, and a node that misses the wait gets no demo servers.
    /// </summary>
    private async Task<Dictionary<string, Guid>> OnlineNodesAsync(CancellationToken ct)
    {
        var deadline = clock.GetUtcNow().AddSeconds(120);
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var nodes = await db.Nodes.AsNoTracking().ToListAsync(ct);
            if (nodes.All(n => n.State == NodeState.Online) || clock.GetUtcNow() > deadline)
                return nodes.Where(n => n.State == NodeState.Online).ToDictionary(n => n.Name, n => n.Id);
            await Task.Delay(TimeSpan.FromMilliseconds(250), clock, ct);
        }
    }
}
