using VzPanel.Core.Features.Instances.Operations;
using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Features.Operations;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>Many people (or one script) changing one server at once: one operation at a time, each applied once.</summary>
[Collection(nameof(OperationsFleetCollection))]
public sealed class ConcurrentChangeTests(OperationsFleet fleet)
{
    [Fact]
    public async Task SetMemory_HundredConcurrentRequests_AcceptsOneAtATimeAndTheNodeAppliesEachOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = await fleet.AdminAsync();
        var created = await (await admin.CreateAsync(new
        {
            name = "ops-burst", kind = "Ct", template = FleetTenants.CtTemplate, memory = "1G", memoryGuaranteePercent = 0, tenantId = fleet.Tenants.Acme.Id,
        })).AcceptedAsync();
        await admin.SucceededAsync(created.OperationId);
        var id = created.InstanceId;
        var node = fleet.Node(Guid.Parse(created.Body.GetProperty("nodeId").GetString()!));
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var applied = new ConcurrentQueue<AgentEvent>();
        using var call = fleet.Agents.For(node.Id, node.Address).WatchEvents(new WatchEventsRequest(), cancellationToken: watching.Token);
        await call.ResponseHeadersAsync;   // the node's subscription is live once its headers are in
        var watch = CollectAsync(call, id, applied, watching.Token);
        // Distinct sizes from 2G up, shuffled so the server grows and shrinks; no shrink goes below what it uses (64 MiB + a quarter).
        var shuffle = new Random(20261128);
        var sizes = Enumerable.Range(0, 100).Select(i => 2048L + i * 16).OrderBy(_ => shuffle.Next()).ToArray();

        // Half of them at once, the rest over the next five seconds: several get their turn while the others are refused.
        var responses = await Task.WhenAll(sizes.Select(async (mib, i) =>
        {
            await Task.Delay(i < 50 ? 0 : (i - 50) * 100, ct);
            return (mib, response: await admin.SetMemoryAsync(id.ToString(), $"{mib}M"));
        }));

        var accepted = new Dictionary<Guid, long>();
        foreach (var (mib, response) in responses)
        {
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add((await response.AcceptedAsync()).OperationId, mib);
                continue;
            }
            var problem = await response.ProblemAsync();
            (problem.Status, problem.Code).ShouldBe((HttpStatusCode.Conflict, "busy"), problem.Body);
            problem.Detail.ShouldStartWith("busy: ");
        }
        accepted.ShouldNotBeEmpty();   // usually a dozen or more: a change takes well under the five seconds the later requests are spread over
        foreach (var operation in accepted.Keys) await admin.SucceededAsync(operation);
        await using var db = fleet.Database.CreateContext();
        var succeeded = await db.Operations.AsNoTracking()
            .Where(o => o.TargetId == id && o.Kind == OperationKind.SetMemory && o.State == OperationState.Succeeded)
            .OrderBy(o => o.FinishedAt).ToListAsync(ct);
        succeeded.Select(o => o.Id).ShouldBe(accepted.Keys, ignoreOrder: true);
        succeeded.ShouldAllBe(o => ((SetMemoryParameters)o.Parameters).MemoryMiB == accepted[o.Id]);
        var row = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == id, ct);
        var reported = (await fleet.Agents.ListInstancesAsync(node.Id, node.Address, ct)).Single(i => i.Id == id.ToString());
        row.MemoryMiB.ShouldBe(((SetMemoryParameters)succeeded[^1].Parameters).MemoryMiB);
        reported.MemoryMib.ShouldBe(row.MemoryMiB);
        // The node saw each accepted operation succeed exactly once, and nothing else.
        await WaitUntilAsync(() => applied.Count >= accepted.Count, ct);
        await watching.CancelAsync();
        await watch;
        applied.Select(e => Guid.Parse(e.OperationId)).ShouldBe(succeeded.Select(o => o.Id));   // in the order the panel recorded them
        TestContext.Current.TestOutputHelper?.WriteLine($"100 concurrent memory changes: {accepted.Count} accepted, {100 - accepted.Count} busy");

        await admin.RemoveAsync(id);
    }

    /// <summary>Collects the node's "operation succeeded" events for memory changes of <paramref name="instance"/>.</summary>
    private static async Task CollectAsync(AsyncServerStreamingCall<AgentEvent> call, Guid instance, ConcurrentQueue<AgentEvent> applied, CancellationToken ct)
    {
        try
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync(ct))
            {
                if (e.Kind == AgentEventKind.OperationSucceeded && e.InstanceId == instance.ToString() && e.Message == "set-memory")
                    applied.Enqueue(e);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is RpcException { StatusCode: StatusCode.Cancelled })
        {
            // the test has seen enough
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(25, timeout.Token);
    }
}
