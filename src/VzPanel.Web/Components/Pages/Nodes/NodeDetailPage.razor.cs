using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Operations;
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
    private IDisposable? _subscription;
    private List<BreadcrumbItem> _crumbs = [];
    private Result<NodeObservation>? _live;
    private bool _liveLoading;
    private Guid _liveFor;
    private OperationView? _drain;
    private IDisposable? _drainEvents;

    [Parameter] public Guid Id { get; set; }
    [Inject] public required INodeQueries Nodes { get; init; }
    [Inject] public required PanelEvents Events { get; init; }
    [Inject] public required INodeAdministration Enrollment { get; init; }
    [Inject] public required INodeObservations Observations { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required INodeDrain Drain { get; init; }
    [Inject] public required IOperationQueries Operations { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    /// <summary>Empty in a host without the counters feature (bUnit tests of the page's other cards): no counters card then.</summary>
    [Inject] public required ICounterQueries Counters { get; init; }

    protected override async Task OnParametersSetAsync()
    {
        await LoadAsync();
        _subscription ??= Events.Subscribe<NodeChanged>(e => e.NodeId == Id ? InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }) : Task.CompletedTask);
        _drainEvents ??= Events.Subscribe<OperationChanged>(e => e.TargetId == Id ? InvokeAsync(() => DrainEventAsync(e)) : Task.CompletedTask);
    }

    /// <summary>Each step of a drain means a server has left: the list of servers here is read again with it.</summary>
    private async Task DrainEventAsync(OperationChanged e)
    {
        _drain = _drain?.Id == e.OperationId ? LiveEvents.Latest(_drain, _drain.With(e)) : e.ToView(Clock.GetUtcNow());
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
        if (drains.Items is [var latest, ..]) _drain = _drain is null ? latest : LiveEvents.Latest(_drain, latest);
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
        _drainEvents?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
