using VzPanel.Core.Features.Dashboard;

namespace VzPanel.Web.Tests.Pages.Dashboard;

/// <summary>Hands the dashboard a fixed summary and counts how often it was asked.</summary>
internal sealed class FakeFleetDashboard(FleetSummary summary) : IFleetDashboardQueries
{
    public int Calls { get; private set; }

    public Task<FleetSummary> GetSummaryAsync(CancellationToken ct)
    {
        Calls++;
        return Task.FromResult(summary);
    }
}
