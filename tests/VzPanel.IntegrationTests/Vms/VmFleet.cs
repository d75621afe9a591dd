using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Vms;

/// <summary>
/// The real panel with one real `vzpanel-agent` on the libvirt engine of this machine (TCG, an isolated NIC, a scope
/// and storage pool of its own, 3 GiB that guarantees may take), enrolled like any node; the node reports the VM
/// template vzpanel-test-guest, which the panel registers. One customer on a plan of 128 MiB to 4 GiB. Shared by
/// the classes of <see cref="VmFleetCollection"/>; disposing leaves no domain, volume or pool behind.
/// </summary>
public sealed class VmFleet(PostgresServer server) : PanelFixture(server), IAsyncLifetime
{
    public const string Template = LibvirtTestScope.Template;
    public const string NodeName = "kvm-1";
    public const string TenantName = "vm-corp";
    public const string Owner = "vm-owner";
    public const long GuaranteeableMiB = 3072;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Agents__HeartbeatIntervalSeconds"] = "1",
    };

    private bool _disposed;

    public LibvirtTestScope Libvirt { get; private set; } = null!;
    public AgentProcess Agent { get; private set; } = null!;
    public Guid NodeId { get; private set; }
    public Tenant Tenant { get; private set; } = null!;

    /// <summary>Asks the agent directly, as the panel does.</summary>
    public PanelAgentClients Agents { get; private set; } = null!;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        Libvirt = new LibvirtTestScope();   // fails at once, naming ./vzpanel deps, when libvirt or the template is missing
        try
        {
            await StartAsync();
        }
        catch
        {
            await ((IAsyncDisposable)this).DisposeAsync();   // nothing of a half-made fleet stays in libvirt
            throw;
        }
    }

    private async Task StartAsync()
    {
        await InitializeAsync();
        var plan = new Plan { Name = "vm-standard", MemoryMinMiB = 128, MemoryMaxMiB = 4096, VCpuMax = 2, PricePerGiBHour = 0.004m, PricePerVCpuHour = 0.01m };
        Tenant = new Tenant { Name = TenantName, PlanId = plan.Id, CreatedAt = DateTimeOffset.UtcNow };
        await using (var db = Database.CreateContext())
        {
            db.AddRange(plan, Tenant);
            await db.SaveChangesAsync();
        }
        await Database.CreateUserAsync(Owner, PanelRole.Customer, Tenant.Id);

        using var admin = await NodeApiClient.AdminAsync(this);
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin, NodeName);
        NodeId = Guid.Parse(nodeId);
        Agent = new AgentProcess { EngineArguments = Libvirt.AgentArguments(GuaranteeableMiB) };
        await Agent.EnrollAsync(Panel.AgentUrl, token);
        await Agent.RunAsync();
        Agents = await PanelAgentClients.OpenAsync(this);
        await TemplateOfferedAsync(admin);
    }

    public Task<PanelSession> AdminAsync() => PanelSession.SignInAsync(Panel, "admin", AdminPassword);

    public Task<PanelSession> OwnerAsync() => PanelSession.SignInAsync(Panel, Owner, TestUsers.Password);

    /// <summary>The guest's own view of its memory, read through the guest agent (NodeAgent.Exec of cat /proc/meminfo).</summary>
    public Task<GuestMemory> GuestMemoryAsync(Guid instanceId) => GuestMemory.ReadAsync(Agents.For(NodeId, Agent.Address), instanceId);

    /// <summary>Waits until the node is online and the create dialog offers the template it reported.</summary>
    private async Task TemplateOfferedAsync(HttpClient admin)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var node = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/nodes/{NodeId}")).GetProperty("node");
            var options = await admin.GetFromJsonAsync<JsonElement>("/api/v1/instances/create-options");
            if (node.GetProperty("state").GetString() == "Online"
                && options.GetProperty("templates").EnumerateArray().Any(t => t.GetProperty("name").GetString() == Template)) return;
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"The libvirt node did not come online with template {Template}: {node} {options}\n{Agent.Output}");
            await Task.Delay(200);
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (Agents is not null) await Agents.DisposeAsync();
        if (Agent is not null) await Agent.DisposeAsync();
        Libvirt?.Dispose();
        if (Panel is not null) await DisposeAsync();
    }
}

[CollectionDefinition(nameof(VmFleetCollection))]
public sealed class VmFleetCollection : ICollectionFixture<VmFleet>;
