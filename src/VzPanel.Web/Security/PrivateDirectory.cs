namespace VzPanel.Web.Security;

internal static class PrivateDirectory
{
    /// <summary>Creates the folder readable by this OS account only.</summary>
    public static DirectoryInfo Create(string path)
    {
        var dir = Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }
}
