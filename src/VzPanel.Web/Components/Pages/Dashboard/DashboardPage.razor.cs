using Microsoft.AspNetCore.Components;
using VzPanel.Core.Features.Dashboard;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Web.Components.Pages.Dashboard;

public sealed partial class DashboardPage : IDisposable
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _cts = new();
    private FleetSummary? _summary;
    private DateTimeOffset? _loadedAt;

    [Inject] public required IFleetDashboardQueries Dashboard { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    private string NodesCaption => _summary is null ? "" : string.Join(" · ",
        _summary.Nodes.GroupBy(n => n.State).Where(g => g.Key != NodeState.Online).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))
        is { Length: > 0 } rest ? rest : "all reporting";

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _ = RefreshPeriodicallyAsync();
    }

    private async Task LoadAsync()
    {
        _summary = await Dashboard.GetSummaryAsync(_cts.Token);
        _loadedAt = Clock.GetUtcNow();
    }

    // Until agents push events (live updates arrive with the job system), the dashboard polls.
    private async Task RefreshPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(RefreshEvery, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token))
            {
                await InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
