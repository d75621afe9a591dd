using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances.Operations;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Shared;

namespace VzPanel.Core.Features.Instances;

public sealed partial class InstanceCommands
{
    /// <summary>Admits and places a new server, saves it as Provisioning with its Create operation, and queues the job.</summary>
    public async Task<Result<OperationView>> CreateAsync(CreateInstanceCommand command, CancellationToken ct)
    {
        if (WriteDenied() is { } denied) return denied;
        var spec = command.Spec;
        var validation = await validator.ValidateAsync(spec, ct);
        if (!validation.IsValid) return Error.Validation(validation.ToDictionary().AsReadOnly());
        var scope = access.Scope;
        if (command.NodeId is not null && !(scope.IsSystem || scope.Role == PanelRole.Admin))
            return Error.Forbidden("Only administrators choose the node; leave it empty and the panel places the server.");
        var tenantId = scope.Role == PanelRole.Customer ? scope.TenantId : command.TenantId;
        if (tenantId is null) return Error.Validation("tenantId", "Choose the customer the server belongs to.");
        if (string.IsNullOrWhiteSpace(spec.Template)) return Error.Validation("template", "Choose a template to build the server from.");
        var memoryMiB = MemorySize.Parse(spec.Memory).Value.MiB;
        var diskGiB = spec.Disk is null ? DiskSize.DefaultGiB : DiskSize.ParseGiB(spec.Disk).Value;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await SuspendedAsync(db, ct) is { } suspended) return suspended;
        var tenant = await db.Tenants.Include(t => t.Plan).SingleOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null) return Error.NotFound("Customer");
        if (tenant.State == TenantState.Suspended) return Error.Conflict($"Customer '{tenant.Name}' is suspended; it cannot get new servers.");
        if ((Admission.CheckPlan(tenant.Plan!, memoryMiB, spec.VCpus) ?? Admission.CheckPlanDisk(tenant.Plan!, diskGiB)) is { } overPlan) return overPlan;
        var quotaAsk = new QuotaAsk(1, memoryMiB, Instance.GuaranteeOf(memoryMiB, spec.MemoryGuaranteePercent), spec.VCpus, diskGiB);
        if (await TenantQuotaAdmission.CheckAsync(db, tenant, quotaAsk, ct) is { } overQuota) return overQuota;
        // One name may have several releases (and, rarely, a CT and a VM flavour): the node decides the release below.
        var named = await db.Templates.AsNoTracking().Where(t => t.Name == spec.Template).ToListAsync(ct);
        if (named.Count == 0) return Error.Validation("template", $"There is no template '{spec.Template}'.");
        var releases = named.Where(t => t.Kind == spec.Kind).ToList();
        if (releases.Count == 0)
            return Error.Validation("template", $"'{spec.Template}' is a {Kind(named[0].Kind)} template; a {Kind(spec.Kind)} needs a {Kind(spec.Kind)} template.");
        var nameKey = spec.Name.Trim().ToLowerInvariant();
        if (await db.Instances.IgnoreQueryFilters().AnyAsync(i => EF.Property<string>(i, "NameKey") == nameKey, ct))
            return Error.Conflict($"The name '{spec.Name.Trim()}' is taken; names are unique across the fleet.");

        var loads = await NodeLoad.ForNodesAsync(db, command.NodeId is { } chosen ? [chosen] : null, ct);
        if (command.NodeId is not null && loads.Count == 0) return Error.NotFound("Node");
        var guaranteed = Instance.GuaranteeOf(memoryMiB, spec.MemoryGuaranteePercent);
        var placed = Placement.Choose(loads, spec.Kind, memoryMiB, guaranteed, spec.VCpus, spec.Template);
        if (!placed.IsSuccess) return placed.Error!;
        var node = placed.Value!.Node;
        var template = TemplateCatalog.PickVersion(releases, node);

        var now = clock.GetUtcNow();
        var instance = new Instance
        {
            Kind = spec.Kind, Name = spec.Name.Trim(), TenantId = tenant.Id, NodeId = node.Id, State = InstanceState.Provisioning,
            MemoryMiB = memoryMiB, MemoryGuaranteePercent = spec.MemoryGuaranteePercent, VCpus = spec.VCpus, CpuLimitPercent = spec.CpuLimitPercent, DiskGiB = diskGiB,
            TemplateId = template.Id, Hostname = string.IsNullOrWhiteSpace(spec.Hostname) ? null : spec.Hostname,
            IpAddresses = spec.IpAddresses.Select(System.Net.IPAddress.Parse).ToList(), CreatedAt = now, UpdatedAt = now,
        };
        var parameters = new CreateParameters(command.Start, string.IsNullOrEmpty(command.RootPassword) ? null : secrets.Protect(command.RootPassword))
            { PreviousState = nameof(InstanceState.Provisioning) };
        var summary = $"Create {Kind(spec.Kind)} {instance.Name} ({new MemorySize(memoryMiB)}, {spec.VCpus} vCPU, {DiskSize.Show(diskGiB)} disk) from {template.Name} on {node.Name}";
        var operation = NewOperation(OperationKind.Create, instance, parameters, summary);
        db.Instances.Add(instance);
        db.Operations.Add(operation);
        audit.Add(db, new AuditEntry("instance.create", $"Requested: {summary}.")
            { TenantId = tenant.Id, TargetType = "instance", TargetId = instance.Id.ToString() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex, "ux_instances_name"))
        {
            return Error.Conflict($"The name '{instance.Name}' is taken; names are unique across the fleet.");
        }
        events.Publish(InstanceChanged.From(instance));
        return Dispatched(operation);
    }

    private static string Kind(InstanceKind kind) => kind == InstanceKind.Vm ? "VM" : "container";
}
