using System.Net;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>Small builders for inventory rows, saved with the system scope.</summary>
public static class Seed
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);   // in the past: heartbeats judge rows changed before them

    public static async Task<Tenant> TenantAsync(this TestDatabase database, string? name = null)
    {
        await using var db = database.CreateContext();
        var plan = new Plan { Name = $"plan-{Guid.NewGuid():N}"[..20], PricePerGiBHour = 0.004m, PricePerVCpuHour = 0.01m };
        var tenant = new Tenant { Name = name ?? $"tenant-{Guid.NewGuid():N}"[..20], PlanId = plan.Id, CreatedAt = Now };
        db.AddRange(plan, tenant);
        await db.SaveChangesAsync();
        return tenant;
    }

    public static async Task<Node> NodeAsync(this TestDatabase database, string? name = null, long ramMiB = 16384, long reserveMiB = 1024,
        NodeState state = NodeState.Online, string address = "10.0.0.1:7443")
    {
        await using var db = database.CreateContext();
        var node = new Node
        {
            Name = name ?? $"node-{Guid.NewGuid():N}"[..16],
            ManagementAddress = address,
            Engine = EngineKind.Sim,
            CpuCount = 8,
            RamMiB = ramMiB,
            HostReserveMiB = reserveMiB,
            OvercommitRatio = 1.5m,
            State = state,
            CreatedAt = Now,
        };
        db.Nodes.Add(node);
        await db.SaveChangesAsync();
        return node;
    }

    public static async Task<Instance> InstanceAsync(this TestDatabase database, Tenant tenant, Node node, string? name = null,
        long memoryMiB = 1024, int guaranteePercent = 50, InstanceState state = InstanceState.Running, InstanceKind kind = InstanceKind.Ct)
    {
        await using var db = database.CreateContext();
        var instance = new Instance
        {
            Kind = kind,
            Name = name ?? $"ct-{Guid.NewGuid():N}"[..12],
            TenantId = tenant.Id,
            NodeId = node.Id,
            State = state,
            MemoryMiB = memoryMiB,
            MemoryGuaranteePercent = guaranteePercent,
            VCpus = 1,
            Hostname = "host.example",
            IpAddresses = [IPAddress.Parse("192.0.2.10")],
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        db.Instances.Add(instance);
        await db.SaveChangesAsync();
        return instance;
    }
}
