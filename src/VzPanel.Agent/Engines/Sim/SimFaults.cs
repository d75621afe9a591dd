namespace VzPanel.Agent.Engines.Sim;

/// <summary>
/// Fault injection: a seeded share of operations fails with Unavailable, chosen operations hang until
/// cancelled, and the agent can be made to die after N operations (the host decides how to die).
/// </summary>
public sealed class SimFaults(SimOptions options, Action crash)
{
    private readonly Lock _gate = new();
    private readonly Random _dice = options.Seed is { } seed ? new Random(seed) : new Random();
    private int _operations;

    public async Task BeforeOperationAsync(string operation, CancellationToken cancellationToken)
    {
        bool fail;
        lock (_gate)
        {
            if (options.CrashAfterOperations is { } limit && _operations >= limit)
                crash();
            _operations++;
            fail = options.FailRate > 0 && _dice.NextDouble() < options.FailRate;
        }

        if (options.HangOperations.Contains(operation))
            await Task.Delay(Timeout.Infinite, cancellationToken);
        if (fail)
            throw new EngineException(EngineErrorCode.Unavailable, $"simulated transient failure of {operation} (fault injection)");
    }
}
