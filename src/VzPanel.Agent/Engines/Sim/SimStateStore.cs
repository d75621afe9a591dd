using System.Text.Json;
using System.Text.Json.Serialization;

namespace VzPanel.Agent.Engines.Sim;

/// <summary>Loads and saves state.json atomically (temp file + rename), so a crash never leaves half a file.</summary>
public sealed class SimStateStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public string FilePath => Path.Combine(directory, "state.json");

    public SimState Load()
    {
        if (!File.Exists(FilePath))
            return new SimState();
        using var stream = File.OpenRead(FilePath);
        var state = JsonSerializer.Deserialize<SimState>(stream, Json) ?? new SimState();
        SettleInterruptedTransitions(state);
        return state;
    }

    public void Save(SimState state)
    {
        Directory.CreateDirectory(directory);
        var temp = FilePath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, FilePath, overwrite: true);
    }

    // A start or stop cut short by an agent crash: the simulated guest finished what it was doing,
    // the way a real VM keeps running when the agent dies.
    private static void SettleInterruptedTransitions(SimState state)
    {
        foreach (var instance in state.Instances)
        {
            instance.State = instance.State switch
            {
                InstanceState.Starting => InstanceState.Running,
                InstanceState.Stopping => InstanceState.Stopped,
                var settled => settled,
            };
        }
    }
}
