using Microsoft.EntityFrameworkCore;
using Npgsql;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Plans;

/// <summary>Administrators add, change, retire and remove plans.</summary>
public interface IPlanCommands
{
    Task<Result<PlanView>> CreateAsync(PlanInput input, CancellationToken ct);

    /// <summary>
    /// Changes what the input gives. New prices or bounds for a plan whose customers run servers need
    /// <see cref="PlanInput.Confirm"/>; new prices apply to their servers from this moment on.
    /// </summary>
    Task<Result<PlanView>> UpdateAsync(Guid id, PlanInput input, CancellationToken ct);

    Task<Result<PlanView>> RetireAsync(Guid id, CancellationToken ct);
    Task<Result<PlanView>> UnretireAsync(Guid id, CancellationToken ct);

    /// <summary>Removes a plan nobody is on and no usage refers to; refused otherwise (retire it instead).</summary>
    Task<Result<Guid>> DeleteAsync(Guid id, CancellationToken ct);
}

/// <summary>
/// Every change is checked here (all fields, unique name, confirmation of price changes), saved with its audit event in one
/// transaction and told to open pages. A price change splits the open usage of the plan's servers at the moment it is saved.
/// </summary>
public sealed class PlanCommands(
    IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access, AuditLog audit, IPlanQueries queries, PanelEvents events,
    TimeProvider clock) : IPlanCommands
{
    private const string UniqueName = "ix_plans_name";

    public async Task<Result<PlanView>> CreateAsync(PlanInput input, CancellationToken ct)
    {
        if (Denied() is { } denied) return denied;
        if (PlanRules.Missing(input) is { } missing) return missing;
        var settings = new PlanSettings(input.Name!.Trim(), input.MemoryMinMiB!.Value, input.MemoryMaxMiB!.Value, input.VCpuMax!.Value,
            input.DiskMaxGiB!.Value, input.PricePerGiBHour!.Value, input.PricePerVCpuHour!.Value, input.PricePerDiskGiBMonth!.Value,
            input.GuaranteePremiumShare ?? 0m, input.Currency!.Trim(), input.Billing!.Value);
        if (PlanRules.Check(settings) is { } invalid) return invalid;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await NameTakenAsync(db, settings.Name, null, ct) is { } taken) return taken;
        var plan = new Plan { Name = settings.Name, RetiredAt = input.Retired == true ? clock.GetUtcNow() : null };
        settings.ApplyTo(plan);
        db.Plans.Add(plan);
        audit.Add(db, Entry(plan, "plan.create", $"Added plan {plan.Name}{(plan.RetiredAt is null ? "" : " (retired)")}: {settings.Describe()}."));
        if (await TrySaveAsync(db, plan, ct) is { } refused) return refused;
        events.Publish(new PlanChanged(plan.Id));
        return await ViewAsync(plan.Id, ct);
    }

    public async Task<Result<PlanView>> UpdateAsync(Guid id, PlanInput input, CancellationToken ct)
    {
        if (Denied() is { } denied) return denied;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null) return Error.NotFound("Plan");

        var before = PlanSettings.Of(plan);
        var after = before.With(input);
        if (PlanRules.Check(after) is { } invalid) return invalid;
        if (!string.Equals(after.Name, before.Name, StringComparison.OrdinalIgnoreCase)
            && await NameTakenAsync(db, after.Name, id, ct) is { } taken) return taken;

        var changes = before.ChangesTo(after).ToList();
        var retire = input.Retired is { } retired && retired != (plan.RetiredAt is not null) ? retired : (bool?)null;
        if (changes.Count == 0 && retire is null) return await ViewAsync(id, ct);

        var repriced = !after.SamePricesAs(before);
        var customers = await db.Tenants.Where(t => t.PlanId == id).Select(t => t.Id).ToListAsync(ct);
        if (repriced || !after.SameBoundsAs(before))
        {
            var servers = await db.Instances.CountAsync(i => customers.Contains(i.TenantId), ct);
            if (servers > 0 && input.Confirm != true) return NeedsConfirmation(plan.Name, customers.Count, servers);
        }

        var now = clock.GetUtcNow();
        after.ApplyTo(plan);
        if (retire is { } r)
        {
            plan.RetiredAt = r ? now : null;
            changes.Add(r ? "retired (its customers keep it; no one else can be put on it)" : "no longer retired");
        }
        var action = changes.Count == 1 && retire is { } only ? (only ? "plan.retire" : "plan.unretire") : "plan.update";
        audit.Add(db, Entry(plan, action, $"Plan {before.Name}: {string.Join("; ", changes)}."));

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await TrySaveAsync(db, plan, ct) is { } refused) return refused;
        // The customers' servers go on at the new prices from this instant; what they ran before stays at the old ones.
        if (repriced && customers.Count > 0) await UsageMeter.RepriceAsync(db, customers, now, ct);
        await transaction.CommitAsync(ct);
        events.Publish(new PlanChanged(id));
        return await ViewAsync(id, ct);
    }

    public Task<Result<PlanView>> RetireAsync(Guid id, CancellationToken ct) => UpdateAsync(id, new PlanInput { Retired = true }, ct);

    public Task<Result<PlanView>> UnretireAsync(Guid id, CancellationToken ct) => UpdateAsync(id, new PlanInput { Retired = false }, ct);

    public async Task<Result<Guid>> DeleteAsync(Guid id, CancellationToken ct)
    {
        if (Denied() is { } denied) return denied;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null) return Error.NotFound("Plan");
        var customers = await db.Tenants.IgnoreQueryFilters().CountAsync(t => t.PlanId == id, ct);
        if (customers > 0)
            return new Error(PlanErrors.InUse, $"{plan.Name} is the plan of {Plural(customers, "customer")}; retire it instead (they keep it, no one else can be put on it).");
        var usage = await db.UsageSegments.IgnoreQueryFilters().CountAsync(u => u.PlanId == id, ct);
        if (usage > 0)
            return new Error(PlanErrors.InUse, $"{plan.Name} has billing history ({Plural(usage, "usage record")}); retire it instead.");

        db.Plans.Remove(plan);
        audit.Add(db, Entry(plan, "plan.delete", $"Deleted plan {plan.Name}."));
        await db.SaveChangesAsync(ct);
        events.Publish(new PlanChanged(id));
        return id;
    }

    private static async Task<Error?> TrySaveAsync(VzPanelDbContext db, Plan plan, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: UniqueName })
        {
            return NameTaken(plan.Name);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict($"Someone else changed the plan {plan.Name} meanwhile; reload it and try again.");
        }
        return null;
    }

    private async Task<Result<PlanView>> ViewAsync(Guid id, CancellationToken ct) =>
        await queries.GetAsync(id, ct) is { } view ? view : Error.NotFound("Plan");

    private Error? Denied() => access.Scope switch
    {
        { IsSystem: true } or { Role: PanelRole.Admin } => null,
        { Role: PanelRole.Support } => Error.Forbidden("Support accounts are read-only; ask an administrator to change plans."),
        _ => Error.Forbidden("Only administrators change plans."),
    };

    private static async Task<Error?> NameTakenAsync(VzPanelDbContext db, string name, Guid? except, CancellationToken ct)
    {
        var key = name.ToLowerInvariant();
        return await db.Plans.AnyAsync(p => p.Name.ToLower() == key && p.Id != except, ct) ? NameTaken(name) : null;
    }

    private static Error NameTaken(string name) => new(PlanErrors.NameTaken, $"There is already a plan named '{name}'.");

    private static Error NeedsConfirmation(string plan, int customers, int servers) => new(PlanErrors.NeedsConfirmation,
        $"Changing the prices or bounds of {plan} affects {Plural(customers, "customer")} with {Plural(servers, "server")}: "
        + "their servers are billed at the new prices from the moment it is saved. Confirm to go ahead.")
    {
        Details = new Dictionary<string, object> { ["customers"] = customers, ["servers"] = servers },
    };

    private static AuditEntry Entry(Plan plan, string action, string summary) =>
        new(action, summary) { TargetType = "plan", TargetId = plan.Id.ToString() };

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}

/// <summary>A plan was added, changed or removed: open plan and customer pages refresh.</summary>
public sealed record PlanChanged(Guid PlanId) : IReplicatedEvent;
