using System.CommandLine;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Libvirt;

namespace VzPanel.Agent.Cli;

/// <summary>`vzpanel-agent template list|import`: the node's VM template cache. The panel learns of changes from the next heartbeat.</summary>
public static class TemplateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var directory = new Option<string>("--template-dir") { Description = "VM template cache", DefaultValueFactory = _ => new LibvirtOptions().TemplateDirectory };
        var list = new Command("list", "List the VM templates in the cache") { directory };
        list.SetAction(parsed =>
        {
            foreach (var template in VmTemplate.LoadAll(parsed.GetValue(directory)!))
                output.WriteLine($"{template.Name}\t{template.Version}\t{template.OsFamily}\t{(template.KernelPath is null ? "disk boot" : "kernel boot")}\t{template.Description}");
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
        import.SetAction(parsed =>
        {
            try
            {
                var template = TemplateImport.Import(parsed.GetValue(directory)!, new TemplateImportRequest(
                    parsed.GetValue(name)!, parsed.GetValue(version)!, Path.GetFullPath(parsed.GetValue(image)!), parsed.GetValue(description)!,
                    parsed.GetValue(osFamily)!, FullPath(parsed.GetValue(kernel)), FullPath(parsed.GetValue(initrd)), parsed.GetValue(cmdline)!,
                    !parsed.GetValue(noAgent)));
                output.WriteLine($"vzpanel-agent: template {template.Name} {template.Version} imported; the panel lists it after the next heartbeat");
                return ExitCodes.Ok;
            }
            catch (EngineException invalid)
            {
                error.WriteLine($"vzpanel-agent: {invalid.Message}");
                return invalid.Code == EngineErrorCode.InvalidArgument ? ExitCodes.Usage : ExitCodes.Failure;
            }
        });
        return new Command("template", "The node's VM template cache") { list, import };
    }

    private static string? FullPath(string? path) => path is null ? null : Path.GetFullPath(path);
}
