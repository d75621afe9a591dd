using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Components.Pages.Customers;

/// <summary>Every customer account with its use against its quotas; admins add, edit, suspend and delete them here.</summary>
public sealed partial class CustomersPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<TenantView>? _tenants;
    private LiveSubscription? _subscription;

    [Inject] public required ITenantQueries Tenants { get; init; }
    [Inject] public required ITenantCommands Commands { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private TenantActions Actions => new(Dialogs, Commands, Snackbar);

    protected override async Task OnInitializedAsync()
    {
        _tenants = await Tenants.ListAsync(_cts.Token);
        // Usage follows the servers; settings and plan names follow other admins' changes.
        _subscription = Live.Follow(InvokeAsync, ReloadAsync).On<TenantChanged>().On<InstanceChanged>().On<PlanChanged>();
    }

    private async Task ReloadAsync()
    {
        if (_cts.IsCancellationRequested) return;
        _tenants = await Tenants.ListAsync(_cts.Token);
        StateHasChanged();
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
