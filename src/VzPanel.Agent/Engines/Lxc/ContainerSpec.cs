using System.Text.Json;
using System.Text.Json.Serialization;

namespace VzPanel.Agent.Engines.Lxc;

/// <summary>
/// What the panel asked for one container, kept beside its LXC config as <c>vzpanel.json</c>. The LXC
/// config is generated from it, so the two never disagree; the root password is never part of it.
/// </summary>
public sealed record ContainerSpec(
    string Name,
    string Template,
    string OsId,
    long MemoryMib,
    int GuaranteePercent,
    int VCpus,
    long DiskGib,
    string Hostname,
    IReadOnlyList<string> Addresses,
    string Gateway,
    IReadOnlyList<string> DnsServers,
    string Init,
    string HaltSignal)
{
    public const string FileName = "vzpanel.json";

    public static ContainerSpec? TryRead(string containerDirectory)
    {
        var file = Path.Combine(containerDirectory, FileName);
        try
        {
            return File.Exists(file) ? JsonSerializer.Deserialize(File.ReadAllText(file), ContainerSpecJsonContext.Default.ContainerSpec) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces the file in one rename, so a crash never leaves half a spec.</summary>
    public void Write(string containerDirectory)
    {
        var file = Path.Combine(containerDirectory, FileName);
        File.WriteAllText(file + ".new", JsonSerializer.Serialize(this, ContainerSpecJsonContext.Default.ContainerSpec));
        File.Move(file + ".new", file, overwrite: true);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ContainerSpec))]
internal sealed partial class ContainerSpecJsonContext : JsonSerializerContext;
