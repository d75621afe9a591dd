using System.Buffers.Binary;

namespace VzPanel.Agent.Migration;

/// <summary>
/// Frames a payload on the migration channel as length-prefixed chunks ending with an empty one, so the target
/// knows where it ends and can still answer on the same TLS stream.
/// </summary>
public sealed class ChunkWriteStream(Stream inner) : Stream
{
    public const int MaxChunk = 1 << 20;
    private readonly byte[] _header = new byte[4];

    public long Written { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var chunk = buffer[..Math.Min(buffer.Length, MaxChunk)];
            BinaryPrimitives.WriteInt32BigEndian(_header, chunk.Length);
            await inner.WriteAsync(_header, cancellationToken);
            await inner.WriteAsync(chunk, cancellationToken);
            Written += chunk.Length;
            buffer = buffer[chunk.Length..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Writes the empty chunk that ends the payload.</summary>
    public async Task EndAsync(CancellationToken cancellationToken)
    {
        BinaryPrimitives.WriteInt32BigEndian(_header, 0);
        await inner.WriteAsync(_header, cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

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

/// <summary>Reads what <see cref="ChunkWriteStream"/> wrote; ends at the empty chunk.</summary>
public sealed class ChunkReadStream(Stream inner) : Stream
{
    private readonly byte[] _header = new byte[4];
    private int _left;
    private bool _ended;

    public long ReadBytes { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_ended || buffer.IsEmpty) return 0;
        if (_left == 0)
        {
            await inner.ReadExactlyAsync(_header, cancellationToken);
            _left = BinaryPrimitives.ReadInt32BigEndian(_header);
            if (_left is < 0 or > ChunkWriteStream.MaxChunk) throw new InvalidDataException($"bad chunk length {_left}");
            if (_left == 0)
            {
                _ended = true;
                return 0;
            }
        }
        var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _left)], cancellationToken);
        if (read == 0) throw new EndOfStreamException("the source closed the channel in the middle of the payload");
        _left -= read;
        ReadBytes += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Reads to the end marker, so the answer that follows can be written.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var sink = new byte[81920];
        while (await ReadAsync(sink, cancellationToken) > 0) { }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
