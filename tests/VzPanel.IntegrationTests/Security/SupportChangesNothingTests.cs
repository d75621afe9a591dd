using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Nodes;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Security;

/// <summary>
/// Support is read-only everywhere: every unsafe route the panel's own OpenAPI document lists is called as a support
/// user (antiforgery header included, so only the role decides) and answers 403, and no table changes.
/// </summary>
public sealed partial class SupportChangesNothingTests(HardeningFixture fixture, ITestOutputHelper output) : IClassFixture<HardeningFixture>
{
    private static readonly string[] UnsafeMethods = ["post", "put", "patch", "delete"];

    /// <summary>Unsafe by verb but reading only, so support may call them (a migration dry run changes nothing).</summary>
    private static readonly HashSet<string> ReadOnlyRoutes =
        ["POST /api/v1/instances/{reference}/migrations/dry-run", "POST /api/v1/instances/quote", "POST /api/v1/instances/{reference}/quote"];

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryUnsafeApiRoute_AsSupport_Is403_AndTheDatabaseIsUnchanged()
    {
        var node = await fixture.Database.NodeAsync("support-node", state: NodeState.Offline);   // offline already: no job changes it meanwhile
        var instance = await fixture.Database.InstanceAsync(await fixture.Database.TenantAsync(), node, "support-ct");
        await fixture.Database.CreateUserAsync("support-ro", PanelRole.Support);
        using var support = await fixture.SignedInFromAsync("192.0.2.41", "support-ro", TestUsers.Password);
        var routes = await UnsafeRoutesAsync(support);
        routes.Count.ShouldBeGreaterThan(10);   // the document lists the API, not an empty set
        var before = await SnapshotAsync();

        var answers = new List<string>();
        foreach (var (method, template) in routes)
        {
            var path = Parameter().Replace(template, m => m.Groups[1].Value is "id" ? node.Id.ToString() : instance.Id.ToString());
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path)
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            var response = await support.SendAsync(request, _ct);
            answers.Add($"{method.ToUpperInvariant()} {template} → {(int)response.StatusCode}");
            if (ReadOnlyRoutes.Contains($"{method.ToUpperInvariant()} {template}")) continue;
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method.ToUpperInvariant()} {path}");
        }

        output.WriteLine(string.Join("\n", answers));
        (await SnapshotAsync()).ShouldBe(before);
    }

    private async Task<List<(string Method, string Template)>> UnsafeRoutesAsync(HttpClient client)
    {
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", _ct);
        return [.. doc.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal))
            // The caller's own account (password, MFA, tokens) is every user's to change, support's too.
            .Where(p => !p.Name.StartsWith("/api/v1/me/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Where(o => UnsafeMethods.Contains(o.Name)).Select(o => (o.Name, p.Name)))];
    }

    /// <summary>
    /// A digest of every row of every table but the audit log (which records the refusals), the hourly usage rollup (its
    /// recurring job writes it on its own schedule, whoever calls) and Hangfire's own.
    /// </summary>
    private async Task<Dictionary<string, string>> SnapshotAsync()
    {
        await using var conn = new NpgsqlConnection(fixture.Database.ConnectionString);
        await conn.OpenAsync(_ct);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' "
            + "AND table_name NOT IN ('audit_events', 'usage_hourly', 'usage_rollup_state')", conn))
        await using (var reader = await list.ExecuteReaderAsync(_ct))
            while (await reader.ReadAsync(_ct)) tables.Add(reader.GetString(0));
        var digest = new Dictionary<string, string>();
        foreach (var table in tables.Order())
        {
            await using var cmd = new NpgsqlCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" t", conn);
            digest[table] = (string)(await cmd.ExecuteScalarAsync(_ct))!;
        }
        return digest;
    }

    [GeneratedRegex(@"\{([^}:]+)(:[^}]*)?\}")]
    private static partial Regex Parameter();
}
