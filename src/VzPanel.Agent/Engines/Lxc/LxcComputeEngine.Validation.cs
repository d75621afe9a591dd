using System.Net;
using System.Text.RegularExpressions;
using VzPanel.Agent.Engines.Host;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Lxc;

public sealed partial class LxcComputeEngine
{
    /// <summary>The kernel's limit on a host name (__NEW_UTS_LEN).</summary>
    private const int MaxHostnameBytes = 64;

    /// <summary>The memory floor for a container whose template this node does not have (a migrated one).</summary>
    private const long UnknownTemplateMinMemoryMib = 16;

    private CtTemplate Validate(InstanceDefinition definition)
    {
        EnsureContainer(definition);
        var template = FindTemplate(definition.Template) ?? throw Invalid(
            $"template '{definition.Template}' is not in this node's template cache (it has: {string.Join(", ", CtTemplate.LoadAll(_options.TemplateDirectory).Select(t => t.Name).DefaultIfEmpty("none"))})");
        EnsureSettings(definition, template.MinMemoryMib);
        return template;
    }

    /// <summary>The checks of a create for a container that arrives by migration: its files travel whole, so its template need not be here.</summary>
    private void ValidateIncoming(InstanceDefinition definition)
    {
        EnsureContainer(definition);
        EnsureSettings(definition, FindTemplate(definition.Template)?.MinMemoryMib ?? UnknownTemplateMinMemoryMib);
    }

    /// <summary>
    /// A spec that came over the migration channel becomes an LXC config here, so it gets the checks the values had
    /// when the panel set them: every value that reaches the config must be one line.
    /// </summary>
    private static void ValidateReceived(ContainerSpec spec)
    {
        if (spec.MemoryMib <= 0)
            throw Invalid($"the received container asks for {spec.MemoryMib} MiB of memory");
        EnsureGuaranteePercent(spec.GuaranteePercent);
        EnsureVCpus(spec.VCpus, HostFacts.CpuCount);
        EnsureHostname(spec.Hostname);
        foreach (var address in spec.Addresses)
            EnsureAddress(address);
        if (spec.Gateway.Length > 0)
            EnsureIp(spec.Gateway, "gateway");
        foreach (var server in spec.DnsServers)
            EnsureIp(server, "DNS server");
        foreach (var (value, what) in new[] { (spec.Init, "init command"), (spec.HaltSignal, "halt signal") })
        {
            if (value.Length == 0 || value.Any(char.IsControl))
                throw Invalid($"the received container's {what} is not one line of text");
        }
    }

    private static void EnsureContainer(InstanceDefinition definition)
    {
        EnsureIdentity(definition);
        if (definition.Kind != InstanceKind.Container)
            throw Invalid("this node runs containers (LXC); virtual machines go to a libvirt node");
    }

    private static void EnsureSettings(InstanceDefinition definition, long minMemoryMib)
    {
        EnsureMemory(definition.MemoryMib, minMemoryMib);
        EnsureGuaranteePercent(definition.MemoryGuaranteePercent);
        EnsureVCpus(definition.VCpus, HostFacts.CpuCount);
        EnsureHostname(Hostname(definition));
        foreach (var address in definition.IpAddresses ?? [])
            EnsureAddress(address);
        if (definition.RootPassword is { Length: > 0 } password)
            EnsurePassword(password);
    }

    private CtTemplate? FindTemplate(string name) => CtTemplate.LoadAll(_options.TemplateDirectory).FirstOrDefault(t => t.Name == name);

    private static void EnsureMemory(long memoryMib, long minimumMib)
    {
        if (memoryMib < minimumMib)
            throw Invalid($"memory {memoryMib} MiB is below the minimum of {minimumMib} MiB for this template");
        var ram = HostFacts.Memory().TotalMib;
        if (memoryMib > ram)
            throw Invalid($"memory {memoryMib} MiB exceeds the node's RAM ({ram} MiB)");
    }

    /// <summary>
    /// Any printable text is kept literally (it is never run), but it must stay one value: no control
    /// characters (a newline would add a line to the LXC config) and no edge spaces (LXC trims them).
    /// LXC strips only the quotes around the value, so quotes inside it survive.
    /// </summary>
    private static void EnsureHostname(string hostname)
    {
        if (hostname.Length == 0 || hostname.Any(char.IsControl) || hostname != hostname.Trim())
            throw Invalid("hostname must be one line of printable text without leading or trailing spaces");
        // `hostname NAME` runs inside the container: a leading dash would make the name an option.
        if (hostname.StartsWith('-'))
            throw Invalid("hostname must not start with '-'");
        if (System.Text.Encoding.UTF8.GetByteCount(hostname) > MaxHostnameBytes)
            throw Invalid($"hostname is longer than the kernel's {MaxHostnameBytes} bytes");
    }

    private static void EnsureAddress(string address)
    {
        var parts = address.Split('/');
        if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var ip)
            || (parts.Length == 2 && (!int.TryParse(parts[1], out var prefix) || prefix < 0 || prefix > (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))))
            throw Invalid($"'{address}' is not an IP address with an optional /prefix");
    }

    private static void EnsureIp(string address, string what)
    {
        if (!IPAddress.TryParse(address, out _))
            throw Invalid($"{what} '{address}' is not an IP address");
    }

    private static void EnsureUser(string user)
    {
        if (!UserName().IsMatch(user))
            throw Invalid($"'{user}' is not a valid user name");
    }

    /// <summary>chpasswd reads "user:password" lines, so a line break would start a second line; everything else is literal.</summary>
    private static void EnsurePassword(string password)
    {
        if (password.Length == 0 || password.Any(c => c is '\n' or '\r' or '\0'))
            throw Invalid("password must be non-empty and one line");
    }

    private static string WithPrefix(string address) =>
        address.Contains('/', StringComparison.Ordinal) ? address : address + (address.Contains(':', StringComparison.Ordinal) ? "/64" : "/24");

    [GeneratedRegex("^[a-z_][a-z0-9_.-]{0,31}$")]
    private static partial Regex UserName();
}
