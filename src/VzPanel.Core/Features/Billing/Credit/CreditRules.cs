using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Billing.Credit;

/// <summary>What a credit line may be: whole cents, not zero, not absurd, with a reason a person can read later.</summary>
public static class CreditRules
{
    public const int MaxNoteLength = 500;
    public const decimal MaxAmount = 1_000_000m;
    public const string InvalidCredit = "invalid_credit";

    public static Error? Check(CreditDraft draft)
    {
        if (draft.Amount == 0) return Invalid("amount", "Add or take back an amount: 0 changes nothing.");
        if (Math.Abs(draft.Amount) > MaxAmount) return Invalid("amount", $"One credit line is at most {MaxAmount:N0} either way, not {draft.Amount:N2}.");
        if (decimal.Round(draft.Amount, 2) != draft.Amount) return Invalid("amount", $"Credit comes in whole cents; {draft.Amount} has more decimals.");
        if (string.IsNullOrWhiteSpace(draft.Note)) return Invalid("note", "Say why (a payment reference, a goodwill credit, a correction): it shows on the statement.");
        if (draft.Note.Trim().Length > MaxNoteLength) return Invalid("note", $"A note is at most {MaxNoteLength} characters.");
        return null;
    }

    private static Error Invalid(string field, string message) =>
        new(InvalidCredit, message, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>An administrator's credit (positive) or correction (negative) for a tenant.</summary>
public sealed record CreditDraft(decimal Amount, string? Note);
