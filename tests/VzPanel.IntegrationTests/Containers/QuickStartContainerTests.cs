using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VzPanel.Agent.Tests.Support;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Vms;
using static VzPanel.IntegrationTests.Infrastructure.ServerPages;

namespace VzPanel.IntegrationTests.Containers;

/// <summary>
/// Issue 6 as a new user tries it: the quick-start panel (embedded database) runs, next to its sim nodes, the real
/// LXC node ct-1 with the busybox template. In Chromium the admin creates a container on it, resizes it live (the
/// container's cgroup follows), reads its counters on the node page, and deletes it; LXC keeps nothing of it.
/// </summary>
[Collection(nameof(QuickStartCollection))]
public sealed class QuickStartContainerTests(BrowserServer browser) : IAsyncLifetime
{
    private const string Name = "ct-ui-1";
    private const string Template = "busybox-x86_64";
    private static readonly LocatorAssertionsToHaveAttributeOptions Within = new() { Timeout = 90_000 };
    private readonly string _root = Path.Combine("/var/lib/vzpanel-test", $"qs-ct-{Guid.NewGuid():N}"[..16]);
    private PanelProcess? _panel;

    private string DataDirectory => Path.Combine(_root, "panel");
    private string LxcPath => Path.Combine(DataDirectory, "agents", "ct-1", "containers");

