namespace VzPanel.Core.Features.Storage;

/// <summary>A disk image in a pool: a VM's QCOW2 disk, a container's root folder, or a template's base image.</summary>
public sealed class Volume
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PoolId { get; set; }
    public StoragePool? Pool { get; private set; }

    /// <summary>The instance the volume belongs to; null for template base images.</summary>
    public Guid? InstanceId { get; set; }

    public required string Name { get; set; }
    public long SizeBytes { get; set; }
    public long AllocationBytes { get; set; }
    public VolumeFormat Format { get; set; } = VolumeFormat.Qcow2;
    public DateTimeOffset CreatedAt { get; init; }
    public uint Version { get; private set; }
}

/// <summary>How a volume is stored; <c>Dir</c> is a container's root file system folder (LXC's dir backend).</summary>
public enum VolumeFormat { Qcow2, Raw, Dir }
