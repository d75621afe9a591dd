using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Components.Pages.Operations;

/// <summary>
/// Operations the viewer may see, newest first and paged in the database. A running row's bar moves with
/// its events; new and finished operations arrive with a re-read.
/// </summary>
public sealed partial class OperationsPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Dictionary<Guid, OperationChanged> _events = [];
    private readonly HashSet<Guid> _deletedTargets = [];
    private MudTable<OperationView>? _table;
    private LiveSubscription? _subscription;
    private bool _activeOnly;

    [Inject] public required IOperationQueries Operations { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }

    protected override void OnInitialized()
    {
        _subscription = Live.Follow(InvokeAsync, ChangedAsync).On<OperationChanged>().On<InstanceChanged>(e => e.Deleted);
    }

    private async Task ChangedAsync(LiveChanges changes)
    {
        foreach (var e in changes.Of<OperationChanged>()) _events[e.OperationId] = e;
        foreach (var e in changes.Of<InstanceChanged>()) _deletedTargets.Add(e.InstanceId);
        StateHasChanged();   // rows on this page move at once; the re-read brings new and finished operations
        if (changes.Any<OperationChanged>()) await ReloadAsync();
    }

    private async Task<TableData<OperationView>> LoadAsync(TableState state, CancellationToken ct)
    {
        var page = await Operations.ListAsync(new OperationFilter { ActiveOnly = _activeOnly, Skip = state.Page * state.PageSize, Take = state.PageSize }, ct);
        foreach (var op in page.Items)
        {
            // A stored row as new as its last event needs the event no longer.
            if (_events.TryGetValue(op.Id, out var e) && LiveOperation.Latest(op.With(e), op) == op) _events.Remove(op.Id);
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

    /// <summary>The operation as its latest event shows it, where that is newer than the row read.</summary>
    private OperationView Current(OperationView op) =>
        _events.TryGetValue(op.Id, out var e) ? LiveOperation.Latest(op, op.With(e)) : op;

    /// <summary>Whether the operation's server is known to be gone (deleted on this page or while it was open).</summary>
    private bool Gone(OperationView op) => op.TargetId is { } id && _deletedTargets.Contains(id);

    private static string KindName(OperationKind kind) => OperationParameters.LabelOf(kind);

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
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
