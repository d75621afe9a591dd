using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Hosting;

/// <summary>Where this agent listens once Kestrel has bound, and where it tells the panel to call it.</summary>
public sealed class AgentEndpoint(IServer server, IOptions<AgentOptions> options, AgentCredentials credentials)
{
    /// <summary>host:port actually bound (port 0 on the command line becomes the real port here).</summary>
    public string BoundAddress
    {
        get
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("the agent endpoint is not bound yet");
            var uri = new Uri(address);
            return $"{uri.Host}:{uri.Port}";
        }
    }

    /// <summary>run --advertise, else the address given at enrollment, else the bound address.</summary>
    public string AdvertisedAddress =>
        options.Value.Advertise ?? credentials.Identity.AgentAddress ?? BoundAddress;
}
