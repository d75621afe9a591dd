using System.Net;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Host;

/// <summary>The quick start as a new user lives it: no configuration at all, a stop, and a second start.</summary>
[Collection(nameof(QuickStartCollection))]
public sealed class EmbeddedDefaultTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"vzpanel-home-{Guid.NewGuid():N}"[..23]);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task FirstStartThenRestart_KeepsTheDataAndTheSameAdmin()
    {
        var ct = TestContext.Current.CancellationToken;
        var environment = new Dictionary<string, string> { ["Panel__DataDirectory"] = _dataDirectory };
        var pidFile = Path.Combine(_dataDirectory, "postgres", "pgdata", "postmaster.pid");

        string password;
        await using (var first = await PanelProcess.StartAsync(environment))
        {
            first.Output.ShouldContain($"VzPanel is running at {first.BaseUrl.ToString().TrimEnd('/')}");
            password = first.PrintedAdminPassword.ShouldNotBeNull();
            using var client = first.CreateClient();
            (await SignInForm.PostAsync(client, "admin", password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            File.Exists(pidFile).ShouldBeTrue();

            await first.StopAsync();

            first.Output.ShouldContain("Stopped PostgreSQL");
            File.Exists(pidFile).ShouldBeFalse();          // the private cluster was shut down cleanly
        }

        await using var second = await PanelProcess.StartAsync(environment);
        second.PrintedAdminPassword.ShouldBeNull();        // printed once, never again
        second.Output.ShouldContain("with the password printed at the first start");
        using var again = second.CreateClient();
        var signIn = await SignInForm.PostAsync(again, "admin", password);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await again.GetStringAsync("/api/v1/me", ct)).ShouldContain("\"role\":\"Admin\"");
    }

    [Fact]
    public async Task ResetAdminPassword_PrintsANewOneThatWorks()
    {
        var environment = new Dictionary<string, string> { ["Panel__DataDirectory"] = _dataDirectory };
        string oldPassword;
        await using (var first = await PanelProcess.StartAsync(environment))
        {
            oldPassword = first.PrintedAdminPassword.ShouldNotBeNull();
        }

        var reset = await PanelProcess.RunToEndAsync(environment, "--reset-admin-password");
        var newPassword = PanelProcess.PasswordIn(reset, "New password for 'admin': ").ShouldNotBeNull();

        newPassword.ShouldNotBe(oldPassword);
        await using var panel = await PanelProcess.StartAsync(environment);
        using var client = panel.CreateClient();
        (await SignInForm.PostAsync(client, "admin", oldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SignInForm.PostAsync(client, "admin", newPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }
}
