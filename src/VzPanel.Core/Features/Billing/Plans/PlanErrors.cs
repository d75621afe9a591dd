using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Billing.Plans;

/// <summary>The codes of what can go wrong with a plan; the edge maps each to its HTTP status.</summary>
public static class PlanErrors
{
    /// <summary>A field is missing or out of range (400, with the field).</summary>
    public const string Invalid = "invalid_plan";

    /// <summary>Another plan has that name (409).</summary>
    public const string NameTaken = "plan_name_taken";

    /// <summary>Prices or bounds of a plan whose customers run servers change only when the caller confirms (409).</summary>
    public const string NeedsConfirmation = "plan_change_needs_confirmation";

    /// <summary>Customers are on the plan or usage refers to it: it can be retired, not deleted (409).</summary>
    public const string InUse = "plan_in_use";

    /// <summary>A customer cannot be put on a retired plan (400).</summary>
    public const string Retired = "plan_retired";

    /// <summary>Codes answered with 409 Conflict.</summary>
    public static bool IsConflict(string code) => code is NameTaken or NeedsConfirmation or InUse;

    public static Error InvalidFields(IReadOnlyDictionary<string, string[]> fields) =>
        new(Invalid, string.Join(" ", fields.SelectMany(f => f.Value)), fields);
}
