using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VzPanel.Core.Data;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Dashboard;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Mfa;
using VzPanel.Core.Features.Identity.Tokens;
using VzPanel.Core.Features.Identity.Users;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Instances.Operations;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Nodes.Agents.Grpc;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Core.Features.Nodes.Heartbeats;
using VzPanel.Core.Features.Nodes.Pki;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Storage;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Core.Options;

namespace VzPanel.Core;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the inventory, the services and <paramref name="database"/>: the configured server in production, the
    /// embedded cluster the quick-start host started before this (Core never starts a database itself).
    /// </summary>
    public static IHostApplicationBuilder AddVzPanelCore(this IHostApplicationBuilder builder, PanelDatabase database)
    {
        builder.Services.AddOptions<PanelOptions>().BindConfiguration(PanelOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddSingleton(database);

        builder.Services.AddScoped<CurrentAccess>();
        // Scoped, so each context gets the caller's CurrentAccess (a Blazor circuit, a request, a job).
        builder.Services.AddDbContextFactory<VzPanelDbContext>(
            o => o.UseVzPanelDatabase(database.ConnectionString), ServiceLifetime.Scoped);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PanelEvents>();
        builder.Services.AddValidatorsFromAssemblyContaining<InstanceSpecValidator>(ServiceLifetime.Singleton);
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<IAuditQueries, AuditQueries>();
        builder.Services.AddScoped<FleetDashboardService>();
        builder.Services.AddScoped<IFleetDashboardQueries>(sp => sp.GetRequiredService<FleetDashboardService>());
        builder.Services.AddScoped<InstanceLookup>();
        builder.Services.AddScoped<IInstanceQueries, InstanceQueries>();
        builder.Services.AddScoped<IInstanceCommands, InstanceCommands>();
        builder.Services.AddVzPanelTenancy();
        builder.Services.AddVzPanelBilling();
        builder.Services.AddSingleton<InstanceUsageProbe>();
        builder.Services.AddScoped<IOperationQueries, OperationQueries>();
        builder.Services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OperationSecrets>();
        builder.Services.AddScoped<IOperationDispatcher, HangfireOperationDispatcher>();
        builder.Services.AddScoped<OperationStore>();
        builder.Services.AddScoped<ServerOperationStore>();
        builder.Services.AddScoped<VolumeRecorder>();
        builder.Services.AddScoped<MigrationSteps>();
        builder.Services.AddScoped<MigrationStore>();
        builder.Services.AddScoped<DrainSteps>();
        AddOperationHandlers(builder.Services);
        builder.Services.AddScoped<INodeDrain, NodeDrain>();
        builder.Services.AddScoped<IMigrationCancel, MigrationCancel>();
        builder.Services.AddScoped<OperationJob>();
        builder.Services.AddHostedService<OperationRequeuer>();
        builder.Services.AddHostedService<ReplicaEventBridge>();
        builder.Services.AddScoped<FirstAdminBootstrapper>();
        builder.Services.AddScoped<MfaService>();
        builder.Services.AddScoped<ApiTokenService>();
        builder.Services.AddVzPanelUsers();
        builder.Services.AddScoped<INodeQueries, NodeQueries>();
        builder.Services.AddSingleton<AgentCertificateAuthority>();
        builder.Services.AddSingleton<AgentChannels>();
        builder.Services.AddSingleton<INodeAgentGateway, GrpcNodeAgentGateway>();
        builder.Services.AddScoped<NodeEnrollmentService>();
        builder.Services.AddScoped<INodeAdministration>(sp => sp.GetRequiredService<NodeEnrollmentService>());
        builder.Services.AddScoped<HeartbeatService>();
        builder.Services.AddScoped<TemplateCatalog>();
        builder.Services.AddScoped<INodeObservations, NodeObservations>();
        builder.Services.AddScoped<IGuestInfoQueries, GuestInfoQueries>();
        builder.Services.AddScoped<IMigrationPlanner, MigrationPlanner>();
        builder.Services.AddScoped<ICounterQueries, CounterQueries>();
        builder.Services.AddHostedService<NodeOfflineMonitor>();
        builder.Services.AddScoped<DatabaseInitializer>();
        return builder;
    }

    /// <summary>One handler per operation kind; the registry refuses to start when a kind has none.</summary>
    private static void AddOperationHandlers(IServiceCollection services)
    {
        services.AddScoped<IOperationHandler, CreateHandler>();
        services.AddScoped<IOperationHandler, StartHandler>();
        services.AddScoped<IOperationHandler, StopHandler>();
        services.AddScoped<IOperationHandler, RestartHandler>();
        services.AddScoped<IOperationHandler, DeleteHandler>();
        services.AddScoped<IOperationHandler, SetMemoryHandler>();
        services.AddScoped<IOperationHandler, SetMemoryGuaranteeHandler>();
        services.AddScoped<IOperationHandler, SetVCpusHandler>();
        services.AddScoped<IOperationHandler, ResizeDiskHandler>();
        services.AddScoped<IOperationHandler, MigrateHandler>();
        services.AddScoped<IOperationHandler, DrainNodeHandler>();
        services.AddScoped<OperationHandlers>();
        services.AddHostedService<OperationHandlersCheck>();
    }
}
