using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Nodes.Enrollment;

namespace VzPanel.Web.Components.Pages.Nodes;

/// <summary>
/// One node: capacity, platform facts and template cache from its heartbeats (live through <see cref="NodeChanged"/>),
/// KSM and storage pools read from its agent when the page opens or on request, and the servers placed on it.
/// </summary>
public sealed partial class NodeDetailPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private NodeDetails? _details;
    private bool _loaded;
    private string? _command;
    private IDisposable? _subscription;
    private List<BreadcrumbItem> _crumbs = [];
    private Result<NodeObservation>? _live;
    private bool _liveLoading;
    private Guid _liveFor;

    [Parameter] public Guid Id { get; set; }
    [Inject] public required INodeQueries Nodes { get; init; }
    [Inject] public required PanelEvents Events { get; init; }
    [Inject] public required INodeAdministration Enrollment { get; init; }
    [Inject] public required INodeObservations Observations { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    /// <summary>Empty in a host without the counters feature (bUnit tests of the page's other cards): no counters card then.</summary>
    [Inject] public required ICounterQueries Counters { get; init; }

    protected override async Task OnParametersSetAsync()
    {
        await LoadAsync();
        _subscription ??= Events.Subscribe<NodeChanged>(e => e.NodeId == Id ? InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }) : Task.CompletedTask);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The agent may take seconds to answer (or not answer): ask once the page shows what the database knows.
        if (_details is not null && _liveFor != Id)
        {
            _liveFor = Id;
            await ReadLiveAsync();
            StateHasChanged();
        }
    }

    private async Task ReadLiveAsync()
    {
        if (_cts.IsCancellationRequested) return;
        _liveLoading = true;
        _live = null;
        try
        {
            _live = await Observations.ReadAsync(Id, _cts.Token);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // The page closed while the node was being asked.
        }
        finally
        {
            _liveLoading = false;
        }
    }

    private async Task LoadAsync()
    {
        if (_cts.IsCancellationRequested) return;
        _details = await Nodes.GetAsync(Id, _cts.Token);
        _loaded = true;
        _crumbs = [new("Nodes", "/nodes"), new(_details?.Node.Name ?? "?", null, disabled: true)];
    }

    /// <summary>Which servers run here as the inventory says: the counters card reads again when this changes.</summary>
    private static string RunningServers(NodeDetails details) =>
        string.Join(',', details.Instances.Where(i => i.State == InstanceState.Running).Select(i => i.Id));

    private async Task RenewTokenAsync()
    {
        var result = await Enrollment.RenewTokenAsync(Id, _cts.Token);
        if (result.IsSuccess) _command = result.Value!.Command;
        else Snackbar.Add(result.Error!.Message, Severity.Error);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
