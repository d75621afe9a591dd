using System.Net.Mail;
using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>The shape a tenant's fields must have; each refusal names the field and carries its own code.</summary>
internal static class TenantRules
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;

    public static Result<string> Name(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) return TenantErrors.Invalid(TenantErrors.InvalidName, "name", "Give the customer a name.");
        if (trimmed.Length > MaxNameLength)
            return TenantErrors.Invalid(TenantErrors.InvalidName, "name", $"A customer name has at most {MaxNameLength} characters, not {trimmed.Length}.");
        return trimmed;
    }

    /// <summary>A contact address, or null for none (an empty text clears it).</summary>
    public static Result<string?> Email(string? email)
    {
        var trimmed = email?.Trim() ?? "";
        if (trimmed.Length == 0) return (string?)null;
        if (trimmed.Length > MaxEmailLength || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed
            || !parsed.Host.Contains('.'))
            return TenantErrors.Invalid(TenantErrors.InvalidEmail, "contactEmail", $"'{trimmed}' is not an e-mail address (name@example.com).");
        return trimmed;
    }

    public static Error? Quotas(TenantQuotas q)
    {
        var negative = new (string Field, long? Value)[]
        {
            ("quotas.maxServers", q.MaxServers), ("quotas.maxMemoryMiB", q.MaxMemoryMiB), ("quotas.maxGuaranteedMiB", q.MaxGuaranteedMiB),
            ("quotas.maxVCpus", q.MaxVCpus), ("quotas.maxDiskGiB", q.MaxDiskGiB),
        }.Where(f => f.Value < 0).ToList();
        if (negative.Count == 0) return null;
        var fields = negative.ToDictionary(f => f.Field, f => new[] { $"{f.Field} cannot be negative ({f.Value}); leave it empty for no limit." });
        return new Error(TenantErrors.InvalidQuota, string.Join(" ", fields.Values.SelectMany(v => v)), fields);
    }
}
