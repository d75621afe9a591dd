using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Mfa;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Identity;

/// <summary>TOTP setup, confirmation, sign-in checks and recovery codes on a real database, with a clock the test moves.</summary>
public sealed class MfaServiceTests(PostgresServer server) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;
    private MfaService _mfa = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        var factory = _db.Factory();
        _mfa = new MfaService(factory, new EphemeralDataProtectionProvider(), new PasswordHasher<PanelUser>(),
            Microsoft.Extensions.Options.Options.Create(new IdentityOptions()),
            new AuditLog(factory, new CurrentAccess(AccessScope.System), _clock), _clock);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Setup_StoresTheSecretEncryptedAndGivesAnOtpauthUri()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await _db.CreateUserAsync("mfa-setup", PanelRole.Customer);

        var setup = (await _mfa.StartSetupAsync(user.Id, ct)).Value!;

        setup.OtpauthUri.ShouldBe($"otpauth://totp/VzPanel:mfa-setup?secret={setup.Secret}&issuer=VzPanel");
        Base32Encoding.ToBytes(setup.Secret).Length.ShouldBe(20);
        var stored = await StoredUserAsync(user.Id);
        stored.TotpSecretProtected.ShouldNotBeNull();
        stored.TotpSecretProtected.ShouldNotContain(setup.Secret);
        stored.MfaEnabledAt.ShouldBeNull();   // not on until confirmed
    }

    [Fact]
    public async Task Confirm_WithACurrentCode_TurnsMfaOnAndGivesTenHashedRecoveryCodes()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await _db.CreateUserAsync("mfa-confirm", PanelRole.Support);
        var setup = (await _mfa.StartSetupAsync(user.Id, ct)).Value!;

        var codes = (await _mfa.ConfirmAsync(user.Id, CodeAt(setup.Secret, _clock.GetUtcNow()), ct)).Value!;

        codes.Count.ShouldBe(10);
        codes.Distinct().Count().ShouldBe(10);
        codes.ShouldAllBe(c => System.Text.RegularExpressions.Regex.IsMatch(c, "^[a-z2-9]{5}-[a-z2-9]{5}$"));
        (await StoredUserAsync(user.Id)).MfaEnabledAt.ShouldBe(_clock.GetUtcNow());
        await using var db = _db.CreateContext();
        var rows = await db.RecoveryCodes.Where(c => c.UserId == user.Id).ToListAsync(ct);
        rows.Count.ShouldBe(10);
        rows.ShouldAllBe(r => r.CodeHash.Length == 32 && r.UsedAt == null);
        (await db.AuditEvents.CountAsync(a => a.ActorId == user.Id && a.Action == "mfa.enabled", ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Confirm_WithAWrongCode_IsRefusedAndLeavesMfaOff()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await _db.CreateUserAsync("mfa-wrong", PanelRole.Customer);
        var setup = (await _mfa.StartSetupAsync(user.Id, ct)).Value!;
        var right = CodeAt(setup.Secret, _clock.GetUtcNow());
        var wrong = right == "123456" ? "654321" : "123456";

        var result = await _mfa.ConfirmAsync(user.Id, wrong, ct);

        result.Error!.Code.ShouldBe("mfa_code_invalid");
        (await StoredUserAsync(user.Id)).MfaEnabledAt.ShouldBeNull();
        (await _mfa.ConfirmAsync(user.Id, CodeAt(setup.Secret, _clock.GetUtcNow().AddMinutes(-5)), ct)).Error!.Code.ShouldBe("mfa_code_invalid");
    }

    [Fact]
    public async Task SignIn_TheSameTimeStepTwice_IsRefusedTheSecondTime()
    {
        var ct = TestContext.Current.CancellationToken;
        var (user, secret, _) = await EnabledUserAsync("mfa-replay");
        _clock.Advance(TimeSpan.FromSeconds(30));
        var code = CodeAt(secret, _clock.GetUtcNow());

        (await _mfa.VerifySignInAsync(user.Id, code, ct)).ShouldBe(MfaCheck.Totp);
        (await _mfa.VerifySignInAsync(user.Id, code, ct)).ShouldBe(MfaCheck.Invalid);

        // The previous step's code is within the ±1 window, but older than the one accepted: refused as well.
        (await _mfa.VerifySignInAsync(user.Id, CodeAt(secret, _clock.GetUtcNow().AddSeconds(-30)), ct)).ShouldBe(MfaCheck.Invalid);
        _clock.Advance(TimeSpan.FromSeconds(30));
        (await _mfa.VerifySignInAsync(user.Id, CodeAt(secret, _clock.GetUtcNow()), ct)).ShouldBe(MfaCheck.Totp);
    }

    [Fact]
    public async Task SignIn_ACodeOneStepOld_IsAcceptedForClockDrift_ButTwoStepsOldIsNot()
    {
        var ct = TestContext.Current.CancellationToken;
        var (user, secret, _) = await EnabledUserAsync("mfa-drift");
        _clock.Advance(TimeSpan.FromMinutes(5));

        (await _mfa.VerifySignInAsync(user.Id, CodeAt(secret, _clock.GetUtcNow().AddSeconds(-60)), ct)).ShouldBe(MfaCheck.Invalid);
        (await _mfa.VerifySignInAsync(user.Id, CodeAt(secret, _clock.GetUtcNow().AddSeconds(-30)), ct)).ShouldBe(MfaCheck.Totp);
    }

    [Fact]
    public async Task SignIn_ARecoveryCode_WorksExactlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var (user, _, codes) = await EnabledUserAsync("mfa-recovery");

        (await _mfa.VerifySignInAsync(user.Id, codes[3].ToUpperInvariant(), ct)).ShouldBe(MfaCheck.RecoveryCode);
        (await _mfa.VerifySignInAsync(user.Id, codes[3], ct)).ShouldBe(MfaCheck.Invalid);
        (await _mfa.VerifySignInAsync(user.Id, codes[4], ct)).ShouldBe(MfaCheck.RecoveryCode);
        (await _mfa.GetStatusAsync(user.Id, ct)).RecoveryCodesLeft.ShouldBe(8);
    }

    [Fact]
    public async Task SignIn_WrongCodes_CountTowardsTheLockoutAndAreAudited()
    {
        var ct = TestContext.Current.CancellationToken;
        var (user, _, _) = await EnabledUserAsync("mfa-lockout");

        for (var i = 0; i < 4; i++) (await _mfa.VerifySignInAsync(user.Id, "000000", ct)).ShouldBe(MfaCheck.Invalid);
        (await _mfa.VerifySignInAsync(user.Id, "000000", ct)).ShouldBe(MfaCheck.LockedOut);

        (await StoredUserAsync(user.Id)).LockoutEnd.ShouldBe(_clock.GetUtcNow().AddMinutes(5));
        await using var db = _db.CreateContext();
        (await db.AuditEvents.CountAsync(a => a.ActorId == user.Id && a.Action == "auth.mfa-failed", ct)).ShouldBe(5);
    }

    [Fact]
    public async Task Disable_NeedsACodeOrThePassword_ThenClearsEverything()
    {
        var ct = TestContext.Current.CancellationToken;
        var (user, _, codes) = await EnabledUserAsync("mfa-disable");

        (await _mfa.DisableAsync(user.Id, "000000", "not-the-password", ct)).Error!.Code.ShouldBe("mfa_code_invalid");
        (await StoredUserAsync(user.Id)).MfaEnabledAt.ShouldNotBeNull();

        (await _mfa.DisableAsync(user.Id, null, TestUsers.Password, ct)).IsSuccess.ShouldBeTrue();

        var stored = await StoredUserAsync(user.Id);
        stored.MfaEnabledAt.ShouldBeNull();
        stored.TotpSecretProtected.ShouldBeNull();
        (await _mfa.VerifySignInAsync(user.Id, codes[0], ct)).ShouldBe(MfaCheck.Invalid);
        await using var db = _db.CreateContext();
        (await db.RecoveryCodes.CountAsync(c => c.UserId == user.Id, ct)).ShouldBe(0);
    }

    private async Task<(PanelUser User, string Secret, IReadOnlyList<string> Codes)> EnabledUserAsync(string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await _db.CreateUserAsync(name, PanelRole.Admin);
        var setup = (await _mfa.StartSetupAsync(user.Id, ct)).Value!;
        var codes = (await _mfa.ConfirmAsync(user.Id, CodeAt(setup.Secret, _clock.GetUtcNow()), ct)).Value!;
        return (user, setup.Secret, codes);
    }

    private async Task<PanelUser> StoredUserAsync(Guid id)
    {
        await using var db = _db.CreateContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id, TestContext.Current.CancellationToken);
    }

    private static string CodeAt(string secret, DateTimeOffset at) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(at.UtcDateTime);
}
