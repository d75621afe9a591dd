using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Nodes;

/// <summary>The read seam of the node pages (bUnit tests fake it).</summary>
public interface INodeQueries
{
    Task<IReadOnlyList<NodeSummary>> ListAsync(CancellationToken ct);
    Task<NodeDetails?> GetAsync(Guid id, CancellationToken ct);
}

public sealed record NodeSummary(
    Guid Id, string Name, EngineKind Engine, NodeState State, string ManagementAddress, int CpuCount, long RamMiB,
    long HostReserveMiB, long FreeMiB, int Instances, int DriftCount, DateTimeOffset? LastHeartbeatAt, string? AgentVersion);

public sealed record NodeDetails(NodeSummary Node, decimal OvercommitRatio, MemoryPolicy MemoryPolicy, IReadOnlyList<string> Drift,
    DateTimeOffset? CertificateExpiresAt, IReadOnlyList<NodeInstance> Instances)
{
    /// <summary>Component versions as the agent last reported them ("libvirt", "qemu", "kernel", …).</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>"kvm" or "tcg" for VM engines, else null.</summary>
    public string? Accelerator { get; init; }

    /// <summary>The node's template cache; binding only when <see cref="Capabilities"/> has the template cache.</summary>
    public IReadOnlyList<NodeTemplate> Templates { get; init; } = [];

    public bool HasTemplateCache => Capabilities.Contains(NodeCapabilities.TemplateCache);
}

public sealed record NodeInstance(Guid Id, string Name, InstanceKind Kind, InstanceState State, long MemoryMiB, int GuaranteePercent, int VCpus);

public sealed class NodeQueries(IDbContextFactory<VzPanelDbContext> dbFactory) : INodeQueries
{
    public async Task<IReadOnlyList<NodeSummary>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!db.Scope.SeesAllTenants) return [];
        return await db.Nodes.AsNoTracking().OrderBy(n => n.Name)
            .Select(n => new NodeSummary(n.Id, n.Name, n.Engine, n.State, n.ManagementAddress, n.CpuCount, n.RamMiB, n.HostReserveMiB,
                n.FreeMiB, db.Instances.Count(i => i.NodeId == n.Id), n.Drift.Count, n.LastHeartbeatAt, n.AgentVersion))
            .ToListAsync(ct);
    }

    public async Task<NodeDetails?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!db.Scope.SeesAllTenants) return null;
        var n = await db.Nodes.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (n is null) return null;
        var instances = await db.Instances.AsNoTracking().Where(i => i.NodeId == id).OrderBy(i => i.Name)
            .Select(i => new NodeInstance(i.Id, i.Name, i.Kind, i.State, i.MemoryMiB, i.MemoryGuaranteePercent, i.VCpus))
            .ToListAsync(ct);
        var summary = new NodeSummary(n.Id, n.Name, n.Engine, n.State, n.ManagementAddress, n.CpuCount, n.RamMiB, n.HostReserveMiB,
            n.FreeMiB, instances.Count, n.Drift.Count, n.LastHeartbeatAt, n.AgentVersion);
        return new NodeDetails(summary, n.OvercommitRatio, n.MemoryPolicy, n.Drift, n.CertificateExpiresAt, instances)
        {
            Versions = n.Versions, Capabilities = n.Capabilities, Accelerator = n.Accelerator,
            Templates = [.. n.Templates.OrderBy(t => t.Kind).ThenBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Version, StringComparer.Ordinal)],
        };
    }
}
