namespace VzPanel.Core.Options;

public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "Panel";

    /// <summary>Apply migrations at start. Defaults to on for the embedded database; production uses the bundle.</summary>
    public bool? MigrateOnStart { get; init; }
}
