using MudBlazor;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Shared;

namespace VzPanel.Web.Components.Pages.Customers;

/// <summary>
/// The admin actions on a customer account, shared by the list and the customer's page: each asks first where it cannot be
/// undone, tells the outcome (or the refusal's reason) in a snackbar, and answers whether anything changed.
/// </summary>
public sealed class TenantActions(IDialogService dialogs, ITenantCommands commands, ISnackbar snackbar)
{
    public async Task<TenantView?> AddAsync()
    {
        var dialog = await dialogs.ShowAsync<TenantDialog>("Add a customer", Options);
        return (await dialog.Result) is { Canceled: false, Data: TenantView added } ? Told(added, $"Added {added.Name}.") : null;
    }

    public async Task<TenantView?> EditAsync(TenantView tenant)
    {
        var parameters = new DialogParameters<TenantDialog> { { d => d.Tenant, tenant } };
        var dialog = await dialogs.ShowAsync<TenantDialog>($"Edit {tenant.Name}", parameters, Options);
        return (await dialog.Result) is { Canceled: false, Data: TenantView saved } ? Told(saved, $"Saved {saved.Name}.") : null;
    }

    public async Task<bool> ToggleSuspensionAsync(TenantView tenant)
    {
        var suspend = tenant.State == TenantState.Active;
        var confirmed = await ConfirmDialog.AskAsync(dialogs, suspend ? $"Suspend {tenant.Name}?" : $"Resume {tenant.Name}?",
            suspend
                ? $"{tenant.Name}'s users can still sign in and look, but change nothing. Its {Format.Count(tenant.Usage.Servers, "server keeps", "servers keep")} running."
                : $"{tenant.Name}'s users can change their servers again.",
            suspend ? "Suspend" : "Resume");
        if (!confirmed) return false;
        var result = suspend ? await commands.SuspendAsync(tenant.Id, default) : await commands.ResumeAsync(tenant.Id, default);
        return Report(result.Error?.Message, suspend ? $"Suspended {tenant.Name}." : $"Resumed {tenant.Name}.");
    }

    public async Task<bool> DeleteAsync(TenantView tenant)
    {
        var confirmed = await ConfirmDialog.AskAsync(dialogs, $"Delete {tenant.Name}?",
            $"This removes the customer account {tenant.Name} and its metering history. A customer with servers or users cannot be deleted.",
            "Delete", confirmName: tenant.Name);
        if (!confirmed) return false;
        var result = await commands.DeleteAsync(tenant.Id, default);
        return Report(result.Error?.Message, $"Deleted {tenant.Name}.");
    }

    /// <summary>Credit or a correction; the dialog asks before taking any back.</summary>
    public async Task<bool> AddCreditAsync(TenantView tenant, BalanceView balance)
    {
        var parameters = new DialogParameters<CreditDialog>
        {
            { d => d.TenantId, tenant.Id }, { d => d.TenantName, tenant.Name }, { d => d.Balance, balance },
        };
        var dialog = await dialogs.ShowAsync<CreditDialog>($"Add credit for {tenant.Name}", parameters, Options);
        if ((await dialog.Result) is not { Canceled: false, Data: CreditView line }) return false;
        snackbar.Add(line.Amount > 0 ? $"Added {Money.Show(line.Amount, line.Currency)} for {tenant.Name}."
            : $"Took back {Money.Show(-line.Amount, line.Currency)} from {tenant.Name}.", Severity.Success);
        return true;
    }

    private static DialogOptions Options => new() { MaxWidth = MaxWidth.Small, FullWidth = true };

    private TenantView Told(TenantView tenant, string message)
    {
        snackbar.Add(message, Severity.Success);
        return tenant;
    }

    private bool Report(string? error, string success)
    {
        snackbar.Add(error ?? success, error is null ? Severity.Success : Severity.Error);
        return error is null;
    }
}
