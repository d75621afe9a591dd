using System.Net;
using Microsoft.EntityFrameworkCore;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Security;

/// <summary>With no known proxy configured, forwarded headers are nobody's word.</summary>
public sealed class UntrustedProxyTests(PanelFixture fixture) : IClassFixture<PanelFixture>
{
    [Fact]
    public async Task ForwardedHeaders_FromAnUnlistedSender_AreIgnored()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = fixture.Panel.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.77");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var signIn = await SignInForm.PostAsync(client, "admin", fixture.AdminPassword);

        signIn.Headers.GetValues("Set-Cookie").Single(c => c.Contains("vzpanel.auth")).ShouldStartWith("vzpanel.auth=");   // not HTTPS
        await using var db = fixture.Database.CreateContext();
        var audit = await db.AuditEvents.Where(a => a.Action == "auth.sign-in" && a.Actor == "admin").ToListAsync(ct);
        audit.ShouldAllBe(a => Equals(a.SourceAddress, IPAddress.Loopback));   // the connection's address, not the claimed one
    }

    [Fact]
    public async Task FrameworkSwitchThatTrustsEveryone_WithoutAListedProxy_StopsTheStart()
    {
        var (exitCode, output) = await PanelProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Panel"] = fixture.Database.ConnectionString,
            ["Panel__DataDirectory"] = fixture.DataDirectory,
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
        });

        exitCode.ShouldNotBe(0);
        output.ShouldContain("ASPNETCORE_FORWARDEDHEADERS_ENABLED trusts X-Forwarded-For from anyone");
        output.ShouldContain("Web:KnownProxies");
    }
}
