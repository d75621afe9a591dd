using System.Security.Claims;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;

namespace VzPanel.Web.Security;

/// <summary>Settings under "Identity" beyond ASP.NET Core's own IdentityOptions.</summary>
public sealed class StaffMfaOptions
{
    public const string Section = "Identity";

    /// <summary>Admins and support staff must set up two-factor sign-in before they can do anything else. On by default.</summary>
    public bool RequireStaffMfa { get; set; } = true;
}

/// <summary>
/// While <see cref="StaffMfaOptions.RequireStaffMfa"/> is on, a staff account without MFA reaches only its MFA setup:
/// pages redirect to <see cref="SetupPath"/>, the API answers 403 <c>mfa_required</c> (except the caller's own MFA routes
/// and <c>/api/v1/me</c>). Checked against the database on each request, so turning MFA on takes effect at once.
/// </summary>
public static class StaffMfaGate
{
    public const string SetupPath = "/account/mfa";
    public const string MfaRequired = "mfa_required";

    public static void AddStaffMfaGate(this IServiceCollection services) =>
        services.AddOptions<StaffMfaOptions>().BindConfiguration(StaffMfaOptions.Section).ValidateOnStart();

    public static IApplicationBuilder UseStaffMfaGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!context.RequestServices.GetRequiredService<IOptions<StaffMfaOptions>>().Value.RequireStaffMfa
            || IsAlwaysAllowed(context.Request.Path)
            || !await NeedsSetupAsync(context.RequestServices, context.User, context.RequestAborted))
        {
            await next(context);
            return;
        }

        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs"))
        {
            await context.RequestServices.GetRequiredService<DeniedAttemptAudit>().RecordAsync(context, "auth.denied",
                $"Refused {context.Request.Method} {path}: staff accounts must set up two-factor sign-in first.", CancellationToken.None);
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Two-factor sign-in required",
                detail: $"Staff accounts must set up two-factor sign-in first: POST /api/v1/me/mfa/totp, or the page {SetupPath}.",
                extensions: new Dictionary<string, object?> { ["code"] = MfaRequired }).ExecuteAsync(context);
            return;
        }
        if (IsPage(context))
        {
            context.Response.Redirect(SetupPath);
            return;
        }
        await next(context);
    });

    /// <summary>For a Blazor circuit, which navigates without new requests: whether this user must go to the setup first.</summary>
    public static async Task<bool> NeedsSetupAsync(IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.Identity?.IsAuthenticated != true
            || !(user.IsInRole(nameof(PanelRole.Admin)) || user.IsInRole(nameof(PanelRole.Support)))
            || !services.GetRequiredService<IOptions<StaffMfaOptions>>().Value.RequireStaffMfa)
            return false;
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id)) return false;
        await using var db = await services.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync(ct);
        return !await db.Users.AnyAsync(u => u.Id == id && u.MfaEnabledAt != null, ct);
    }

    /// <summary>What a staff member without MFA still reaches: signing in and out, the MFA setup, who they are, assets.</summary>
    public static bool IsAlwaysAllowed(PathString path) =>
        path.StartsWithSegments(SignInCookie.LoginPath) || path.StartsWithSegments("/account/logout")
        || path.StartsWithSegments("/account/access-denied") || path.StartsWithSegments(SetupPath)
        || path.StartsWithSegments("/api/v1/me/mfa") || path.Equals("/api/v1/me") || path.Equals(ApiAntiforgery.TokenPath)
        || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
        || path.StartsWithSegments("/health");

    private static bool IsPage(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
        || context.Request.Path.StartsWithSegments("/hangfire");
}
