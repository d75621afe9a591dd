using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// Signs in over plain HTTP the way a browser posts the sign-in form (antiforgery token included). Once signed in, the
/// client sends the API's antiforgery header on every request, as a cookie-authenticated script must.
/// </summary>
public static partial class SignInForm
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string userName, string password)
    {
        var response = await PostFormAsync(client, userName, password);
        if (response.StatusCode == HttpStatusCode.Redirect) await SendAntiforgeryHeaderAsync(client);
        return response;
    }

    /// <summary>Fetches <c>GET /api/v1/antiforgery</c> for the signed-in client and adds its header to every request.</summary>
    public static async Task SendAntiforgeryHeaderAsync(HttpClient client)
    {
        using var answer = await client.GetAsync("/api/v1/antiforgery");
        if (answer.StatusCode != HttpStatusCode.OK) return;   // not (yet) signed in fully; the caller's test says what it expects
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
        var header = body.GetProperty("headerName").GetString()!;
        client.DefaultRequestHeaders.Remove(header);
        client.DefaultRequestHeaders.Add(header, body.GetProperty("token").GetString());
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string userName, string password)
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

    /// <summary>Whether <paramref name="page"/> is the sign-in page's second step, which asks for the MFA code.</summary>
    public static bool AsksForCode(string page) => TicketField().IsMatch(page);

    /// <summary>Posts the code step of the sign-in page, as a browser would from <paramref name="page"/> (the step it showed).</summary>
    public static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string page, string code)
    {
        var token = AntiforgeryField().Match(page);
        var ticket = TicketField().Match(page);
        if (!token.Success || !ticket.Success) throw new InvalidOperationException("The page is not the sign-in page's code step.");

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login-mfa",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Mfa.Ticket"] = WebUtility.HtmlDecode(ticket.Groups[1].Value),
            ["Mfa.Code"] = code,
        }));
        if (response.StatusCode == HttpStatusCode.Redirect) await SendAntiforgeryHeaderAsync(client);
        return response;
    }

    [GeneratedRegex("name=\"Mfa.Ticket\" value=\"([^\"]+)\"")]
    private static partial Regex TicketField();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
