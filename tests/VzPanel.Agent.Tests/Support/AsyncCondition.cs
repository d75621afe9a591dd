namespace VzPanel.Agent.Tests.Support;

/// <summary>Wait-for-condition without sleeps: producers call Notify, waiters re-check their condition on each.</summary>
public sealed class AsyncCondition
{
    private readonly SemaphoreSlim _changed = new(0);

    public void Notify() => _changed.Release();

    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            try
            {
                await _changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                if (condition())
                    return;
                throw new TimeoutException($"condition not met within {timeout.TotalSeconds:0.#} s: {describe()}");
            }
        }
    }
}
