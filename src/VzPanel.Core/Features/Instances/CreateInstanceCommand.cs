namespace VzPanel.Core.Features.Instances;

/// <summary>A request for a new server: the spec plus who owns it and, for administrators, where it runs.</summary>
public sealed record CreateInstanceCommand
{
    public required InstanceSpec Spec { get; init; }

    /// <summary>The owning customer; staff must choose one, a customer's own tenant is used otherwise.</summary>
    public Guid? TenantId { get; init; }

    /// <summary>An administrator's choice of node; null lets placement choose.</summary>
    public Guid? NodeId { get; init; }

    /// <summary>Set on the new server; kept encrypted only until the job has used it.</summary>
    public string? RootPassword { get; init; }

    public bool Start { get; init; } = true;
}
