using Npgsql;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>Plain SQL for what tests check or arrange below EF Core (raw column values, expired tokens).</summary>
public static class Sql
{
    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<string?> ScalarAsync(string connectionString, string sql, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (string?)await cmd.ExecuteScalarAsync(ct);
    }
}
