using System.Text.Json;
using System.Text.Json.Serialization;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>
/// A VM template in the node's cache: <c>TEMPLATES/NAME/template.json</c> next to its base disk (and,
/// for direct kernel boot, its kernel and initrd). File names in the JSON are relative to that folder.
/// </summary>
public sealed record VmTemplate(
    string Name,
    string Version,
    string Description,
    string OsFamily,
    string DiskPath,
    string? KernelPath,
    string? InitrdPath,
    string Cmdline,
    bool GuestAgent,
    long MinMemoryMib)
{
    public const string FileName = "template.json";

    public TemplateDescription Describe() => new(Name, InstanceKind.VirtualMachine, Version, Description, OsFamily);

    /// <summary>Every readable template under <paramref name="directory"/>; a broken one is skipped, not fatal.</summary>
    public static IReadOnlyList<VmTemplate> LoadAll(string directory)
    {
        if (!Directory.Exists(directory))
            return [];
        var templates = new List<VmTemplate>();
        foreach (var folder in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            if (TryLoad(folder) is { } template)
                templates.Add(template);
        }
        return templates;
    }

    public static VmTemplate? TryLoad(string folder)
    {
        var file = Path.Combine(folder, FileName);
        if (!File.Exists(file))
            return null;
        try
        {
            var json = JsonSerializer.Deserialize(File.ReadAllText(file), TemplateJsonContext.Default.TemplateJson);
            if (json is null || string.IsNullOrWhiteSpace(json.Name) || string.IsNullOrWhiteSpace(json.Disk))
                return null;
            string? Resolve(string? name) => string.IsNullOrWhiteSpace(name) ? null : Path.GetFullPath(Path.Combine(folder, name));
            return new VmTemplate(json.Name, json.Version ?? "1", json.Description ?? "", json.OsFamily ?? "linux", Resolve(json.Disk)!,
                Resolve(json.Kernel), Resolve(json.Initrd), json.Cmdline ?? "", json.GuestAgent ?? true, Math.Max(64, json.MinMemoryMib ?? 128));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes <c>template.json</c> for an imported image (file names relative to the folder).</summary>
    public static void Write(string folder, TemplateJson json) =>
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(json, TemplateJsonContext.Default.TemplateJson));
}

/// <summary>The on-disk shape of template.json (camelCase).</summary>
public sealed record TemplateJson(
    string Name,
    string Kind,
    string? Version,
    string? Description,
    string? OsFamily,
    string Disk,
    string? Kernel = null,
    string? Initrd = null,
    string? Cmdline = null,
    bool? GuestAgent = null,
    long? MinMemoryMib = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TemplateJson))]
internal sealed partial class TemplateJsonContext : JsonSerializerContext;
