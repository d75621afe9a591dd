namespace VzPanel.Agent.Engines.Sim;

/// <summary>How long each simulated operation takes: nothing for load tests, roughly real for demos.</summary>
public static class SimLatencies
{
    private static readonly Dictionary<string, TimeSpan> Demo = new(StringComparer.Ordinal)
    {
        [SimOperation.Create] = TimeSpan.FromMilliseconds(800),
        [SimOperation.Start] = TimeSpan.FromMilliseconds(300),
        [SimOperation.Stop] = TimeSpan.FromMilliseconds(300),
        [SimOperation.Delete] = TimeSpan.FromMilliseconds(400),
        [SimOperation.SetMemory] = TimeSpan.FromMilliseconds(120),
        [SimOperation.SetGuarantee] = TimeSpan.FromMilliseconds(40),
        [SimOperation.SetVCpus] = TimeSpan.FromMilliseconds(80),
        [SimOperation.ResizeDisk] = TimeSpan.FromMilliseconds(150),
        [SimOperation.Exec] = TimeSpan.FromMilliseconds(30),
        [SimOperation.SetPassword] = TimeSpan.FromMilliseconds(100),
        [SimOperation.SetNetwork] = TimeSpan.FromMilliseconds(100),
    };

    public static TimeSpan For(SimLatencyProfile profile, string operation) =>
        profile == SimLatencyProfile.Demo && Demo.TryGetValue(operation, out var latency) ? latency : TimeSpan.Zero;

    public static Task WaitAsync(SimLatencyProfile profile, string operation, CancellationToken cancellationToken)
    {
        var latency = For(profile, operation);
        return latency == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(latency, cancellationToken);
    }
}

/// <summary>Operation names used by latencies and fault injection (--sim-hang start,create).</summary>
public static class SimOperation
{
    public const string Create = "create";
    public const string Start = "start";
    public const string Stop = "stop";
    public const string Restart = "restart";
    public const string Delete = "delete";
    public const string SetMemory = "set-memory";
    public const string SetGuarantee = "set-guarantee";
    public const string SetVCpus = "set-vcpus";
    public const string ResizeDisk = "resize-disk";
    public const string Exec = "exec";
    public const string SetPassword = "set-password";
    public const string SetNetwork = "set-network";
    // A migration's steps one by one, so a fault test can hold any of them (--sim-hang migrate-complete).
    public const string MigratePrepare = "migrate-prepare";
    public const string MigrateOut = "migrate-out";
    public const string MigrateComplete = "migrate-complete";
    public const string MigrateAbort = "migrate-abort";

    public static readonly IReadOnlyList<string> All =
        [Create, Start, Stop, Restart, Delete, SetMemory, SetGuarantee, SetVCpus, ResizeDisk, Exec, SetPassword, SetNetwork,
            MigratePrepare, MigrateOut, MigrateComplete, MigrateAbort];
}
