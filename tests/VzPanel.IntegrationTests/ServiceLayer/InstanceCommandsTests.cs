using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Instances.Operations;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.ServiceLayer;

/// <summary>What <see cref="IInstanceCommands"/> accepts, refuses (with which code) and records, before any job runs.</summary>
public sealed class InstanceCommandsTests(PostgresServer server) : ServiceLayerTest(server)
{
    [Fact]
    public async Task Create_AsCustomer_SavesAProvisioningServerOfItsOwnTenantAndQueuesOneCreate()
    {
        var asked = await Host.AskAsync(ServiceHost.Customer(Alice.Id), (c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec("web1", "2G", guarantee: 25), TenantId = Bob.Id }, ct));

        asked.Error.ShouldBeNull();
        var op = await Host.OperationAsync(asked.Value!.Id);
        (op.Kind, op.State, op.TenantId).ShouldBe((OperationKind.Create, OperationState.Queued, Alice.Id));
        op.Summary.ShouldBe("Create container web1 (2G, 1 vCPU, 10 GiB disk) from debian-12 on n1");
        var instance = (await Host.InstanceAsync(op.TargetId!.Value))!;
        (instance.State, instance.TenantId, instance.MemoryMiB, instance.MemoryGuaranteePercent).ShouldBe((InstanceState.Provisioning, Alice.Id, 2048L, 25));
        Host.Jobs.Waiting.ShouldBe([op.Id]);
        (await AuditActionsAsync(instance.Id.ToString())).ShouldBe(["instance.create"]);
        Agents.Calls.ShouldBeEmpty();   // nothing reaches a node before the job runs
    }

    [Fact]
    public async Task Create_RootPassword_IsKeptEncryptedOnlyUntilTheJobHasUsedIt()
    {
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec("pw1"), TenantId = Alice.Id, RootPassword = "S3cret-root!" }, ct));

        var queued = (CreateParameters)(await Host.OperationAsync(asked.Value!.Id)).Parameters;
        queued.ProtectedRootPassword.ShouldNotBeNull();
        queued.ProtectedRootPassword.ShouldNotContain("S3cret-root!");
        var (done, _) = await Host.RunJobAsync(asked.Value.Id);
        done.State.ShouldBe(OperationState.Succeeded);
        ((CreateParameters)done.Parameters).ProtectedRootPassword.ShouldBeNull();
        Agents.CallsOf(Fakes.AgentMethod.Create).Single().Detail.ShouldBe("with a root password");
    }

    [Fact]
    public async Task Create_BadSpec_IsValidationWithEveryFieldAndSavesNothing()
    {
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec("bad name!", "lots", vcpus: 0, guarantee: 101), TenantId = Alice.Id }, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Validation);
        asked.Error.Fields!.Keys.ShouldBe(["Name", "Memory", "MemoryGuaranteePercent", "VCpus"], ignoreOrder: true);
        (await Host.ReadAsync(db => db.Instances.CountAsync(Ct))).ShouldBe(0);
        Host.Jobs.Dispatched.ShouldBe(0);
    }

    [Theory]
    [InlineData("32G", "memory")]       // over the plan's 16 GiB
    [InlineData("128M", "memory")]      // under the plan's 256 MiB
    public async Task Create_OutsideThePlan_IsValidationOnMemory(string memory, string field)
    {
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("big", memory), TenantId = Alice.Id }, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Validation);
        asked.Error.Fields!.Keys.ShouldBe([field]);
        asked.Error.Message.ShouldContain("Plan 'standard' allows");
    }

    [Fact]
    public async Task Create_TakenName_IsConflictWhateverTheCase()
    {
        await ServerAsync(name: "Shop");

        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("shop"), TenantId = Bob.Id }, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Conflict);
        asked.Error.Message.ShouldContain("'shop' is taken");
    }

    [Fact]
    public async Task Create_VmFromAContainerOnlyTemplate_IsValidationOnTemplate()
    {
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec("vm1", kind: InstanceKind.Vm, template: "alpine-3"), TenantId = Alice.Id }, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Validation);
        asked.Error.Fields!.Keys.ShouldBe(["template"]);
        asked.Error.Message.ShouldContain("'alpine-3' is a container template");
    }

    [Fact]
    public async Task Create_CustomerChoosingTheNode_IsForbidden()
    {
        var asked = await Host.AskAsync(ServiceHost.Customer(Alice.Id), (c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec("mine"), NodeId = N2.Id }, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Create_ForASuspendedCustomer_IsConflict()
    {
        await Host.ReadAsync(db => db.Tenants.Where(t => t.Id == Bob.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.State, TenantState.Suspended), Ct));

        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("late"), TenantId = Bob.Id }, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Conflict);
        asked.Error.Message.ShouldContain("suspended");
    }

    [Fact]
    public async Task Create_PlacesOnTheNodeWithMostGuaranteeHeadroom_AndRefusesWhenNoneFits()
    {
        await ServerAsync(node: N1, memoryMiB: 8192, guaranteePercent: 100);   // n1 has 7 GiB of guarantees left, n2 15 GiB

        var placed = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("p1", "4G", guarantee: 100), TenantId = Alice.Id }, ct));
        placed.Value!.NodeId.ShouldBe(N2.Id);

        var tooBig = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec("p2", "12G", guarantee: 100), TenantId = Alice.Id }, ct));
        tooBig.Error!.Code.ShouldBe(ErrorCodes.Conflict);
        tooBig.Error.Message.ShouldContain("No node can take it");
        tooBig.Error.Message.ShouldContain("guarantees would reach");
    }

    [Fact]
    public async Task Create_AdminChoosingAnOfflineNode_IsConflictNamingIt()
    {
        await Host.ReadAsync(db => db.Nodes.Where(n => n.Id == N2.Id).ExecuteUpdateAsync(s => s.SetProperty(n => n.State, NodeState.Offline), Ct));

        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("there"), TenantId = Alice.Id, NodeId = N2.Id }, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Conflict);
        asked.Error.Message.ShouldStartWith("Node n2: offline");
    }

    [Fact]
    public async Task StateRules_RefuseWhatTheServerIsNotIn()
    {
        var running = await ServerAsync(state: InstanceState.Running);
        var stopped = await ServerAsync(state: InstanceState.Stopped);

        (await Host.AdminAsync((c, ct) => c.StartAsync(running.Id, ct))).Error!.Message.ShouldContain("only a stopped server can be started");
        (await Host.AdminAsync((c, ct) => c.StopAsync(stopped.Id, false, ct))).Error!.Message.ShouldContain("already stopped");
        (await Host.AdminAsync((c, ct) => c.RestartAsync(stopped.Id, ct))).Error!.Message.ShouldContain("only a running server can be restarted");
        Host.Jobs.Dispatched.ShouldBe(0);
        (await Host.ReadAsync(db => db.Operations.CountAsync(Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task SecondRequestWhileOneIsUnfinished_IsBusy_AndAcceptedOnceItEnded()
    {
        var ct1 = await ServerAsync();
        var first = await Host.AdminAsync((c, ct) => c.SetVCpusAsync(ct1.Id, 2, ct));

        var second = await Host.AdminAsync((c, ct) => c.SetMemoryAsync(ct1.Id, "2G", ct));
        second.Error!.Code.ShouldBe(ErrorCodes.Busy);
        second.Error.Message.ShouldContain(first.Value!.Id.ToString());

        await Host.RunJobAsync(first.Value.Id);
        (await Host.AdminAsync((c, ct) => c.SetMemoryAsync(ct1.Id, "2G", ct))).Error.ShouldBeNull();
    }

    [Fact]
    public async Task ConcurrentRequests_OnTheSameServer_ExactlyOneWins()
    {
        var server = await ServerAsync();

        var answers = await Task.WhenAll(Enumerable.Range(2, 6).Select(n => Host.AdminAsync((c, ct) => c.SetVCpusAsync(server.Id, n, ct))));

        answers.Count(a => a.IsSuccess).ShouldBe(1);
        answers.Where(a => !a.IsSuccess).ShouldAllBe(a => a.Error!.Code == ErrorCodes.Busy);
        (await Host.ReadAsync(db => db.Operations.CountAsync(o => o.TargetId == server.Id, Ct))).ShouldBe(1);
    }

    public static TheoryData<string> Commands => ["start", "stop", "restart", "delete", "memory", "guarantee", "vcpus", "disk"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Customer_ActingOnAnotherTenantsServer_GetsNotFoundAndNothingHappens(string command)
    {
        var bobs = await ServerAsync(tenant: Bob, state: command == "start" ? InstanceState.Stopped : InstanceState.Running, kind: InstanceKind.Vm);

        var asked = await Host.AskAsync(ServiceHost.Customer(Alice.Id), (c, ct) => Send(c, command, bobs.Id, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.NotFound);
        (await Host.ReadAsync(db => db.Operations.CountAsync(Ct))).ShouldBe(0);
        (await AuditActionsAsync(bobs.Id.ToString())).ShouldBeEmpty();
        // The owner may.
        (await Host.AskAsync(ServiceHost.Customer(Bob.Id), (c, ct) => Send(c, command, bobs.Id, ct))).Error.ShouldBeNull();
    }

    [Fact]
    public async Task Support_IsReadOnly()
    {
        var server = await ServerAsync();

        var asked = await Host.AskAsync(ServiceHost.Support, (c, ct) => c.StopAsync(server.Id, true, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Forbidden);
        asked.Error.Message.ShouldContain("read-only");
    }

    [Theory]
    [InlineData("lots", "lots")]
    [InlineData("32M", "at least 64M")]
    [InlineData("1G", "already has 1G")]
    [InlineData("20G", "Plan 'standard' allows")]
    public async Task SetMemory_BadSizes_AreValidationOnMemory(string memory, string says)
    {
        var server = await ServerAsync(memoryMiB: 1024);

        var asked = await Host.AdminAsync((c, ct) => c.SetMemoryAsync(server.Id, memory, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Validation);
        asked.Error.Fields!.Keys.ShouldBe(["memory"]);
        asked.Error.Message.ShouldContain(says);
    }

    [Fact]
    public async Task SetMemory_ShrinkBelowWhatTheGuestUses_IsRefusedWithTheNodesFigure()
    {
        var server = await ServerAsync(memoryMiB: 2048, usedMiB: 900);

        var asked = await Host.AdminAsync((c, ct) => c.SetMemoryAsync(server.Id, "512M", ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Validation);
        asked.Error.Message.ShouldContain("uses 900 MiB right now");
        (await Host.AdminAsync((c, ct) => c.SetMemoryAsync(server.Id, "1G", ct))).Error.ShouldBeNull();
    }

    [Fact]
    public async Task SetMemory_GrowPastTheNodesGuarantees_IsConflict()
    {
        await ServerAsync(memoryMiB: 12288, guaranteePercent: 100);
        var server = await ServerAsync(memoryMiB: 2048, guaranteePercent: 100);

        var asked = await Host.AdminAsync((c, ct) => c.SetMemoryAsync(server.Id, "4G", ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Conflict);
        asked.Error.Message.ShouldContain("Node n1: guarantees would reach");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    [InlineData(50)]   // what it has
    public async Task SetMemoryGuarantee_OutOfRangeOrUnchanged_IsValidationOnPercent(int percent)
    {
        var server = await ServerAsync(guaranteePercent: 50);

        var asked = await Host.AdminAsync((c, ct) => c.SetMemoryGuaranteeAsync(server.Id, percent, ct));

        asked.Error!.Code.ShouldBe(ErrorCodes.Validation);
        asked.Error.Fields!.Keys.ShouldBe(["percent"]);
    }

    [Theory]
    [InlineData(0, ErrorCodes.Validation)]
    [InlineData(1, ErrorCodes.Validation)]     // what it has
    [InlineData(9, ErrorCodes.Validation)]     // over the plan's 8
    [InlineData(257, ErrorCodes.Validation)]
    public async Task SetVCpus_Refusals_CarryTheirCode(int vcpus, string code)
    {
        var server = await ServerAsync(vcpus: 1);

        (await Host.AdminAsync((c, ct) => c.SetVCpusAsync(server.Id, vcpus, ct))).Error!.Code.ShouldBe(code);
    }

    [Fact]
    public async Task ResizeDisk_OnlyGrowsAVmDisk()
    {
        var container = await ServerAsync(kind: InstanceKind.Ct);
        var vm = await ServerAsync(kind: InstanceKind.Vm, diskGiB: 20);

        (await Host.AdminAsync((c, ct) => c.ResizeDiskAsync(container.Id, "30G", ct))).Error!.Code.ShouldBe(ErrorCodes.Conflict);
        var shrink = await Host.AdminAsync((c, ct) => c.ResizeDiskAsync(vm.Id, "10G", ct));
        (shrink.Error!.Code, shrink.Error.Fields!.Keys.Single()).ShouldBe((ErrorCodes.Validation, "size"));
        (await Host.AdminAsync((c, ct) => c.ResizeDiskAsync(vm.Id, "20.5G", ct))).Error!.Code.ShouldBe(ErrorCodes.Validation);
        var grown = await Host.AdminAsync((c, ct) => c.ResizeDiskAsync(vm.Id, "30G", ct));
        grown.Value!.Summary.ShouldBe($"Disk of {vm.Name}: 20 GiB → 30 GiB");
    }

    [Fact]
    public async Task OfflineNode_RefusesChangesButStillDeletes()
    {
        var server = await ServerAsync(state: InstanceState.Stopped);
        await Host.ReadAsync(db => db.Nodes.Where(n => n.Id == N1.Id).ExecuteUpdateAsync(s => s.SetProperty(n => n.State, NodeState.Offline), Ct));

        var start = await Host.AdminAsync((c, ct) => c.StartAsync(server.Id, ct));
        start.Error!.Code.ShouldBe(ErrorCodes.Conflict);
        start.Error.Message.ShouldContain("Try again when it reports");
        (await Host.AdminAsync((c, ct) => c.DeleteAsync(server.Id, false, ct))).Error.ShouldBeNull();
    }

    [Fact]
    public async Task StrandedQueuedOperation_IsHandedToTheJobSystemAgainByTheRequeuer()
    {
        var server = await ServerAsync();
        var asked = await Host.AdminAsync((c, ct) => c.SetVCpusAsync(server.Id, 2, ct));
        var requeuer = ActivatorUtilities.CreateInstance<OperationRequeuer>(Host.Services);

        (await requeuer.RequeueAsync(TimeSpan.FromSeconds(30), Ct)).ShouldBe(0);   // not old enough yet
        Host.Clock.Advance(TimeSpan.FromSeconds(31));
        (await requeuer.RequeueAsync(TimeSpan.FromSeconds(30), Ct)).ShouldBe(1);

        Host.Jobs.Waiting.ShouldBe([asked.Value!.Id, asked.Value.Id]);
        (await Host.RunJobAsync(asked.Value.Id)).Operation.State.ShouldBe(OperationState.Succeeded);
        (await Host.RunJobAsync(asked.Value.Id)).Operation.Attempts.ShouldBe(1);   // the duplicate job finds it finished
        Agents.Applied(Fakes.AgentMethod.SetVCpus).ShouldBe(1);
    }

    private static Task<Result<OperationView>> Send(IInstanceCommands c, string command, Guid id, CancellationToken ct) => command switch
    {
        "start" => c.StartAsync(id, ct),
        "stop" => c.StopAsync(id, false, ct),
        "restart" => c.RestartAsync(id, ct),
        "delete" => c.DeleteAsync(id, false, ct),
        "memory" => c.SetMemoryAsync(id, "2G", ct),
        "guarantee" => c.SetMemoryGuaranteeAsync(id, 60, ct),
        "vcpus" => c.SetVCpusAsync(id, 2, ct),
        "disk" => c.ResizeDiskAsync(id, "20G", ct),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };
}
