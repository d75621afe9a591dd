using VzPanel.Core.Features.Identity;

namespace VzPanel.Core.Tests.Features.Identity;

public sealed class FirstAdminPasswordTests
{
    [Fact]
    public void GeneratePassword_IsLongMixedAndUnique()
    {
        var passwords = Enumerable.Range(0, 200).Select(_ => FirstAdminBootstrapper.GeneratePassword()).ToList();

        passwords.Distinct().Count().ShouldBe(200);
        passwords.ShouldAllBe(p => p.Length == 23 && p.Count(c => c == '-') == 3);
        passwords.ShouldAllBe(p => p.Any(char.IsUpper) && p.Any(char.IsLower) && p.Any(char.IsDigit));
        passwords.ShouldAllBe(p => !p.Contains('0') && !p.Contains('O') && !p.Contains('l') && !p.Contains('1') && !p.Contains('I'));
    }
}
