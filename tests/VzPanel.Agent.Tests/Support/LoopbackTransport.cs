using System.IO.Pipelines;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Migration;

namespace VzPanel.Agent.Tests.Support;

/// <summary>
/// The agents' migration channel without the network, for engine tests: what the source writes flows through an
/// in-memory pipe into the target engine's <see cref="IComputeEngine.AcceptIncomingAsync"/>, the way the target
/// agent's listener hands it over (and drains it to the end afterwards). With <paramref name="breakAfterBytes"/> the
/// link breaks once that many bytes went through, as a dropped connection would.
/// </summary>
public sealed class LoopbackTransport(IComputeEngine target, string instanceId, long breakAfterBytes = -1) : IMigrationTransport
{
    public async Task<long> SendAsync(Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        using var targetFailed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var accept = Task.Run(async () =>
        {
            var payload = pipe.Reader.AsStream();
            try
            {
                await target.AcceptIncomingAsync(instanceId, payload, cancellationToken);
                await payload.CopyToAsync(Stream.Null, cancellationToken);
            }
            catch
            {
                await targetFailed.CancelAsync();
                throw;
            }
            finally
            {
                await pipe.Reader.CompleteAsync();
            }
        }, CancellationToken.None);

        var channel = new BreakingStream(pipe.Writer.AsStream(), breakAfterBytes);
        try
        {
            await write(channel, targetFailed.Token);
        }
        catch (Exception writing) when (!targetFailed.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            // The source side failed: the target sees the broken stream, and the source's failure is the one to report.
            await pipe.Writer.CompleteAsync(writing);
            try
            {
                await accept;
            }
            catch (Exception)
            {
                // Expected: the target read a broken stream.
            }
            throw;
        }
        catch (Exception)
        {
            // The target refused part-way: its reason is the failure.
            await pipe.Writer.CompleteAsync();
            await accept;
            throw;
        }
        await pipe.Writer.CompleteAsync();
        await accept;
        return channel.Written;
    }

    private sealed class BreakingStream(Stream inner, long breakAfterBytes) : Stream
    {
        public long Written { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (breakAfterBytes >= 0 && Written + buffer.Length > breakAfterBytes)
                throw new IOException($"the link to the target broke after {Written} bytes");
            await inner.WriteAsync(buffer, cancellationToken);
            Written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
