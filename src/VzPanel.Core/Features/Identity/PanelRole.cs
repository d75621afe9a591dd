namespace VzPanel.Core.Features.Identity;

/// <summary>The three kinds of people who use the panel. Stored as Identity role names.</summary>
public enum PanelRole
{
    /// <summary>The hosting provider's staff: runs the fleet.</summary>
    Admin,

    /// <summary>Support staff: sees the whole fleet, changes nothing.</summary>
    Support,

    /// <summary>A customer: sees and runs only the servers of one tenant.</summary>
    Customer,
}

public static class PanelClaims
{
    public const string TenantId = "vzpanel:tenant";
}
