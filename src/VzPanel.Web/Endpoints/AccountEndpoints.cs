using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Web.Security.Sessions;

namespace VzPanel.Web.Endpoints;

internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form post with an antiforgery token, so another site cannot sign people out.
        app.MapPost("/account/logout", async (SignInManager<PanelUser> signIn, AuditLog audit, PanelSessions sessions, IAntiforgery antiforgery,
            HttpContext http) =>
        {
            // Checked here: the endpoint binds no form, so the framework would not check the token by itself.
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            if (http.User.Identity?.IsAuthenticated == true)
                await audit.RecordAsync(new AuditEntry("auth.sign-out", "Signed out."), http.RequestAborted);
            // Signing out signs out everywhere: every other browser, open tab and hub connection of this user.
            if (Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) await sessions.EndAllAsync(userId);
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        }).RequireAuthorization();
    }
}
