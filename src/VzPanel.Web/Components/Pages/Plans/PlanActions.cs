using MudBlazor;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Web.Components.Shared;

namespace VzPanel.Web.Components.Pages.Plans;

/// <summary>
/// The admin actions on a plan: each asks first where it changes what customers can choose or cannot be undone, tells the
/// outcome (or the refusal's reason) in a snackbar, and answers whether anything changed.
/// </summary>
public sealed class PlanActions(IDialogService dialogs, IPlanCommands commands, ISnackbar snackbar)
{
    public async Task<PlanView?> AddAsync()
    {
        var dialog = await dialogs.ShowAsync<PlanDialog>("Add a plan", Options);
        return (await dialog.Result) is { Canceled: false, Data: PlanView added } ? Told(added, $"Added {added.Name}.") : null;
    }

    public async Task<PlanView?> EditAsync(PlanView plan)
    {
        var parameters = new DialogParameters<PlanDialog> { { d => d.Plan, plan } };
        var dialog = await dialogs.ShowAsync<PlanDialog>($"Edit {plan.Name}", parameters, Options);
        return (await dialog.Result) is { Canceled: false, Data: PlanView saved } ? Told(saved, $"Saved {saved.Name}.") : null;
    }

    public async Task<bool> ToggleRetiredAsync(PlanView plan)
    {
        var retire = !plan.Retired;
        var confirmed = await ConfirmDialog.AskAsync(dialogs, retire ? $"Retire {plan.Name}?" : $"Bring back {plan.Name}?",
            retire
                ? $"No customer can be put on {plan.Name} anymore. The {Format.Count(plan.TenantCount, "customer", "customers")} already on it keep it and are billed as before."
                : $"{plan.Name} can be chosen for customers again.",
            retire ? "Retire" : "Bring back");
        if (!confirmed) return false;
        var result = retire ? await commands.RetireAsync(plan.Id, default) : await commands.UnretireAsync(plan.Id, default);
        return Report(result.Error?.Message, retire ? $"Retired {plan.Name}." : $"{plan.Name} can be chosen again.");
    }

    public async Task<bool> DeleteAsync(PlanView plan)
    {
        var confirmed = await ConfirmDialog.AskAsync(dialogs, $"Delete {plan.Name}?",
            $"This removes the plan {plan.Name}. A plan customers are on, or that usage was billed at, cannot be deleted: retire it instead.",
            "Delete", confirmName: plan.Name);
        if (!confirmed) return false;
        var result = await commands.DeleteAsync(plan.Id, default);
        return Report(result.Error?.Message, $"Deleted {plan.Name}.");
    }

    private static DialogOptions Options => new() { MaxWidth = MaxWidth.Small, FullWidth = true };

    private PlanView Told(PlanView plan, string message)
    {
        snackbar.Add(message, Severity.Success);
        return plan;
    }

    private bool Report(string? error, string success)
    {
        snackbar.Add(error ?? success, error is null ? Severity.Success : Severity.Error);
        return error is null;
    }
}
