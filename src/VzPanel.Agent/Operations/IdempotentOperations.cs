using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Grpc;

namespace VzPanel.Agent.Operations;

/// <summary>
/// Runs each operation id at most once. A finished id replays its stored reply or failure; a duplicate
/// arriving while the first is still running waits for it; an id reused for another request is refused.
/// Transient failures and cancellations are not recorded: nothing happened, so a retry runs again.
/// </summary>
public sealed class IdempotentOperations(OperationJournal journal, TimeProvider time)
{
    public const string ReplayedTrailer = "vzpanel-replayed";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Hash, Task Done)> _running = new(StringComparer.Ordinal);

    /// <param name="fingerprint">The request with its operation id and secrets blanked; only its hash is kept.</param>
    public async Task<TReply> RunAsync<TReply>(
        string operationId, string method, IMessage fingerprint, MessageParser<TReply> parser,
        Func<TReply, TReply> markReplayed, Func<Task<TReply>> run, ServerCallContext? call)
        where TReply : IMessage<TReply>
    {
        if (string.IsNullOrWhiteSpace(operationId))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "operation_id is required"));
        var hash = Hash(method, fingerprint);

        while (true)
        {
            Task? other = null;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (journal.TryGet(operationId, out var entry))
                    return Replay(entry, hash, parser, markReplayed, call);
                if (_running.TryGetValue(operationId, out var running))
                {
                    EnsureSameRequest(running.Hash, hash);
                    other = running.Done;
                }
                else
                {
                    _running[operationId] = (hash, done.Task);
                }
            }

            if (other is not null)
            {
                // A duplicate of a call still running: wait, then look again (the journal has it now,
                // unless the first failed transiently, in which case this call runs it).
                await other.WaitAsync(call?.CancellationToken ?? CancellationToken.None);
                continue;
            }

            try
            {
                var reply = await run();
                journal.Append(new JournalEntry(operationId, method, hash, time.GetUtcNow(), 0, null, reply.ToByteArray()));
                return reply;
            }
            catch (EngineException failure)
            {
                if (!EngineStatus.IsTransient(failure.Code))
                    journal.Append(new JournalEntry(operationId, method, hash, time.GetUtcNow(),
                        (int)EngineStatus.ToStatusCode(failure.Code), failure.Message, null));
                throw EngineStatus.ToRpcException(failure);
            }
            finally
            {
                lock (_gate)
                    _running.Remove(operationId);
                done.SetResult();
            }
        }
    }

    private static TReply Replay<TReply>(JournalEntry entry, string hash, MessageParser<TReply> parser, Func<TReply, TReply> markReplayed, ServerCallContext? call)
        where TReply : IMessage<TReply>
    {
        EnsureSameRequest(entry.RequestHash, hash);
        if (entry.StatusCode != 0)
            throw new RpcException(new Status((StatusCode)entry.StatusCode, entry.StatusDetail ?? ""), new Metadata { { ReplayedTrailer, "true" } });
        call?.ResponseTrailers.Add(ReplayedTrailer, "true");
        return markReplayed(parser.ParseFrom(entry.Reply ?? []));
    }

    private static void EnsureSameRequest(string storedHash, string hash)
    {
        if (storedHash != hash)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "operation id reused for a different request"));
    }

    private static string Hash(string method, IMessage fingerprint)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(method + "\n"));
        sha.AppendData(fingerprint.ToByteArray());
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
