using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Components.Live;
using VzPanel.Web.Components.Shared;
using VzPanel.Web.Security;

namespace VzPanel.Web.Components.Pages.Instances;

/// <summary>
/// One server: what it is, its power buttons and size controls, and the operation working on it, all kept
/// current by the server's events (progress straight from the event, everything else by a re-read).
/// </summary>
public sealed partial class InstanceDetailPage : IDisposable
{
    private const int RecentCount = 8;
    private readonly CancellationTokenSource _cts = new();
    private LiveSubscription? _subscription;
    private InstanceDetails? _details;
    private IReadOnlyList<OperationView> _recent = [];
    private OperationView? _operation;
    private long? _requestedMiB;
    private bool _loaded;
    private bool _deleted;
    private bool _canManage;
    private bool _staff;
    private bool _admin;
    private string? _error;
    private List<BreadcrumbItem> _crumbs = [];

    [Parameter] public Guid Id { get; set; }

    /// <summary>The operation that brought the user here (a create): shown even when it finished before the page loaded.</summary>
    [SupplyParameterFromQuery(Name = "operation")] public Guid? BroughtBy { get; set; }
    [CascadingParameter] public Task<AuthenticationState>? AuthState { get; set; }
    [Inject] public required IInstanceQueries Instances { get; init; }
    [Inject] public required IInstanceCommands Commands { get; init; }
    [Inject] public required IOperationQueries Operations { get; init; }
    [Inject] public required IAuthorizationService Authorization { get; init; }
    [Inject] public required LiveUpdates Live { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }
    [Inject] public required IMigrationCancel MigrationCancel { get; init; }

    /// <summary>Empty in a host without the counters feature (bUnit tests of the page's other cards): no counters card then.</summary>
    [Inject] public required ICounterQueries Counters { get; init; }

    private bool Busy => _operation is { IsFinished: false };

    /// <summary>The size being applied: what this page asked for, or what the running operation applies.</summary>
    private long? RequestedMiB => _operation is { Kind: OperationKind.SetMemory, IsFinished: false } op ? _requestedMiB ?? op.RequestedMemoryMiB : null;

    /// <summary>The recent list with the live operation in place of its (possibly older) stored row.</summary>
    private IReadOnlyList<OperationView> Recent => _operation is { } live
        ? [.. _recent.Select(o => o.Id == live.Id ? LiveOperation.Latest(o, live) : o)]
        : _recent;

    private string GuaranteeHint(int percent) =>
        $"{Format.Memory(Instance.GuaranteeOf(_details!.Instance.MemoryMiB, percent))} of {Format.Memory(_details.Instance.MemoryMiB)} always in RAM";

