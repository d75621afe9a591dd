using Microsoft.EntityFrameworkCore;
using Npgsql;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>A database of its own for one test class; dropped afterwards.</summary>
public sealed class TestDatabase(PostgresServer server, string name) : IAsyncDisposable
{
    public string Name { get; } = name;
    public string ConnectionString { get; } = server.ConnectionStringFor(name);

    /// <summary>The clock contexts meter usage by (a test with a fake clock sets its own).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>A context that sees and may change what <paramref name="scope"/> allows (everything by default).</summary>
    public VzPanelDbContext CreateContext(AccessScope? scope = null)
    {
        var options = new DbContextOptionsBuilder<VzPanelDbContext>();
        options.UseVzPanelDatabase(ConnectionString);
        return new VzPanelDbContext(options.Options, new CurrentAccess(scope ?? AccessScope.System), Clock);
    }

    /// <summary>The factory services take, bound to one scope.</summary>
    public IDbContextFactory<VzPanelDbContext> Factory(AccessScope? scope = null) => new ScopedFactory(this, scope);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await server.DropDatabaseAsync(Name);
    }

    private sealed class ScopedFactory(TestDatabase db, AccessScope? scope) : IDbContextFactory<VzPanelDbContext>
    {
        public VzPanelDbContext CreateDbContext() => db.CreateContext(scope);
    }
}
