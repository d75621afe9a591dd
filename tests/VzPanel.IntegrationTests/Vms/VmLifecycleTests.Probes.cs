using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using VzPanel.Agent.Contracts;

namespace VzPanel.IntegrationTests.Vms;

/// <summary>How the steps ask the node and the guest, and how they word the timings.</summary>
public sealed partial class VmLifecycleTests
{
    /// <summary>SetMemory straight at the agent with a fresh operation id, as the panel's job would send it; returns how long it took.</summary>
    private async Task<TimeSpan> AgentSetMemoryAsync(Guid id, long mib)
    {
        var clock = Stopwatch.StartNew();
        var reply = await Agent.SetMemoryAsync(new SetMemoryRequest { OperationId = Guid.NewGuid().ToString(), InstanceId = id.ToString(), MemoryMib = mib },
            deadline: DateTime.UtcNow.AddSeconds(90));
        clock.Stop();
        reply.Instance.MemoryMib.ShouldBe(mib);
        return clock.Elapsed;
    }

    /// <summary>Panel against agent for one change: every sample, and the medians of the warm panel requests and of the agent calls.</summary>
    private static string Share(string change, IReadOnlyList<OperationTiming> panel, IReadOnlyList<TimeSpan> agent)
    {
        static double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds);
        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        var warm = Median(panel.Skip(1).Select(p => Ms(p.Wall)));
        var job = Median(panel.Skip(1).Select(p => Ms(p.Job)));
        var alone = Median(agent.Select(Ms));
        return string.Create(CultureInfo.InvariantCulture,
            $"{change}: through the panel {string.Join(", ", panel.Select(p => Ms(p.Wall)))} ms (first one cold; jobs {string.Join(", ", panel.Select(p => Ms(p.Job)))} ms); "
            + $"agent alone {string.Join(", ", agent.Select(Ms))} ms. Medians: panel {warm} ms (job {job} ms) vs agent {alone} ms, "
            + $"so the panel's share is {(warm - alone) / warm:P0} ({warm - alone} ms)");
    }

    /// <summary>Polls the guest's meminfo until <paramref name="done"/> holds (a balloon inflates after the call returns).</summary>
    private async Task<GuestMemory> WaitForGuestAsync(Guid id, Func<GuestMemory, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var memory = await fleet.GuestMemoryAsync(id);
            if (done(memory)) return memory;
            if (clock.Elapsed > TimeSpan.FromSeconds(45)) throw new TimeoutException($"Waited 45 s for {what}; the guest says {memory}.");
            await Task.Delay(250);
        }
    }

    /// <summary>The agent logs how long after the start the guest agent first answered.</summary>
    private string GuestAgentAnswered(Guid id) =>
        GuestAgentLine().Match(fleet.Agent.Output) is { Success: true } m && m.Groups["id"].Value == id.ToString() ? $"{m.Groups["s"].Value} s" : "not in the agent's log";

    [GeneratedRegex(@"guest agent of (?<id>[0-9a-f-]{36}) answered (?<s>[0-9.]+) s after start")]
    private static partial Regex GuestAgentLine();

    [GeneratedRegex(@"uses \d+ MiB")]
    private static partial Regex UsesMiB();
}
