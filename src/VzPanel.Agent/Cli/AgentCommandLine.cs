using System.CommandLine;
using VzPanel.Agent.Hosting;

namespace VzPanel.Agent.Cli;

/// <summary>The `vzpanel-agent` command line. Exit codes: 0 ok, 1 runtime failure, 2 bad usage.</summary>
public static class AgentCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var common = new CommonOptions();
        var root = new RootCommand("vzpanel-agent: the VzPanel node agent")
        {
            EnrollCommand.Create(common, output, error),
            RunCommand.Create(common, output, error),
            TemplateCommand.Create(output, error),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
                await error.WriteLineAsync($"vzpanel-agent: {parseError.Message}");
            await error.WriteLineAsync("Try `vzpanel-agent --help`.");
            return ExitCodes.Usage;
        }
        // The host owns SIGTERM/SIGINT handling in `run`; the parser must not race it.
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
    }

    /// <summary>Writes every validation failure and says whether there was one.</summary>
    public static bool Invalid(AgentOptions options, TextWriter error)
    {
        var result = new AgentOptionsValidator().Validate(null, options);
        foreach (var failure in result.Failures ?? [])
            error.WriteLine($"vzpanel-agent: {failure}");
        return result.Failed;
    }
}
