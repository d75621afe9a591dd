using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Components.Pages.Customers;

/// <summary>One customer account: its use against its quotas, its credit, its logins and its servers, following changes live.</summary>
public sealed partial class CustomerDetailPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private LiveSubscription? _subscription;
    private TenantView? _tenant;
    private IReadOnlyList<TenantUserView> _users = [];
    private IReadOnlyList<TenantServerView> _servers = [];
    private BalanceView? _balance;
    private IReadOnlyList<CreditView> _ledger = [];
    private bool _loaded;
    private List<BreadcrumbItem> _crumbs = [];

    [Parameter] public Guid Id { get; set; }

    [Inject] public required ITenantQueries Tenants { get; init; }
    [Inject] public required ITenantCommands Commands { get; init; }
    [Inject] public required ICreditBalances Credits { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    private TenantActions Actions => new(Dialogs, Commands, Snackbar);

    protected override async Task OnParametersSetAsync()
    {
        _subscription?.Dispose();
        await LoadAsync();
        _subscription = Live.Follow(InvokeAsync, ReloadAsync).On<TenantChanged>(e => e.TenantId == Id).On<InstanceChanged>(e => e.TenantId == Id);
    }

    private async Task LoadAsync()
    {
        _tenant = await Tenants.GetAsync(Id, _cts.Token);
        if (_tenant is not null)
        {
            _users = await Tenants.UsersAsync(Id, _cts.Token);
            _servers = await Tenants.ServersAsync(Id, _cts.Token);
            // Usage moves with the servers (InstanceChanged) and credit publishes TenantChanged: both reload this.
            _balance = (await Credits.GetAsync(Id, _cts.Token)).Value;
            _ledger = (await Credits.CreditsAsync(Id, _cts.Token)).Value ?? [];
        }
        _crumbs = [new("Customers", "/customers"), new(_tenant?.Name ?? "Customer", null, disabled: true)];
        _loaded = true;
    }

    private async Task ReloadAsync()
    {
        if (_cts.IsCancellationRequested) return;
        await LoadAsync();
        StateHasChanged();
    }

    private async Task EditAsync()
    {
        if (_tenant is not null && await Actions.EditAsync(_tenant) is not null) await ReloadAsync();
    }

    private async Task ToggleAsync()
    {
        if (_tenant is not null && await Actions.ToggleSuspensionAsync(_tenant)) await ReloadAsync();
    }

    private async Task AddCreditAsync()
    {
        if (_tenant is not null && _balance is not null && await Actions.AddCreditAsync(_tenant, _balance)) await ReloadAsync();
    }

    private async Task DeleteAsync()
    {
        if (_tenant is not null && await Actions.DeleteAsync(_tenant)) Navigation.NavigateTo("/customers");
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
