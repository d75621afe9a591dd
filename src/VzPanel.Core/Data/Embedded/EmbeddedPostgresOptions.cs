namespace VzPanel.Core.Data.Embedded;

/// <summary>Where and how to run a private PostgreSQL cluster.</summary>
public sealed record EmbeddedPostgresOptions
{
    /// <summary>Holds <c>pgdata/</c> (the cluster), <c>run/</c> (the socket) and <c>postgres.log</c>.</summary>
    public required string DataDirectory { get; init; }

    public string Database { get; init; } = "vzpanel";
    public string User { get; init; } = "vzpanel";

    /// <summary>Folder with initdb and pg_ctl; found automatically when null.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>False for throwaway test clusters: no fsync, so tests do not wait on the disk.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>OS account the server runs as when this process is root (PostgreSQL refuses to run as root).</summary>
    public string RootRunAsUser { get; init; } = "postgres";
}