    public ValueTask InitializeAsync()
    {
        if (!File.Exists(Path.Combine("/var/lib/vzpanel-agent/templates/ct", Template, "template.json")))
            throw new InvalidOperationException($"the container template {Template} is missing; `./vzpanel test` builds it (deploy/ct-templates/build-ct-template.sh busybox)");
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task QuickStart_ContainerOnTheLxcNode_IsCreatedResizedLiveCountedAndDeleted_FromTheBrowser()
    {
        var ct = TestContext.Current.CancellationToken;
        // vm-1 has its own test (QuickStartVmNodeTests).
        _panel = await PanelProcess.StartQuickStartAsync(DataDirectory, vmNode: false, containerNode: true);
        var password = _panel.PrintedAdminPassword.ShouldNotBeNull();
        using var admin = _panel.CreateClient();
        await SignInForm.PostAsync(admin, "admin", password);
        var ctNode = (await WaitForNodesAsync(admin, ct)).Single(n => n.GetProperty("name").GetString() == "ct-1");
        ctNode.GetProperty("engine").GetString().ShouldBe("Lxc");
        var nodeId = ctNode.GetProperty("id").GetGuid();
        var details = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/nodes/{nodeId}", ct);
        details.GetProperty("templates").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldContain(Template);
        details.GetProperty("versions").GetProperty("criu").GetString().ShouldNotBeNullOrEmpty();   // live or cold migration, said before it matters

        var page = await browser.SignedInPageAsync(_panel.BaseUrl, "admin", password, new ViewportSize { Width = 1440, Height = 900 });
        try
        {
            await CreateResizeCountDeleteAsync(page, admin, nodeId);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Shot("ct-failed.png"), FullPage = true });
            throw;
        }
    }

    private async Task CreateResizeCountDeleteAsync(IPage page, HttpClient admin, Guid nodeId)
    {
        var dialog = await OpenCreateDialogAsync(page);
        await dialog.GetByTestId("create-name").FillAsync(Name);
        await ChooseAsync(page, "create-template", Template);
        await FillMemoryMiBAsync(page, dialog, 256);
        await ChooseAsync(page, "create-tenant", "Acme Hosting");
        await ChooseAsync(page, "create-node", "ct-1");
        await page.ScreenshotAsync(new() { Path = Shot("ct-create-dialog.png") });

        var clock = Stopwatch.StartNew();
        await dialog.GetByTestId("create-submit").ClickAsync();
        await ExpectOperationSucceededAsync(page, Within);
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Running");
        VmTimings.Write($"browser: create a 256 MiB container on ct-1 until the page shows it Running: {clock.Elapsed.TotalSeconds:0.0} s");
        var id = ServerId(page);
        CgroupLimitMiB(id).ShouldBe(256);

        clock.Restart();
        await ResizeAsync(page, Name, 512, "512 MiB", Within);
        VmTimings.Write($"browser: container memory 256 -> 512 MiB live until the page shows it: {clock.Elapsed.TotalMilliseconds:0} ms");
        CgroupLimitMiB(id).ShouldBe(512);
        await RecordOperationTimesAsync(admin, id);
        await page.ScreenshotAsync(new() { Path = Shot("ct-resized.png"), FullPage = true });

        await page.GotoAsync(new Uri(_panel!.BaseUrl, $"/nodes/{nodeId}").ToString());
        var counters = page.GetByTestId("node-counters").GetByTestId("counters-instance").Filter(new() { HasText = Name });
        await Assertions.Expect(counters.GetByTestId("counter-row").Filter(new() { HasText = "physpages" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(counters.GetByTestId("counter-row").Filter(new() { HasText = "numproc" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("ct-node-counters.png"), FullPage = true });

        await counters.GetByTestId("counters-instance-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("instance-name")).ToHaveTextAsync(Name);
        await DeleteAsync(page, Name);
        Directory.Exists(Path.Combine(LxcPath, id.ToString())).ShouldBeFalse();
        Directory.Exists(Path.Combine(DataDirectory, "agents", "ct-1", "private", id.ToString())).ShouldBeFalse();
    }

    /// <summary>
    /// How long the panel took for the create and the memory change, from its operation records (the browser timings
    /// above include Playwright's polling of the page).
    /// </summary>
    private static async Task RecordOperationTimesAsync(HttpClient admin, Guid id)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/operations?target={id}", TestContext.Current.CancellationToken);
        foreach (var operation in page.GetProperty("items").EnumerateArray())
        {
            var created = operation.GetProperty("createdAt").GetDateTimeOffset();
            var finished = operation.GetProperty("finishedAt").GetDateTimeOffset();
            var started = operation.GetProperty("startedAt").GetDateTimeOffset();
            VmTimings.Write($"panel: {operation.GetProperty("kind").GetString()} operation of the container, requested to finished "
                + $"{(finished - created).TotalMilliseconds:0} ms (job started after {(started - created).TotalMilliseconds:0} ms)");
        }
    }

    /// <summary>The container's memory limit as its cgroup has it (cgroup v1 here), read the way an administrator would.</summary>
    private long CgroupLimitMiB(Guid id)
    {
        var info = Process.Start(new ProcessStartInfo("lxc-info") { ArgumentList = { "-P", LxcPath, "-n", id.ToString(), "-p", "-H" }, RedirectStandardOutput = true })!;
        var pid = info.StandardOutput.ReadToEnd().Trim();
        info.WaitForExit();
        var path = File.ReadLines($"/proc/{pid}/cgroup").Select(l => l.Split(':', 3)).Single(p => p[1] == "memory")[2];
        return long.Parse(File.ReadAllText(Path.Join("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes")).Trim(), CultureInfo.InvariantCulture) / (1024 * 1024);
    }

    private static async Task<List<JsonElement>> WaitForNodesAsync(HttpClient admin, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var nodes = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/v1/nodes", ct))!;
            if (nodes.Count == 4 && nodes.All(n => n.GetProperty("state").GetString() == "Online")) return nodes;
            if (clock.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException($"The quick-start fleet did not come online: {JsonSerializer.Serialize(nodes)}");
            await Task.Delay(250, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_panel is not null) await _panel.DisposeAsync();
        if (Directory.Exists(LxcPath))
        {
            foreach (var container in Directory.EnumerateDirectories(LxcPath))
                Process.Start("lxc-stop", ["-P", LxcPath, "-n", Path.GetFileName(container), "-k"]).WaitForExit();
        }
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
