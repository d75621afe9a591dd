using VzPanel.Agent.Grpc;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Hosting;

/// <summary>Builds the `run` host: Kestrel + NodeAgent gRPC + heartbeats.</summary>
public static class AgentHost
{
    public static WebApplication Build(AgentOptions options, AgentCredentials credentials, Action<WebApplicationBuilder>? customize = null)
    {
        // Configuration comes from the command line already parsed; args are not fed to the host again.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; });
        builder.Services.AddVzPanelAgent(options, credentials);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureAgentEndpoint(options, credentials));
        customize?.Invoke(builder);

        var app = builder.Build();
        app.MapGrpcService<NodeAgentService>();
        return app;
    }
}
