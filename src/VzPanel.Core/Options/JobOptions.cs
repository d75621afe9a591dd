using System.ComponentModel.DataAnnotations;

namespace VzPanel.Core.Options;

/// <summary>How operations run: workers, how long a node may stay unreachable, how long one call may take.</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// Parallel jobs per panel replica. Jobs mostly wait for agents, but each also uses the database and the
    /// CPU: four per core (at most 20) measured as fast as more on small machines (docs/benchmarks.md).
    /// </summary>
    [Range(1, 200)]
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount * 4, 4, 20);

    /// <summary>
    /// How often idle workers look for jobs that another replica enqueued. A job enqueued by this replica
    /// wakes one of its idle workers at once, without waiting for the poll.
    /// </summary>
    [Range(10, 60_000)]
    public int QueuePollMilliseconds { get; init; } = 500;

    /// <summary>
    /// LISTEN/NOTIFY long polling: every idle worker holds a listening connection and every new job wakes all
    /// of them. Only worth it with several replicas whose workers are often all busy; off by default.
    /// </summary>
    public bool LongPolling { get; init; }

    /// <summary>Hangfire's own connection pool, so job traffic and web requests cannot starve each other.</summary>
    public int ConnectionPoolSize => Workers * 2 + 10;

    /// <summary>How long an operation keeps retrying a node that does not answer before it fails.</summary>
    [Range(1, 86_400)]
    public int AgentRetryWindowSeconds { get; init; } = 120;

    /// <summary>The longest one agent call may take (creating from a large template is the slow one).</summary>
    [Range(1, 86_400)]
    public int AgentCallTimeoutSeconds { get; init; } = 600;

    /// <summary>Graceful stop: how long the guest may take to shut down before it is powered off.</summary>
    [Range(1, 3600)]
    public int GracefulStopSeconds { get; init; } = 60;

    /// <summary>
    /// How long after its panel died a running job is taken over by another panel (or the same one restarted); live
    /// panels keep extending it for their own jobs, so it only delays recovery from a crash.
    /// </summary>
    [Range(10, 3600)]
    public int CrashRecoverySeconds { get; init; } = 120;

    /// <summary>Operations still queued with no job after this long are handed to the job system again.</summary>
    [Range(5, 3600)]
    public int RequeueAfterSeconds { get; init; } = 30;
}
