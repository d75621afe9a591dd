using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Agent.Contracts;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Nodes;

/// <summary>
/// Nodes that keep a template cache (libvirt, LXC) as the panel sees them through enrollment and heartbeats: their
/// facts stored, their templates registered in the catalog once, and new servers placed only where the template is.
/// </summary>
public sealed class TemplateCacheTests(PanelFixture fixture) : IClassFixture<PanelFixture>
{
    private const string Guest = "vzpanel-test-guest";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static NodeInfo CachingNode(params TemplateInfo[] templates)
    {
        var node = TestAgent.SimNode();
        node.Engine = Engine.Libvirt;
        node.Accelerator = "tcg";
        node.Versions.Add(new Dictionary<string, string> { ["libvirt"] = "9.0.0", ["qemu"] = "7.2.0", ["kernel"] = "6.1.0-28-amd64" });
        node.Capabilities.Add(["guest-agent", "memory-hotplug", "template-cache"]);
        node.Templates.Add(templates);
        return node;
    }

    private static TemplateInfo Vm(string name, string version = "1.0") =>
        new() { Name = name, Kind = InstanceKind.Vm, Version = version, Description = $"{name} for tests", OsFamily = "linux" };

    private async Task<(string NodeId, TestAgent Agent)> EnrollAsync(HttpClient admin, string name, NodeInfo node)
    {
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin, name);
        var agent = new TestAgent(fixture.Panel.AgentUrl) { Node = node };
        await agent.EnrollAsync(token);
        return (nodeId, agent);
    }

    private async Task<List<string>> RegistrationsAsync(string template)
    {
        await using var db = fixture.Database.CreateContext();
        return await db.AuditEvents.Where(a => a.Action == "template.register" && a.Summary.Contains(template))
            .OrderBy(a => a.At).Select(a => $"{a.Actor}: {a.Summary}").ToListAsync(_ct);
    }

    [Fact]
    public async Task EnrollAndHeartbeats_StoreTheNodesFacts_AndRegisterEachTemplateOnce()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (firstId, first) = await EnrollAsync(admin, "cache-1", CachingNode(Vm("reg-guest"), Vm("reg-debian", "20261101")));
        using var firstAgent = first;

        var details = await NodeApiClient.NodeAsync(admin, firstId);
        using var second = (await EnrollAsync(admin, "cache-2", CachingNode(Vm("reg-guest"), Vm("reg-alpine", "3.20")))).Agent;
        await first.HeartbeatAsync();
        first.Node.Templates.Add(Vm("reg-guest", "1.1"));
        await first.HeartbeatAsync();
        await first.HeartbeatAsync();

        details.GetProperty("versions").Deserialize<Dictionary<string, string>>()
            .ShouldBe(new Dictionary<string, string> { ["kernel"] = "6.1.0-28-amd64", ["libvirt"] = "9.0.0", ["qemu"] = "7.2.0" }, ignoreOrder: true);
        details.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ShouldBe(["guest-agent", "memory-hotplug", "template-cache"]);
        details.GetProperty("accelerator").GetString().ShouldBe("tcg");
        details.GetProperty("templates").EnumerateArray().Select(t => $"{t.GetProperty("name")}:{t.GetProperty("kind")}:{t.GetProperty("version")}")
            .ShouldBe(["reg-debian:Vm:20261101", "reg-guest:Vm:1.0"]);
        (await RegistrationsAsync("reg-guest")).ShouldBe([
            "system: Registered template reg-guest (VM) version 1.0, reported by node 'cache-1'.",
            "system: Registered template reg-guest (VM) version 1.1, reported by node 'cache-1'.",
        ]);
        (await RegistrationsAsync("reg-alpine")).Count.ShouldBe(1);
        await using var db = fixture.Database.CreateContext();
        (await db.Templates.Where(t => t.Name.StartsWith("reg-")).OrderBy(t => t.Name).ThenBy(t => t.Version)
                .Select(t => $"{t.Name} {t.Version} {t.Description}").ToListAsync(_ct))
            .ShouldBe(["reg-alpine 3.20 reg-alpine for tests", "reg-debian 20261101 reg-debian for tests", "reg-guest 1.0 reg-guest for tests",
                "reg-guest 1.1 reg-guest for tests"]);
        (await db.Nodes.SingleAsync(n => n.Name == "cache-1", _ct)).Templates.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Create_WhereTheTemplateIsMissing_IsRefusedWithTheReason_AndTheFormOffersOnlyTemplatesANodeHas()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var tenant = await fixture.Database.TenantAsync();
        using var has = (await EnrollAsync(admin, "cache-has", CachingNode(Vm(Guest), Vm("place-gone")))).Agent;
        var (lacksId, lacks) = await EnrollAsync(admin, "cache-lacks", CachingNode(Vm("place-debian")));
        using var lacksAgent = lacks;
        has.Node.Templates.Remove(has.Node.Templates.Single(t => t.Name == "place-gone"));   // dropped from the cache: registered, on no node now
        await has.HeartbeatAsync();

        var onLacking = await admin.PostAsJsonAsync("/api/v1/instances",
            new { name = "place-vm-1", kind = "Vm", template = Guest, memory = "512M", tenantId = tenant.Id, nodeId = lacksId, start = false }, _ct);
        var nowhere = await admin.PostAsJsonAsync("/api/v1/instances",
            new { name = "place-vm-2", kind = "Vm", template = "place-gone", memory = "512M", tenantId = tenant.Id, start = false }, _ct);
        var options = await admin.GetFromJsonAsync<JsonElement>("/api/v1/instances/create-options", _ct);

        var refused = await onLacking.ProblemAsync();
        (refused.Status, refused.Code, refused.Detail).ShouldBe((HttpStatusCode.Conflict, "conflict", $"Node cache-lacks does not have template {Guest} (VM)."));
        var none = await nowhere.ProblemAsync();
        none.Status.ShouldBe(HttpStatusCode.Conflict);
        // "No node has template place-gone (VM)." when every node is up; each node's reason when some are not.
        none.Detail.ShouldNotBeNull().ShouldMatch(@"^No node has template place-gone \(VM\)\.$|does not have template place-gone \(VM\)");
        var offered = options.GetProperty("templates").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        offered.ShouldContain(Guest);
        offered.ShouldContain("place-debian");
        offered.ShouldNotContain("place-gone");
        await using var db = fixture.Database.CreateContext();
        (await db.Instances.AnyAsync(i => i.Name.StartsWith("place-vm"), _ct)).ShouldBeFalse();
    }
}
