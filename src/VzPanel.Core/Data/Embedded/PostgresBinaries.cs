namespace VzPanel.Core.Data.Embedded;

/// <summary>Finds the system's PostgreSQL server programs (Debian puts them in /usr/lib/postgresql/N/bin).</summary>
public static class PostgresBinaries
{
    public const string InstallHint = "Install the PostgreSQL server with: sudo apt-get install postgresql";

    public static string Locate(string? configured)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured)) candidates.Add(configured);
        if (Environment.GetEnvironmentVariable("VZPANEL_PG_BIN") is { Length: > 0 } fromEnv) candidates.Add(fromEnv);
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return Locate(candidates);
    }

    /// <summary>The first folder of <paramref name="candidates"/> that holds initdb and pg_ctl.</summary>
    public static string Locate(IReadOnlyList<string> candidates)
    {
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new PostgresNotInstalledException(
                $"PostgreSQL server programs (initdb, pg_ctl) were not found in {string.Join(", ", candidates.Take(4))}. {InstallHint}");
    }
}

/// <summary>The one clear error when the machine has no PostgreSQL server.</summary>
public sealed class PostgresNotInstalledException(string message) : EmbeddedPostgresSetupException(message);
