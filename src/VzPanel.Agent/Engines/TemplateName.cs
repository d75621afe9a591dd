using System.Text.RegularExpressions;

namespace VzPanel.Agent.Engines;

/// <summary>What a template in a node's cache may be called (the name is its folder): debian-12-x86_64, busybox-x86_64.</summary>
public static partial class TemplateName
{
    public static void Ensure(string name)
    {
        if (!Pattern().IsMatch(name))
            throw InstanceRules.Invalid($"template name '{name}' may only hold lower-case letters, digits, '.', '_' and '-' (like debian-12-x86_64)");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex Pattern();
}
