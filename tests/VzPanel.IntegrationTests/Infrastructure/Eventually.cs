using System.Diagnostics;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// The one wait the tests keep: ask again until a condition holds or the time is up. Guests under TCG, nodes and the
/// job server run at their own pace, so a test waits for what it asserts instead of sleeping a guessed time.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    /// <summary>Reads <paramref name="read"/> until <paramref name="holds"/> is true, and returns the last value read.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> holds, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (holds(value)) return value;
            if (clock.Elapsed > within) throw new TimeoutException($"{what}: still {value} after {within.TotalSeconds:0} s");
            await Task.Delay(Pause);
        }
    }

    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan within, string what) =>
        await ReadAsync(condition, held => held, within, what);
}
