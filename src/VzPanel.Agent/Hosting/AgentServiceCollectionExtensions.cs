using Microsoft.Extensions.Options;
using VzPanel.Agent.Grpc;
using VzPanel.Agent.Heartbeats;
using VzPanel.Agent.Migration;
using VzPanel.Agent.Operations;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Hosting;

public static class AgentServiceCollectionExtensions
{
    /// <summary>Registers the engine, the operation journal, the gRPC service and the heartbeats.</summary>
    public static IServiceCollection AddVzPanelAgent(this IServiceCollection services, AgentOptions options, AgentCredentials credentials)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.AddOptions<AgentOptions>().Configure(o =>
        {
            o.DataDirectory = options.DataDirectory;
            o.Listen = options.Listen;
            o.MigrationListen = options.MigrationListen;
            o.Advertise = options.Advertise;
            o.Engine = options.Engine;
            o.HeartbeatSeconds = options.HeartbeatSeconds;
            o.Sim = options.Sim;
            o.Libvirt = options.Libvirt;
            // Refusals name the node as the panel knows it, not by the host's name.
            o.Libvirt.NodeName = credentials.Identity.NodeName;
            o.Lxc = options.Lxc;
            o.Lxc.NodeName = credentials.Identity.NodeName;
        }).ValidateOnStart();

        services.AddSingleton(credentials);
        services.AddSingleton(new PanelClientValidator(credentials.CaCertificate));
        services.AddSingleton(sp => EngineFactory.Create(sp.GetRequiredService<IOptions<AgentOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new OperationJournal(options.JournalDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IdempotentOperations>();
        services.AddGrpc(grpc => grpc.Interceptors.Add<EngineExceptionInterceptor>());
        services.AddSingleton<AgentEndpoint>();
        services.AddSingleton(sp => new MigrationTickets(options.DataDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<MigrationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<MigrationListener>());
        services.AddSingleton<OutgoingMigrations>();
        services.AddSingleton<MigrationDesk>();
        services.AddHostedService<HeartbeatService>();
        return services;
    }
}
