using Npgsql;

namespace VzPanel.Benchmarks.Load;

/// <summary>
/// When each operation was accepted (CreatedAt), claimed by its job (StartedAt) and finished, from the operations
/// table; and from Hangfire's own state rows when its job was enqueued and when a worker took it (Processing).
/// All are the panel's clock, so differences need no clock sync with this process.
/// </summary>
public sealed record OperationTimes(
    Guid Id, string State, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    DateTimeOffset? EnqueuedAt, DateTimeOffset? ProcessingAt)
{
    public TimeSpan? EnqueueToStart => StartedAt - CreatedAt;
    public TimeSpan? RequestToFinish => FinishedAt - CreatedAt;

    /// <summary>Accepted → Hangfire job enqueued (the operation and audit rows saved, the job created).</summary>
    public TimeSpan? ToEnqueued => EnqueuedAt - CreatedAt;

    /// <summary>Enqueued → a worker moved it to Processing (wake-up, fetch, state change).</summary>
    public TimeSpan? InQueue => ProcessingAt - EnqueuedAt;

    /// <summary>Processing → the job claimed the operation (job activation, first query).</summary>
    public TimeSpan? ToClaim => StartedAt - ProcessingAt;

    private const string Query = """
        SELECT o.id, o.state, o.created_at, o.started_at, o.finished_at,
               (SELECT min(s.createdat) FROM hangfire.state s WHERE s.jobid = o.job_id::bigint AND s.name = 'Enqueued'),
               (SELECT min(s.createdat) FROM hangfire.state s WHERE s.jobid = o.job_id::bigint AND s.name = 'Processing')
        FROM operations o
        WHERE o.id = ANY(@ids)
        """;

    public static async Task<List<OperationTimes>> ReadAsync(string connectionString, IReadOnlyCollection<Guid> ids)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(Query, conn);
        cmd.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<OperationTimes>(ids.Count);
        while (await reader.ReadAsync())
        {
            rows.Add(new OperationTimes(reader.GetGuid(0), reader.GetString(1), At(reader, 2)!.Value, At(reader, 3), At(reader, 4), At(reader, 5), At(reader, 6)));
        }
        return rows;
    }

    private static DateTimeOffset? At(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : new DateTimeOffset(reader.GetDateTime(column), TimeSpan.Zero);
}
