using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.Agent.Tests.Support;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Migration;

/// <summary>
/// The real panel with four real agents on this machine: kvm-a on the system libvirtd and kvm-b on a second libvirtd
/// in its own network and mount namespace (<see cref="SecondLibvirtd"/>, reached over a veth), and ct-a and ct-b on
/// LXC with an lxcpath and private folder each. One customer on a plan of 128 MiB to 4 GiB. Disposing leaves no
/// domain, container, pool, namespace or folder behind.
/// </summary>
public sealed class RealMigrationFleet(PostgresServer server) : PanelFixture(server), IAsyncLifetime
{
    public const string VmTemplate = LibvirtTestScope.Template;
    public const string CtTemplate = "busybox-x86_64";
    public const string Owner = "mig-owner";
    private const string CtTemplateDirectory = "/var/lib/vzpanel-agent/templates/ct";

    private readonly List<IDisposable> _cleanup = [];
    private readonly List<AgentProcess> _agents = [];

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Agents__HeartbeatIntervalSeconds"] = "1",
    };

    public SecondLibvirtd Second { get; private set; } = null!;
    public FleetNode KvmA { get; private set; } = null!;
    public FleetNode KvmB { get; private set; } = null!;
    public FleetNode CtA { get; private set; } = null!;
    public FleetNode CtB { get; private set; } = null!;
    public LibvirtTestScope VmsA { get; private set; } = null!;
    public LibvirtTestScope VmsB { get; private set; } = null!;
    public Tenant Tenant { get; private set; } = null!;
    public PanelAgentClients Agents { get; private set; } = null!;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await ((IAsyncDisposable)this).DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await SecondLibvirtd.EnsureSystemLibvirtdAsync(ct);
        Second = await SecondLibvirtd.StartAsync(ct);
        _cleanup.Add(Second);
        VmsA = Track(new LibvirtTestScope());
        VmsB = Track(new LibvirtTestScope(Second.Uri));
        await InitializeAsync();
        var plan = new Plan { Name = "mig-real", MemoryMinMiB = 128, MemoryMaxMiB = 4096, VCpuMax = 2, PricePerGiBHour = 0.004m, PricePerVCpuHour = 0.01m };
        Tenant = new Tenant { Name = "mig-corp", PlanId = plan.Id, CreatedAt = DateTimeOffset.UtcNow };
        await using (var db = Database.CreateContext())
        {
            db.AddRange(plan, Tenant);
            await db.SaveChangesAsync(ct);
        }
        await Database.CreateUserAsync(Owner, PanelRole.Customer, Tenant.Id);

        using var admin = await NodeApiClient.AdminAsync(this);
        KvmA = await EnrollAsync(admin, "kvm-a", VmsA.AgentArguments(3072));
        KvmB = await EnrollAsync(admin, "kvm-b", VmsB.AgentArguments(3072));
        CtA = await EnrollAsync(admin, "ct-a", ContainerNode("ct-a"));
        CtB = await EnrollAsync(admin, "ct-b", ContainerNode("ct-b"));
        Agents = await PanelAgentClients.OpenAsync(this);
        await TemplatesOfferedAsync(admin, ct);
    }

    public Task<PanelSession> AdminAsync() => PanelSession.SignInAsync(Panel, "admin", AdminPassword);

    /// <summary>A running server made through the API on <paramref name="node"/>; returns its id.</summary>
    public async Task<Guid> RunningServerAsync(PanelSession admin, string name, string kind, string template, FleetNode node, string memory)
    {
        var accepted = await (await admin.CreateAsync(new
        {
            name, kind, template, memory, memoryGuaranteePercent = 50, tenantId = Tenant.Id, nodeId = node.Id,
        })).AcceptedAsync();
        await admin.SucceededAsync(accepted.OperationId, TimeSpan.FromMinutes(3));
        return accepted.InstanceId;
    }

    private async Task<FleetNode> EnrollAsync(HttpClient admin, string name, IReadOnlyList<string> engine)
    {
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin, name);
        var agent = new AgentProcess { EngineArguments = engine };
        _agents.Add(agent);
        await agent.EnrollAsync(Panel.AgentUrl, token);
        await agent.RunAsync();
        return new FleetNode(name, Guid.Parse(nodeId), agent);
    }

    private IReadOnlyList<string> ContainerNode(string name)
    {
        var root = Path.Combine("/var/lib/vzpanel-test", $"{name}-{Guid.NewGuid():N}"[..20]);
        _cleanup.Add(new ContainerFolder(root));
        return ["--engine", "lxc", "--lxc-path", Path.Combine(root, "lxc"), "--ct-private", Path.Combine(root, "private"),
            "--ct-template-dir", CtTemplateDirectory, "--ct-network", "none"];
    }

    private async Task TemplatesOfferedAsync(HttpClient admin, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var options = await admin.GetFromJsonAsync<JsonElement>("/api/v1/instances/create-options", ct);
            var names = options.GetProperty("templates").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToHashSet();
            var nodes = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/v1/nodes", ct))!;
            if (names.Contains(VmTemplate) && names.Contains(CtTemplate) && nodes.All(n => n.GetProperty("state").GetString() == "Online")) return;
            if (clock.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"The nodes did not come online with their templates: {options}");
            await Task.Delay(200, ct);
        }
    }

    private T Track<T>(T item) where T : IDisposable
    {
        _cleanup.Add(item);
        return item;
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (Agents is not null) await Agents.DisposeAsync();
        foreach (var agent in _agents) await agent.DisposeAsync();
        // Scopes before the second libvirtd they talk to, folders last.
        foreach (var item in Enumerable.Reverse(_cleanup)) item.Dispose();
        if (Panel is not null) await DisposeAsync();
    }

    /// <summary>An LXC node's folders; its containers are stopped and destroyed by their agent's tests, the folder goes here.</summary>
    private sealed class ContainerFolder(string root) : IDisposable
    {
        public void Dispose()
        {
            var lxc = Path.Combine(root, "lxc");
            if (Directory.Exists(lxc))
                foreach (var container in Directory.GetDirectories(lxc))
                    Run("lxc-stop", "-P", lxc, "-n", Path.GetFileName(container), "--kill");
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }

        private static void Run(string tool, params string[] args)
        {
            var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
    }
}

[CollectionDefinition(nameof(RealMigrationCollection))]
public sealed class RealMigrationCollection : ICollectionFixture<RealMigrationFleet>;
