using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Web.Components.Pages.Nodes;

public sealed partial class NodesPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<NodeSummary>? _nodes;
    private IDisposable? _subscription;
    private int _reloading;

    [Inject] public required INodeQueries Nodes { get; init; }
    [Inject] public required PanelEvents Events { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _nodes = await Nodes.ListAsync(_cts.Token);
        // Live: every heartbeat, enrollment and offline mark re-reads the list (at most one reload at a time).
        _subscription = Events.Subscribe<NodeChanged>(_ => InvokeAsync(ReloadAsync));
    }

    private async Task ReloadAsync()
    {
        if (Interlocked.Exchange(ref _reloading, 1) == 1 || _cts.IsCancellationRequested) return;
        try
        {
            _nodes = await Nodes.ListAsync(_cts.Token);
            StateHasChanged();
        }
        finally
        {
            _reloading = 0;
        }
    }

    private async Task AddNodeAsync()
    {
        var dialog = await Dialogs.ShowAsync<AddNodeDialog>("Add a node", new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        await dialog.Result;
        await ReloadAsync();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
