using System.Net;
using System.Text.RegularExpressions;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>Signs in over plain HTTP the way a browser posts the sign-in form (antiforgery token included).</summary>
public static partial class SignInForm
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string userName, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(page);
        if (!token.Success) throw new InvalidOperationException("The sign-in page has no antiforgery token.");

        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
