using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Shared;

namespace VzPanel.Core.Tests.Features.Nodes;

public sealed class JoinTokenSecretTests
{
    private static readonly string Pin = new('c', 64);

    [Fact]
    public void Issue_ThenParse_GivesTheSameToken()
    {
        var tokenId = Guid.NewGuid();
        var issued = JoinTokenSecret.Issue(tokenId, Pin);

        var parsed = JoinTokenText.Parse(issued.Reveal());

        parsed.ShouldBe(issued);
        parsed.TokenId.ShouldBe(tokenId.ToString("N"));
        issued.Reveal().ShouldBe($"vzp1.{tokenId:N}.{issued.Secret}.{Pin}");
    }

    [Fact]
    public void Issue_ToString_HidesTheSecret()
    {
        var issued = JoinTokenSecret.Issue(Guid.NewGuid(), Pin);

        issued.ToString().ShouldNotContain(issued.Secret);
        $"{issued}".ShouldBe($"vzp1.{issued.TokenId}.***.{Pin}");
    }

    [Fact]
    public void Issue_DrawsANewSecretEachTime()
    {
        var tokenId = Guid.NewGuid();

        JoinTokenSecret.Issue(tokenId, Pin).Secret.ShouldNotBe(JoinTokenSecret.Issue(tokenId, Pin).Secret);
    }

    [Fact]
    public void Matches_OnlyTheIssuedSecret()
    {
        var issued = JoinTokenSecret.Issue(Guid.NewGuid(), Pin);
        var stored = JoinTokenSecret.Hash(issued.Secret);

        JoinTokenSecret.Matches(issued.Secret, stored).ShouldBeTrue();
        JoinTokenSecret.Matches(issued.Secret + "x", stored).ShouldBeFalse();
    }
}
