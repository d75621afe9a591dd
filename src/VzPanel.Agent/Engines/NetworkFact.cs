namespace VzPanel.Agent.Engines;

/// <summary>
/// What a node attaches its guests' network card to (--vm-network / --ct-network), reported among its versions so the
/// panel can refuse a migration to a node where the server would come up without its network.
/// </summary>
public static class NetworkFact
{
    public const string Key = "network";

    public static string Describe(string network) => network.Length == 0 ? "none" : network;
}
