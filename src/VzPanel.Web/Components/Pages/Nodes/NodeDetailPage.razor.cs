using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Enrollment;

namespace VzPanel.Web.Components.Pages.Nodes;

public sealed partial class NodeDetailPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private NodeDetails? _details;
    private bool _loaded;
    private string? _command;
    private IDisposable? _subscription;
    private List<BreadcrumbItem> _crumbs = [];

    [Parameter] public Guid Id { get; set; }
    [Inject] public required INodeQueries Nodes { get; init; }
    [Inject] public required PanelEvents Events { get; init; }
    [Inject] public required INodeAdministration Enrollment { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    protected override async Task OnParametersSetAsync()
    {
        await LoadAsync();
        _subscription ??= Events.Subscribe<NodeChanged>(e => e.NodeId == Id ? InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }) : Task.CompletedTask);
    }

    private async Task LoadAsync()
    {
        if (_cts.IsCancellationRequested) return;
        _details = await Nodes.GetAsync(Id, _cts.Token);
        _loaded = true;
        _crumbs = [new("Nodes", "/nodes"), new(_details?.Node.Name ?? "?", null, disabled: true)];
    }

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
