using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Options;
using Npgsql;
using VzPanel.Core.Data;
using VzPanel.Core.Options;
using VzPanel.Web.Security;

namespace VzPanel.Web.Jobs;

/// <summary>
/// Hangfire in the panel: PostgreSQL storage in its own <c>hangfire</c> schema of the panel's database,
/// with its own connection pool; a job enqueued here wakes an idle local worker at once (optionally
/// LISTEN/NOTIFY long polling for jobs from other replicas); the dashboard for admins.
/// </summary>
internal static class JobHosting
{
    public const string DashboardPath = "/hangfire";

    public static IServiceCollection AddVzPanelJobs(this IServiceCollection services)
    {
        services.AddHangfire((sp, config) =>
        {
            var jobs = sp.GetRequiredService<IOptions<JobOptions>>().Value;
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseActivator(new ScopedJobActivator(sp.GetRequiredService<IServiceScopeFactory>()))
                .UsePostgreSqlStorage(
                    o => o.UseNpgsqlConnection(JobsConnectionString(sp.GetRequiredService<PanelDatabase>().ConnectionString, jobs)),
                    new PostgreSqlStorageOptions
                    {
                        SchemaName = "hangfire",
                        PrepareSchemaIfNecessary = true,
                        EnableLongPolling = jobs.LongPolling,
                        QueuePollInterval = TimeSpan.FromMilliseconds(jobs.QueuePollMilliseconds),
                        // A job whose panel died is picked up again after this long; the sliding timeout keeps live ones owned.
                        InvisibilityTimeout = TimeSpan.FromSeconds(jobs.CrashRecoverySeconds),
                        UseSlidingInvisibilityTimeout = true,
                    });
        });
        services.AddHangfireServer((sp, o) =>
        {
            o.WorkerCount = sp.GetRequiredService<IOptions<JobOptions>>().Value.Workers;
            o.ServerName = $"vzpanel-{Environment.MachineName}-{Environment.ProcessId}";
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
        services.AddHostedService<RecurringJobs>();
        return services;
    }

    /// <summary>The panel's database under another application name: Npgsql gives it a pool of its own, sized for the workers.</summary>
    private static string JobsConnectionString(string panel, JobOptions jobs) =>
        new NpgsqlConnectionStringBuilder(panel) { ApplicationName = "vzpanel-jobs", MaxPoolSize = jobs.ConnectionPoolSize }.ConnectionString;

    public static void MapJobDashboard(this IEndpointRouteBuilder app) =>
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Admin, DashboardPath, new DashboardOptions
        {
            DashboardTitle = "VzPanel jobs",
            AppPath = "/operations",
            DisplayStorageConnectionString = false,
        });

    /// <summary>Each job runs in its own DI scope, so it gets its own <see cref="Core.Features.Tenancy.CurrentAccess"/>.</summary>
    private sealed class ScopedJobActivator(IServiceScopeFactory scopes) : JobActivator
    {
        public override JobActivatorScope BeginScope(JobActivatorContext context) => new Scope(scopes.CreateScope());

        private sealed class Scope(IServiceScope scope) : JobActivatorScope
        {
            public override object Resolve(Type type) => ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);

            public override void DisposeScope() => scope.Dispose();
        }
    }
}
