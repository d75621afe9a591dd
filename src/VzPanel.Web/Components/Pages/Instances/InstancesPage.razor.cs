using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Components.Live;
using VzPanel.Web.Components.Shared;
using VzPanel.Web.Security;

namespace VzPanel.Web.Components.Pages.Instances;

/// <summary>
/// All servers the viewer may see, one page at a time from the database (filtering and paging happen there,
/// so a fleet of 100,000 reads as fast as one of ten). Follows servers and operations live.
/// </summary>
public sealed partial class InstancesPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private MudTable<InstanceRow>? _table;
    private LiveSubscription? _subscription;
    private IReadOnlyList<Choice> _nodes = [];
    private IReadOnlyList<Choice> _tenants = [];
    private bool _canManage;
    private bool _staff;
    private int _total;
    private string? _search;
    private InstanceKind? _kind;
    private InstanceState? _state;
    private Guid? _node;
    private Guid? _owner;

    [CascadingParameter] public Task<AuthenticationState>? AuthState { get; set; }
    [Inject] public required IInstanceQueries Instances { get; init; }
    [Inject] public required INodeQueries Nodes { get; init; }
    [Inject] public required IAuthorizationService Authorization { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    private bool Filtered => !string.IsNullOrWhiteSpace(_search) || _kind is not null || _state is not null || _node is not null || _owner is not null;

    protected override async Task OnInitializedAsync()
    {
        _canManage = await Authorization.AllowsAsync(AuthState, Policies.ManageInstances);
        _staff = await Authorization.AllowsAsync(AuthState, Policies.Staff);
        if (_staff)
        {
            _nodes = [.. (await Nodes.ListAsync(_cts.Token)).Select(n => new Choice(n.Id, n.Name))];
            _tenants = (await Instances.CreateOptionsAsync(_cts.Token)).Tenants;
        }
        _subscription = Live.Follow(InvokeAsync, ReloadAsync).On<InstanceChanged>().On<OperationChanged>(e => e.TargetId is not null);
    }

    private async Task<TableData<InstanceRow>> LoadAsync(TableState state, CancellationToken ct)
    {
        var page = await Instances.ListAsync(new InstanceFilter
        {
            Search = string.IsNullOrWhiteSpace(_search) ? null : _search.Trim(), Kind = _kind, State = _state, NodeId = _node, TenantId = _owner,
            Skip = state.Page * state.PageSize, Take = state.PageSize,
        }, ct);
        _total = page.Total;
        return new TableData<InstanceRow> { Items = page.Items, TotalItems = page.Total };
    }

    private async Task ReloadAsync()
    {
        if (_table is null || _cts.IsCancellationRequested) return;
        await _table.ReloadServerData();
        StateHasChanged();
    }

    private Task SearchAsync(string? text) { _search = text; return ReloadAsync(); }
    private Task KindAsync(InstanceKind? kind) { _kind = kind; return ReloadAsync(); }
    private Task StateAsync(InstanceState? state) { _state = state; return ReloadAsync(); }
    private Task NodeAsync(Guid? node) { _node = node; return ReloadAsync(); }
    private Task OwnerAsync(Guid? owner) { _owner = owner; return ReloadAsync(); }

    private Task ClearFiltersAsync()
    {
        (_search, _kind, _state, _node, _owner) = (null, null, null, null, null);
        return ReloadAsync();
    }

    private string NodeName(Guid? id) => _nodes.FirstOrDefault(n => n.Id == id)?.Name ?? "";
    private string OwnerName(Guid? id) => _tenants.FirstOrDefault(t => t.Id == id)?.Name ?? "";

    private async Task CreateAsync()
    {
        var parameters = new DialogParameters<CreateInstanceDialog>
        {
            { d => d.Staff, _staff },
            { d => d.Admin, await Authorization.AllowsAsync(AuthState, Policies.Admin) },
        };
        var dialog = await Dialogs.ShowAsync<CreateInstanceDialog>("New server", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: OperationView created } && created.TargetId is { } id)
            Navigation.NavigateTo($"/instances/{id}?operation={created.Id}");
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
