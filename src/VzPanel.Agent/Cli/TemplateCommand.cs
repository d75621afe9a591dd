using System.CommandLine;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Libvirt;
using VzPanel.Agent.Engines.Lxc;

namespace VzPanel.Agent.Cli;

/// <summary>
/// `vzpanel-agent template list|import|import-ct`: the node's VM and container template caches. The panel learns of
/// changes from the next heartbeat.
/// </summary>
public static class TemplateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var directory = new Option<string>("--template-dir") { Description = "VM template cache", DefaultValueFactory = _ => new LibvirtOptions().TemplateDirectory };
        var ctDirectory = new Option<string>("--ct-template-dir") { Description = "Container template cache", DefaultValueFactory = _ => new LxcOptions().TemplateDirectory };
        var list = new Command("list", "List the VM and container templates in the caches") { directory, ctDirectory };
        list.SetAction(parsed =>
        {
            foreach (var template in VmTemplate.LoadAll(parsed.GetValue(directory)!))
                output.WriteLine($"{template.Name}\t{template.Version}\t{template.OsFamily}\t{(template.KernelPath is null ? "disk boot" : "kernel boot")}\t{template.Description}");
            foreach (var template in CtTemplate.LoadAll(parsed.GetValue(ctDirectory)!))
                output.WriteLine($"{template.Name}\t{template.Version}\t{template.OsFamily}\tcontainer\t{template.Description}");
            return ExitCodes.Ok;
        });

        var name = new Option<string>("--name") { Description = "Template name, e.g. debian-12-x86_64", Required = true };
        var image = new Option<string>("--qcow2") { Description = "The QCOW2 image to copy in", Required = true };
        var version = new Option<string>("--version") { Description = "The template's own release", DefaultValueFactory = _ => DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) };
        var description = new Option<string>("--description") { DefaultValueFactory = _ => "" };
        var osFamily = new Option<string>("--os-family") { Description = "linux or windows", DefaultValueFactory = _ => "linux" };
        var kernel = new Option<string?>("--kernel") { Description = "Kernel for direct boot (images without a boot loader)" };
        var initrd = new Option<string?>("--initrd") { Description = "Initrd for direct boot" };
        var cmdline = new Option<string>("--cmdline") { Description = "Kernel command line for direct boot", DefaultValueFactory = _ => "" };
        var noAgent = new Option<bool>("--no-guest-agent") { Description = "The image has no qemu-guest-agent: starts do not wait for it" };
        osFamily.AcceptOnlyFromAmong("linux", "windows");
        var import = new Command("import", "Copy an administrator's QCOW2 image into the cache as a VM template")
        {
            directory, name, image, version, description, osFamily, kernel, initrd, cmdline, noAgent,
        };
        import.SetAction((parsed, _) => ImportedAsync(output, error, () => Task.FromResult(TemplateImport.Import(parsed.GetValue(directory)!, new TemplateImportRequest(
            parsed.GetValue(name)!, parsed.GetValue(version)!, Path.GetFullPath(parsed.GetValue(image)!), parsed.GetValue(description)!,
            parsed.GetValue(osFamily)!, FullPath(parsed.GetValue(kernel)), FullPath(parsed.GetValue(initrd)), parsed.GetValue(cmdline)!,
            !parsed.GetValue(noAgent))).Describe())));

        var rootfs = new Option<string>("--rootfs") { Description = "The root filesystem as a gzip tarball (tar -C ROOTFS -czf FILE .)", Required = true };
        var osId = new Option<string>("--os-id") { Description = "The distribution's ID, as in its /etc/os-release", DefaultValueFactory = _ => "linux" };
        var init = new Option<string>("--init") { Description = "The container's init", DefaultValueFactory = _ => "/sbin/init" };
        var halt = new Option<string>("--halt-signal") { Description = "What makes its init halt: SIGRTMIN+3 for systemd, SIGUSR1 for busybox init", DefaultValueFactory = _ => "SIGPWR" };
        var importCt = new Command("import-ct", "Copy an administrator's root filesystem tarball into the cache as a container template")
        {
            ctDirectory, name, rootfs, version, description, osId, init, halt,
        };
        importCt.SetAction((parsed, _) => ImportedAsync(output, error, async () => (await CtTemplateImport.ImportAsync(parsed.GetValue(ctDirectory)!,
            new CtTemplateImportRequest(parsed.GetValue(name)!, parsed.GetValue(version)!, Path.GetFullPath(parsed.GetValue(rootfs)!),
                parsed.GetValue(description)!, parsed.GetValue(osId)!, parsed.GetValue(init)!, parsed.GetValue(halt)!))).Describe()));
        return new Command("template", "The node's VM and container template caches") { list, import, importCt };
    }

    private static async Task<int> ImportedAsync(TextWriter output, TextWriter error, Func<Task<TemplateDescription>> import)
    {
        try
        {
            var template = await import();
            output.WriteLine($"vzpanel-agent: template {template.Name} {template.Version} imported; the panel lists it after the next heartbeat");
            return ExitCodes.Ok;
        }
        catch (EngineException invalid)
        {
            error.WriteLine($"vzpanel-agent: {invalid.Message}");
            return invalid.Code == EngineErrorCode.InvalidArgument ? ExitCodes.Usage : ExitCodes.Failure;
        }
    }

    private static string? FullPath(string? path) => path is null ? null : Path.GetFullPath(path);
}
