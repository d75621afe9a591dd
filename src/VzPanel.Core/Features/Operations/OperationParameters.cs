namespace VzPanel.Core.Features.Operations;

/// <summary>The values an operation applies; which ones are set depends on its kind.</summary>
public sealed record OperationParameters
{
    public long? MemoryMiB { get; init; }
    public int? GuaranteePercent { get; init; }
    public int? VCpus { get; init; }

    /// <summary>ResizeDisk only: the size the disk grows to.</summary>
    public long? DiskGiB { get; init; }
    public bool Force { get; init; }
    public bool KeepVolumes { get; init; }

    /// <summary>Create only: start the new instance when it is built.</summary>
    public bool Start { get; init; }

    /// <summary>Create only: the root password, encrypted with the panel's data protection keys; erased when the job ends.</summary>
    public string? ProtectedRootPassword { get; init; }

    /// <summary>The instance's state before the operation, to put back when it fails without reaching the node.</summary>
    public string? PreviousState { get; init; }
}
