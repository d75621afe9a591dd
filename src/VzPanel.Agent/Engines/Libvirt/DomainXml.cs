using System.Globalization;
using System.Xml.Linq;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>A hotplugged DIMM as the live domain XML shows it; <c>Element</c> is what detaching needs.</summary>
public sealed record Dimm(string Alias, long SizeMib, XElement Element);

/// <summary>The parts of a domain's XML the engine reads back.</summary>
public sealed record DomainFacts(
    string Uuid,
    long BootMemoryMib,
    long TotalMemoryMib,
    long CurrentMemoryMib,
    long MaxMemoryMib,
    int Slots,
    int VCpus,
    int MaxVCpus,
    string DiskPath,
    IReadOnlyList<Dimm> Dimms,
    VmMetadata? Metadata)
{
    public int FreeSlots => Slots - Dimms.Count;
}

/// <summary>What a domain is built from.</summary>
public sealed record DomainSpec(
    string Uuid,
    string DomainName,
    string DomainType,
    long MemoryMib,
    long MaxMemoryMib,
    int Slots,
    int VCpus,
    int MaxVCpus,
    string DiskPath,
    VmTemplate Template,
    string Network,
    string SerialLogPath,
    VmMetadata Metadata);

/// <summary>Builds libvirt domain XML from the inventory spec and reads the facts back out of it.</summary>
public static class DomainXml
{
    private const long KibPerMib = 1024;

    /// <summary>The VM's one disk, as the guest and QEMU's block commands name it.</summary>
    public const string DiskTarget = "vda";

