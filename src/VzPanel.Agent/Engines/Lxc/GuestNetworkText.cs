namespace VzPanel.Agent.Engines.Lxc;

/// <summary>Reads what `ip`, /etc/resolv.conf and /etc/os-release say inside a container (busybox and iproute2 alike).</summary>
public static class GuestNetworkText
{
    /// <summary>The global-scope addresses of one interface from `ip -o addr show` ("2: eth0    inet 192.0.2.10/24 ... scope global eth0").</summary>
    public static IReadOnlyList<string> GlobalAddresses(string ipOutput, string interfaceName)
    {
        var addresses = new List<string>();
        foreach (var line in ipOutput.Split('\n'))
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var family = Array.FindIndex(words, w => w is "inet" or "inet6");
            var scope = Array.IndexOf(words, "scope");
            if (words.Length > 1 && words[1].TrimEnd(':') == interfaceName && family > 0 && family + 1 < words.Length
                && scope > 0 && scope + 1 < words.Length && words[scope + 1] == "global")
                addresses.Add(words[family + 1]);
        }
        return addresses;
    }

    /// <summary>The gateway of the default route from `ip route show` ("default via 198.51.100.1 dev eth0"), or "".</summary>
    public static string DefaultGateway(string routeOutput)
    {
        foreach (var line in routeOutput.Split('\n'))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3 && words[0] == "default" && words[1] == "via")
                return words[2];
        }
        return "";
    }

    public static IReadOnlyList<string> Nameservers(string resolvConf) =>
        resolvConf.Split('\n')
            .Select(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.Length >= 2 && w[0] == "nameserver")
            .Select(w => w[1])
            .ToList();

    /// <summary>KEY=value pairs of /etc/os-release with their quotes removed.</summary>
    public static Dictionary<string, string> OsRelease(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var at = line.IndexOf('=', StringComparison.Ordinal);
            if (at > 0)
                values[line[..at].Trim()] = line[(at + 1)..].Trim().Trim('"', '\'');
        }
        return values;
    }
}
