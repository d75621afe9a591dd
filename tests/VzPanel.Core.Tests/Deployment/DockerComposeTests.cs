using YamlDotNet.RepresentationModel;

namespace VzPanel.Core.Tests.Deployment;

/// <summary>docker-compose.yml is read by no other test (no Docker here), so at least it must parse and say what the README says.</summary>
public sealed class DockerComposeTests
{
    [Fact]
    public void Compose_Parses_AndRunsPostgresAndThePanelWithItsThreeSimAgents()
    {
        var root = Repository();
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(root, "docker-compose.yml")))
            yaml.Load(reader);

        var compose = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var services = (YamlMappingNode)compose["services"];
        services.Children.Keys.Select(k => k.ToString()).ShouldBe(["postgres", "panel"]);
        var panel = (YamlMappingNode)services["panel"];
        var environment = (YamlMappingNode)panel["environment"];
        environment["Panel__LocalAgents__Count"].ToString().ShouldBe("3");
        environment["Panel__LocalAgents__AgentPath"].ToString().ShouldBe("/app/agent/vzpanel-agent.dll");   // the agent's assembly name
        environment["ConnectionStrings__Panel"].ToString().ShouldStartWith("Host=postgres;");
        File.Exists(Path.Combine(root, ((YamlMappingNode)panel["build"])["dockerfile"].ToString())).ShouldBeTrue();
        ((YamlMappingNode)compose["volumes"]).Children.Keys.Select(k => k.ToString()).ShouldBe(["pgdata", "panel-data"]);
    }

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VzPanel.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no VzPanel.sln above {AppContext.BaseDirectory}");
    }
}
