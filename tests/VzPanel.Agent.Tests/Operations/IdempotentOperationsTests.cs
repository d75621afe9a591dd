using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Operations;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Operations;

public sealed class IdempotentOperationsTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.Zero));
    private readonly List<OperationJournal> _journals = [];
    private int _runs;

    private IdempotentOperations Operations()
    {
        var journal = new OperationJournal(_data.Path, _time);
        _journals.Add(journal);
        return new IdempotentOperations(journal, _time);
    }

    private static SetVCpusRequest Request(string operationId, int vcpus = 2) => new() { OperationId = operationId, InstanceId = "i-1", Vcpus = vcpus };

    private Task<OperationReply> RunAsync(IdempotentOperations operations, SetVCpusRequest request, Func<Task<OperationReply>>? run = null)
    {
        var fingerprint = request.Clone();
        fingerprint.OperationId = "";
        return operations.RunAsync(request.OperationId, "SetVCpus", fingerprint, OperationReply.Parser,
            reply => { reply.Replayed = true; return reply; },
            run ?? (() =>
            {
                Interlocked.Increment(ref _runs);
                return Task.FromResult(new OperationReply { OperationId = request.OperationId, Message = $"run {_runs}" });
            }), call: null);
    }

    [Fact]
    public async Task RunAsync_SameIdTwice_RunsOnceAndReplaysTheFirstReply()
    {
        var operations = Operations();

        var first = await RunAsync(operations, Request("op-1"));
        var second = await RunAsync(operations, Request("op-1"));

        _runs.ShouldBe(1);
        first.Replayed.ShouldBeFalse();
        second.Replayed.ShouldBeTrue();
        second.Message.ShouldBe("run 1");
    }

    [Fact]
    public async Task RunAsync_SameIdDifferentRequest_ThrowsFailedPrecondition()
    {
        var operations = Operations();
        await RunAsync(operations, Request("op-1", vcpus: 2));

        var refusal = await Should.ThrowAsync<RpcException>(() => RunAsync(operations, Request("op-1", vcpus: 3)));

        refusal.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        refusal.Status.Detail.ShouldBe("operation id reused for a different request");
    }

    [Fact]
    public async Task RunAsync_ConcurrentDuplicates_RunOnceAndAllGetTheReply()
    {
        var operations = Operations();
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<OperationReply> SlowRun()
        {
            Interlocked.Increment(ref _runs);
            started.TrySetResult();
            await release.Task;
            return new OperationReply { OperationId = "op-1", Message = "slow" };
        }

        var calls = Enumerable.Range(0, 8).Select(_ => Task.Run(() => RunAsync(operations, Request("op-1"), SlowRun))).ToList();
        await started.Task.WaitAsync(TestContext.Current.CancellationToken);
        release.SetResult();
        var replies = await Task.WhenAll(calls);

        _runs.ShouldBe(1);
        replies.ShouldAllBe(r => r.Message == "slow");
        replies.Count(r => !r.Replayed).ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_PermanentFailure_ReplaysTheSameStatusWithoutRunning()
    {
        var operations = Operations();
        Task<OperationReply> Refuse()
        {
            Interlocked.Increment(ref _runs);
            throw new EngineException(EngineErrorCode.WrongState, "instance is stopped");
        }

        var first = await Should.ThrowAsync<RpcException>(() => RunAsync(operations, Request("op-1"), Refuse));
        var replayed = await Should.ThrowAsync<RpcException>(() => RunAsync(Operations(), Request("op-1"), Refuse));

        _runs.ShouldBe(1);
        replayed.StatusCode.ShouldBe(first.StatusCode);
        replayed.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        replayed.Status.Detail.ShouldBe("instance is stopped");
        replayed.Trailers.GetValue(IdempotentOperations.ReplayedTrailer).ShouldBe("true");
    }

    [Fact]
    public async Task RunAsync_TransientFailure_RunsAgainOnRetry()
    {
        var operations = Operations();
        await Should.ThrowAsync<RpcException>(() => RunAsync(operations, Request("op-1"),
            () => throw new EngineException(EngineErrorCode.Unavailable, "try again")));

        var retried = await RunAsync(operations, Request("op-1"));

        retried.Replayed.ShouldBeFalse();
        _runs.ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_AfterRestart_ReplaysFromTheJournalOnDisk()
    {
        await RunAsync(Operations(), Request("op-1"));
        _journals[0].Dispose();

        var replayed = await RunAsync(Operations(), Request("op-1"));

        replayed.Replayed.ShouldBeTrue();
        _runs.ShouldBe(1);
    }

    [Fact]
    public async Task Journal_EntriesOlderThanSevenDays_AreDroppedAtStart()
    {
        await RunAsync(Operations(), Request("old"));
        _time.Now += TimeSpan.FromDays(6);
        await RunAsync(Operations(), Request("recent"));
        _time.Now += TimeSpan.FromDays(2);

        using var reopened = new OperationJournal(_data.Path, _time);

        reopened.TryGet("old", out _).ShouldBeFalse();
        reopened.TryGet("recent", out _).ShouldBeTrue();
        File.ReadAllLines(reopened.FilePath).Length.ShouldBe(1);
    }

    [Fact]
    public async Task Journal_TornLastLine_IsIgnored()
    {
        await RunAsync(Operations(), Request("op-1"));
        foreach (var journal in _journals)
            journal.Dispose();
        await File.AppendAllTextAsync(Path.Combine(_data.Path, "operations.jsonl"), "{\"id\":\"op-2\",\"meth", TestContext.Current.CancellationToken);

        using var reopened = new OperationJournal(_data.Path, _time);

        reopened.Count.ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_EmptyOperationId_ThrowsInvalidArgument()
    {
        var refusal = await Should.ThrowAsync<RpcException>(() => RunAsync(Operations(), Request("")));

        refusal.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        _runs.ShouldBe(0);
    }

    public void Dispose()
    {
        foreach (var journal in _journals)
            journal.Dispose();
        _data.Dispose();
    }
}
