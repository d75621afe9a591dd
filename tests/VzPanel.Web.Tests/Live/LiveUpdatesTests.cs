using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Tests.Live;

/// <summary>The one way pages follow panel events: who sees what, how bursts are folded, and that a closed page hears nothing.</summary>
public sealed class LiveUpdatesTests : VzPanelTestContext
{
    private static readonly Guid Acme = Guid.NewGuid();
    private static readonly Guid Globex = Guid.NewGuid();
    private readonly FakeTimeProvider _clock = new();
    private readonly LiveCalls _calls = new();

    public LiveUpdatesTests() => Services.AddSingleton<TimeProvider>(_clock);

    private PanelEvents Events => Services.GetRequiredService<PanelEvents>();

    /// <summary>Follows as a page would: called back on the renderer's dispatcher.</summary>
    private LiveSubscription Follow(AccessScope viewer, Func<LiveChanges, Task>? onChange = null)
    {
        ViewAs(viewer);
        return Services.GetRequiredService<LiveUpdates>().Follow(Renderer.Dispatcher.InvokeAsync, changes =>
        {
            _calls.Add(changes);
            return onChange?.Invoke(changes) ?? Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Follow_ForACustomer_NeverDeliversAnotherTenantsEvents()
    {
        using var live = Follow(AccessScope.ForTenant(Acme)).On<InstanceChanged>().On<OperationChanged>();

        Events.Publish(Instance(Globex));
        Events.Publish(Operation(Globex, 10));
        Events.Publish(Operation(tenant: null, 10));   // a node's drain belongs to no tenant
        Events.Publish(Instance(Acme));
        await _calls.CountReachesAsync(1);
        await LongAfterAsync();

        _calls.Events.ShouldHaveSingleItem().ShouldBeOfType<InstanceChanged>().TenantId.ShouldBe(Acme);
    }

    [Fact]
    public async Task Follow_ForACustomer_DeliversNoNodeEvents()
    {
        using var live = Follow(AccessScope.ForTenant(Acme)).On<NodeChanged>();

        Events.Publish(new NodeChanged(Guid.NewGuid(), NodeState.Offline));
        await LongAfterAsync();

        _calls.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Follow_ForSupport_DeliversNodeEventsAndEveryTenantsEvents()
    {
        using var live = Follow(Staff(PanelRole.Support)).On<NodeChanged>().On<InstanceChanged>();

        Events.Publish(new NodeChanged(Guid.NewGuid(), NodeState.Offline));
        Events.Publish(Instance(Acme));
        Events.Publish(Instance(Globex));
        await _calls.CountReachesAsync(1);
        _clock.Advance(LiveUpdates.Interval);

        await _calls.CountReachesAsync(2);
        _calls.Events.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Follow_WithAFilter_DeliversOnlyWhatItAccepts()
    {
        var mine = Guid.NewGuid();
        using var live = Follow(Staff(PanelRole.Admin)).On<InstanceChanged>(e => e.InstanceId == mine);

        Events.Publish(Instance(Acme));
        Events.Publish(Instance(Acme) with { InstanceId = mine });
        await _calls.CountReachesAsync(1);
        await LongAfterAsync();

        _calls.Events.ShouldHaveSingleItem().ShouldBeOfType<InstanceChanged>().InstanceId.ShouldBe(mine);
    }

    [Fact]
    public async Task Follow_BurstOfAHundredEvents_CallsBackAFewTimes_AndDeliversTheLast()
    {
        using var live = Follow(Staff(PanelRole.Admin)).On<OperationChanged>();

        for (var percent = 0; percent < 100; percent++) Events.Publish(Operation(Acme, percent));
        await _calls.CountReachesAsync(1);   // the first at once
        _clock.Advance(LiveUpdates.Interval);
        await _calls.CountReachesAsync(2);   // the rest in one trailing call
        await LongAfterAsync();

        _calls.Count.ShouldBeInRange(2, 3);
        _calls.Events.Cast<OperationChanged>().Select(e => e.ProgressPercent).ShouldBe(Enumerable.Range(0, 100));   // none dropped, in order
    }

    [Fact]
    public async Task Follow_EventsWhileACallRuns_WaitForIt_ThenComeInOneMoreCall()
    {
        var slow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var live = Follow(Staff(PanelRole.Admin), _ => _calls.Count == 1 ? slow.Task : Task.CompletedTask).On<OperationChanged>();
        Events.Publish(Operation(Acme, 1));
        await _calls.CountReachesAsync(1);

        Events.Publish(Operation(Acme, 2));
        Events.Publish(Operation(Acme, 3));
        await LongAfterAsync();
        _calls.Count.ShouldBe(1);   // never two at once
        slow.SetResult();

        await _calls.CountReachesAsync(2);
        _calls.Last.Of<OperationChanged>().Select(e => e.ProgressPercent).ShouldBe([2, 3]);
    }

    [Fact]
    public async Task Dispose_WithACallPending_CallsNothingMore()
    {
        var live = Follow(Staff(PanelRole.Admin)).On<OperationChanged>();
        Events.Publish(Operation(Acme, 1));
        await _calls.CountReachesAsync(1);
        Events.Publish(Operation(Acme, 2));   // waits for the interval

        await Renderer.Dispatcher.InvokeAsync(live.Dispose);   // where a page is disposed
        Events.Publish(Operation(Acme, 3));
        await LongAfterAsync();

        _calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Refresh_WithoutAnEvent_CallsBackWithNone()
    {
        using var live = Follow(Staff(PanelRole.Admin)).On<OperationChanged>();

        live.Refresh();

        await _calls.CountReachesAsync(1);
        _calls.Events.ShouldBeEmpty();
    }

    /// <summary>Lets any trailing call come due (fake time) and arrive (real time), before asserting what was called.</summary>
    private Task LongAfterAsync()
    {
        _clock.Advance(TimeSpan.FromSeconds(5));
        return SettleAsync();
    }

    private static InstanceChanged Instance(Guid tenant) => new(Guid.NewGuid(), tenant, Guid.NewGuid(), InstanceState.Running);

    private static OperationChanged Operation(Guid? tenant, int percent) =>
        new(Guid.NewGuid(), OperationKind.Start, Guid.NewGuid(), "web-1", tenant, null, OperationState.Running, percent, null, null, "Start web-1");
}
