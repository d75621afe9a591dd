namespace VzPanel.Core.Features.Storage;

/// <summary>A node's place for disk volumes (a libvirt storage pool).</summary>
public sealed class StoragePool
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid NodeId { get; set; }
    public required string Name { get; set; }
    public StoragePoolType Type { get; set; } = StoragePoolType.Dir;

    /// <summary>Directory, volume group or share, depending on the type.</summary>
    public string? Target { get; set; }

    public long CapacityBytes { get; set; }
    public long AllocationBytes { get; set; }
    public uint Version { get; private set; }
}

/// <summary>libvirt pool types the panel knows.</summary>
public enum StoragePoolType { Dir, Logical, Netfs, Rbd }
