using Grpc.Core;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>
/// One agent call, retried while the node is unreachable (with growing pauses) until the retry window
/// closes. Retries are safe because every mutating call carries the same operation id.
/// </summary>
public sealed class AgentCall(string nodeName, TimeSpan callTimeout, DateTimeOffset giveUpAt, TimeProvider clock)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>How many attempts ended in a transient failure; a later attempt may find the work already done.</summary>
    public int TransientFailures { get; private set; }

    public async Task<T> RunAsync<T>(Func<CallOptions, Task<T>> call, Func<string, Task> onWaiting, CancellationToken ct)
    {
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await call(new CallOptions(deadline: clock.GetUtcNow().Add(callTimeout).UtcDateTime, cancellationToken: ct));
            }
            catch (RpcException ex) when (IsTransient(ex) && !ct.IsCancellationRequested)
            {
                TransientFailures++;
                var reason = Describe(ex);
                if (clock.GetUtcNow() + pause > giveUpAt)
                    throw new AgentException($"node {nodeName} did not answer: {reason}. Gave up after retrying for the configured window.", ex.StatusCode);
                await onWaiting($"Waiting for node {nodeName} ({reason}), attempt {TransientFailures + 1}");
                await Task.Delay(pause, clock, ct);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
            catch (RpcException ex)
            {
                throw new AgentException($"node {nodeName}: {Describe(ex)}", ex.StatusCode);
            }
        }
    }

    /// <summary>The node was not reached or did not finish: nothing was recorded there, so the same call may run again.</summary>
    public static bool IsTransient(RpcException ex) => ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted
        || (ex.StatusCode == StatusCode.Internal && ex.Status.DebugException is HttpRequestException or IOException);

    /// <summary>What went wrong, in the words of the node or of the connection to it.</summary>
    public static string Describe(RpcException ex)
    {
        var detail = ex.Status.Detail;
        if (ex.StatusCode == StatusCode.Unavailable && ex.Status.DebugException is { } inner)
            detail = inner.InnerException?.Message ?? inner.Message;
        return string.IsNullOrWhiteSpace(detail) ? ex.StatusCode.ToString() : detail;
    }
}
