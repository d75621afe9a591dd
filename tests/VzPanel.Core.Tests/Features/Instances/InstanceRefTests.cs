using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Tests.Features.Instances;

public sealed class InstanceRefTests
{
    private static readonly Guid Id = Guid.Parse("8c3f2a10-5b7e-4d21-9a3c-0f1e2d3c4b5a");

    [Theory]
    [InlineData("8c3f2a10-5b7e-4d21-9a3c-0f1e2d3c4b5a")]
    [InlineData("8C3F2A10-5B7E-4D21-9A3C-0F1E2D3C4B5A")]
    [InlineData("{8c3f2a10-5b7e-4d21-9a3c-0f1e2d3c4b5a}")]   // how prlctl prints UUIDs
    [InlineData("8c3f2a105b7e4d219a3c0f1e2d3c4b5a")]
    [InlineData("  8c3f2a10-5b7e-4d21-9a3c-0f1e2d3c4b5a  ")]
    public void Parse_UuidForms_ResolveById(string text) =>
        InstanceRef.Parse(text).ShouldBe(new InstanceRef.ById(Id));

    [Theory]
    [InlineData("101")]                 // a legacy VEID is just a name
    [InlineData("web-01")]
    [InlineData("8c3f2a10")]            // a UUID prefix is a name, never a guess
    [InlineData("8c3f2a10-5b7e-4d21-9a3c-0f1e2d3c4b5")]
    public void Parse_AnythingElse_ResolvesByName(string text) =>
        InstanceRef.Parse(text).ShouldBe(new InstanceRef.ByName(text));

    [Theory]
    [InlineData("101", null)]
    [InlineData("web-01.example_2", null)]
    [InlineData("", "required")]
    [InlineData("-web", "starts with a letter or a digit")]
    [InlineData("web 01", "only letters")]
    [InlineData("web;reboot", "only letters")]
    [InlineData("8c3f2a10-5b7e-4d21-9a3c-0f1e2d3c4b5a", "cannot look like a UUID")]
    public void NameProblem_AppliesTheRules(string name, string? problem)
    {
        var actual = InstanceName.Problem(name);

        if (problem is null) actual.ShouldBeNull();
        else actual.ShouldNotBeNull().ShouldContain(problem);
    }

    [Fact]
    public void NameProblem_TooLong_IsRefused() =>
        InstanceName.Problem(new string('a', InstanceName.MaxLength + 1)).ShouldNotBeNull().ShouldContain("at most");
}
