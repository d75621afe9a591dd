using System.Diagnostics;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Benchmarks.Load;

/// <summary>A server the benchmark changes: memory flips between two sizes, so every change is real work.</summary>
public sealed class BenchServer(Guid id, string name)
{
    public const string Small = "256M";
    public const string Large = "384M";

    public Guid Id { get; } = id;
    public string Name { get; } = name;
    public bool IsLarge { get; set; }

    public string NextSize() => IsLarge ? Small : Large;
}

/// <summary>
/// What one scenario measured: the operations it sent, the API's answer times, wall time, operations that did not
/// succeed, and requests the API did not accept (by HTTP status).
/// </summary>
public sealed record ScenarioRun(
    IReadOnlyList<Guid> OperationIds, IReadOnlyList<TimeSpan> AnswerTimes, TimeSpan Wall, int Failed, IReadOnlyDictionary<int, int> Refused)
{
    public int Problems => Failed + Refused.Values.Sum();
}

/// <summary>Collects a scenario's outcomes; safe to use from the concurrent scenario's tasks.</summary>
internal sealed class Tally
{
    private readonly List<Guid> _ids = [];
    private readonly List<TimeSpan> _answers = [];
    private readonly Dictionary<int, int> _refused = [];
    private int _failed;

    public void Add(Accepted accepted, OperationState state)
    {
        lock (_ids)
        {
            _ids.Add(accepted.OperationId);
            _answers.Add(accepted.AnswerTime);
            if (state != OperationState.Succeeded) _failed++;
        }
    }

    public void Refused(ApiRefusedException refused)
    {
        lock (_ids) _refused[(int)refused.Status] = _refused.GetValueOrDefault((int)refused.Status) + 1;
    }

    public ScenarioRun Run(TimeSpan wall)
    {
        lock (_ids) return new ScenarioRun([.. _ids], [.. _answers], wall, _failed, new Dictionary<int, int>(_refused));
    }
}

/// <summary>The load scenarios, driven through the REST API as an admin would.</summary>
public static class Scenarios
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Creates and starts <paramref name="count"/> containers, spread round-robin over the nodes.</summary>
    public static async Task<List<BenchServer>> CreateServersAsync(LoadHarness harness, int count, CancellationToken ct)
    {
        var servers = new BenchServer?[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, _) =>
        {
            var name = $"bench-{i + 1:000}";
            var accepted = await harness.Client.CreateServerAsync(name, BenchServer.Small, harness.TenantId, harness.NodeIds[i % harness.NodeIds.Count]);
            var state = await harness.Client.Operations.WaitAsync(accepted.OperationId, OperationTimeout);
            if (state != OperationState.Succeeded) throw new InvalidOperationException($"Creating {name} ended {state}.");
            servers[i] = new BenchServer(accepted.TargetId, name);
        });
        return [.. servers.Select(s => s!)];
    }

    /// <summary>
    /// One change at a time on one server, each sent only after the previous one ended and a pause, so every
    /// job is enqueued on an idle panel. The first <paramref name="warmup"/> are not part of the sample.
    /// </summary>
    public static async Task<ScenarioRun> SequentialAsync(PanelClient client, BenchServer server, int warmup, int count, TimeSpan gap, CancellationToken ct)
    {
        var tally = new Tally();
        var wall = new Stopwatch();
        for (var i = 0; i < warmup + count; i++)
        {
            ct.ThrowIfCancellationRequested();
            if (i == warmup) wall.Start();
            await ChangeAsync(client, server, i < warmup ? new Tally() : tally, ct);
            await Task.Delay(gap, ct);
        }
        return tally.Run(wall.Elapsed);
    }

    /// <summary>Every server gets <paramref name="perServer"/> changes, one at a time each (the busy rule), all servers at once.</summary>
    public static async Task<ScenarioRun> ConcurrentAsync(PanelClient client, IReadOnlyList<BenchServer> servers, int perServer, CancellationToken ct)
    {
        var tally = new Tally();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(servers.Select(async server =>
        {
            for (var i = 0; i < perServer; i++)
            {
                ct.ThrowIfCancellationRequested();
                await ChangeAsync(client, server, tally, ct);
            }
        }));
        return tally.Run(wall.Elapsed);
    }

    /// <summary>One memory change, waited for. A refused request is counted, and the server left alone for a moment.</summary>
    private static async Task ChangeAsync(PanelClient client, BenchServer server, Tally tally, CancellationToken ct)
    {
        Accepted accepted;
        try
        {
            accepted = await client.SetMemoryAsync(server.Id, server.NextSize());
        }
        catch (ApiRefusedException refused)
        {
            tally.Refused(refused);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            return;
        }
        var state = await client.Operations.WaitAsync(accepted.OperationId, OperationTimeout);
        if (state == OperationState.Succeeded) server.IsLarge = !server.IsLarge;
        tally.Add(accepted, state);
    }
}
