using Microsoft.AspNetCore.Identity;

namespace VzPanel.Web.Security;

/// <summary>Identity's password rules in words, as configured (Identity:Password:…), for the forms that ask for one.</summary>
public static class PasswordRulesText
{
    public static string Describe(PasswordOptions p)
    {
        var needs = new List<string>();
        if (p.RequireUppercase) needs.Add("an upper-case letter");
        if (p.RequireLowercase) needs.Add("a lower-case letter");
        if (p.RequireDigit) needs.Add("a digit");
        if (p.RequireNonAlphanumeric) needs.Add("a symbol such as - or !");
        return $"At least {p.RequiredLength} characters" + (needs.Count > 0 ? ", with " + string.Join(", ", needs) : "") + ".";
    }
}
