using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VzPanel.Agent.Tests.Support;
using VzPanel.IntegrationTests.Infrastructure;
using static VzPanel.IntegrationTests.Infrastructure.ServerPages;

namespace VzPanel.IntegrationTests.Vms;

/// <summary>
/// Issue 5 as a new user tries it: the quick-start panel on its embedded database runs, next to its three sim agents,
/// a real libvirt agent vm-1 that reports the VM template; the demo servers stay on the sim nodes. In Chromium the admin
/// creates a VM on vm-1, grows and shrinks its memory live (its guest agent reports what the guest sees) and deletes it.
/// The data directory is under /var/lib/vzpanel-test (QEMU must reach the disk folder in it); the VM node's pool is
/// removed afterwards.
/// </summary>
[Collection(nameof(QuickStartCollection))]
public sealed partial class QuickStartVmNodeTests(BrowserServer browser) : IAsyncLifetime
{
    private const string Name = "qs-vm-1";
    private static readonly LocatorAssertionsToHaveAttributeOptions Boot = new() { Timeout = 180_000 };
    private static readonly LocatorAssertionsToHaveAttributeOptions Change = new() { Timeout = 90_000 };
    private readonly string _root = Path.Combine("/var/lib/vzpanel-test", $"qs-{Guid.NewGuid():N}"[..13]);
    private PanelProcess? _panel;

    private string DataDirectory => Path.Combine(_root, "panel");

    /// <summary>The VM node's scope for a panel with this data directory: "quickstart-" and a hash of the folder.</summary>
    private string Scope => $"quickstart-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DataDirectory)))[..8]}";

    private string Pool => $"vzpanel-{Scope}";

