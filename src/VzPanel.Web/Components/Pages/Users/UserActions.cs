using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Identity.Users;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Components.Pages.Users;

/// <summary>
/// Runs an account change in a DI scope of its own, as the circuit's user: Identity's UserManager keeps the users it
/// loaded, and a circuit lives for hours, so each change reads the account fresh instead of from a stale copy.
/// </summary>
public sealed class UserActions(IServiceScopeFactory scopes, CurrentAccess access, ISnackbar snackbar)
{
    public async Task<Result<T>> RunAsync<T>(Func<IUserCommands, Task<Result<T>>> change)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = access.Scope;
        return await change(scope.ServiceProvider.GetRequiredService<IUserCommands>());
    }

    /// <summary>Runs <paramref name="change"/> and says how it went: <paramref name="done"/> or the reason it was refused.</summary>
    public async Task<bool> RunAndReportAsync<T>(Func<IUserCommands, Task<Result<T>>> change, string done)
    {
        var result = await RunAsync(change);
        if (result.IsSuccess) snackbar.Add(done, Severity.Success);
        else snackbar.Add(result.Error!.Message, Severity.Error);
        return result.IsSuccess;
    }
}
