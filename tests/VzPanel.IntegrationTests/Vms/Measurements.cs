using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Vms;

/// <summary>
/// Timings of the VM tests, for people: written to the test's output and appended to artifacts/vm-timings.txt
/// (next to the screenshots), which keeps them after a run whose console shows only failures.
/// </summary>
public static class Measurements
{
    private static readonly Lock Gate = new();

    public static string FilePath { get; } = Path.Combine(Path.GetDirectoryName(BrowserServer.ScreenshotDirectory)!, "vm-timings.txt");

    public static void Write(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        lock (Gate) File.AppendAllText(FilePath, $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss} {TestContext.Current.Test?.TestDisplayName}: {line}{Environment.NewLine}");
    }
}
