namespace VzPanel.Core.Options;

public sealed class PanelOptions
{
    public const string Section = "Panel";

    /// <summary>Where the panel keeps its own files (the embedded database among them).</summary>
    public string? DataDirectory { get; init; }

    public string ResolveDataDirectory() => !string.IsNullOrWhiteSpace(DataDirectory)
        ? Path.GetFullPath(DataDirectory)
        : DefaultDataDirectory();

    /// <summary>
    /// ~/.local/share/vzpanel for a person's account; /var/lib/vzpanel for root, because the embedded
    /// PostgreSQL then runs as the postgres account, which cannot enter /root.
    /// </summary>
    public static string DefaultDataDirectory() => Environment.UserName == "root"
        ? "/var/lib/vzpanel"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "vzpanel");
}
