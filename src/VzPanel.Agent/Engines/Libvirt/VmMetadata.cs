using System.Globalization;
using System.Xml.Linq;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>
/// What the panel asked for that libvirt has no field for, kept inside the domain's own XML
/// (<c>&lt;metadata&gt;</c>), so the domain stays the one source of truth and survives agent restarts.
/// </summary>
public sealed record VmMetadata(
    string Scope,
    string Name,
    string Template,
    long MemoryMib,
    int GuaranteePercent,
    string Hostname,
    IReadOnlyList<string> Addresses,
    string Gateway,
    IReadOnlyList<string> DnsServers,
    long DiskGib = 0)
{
    public const string Namespace = "urn:vzpanel:instance:1";
    public const string Prefix = "vz";
    private static readonly XNamespace Ns = Namespace;

    /// <summary>For a whole domain definition: the element in its namespace.</summary>
    public XElement ToElement() => Build(Ns, new XAttribute(XNamespace.Xmlns + Prefix, Namespace));

    /// <summary>For virDomainSetMetadata, which puts the element into the namespace itself and refuses one already there.</summary>
    public string ToMetadataXml() => Build(XNamespace.None, null).ToString(SaveOptions.DisableFormatting);

    private XElement Build(XNamespace ns, XAttribute? declaration) => new(ns + "instance",
        declaration,
        new XElement(ns + "scope", Scope),
        new XElement(ns + "name", Name),
        new XElement(ns + "template", Template),
        new XElement(ns + "memory", MemoryMib),
        new XElement(ns + "guarantee", GuaranteePercent),
        new XElement(ns + "hostname", Hostname),
        Addresses.Select(a => new XElement(ns + "address", a)),
        new XElement(ns + "gateway", Gateway),
        DnsServers.Select(d => new XElement(ns + "dns", d)),
        new XElement(ns + "disk", DiskGib));

    /// <summary>The metadata inside a domain's XML, or null for domains this panel did not create.</summary>
    public static VmMetadata? From(XElement domain)
    {
        var element = domain.Element("metadata")?.Element(Ns + "instance");
        if (element is null)
            return null;
        string Text(string name) => element.Element(Ns + name)?.Value ?? "";
        return new VmMetadata(
            Text("scope"), Text("name"), Text("template"),
            long.TryParse(Text("memory"), CultureInfo.InvariantCulture, out var memory) ? memory : 0,
            int.TryParse(Text("guarantee"), CultureInfo.InvariantCulture, out var guarantee) ? guarantee : 0,
            Text("hostname"),
            element.Elements(Ns + "address").Select(a => a.Value).ToList(),
            Text("gateway"),
            element.Elements(Ns + "dns").Select(d => d.Value).ToList(),
            long.TryParse(Text("disk"), CultureInfo.InvariantCulture, out var disk) ? disk : 0);
    }
}
