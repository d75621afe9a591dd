using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VzPanel.Core;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer.Fakes;

namespace VzPanel.IntegrationTests.ServiceLayer;

/// <summary>
/// The real service layer in process: <c>AddVzPanelCore</c> composed as the panel composes it, on a throwaway PostgreSQL
/// database of its own, with the three things a test must drive swapped out: the nodes (<see cref="FakeNodeAgentGateway"/>),
/// the clock (<see cref="FakeTimeProvider"/>) and the job system (<see cref="QueuedJobs"/>: operations wait until the
/// test runs their job through <see cref="OperationJob"/>, the same entry point Hangfire calls). No panel, no agents, no
/// hosted services started.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly IHost _host;

    private ServiceHost(TestDatabase database, IHost host)
    {
        Database = database;
        _host = host;
    }

    public TestDatabase Database { get; }
    public IServiceProvider Services => _host.Services;
    public FakeNodeAgentGateway Agents => Services.GetRequiredService<FakeNodeAgentGateway>();
    public FakeTimeProvider Clock => Services.GetRequiredService<FakeTimeProvider>();
    public QueuedJobs Jobs => Services.GetRequiredService<QueuedJobs>();

    /// <summary>The core's warnings and errors so far (a job's internal error is logged here with its exception).</summary>
    public IReadOnlyList<string> Logs => Services.GetRequiredService<CapturedLogs>().Entries;

    public static async Task<ServiceHost> StartAsync(PostgresServer server, Action<IServiceCollection>? configure = null)
    {
        var database = await server.CreateDatabaseAsync();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:GracefulStopSeconds"] = "30" });
        var logs = new CapturedLogs();
        builder.Services.AddLogging(b => b.AddProvider(logs));
        builder.Services.AddSingleton(logs);
        builder.AddVzPanelCore(new PanelDatabase(database.ConnectionString, null));

        var clock = new FakeTimeProvider(Start);
        database.Clock = clock;
        builder.Services.AddSingleton(clock);
        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
        builder.Services.AddSingleton<FakeNodeAgentGateway>();
        builder.Services.Replace(ServiceDescriptor.Singleton<Core.Features.Nodes.Agents.INodeAgentGateway>(sp => sp.GetRequiredService<FakeNodeAgentGateway>()));
        builder.Services.AddSingleton<QueuedJobs>();
        builder.Services.Replace(ServiceDescriptor.Scoped<IOperationDispatcher>(sp => sp.GetRequiredService<QueuedJobs>()));
        builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        configure?.Invoke(builder.Services);
        return new ServiceHost(database, builder.Build());
    }

    public static AccessScope Admin { get; } = new("admin@test", Guid.NewGuid(), PanelRole.Admin, null);
    public static AccessScope Support { get; } = new("support@test", Guid.NewGuid(), PanelRole.Support, null);
    public static AccessScope Customer(Guid tenantId) => new("customer@test", Guid.NewGuid(), PanelRole.Customer, tenantId);

    /// <summary>Resolves <typeparamref name="TService"/> in a fresh DI scope acting as <paramref name="scope"/>, as a request or circuit would.</summary>
    public async Task<TResult> AsAsync<TService, TResult>(AccessScope scope, Func<TService, Task<TResult>> use) where TService : notnull
    {
        await using var di = Services.CreateAsyncScope();
        di.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = scope;
        return await use(di.ServiceProvider.GetRequiredService<TService>());
    }

    public Task<Result<OperationView>> AskAsync(AccessScope scope, Func<IInstanceCommands, CancellationToken, Task<Result<OperationView>>> ask) =>
        AsAsync<IInstanceCommands, Result<OperationView>>(scope, c => ask(c, TestContext.Current.CancellationToken));

    public Task<Result<OperationView>> AdminAsync(Func<IInstanceCommands, CancellationToken, Task<Result<OperationView>>> ask) => AskAsync(Admin, ask);

    /// <summary>Runs one operation's job through <see cref="OperationJob"/> as Hangfire would (without a context: its last attempt).</summary>
    /// <returns>The operation row afterwards; <c>Crashed</c> when a crash fault stopped the job midway.</returns>
    public async Task<(Operation Operation, bool Crashed)> RunJobAsync(Guid operationId)
    {
        using var job = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Agents.RunningJob = job;
        var crashed = false;
        try
        {
            await using var di = Services.CreateAsyncScope();
            await di.ServiceProvider.GetRequiredService<OperationJob>().RunAsync(operationId, null, job.Token);
        }
        catch (OperationCanceledException) when (job.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            crashed = true;
        }
        finally
        {
            Agents.RunningJob = null;
        }
        Jobs.Ran(operationId);
        return (await OperationAsync(operationId), crashed);
    }

    /// <summary>Asks as an administrator and runs the job of the accepted request; fails the test when it was refused.</summary>
    public async Task<Operation> DoAsync(Func<IInstanceCommands, CancellationToken, Task<Result<OperationView>>> ask, AccessScope? scope = null)
    {
        var asked = await AskAsync(scope ?? Admin, ask);
        asked.Error.ShouldBeNull();
        return (await RunJobAsync(asked.Value!.Id)).Operation;
    }

    public async Task<Operation> OperationAsync(Guid id)
    {
        await using var db = Database.CreateContext();
        return await db.Operations.AsNoTracking().SingleAsync(o => o.Id == id, TestContext.Current.CancellationToken);
    }

    public async Task<Instance?> InstanceAsync(Guid id)
    {
        await using var db = Database.CreateContext();
        return await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, TestContext.Current.CancellationToken);
    }

    public async Task<T> ReadAsync<T>(Func<VzPanelDbContext, Task<T>> read)
    {
        await using var db = Database.CreateContext();
        return await read(db);
    }

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        await Database.DisposeAsync();
    }
}

/// <summary>
/// The job system's stand-in: a dispatched operation is only noted, so a test sees it queued and decides when its job runs.
/// </summary>
public sealed class QueuedJobs : IOperationDispatcher
{
    private readonly Lock _gate = new();
    private readonly List<Guid> _waiting = [];

    public IReadOnlyList<Guid> Waiting
    {
        get { lock (_gate) return [.. _waiting]; }
    }

    public int Dispatched { get; private set; }

    public void Dispatch(Guid operationId)
    {
        lock (_gate)
        {
            _waiting.Add(operationId);
            Dispatched++;
        }
    }

    internal void Ran(Guid operationId)
    {
        lock (_gate) _waiting.Remove(operationId);
    }
}
