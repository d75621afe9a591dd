using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Components.Live;
using VzPanel.Web.Components.Shared;
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
    private LiveSubscription? _subscription;
    private List<BreadcrumbItem> _crumbs = [];
    private Result<NodeObservation>? _live;
    private bool _liveLoading;
    private Guid _liveFor;
    private OperationView? _drain;

    [Parameter] public Guid Id { get; set; }
    [Inject] public required INodeQueries Nodes { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }
    [Inject] public required INodeAdministration Enrollment { get; init; }
    [Inject] public required INodeObservations Observations { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required INodeDrain Drain { get; init; }
    [Inject] public required IOperationQueries Operations { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    /// <summary>Empty in a host without the counters feature (bUnit tests of the page's other cards): no counters card then.</summary>
    [Inject] public required ICounterQueries Counters { get; init; }

    protected override void OnInitialized()
    {
        // The filters read Id when an event comes, so they follow the page to another node.
        _subscription = Live.Follow(InvokeAsync, ChangedAsync).On<NodeChanged>(e => e.NodeId == Id).On<OperationChanged>(e => e.TargetId == Id);
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    /// <summary>A heartbeat, or a step of a drain (a server has left): the node and its servers are read again.</summary>
    private async Task ChangedAsync(LiveChanges changes)
    {
        foreach (var e in changes.Of<OperationChanged>()) _drain = _drain.Apply(e, Clock.GetUtcNow());
        await LoadAsync();
        StateHasChanged();
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
        var drains = await Operations.ListAsync(new OperationFilter { TargetId = Id, Take = 1 }, _cts.Token);
        if (drains.Items is [var latest, ..]) _drain = _drain is null ? latest : LiveOperation.Latest(_drain, latest);
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

    private async Task DrainAsync()
    {
        var node = _details!.Node;
        if (!await ConfirmDialog.AskAsync(Dialogs, $"Drain {node.Name}",
                $"Move all {Format.Count(node.Instances, "server", "servers")} of {node.Name} to other nodes, live where they run, one at a time? "
                + $"{node.Name} takes no new servers until you end maintenance.", "Drain"))
            return;
        var result = await Drain.DrainAsync(Id, _cts.Token);
        if (result.IsSuccess) _drain = result.Value;
        else Snackbar.Add(result.Error!.Message, Severity.Error);
    }

    private async Task EndMaintenanceAsync()
    {
        var result = await Drain.EndMaintenanceAsync(Id, _cts.Token);
        if (!result.IsSuccess) Snackbar.Add(result.Error!.Message, Severity.Error);
        await LoadAsync();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
