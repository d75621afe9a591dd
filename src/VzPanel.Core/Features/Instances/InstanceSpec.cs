namespace VzPanel.Core.Features.Instances;

/// <summary>What a person asks for when creating an instance, as typed (memory as <c>2G</c> or MiB).</summary>
public sealed record InstanceSpec
{
    public required string Name { get; init; }
    public InstanceKind Kind { get; init; }
    public required string Memory { get; init; }
    public int MemoryGuaranteePercent { get; init; }
    public int VCpus { get; init; } = 1;
    public int? CpuLimitPercent { get; init; }

    /// <summary>The disk as typed (<c>20G</c>); null gives <see cref="DiskSize.DefaultGiB"/>.</summary>
    public string? Disk { get; init; }

    public string? Template { get; init; }
    public string? Hostname { get; init; }
    public IReadOnlyList<string> IpAddresses { get; init; } = [];
}
