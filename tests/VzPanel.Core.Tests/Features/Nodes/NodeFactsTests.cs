using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Enrollment;

namespace VzPanel.Core.Tests.Features.Nodes;

public sealed class NodeFactsTests
{
    private static ReportedNode Report(IReadOnlyDictionary<string, string>? versions = null, IReadOnlyList<ReportedTemplate>? templates = null) =>
        new(EngineKind.Libvirt, 8, 16384, 1024, 12000, "1.2.0")
        {
            Versions = versions ?? new Dictionary<string, string> { ["qemu"] = "7.2.0", ["libvirt"] = "9.0.0" },
            Capabilities = ["guest-agent", NodeCapabilities.TemplateCache], Accelerator = "kvm",
            Templates = templates ?? [new("debian-12-cloud", InstanceKind.Vm, "20261101", "Debian 12", "linux")],
        };

    [Fact]
    public void Apply_FirstReport_StoresEveryFactAndSaysTheTemplatesChanged()
    {
        var node = new Node { Name = "kvm-1", ManagementAddress = "x" };

        var templatesChanged = NodeFacts.Apply(node, Report());

        templatesChanged.ShouldBeTrue();
        node.Versions.ShouldBe(new Dictionary<string, string> { ["libvirt"] = "9.0.0", ["qemu"] = "7.2.0" });
        node.Capabilities.ShouldBe(["guest-agent", "template-cache"]);
        node.Accelerator.ShouldBe("kvm");
        node.Templates.ShouldBe([new NodeTemplate("debian-12-cloud", InstanceKind.Vm, "20261101")]);
        node.HasTemplateCache.ShouldBeTrue();
    }

    [Fact]
    public void Apply_SameReportInAnotherOrder_AssignsNothing()
    {
        var node = new Node { Name = "kvm-1", ManagementAddress = "x" };
        NodeFacts.Apply(node, Report());
        var (versions, capabilities, templates) = (node.Versions, node.Capabilities, node.Templates);

        var changed = NodeFacts.Apply(node, Report(new Dictionary<string, string> { ["libvirt"] = "9.0.0", ["qemu"] = "7.2.0" }));

        changed.ShouldBeFalse();
        node.Versions.ShouldBeSameAs(versions);   // untouched, so EF writes none of these columns
        node.Capabilities.ShouldBeSameAs(capabilities);
        node.Templates.ShouldBeSameAs(templates);
    }

    [Fact]
    public void Apply_TemplatesThatCannotBeStored_AreLeftOut()
    {
        var node = new Node { Name = "kvm-1", ManagementAddress = "x" };

        NodeFacts.Apply(node, Report(templates:
        [
            new("", InstanceKind.Vm, "1"), new(new string('x', 101), InstanceKind.Vm, "1"), new("ok", InstanceKind.Ct, "1"), new("ok", InstanceKind.Ct, "1"),
        ]));

        node.Templates.ShouldBe([new NodeTemplate("ok", InstanceKind.Ct, "1")]);
    }
}
