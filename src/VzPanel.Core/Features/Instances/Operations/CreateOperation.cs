using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;

namespace VzPanel.Core.Features.Instances.Operations;

/// <param name="Start">Start the new server once it is built.</param>
/// <param name="ProtectedRootPassword">The root password, encrypted with the panel's data protection keys; erased when the job ends.</param>
public sealed record CreateParameters(bool Start, string? ProtectedRootPassword) : OperationParameters
{
    public override OperationParameters WithoutSecrets() => ProtectedRootPassword is null ? this : this with { ProtectedRootPassword = null };
}

/// <summary>Builds the server on its node from the template, then starts it when asked to.</summary>
public sealed class CreateHandler(ServerOperationStore store, INodeAgentGateway agents, OperationSecrets secrets)
    : ServerOperationHandler<CreateParameters>(store)
{
    public override OperationKind Kind => OperationKind.Create;
    protected override bool ChangesVolumes => true;

    protected override async Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, CreateParameters p, CancellationToken ct)
    {
        var spec = steps.Target.Spec;
        var password = p.ProtectedRootPassword is { } secret ? secrets.Unprotect(secret) : null;
        var created = await steps.StepAsync(0, 10, $"Creating {spec.Kind.ToString().ToUpperInvariant()} from {spec.Template} on {steps.Node.Name}",
            s => s is not null, change => agents.CreateAsync(steps.Node, change, spec, password, ct));
        if (!created.IsSuccess || !p.Start) return created;
        return await steps.StepAsync(1, 60, "Starting", s => s?.State == InstanceState.Running,
            change => agents.StartAsync(steps.Node, change, steps.InstanceId, ct));
    }
}
