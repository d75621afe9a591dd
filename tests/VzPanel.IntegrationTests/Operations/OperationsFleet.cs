using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>
/// The real panel with two real sim agents of different sizes (ops-big: 8 GiB and 4 CPUs, ops-small: 4 GiB and
/// 2 CPUs; both keep 1 GiB for the host and may overcommit 1.5×), two customers on one plan, a support account and
/// the two Debian templates. Shared by the classes of <see cref="OperationsFleetCollection"/>, which run one after
/// another; each test removes the servers it made.
/// </summary>
public sealed class OperationsFleet(PostgresServer server) : PanelFixture(server), IAsyncLifetime
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Jobs__AgentRetryWindowSeconds"] = "8",
        ["Agents__HeartbeatIntervalSeconds"] = "1",
    };

    public FleetNode Big { get; private set; } = null!;
    public FleetNode Small { get; private set; } = null!;
    public FleetTenants Tenants { get; private set; } = null!;

    /// <summary>Asks the agents directly, as the panel does.</summary>
    public PanelAgentClients Agents { get; private set; } = null!;

    public IEnumerable<FleetNode> Nodes => [Big, Small];

    public FleetNode Node(Guid id) => Nodes.Single(n => n.Id == id);

    /// <summary>What the inventory says <paramref name="node"/> holds now (guarantees and memory of its servers).</summary>
    public async Task<NodeLoad> LoadAsync(FleetNode node)
    {
        await using var db = Database.CreateContext();
        return (await NodeLoad.ForNodesAsync(db, [node.Id], CancellationToken.None)).Single();
    }

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Tenants = await FleetTenants.SeedAsync(Database);
        using var admin = await NodeApiClient.AdminAsync(this);
        // One after another, as MigrationFleet does: agents starting at once on a busy machine time out enrolling.
        Big = await FleetNode.EnrollAsync(this, admin, "ops-big", "8G", 4);
        Small = await FleetNode.EnrollAsync(this, admin, "ops-small", "4G", 2);
        Agents = await PanelAgentClients.OpenAsync(this);
    }

    public Task<PanelSession> AdminAsync() => PanelSession.SignInAsync(Panel, "admin", AdminPassword);

    public Task<PanelSession> SignInAsync(string userName) => PanelSession.SignInAsync(Panel, userName, TestUsers.Password);

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (Agents is not null) await Agents.DisposeAsync();
        if (Big is not null) await Big.Agent.DisposeAsync();
        if (Small is not null) await Small.Agent.DisposeAsync();
        await DisposeAsync();
    }
}

[CollectionDefinition(nameof(OperationsFleetCollection))]
public sealed class OperationsFleetCollection : ICollectionFixture<OperationsFleet>;

/// <summary>An enrolled node and its running agent.</summary>
public sealed record FleetNode(string Name, Guid Id, AgentProcess Agent)
{
    public string Address => Agent.Address;

    public static async Task<FleetNode> EnrollAsync(PanelFixture panel, HttpClient admin, string name, string ram, int cpus)
    {
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin, name);
        var agent = new AgentProcess { SimRam = ram, SimCpus = cpus };
        await agent.EnrollAsync(panel.Panel.AgentUrl, token);
        await agent.RunAsync();
        return new FleetNode(name, Guid.Parse(nodeId), agent);
    }
}

/// <summary>Two customers on the plan "ops-standard" (128M to 6G, at most 4 vCPUs), their owners, a support account, the templates.</summary>
public sealed record FleetTenants(Plan Plan, Tenant Acme, Tenant Globex)
{
    public const string PlanName = "ops-standard";
    public const string CtTemplate = "debian-12-x86_64";
    public const string VmTemplate = "debian-12-cloud";
    public const string AcmeOwner = "acme-owner";
    public const string GlobexOwner = "globex-owner";
    public const string Support = "ops-support";

    public static async Task<FleetTenants> SeedAsync(TestDatabase database)
    {
        var now = DateTimeOffset.UtcNow;
        var plan = new Plan { Name = PlanName, MemoryMinMiB = 128, MemoryMaxMiB = 6 * 1024, VCpuMax = 4, PricePerGiBHour = 0.004m, PricePerVCpuHour = 0.01m };
        var acme = new Tenant { Name = "acme", PlanId = plan.Id, CreatedAt = now };
        var globex = new Tenant { Name = "globex", PlanId = plan.Id, CreatedAt = now };
        await using (var db = database.CreateContext())
        {
            db.AddRange(plan, acme, globex,
                new Template { Name = CtTemplate, Kind = InstanceKind.Ct, Version = "1.0", CreatedAt = now },
                new Template { Name = VmTemplate, Kind = InstanceKind.Vm, Version = "1.0", CreatedAt = now });
            await db.SaveChangesAsync();
        }
        await database.CreateUserAsync(AcmeOwner, PanelRole.Customer, acme.Id);
        await database.CreateUserAsync(GlobexOwner, PanelRole.Customer, globex.Id);
        await database.CreateUserAsync(Support, PanelRole.Support);
        return new FleetTenants(plan, acme, globex);
    }
}
