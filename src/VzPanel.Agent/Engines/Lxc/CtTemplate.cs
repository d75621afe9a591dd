using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VzPanel.Agent.Engines.Lxc;

/// <summary>
/// A container OS template in the node's cache (EZ-template style): <c>TEMPLATES/NAME/template.json</c>
/// beside the root filesystem tarball it describes, with the tarball's SHA-256 so a corrupt or swapped
/// cache entry is refused instead of becoming a container. deploy/ct-templates builds them.
/// </summary>
public sealed record CtTemplate(
    string Name,
    string Version,
    string Description,
    string OsFamily,
    string OsId,
    string RootfsPath,
    string Sha256,
    long MinMemoryMib,
    string Init,
    string HaltSignal)
{
    public const string FileName = "template.json";

    private static readonly ConcurrentDictionary<(string Path, DateTime Modified, long Length), bool> Verified = new();

    public TemplateDescription Describe() => new(Name, InstanceKind.Container, Version, Description, OsFamily);

    /// <summary>Every readable template under <paramref name="directory"/>; a broken one is skipped, not fatal.</summary>
    public static IReadOnlyList<CtTemplate> LoadAll(string directory) =>
        !Directory.Exists(directory)
            ? []
            : Directory.EnumerateDirectories(directory)
                // The builder assembles a template in a dot-folder and renames it into place; half-built ones stay hidden.
                .Where(folder => !Path.GetFileName(folder).StartsWith('.'))
                .Order(StringComparer.Ordinal).Select(TryLoad).OfType<CtTemplate>().ToList();

    public static CtTemplate? TryLoad(string folder)
    {
        var file = Path.Combine(folder, FileName);
        if (!File.Exists(file))
            return null;
        try
        {
            var json = JsonSerializer.Deserialize(File.ReadAllText(file), CtTemplateJsonContext.Default.CtTemplateJson);
            if (json is null || json.Kind != "ct" || string.IsNullOrWhiteSpace(json.Name) || string.IsNullOrWhiteSpace(json.Rootfs)
                || string.IsNullOrWhiteSpace(json.Sha256))
                return null;
            return new CtTemplate(json.Name, json.Version ?? "1", json.Description ?? "", json.OsFamily ?? "linux", json.OsId ?? "linux",
                Path.GetFullPath(Path.Combine(folder, json.Rootfs)), json.Sha256.ToLowerInvariant(), Math.Max(16, json.MinMemoryMib ?? 64),
                json.Init ?? "/sbin/init", json.HaltSignal ?? "SIGPWR");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Checks the tarball against its checksum once per file version (hashing a large rootfs on every create is wasteful).</summary>
    public void EnsureIntact()
    {
        var file = new FileInfo(RootfsPath);
        if (!file.Exists)
            throw new EngineException(EngineErrorCode.Failed, $"template {Name}: {RootfsPath} is missing from the template cache");
        var key = (file.FullName, file.LastWriteTimeUtc, file.Length);
        if (Verified.ContainsKey(key))
            return;
        using var stream = file.OpenRead();
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != Sha256)
            throw new EngineException(EngineErrorCode.Failed,
                $"template {Name}: {file.Name} has SHA-256 {actual[..12]}…, its template.json says {Sha256[..Math.Min(12, Sha256.Length)]}…; rebuild the cache entry");
        Verified[key] = true;
    }
}

/// <summary>The on-disk shape of a container template.json (camelCase).</summary>
public sealed record CtTemplateJson(
    string Name,
    string Kind,
    string? Version,
    string? Description,
    string? OsFamily,
    string? OsId,
    string Rootfs,
    string Sha256,
    long? MinMemoryMib = null,
    string? Init = null,
    string? HaltSignal = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CtTemplateJson))]
internal sealed partial class CtTemplateJsonContext : JsonSerializerContext;
