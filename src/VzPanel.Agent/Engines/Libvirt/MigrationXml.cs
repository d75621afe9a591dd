using System.Xml.Linq;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>Where a VM's files live on the node it moves to, as that node's prepare step said.</summary>
public sealed record MigrationPlacement(string DiskPath, string SerialLogPath, string Scope);

/// <summary>
/// The source's domain XML made right for the target: the disk the target prepared in its own pool, the target's
/// serial log folder and agent scope. Everything else (memory, hotplugged DIMMs, devices and their addresses) stays
/// exactly as it is, which is what live migration needs.
/// </summary>
public static class MigrationXml
{
    public static string ForTarget(string xml, MigrationPlacement placement)
    {
        var domain = XElement.Parse(xml);
        var devices = domain.Element("devices") ?? throw Broken("it has no devices");
        var disk = devices.Elements("disk").FirstOrDefault() ?? throw Broken("it has no disk");
        var source = disk.Element("source") ?? throw Broken("its disk has no source");
        source.SetAttributeValue("file", placement.DiskPath);
        // The source's backing chain names its own template path; the target's volume names the target's.
        disk.Element("backingStore")?.Remove();
        foreach (var log in devices.Elements("serial").Elements("log"))
            log.SetAttributeValue("file", placement.SerialLogPath);
        XNamespace ns = VmMetadata.Namespace;
        var scope = domain.Element("metadata")?.Element(ns + "instance")?.Element(ns + "scope") ?? throw Broken("it has no VzPanel metadata");
        scope.Value = placement.Scope;
        return domain.ToString(SaveOptions.DisableFormatting);
    }

    private static EngineException Broken(string why) => new(EngineErrorCode.Failed, $"the domain cannot be migrated: {why}");
}
