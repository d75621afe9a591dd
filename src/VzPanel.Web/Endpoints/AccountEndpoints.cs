using Microsoft.AspNetCore.Identity;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;

namespace VzPanel.Web.Endpoints;

internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form post with an antiforgery token, so another site cannot sign people out.
        app.MapPost("/account/logout", async (SignInManager<PanelUser> signIn, AuditLog audit, HttpContext http) =>
        {
            if (http.User.Identity?.IsAuthenticated == true)
                await audit.RecordAsync(new AuditEntry("auth.sign-out", "Signed out."), http.RequestAborted);
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        }).RequireAuthorization();
    }
}
