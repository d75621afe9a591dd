namespace VzPanel.Benchmarks;

/// <summary>Where results go: artifacts/benchmarks in the repository (ignored by git), wherever the program runs from.</summary>
public static class BenchPaths
{
    public static string Artifacts { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VzPanel.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "benchmarks");
    }
}
