using System.Net;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer.Fakes;

namespace VzPanel.IntegrationTests.ServiceLayer;

/// <summary>
/// One small fleet per test, in a database of its own: customers Alice and Bob on one plan (256 MiB–16 GiB, 8 vCPUs),
/// two online sim nodes (16 GiB, 1 GiB host reserve, 8 CPUs) and the templates debian-12 (CT and VM) and alpine-3 (CT).
/// </summary>
public abstract class ServiceLayerTest(PostgresServer server) : IAsyncLifetime
{
    protected const string Thumbprint = "fake-thumbprint";

    protected ServiceHost Host { get; private set; } = null!;
    protected FakeNodeAgentGateway Agents => Host.Agents;
    protected Tenant Alice { get; private set; } = null!;
    protected Tenant Bob { get; private set; } = null!;
    protected Node N1 { get; private set; } = null!;
    protected Node N2 { get; private set; } = null!;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Host = await ServiceHost.StartAsync(server);
        await using var db = Host.Database.CreateContext();
        var plan = new Plan { Name = "standard", PricePerGiBHour = 0.004m, PricePerVCpuHour = 0.01m, PricePerDiskGiBMonth = 0.073m, GuaranteePremiumShare = 0.5m };
        Alice = new Tenant { Name = "alice", PlanId = plan.Id, CreatedAt = ServiceHost.Start };
        Bob = new Tenant { Name = "bob", PlanId = plan.Id, CreatedAt = ServiceHost.Start };
        N1 = NewNode("n1", "10.0.0.1:7443");
        N2 = NewNode("n2", "10.0.0.2:7443");
        db.AddRange(plan, Alice, Bob, N1, N2);
        db.Templates.AddRange(
            new Template { Name = "debian-12", Kind = InstanceKind.Ct, Version = "1.0", CreatedAt = ServiceHost.Start },
            new Template { Name = "debian-12", Kind = InstanceKind.Vm, Version = "1.0", CreatedAt = ServiceHost.Start },
            new Template { Name = "alpine-3", Kind = InstanceKind.Ct, Version = "1.0", CreatedAt = ServiceHost.Start });
        await db.SaveChangesAsync(Ct);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private static Node NewNode(string name, string address) => new()
    {
        Name = name, ManagementAddress = address, Engine = EngineKind.Sim, CpuCount = 8, RamMiB = 16384, HostReserveMiB = 1024, OvercommitRatio = 1.5m,
        State = NodeState.Online, CertificateThumbprint = Thumbprint, LastHeartbeatAt = ServiceHost.Start, CreatedAt = ServiceHost.Start,
    };

    /// <summary>
    /// A server the inventory and its node agree on: the row, an open usage segment while it runs, and the node's copy
    /// (a VM with its disk image).
    /// </summary>
    protected async Task<Instance> ServerAsync(Tenant? tenant = null, Node? node = null, string? name = null, long memoryMiB = 1024, int guaranteePercent = 50,
        InstanceState state = InstanceState.Running, InstanceKind kind = InstanceKind.Ct, int vcpus = 1, long diskGiB = 10, long usedMiB = 200)
    {
        node ??= N1;
        await using var db = Host.Database.CreateContext();
        var template = await db.Templates.AsNoTracking().FirstAsync(t => t.Name == "debian-12" && t.Kind == kind, Ct);
        var instance = new Instance
        {
            Kind = kind, Name = name ?? $"{(kind == InstanceKind.Vm ? "vm" : "ct")}-{Guid.NewGuid():N}"[..12], TenantId = (tenant ?? Alice).Id, NodeId = node.Id,
            State = state, MemoryMiB = memoryMiB, MemoryGuaranteePercent = guaranteePercent, VCpus = vcpus, DiskGiB = diskGiB, TemplateId = template.Id,
            Hostname = "host.example", IpAddresses = [IPAddress.Parse("192.0.2.10")], CreatedAt = ServiceHost.Start, UpdatedAt = ServiceHost.Start,
        };
        db.Instances.Add(instance);
        await db.SaveChangesAsync(Ct);
        Agents.Has(node.Id, instance, memoryUsedMiB: usedMiB);
        return instance;
    }

    protected Task<List<UsageSegment>> SegmentsAsync(Guid instanceId) =>
        Host.ReadAsync(db => db.UsageSegments.AsNoTracking().Where(u => u.InstanceId == instanceId).OrderBy(u => u.From).ThenBy(u => u.Id).ToListAsync(Ct));

    protected Task<List<Core.Features.Storage.Volume>> VolumesAsync(Guid? instanceId) =>
        Host.ReadAsync(db => db.Volumes.AsNoTracking().Where(v => v.InstanceId == instanceId).ToListAsync(Ct));

    protected Task<List<string>> AuditActionsAsync(string targetId) =>
        Host.ReadAsync(db => db.AuditEvents.AsNoTracking().Where(a => a.TargetId == targetId).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Ct));

    protected static InstanceSpec Spec(string name, string memory = "1G", InstanceKind kind = InstanceKind.Ct, string? template = "debian-12", int vcpus = 1,
        int guarantee = 50, string? disk = null) =>
        new() { Name = name, Kind = kind, Memory = memory, VCpus = vcpus, MemoryGuaranteePercent = guarantee, Template = template, Disk = disk };
}
