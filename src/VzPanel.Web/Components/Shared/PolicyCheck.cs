using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace VzPanel.Web.Components.Shared;

/// <summary>Asks the role policies (<see cref="Security.Policies"/>) from code, where an AuthorizeView would not do.</summary>
public static class PolicyCheck
{
    public static async Task<bool> AllowsAsync(this IAuthorizationService authorization, Task<AuthenticationState>? state, string policy)
    {
        if (state is null) return false;
        var user = (await state).User;
        return (await authorization.AuthorizeAsync(user, policy)).Succeeded;
    }
}
