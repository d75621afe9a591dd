using System.Text;
using System.Text.Json;

namespace VzPanel.Agent.Operations;

/// <summary>
/// A durable record of finished operations: append-only JSON lines, fsynced after every write, loaded
/// at start. Entries older than the retention are dropped at start and the file is rewritten.
/// A torn last line (power cut mid-write) is ignored.
/// </summary>
public sealed class OperationJournal : IDisposable
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, JournalEntry> _entries = new(StringComparer.Ordinal);
    private readonly FileStream _file;

    public OperationJournal(string directory, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        FilePath = Path.Combine(directory, "operations.jsonl");
        var cutoff = time.GetUtcNow() - Retention;
        foreach (var entry in ReadEntries(FilePath).Where(e => e.At >= cutoff))
            _entries[entry.OperationId] = entry;
        Compact();
        _file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public string FilePath { get; }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    public bool TryGet(string operationId, out JournalEntry entry)
    {
        lock (_gate)
            return _entries.TryGetValue(operationId, out entry!);
    }

    public void Append(JournalEntry entry)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry) + "\n");
        lock (_gate)
        {
            _file.Write(line);
            _file.Flush(flushToDisk: true);
            _entries[entry.OperationId] = entry;
        }
    }

    public void Dispose() => _file.Dispose();

    private static IEnumerable<JournalEntry> ReadEntries(string path)
    {
        if (!File.Exists(path))
            yield break;
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            JournalEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<JournalEntry>(line);
            }
            catch (JsonException)
            {
                continue;
            }
            if (entry is not null)
                yield return entry;
        }
    }

    private void Compact()
    {
        var temp = FilePath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var entry in _entries.Values.OrderBy(e => e.At))
                stream.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry) + "\n"));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, FilePath, overwrite: true);
    }
}
