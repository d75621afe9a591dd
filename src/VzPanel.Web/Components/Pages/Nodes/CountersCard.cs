using Microsoft.AspNetCore.Components;
using VzPanel.Core.Common;

namespace VzPanel.Web.Components.Pages.Nodes;

/// <summary>
/// A card that reads counters from a node: once it shows, again when <see cref="ReadWhen"/> changes, and on request.
/// The page hands it the read (cards take no services), and the card asks only after it shows, so a slow node
/// never holds the page up. While a new read runs, the last answer stays in view.
/// </summary>
public abstract class CountersCard<TView> : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private bool _asked;
    private object? _askedFor;
    private int _ticket;

    /// <summary>Asks the node (through the page's query service).</summary>
    [Parameter, EditorRequired] public required Func<CancellationToken, Task<Result<TView>>> Read { get; set; }

    /// <summary>Read again when this changes (the server's state, the node's running servers).</summary>
    [Parameter] public object? ReadWhen { get; set; }

    /// <summary>Null until the first answer.</summary>
    protected Result<TView>? View { get; private set; }

    protected bool Loading { get; private set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_asked && Equals(_askedFor, ReadWhen)) return;
        (_asked, _askedFor) = (true, ReadWhen);
        var refresh = RefreshAsync();
        StateHasChanged();   // shows that it is asking
        await refresh;
        StateHasChanged();
    }

    /// <summary>Asks again; a later read wins over one still under way.</summary>
    protected async Task RefreshAsync()
    {
        if (_cts.IsCancellationRequested) return;
        var ticket = ++_ticket;
        Loading = true;
        try
        {
            var read = await Read(_cts.Token);
            if (ticket == _ticket) View = read;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // The page closed while the node was being asked.
        }
        finally
        {
            if (ticket == _ticket) Loading = false;
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
        GC.SuppressFinalize(this);
    }
}
