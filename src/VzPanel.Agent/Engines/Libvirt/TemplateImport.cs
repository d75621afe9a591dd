namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>What an administrator brings: their own QCOW2 image (optionally a kernel and initrd for direct boot).</summary>
public sealed record TemplateImportRequest(
    string Name,
    string Version,
    string ImagePath,
    string Description = "",
    string OsFamily = "linux",
    string? KernelPath = null,
    string? InitrdPath = null,
    string Cmdline = "",
    bool GuestAgent = true,
    long MinMemoryMib = 128);

/// <summary>
/// Puts an image into the node's VM template cache. The image is copied (the template must not change
/// under VMs whose disks use it as backing file), checked with qemu-img, and published in one rename.
/// </summary>
public static class TemplateImport
{
    public static VmTemplate Import(string templateDirectory, TemplateImportRequest request)
    {
        TemplateName.Ensure(request.Name);
        if (request.OsFamily is not ("linux" or "windows"))
            throw Invalid($"OS family '{request.OsFamily}' is not linux or windows");
        foreach (var file in new[] { request.ImagePath, request.KernelPath, request.InitrdPath }.OfType<string>())
        {
            if (!File.Exists(file))
                throw Invalid($"{file} does not exist");
        }
        var image = QemuImg.Info(request.ImagePath);
        if (image.Format != "qcow2")
            throw Invalid($"{request.ImagePath} is {image.Format}, not qcow2 (convert it: qemu-img convert -O qcow2 IN OUT)");
        if (image.BackingFile is not null)
            throw Invalid($"{request.ImagePath} has a backing file ({image.BackingFile}); flatten it first (qemu-img convert)");

        var target = Path.Combine(templateDirectory, request.Name);
        if (Directory.Exists(target))
            throw Invalid($"template {request.Name} already exists in {templateDirectory}; templates are immutable, import under a new name");
        Directory.CreateDirectory(templateDirectory);
        var staging = Path.Combine(templateDirectory, $".import-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            string? Copy(string? source, string name)
            {
                if (source is null)
                    return null;
                File.Copy(source, Path.Combine(staging, name));
                // QEMU runs unprivileged and reads templates through the overlays' backing chain.
                File.SetUnixFileMode(Path.Combine(staging, name), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                return name;
            }
            VmTemplate.Write(staging, new TemplateJson(request.Name, "vm", request.Version, request.Description, request.OsFamily,
                Copy(request.ImagePath, "disk.qcow2")!, Copy(request.KernelPath, "vmlinuz"), Copy(request.InitrdPath, "initrd.img"),
                request.Cmdline, request.GuestAgent, request.MinMemoryMib));
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
        return VmTemplate.TryLoad(target)!;
    }

    private static EngineException Invalid(string message) => new(EngineErrorCode.InvalidArgument, message);
}
