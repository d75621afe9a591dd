using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Host;

/// <summary>
/// A quick start whose data directory the embedded PostgreSQL's account cannot reach: the panel stops at once with
/// the one line a person needs (the folder and the fix), not an unhandled exception and its stack trace.
/// </summary>
public sealed class UnreachableDataDirectoryTests : IDisposable
{
    // As `mktemp -d` makes it: a 0700 folder of root's, which the postgres account cannot enter.
    private readonly string _private = Directory.CreateTempSubdirectory("vzpanel-private-").FullName;

    public void Dispose() => Directory.Delete(_private, recursive: true);

    [Fact]
    public async Task QuickStart_DataDirectoryInA0700Folder_ExitsWithOneLineNamingTheFolderAndTheFix()
    {
        Environment.UserName.ShouldBe("root", "as root the embedded PostgreSQL runs as postgres, as `./vzpanel test` runs the tests");
        File.GetUnixFileMode(_private).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var dataDirectory = Path.Combine(_private, "data");

        var (exitCode, output) = await PanelProcess.RunToExitAsync(new Dictionary<string, string> { ["Panel__DataDirectory"] = dataDirectory });

        exitCode.ShouldBe(1);
        output.TrimEnd().ShouldBe(
            $"The data directory {dataDirectory} cannot be reached by the postgres account (its parent {_private} is 0700): choose a folder postgres "
            + $"can traverse, e.g. with Panel__DataDirectory=/var/lib/vzpanel, or chmod o+x {_private}.");
    }
}
