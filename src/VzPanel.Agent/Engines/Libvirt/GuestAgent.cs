using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Engines.Libvirt.Native;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>
/// The QEMU guest agent inside one VM, spoken to through libvirt (virDomainQemuAgentCommand). Every
/// call has a short timeout so a silent agent is reported fast, with a reason a person understands.
/// </summary>
internal sealed class GuestAgent(LibvirtApi api, string uuid, string instanceName)
{
    private const int CommandTimeoutSeconds = 5;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public bool Ping(int timeoutSeconds = 1)
    {
        try
        {
            Call("guest-ping", null, timeoutSeconds);
            return true;
        }
        catch (EngineException)
        {
            return false;
        }
    }

    public JsonNode? Call(string command, JsonObject? arguments, int timeoutSeconds = CommandTimeoutSeconds)
    {
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
            request["arguments"] = arguments;
        try
        {
            var reply = api.AgentCommand(uuid, request.ToJsonString(), timeoutSeconds);
            return JsonNode.Parse(reply)?["return"];
        }
        catch (LibvirtException failure) when (failure.Code is LibvirtErrorCode.AgentUnresponsive or LibvirtErrorCode.AgentUnsynced
                                                   or LibvirtErrorCode.OperationTimeout)
        {
            throw new EngineException(EngineErrorCode.Unavailable,
                $"the guest agent in {instanceName} does not answer (is qemu-guest-agent installed and running in the guest?)");
        }
        catch (LibvirtException failure) when (failure.Code == LibvirtErrorCode.OperationInvalid)
        {
            throw new EngineException(EngineErrorCode.WrongState, $"{instanceName}: {failure.Message}");
        }
    }

    public async Task<ExecResult> ExecAsync(ExecCommand command, CancellationToken cancellationToken)
    {
        var arguments = new JsonObject
        {
            ["path"] = command.Argv[0],
            ["arg"] = new JsonArray(command.Argv.Skip(1).Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
            ["capture-output"] = true,
        };
        if (command.Stdin is { Length: > 0 } stdin)
            arguments["input-data"] = Convert.ToBase64String(stdin);

        int pid;
        try
        {
            pid = Call("guest-exec", arguments)!["pid"]!.GetValue<int>();
        }
        catch (LibvirtException failure) when (failure.Message.Contains("No such file or directory", StringComparison.Ordinal))
        {
            // What a shell would say: the guest has no such program.
            return new ExecResult(127, [], Encoding.UTF8.GetBytes($"{command.Argv[0]}: command not found\n"), false);
        }

        var deadline = DateTimeOffset.UtcNow + command.Timeout;
        while (true)
        {
            var status = Call("guest-exec-status", new JsonObject { ["pid"] = pid })!;
            if (status["exited"]?.GetValue<bool>() == true)
            {
                var exitCode = status["exitcode"]?.GetValue<int>() ?? 128 + (status["signal"]?.GetValue<int>() ?? 0);
                return new ExecResult(exitCode, Decode(status["out-data"]), Decode(status["err-data"]), false);
            }
            if (DateTimeOffset.UtcNow >= deadline)
            {
                Kill(pid);
                return new ExecResult(-1, [], Encoding.UTF8.GetBytes($"timed out after {command.Timeout.TotalSeconds:0.#} s\n"), true);
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>qemu-ga has no kill command; a second exec does it, and the first one is reaped.</summary>
    private void Kill(int pid)
    {
        try
        {
            var killer = Call("guest-exec", new JsonObject { ["path"] = "kill", ["arg"] = new JsonArray("-9", pid.ToString(CultureInfo.InvariantCulture)) });
            Call("guest-exec-status", new JsonObject { ["pid"] = killer!["pid"]!.GetValue<int>() });
        }
        catch (Exception failure) when (failure is EngineException or LibvirtException)
        {
            // The command may have ended meanwhile; the timeout is reported either way.
        }
    }

    public void SetPassword(string user, string password) =>
        Call("guest-set-user-password", new JsonObject
        {
            ["username"] = user,
            // Always base64, also for a plain-text password (crypted=false): the agent hands it to chpasswd.
            ["password"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(password)),
            ["crypted"] = false,
        });

    public string ReadFile(string path)
    {
        var handle = Call("guest-file-open", new JsonObject { ["path"] = path, ["mode"] = "r" })!.GetValue<long>();
        try
        {
            var content = new List<byte>();
            while (true)
            {
                var chunk = Call("guest-file-read", new JsonObject { ["handle"] = handle, ["count"] = 65536 })!;
                content.AddRange(Decode(chunk["buf-b64"]));
                if (chunk["eof"]?.GetValue<bool>() != false)
                    break;
            }
            return Encoding.UTF8.GetString(content.ToArray());
        }
        finally
        {
            Call("guest-file-close", new JsonObject { ["handle"] = handle });
        }
    }

    public void WriteFile(string path, string content)
    {
        var handle = Call("guest-file-open", new JsonObject { ["path"] = path, ["mode"] = "w" })!.GetValue<long>();
        try
        {
            Call("guest-file-write", new JsonObject { ["handle"] = handle, ["buf-b64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(content)) });
        }
        finally
        {
            Call("guest-file-close", new JsonObject { ["handle"] = handle });
        }
    }

    /// <summary>/proc/meminfo in MiB: what the guest's kernel manages and what it could hand back.</summary>
    public (long TotalMib, long AvailableMib) MemInfo() => HostFacts.ParseMeminfo(ReadFile("/proc/meminfo").Split('\n'));

    public JsonObject OsInfo() => Call("guest-get-osinfo", null) as JsonObject ?? [];

    public JsonArray Interfaces() => Call("guest-network-get-interfaces", null) as JsonArray ?? [];

    private static byte[] Decode(JsonNode? base64) =>
        base64 is null ? [] : Convert.FromBase64String(base64.GetValue<string>());
}
