using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Features.Nodes;
using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Components.Pages.Nodes;

public sealed partial class NodesPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<NodeSummary>? _nodes;
    private LiveSubscription? _subscription;

    [Inject] public required INodeQueries Nodes { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _nodes = await Nodes.ListAsync(_cts.Token);
        // Every heartbeat, enrollment and offline mark re-reads the list.
        _subscription = Live.Follow(InvokeAsync, ReloadAsync).On<NodeChanged>();
    }

    private async Task ReloadAsync()
    {
        if (_cts.IsCancellationRequested) return;
        _nodes = await Nodes.ListAsync(_cts.Token);
        StateHasChanged();
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
