namespace VzPanel.Core.Features.Tenancy;

/// <summary>Quotas in words, for audit summaries.</summary>
public static class TenantQuotaText
{
    public static string Describe(TenantQuotas q)
    {
        if (q == TenantQuotas.None) return "no limits";
        var parts = new List<string>();
        if (q.MaxServers is { } servers) parts.Add($"{servers} servers");
        if (q.MaxMemoryMiB is { } memory) parts.Add($"{TenantQuotaAdmission.ShowMiB(memory)} memory");
        if (q.MaxGuaranteedMiB is { } guaranteed) parts.Add($"{TenantQuotaAdmission.ShowMiB(guaranteed)} guaranteed");
        if (q.MaxVCpus is { } vcpus) parts.Add($"{vcpus} vCPUs");
        if (q.MaxDiskGiB is { } disk) parts.Add($"{disk} GiB disk");
        return string.Join(", ", parts);
    }
}
