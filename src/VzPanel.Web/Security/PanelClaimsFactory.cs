using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VzPanel.Core.Features.Identity;

namespace VzPanel.Web.Security;

/// <summary>Puts the customer's tenant into the sign-in cookie, where <c>AccessScope</c> reads it.</summary>
internal sealed class PanelClaimsFactory(
    UserManager<PanelUser> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PanelUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PanelUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.TenantId is { } tenant) identity.AddClaim(new Claim(PanelClaims.TenantId, tenant.ToString()));
        if (!string.IsNullOrEmpty(user.DisplayName)) identity.AddClaim(new Claim(ClaimTypes.GivenName, user.DisplayName));
        return identity;
    }
}
