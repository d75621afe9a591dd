namespace VzPanel.Agent.Tests.Support;

/// <summary>
/// Timings of the VM tests, for people: written to the test's output and appended to artifacts/vm-timings.txt,
/// the file the panel's VM tests write too, so the numbers outlive a run whose console shows only failures.
/// </summary>
public static class VmTimings
{
    private static readonly Lock Gate = new();

    public static string FilePath { get; } = Path.Combine(RepositoryRoot(), "artifacts", "vm-timings.txt");

    public static void Write(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.AppendAllText(FilePath, $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss} {TestContext.Current.Test?.TestDisplayName}: {line}{Environment.NewLine}");
        }
    }

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "VzPanel.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"no VzPanel.sln above {AppContext.BaseDirectory}");
    }
}
