using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Quotes;
using VzPanel.Core.Features.Instances;
using VzPanel.Shared;
using VzPanel.Web.Components.Shared;

namespace VzPanel.Web.Components.Pages.Instances;

public enum MemoryUnit { GiB, MiB }

/// <summary>
/// The new-server form. Whatever the service refuses is shown next to the field it concerns (or above the
/// buttons) and the form keeps everything typed, so the person fixes one thing and tries again.
/// </summary>
public sealed partial class CreateInstanceDialog
{
    // The service names fields after the spec's properties or its own parameters; the form after its inputs.
    private static readonly Dictionary<string, string> FieldOf = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Name"] = "name", ["Kind"] = "kind", ["Template"] = "template", ["Memory"] = "memory", ["MemoryGuaranteePercent"] = "guarantee",
        ["percent"] = "guarantee", ["VCpus"] = "vcpus", ["Disk"] = "disk", ["Hostname"] = "hostname", ["TenantId"] = "tenant", ["NodeId"] = "node",
    };

    private readonly Dictionary<string, string> _fieldErrors = [];
    private CreateOptions? _options;
    private string _name = "";
    private InstanceKind _kind = InstanceKind.Ct;
    private string? _template;
    private decimal _memory = 1;
    private MemoryUnit _unit = MemoryUnit.GiB;
    private int _guarantee;
    private int _vcpus = 1;
    private long _diskGiB = DiskSize.DefaultGiB;
    private string? _hostname;
    private string? _password;
    private Guid? _tenant;
    private Guid _node;
    private bool _start = true;
    private string? _error;
    private bool _busy;

    [CascadingParameter] public required IMudDialogInstance Dialog { get; set; }
    [Parameter] public bool Staff { get; set; }
    [Parameter] public bool Admin { get; set; }
    [Inject] public required IInstanceQueries Instances { get; init; }
    [Inject] public required IInstanceCommands Commands { get; init; }

    private IEnumerable<TemplateOption> Templates => _options?.Templates.Where(t => t.Kind == _kind) ?? [];

    private string KindName => _kind == InstanceKind.Vm ? "VM" : "container";

    private long MemoryMiB => (long)Math.Round(_memory * (_unit == MemoryUnit.GiB ? MemorySize.MiBPerGiB : 1), MidpointRounding.AwayFromZero);

    private long GuaranteedMiB => Instance.GuaranteeOf(MemoryMiB, Math.Clamp(_guarantee, 0, 100));

    /// <summary>The new server's price as typed, on the chosen customer's plan (a customer's own); null before a customer is chosen.</summary>
    private PriceQuote? Quote => _options?.PricesFor(Staff ? _tenant : null) is { } prices
        ? PriceQuote.Of(prices, null, new BillableShape(Math.Max(0, MemoryMiB), GuaranteedMiB, Math.Max(0, _vcpus), _kind == InstanceKind.Vm ? Math.Max(0, _diskGiB) : DiskSize.DefaultGiB))
        : null;

    protected override async Task OnInitializedAsync()
    {
        _options = await Instances.CreateOptionsAsync(default);
        // One GiB unless the plan says otherwise; a customer list of one needs no choosing.
        var mib = Math.Clamp(MemorySize.MiBPerGiB, _options.MemoryMinMiB, Math.Max(_options.MemoryMinMiB, _options.MemoryMaxMiB));
        (_memory, _unit) = mib % MemorySize.MiBPerGiB == 0 ? (mib / MemorySize.MiBPerGiB, MemoryUnit.GiB) : ((decimal)mib, MemoryUnit.MiB);
        if (Staff && _options.Tenants.Count == 1) _tenant = _options.Tenants[0].Id;
        _template = Templates.FirstOrDefault()?.Name;
    }

    private void KindChanged(InstanceKind kind)
    {
        _kind = kind;
        if (!Templates.Any(t => t.Name == _template)) _template = Templates.FirstOrDefault()?.Name;
        _fieldErrors.Remove("template");
    }

    private void UnitChanged(MemoryUnit unit)
    {
        if (unit == _unit) return;
        _memory = unit == MemoryUnit.MiB ? MemoryMiB : Math.Round(_memory / MemorySize.MiBPerGiB, 2);
        _unit = unit;
    }

    private bool Has(string field) => _fieldErrors.ContainsKey(field);

    private string? ErrorOf(string field) => _fieldErrors.GetValueOrDefault(field);

    private string TenantName(Guid? id) => _options?.Tenants.FirstOrDefault(t => t.Id == id)?.Name ?? "";

    private string NodeName(Guid id) => id == Guid.Empty ? "Automatic" : _options?.Nodes.FirstOrDefault(n => n.Id == id)?.Name ?? "";

    private async Task SubmitAsync()
    {
        if (_busy || _options is null) return;
        _error = null;
        _fieldErrors.Clear();
        CheckLocally(_options);
        if (_fieldErrors.Count > 0) return;

        _busy = true;
        try
        {
            var result = await Commands.CreateAsync(new CreateInstanceCommand
            {
                Spec = new InstanceSpec
                {
                    Name = _name.Trim(), Kind = _kind, Template = _template, Memory = MemoryMiB.ToString(CultureInfo.InvariantCulture),
                    MemoryGuaranteePercent = _guarantee, VCpus = _vcpus,
                    // A container's root is a folder with no size of its own: it gets the default, recorded but never enforced.
                    Disk = _kind == InstanceKind.Vm ? _diskGiB.ToString(CultureInfo.InvariantCulture) + "G" : null,
                    Hostname = string.IsNullOrWhiteSpace(_hostname) ? null : _hostname.Trim(),
                },
                TenantId = Staff ? _tenant : null,
                NodeId = Admin && _node != Guid.Empty ? _node : null,
                RootPassword = string.IsNullOrEmpty(_password) ? null : _password,
                Start = _start,
            }, default);
            if (result.IsSuccess) Dialog.Close(DialogResult.Ok(result.Value));
            else ShowError(result.Error!);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>What the form can tell without asking: the service checks all of it again, and more.</summary>
    private void CheckLocally(CreateOptions options)
    {
        if (string.IsNullOrWhiteSpace(_name)) _fieldErrors["name"] = "Give the server a name.";
        if (string.IsNullOrEmpty(_template)) _fieldErrors["template"] = $"Choose a {KindName} template.";
        if (_memory * (_unit == MemoryUnit.GiB ? MemorySize.MiBPerGiB : 1) % 1 != 0)
            _fieldErrors["memory"] = "Memory must be a whole number of MiB.";
        else if (MemoryMiB < options.MemoryMinMiB || MemoryMiB > options.MemoryMaxMiB)
            _fieldErrors["memory"] = $"Choose between {Format.Memory(options.MemoryMinMiB)} and {Format.Memory(options.MemoryMaxMiB)}.";
        if (_guarantee is < 0 or > 100) _fieldErrors["guarantee"] = "A percentage from 0 to 100.";
        if (_vcpus < 1 || _vcpus > options.VCpuMax) _fieldErrors["vcpus"] = $"From 1 to {options.VCpuMax}.";
        if (_kind == InstanceKind.Vm && _diskGiB is < DiskSize.MinGiB or > DiskSize.MaxGiB)
            _fieldErrors["disk"] = $"From {DiskSize.MinGiB} to {DiskSize.MaxGiB} GiB.";
        if (Staff && _tenant is null) _fieldErrors["tenant"] = "Choose the customer the server belongs to.";
    }

    private void ShowError(Error error)
    {
        var unplaced = new List<string>();
        foreach (var (field, messages) in error.Fields ?? new Dictionary<string, string[]>())
        {
            if (FieldOf.TryGetValue(field, out var input)) _fieldErrors[input] = string.Join(" ", messages);
            else unplaced.AddRange(messages);
        }
        // Field errors sit by their fields; anything else (conflicts, capacity, busy, forbidden) goes in the alert.
        if (error.Fields is null) _error = error.Message;
        else if (unplaced.Count > 0) _error = string.Join(" ", unplaced);
    }
}
