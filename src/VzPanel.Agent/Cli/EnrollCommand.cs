using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using VzPanel.Agent.Enrollment;
using VzPanel.Agent.Grpc;
using VzPanel.Agent.Hosting;
using VzPanel.Agent.Security;
using VzPanel.Shared;

namespace VzPanel.Agent.Cli;

/// <summary>`vzpanel-agent enroll`: join a panel with a one-time token and store the node's credentials.</summary>
public static class EnrollCommand
{
    public static Command Create(CommonOptions common, TextWriter output, TextWriter error)
    {
        var panel = new Option<string>("--panel") { Description = "Panel agent endpoint, https://HOST:PORT", Required = true };
        var token = new Option<string>("--token") { Description = "Join token vzp1.<id>.<secret>.<ca-sha256> from the panel", Required = true };
        var command = new Command("enroll", "Enroll this node with a panel") { panel, token };
        common.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var options = common.ToAgentOptions(parsed);
            if (AgentCommandLine.Invalid(options, error))
                return ExitCodes.Usage;
            JoinTokenText joinToken;
            try
            {
                joinToken = JoinTokenText.Parse(parsed.GetValue(token));
            }
            catch (FormatException malformed)
            {
                await error.WriteLineAsync($"vzpanel-agent: {malformed.Message}");
                return ExitCodes.Usage;
            }
            var panelUrl = parsed.GetValue(panel) ?? "";
            if (!Uri.TryCreate(panelUrl, UriKind.Absolute, out var panelUri) || panelUri.Scheme != Uri.UriSchemeHttps)
            {
                await error.WriteLineAsync($"vzpanel-agent: --panel '{panelUrl}' is not an https:// URL");
                return ExitCodes.Usage;
            }

            try
            {
                var engine = EngineFactory.Create(options, NullLoggerFactory.Instance);
                var node = (await engine.GetNodeInfoAsync(cancellationToken)).ToProto();
                (engine as IDisposable)?.Dispose();
                var advertise = options.Advertise ?? $"127.0.0.1:{options.ListenEndPoint.Port}";
                var enroller = new Enroller(new CredentialStore(options.DataDirectory), NullLogger<Enroller>.Instance);
                var identity = await enroller.EnrollAsync(panelUrl, joinToken, advertise, node, cancellationToken);
                await output.WriteLineAsync($"vzpanel-agent: enrolled as node {identity.NodeName} ({identity.NodeId}); start it with `vzpanel-agent run --data-dir {options.DataDirectory}`");
                return ExitCodes.Ok;
            }
            catch (EnrollmentException failure)
            {
                await error.WriteLineAsync($"vzpanel-agent: {failure.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
