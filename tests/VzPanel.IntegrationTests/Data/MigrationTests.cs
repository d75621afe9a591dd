using Microsoft.EntityFrameworkCore;
using Npgsql;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Data;

public sealed class MigrationTests(PostgresServer server)
{
    [Fact]
    public async Task Migrate_EmptyDatabase_CreatesTheWholeSchema()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await server.CreateDatabaseAsync(migrated: false);
        await using var db = database.CreateContext();

        await db.Database.MigrateAsync(ct);

        (await db.Database.GetPendingMigrationsAsync(ct)).ShouldBeEmpty();
        var tables = await db.Database.SqlQueryRaw<string>(
            "SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public'").ToListAsync(ct);
        tables.ShouldBe(
            ["api_tokens", "audit_events", "billing_events", "certificate_authority", "credit_entries", "instances", "join_tokens", "nodes", "non_payment_stops", "operations", "plans", "prepaid_standings", "recovery_codes", "role_claims", "roles", "set_password_links", "storage_pools", "templates",
             "tenants", "usage_hourly", "usage_rollup_state", "usage_segments", "user_claims", "user_logins", "user_roles", "user_sessions", "user_tokens", "users", "volumes", "__EFMigrationsHistory"],
            ignoreOrder: true);
    }

    [Fact]
    public async Task Model_MatchesTheLastMigration()
    {
        await using var database = await server.CreateDatabaseAsync();
        await using var db = database.CreateContext();

        // Fails when an entity changed without "dotnet ef migrations add".
        db.Database.HasPendingModelChanges().ShouldBeFalse();
    }

    [Fact]
    public async Task Schema_StoresEnumsAsTextAndTimesAsTimestamptz()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await server.CreateDatabaseAsync();
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name IN ('state', 'kind', 'engine', 'created_at', 'at', 'last_heartbeat_at', 'ip_addresses')
            """, conn);
        var columns = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) columns.Add(reader.GetString(0));

        columns.ShouldContain("instances.state:character varying");
        columns.ShouldContain("instances.kind:character varying");
        columns.ShouldContain("nodes.engine:character varying");
        columns.ShouldContain("instances.created_at:timestamp with time zone");
        columns.ShouldContain("audit_events.at:timestamp with time zone");
        columns.ShouldContain("nodes.last_heartbeat_at:timestamp with time zone");
        columns.ShouldContain("instances.ip_addresses:ARRAY");
    }
}
