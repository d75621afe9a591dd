using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Sim;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

public sealed class SimComputeEngineContractTests : DiskEngineContractTests
{
    private readonly TempDirectory _data = new();

    protected override Task<IComputeEngine> CreateEngineAsync() =>
        Task.FromResult<IComputeEngine>(new SimComputeEngine(
            new SimOptions { NodeName = "sim-contract", RamMib = 8192, CpuCount = 4, HostReserveMib = 1024, StateDirectory = _data.Path },
            () => throw new InvalidOperationException("crash fault is off")));

    protected override Task DisposeEngineAsync(IComputeEngine engine)
    {
        _data.Dispose();
        return Task.CompletedTask;
    }
}