    public static string Build(DomainSpec spec)
    {
        var os = new XElement("os", new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", "pc"), "hvm"));
        if (spec.Template.KernelPath is { } kernel)
        {
            os.Add(new XElement("kernel", kernel));
            if (spec.Template.InitrdPath is { } initrd)
                os.Add(new XElement("initrd", initrd));
            os.Add(new XElement("cmdline", spec.Template.Cmdline));
        }
        else
        {
            os.Add(new XElement("boot", new XAttribute("dev", "hd")));
        }

        var devices = new XElement("devices",
            new XElement("disk", new XAttribute("type", "file"), new XAttribute("device", "disk"),
                new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", "qcow2")),
                new XElement("source", new XAttribute("file", spec.DiskPath)),
                new XElement("target", new XAttribute("dev", DiskTarget), new XAttribute("bus", "virtio"))),
            Interface(spec.Network),
            // virtlogd keeps the serial console in a file, so a boot can be read after the fact.
            new XElement("serial", new XAttribute("type", "pty"),
                new XElement("log", new XAttribute("file", spec.SerialLogPath), new XAttribute("append", "off")),
                new XElement("target", new XAttribute("port", 0))),
            new XElement("console", new XAttribute("type", "pty"), new XElement("target", new XAttribute("type", "serial"), new XAttribute("port", 0))),
            new XElement("channel", new XAttribute("type", "unix"),
                new XElement("source", new XAttribute("mode", "bind")),
                new XElement("target", new XAttribute("type", "virtio"), new XAttribute("name", "org.qemu.guest_agent.0"))),
            new XElement("memballoon", new XAttribute("model", "virtio"), new XElement("stats", new XAttribute("period", 2))));

        var domain = new XElement("domain", new XAttribute("type", spec.DomainType),
            new XElement("name", spec.DomainName),
            new XElement("uuid", spec.Uuid),
            new XElement("metadata", spec.Metadata.ToElement()),
            // Hotplug needs maxMemory with slots, a NUMA cell and ACPI (without ACPI: "memory hotplug is not enabled").
            new XElement("maxMemory", new XAttribute("slots", spec.Slots), new XAttribute("unit", "KiB"), spec.MaxMemoryMib * KibPerMib),
            new XElement("memory", new XAttribute("unit", "KiB"), spec.MemoryMib * KibPerMib),
            new XElement("currentMemory", new XAttribute("unit", "KiB"), spec.MemoryMib * KibPerMib),
            new XElement("vcpu", new XAttribute("placement", "static"), new XAttribute("current", spec.VCpus), spec.MaxVCpus),
            os,
            new XElement("features", new XElement("acpi"), new XElement("apic")),
            new XElement("cpu",
                new XElement("numa", new XElement("cell", new XAttribute("id", 0), new XAttribute("cpus", $"0-{spec.MaxVCpus - 1}"),
                    new XAttribute("memory", spec.MemoryMib * KibPerMib), new XAttribute("unit", "KiB")))),
            new XElement("on_poweroff", "destroy"),
            new XElement("on_reboot", "restart"),
            new XElement("on_crash", "destroy"),
            devices);
        return domain.ToString(SaveOptions.DisableFormatting);
    }

    private static XElement? Interface(string network)
    {
        if (string.IsNullOrEmpty(network))
            return null;
        var (type, name) = network.Split(':', 2) switch
        {
            ["isolated"] => ("ethernet", ""),
            ["bridge", var bridge] => ("bridge", bridge),
            ["network", var net] => ("network", net),
            _ => throw new EngineException(EngineErrorCode.InvalidArgument, $"network '{network}' is not isolated, bridge:NAME or network:NAME"),
        };
        var nic = new XElement("interface", new XAttribute("type", type), new XElement("model", new XAttribute("type", "virtio")));
        if (type != "ethernet")
            nic.AddFirst(new XElement("source", new XAttribute(type, name)));
        return nic;
    }

    public static DomainFacts Read(string xml)
    {
        var domain = XElement.Parse(xml);
        var dimms = domain.Element("devices")?.Elements("memory")
            .Where(m => (string?)m.Attribute("model") == "dimm")
            .Select(m => new Dimm((string?)m.Element("alias")?.Attribute("name") ?? "", Mib(m.Element("target")?.Element("size")), m))
            .ToList() ?? [];
        var vcpu = domain.Element("vcpu");
        var maxVCpus = int.Parse(vcpu?.Value ?? "1", CultureInfo.InvariantCulture);
        var cell = domain.Element("cpu")?.Element("numa")?.Element("cell");
        var total = Mib(domain.Element("memory"));
        return new DomainFacts(
            domain.Element("uuid")?.Value ?? "",
            cell is null ? total - dimms.Sum(d => d.SizeMib) : Mib(cell, "memory"),
            total,
            Mib(domain.Element("currentMemory")),
            Mib(domain.Element("maxMemory")),
            (int?)domain.Element("maxMemory")?.Attribute("slots") ?? 0,
            (int?)vcpu?.Attribute("current") ?? maxVCpus,
            maxVCpus,
            (string?)domain.Element("devices")?.Elements("disk").FirstOrDefault()?.Element("source")?.Attribute("file") ?? "",
            dimms,
            VmMetadata.From(domain));
    }

    /// <summary>A DIMM of <paramref name="sizeMib"/> on NUMA cell 0.</summary>
    public static string DimmDevice(long sizeMib) =>
        new XElement("memory", new XAttribute("model", "dimm"),
            new XElement("target",
                new XElement("size", new XAttribute("unit", "KiB"), sizeMib * KibPerMib),
                new XElement("node", 0))).ToString(SaveOptions.DisableFormatting);

    /// <summary>A stopped domain's definition resized cold: boot memory becomes the target, DIMMs go.</summary>
    public static string WithBootMemory(string inactiveXml, long memoryMib, VmMetadata metadata)
    {
        var domain = XElement.Parse(inactiveXml);
        domain.Element("devices")?.Elements("memory").Where(m => (string?)m.Attribute("model") == "dimm").Remove();
        SetKib(domain.Element("memory")!, memoryMib);
        SetKib(domain.Element("currentMemory")!, memoryMib);
        domain.Element("cpu")?.Element("numa")?.Element("cell")?.SetAttributeValue("memory", memoryMib * KibPerMib);
        domain.Element("cpu")?.Element("numa")?.Element("cell")?.SetAttributeValue("unit", "KiB");
        var container = domain.Element("metadata")!;
        container.Elements().Where(e => e.Name.NamespaceName == VmMetadata.Namespace).Remove();
        container.Add(metadata.ToElement());
        return domain.ToString(SaveOptions.DisableFormatting);
    }

    private static void SetKib(XElement element, long mib)
    {
        element.SetAttributeValue("unit", "KiB");
        element.Value = (mib * KibPerMib).ToString(CultureInfo.InvariantCulture);
    }

    private static long Mib(XElement? element, string attribute = "") => element is null ? 0 : ToMib(
        attribute == "" ? element.Value : (string?)element.Attribute(attribute) ?? "0",
        (string?)element.Attribute("unit") ?? "KiB");

    private static long ToMib(string value, string unit)
    {
        var number = long.Parse(value, CultureInfo.InvariantCulture);
        return unit switch
        {
            "b" or "bytes" => number / (1024 * 1024),
            "KiB" or "k" => number / KibPerMib,
            "MiB" or "M" => number,
            "GiB" or "G" => number * 1024,
            _ => number / KibPerMib,
        };
    }
}
