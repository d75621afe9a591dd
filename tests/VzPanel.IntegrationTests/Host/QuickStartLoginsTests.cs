using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Host;

/// <summary>The quick start shows all three roles: `./vzpanel run` prints a login for each, once.</summary>
[Collection(nameof(QuickStartCollection))]
public sealed class QuickStartLoginsTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"vzpanel-logins-{Guid.NewGuid():N}"[..25]);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task QuickStart_PrintsALoginForEveryRole_AndEachSignsInAsItsRole()
    {
        var ct = TestContext.Current.CancellationToken;
        var environment = new Dictionary<string, string> { ["Panel__DataDirectory"] = _dataDirectory };   // the embedded default

        await using (var panel = await PanelProcess.StartAsync(environment))
        {
            var logins = panel.PrintedLogins;
            logins.Select(l => l.UserName).ShouldBe(["admin", "acme", "globex", "support"], panel.Output);
            logins.Select(l => l.Password).Distinct().Count().ShouldBe(4);
            logins[0].Password.ShouldBe(panel.PrintedAdminPassword);   // the admin's still comes first

            var tenants = new Dictionary<string, Guid?>();
            foreach (var (userName, password) in logins)
            {
                await using var session = await PanelSession.SignInAsync(panel, userName, password);
                var me = await session.Http.GetFromJsonAsync<JsonElement>("/api/v1/me", ct);
                me.GetProperty("name").GetString().ShouldBe(userName);
                me.GetProperty("role").GetString().ShouldBe(userName switch { "admin" => "Admin", "support" => "Support", _ => "Customer" });
                tenants[userName] = me.GetProperty("tenantId").ValueKind == JsonValueKind.Null ? null : me.GetProperty("tenantId").GetGuid();
            }
            tenants["admin"].ShouldBeNull();
            tenants["support"].ShouldBeNull();

            // Each customer acts for its own demo tenant.
            await using var admin = await PanelSession.SignInAsync(panel, "admin", logins[0].Password);
            var users = await admin.Http.GetFromJsonAsync<JsonElement[]>("/api/v1/users", ct);
            string? TenantOf(string name) => users!.Single(u => u.GetProperty("userName").GetString() == name).GetProperty("tenantName").GetString();
            TenantOf("acme").ShouldBe("Acme Hosting");
            TenantOf("globex").ShouldBe("Globex Shop");
            tenants["acme"].ShouldNotBeNull().ShouldNotBe(tenants["globex"]!.Value);

            // Support reads the accounts, changes none.
            await using var support = await PanelSession.SignInAsync(panel, "support", logins[3].Password);
            (await support.Http.GetAsync("/api/v1/users", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            await panel.StopAsync();
        }

        await using var again = await PanelProcess.StartAsync(environment);
        again.PrintedLogins.ShouldBeEmpty();   // printed once, never again
    }
}
