using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Web.Components.Shared;

/// <summary>
/// The disk of a server in GiB: the current size, what its volumes hold on the node, and a field to grow it. An equal or
/// smaller size is not offered (a shrunk disk loses what its file system kept past the new end); the page confirms the growth.
/// </summary>
public sealed partial class DiskControl
{
    private long _value;
    private long? _shownCurrent;

    [Parameter] public long CurrentGiB { get; set; }

    /// <summary>What the server's volumes hold on the node, when a node has reported it.</summary>
    [Parameter] public long? AllocatedMiB { get; set; }

    /// <summary>The size an operation is growing it to, while that runs.</summary>
    [Parameter] public long? RequestedGiB { get; set; }

    [Parameter] public long MaxGiB { get; set; } = DiskSize.MaxGiB;

    /// <summary>An operation runs on the server: nothing can be applied until it ends.</summary>
    [Parameter] public bool Busy { get; set; }

    /// <summary>Why this viewer cannot grow this disk (support is read-only; a container has no disk of its own); null when they can.</summary>
    [Parameter] public string? LockedReason { get; set; }

    /// <summary>The size in GiB the person asked for; always more than <see cref="CurrentGiB"/>.</summary>
    [Parameter] public EventCallback<long> OnGrow { get; set; }

    /// <summary>What the size being chosen costs, shown under the input.</summary>
    [Parameter] public RenderFragment<long>? PriceOf { get; set; }

    public long Value => _value;

    private string? Problem => _value == CurrentGiB || LockedReason is not null ? null
        : _value < CurrentGiB ? $"Disks only grow: choose more than {DiskSize.Show(CurrentGiB)}."
        : _value > MaxGiB ? $"A disk is at most {DiskSize.Show(MaxGiB)}."
        : null;

    private bool CanGrow => LockedReason is null && !Busy && _value > CurrentGiB && _value <= MaxGiB;

    protected override void OnParametersSet()
    {
        // A new size arrived (the growth went through, or someone else grew it): start from it.
        if (_shownCurrent != CurrentGiB)
        {
            _shownCurrent = CurrentGiB;
            _value = CurrentGiB;
        }
    }

    private void SetValue(long gib) => _value = gib;

    private async Task GrowAsync()
    {
        if (CanGrow) await OnGrow.InvokeAsync(_value);
    }

    private async Task GrowOnEnterAsync(KeyboardEventArgs e)
    {
        if (e.Key is "Enter" or "NumpadEnter") await GrowAsync();
    }
}
