using Microsoft.AspNetCore.Components;
using VzPanel.Core.Features.Dashboard;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Components.Pages.Dashboard;

/// <summary>Fleet aggregates (servers by state, node capacity), read again whenever a server or node the viewer may see changes.</summary>
public sealed partial class DashboardPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private LiveSubscription? _subscription;
    private FleetSummary? _summary;
    private DateTimeOffset? _loadedAt;

    [Inject] public required IFleetDashboardQueries Dashboard { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    private string NodesCaption => _summary is null ? "" : string.Join(" · ",
        _summary.Nodes.GroupBy(n => n.State).Where(g => g.Key != NodeState.Online).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))
        is { Length: > 0 } rest ? rest : "all reporting";

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _subscription = Live.Follow(InvokeAsync, ReloadAsync).On<InstanceChanged>().On<NodeChanged>();
    }

    private async Task LoadAsync()
    {
        _summary = await Dashboard.GetSummaryAsync(_cts.Token);
        _loadedAt = Clock.GetUtcNow();
    }

    private async Task ReloadAsync()
    {
        if (_cts.IsCancellationRequested) return;
        await LoadAsync();
        StateHasChanged();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
