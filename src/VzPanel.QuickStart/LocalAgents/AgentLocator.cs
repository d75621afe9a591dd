namespace VzPanel.QuickStart.LocalAgents;

/// <summary>Where the agent program is: configured, published next to the panel, or built in the source tree.</summary>
internal static class AgentLocator
{
    /// <summary>The agent's assembly, named as the docs call the program (src/VzPanel.Agent builds it).</summary>
    public const string AgentDll = "vzpanel-agent.dll";

    private static readonly string[] Configurations = ["Release", "Debug"];

    public static string? Find(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return File.Exists(configured) ? Path.GetFullPath(configured) : null;

        var beside = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "agent", AgentDll));
        if (File.Exists(beside)) return beside;

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VzPanel.sln"))) dir = dir.Parent;
        if (dir is null) return null;
        return Configurations
            .Select(c => Path.Combine(dir.FullName, "src", "VzPanel.Agent", "bin", c, "net10.0", AgentDll))
            .FirstOrDefault(File.Exists);
    }
}
