using System.Globalization;
using System.Text;

namespace VzPanel.Benchmarks.Load;

/// <summary>The load run's results as Markdown: machine, settings, then one table per scenario.</summary>
public sealed class LoadReport(LoadOptions options, MachineFacts machine, string postgres)
{
    public const double TargetMilliseconds = 100;

    private readonly StringBuilder _text = new();

    public string Text => _text.ToString();

    public void Header()
    {
        Line("## Load: enqueue-to-start latency and jobs per second");
        Line();
        Line("| Machine | |");
        Line("| --- | --- |");
        foreach (var (fact, value) in machine.Rows(postgres)) Line($"| {fact} | {value} |");
        Line();
        var settings = options.PanelSettings.Count == 0 ? "defaults" : string.Join(", ", options.PanelSettings.Select(s => $"`{s.Key}={s.Value}`"));
        var pool = options.PoolSize is { } size ? $"Max Pool Size {size}" : "the database connection string's pool size (60 for the throwaway cluster)";
        Line($"Panel: Release, Production, {options.Agents} sim agents (zero latency), {pool}, panel settings: {settings}.");
        Line($"Load average (1 / 5 / 15 min) when the scenarios started: {MachineFacts.LoadAverage()}.");
        Line();
    }

    public void Footer()
    {
        Line($"Load average (1 / 5 / 15 min) when the scenarios ended: {MachineFacts.LoadAverage()}.");
        Line();
    }

    public void Idle(ScenarioRun run, IReadOnlyList<OperationTimes> times)
    {
        Line($"### Enqueue-to-start on an idle panel ({run.OperationIds.Count} sequential memory changes, {options.GapMilliseconds} ms apart, after {options.Warmup} warm-up)");
        Line();
        TableHead();
        var start = Distribution.Of(times.Select(t => t.EnqueueToStart));
        Row("**enqueue-to-start** (StartedAt − CreatedAt)", start);
        Row("  accepted → Hangfire job enqueued", Distribution.Of(times.Select(t => t.ToEnqueued)));
        Row("  enqueued → worker took it (Processing)", Distribution.Of(times.Select(t => t.InQueue)));
        Row("  Processing → job claimed the operation", Distribution.Of(times.Select(t => t.ToClaim)));
        Row("request-to-finish (FinishedAt − CreatedAt)", Distribution.Of(times.Select(t => t.RequestToFinish)));
        Row("API answer (client: PUT sent → 202 read)", Distribution.Of(run.AnswerTimes));
        Line();
        Line($"{Problems(run)} Target: enqueue-to-start < {TargetMilliseconds:0} ms on an idle panel — {Verdict(start)}");
        Line();
    }

    public void Concurrent(ScenarioRun run, IReadOnlyList<OperationTimes> times)
    {
        var jobsPerSecond = run.OperationIds.Count / run.Wall.TotalSeconds;
        Line($"### Jobs per second ({options.Servers} servers × {options.ChangesPerServer} memory changes, one at a time per server, all servers at once)");
        Line();
        Line("| jobs | failed | wall time | **jobs/s** |");
        Line("| ---: | ---: | ---: | ---: |");
        Line(Invariant($"| {run.OperationIds.Count} | {run.Failed} | {run.Wall.TotalSeconds:0.00} s | **{jobsPerSecond:0.0}** |"));
        Line();
        Line(Problems(run));
        Line();
        TableHead();
        Row("request-to-finish (FinishedAt − CreatedAt)", Distribution.Of(times.Select(t => t.RequestToFinish)));
        Row("enqueue-to-start under load", Distribution.Of(times.Select(t => t.EnqueueToStart)));
        Row("  enqueued → worker took it (Processing)", Distribution.Of(times.Select(t => t.InQueue)));
        Row("API answer (client: PUT sent → 202 read)", Distribution.Of(run.AnswerTimes));
        Line();
    }

    private static string Problems(ScenarioRun run) =>
        $"Operations that did not succeed: {run.Failed}. Requests the API did not accept: "
        + (run.Refused.Count == 0 ? "none." : string.Join(", ", run.Refused.OrderBy(r => r.Key).Select(r => $"{r.Value} × HTTP {r.Key}")) + ".");

    private static string Verdict(Distribution d) => (d.Median < TargetMilliseconds, d.P99 < TargetMilliseconds) switch
    {
        (true, true) => Invariant($"**met** (median {d.Median:0.0} ms, p99 {d.P99:0.0} ms)."),
        (true, false) => Invariant($"**not met at p99** (median {d.Median:0.0} ms is under, p99 {d.P99:0.0} ms is over)."),
        _ => Invariant($"**not met** (median {d.Median:0.0} ms, p99 {d.P99:0.0} ms)."),
    };

    private void TableHead()
    {
        Line("| ms | n | median | p90 | p99 | max | mean |");
        Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    }

    private void Row(string name, Distribution d) =>
        Line(Invariant($"| {name.Replace("  ", "&nbsp;&nbsp;", StringComparison.Ordinal)} | {d.Count} | {d.Median:0.0} | {d.P90:0.0} | {d.P99:0.0} | {d.Max:0.0} | {d.Mean:0.0} |"));

    private void Line(string text = "") => _text.Append(text).Append('\n');

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
