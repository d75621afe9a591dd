using System.Globalization;
using VzPanel.Agent.Contracts;

namespace VzPanel.IntegrationTests.Vms;

/// <summary>What a guest's own /proc/meminfo says, in MiB.</summary>
public sealed record GuestMemory(long TotalMiB, long AvailableMiB)
{
    public long UsedMiB => TotalMiB - AvailableMiB;

    /// <summary>Runs <c>cat /proc/meminfo</c> in the guest through the node agent (guest agent exec).</summary>
    public static async Task<GuestMemory> ReadAsync(NodeAgent.NodeAgentClient agent, Guid instanceId)
    {
        var reply = await ExecAsync(agent, instanceId, "cat", "/proc/meminfo");
        var fields = reply.Stdout.ToStringUtf8().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 2)
            .ToDictionary(p => p[0].TrimEnd(':'), p => long.Parse(p[1], CultureInfo.InvariantCulture) / 1024);
        return new GuestMemory(fields["MemTotal"], fields["MemAvailable"]);
    }

    /// <summary>One command in the guest (an argument list); asserts it exited 0.</summary>
    public static async Task<ExecReply> ExecAsync(NodeAgent.NodeAgentClient agent, Guid instanceId, params string[] argv)
    {
        var request = new ExecRequest { InstanceId = instanceId.ToString(), TimeoutSeconds = 30 };
        request.Argv.Add(argv);
        var reply = await agent.ExecAsync(request, deadline: DateTime.UtcNow.AddSeconds(60));
        reply.ExitCode.ShouldBe(0, $"{string.Join(' ', argv)}: {reply.Stderr.ToStringUtf8()}");
        return reply;
    }

    public override string ToString() => $"MemTotal {TotalMiB} MiB, MemAvailable {AvailableMiB} MiB";
}
