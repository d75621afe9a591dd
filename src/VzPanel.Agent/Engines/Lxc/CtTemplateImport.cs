using System.Security.Cryptography;
using System.Text.Json;
using VzPanel.Agent.Engines.Host;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Lxc;

/// <summary>What an administrator brings for containers: a root filesystem as a gzip tarball, and how its init wants to be stopped.</summary>
public sealed record CtTemplateImportRequest(
    string Name,
    string Version,
    string RootfsPath,
    string Description = "",
    string OsId = "linux",
    string Init = "/sbin/init",
    string HaltSignal = "SIGPWR",
    long MinMemoryMib = 64);

/// <summary>
/// Puts a root filesystem tarball into the node's container template cache: checked to be a gzip tar that holds its
/// init, copied (containers are unpacked from it later), given its SHA-256, and published in one rename.
/// </summary>
public static class CtTemplateImport
{
    public static async Task<CtTemplate> ImportAsync(string templateDirectory, CtTemplateImportRequest request)
    {
        TemplateName.Ensure(request.Name);
        if (!File.Exists(request.RootfsPath))
            throw Invalid($"{request.RootfsPath} does not exist");
        if (!request.Init.StartsWith('/'))
            throw Invalid($"init '{request.Init}' is not an absolute path inside the container");
        var listing = await ToolProcess.RunAsync("tar", ["-tzf", request.RootfsPath], TimeSpan.FromMinutes(5));
        if (!listing.Succeeded)
            throw Invalid($"{request.RootfsPath} is not a gzip tarball tar can read: {listing.StderrText.Trim()}");
        var entries = listing.StdoutText.Split('\n').Select(e => "/" + e.TrimStart('.', '/').TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        if (!entries.Contains(request.Init))
            throw Invalid($"{request.RootfsPath} has no {request.Init} (the container's init); pack the root filesystem itself (tar -C ROOTFS -czf FILE .)");

        var target = Path.Combine(templateDirectory, request.Name);
        if (Directory.Exists(target))
            throw Invalid($"template {request.Name} already exists in {templateDirectory}; import under a new name");
        Directory.CreateDirectory(templateDirectory);
        // A dot-folder: the engine skips it until the rename below.
        var staging = Path.Combine(templateDirectory, $".import-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var rootfs = Path.Combine(staging, "rootfs.tar.gz");
            File.Copy(request.RootfsPath, rootfs);
            string sha256;
            await using (var stream = File.OpenRead(rootfs))
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
            var json = new CtTemplateJson(request.Name, "ct", request.Version, request.Description, "linux", request.OsId, "rootfs.tar.gz", sha256,
                request.MinMemoryMib, request.Init, request.HaltSignal);
            await File.WriteAllTextAsync(Path.Combine(staging, CtTemplate.FileName), JsonSerializer.Serialize(json, CtTemplateJsonContext.Default.CtTemplateJson));
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
        return CtTemplate.TryLoad(target)!;
    }
}
