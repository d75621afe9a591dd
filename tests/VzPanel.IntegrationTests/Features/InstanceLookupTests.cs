using VzPanel.Core.Features.Instances;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Features;

public sealed class InstanceLookupTests(PostgresServer server) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Instance _veid = null!, _web = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        var tenant = await _db.TenantAsync();
        var node = await _db.NodeAsync();
        _veid = await _db.InstanceAsync(tenant, node, "101");
        _web = await _db.InstanceAsync(tenant, node, "Web-01");
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Theory]
    [InlineData("101", true)]
    [InlineData("Web-01", false)]
    [InlineData("web-01", false)]       // names are unique regardless of case, so lookups ignore it too
    [InlineData(" WEB-01 ", false)]
    public async Task Resolve_ByName_FindsTheInstance(string text, bool isVeid)
    {
        var result = await new InstanceLookup(_db.Factory()).ResolveAsync(text, TestContext.Current.CancellationToken);

        result.Value.ShouldBe(isVeid ? _veid.Id : _web.Id);
    }

    [Fact]
    public async Task Resolve_ByUuidInPrlctlBraces_FindsTheInstance()
    {
        var result = await new InstanceLookup(_db.Factory()).ResolveAsync($"{{{_web.Id.ToString().ToUpperInvariant()}}}", TestContext.Current.CancellationToken);

        result.Value.ShouldBe(_web.Id);
    }

    [Theory]
    [InlineData("102")]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    public async Task Resolve_Unknown_SaysWhatWasNotFound(string text)
    {
        var result = await new InstanceLookup(_db.Factory()).ResolveAsync(text, TestContext.Current.CancellationToken);

        result.Error!.Code.ShouldBe("not_found");
        result.Error.Message.ShouldBe($"Instance '{text}' was not found.");
    }

    [Fact]
    public async Task Resolve_Empty_IsAValidationError() =>
        (await new InstanceLookup(_db.Factory()).ResolveAsync(" ", TestContext.Current.CancellationToken)).Error!.Code.ShouldBe("validation");
}
