using System.Text;

namespace VzPanel.Agent.Migration;

/// <summary>
/// The migration channel's few text lines: "VZMIG1 instance ticket" from the source, "GO", then after the payload
/// "OK bytes" or "ERR reason" from the target.
/// </summary>
public static class ChannelLines
{
    public const string Hello = "VZMIG1";
    private const int MaxLine = 1024;

    public static async Task WriteAsync(Stream stream, string line, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line.ReplaceLineEndings(" ") + "\n"), ct);
        await stream.FlushAsync(ct);
    }

    public static async Task<string> ReadAsync(Stream stream, CancellationToken ct)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, ct) == 0) throw new EndOfStreamException("the other node closed the migration channel");
            if (one[0] == (byte)'\n') return Encoding.UTF8.GetString(bytes.ToArray());
            if (bytes.Count == MaxLine) throw new InvalidDataException("a line on the migration channel is too long");
            bytes.Add(one[0]);
        }
    }
}
