using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Components.Pages.Plans;

/// <summary>Every plan with its prices, bounds and how many customers and servers use it; admins add, edit, retire and delete them here.</summary>
public sealed partial class PlansPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<PlanView>? _plans;
    private LiveSubscription? _subscription;

    [Inject] public required IPlanQueries Plans { get; init; }
    [Inject] public required IPlanCommands Commands { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private PlanActions Actions => new(Dialogs, Commands, Snackbar);

    protected override async Task OnInitializedAsync()
    {
        _plans = await Plans.ListAsync(_cts.Token);
        // The counts follow customers and their servers; the rest follows other admins' changes.
        _subscription = Live.Follow(InvokeAsync, ReloadAsync).On<PlanChanged>().On<TenantChanged>().On<InstanceChanged>();
    }

    private async Task ReloadAsync()
    {
        if (_cts.IsCancellationRequested) return;
        _plans = await Plans.ListAsync(_cts.Token);
        StateHasChanged();
    }

    private async Task AddAsync()
    {
        if (await Actions.AddAsync() is not null) await ReloadAsync();
    }

    private async Task EditAsync(PlanView plan)
    {
        if (await Actions.EditAsync(plan) is not null) await ReloadAsync();
    }

    private async Task ToggleRetiredAsync(PlanView plan)
    {
        if (await Actions.ToggleRetiredAsync(plan)) await ReloadAsync();
    }

    private async Task DeleteAsync(PlanView plan)
    {
        if (await Actions.DeleteAsync(plan)) await ReloadAsync();
    }

    private static string Amount(decimal price) => price.ToString("0.######", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
