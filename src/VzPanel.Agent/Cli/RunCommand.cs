using System.CommandLine;
using Microsoft.Extensions.Options;
using VzPanel.Agent.Hosting;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Cli;

/// <summary>`vzpanel-agent run`: serve NodeAgent over mutual TLS and send heartbeats until stopped.</summary>
public static class RunCommand
{
    public static Command Create(CommonOptions common, TextWriter output, TextWriter error)
    {
        var heartbeat = new Option<int?>("--heartbeat-seconds") { Description = "Heartbeat interval; overrides node.json and the panel's reply" };
        var command = new Command("run", "Run the agent (needs credentials from `vzpanel-agent enroll`)") { heartbeat };
        common.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var options = common.ToAgentOptions(parsed);
            options.HeartbeatSeconds = parsed.GetValue(heartbeat);
            if (AgentCommandLine.Invalid(options, error))
                return ExitCodes.Usage;

            var store = new CredentialStore(options.DataDirectory);
            if (!store.Exists)
            {
                await error.WriteLineAsync($"vzpanel-agent: no credentials in {store.Directory}; run `vzpanel-agent enroll` first");
                return ExitCodes.Failure;
            }
            try
            {
                using var credentials = store.Load();
                await using var app = AgentHost.Build(options, credentials);
                await app.StartAsync(cancellationToken);
                var endpoint = app.Services.GetRequiredService<AgentEndpoint>();
                // Tests and scripts wait for this exact line; it also reveals the port chosen for --listen IP:0.
                await output.WriteLineAsync($"vzpanel-agent listening on {endpoint.BoundAddress} as node {credentials.Identity.NodeName} ({credentials.Identity.NodeId})");
                await output.FlushAsync(cancellationToken);
                await app.WaitForShutdownAsync(CancellationToken.None);
                return ExitCodes.Ok;
            }
            catch (OptionsValidationException invalid)
            {
                foreach (var failure in invalid.Failures)
                    await error.WriteLineAsync($"vzpanel-agent: {failure}");
                return ExitCodes.Usage;
            }
            catch (Exception failure) when (failure is IOException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
            {
                await error.WriteLineAsync($"vzpanel-agent: {failure.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
