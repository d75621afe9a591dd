using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace VzPanel.Web.Components.Shared;

/// <summary>
/// Memory of a server in MiB: a slider for the rough size, a number field for the exact one, both bounded
/// by the plan. Shows the current size, the size being applied and how much of the new size is guaranteed.
/// </summary>
public sealed partial class MemoryControl
{
    private long _value;
    private long? _shownCurrent;

    /// <summary>The size the server has now.</summary>
    [Parameter] public long CurrentMiB { get; set; }

    /// <summary>The size an operation is changing it to, while that runs.</summary>
    [Parameter] public long? RequestedMiB { get; set; }

    [Parameter] public long MinMiB { get; set; } = 256;
    [Parameter] public long MaxMiB { get; set; } = 16 * 1024;

    /// <summary>The share of memory always backed by RAM on the node.</summary>
    [Parameter] public int GuaranteePercent { get; set; }

    /// <summary>Slider step; the number field takes any whole MiB.</summary>
    [Parameter] public long Step { get; set; } = 128;

    /// <summary>An operation runs on the server: nothing can be applied until it ends.</summary>
    [Parameter] public bool Busy { get; set; }

    /// <summary>The viewer may not change the server (support).</summary>
    [Parameter] public bool ReadOnly { get; set; }

    /// <summary>What the size being chosen costs (the page knows the plan), shown under the input.</summary>
    [Parameter] public RenderFragment<long>? PriceOf { get; set; }

    /// <summary>The exact size in MiB the person asked for.</summary>
    [Parameter] public EventCallback<long> OnApply { get; set; }

    public long Value => _value;

    private long SliderValue => Math.Clamp(_value, MinMiB, Math.Max(MinMiB, MaxMiB));

    private long GuaranteedMiB => Core.Features.Instances.Instance.GuaranteeOf(_value, GuaranteePercent);

    private string? Problem => _value < MinMiB || _value > MaxMiB
        ? $"The plan allows {Format.Memory(MinMiB)} to {Format.Memory(MaxMiB)} ({MinMiB}–{MaxMiB} MiB)."
        : null;

    private bool CanApply => !ReadOnly && !Busy && Problem is null && _value != CurrentMiB;

    protected override void OnParametersSet()
    {
        // A new size arrived (the change went through, or someone else changed it): start from it.
        if (_shownCurrent != CurrentMiB)
        {
            _shownCurrent = CurrentMiB;
            _value = CurrentMiB;
        }
    }

    private void SetValue(long mib) => _value = mib;

    private async Task ApplyAsync()
    {
        if (CanApply) await OnApply.InvokeAsync(_value);
    }

    private async Task ApplyOnEnterAsync(KeyboardEventArgs e)
    {
        if (e.Key is "Enter" or "NumpadEnter") await ApplyAsync();
    }

    private string Share(long mib) =>
        (MaxMiB <= 0 ? 0 : Math.Clamp((double)mib / MaxMiB, 0, 1) * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Swatch(string color, double opacity, int width = 10) =>
        $"display: inline-block; width: {width}px; height: 10px; border-radius: 2px; vertical-align: middle; margin-right: 4px; "
        + $"background: {color}; opacity: {opacity.ToString(CultureInfo.InvariantCulture)}";
}
