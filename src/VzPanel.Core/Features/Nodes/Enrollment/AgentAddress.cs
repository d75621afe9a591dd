namespace VzPanel.Core.Features.Nodes.Enrollment;

/// <summary>Where the panel reaches an agent: <c>host:port</c> or <c>[v6]:port</c>, as the agent reports it.</summary>
public static class AgentAddress
{
    public static bool IsValid(string? address) =>
        address is { Length: > 0 and <= 255 } && address.LastIndexOf(':') is var colon and > 0
        && int.TryParse(address.AsSpan(colon + 1), out var port) && port is > 0 and <= 65535
        && address[..colon].Trim('[', ']').All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':');
}
