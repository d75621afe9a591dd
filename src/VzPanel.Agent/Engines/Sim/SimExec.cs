using System.Globalization;
using System.Text;

namespace VzPanel.Agent.Engines.Sim;

/// <summary>A tiny pretend shell: enough commands for panels and tests to see exec working end to end.</summary>
public static class SimExec
{
    public static async Task<ExecResult> RunAsync(SimInstance guest, ExecCommand command, CancellationToken cancellationToken)
    {
        var argv = command.Argv;
        if (argv.Count == 0)
            throw new EngineException(EngineErrorCode.InvalidArgument, "argv is empty");

        return (argv[0], argv.Count) switch
        {
            ("true", _) => Ok(""),
            ("false", _) => new ExecResult(1, [], [], false),
            ("echo", _) => Ok(string.Join(' ', argv.Skip(1)) + "\n"),
            ("hostname", 1) => Ok(guest.Hostname + "\n"),
            ("cat", 1) => new ExecResult(0, command.Stdin ?? [], [], false),
            ("cat", _) => Cat(guest, argv[1]),
            ("free", _) => Ok(Free(guest, argv.Contains("-m"))),
            ("sleep", 2) => await SleepAsync(argv[1], command.Timeout, cancellationToken),
            _ => new ExecResult(127, [], Encoding.UTF8.GetBytes($"{argv[0]}: command not found\n"), false),
        };
    }

    private static ExecResult Ok(string stdout) => new(0, Encoding.UTF8.GetBytes(stdout), [], false);

    private static ExecResult Cat(SimInstance guest, string path) => path switch
    {
        "/etc/hostname" => Ok(guest.Hostname + "\n"),
        _ => new ExecResult(1, [], Encoding.UTF8.GetBytes($"cat: {path}: No such file or directory\n"), false),
    };

    private static string Free(SimInstance guest, bool mebibytes)
    {
        var used = SimAccounting.UsedMib(guest);
        var scale = mebibytes ? 1 : 1024;
        var total = guest.MemoryMib * scale;
        var usedScaled = used * scale;
        var free = total - usedScaled;
        return "               total        used        free      shared  buff/cache   available\n"
            + $"Mem:    {total,12} {usedScaled,11} {free,11} {0,11} {0,11} {free,11}\n"
            + $"Swap:   {0,12} {0,11} {0,11}\n";
    }

    private static async Task<ExecResult> SleepAsync(string seconds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
            return new ExecResult(1, [], Encoding.UTF8.GetBytes($"sleep: invalid time interval '{seconds}'\n"), false);

        var wanted = TimeSpan.FromSeconds(value);
        if (timeout > TimeSpan.Zero && timeout < wanted)
        {
            await Task.Delay(timeout, cancellationToken);
            // 124 is what coreutils `timeout` returns; the guest agent reports the kill the same way.
            return new ExecResult(124, [], [], true);
        }
        await Task.Delay(wanted, cancellationToken);
        return Ok("");
    }
}
