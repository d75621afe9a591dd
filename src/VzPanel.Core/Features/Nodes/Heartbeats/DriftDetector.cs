using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Nodes.Heartbeats;

/// <summary>Compares the inventory with a node's report and says, in words, where they disagree.</summary>
public static class DriftDetector
{
    /// <param name="snapshotAt">When the node took its report; rows changed later are not compared (the next report will).</param>
    /// <param name="inFlight">Instances with an operation under way; compared once it ends.</param>
    public static List<string> Compare(IReadOnlyList<Instance> inventory, IReadOnlyList<ReportedInstance> reported, DateTimeOffset? snapshotAt = null,
        IReadOnlySet<Guid>? inFlight = null)
    {
        var drift = new List<string>();
        var byId = reported.ToDictionary(r => r.Id);
        foreach (var expected in inventory.OrderBy(i => i.Name))
        {
            var jobOwnsIt = expected.State is InstanceState.Provisioning or InstanceState.Deleting || inFlight?.Contains(expected.Id) == true;
            if (jobOwnsIt || (snapshotAt is { } at && expected.UpdatedAt > at))
            {
                byId.Remove(expected.Id);
                continue;
            }
            if (!byId.Remove(expected.Id, out var actual))
            {
                drift.Add($"{expected.Name}: in the inventory, but the node does not have it");
                continue;
            }
            if (Settled(expected.State) && expected.State != actual.State)
                drift.Add($"{expected.Name}: inventory says {expected.State}, node says {actual.State}");
            if (expected.MemoryMiB != actual.MemoryMiB)
                drift.Add($"{expected.Name}: inventory says {expected.MemoryMiB} MiB, node says {actual.MemoryMiB} MiB");
            if (expected.VCpus != actual.VCpus)
                drift.Add($"{expected.Name}: inventory says {expected.VCpus} vCPUs, node says {actual.VCpus}");
        }
        // A server being migrated shows on both nodes until the job has switched it over and cleaned up.
        drift.AddRange(byId.Values.Where(r => inFlight?.Contains(r.Id) != true).OrderBy(r => r.Name).Select(r => $"{r.Name} ({r.Id}): runs on the node, unknown to the inventory"));
        return drift;
    }

    private static bool Settled(InstanceState state) => state is InstanceState.Running or InstanceState.Stopped;
}
