using VzPanel.Agent.Cli;
using VzPanel.Shared;

namespace VzPanel.Agent.Tests.Cli;

public sealed class CommandLineParsingTests
{
    [Theory]
    [InlineData("512M", 512)]
    [InlineData("512m", 512)]
    [InlineData("2G", 2048)]
    [InlineData("1T", 1024 * 1024)]
    [InlineData("1048576K", 1024)]
    [InlineData("768", 768)]
    [InlineData("0", 0)]                // --ct-swap 0, --host-reserve 0: zero is a size on the command line
    public void TryParse_PrlctlSizes_ReturnsMebibytes(string text, long expected)
    {
        MemorySize.TryParse(text, out var size, out _).ShouldBeTrue();

        size.MiB.ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("12Q")]
    [InlineData("-1G")]
    [InlineData("1.5G")]
    [InlineData("1000K")]
    public void TryParse_Nonsense_ReturnsFalse(string text) => MemorySize.TryParse(text, out _, out _).ShouldBeFalse();

    [Fact]
    public void Parse_WellFormedToken_SplitsItsParts()
    {
        var pin = new string('A', 64);

        var token = JoinTokenText.Parse($"vzp1.0f8fad5bd9cb469fa16570867728950e.s3cr-et_x.{pin}");

        token.TokenId.ShouldBe("0f8fad5bd9cb469fa16570867728950e");
        token.Secret.ShouldBe("s3cr-et_x");
        token.CaSha256Hex.ShouldBe(new string('a', 64));
        token.ToString().ShouldNotContain("s3cr-et_x");
    }

    [Theory]
    [InlineData("garbage", "expected 4 dot-separated parts")]
    [InlineData("vzp2.id.secret.0000000000000000000000000000000000000000000000000000000000000000", "unknown version")]
    [InlineData("vzp1..secret.0000000000000000000000000000000000000000000000000000000000000000", "token id")]
    [InlineData("vzp1.id.se cret.0000000000000000000000000000000000000000000000000000000000000000", "secret")]
    [InlineData("vzp1.id.secret.abc", "CA fingerprint")]
    public void Parse_MalformedToken_SaysWhatIsWrong(string text, string expected)
    {
        var failure = Should.Throw<FormatException>(() => JoinTokenText.Parse(text));

        failure.Message.ShouldContain(expected);
        failure.Message.ShouldContain("malformed join token");
    }

    [Fact]
    public async Task RunAsync_UnknownOption_ExitsWithUsageCode()
    {
        var error = new StringWriter();

        var code = await AgentCommandLine.RunAsync(["run", "--no-such-option"], TextWriter.Null, error);

        code.ShouldBe(ExitCodes.Usage);
        error.ToString().ShouldContain("--no-such-option");
    }

    [Fact]
    public async Task RunAsync_Help_ExitsZeroAndListsCommands()
    {
        var output = new StringWriter();

        var code = await AgentCommandLine.RunAsync(["--help"], output, TextWriter.Null);

        code.ShouldBe(ExitCodes.Ok);
        output.ToString().ShouldContain("enroll");
        output.ToString().ShouldContain("run");
    }

    [Fact]
    public async Task RunAsync_WithoutCredentials_SaysToEnrollFirst()
    {
        using var data = new Support.TempDirectory();
        var error = new StringWriter();

        var code = await AgentCommandLine.RunAsync(["run", "--data-dir", data.Path], TextWriter.Null, error);

        code.ShouldBe(ExitCodes.Failure);
        error.ToString().ShouldContain("run `vzpanel-agent enroll` first");
    }

    [Fact]
    public async Task RunAsync_MalformedSize_SaysWhatIsWrong()
    {
        var error = new StringWriter();

        var code = await AgentCommandLine.RunAsync(["run", "--sim-ram", "12Q"], TextWriter.Null, error);

        code.ShouldBe(ExitCodes.Usage);
        error.ToString().ShouldContain("--sim-ram: '12Q' is not a size like 512M, 16G or a number of MiB: unknown unit 'Q'");
    }

    [Fact]
    public async Task RunAsync_ReserveAboveRam_ExitsWithUsageCode()
    {
        var error = new StringWriter();

        var code = await AgentCommandLine.RunAsync(["run", "--sim-ram", "1G", "--sim-reserve", "2G"], TextWriter.Null, error);

        code.ShouldBe(ExitCodes.Usage);
        error.ToString().ShouldContain("--sim-reserve");
    }
}
