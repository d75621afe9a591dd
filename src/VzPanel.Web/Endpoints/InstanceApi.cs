using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Quotes;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>
/// Servers: list and read them (scoped to the caller), and change them. Every change answers 202 Accepted
/// with the queued operation; follow it at <c>/api/v1/operations/{id}</c> or live on <c>/hubs/events</c>.
/// </summary>
internal static class InstanceApi
{
    public static void MapInstanceApi(this IEndpointRouteBuilder app)
    {
        var instances = app.MapGroup("/api/v1/instances").RequireAuthorization(Policies.SignedIn).WithTags("Instances");

        instances.MapGet("/", (IInstanceQueries queries, CancellationToken ct, string? search, Guid? node, Guid? tenant,
                    InstanceState? state, InstanceKind? kind, int skip = 0, int take = 50) =>
                queries.ListAsync(new InstanceFilter { Search = search, NodeId = node, TenantId = tenant, State = state, Kind = kind, Skip = skip, Take = take }, ct))
            .WithSummary("Servers the caller may see, filtered and paged (take at most 500).");

        instances.MapGet("/{reference}", async (string reference, InstanceLookup lookup, IInstanceQueries queries, CancellationToken ct) =>
                await WithInstance(reference, lookup, async id => await queries.GetAsync(id, ct) is { } details
                    ? TypedResults.Ok(details) : Error.NotFound("Instance").ToProblem(), ct))
            .WithSummary("One server by UUID or name: size, plan bounds, price per hour, the operation running on it.");

        instances.MapGet("/{reference}/guest", (string reference, InstanceLookup lookup, IGuestInfoQueries guest, CancellationToken ct) =>
                WithInstance(reference, lookup, async id => (await guest.GetAsync(id, ct)).ToHttp(TypedResults.Ok), ct))
            .WithSummary("What the server's guest tools report, read from its node now: OS, memory the guest sees, which tools apply. "
                + "503 when the node does not answer.");

        instances.MapGet("/{reference}/counters", (string reference, InstanceLookup lookup, ICounterQueries counters, CancellationToken ct) =>
                WithInstance(reference, lookup, async id => (await counters.GetInstanceAsync(id, ct)).ToHttp(TypedResults.Ok), ct))
            .WithSummary("The server's beancounter-style resource counters (held, peak, barrier, limit, failures; pages, bytes or counts) "
                + "and OOM kills, read from its node now. 503 when the node does not answer.");

        instances.MapPost("/{reference}/migrations/dry-run", (string reference, MigrationDryRunRequest? request, InstanceLookup lookup,
                IMigrationPlanner planner, CancellationToken ct) =>
                WithInstance(reference, lookup, async id => (await planner.DryRunAsync(id, request?.TargetNodeId, ct)).ToHttp(TypedResults.Ok), ct))
            .RequireAuthorization(Policies.Staff).ChangesNothing()
            .WithSummary("What migrating the server would do, changing nothing: the target (the given node, or the one placement would "
                + "choose), live or cold and why, the expected transfer, and every pre-check with what it found. canMigrate is false when one fails.");

        instances.MapPost("/quote", async (QuoteRequest request, IPriceQuotes quotes, CancellationToken ct) =>
                (await quotes.ForNewServerAsync(request.ToCommand(), ct)).ToHttp(TypedResults.Ok))
            .ChangesNothing()
            .WithSummary("The price of a new server before it is created (the create body; name and template are not needed): hourly and "
                + "monthly (730 h), itemised, on the customer's plan. 400 with the bound past the plan's bounds. Queues nothing.");

        instances.MapPost("/{reference}/quote", (string reference, ShapeChange change, InstanceLookup lookup, IPriceQuotes quotes, CancellationToken ct) =>
                WithInstance(reference, lookup, async id => (await quotes.ForChangeAsync(id, change, ct)).ToHttp(TypedResults.Ok), ct))
            .ChangesNothing()
            .WithSummary("What a change to memory, vCPUs, memoryGuaranteePercent or disk would cost, now and after, per hour and per month. "
                + "Fields left out stay as they are. 400 with the bound past the plan's bounds. Queues nothing.");

        var change = instances.MapGroup("").RequireAuthorization(Policies.ManageInstances);

        change.MapPost("/", async (CreateInstanceRequest request, IInstanceCommands commands, CancellationToken ct) =>
                Accepted(await commands.CreateAsync(request.ToCommand(), ct)))
            .WithSummary("Create a server from a template; placed on the node with the most headroom unless an admin names one.");

        change.MapPost("/{reference}/start", (string reference, InstanceLookup lookup, IInstanceCommands c, CancellationToken ct) =>
            Change(reference, lookup, id => c.StartAsync(id, ct), ct)).WithSummary("Start a stopped server.");
        change.MapPost("/{reference}/stop", (string reference, InstanceLookup lookup, IInstanceCommands c, CancellationToken ct, bool force = false) =>
            Change(reference, lookup, id => c.StopAsync(id, force, ct), ct)).WithSummary("Shut a server down (force=true powers it off).");
        change.MapPost("/{reference}/restart", (string reference, InstanceLookup lookup, IInstanceCommands c, CancellationToken ct) =>
            Change(reference, lookup, id => c.RestartAsync(id, ct), ct)).WithSummary("Restart a running server.");
        change.MapDelete("/{reference}", (string reference, InstanceLookup lookup, IInstanceCommands c, CancellationToken ct, bool keepVolumes = false) =>
            Change(reference, lookup, id => c.DeleteAsync(id, keepVolumes, ct), ct)).WithSummary("Delete a server and, unless keepVolumes, its disks.");
        change.MapPut("/{reference}/memory", (string reference, SetMemoryRequest body, InstanceLookup lookup, IInstanceCommands c, CancellationToken ct) =>
            Change(reference, lookup, id => c.SetMemoryAsync(id, body.Memory, ct), ct)).WithSummary("Change memory live, up or down (\"4G\", \"512M\" or MiB).");
        change.MapPut("/{reference}/memory-guarantee", (string reference, SetGuaranteeRequest body, InstanceLookup lookup, IInstanceCommands c, CancellationToken ct) =>
            Change(reference, lookup, id => c.SetMemoryGuaranteeAsync(id, body.Percent, ct), ct)).WithSummary("Change the memory guarantee (percent of memory).");
        change.MapPut("/{reference}/vcpus", (string reference, SetVCpusRequest body, InstanceLookup lookup, IInstanceCommands c, CancellationToken ct) =>
            Change(reference, lookup, id => c.SetVCpusAsync(id, body.VCpus, ct), ct)).WithSummary("Change the number of vCPUs.");
        change.MapPut("/{reference}/disk", (string reference, SetDiskRequest body, InstanceLookup lookup, IInstanceCommands c, CancellationToken ct) =>
                Change(reference, lookup, id => c.ResizeDiskAsync(id, body.Size, ct), ct))
            .WithSummary("Grow a VM's disk, running or stopped (\"20G\", \"1T\"); disks never shrink, and containers have no disk of their own.");

        change.MapPost("/{reference}/migrations", (string reference, MigrateCommand? body, InstanceLookup lookup, IInstanceCommands c, CancellationToken ct) =>
                Change(reference, lookup, id => c.MigrateAsync(id, body ?? new MigrateCommand(), ct), ct))
            .WithSummary("Migrate a server (admins): to targetNodeId or where placement puts it; live when it runs (containers without CRIU "
                + "move cold), within maxDowntimeMs (default 300) and bandwidthMibPerSecond (0 = unlimited). 409 names the failed pre-checks.");

        instances.MapGet("/create-options", (IInstanceQueries queries, CancellationToken ct) => queries.CreateOptionsAsync(ct))
            .WithSummary("Templates, customers and nodes the caller may choose when creating a server.");
    }