    protected override async Task OnInitializedAsync()
    {
        _canManage = await Authorization.AllowsAsync(AuthState, Policies.ManageInstances);
        _staff = await Authorization.AllowsAsync(AuthState, Policies.Staff);
        _admin = await Authorization.AllowsAsync(AuthState, Policies.Admin);
        _subscription = Live.Follow(InvokeAsync, ChangedAsync).On<OperationChanged>(e => e.TargetId == Id).On<InstanceChanged>(e => e.InstanceId == Id);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_details is not null && _details.Instance.Id != Id)
            (_details, _operation, _recent, _deleted, _error, _guest, _guestReadAt) = (null, null, [], false, null, null, null);
        await LoadAsync();
    }

    /// <summary>The bar moves with the operation's events at once; the rest of the page is read again (unless the server is gone).</summary>
    private async Task ChangedAsync(LiveChanges changes)
    {
        foreach (var e in changes.Of<OperationChanged>()) _operation = _operation.Apply(e, Clock.GetUtcNow());
        _deleted |= changes.Any<InstanceChanged>(e => e.Deleted);
        StateHasChanged();
        await LoadAsync();
        StateHasChanged();
    }

    private async Task LoadAsync()
    {
        if (_cts.IsCancellationRequested || _deleted) return;
        var details = await Instances.GetAsync(Id, _cts.Token);
        var recent = await Operations.ListAsync(new OperationFilter { TargetId = Id, Take = RecentCount }, _cts.Token);
        _deleted = details is null && _details is not null;   // it was here a moment ago
        _loaded = true;
        if (details is null) return;
        _details = details;
        _recent = recent.Items;
        var read = details.ActiveOperation ?? _recent.FirstOrDefault(o => o.Id == (_operation?.Id ?? BroughtBy));
        if (read is not null) _operation = _operation is null ? read : LiveOperation.Latest(_operation, read);
        if (_operation is not { Kind: OperationKind.SetMemory, IsFinished: false }) _requestedMiB = null;
        _crumbs = [new("Servers", "/instances"), new(details.Instance.Name, null, disabled: true)];
    }

    private async Task ActAsync(PowerAction action)
    {
        var name = _details!.Instance.Name;
        var confirmed = action switch
        {
            PowerAction.PowerOff => await ConfirmDialog.AskAsync(Dialogs, "Power off",
                $"Power off {name} now? It is like pulling the plug: whatever it has not written to disk is lost.", "Power off"),
            PowerAction.Restart => await ConfirmDialog.AskAsync(Dialogs, "Restart",
                $"Restart {name}? Its services are unavailable until it is back up.", "Restart", null),
            PowerAction.Delete => await ConfirmDialog.AskAsync(Dialogs, "Delete server",
                $"Delete {name} and its disks? This cannot be undone.", "Delete", name),
            _ => true,
        };
        if (!confirmed) return;
        await RunAsync(ct => action switch
        {
            PowerAction.Start => Commands.StartAsync(Id, ct),
            PowerAction.Shutdown => Commands.StopAsync(Id, force: false, ct),
            PowerAction.PowerOff => Commands.StopAsync(Id, force: true, ct),
            PowerAction.Restart => Commands.RestartAsync(Id, ct),
            _ => Commands.DeleteAsync(Id, keepVolumes: false, ct),
        });
    }

    /// <summary>The dry run in a dialog first; the migration starts only from there.</summary>
    private async Task MigrateAsync()
    {
        var dialog = await Dialogs.ShowAsync<MigrateDialog>($"Migrate {_details!.Instance.Name}",
            new DialogParameters<MigrateDialog> { { d => d.InstanceId, Id }, { d => d.SourceNodeId, _details.Instance.NodeId } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: MigrateCommand command })
            await RunAsync(ct => Commands.MigrateAsync(Id, command, ct));
    }

    /// <summary>Stops the transfer; the migration's own job rolls it back and the page shows that as it happens.</summary>
    private async Task CancelMigrationAsync()
    {
        var cancelled = await MigrationCancel.CancelAsync(_operation!.Id, _cts.Token);
        _error = cancelled.IsSuccess ? null : cancelled.Error!.Message;
    }

    private async Task SetMemoryAsync(long mib)
    {
        if (await RunAsync(ct => Commands.SetMemoryAsync(Id, mib.ToString(CultureInfo.InvariantCulture), ct))) _requestedMiB = mib;
    }

    private Task<bool> SetGuaranteeAsync(int percent) => RunAsync(ct => Commands.SetMemoryGuaranteeAsync(Id, percent, ct));

    private Task<bool> SetVCpusAsync(int vcpus) => RunAsync(ct => Commands.SetVCpusAsync(Id, vcpus, ct));

    private async Task<bool> RunAsync(Func<CancellationToken, Task<Result<OperationView>>> command)
    {
        _error = null;
        var result = await command(_cts.Token);
        if (!result.IsSuccess)
        {
            _error = result.Error!.Message;
            return false;
        }
        // Its events may already have overtaken the answer (the job is quick); keep the later view.
        var queued = result.Value!;
        _operation = _operation?.Id == queued.Id ? LiveOperation.Latest(_operation, queued) : queued;
        _subscription?.Refresh();
        return true;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
