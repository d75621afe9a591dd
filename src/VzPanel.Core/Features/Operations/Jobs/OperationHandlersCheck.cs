using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>Builds the handler registry once at start, so a kind without a handler stops the panel there, not in a job.</summary>
internal sealed class OperationHandlersCheck(IServiceScopeFactory scopes) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        _ = scope.ServiceProvider.GetRequiredService<OperationHandlers>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
