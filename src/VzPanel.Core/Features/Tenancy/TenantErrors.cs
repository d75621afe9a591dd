using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>The codes of what can go wrong with a customer account; the edge maps each to its HTTP status.</summary>
public static class TenantErrors
{
    /// <summary>Another tenant has that name (409).</summary>
    public const string NameTaken = "tenant_name_taken";

    /// <summary>The tenant still has servers or users, or billing history (409).</summary>
    public const string InUse = "tenant_in_use";

    /// <summary>A create or resize would pass one of the tenant's quotas (409).</summary>
    public const string QuotaExceeded = "quota_exceeded";

    /// <summary>The tenant is suspended: its users read, and change nothing (403).</summary>
    public const string Suspended = "tenant_suspended";

    public const string InvalidName = "invalid_name";
    public const string InvalidEmail = "invalid_email";
    public const string InvalidQuota = "invalid_quota";
    public const string UnknownPlan = "unknown_plan";
    public const string InvalidState = "invalid_state";

    /// <summary>Codes answered with 409 Conflict.</summary>
    public static bool IsConflict(string code) => code is NameTaken or InUse or QuotaExceeded;

    public static Error Invalid(string code, string field, string message) => Error.Invalid(code, field, message);

    public static Error SuspendedTenant(string tenantName) => new(Suspended, TenantSuspension.Explain(tenantName));
}
