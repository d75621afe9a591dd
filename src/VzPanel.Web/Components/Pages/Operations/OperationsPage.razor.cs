using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Shared;

namespace VzPanel.Web.Components.Pages.Operations;

/// <summary>
/// Operations the viewer may see, newest first and paged in the database. A running row's bar moves with
/// its events at once; new and finished operations arrive with a throttled re-read.
/// </summary>
public sealed partial class OperationsPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ConcurrentDictionary<Guid, OperationChanged> _live = new();
    private readonly HashSet<Guid> _deletedTargets = [];
    private MudTable<OperationView>? _table;
    private ReloadThrottle? _throttle;
    private bool _activeOnly;

    [Inject] public required IOperationQueries Operations { get; init; }
    [Inject] public required CurrentAccess Access { get; init; }
    [Inject] public required PanelEvents Events { get; init; }

    protected override void OnInitialized()
    {
        _throttle = new ReloadThrottle(ReloadThrottle.Default, () => InvokeAsync(ReloadAsync));
        var scope = Access.Scope;
        _subscriptions.Add(Events.Subscribe<OperationChanged>(e => scope.Sees(e.TenantId) ? InvokeAsync(() => Changed(e)) : Task.CompletedTask));
        _subscriptions.Add(Events.Subscribe<InstanceChanged>(e => e.Deleted && scope.Sees(e.TenantId) ? InvokeAsync(() => Deleted(e.InstanceId)) : Task.CompletedTask));
    }

    private void Changed(OperationChanged e)
    {
        _live[e.OperationId] = e;
        StateHasChanged();   // a row on this page moves at once; the table re-reads shortly for the rest
        _throttle?.Request();
    }

    private void Deleted(Guid instanceId)
    {
        _deletedTargets.Add(instanceId);
        StateHasChanged();
    }

    private async Task<TableData<OperationView>> LoadAsync(TableState state, CancellationToken ct)
    {
        var page = await Operations.ListAsync(new OperationFilter { ActiveOnly = _activeOnly, Skip = state.Page * state.PageSize, Take = state.PageSize }, ct);
        foreach (var op in page.Items)
        {
            // A stored row as new as its last event needs the event no longer.
            if (_live.TryGetValue(op.Id, out var e) && LiveEvents.Latest(op.With(e), op) == op) _live.TryRemove(op.Id, out _);
            if (op is { Kind: OperationKind.Delete, State: OperationState.Succeeded, TargetId: { } gone }) _deletedTargets.Add(gone);
        }
        return new TableData<OperationView> { Items = page.Items, TotalItems = page.Total };
    }

    private async Task ReloadAsync()
    {
        if (_table is null || _cts.IsCancellationRequested) return;
        await _table.ReloadServerData();
    }

    private async Task ActiveOnlyAsync(bool value)
    {
        _activeOnly = value;
        await ReloadAsync();
    }

    private OperationView Live(OperationView op) =>
        _live.TryGetValue(op.Id, out var e) ? LiveEvents.Latest(op, op.With(e)) : op;

    /// <summary>Whether the operation's server is known to be gone (deleted on this page or while it was open).</summary>
    private bool Gone(OperationView op) => op.TargetId is { } id && _deletedTargets.Contains(id);

    private static string KindName(OperationKind kind) => kind switch
    {
        OperationKind.SetMemory => "memory",
        OperationKind.SetMemoryGuarantee => "memory guarantee",
        OperationKind.SetVCpus => "vCPUs",
        OperationKind.DrainNode => "drain node",
        OperationKind.ResizeDisk => "disk",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Took(OperationView op) => (op.StartedAt, op.FinishedAt) switch
    {
        ({ } start, { } end) => Seconds(end - start),
        ({ }, null) => "running",
        _ => op.IsFinished ? "—" : "waiting",
    };

    private static string Seconds(TimeSpan t) => t.TotalSeconds < 60
        ? $"{t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
        : $"{(int)t.TotalMinutes} min {t.Seconds} s";

    public void Dispose()
    {
        foreach (var s in _subscriptions) s.Dispose();
        _throttle?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
