using Microsoft.AspNetCore.Identity;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Users;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>Accounts: admins manage them, support reads them, everyone changes their own password under /me.</summary>
internal static class UserApi
{
    public static void MapUserApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users");

        users.MapGet("/", async (IUserQueries queries, CancellationToken ct) => (await queries.ListAsync(ct)).ToUserHttp(TypedResults.Ok))
            .RequireAuthorization(Policies.Staff).WithSummary("Every account, by user name: role, tenant, locked, MFA on or off.");

        users.MapGet("/{id:guid}", async (Guid id, IUserQueries queries, CancellationToken ct) => (await queries.GetAsync(id, ct)).ToUserHttp(TypedResults.Ok))
            .RequireAuthorization(Policies.Staff).WithSummary("One account.");

        users.MapPost("/", async (CreateUserRequest request, IUserCommands commands, HttpContext http, CancellationToken ct) =>
                (await commands.CreateAsync(request, ct)).ToUserHttp(created => TypedResults.Created(
                    $"/api/v1/users/{created.User.Id}", CreatedUserResponse.From(created, http.Request))))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Create an account; without a password the answer carries a one-time setPasswordUrl, valid 72 hours.");

        users.MapPatch("/{id:guid}", async (Guid id, UpdateUserRequest request, IUserCommands commands, CancellationToken ct) =>
                (await commands.UpdateAsync(id, request, ct)).ToUserHttp(TypedResults.Ok))
            .RequireAuthorization(Policies.Admin).WithSummary("Change e-mail, display name, role or tenant; fields left out stay as they are.");

        users.MapDelete("/{id:guid}", async (Guid id, IUserCommands commands, CancellationToken ct) =>
                (await commands.DeleteAsync(id, ct)).ToUserHttp(_ => TypedResults.NoContent()))
            .RequireAuthorization(Policies.Admin).WithSummary("Delete an account with its tokens and sessions; never the last admin.");

        users.MapPost("/{id:guid}/lock", async (Guid id, IUserCommands commands, CancellationToken ct) =>
                (await commands.LockAsync(id, ct)).ToUserHttp(TypedResults.Ok))
            .RequireAuthorization(Policies.Admin).WithSummary("Lock an account until an admin unlocks it; its sessions end. Never the last admin.");

        users.MapPost("/{id:guid}/unlock", async (Guid id, IUserCommands commands, CancellationToken ct) =>
                (await commands.UnlockAsync(id, ct)).ToUserHttp(TypedResults.Ok))
            .RequireAuthorization(Policies.Admin).WithSummary("Unlock an account (an admin's lock or a lockout after failed sign-ins).");

        users.MapPost("/{id:guid}/password-reset", async (Guid id, IUserCommands commands, HttpContext http, CancellationToken ct) =>
                (await commands.IssueResetLinkAsync(id, ct)).ToUserHttp(link => TypedResults.Ok(new PasswordLinkResponse(AbsoluteUrl(http.Request, link), link.ExpiresAt))))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("A one-time link, valid 72 hours, with which the user chooses a new password; older links stop working.");

        app.MapPut("/api/v1/me/password", async (ChangePasswordRequest request, IUserCommands commands, UserManager<PanelUser> userManager,
                SignInManager<PanelUser> signIn, HttpContext http, CancellationToken ct) =>
            {
                var changed = await commands.ChangeOwnPasswordAsync(request.CurrentPassword, request.NewPassword, ct);
                if (!changed.IsSuccess) return changed.Error!.ToUserProblem();
                // The new security stamp ends every other session; this cookie session gets a fresh cookie and stays.
                if (http.User.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme && await userManager.GetUserAsync(http.User) is { } user)
                    await signIn.RefreshSignInAsync(user);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.SignedIn).WithTags("Users")
            .WithSummary("Change your own password: { currentPassword, newPassword }. Your other sessions end.");
    }

    public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

    public sealed record PasswordLinkResponse(string SetPasswordUrl, DateTimeOffset ExpiresAt);

    /// <summary>The account as created; <see cref="SetPasswordUrl"/> is shown this once and never again.</summary>
    public sealed record CreatedUserResponse(
        Guid Id, string UserName, string? Email, string? DisplayName, PanelRole? Role, Guid? TenantId, string? TenantName,
        bool Locked, DateTimeOffset? LockedUntil, bool MfaEnabled, DateTimeOffset CreatedAt, string? SetPasswordUrl, DateTimeOffset? SetPasswordExpiresAt)
    {
        public static CreatedUserResponse From(CreatedUser created, HttpRequest request)
        {
            var u = created.User;
            return new(u.Id, u.UserName, u.Email, u.DisplayName, u.Role, u.TenantId, u.TenantName, u.Locked, u.LockedUntil, u.MfaEnabled, u.CreatedAt,
                created.Link is { } link ? AbsoluteUrl(request, link) : null, created.Link?.ExpiresAt);
        }
    }

    private static string AbsoluteUrl(HttpRequest request, IssuedPasswordLink link) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{link.Path}";

    private static IResult ToUserHttp<T>(this Result<T> result, Func<T, IResult> onSuccess) =>
        result.IsSuccess ? onSuccess(result.Value!) : result.Error!.ToUserProblem();

    /// <summary>The account codes that are not a 400: a conflict with the other accounts, or a link that no longer opens anything.</summary>
    private static IResult ToUserProblem(this Error error) => error.Code switch
    {
        UserErrors.LastAdminCode or UserErrors.UserNameTakenCode =>
            Results.Problem(detail: error.Message, statusCode: StatusCodes.Status409Conflict, extensions: new Dictionary<string, object?> { ["code"] = error.Code }),
        UserErrors.LinkUnusableCode =>
            Results.Problem(detail: error.Message, statusCode: StatusCodes.Status401Unauthorized, extensions: new Dictionary<string, object?> { ["code"] = error.Code }),
        _ => error.ToProblem(),
    };
}