    private static Task<IResult> Change(string reference, InstanceLookup lookup, Func<Guid, Task<Result<OperationView>>> change, CancellationToken ct) =>
        WithInstance(reference, lookup, async id => Accepted(await change(id)), ct);

    private static async Task<IResult> WithInstance(string reference, InstanceLookup lookup, Func<Guid, Task<IResult>> then, CancellationToken ct)
    {
        var resolved = await lookup.ResolveAsync(reference, ct);
        return resolved.IsSuccess ? await then(resolved.Value) : resolved.Error!.ToProblem();
    }

    private static IResult Accepted(Result<OperationView> result) =>
        result.ToHttp(op => TypedResults.Accepted($"/api/v1/operations/{op.Id}", op));

    public sealed record SetMemoryRequest(string Memory);

    public sealed record SetGuaranteeRequest(int Percent);

    public sealed record SetVCpusRequest(int VCpus);

    public sealed record SetDiskRequest(string Size);

    /// <summary>The create body as a quote reads it: only what is priced, so a form can ask before it has a name.</summary>
    public sealed record QuoteRequest
    {
        public InstanceKind Kind { get; init; }
        public string? Memory { get; init; }
        public int MemoryGuaranteePercent { get; init; }
        public int VCpus { get; init; } = 1;
        public string? Disk { get; init; }
        public Guid? TenantId { get; init; }

        public CreateInstanceCommand ToCommand() => new()
        {
            Spec = new InstanceSpec { Name = "", Kind = Kind, Memory = Memory ?? "", MemoryGuaranteePercent = MemoryGuaranteePercent, VCpus = VCpus, Disk = Disk },
            TenantId = TenantId,
        };
    }

    public sealed record CreateInstanceRequest
    {
        public required string Name { get; init; }
        public InstanceKind Kind { get; init; }
        public string? Template { get; init; }
        public required string Memory { get; init; }
        public int MemoryGuaranteePercent { get; init; }
        public int VCpus { get; init; } = 1;
        public int? CpuLimitPercent { get; init; }

        /// <summary>The disk as "20G"; none gives 10 GiB.</summary>
        public string? Disk { get; init; }

        public string? Hostname { get; init; }
        public IReadOnlyList<string> IpAddresses { get; init; } = [];
        public Guid? TenantId { get; init; }
        public Guid? NodeId { get; init; }
        public string? RootPassword { get; init; }
        public bool Start { get; init; } = true;

        public CreateInstanceCommand ToCommand() => new()
        {
            Spec = new InstanceSpec
            {
                Name = Name, Kind = Kind, Template = Template, Memory = Memory, MemoryGuaranteePercent = MemoryGuaranteePercent, VCpus = VCpus,
                CpuLimitPercent = CpuLimitPercent, Disk = Disk, Hostname = Hostname, IpAddresses = IpAddresses,
            },
            TenantId = TenantId, NodeId = NodeId, RootPassword = RootPassword, Start = Start,
        };
    }
}

/// <summary>The dry run's question: to which node (none: where placement would put it).</summary>
public sealed record MigrationDryRunRequest(Guid? TargetNodeId);
