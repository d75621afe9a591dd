using System.Globalization;

namespace VzPanel.Core.Features.Billing.Credit;

/// <summary>The one rounding rule for money people are charged: to the cent, half away from zero (docs/api.md).</summary>
public static class Money
{
    public static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);

    public static string Show(decimal amount, string currency) => $"{Cents(amount).ToString("0.00", CultureInfo.InvariantCulture)} {currency}";
}
