using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Components.Pages.Customers;

/// <summary>Every customer account with its use against its quotas and its balance; admins add, edit, suspend and delete them here.</summary>
public sealed partial class CustomersPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<TenantView>? _tenants;
    private IReadOnlyDictionary<Guid, BalanceView> _balances = new Dictionary<Guid, BalanceView>();
    private LiveSubscription? _subscription;

    [Inject] public required ITenantQueries Tenants { get; init; }
    [Inject] public required ITenantCommands Commands { get; init; }
    [Inject] public required ICreditBalances Credits { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private TenantActions Actions => new(Dialogs, Commands, Snackbar);

    protected override async Task OnInitializedAsync()
    {
        _tenants = await Tenants.ListAsync(_cts.Token);
        _balances = await BalancesAsync(_tenants);
        // Usage follows the servers; settings and plan names follow other admins' changes.
        _subscription = Live.Follow(InvokeAsync, ReloadAsync).On<TenantChanged>().On<InstanceChanged>().On<PlanChanged>();
    }

    private async Task ReloadAsync()
    {
        if (_cts.IsCancellationRequested) return;
        _tenants = await Tenants.ListAsync(_cts.Token);
        _balances = await BalancesAsync(_tenants);
        StateHasChanged();
    }

    /// <summary>
    /// One balance read per customer, one after another: a few queries each, fine for the hundred or so customers a panel has.
    /// Past that, a batch read of all balances belongs in ICreditBalances.
    /// </summary>
    private async Task<IReadOnlyDictionary<Guid, BalanceView>> BalancesAsync(IReadOnlyList<TenantView> tenants)
    {
        var balances = new Dictionary<Guid, BalanceView>();
        foreach (var tenant in tenants)
            if ((await Credits.GetAsync(tenant.Id, _cts.Token)).Value is { } balance) balances[tenant.Id] = balance;
        return balances;
    }

    private async Task AddAsync()
    {
        if (await Actions.AddAsync() is not null) await ReloadAsync();
    }

    private async Task EditAsync(TenantView tenant)
    {
        if (await Actions.EditAsync(tenant) is not null) await ReloadAsync();
    }

    private async Task ToggleAsync(TenantView tenant)
    {
        if (await Actions.ToggleSuspensionAsync(tenant)) await ReloadAsync();
    }

    private async Task DeleteAsync(TenantView tenant)
    {
        if (await Actions.DeleteAsync(tenant)) await ReloadAsync();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
