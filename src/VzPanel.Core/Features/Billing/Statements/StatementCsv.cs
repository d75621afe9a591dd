using System.Globalization;
using System.Text;

namespace VzPanel.Core.Features.Billing.Statements;

/// <summary>A statement as CSV for spreadsheets and billing systems: one row per server line and per credit line, invariant culture.</summary>
public static class StatementCsv
{
    public const string Header = "month,type,date,instance_id,instance,memory_gib_hours,guaranteed_gib_hours,vcpu_hours,disk_gib_months,amount,currency,note";

    public static string Write(StatementView s)
    {
        var csv = new StringBuilder().AppendLine(Header);
        foreach (var l in s.Lines)
            csv.AppendLine(Row(s.Month, "usage", "", l.InstanceId.ToString(), l.InstanceName, N(l.MemoryGiBHours), N(l.GuaranteedGiBHours), N(l.VCpuHours),
                N(l.DiskGiBMonths), N(l.Amount), s.Currency, ""));
        foreach (var c in s.Credits)
            csv.AppendLine(Row(s.Month, "credit", c.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), "", "", "", "", "", "",
                N(c.Amount), c.Currency, c.Note));
        csv.AppendLine(Row(s.Month, "total", "", "", "", "", "", "", "", N(s.UsageTotal), s.Currency, s.Final ? "final" : "so far"));
        return csv.ToString();
    }

    private static string N(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Row(params string[] cells) => string.Join(',', cells.Select(Quote));

    // RFC 4180: quote cells with separators, quotes or line breaks; a leading =, +, - or @ is defused so a spreadsheet never runs it.
    private static string Quote(string cell)
    {
        if (cell.Length > 0 && "=+-@".Contains(cell[0]) && !decimal.TryParse(cell, NumberStyles.Number, CultureInfo.InvariantCulture, out _)) cell = "'" + cell;
        return cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;
    }
}
