namespace VzPanel.QuickStart.LocalAgents;

/// <summary>
/// The quick start's real container node ct-1: a `vzpanel-agent` on the LXC engine of this machine, building
/// containers from the node template busybox-x86_64 that `./vzpanel deps` (or `./vzpanel run`) builds. Its
/// containers live in an lxcpath and a private folder of its own under the panel's data directory, so other
/// agents on the machine (tests, a second panel) never see them.
/// </summary>
internal sealed record LocalCtNode(string DataDirectory)
{
    public const string Name = "ct-1";
    public const string Template = "busybox-x86_64";
    public const string TemplateDirectory = "/var/lib/vzpanel-agent/templates/ct";

    public static LocalCtNode For(string panelDataDirectory) => new(Path.Combine(panelDataDirectory, "agents", Name));

    private string LxcPath => Path.Combine(DataDirectory, "containers");
    private string PrivatePath => Path.Combine(DataDirectory, "private");

    /// <summary>Engine options for enroll and run; no NIC (the quick start has no bridge to give containers).</summary>
    public IReadOnlyList<string> EngineArguments =>
    [
        "--engine", "lxc", "--lxc-path", LxcPath, "--ct-private", PrivatePath, "--ct-template-dir", TemplateDirectory, "--ct-network", "none",
    ];

    /// <summary>Why this machine cannot run the container node, in words for the console; null when it can.</summary>
    public static string? UnusableBecause()
    {
        if (Environment.UserName != "root")
            return "LXC system containers need root here (the panel runs as " + Environment.UserName + ")";
        if (!File.Exists("/usr/bin/lxc-start"))
            return "LXC is not installed (no /usr/bin/lxc-start)";
        var template = Path.Combine(TemplateDirectory, Template, "template.json");
        return File.Exists(template) ? null : $"the container template {Template} is not built (no {template})";
    }

    /// <summary>For the console: what the node is and where its containers go.</summary>
    public string Summary => $"LXC, template {Template}, containers in {LxcPath}, root filesystems in {PrivatePath}";
}
