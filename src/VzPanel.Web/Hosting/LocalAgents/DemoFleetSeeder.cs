using Microsoft.EntityFrameworkCore;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Features.Tenancy;
using ProtoKind = VzPanel.Agent.Contracts.InstanceKind;
using CoreKind = VzPanel.Core.Features.Instances.InstanceKind;
using InstanceState = VzPanel.Core.Features.Instances.InstanceState;

namespace VzPanel.Web.Hosting.LocalAgents;

/// <summary>
/// On a fresh quick-start database: a few OS templates, two demo customers and servers really created
/// on the simulated nodes through their agents (so what the panel shows is what the nodes report).
/// </summary>
internal sealed class DemoFleetSeeder(IDbContextFactory<VzPanelDbContext> dbFactory, AgentClients agents, TimeProvider clock, ILogger<DemoFleetSeeder> logger)
{
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
        var plan = new Plan { Name = "PAYG Standard", PricePerGiBHour = 0.004m, PricePerVCpuHour = 0.01m };
        db.Plans.Add(plan);
        var tenants = Servers.Select(s => s.Tenant).Distinct()
            .ToDictionary(name => name, name => new Tenant { Name = name, PlanId = plan.Id, CreatedAt = now });
        db.Tenants.AddRange(tenants.Values);
        await db.SaveChangesAsync(ct);

        var templates = await db.Templates.ToDictionaryAsync(t => t.Name, t => t.Id, ct);
        var nodes = await db.Nodes.ToDictionaryAsync(n => n.Name, ct);
        foreach (var server in Servers.Where(s => nodes.ContainsKey(s.Node)))
        {
            var node = nodes[server.Node];
            var instance = new Instance
            {
                Kind = server.Kind, Name = server.Name, TenantId = tenants[server.Tenant].Id, NodeId = node.Id, MemoryMiB = server.MemoryMiB,
                MemoryGuaranteePercent = server.Guarantee, VCpus = server.VCpus, TemplateId = templates[server.Template],
                Hostname = $"{server.Name}.demo.example", CreatedAt = now, UpdatedAt = now,
            };
            db.Instances.Add(instance);
            await db.SaveChangesAsync(ct);
            instance.State = await CreateOnNodeAsync(agents.For(node.Id, node.ManagementAddress), instance, server, ct);
            instance.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }
        logger.LogInformation("Seeded the demo fleet: {Count} servers for {Tenants} customers", Servers.Length, tenants.Count);
    }

    private async Task<InstanceState> CreateOnNodeAsync(NodeAgent.NodeAgentClient agent, Instance instance, DemoServer server, CancellationToken ct)
    {
        try
        {
            await agent.CreateInstanceAsync(new CreateInstanceRequest
            {
                OperationId = Guid.NewGuid().ToString(),
                Spec = new VzPanel.Agent.Contracts.InstanceSpec
                {
                    Id = instance.Id.ToString(), Name = instance.Name, Kind = server.Kind == CoreKind.Vm ? ProtoKind.Vm : ProtoKind.Ct,
                    Template = server.Template, MemoryMib = server.MemoryMiB, MemoryGuaranteePercent = server.Guarantee, Vcpus = server.VCpus,
                    Hostname = instance.Hostname ?? "", DiskGib = 10,
                },
            }, cancellationToken: ct);
            if (!server.Running) return InstanceState.Stopped;
            await agent.StartInstanceAsync(new InstanceOperation { OperationId = Guid.NewGuid().ToString(), InstanceId = instance.Id.ToString() }, cancellationToken: ct);
            return InstanceState.Running;
        }
        catch (Grpc.Core.RpcException ex)
        {
            logger.LogWarning("Creating demo server {Name} on {Node} failed: {Status}", server.Name, server.Node, ex.Status.Detail);
            return InstanceState.Failed;
        }
    }
}
