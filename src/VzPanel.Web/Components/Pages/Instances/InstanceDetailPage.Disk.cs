using System.Globalization;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Components.Shared;

namespace VzPanel.Web.Components.Pages.Instances;

/// <summary>The disk card's side of the page: why it may be locked, and the confirmation before the disk grows.</summary>
public sealed partial class InstanceDetailPage
{
    private long? _requestedGiB;

    /// <summary>The size this page asked for while that growth runs.</summary>
    private long? RequestedGiB => _operation is { Kind: OperationKind.ResizeDisk, IsFinished: false } ? _requestedGiB : null;

    private string? DiskLockedReason =>
        !_canManage ? "Support accounts are read-only; ask an administrator or the customer."
        : _details!.Instance.Kind == InstanceKind.Ct
            ? "A container's root file system is a folder on the node with no size of its own: there is no disk to grow."
            : null;

    private async Task GrowDiskAsync(long gib)
    {
        var d = _details!;
        var confirmed = await ConfirmDialog.AskAsync(Dialogs, "Grow disk",
            $"Grow the disk of {d.Instance.Name} from {DiskSize.Show(d.DiskGiB)} to {DiskSize.Show(gib)}? Disks only grow.", "Grow");
        if (!confirmed) return;
        if (await RunAsync(ct => Commands.ResizeDiskAsync(Id, gib.ToString(CultureInfo.InvariantCulture) + "G", ct))) _requestedGiB = gib;
    }
}
