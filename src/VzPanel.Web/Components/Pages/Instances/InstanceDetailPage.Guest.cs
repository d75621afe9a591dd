using VzPanel.Core.Common;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Web.Components.Pages.Instances;

/// <summary>The guest tools card: read from the node once the page shows, again whenever the server's state changes, and on request.</summary>
public sealed partial class InstanceDetailPage
{
    private Result<GuestInfoView>? _guest;
    private bool _guestLoading;
    private InstanceState? _guestReadAt;
    private int _guestTicket;

    [Microsoft.AspNetCore.Components.Inject] public required IGuestInfoQueries Guest { get; init; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The node may take seconds to answer: ask after the page shows what the inventory knows.
        if (_details is { } d && !_deleted && d.Instance.State != _guestReadAt)
        {
            _guestReadAt = d.Instance.State;
            await ReadGuestAsync();
            StateHasChanged();
        }
    }

    private async Task ReadGuestAsync()
    {
        if (_cts.IsCancellationRequested) return;
        var ticket = ++_guestTicket;   // a later read (the state moved on) wins over one still under way
        _guestLoading = true;
        try
        {
            var read = await Guest.GetAsync(Id, _cts.Token);
            if (ticket == _guestTicket) _guest = read;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // The page closed while the node was being asked.
        }
        finally
        {
            if (ticket == _guestTicket) _guestLoading = false;
        }
    }
}
