using System.ComponentModel.DataAnnotations;

namespace VzPanel.Core.Features.Billing.Rollups;

/// <summary>How often closed hours are rolled up into <c>usage_hourly</c>, and how far back each run looks again.</summary>
public sealed class UsageRollupOptions : IValidatableObject
{
    public const string Section = "Billing:Rollup";

    /// <summary>Minutes between runs; divides the hour evenly, so runs fall at the same minutes every hour.</summary>
    [Range(1, 60)]
    public int IntervalMinutes { get; init; } = 5;

    /// <summary>
    /// Closed hours rolled up again on every run, so a segment that was closed late (a node's report correcting the past)
    /// fixes its hours. Reads take hours after the watermark from the segments, so this only bounds how late a fix may come.
    /// </summary>
    [Range(0, 168)]
    public int LookBackHours { get; init; } = 2;

    /// <summary>The runs as a UTC cron expression.</summary>
    public string Cron => IntervalMinutes == 60 ? "0 * * * *" : $"*/{IntervalMinutes} * * * *";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (60 % IntervalMinutes != 0)
            yield return new ValidationResult(
                $"{Section}:{nameof(IntervalMinutes)} is {IntervalMinutes}; it must divide an hour evenly (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60).",
                [nameof(IntervalMinutes)]);
    }
}
