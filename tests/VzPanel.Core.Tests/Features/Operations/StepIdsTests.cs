using VzPanel.Core.Features.Operations.Jobs;

namespace VzPanel.Core.Tests.Features.Operations;

public sealed class StepIdsTests
{
    [Fact]
    public void For_FirstStepIsTheOperationItself_LaterStepsAreStableAndDistinct()
    {
        var operation = Guid.NewGuid();

        StepIds.For(operation, 0).ShouldBe(operation.ToString());
        StepIds.For(operation, 1).ShouldBe(StepIds.For(operation, 1));
        StepIds.For(operation, 1).ShouldNotBe(StepIds.For(operation, 2));
        StepIds.For(operation, 1).ShouldNotBe(StepIds.For(Guid.NewGuid(), 1));
        Guid.Parse(StepIds.For(operation, 1)).Version.ShouldBe(8);
    }
}