    public ValueTask InitializeAsync()
    {
        LibvirtTestScope.EnsureAvailable();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task QuickStart_WithLibvirt_RunsTheVmNode_WhereTheAdminCreatesResizesAndDeletesAVm_FromTheBrowser()
    {
        var ct = TestContext.Current.CancellationToken;
        // The container node ct-1 has its own test (QuickStartContainerTests).
        _panel = await PanelProcess.StartQuickStartAsync(DataDirectory, vmNode: true, containerNode: false);
        using var admin = _panel.CreateClient();
        var password = _panel.PrintedAdminPassword.ShouldNotBeNull();
        await SignInForm.PostAsync(admin, "admin", password);

        var nodes = await WaitForAsync(admin, "/api/v1/nodes", (List<JsonElement> n) => n.Count == 4 && n.All(x => x.GetProperty("state").GetString() == "Online")
            && n.Sum(x => x.GetProperty("instances").GetInt32()) == 5, ct);

        var vmNode = nodes.Single(n => n.GetProperty("name").GetString() == "vm-1");
        vmNode.GetProperty("engine").GetString().ShouldBe("Libvirt");
        vmNode.GetProperty("instances").GetInt32().ShouldBe(0);   // real VMs cost real memory: the demo puts none here
        var details = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/nodes/{vmNode.GetProperty("id").GetGuid()}", ct);
        details.GetProperty("templates").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldContain(LibvirtTestScope.Template);
        details.GetProperty("accelerator").GetString().ShouldBe("tcg");   // auto, inside a VM
        var started = await StartedAsync(_panel, ct);
        started.Groups["scope"].Value.ShouldBe(Scope);   // its own, as the data directory is not the default one
        started.Groups["pool"].Value.ShouldBe(Pool);
        started.Groups["path"].Value.ShouldBe(Path.Combine(DataDirectory, "agents", "vm-1", "images"));

        var page = await browser.SignedInPageAsync(_panel.BaseUrl, "admin", password, new ViewportSize { Width = 1440, Height = 900 });
        try
        {
            await CreateResizeDeleteAsync(page, admin, started.Groups["path"].Value, ct);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Shot("qs-vm-failed.png"), FullPage = true });
            throw;
        }
    }

    private static async Task CreateResizeDeleteAsync(IPage page, HttpClient admin, string images, CancellationToken ct)
    {
        var dialog = await OpenCreateDialogAsync(page);
        await dialog.GetByText("VM", new() { Exact = true }).ClickAsync();
        await dialog.GetByTestId("create-name").FillAsync(Name);
        await ChooseAsync(page, "create-template", LibvirtTestScope.Template);
        await FillMemoryMiBAsync(page, dialog, 512);
        await ChooseAsync(page, "create-tenant", "Acme Hosting");
        await ChooseAsync(page, "create-node", "vm-1");

        var clock = Stopwatch.StartNew();
        await dialog.GetByTestId("create-submit").ClickAsync();
        await ExpectOperationSucceededAsync(page, Boot);
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Running");
        VmTimings.Write($"quick start: create a 512 MiB VM on vm-1 in the browser until the page shows it Running: {clock.Elapsed.TotalSeconds:0.0} s");
        var id = ServerId(page);
        (await GuestSeesAsync(admin, id, m => m > 0, ct)).ShouldBeInRange(384, 512);
        await page.ScreenshotAsync(new() { Path = Shot("qs-vm-running.png"), FullPage = true });

        await ResizeAsync(page, Name, 1024, "1 GiB", Change);
        (await GuestSeesAsync(admin, id, m => m > 900, ct)).ShouldBeLessThanOrEqualTo(1024);
        await ResizeAsync(page, Name, 512, "512 MiB", Change);
        (await GuestSeesAsync(admin, id, m => m <= 512, ct)).ShouldBeGreaterThan(384);

        await DeleteAsync(page, Name);
        LibvirtTestScope.Virsh("dominfo", id.ToString()).ExitCode.ShouldNotBe(0);   // libvirt no longer knows it
        Directory.EnumerateFiles(images, $"{id}*").ShouldBeEmpty();   // nor its disk
    }

    /// <summary>The memory the VM's guest agent says the guest sees, read through the panel until it meets <paramref name="done"/>.</summary>
    private static async Task<int> GuestSeesAsync(HttpClient admin, Guid id, Func<int, bool> done, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var guest = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/instances/{id}/guest", ct);
            var seen = guest.GetProperty("agentResponding").GetBoolean() ? guest.GetProperty("memorySeenMiB").GetInt32() : 0;
            if (done(seen)) return seen;
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"The guest did not report the expected memory: {guest}");
            await Task.Delay(250, ct);
        }
    }

    /// <summary>The console line about the VM node (the console logger may print it a little after the node reports).</summary>
    private static async Task<Match> StartedAsync(PanelProcess panel, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (StartedLine().Match(panel.Output) is { Success: false })
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"The panel did not say it started the VM node:\n{panel.Output}");
            await Task.Delay(100, ct);
        }
        return StartedLine().Match(panel.Output);
    }

    private static async Task<T> WaitForAsync<T>(HttpClient admin, string path, Func<T, bool> done, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = (await admin.GetFromJsonAsync<T>(path, ct))!;
            if (done(value)) return value;
            if (clock.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException($"The quick-start fleet did not settle: {JsonSerializer.Serialize(value)}");
            await Task.Delay(250, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_panel is not null) await _panel.DisposeAsync();
        RemovePool(Pool);
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>The VM node made nothing but its pool (the agent defines it when asked for pools); that goes too.</summary>
    private static void RemovePool(string pool)
    {
        if (LibvirtTestScope.Virsh("pool-info", pool).ExitCode != 0) return;
        LibvirtTestScope.Virsh("pool-destroy", pool);
        LibvirtTestScope.Virsh("pool-undefine", pool);
    }

    [GeneratedRegex(@"Started node vm-1 on \S+ \(libvirt, scope (?<scope>\S+), template \S+, disks in pool (?<pool>\S+) at (?<path>[^)]+)\)")]
    private static partial Regex StartedLine();
}
