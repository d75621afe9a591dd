namespace VzPanel.Benchmarks.Load;

/// <summary>Median, p90, p99 and max of a sample of durations (nearest-rank percentiles), in milliseconds.</summary>
public sealed record Distribution(int Count, double Median, double P90, double P99, double Max, double Mean)
{
    public static Distribution Of(IEnumerable<TimeSpan> sample)
    {
        var ms = sample.Select(t => t.TotalMilliseconds).Order().ToArray();
        if (ms.Length == 0) return new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        return new(ms.Length, Rank(ms, 0.50), Rank(ms, 0.90), Rank(ms, 0.99), ms[^1], ms.Average());
    }

    public static Distribution Of(IEnumerable<TimeSpan?> sample) => Of(sample.Where(t => t.HasValue).Select(t => t!.Value));

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
