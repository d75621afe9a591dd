using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Notifications;
using VzPanel.Core.Features.Billing.Rollups;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Mfa;
using VzPanel.Core.Features.Identity.Sessions;
using VzPanel.Core.Features.Identity.Tokens;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Core.Features.Nodes.Pki;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Storage;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Data;

/// <summary>
/// The inventory and the panel's accounts in one PostgreSQL database. Every query is filtered to what the
/// current <see cref="AccessScope"/> may see, and every save is checked against what it may change.
/// </summary>
public sealed class VzPanelDbContext(DbContextOptions<VzPanelDbContext> options, CurrentAccess access, TimeProvider clock)
    : IdentityDbContext<PanelUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<Node> Nodes => Set<Node>();
    public DbSet<Instance> Instances => Set<Instance>();
    public DbSet<Template> Templates => Set<Template>();
    public DbSet<StoragePool> StoragePools => Set<StoragePool>();
    public DbSet<Volume> Volumes => Set<Volume>();
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<UsageSegment> UsageSegments => Set<UsageSegment>();
    public DbSet<UsageHour> UsageHours => Set<UsageHour>();
    public DbSet<BillingEventRecord> BillingEvents => Set<BillingEventRecord>();
    public DbSet<CreditEntry> CreditEntries => Set<CreditEntry>();
    public DbSet<PrepaidStanding> PrepaidStandings => Set<PrepaidStanding>();
    public DbSet<NonPaymentStop> NonPaymentStops => Set<NonPaymentStop>();
    public DbSet<Operation> Operations => Set<Operation>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<JoinToken> JoinTokens => Set<JoinToken>();
    public DbSet<CertificateAuthorityRecord> CertificateAuthority => Set<CertificateAuthorityRecord>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<SetPasswordLink> SetPasswordLinks => Set<SetPasswordLink>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public AccessScope Scope => access.Scope;

    // Read by the query filters on every query, so a context always filters by its current scope.
    private bool SeesAllTenants => access.Scope.SeesAllTenants;
    private Guid? ScopeTenantId => access.Scope.TenantId;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(VzPanelDbContext).Assembly);
        builder.RenameIdentityTables();

        builder.Entity<Tenant>().HasQueryFilter(t => SeesAllTenants || (ScopeTenantId != null && t.Id == ScopeTenantId));
        builder.Entity<Instance>().HasQueryFilter(i => SeesAllTenants || (ScopeTenantId != null && i.TenantId == ScopeTenantId));
        builder.HasPostgresExtension("btree_gist");
        builder.Entity<UsageSegment>().HasQueryFilter(u => SeesAllTenants || (ScopeTenantId != null && u.TenantId == ScopeTenantId));
        builder.Entity<CreditEntry>().HasQueryFilter(c => SeesAllTenants || (ScopeTenantId != null && c.TenantId == ScopeTenantId));
        builder.Entity<PrepaidStanding>().HasQueryFilter(s => SeesAllTenants || (ScopeTenantId != null && s.TenantId == ScopeTenantId));
        builder.Entity<NonPaymentStop>().HasQueryFilter(s => SeesAllTenants || (ScopeTenantId != null && s.TenantId == ScopeTenantId));
        builder.Entity<UsageHour>().HasQueryFilter(u => SeesAllTenants || (ScopeTenantId != null && u.TenantId == ScopeTenantId));
        builder.Entity<Operation>().HasQueryFilter(o => SeesAllTenants || (ScopeTenantId != null && o.TenantId == ScopeTenantId));
        builder.Entity<AuditEvent>().HasQueryFilter(a => SeesAllTenants || (ScopeTenantId != null && a.TenantId == ScopeTenantId));
        builder.Entity<Volume>().HasQueryFilter(v => SeesAllTenants
            || (ScopeTenantId != null && Instances.Any(i => i.Id == v.InstanceId)));
    }

    // PostgreSQL keeps instants, not offsets: every DateTimeOffset is written as UTC (Npgsql refuses others).
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        WriteRules.Enforce(ChangeTracker, access.Scope);
        if (WriteRules.TenantThatMustBeActive(ChangeTracker, access.Scope) is { } tenantId
            && Tenants.IgnoreQueryFilters().Any(t => t.Id == tenantId && t.State == TenantState.Suspended))
            throw new AccessDeniedException(TenantSuspension.Banner);
        UsageMeter.TrackAsync(this, clock.GetUtcNow(), CancellationToken.None).GetAwaiter().GetResult();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        WriteRules.Enforce(ChangeTracker, access.Scope);
        // Read now, not from the scope: a suspension takes effect on open circuits and requests at once.
        if (WriteRules.TenantThatMustBeActive(ChangeTracker, access.Scope) is { } tenantId
            && await TenantSuspension.IsSuspendedAsync(this, tenantId, cancellationToken))
            throw new AccessDeniedException(TenantSuspension.Banner);
        await UsageMeter.TrackAsync(this, clock.GetUtcNow(), cancellationToken);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
}
