using Microsoft.EntityFrameworkCore;
using Npgsql;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Identity;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>Administrators add, change, suspend, resume and remove customer accounts.</summary>
public interface ITenantCommands
{
    Task<Result<TenantView>> CreateAsync(TenantDraft draft, CancellationToken ct);
    Task<Result<TenantView>> UpdateAsync(Guid id, TenantChange change, CancellationToken ct);
    Task<Result<TenantView>> SuspendAsync(Guid id, CancellationToken ct);
    Task<Result<TenantView>> ResumeAsync(Guid id, CancellationToken ct);

    /// <summary>Removes a tenant without servers or users (its metering records go with it); refused with the count otherwise.</summary>
    Task<Result<Guid>> DeleteAsync(Guid id, CancellationToken ct);
}

/// <summary>
/// Every change is checked here (fields, plan, unique name), saved with its audit event in one unit of work, and told to
/// open pages. Only administrators and the system scope get past the first line; the data layer refuses anyone else too.
/// </summary>
public sealed class TenantCommands(
    IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access, AuditLog audit, ITenantQueries queries, PanelEvents events,
    TimeProvider clock) : ITenantCommands
{
    private const string UniqueName = "ix_tenants_name";

    public async Task<Result<TenantView>> CreateAsync(TenantDraft draft, CancellationToken ct)
    {
        if (Denied() is { } denied) return denied;
        var name = TenantRules.Name(draft.Name);
        if (!name.IsSuccess) return name.Error!;
        var email = TenantRules.Email(draft.ContactEmail);
        if (!email.IsSuccess) return email.Error!;
        var quotas = draft.Quotas ?? TenantQuotas.None;
        if (TenantRules.Quotas(quotas) is { } badQuota) return badQuota;
        if (draft.PlanId is not { } planId)
            return TenantErrors.Invalid(TenantErrors.UnknownPlan, "planId", "Choose the plan the customer is on.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, ct);
        if (plan is null) return UnknownPlan(planId);
        if (plan.RetiredAt is not null) return RetiredPlan(plan);
        if (await NameTakenAsync(db, name.Value!, null, ct) is { } taken) return taken;

        var tenant = new Tenant
        {
            Name = name.Value!, ContactEmail = email.Value, PlanId = plan.Id, State = draft.State ?? TenantState.Active, Quotas = quotas,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Tenants.Add(tenant);
        audit.Add(db, Entry(tenant, "tenant.create", $"Added customer {tenant.Name} on plan {plan.Name}; quotas: {TenantQuotaText.Describe(quotas)}."));
        return await SaveAsync(db, tenant, ct);
    }

    public async Task<Result<TenantView>> UpdateAsync(Guid id, TenantChange change, CancellationToken ct)
    {
        if (Denied() is { } denied) return denied;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.Include(t => t.Plan).SingleOrDefaultAsync(t => t.Id == id, ct);
        if (tenant is null) return Error.NotFound("Customer");

        var changes = new List<string>();
        if (change.Name is not null)
        {
            var name = TenantRules.Name(change.Name);
            if (!name.IsSuccess) return name.Error!;
            if (name.Value != tenant.Name)
            {
                if (await NameTakenAsync(db, name.Value!, id, ct) is { } taken) return taken;
                changes.Add($"name {tenant.Name} → {name.Value}");
                tenant.Name = name.Value!;
            }
        }
        if (change.ContactEmail is not null)
        {
            var email = TenantRules.Email(change.ContactEmail);
            if (!email.IsSuccess) return email.Error!;
            if (email.Value != tenant.ContactEmail)
            {
                changes.Add($"contact e-mail {tenant.ContactEmail ?? "none"} → {email.Value ?? "none"}");
                tenant.ContactEmail = email.Value;
            }
        }
        if (change.PlanId is { } planId && planId != tenant.PlanId)
        {
            var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, ct);
            if (plan is null) return UnknownPlan(planId);
            if (plan.RetiredAt is not null) return RetiredPlan(plan);
            changes.Add($"plan {tenant.Plan?.Name} → {plan.Name}");
            tenant.PlanId = plan.Id;
        }
        if (change.Quotas is { } quotas && quotas != tenant.Quotas)
        {
            if (TenantRules.Quotas(quotas) is { } badQuota) return badQuota;
            changes.Add($"quotas {TenantQuotaText.Describe(tenant.Quotas)} → {TenantQuotaText.Describe(quotas)}");
            tenant.Quotas = quotas;
        }
        var action = "tenant.update";
        if (change.State is { } state && state != tenant.State)
        {
            if (!Enum.IsDefined(state)) return TenantErrors.Invalid(TenantErrors.InvalidState, "state", "The state is Active or Suspended.");
            changes.Add(state == TenantState.Suspended ? "suspended (its users read, change nothing; its servers keep running)" : "resumed");
            tenant.State = state;
            if (changes.Count == 1) action = state == TenantState.Suspended ? "tenant.suspend" : "tenant.resume";
        }
        if (changes.Count == 0) return await queries.GetAsync(id, ct) is { } unchanged ? unchanged : Error.NotFound("Customer");

        audit.Add(db, Entry(tenant, action, $"Customer {tenant.Name}: {string.Join("; ", changes)}."));
        return await SaveAsync(db, tenant, ct);
    }

    public Task<Result<TenantView>> SuspendAsync(Guid id, CancellationToken ct) =>
        UpdateAsync(id, new TenantChange { State = TenantState.Suspended }, ct);

    public Task<Result<TenantView>> ResumeAsync(Guid id, CancellationToken ct) =>
        UpdateAsync(id, new TenantChange { State = TenantState.Active }, ct);

    public async Task<Result<Guid>> DeleteAsync(Guid id, CancellationToken ct)
    {
        if (Denied() is { } denied) return denied;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (tenant is null) return Error.NotFound("Customer");
        var servers = await db.Instances.IgnoreQueryFilters().CountAsync(i => i.TenantId == id, ct);
        if (servers > 0)
            return new Error(TenantErrors.InUse, $"{tenant.Name} still has {Plural(servers, "server")}; delete them first (or suspend the customer instead).");
        var users = await db.Users.CountAsync(u => u.TenantId == id, ct);
        if (users > 0)
            return new Error(TenantErrors.InUse, $"{tenant.Name} still has {Plural(users, "user")}; delete them first (or suspend the customer instead).");

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Metering rows point at the tenant; with no servers left they are history of an account that is going away.
        var segments = await db.UsageSegments.IgnoreQueryFilters().Where(u => u.TenantId == id).ExecuteDeleteAsync(ct);
        db.Tenants.Remove(tenant);
        audit.Add(db, Entry(tenant, "tenant.delete", $"Deleted customer {tenant.Name}" + (segments > 0 ? $" and its {Plural(segments, "usage record")}." : ".")));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        events.Publish(new TenantChanged(id));
        return id;
    }

    private async Task<Result<TenantView>> SaveAsync(VzPanelDbContext db, Tenant tenant, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: UniqueName })
        {
            return NameTaken(tenant.Name);
        }
        events.Publish(new TenantChanged(tenant.Id));
        return await queries.GetAsync(tenant.Id, ct) is { } view ? view : Error.NotFound("Customer");
    }

    private Error? Denied() => access.Scope switch
    {
        { IsSystem: true } or { Role: PanelRole.Admin } => null,
        { Role: PanelRole.Support } => Error.Forbidden("Support accounts are read-only; ask an administrator to change customer accounts."),
        _ => Error.Forbidden("Only administrators change customer accounts."),
    };

    private static async Task<Error?> NameTakenAsync(VzPanelDbContext db, string name, Guid? except, CancellationToken ct)
    {
        var key = name.ToLowerInvariant();
        return await db.Tenants.IgnoreQueryFilters().AnyAsync(t => t.Name.ToLower() == key && t.Id != except, ct) ? NameTaken(name) : null;
    }

    private static Error NameTaken(string name) => new(TenantErrors.NameTaken, $"There is already a customer named '{name}'.");

    private static Error UnknownPlan(Guid planId) =>
        TenantErrors.Invalid(TenantErrors.UnknownPlan, "planId", $"There is no plan {planId}.");

    // A retired plan keeps billing the customers already on it; it is refused only as a new choice.
    private static Error RetiredPlan(Plan plan) =>
        TenantErrors.Invalid(PlanErrors.Retired, "planId", $"The plan {plan.Name} is retired; choose another plan.");

    private static AuditEntry Entry(Tenant tenant, string action, string summary) =>
        new(action, summary) { TenantId = tenant.Id, TargetType = "tenant", TargetId = tenant.Id.ToString() };

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}

/// <summary>A tenant was added, changed or removed: open customer pages refresh.</summary>
public sealed record TenantChanged(Guid TenantId) : IReplicatedEvent;
