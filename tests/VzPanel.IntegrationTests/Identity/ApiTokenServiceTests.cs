using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Tokens;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Identity;

/// <summary>Personal API tokens on a real database: only a hash stored, and every unusable token refused alike.</summary>
public sealed class ApiTokenServiceTests(PostgresServer server) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;
    private ApiTokenService _tokens = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        _tokens = new ApiTokenService(_db.Factory(), new AuditLog(_db.Factory(), new CurrentAccess(AccessScope.System), _clock), _clock);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Create_ShowsTheTokenOnce_AndStoresOnlyThePrefixAndTheSecretsHash()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await _db.CreateUserAsync("token-hash", PanelRole.Customer);

        var created = (await _tokens.CreateAsync(user.Id, "backup", "write", null, ct)).Value!;

        created.Token.ShouldMatch("^vzp_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$");
        var secret = created.Token[13..];
        await using var db = _db.CreateContext();
        var row = await db.ApiTokens.SingleAsync(t => t.Id == created.Id, ct);
        row.Prefix.ShouldBe(created.Token[4..12]);
        row.SecretHash.ShouldBe(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        row.ExpiresAt.ShouldBe(_clock.GetUtcNow().AddDays(90));
        row.Scope.ShouldBe(ApiTokenScope.Write);
        // Nothing in the row or the audit log contains the secret.
        (await db.AuditEvents.Where(a => a.TargetId == created.Id.ToString()).Select(a => a.Summary).SingleAsync(ct)).ShouldNotContain(secret);
        (await _tokens.ListAsync(user.Id, ct)).ShouldHaveSingleItem().Name.ShouldBe("backup");
    }

    [Theory]
    [InlineData("", "read", 30, "name")]
    [InlineData("x", "admin", 30, "scope")]
    [InlineData("x", null, 30, "scope")]
    [InlineData("x", "read", 0, "expiresInDays")]
    [InlineData("x", "read", 366, "expiresInDays")]
    public async Task Create_WithBadInput_SaysWhichField(string name, string? scope, int days, string field)
    {
        var user = await _db.CreateUserAsync($"token-bad-{Guid.NewGuid():N}"[..20], PanelRole.Customer);

        var result = await _tokens.CreateAsync(user.Id, name, scope, days, TestContext.Current.CancellationToken);

        result.Error!.Fields!.Keys.ShouldBe([field]);
    }

    [Fact]
    public async Task Authenticate_AValidToken_NamesItsUserAndScope_AndRecordsTheFirstUseOfTheDayOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await _db.CreateUserAsync("token-use", PanelRole.Support);
        var created = (await _tokens.CreateAsync(user.Id, "reader", "read", 7, ct)).Value!;

        var first = await _tokens.AuthenticateAsync(created.Token, ct);
        var second = await _tokens.AuthenticateAsync(created.Token, ct);
        _clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await _tokens.AuthenticateAsync(created.Token, ct);

        first.ShouldNotBeNull();
        first.UserId.ShouldBe(user.Id);
        first.Scope.ShouldBe(ApiTokenScope.Read);
        (first.FirstUseToday, second!.FirstUseToday, nextDay!.FirstUseToday).ShouldBe((true, false, true));
        (await _tokens.ListAsync(user.Id, ct)).Single().LastUsedAt.ShouldBe(_clock.GetUtcNow());
    }

    [Fact]
    public async Task Authenticate_RevokedExpiredWrongOrMalformedTokens_AreAllRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await _db.CreateUserAsync("token-refused", PanelRole.Customer);
        var revoked = (await _tokens.CreateAsync(user.Id, "revoked", "write", 30, ct)).Value!;
        var expiring = (await _tokens.CreateAsync(user.Id, "expiring", "write", 1, ct)).Value!;
        var good = (await _tokens.CreateAsync(user.Id, "good", "write", 30, ct)).Value!;
        (await _tokens.RevokeAsync(user.Id, revoked.Id, ct)).IsSuccess.ShouldBeTrue();
        _clock.Advance(TimeSpan.FromDays(1));

        (await _tokens.AuthenticateAsync(revoked.Token, ct)).ShouldBeNull();
        (await _tokens.AuthenticateAsync(expiring.Token, ct)).ShouldBeNull();
        (await _tokens.AuthenticateAsync(good.Token[..^1] + (good.Token[^1] == 'A' ? 'B' : 'A'), ct)).ShouldBeNull();
        (await _tokens.AuthenticateAsync("vzp_nonsense", ct)).ShouldBeNull();
        (await _tokens.AuthenticateAsync(good.Token, ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Revoke_AnotherUsersToken_IsNotFound_AndLeavesItWorking()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = await _db.CreateUserAsync("token-owner", PanelRole.Customer);
        var other = await _db.CreateUserAsync("token-other", PanelRole.Customer);
        var created = (await _tokens.CreateAsync(owner.Id, "mine", "write", 30, ct)).Value!;

        (await _tokens.RevokeAsync(other.Id, created.Id, ct)).Error!.Code.ShouldBe("not_found");

        (await _tokens.AuthenticateAsync(created.Token, ct)).ShouldNotBeNull();
        (await _tokens.ListAsync(other.Id, ct)).ShouldBeEmpty();
    }
}
