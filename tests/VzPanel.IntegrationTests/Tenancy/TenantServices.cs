using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Tenancy;

/// <summary>The tenant and server services as the panel builds them, on a test database, for one access scope.</summary>
internal static class TenantServices
{
    public static TenantCommands Commands(TestDatabase database, AccessScope scope)
    {
        var factory = database.Factory(scope);
        var access = new CurrentAccess(scope);
        return new TenantCommands(factory, access, new AuditLog(factory, access, TimeProvider.System), Queries(database, scope),
            new PanelEvents(NullLogger<PanelEvents>.Instance), TimeProvider.System);
    }

    public static TenantQueries Queries(TestDatabase database, AccessScope scope) =>
        new(database.Factory(scope), new CurrentAccess(scope), TimeProvider.System);

    /// <summary>Server commands whose jobs are never run: admission is what these tests look at.</summary>
    public static InstanceCommands Instances(TestDatabase database, AccessScope scope)
    {
        var factory = database.Factory(scope);
        var access = new CurrentAccess(scope);
        return new InstanceCommands(factory, access, new AuditLog(factory, access, TimeProvider.System), new NoDispatch(),
            new PanelEvents(NullLogger<PanelEvents>.Instance), new InstanceSpecValidator(), new InstanceUsageProbe(null!),
            new OperationSecrets(new EphemeralDataProtectionProvider()), null!, TimeProvider.System, NullLogger<InstanceCommands>.Instance);
    }

    public static async Task<Tenant> WithQuotasAsync(this TestDatabase database, Tenant tenant, TenantQuotas quotas)
    {
        await using var db = database.CreateContext();
        var row = await db.Tenants.SingleAsync(t => t.Id == tenant.Id);
        row.Quotas = quotas;
        await db.SaveChangesAsync();
        return row;
    }

    public static async Task<Instance> ServerAsync(this TestDatabase database, Tenant tenant, Node node, long memoryMiB = 1024,
        int guaranteePercent = 0, int vcpus = 1, long diskGiB = 10, InstanceKind kind = InstanceKind.Vm, InstanceState state = InstanceState.Running)
    {
        await using var db = database.CreateContext();
        var now = DateTimeOffset.UtcNow;
        var instance = new Instance
        {
            Kind = kind, Name = $"srv-{Guid.NewGuid():N}"[..14], TenantId = tenant.Id, NodeId = node.Id, State = state, MemoryMiB = memoryMiB,
            MemoryGuaranteePercent = guaranteePercent, VCpus = vcpus, DiskGiB = diskGiB, IpAddresses = [IPAddress.Parse("192.0.2.20")],
            CreatedAt = now, UpdatedAt = now,
        };
        db.Instances.Add(instance);
        await db.SaveChangesAsync();
        return instance;
    }

    private sealed class NoDispatch : IOperationDispatcher
    {
        public void Dispatch(Guid operationId) { }
    }
}
