using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Enrollment;

namespace VzPanel.Web.Tests.Pages.Nodes;

/// <summary>Issues a recognisable token for any request.</summary>
internal sealed class FakeNodeAdministration : INodeAdministration
{
    public Task<Result<JoinTokenIssued>> AddNodeAsync(AddNodeRequest request, CancellationToken ct) =>
        Task.FromResult<Result<JoinTokenIssued>>(Issued(Guid.NewGuid(), request.Name));

    public Task<Result<JoinTokenIssued>> RenewTokenAsync(Guid nodeId, CancellationToken ct) =>
        Task.FromResult<Result<JoinTokenIssued>>(Issued(nodeId, "node"));

    private static JoinTokenIssued Issued(Guid id, string name) =>
        new(id, name, "vzp1.test", $"vzpanel-agent enroll --panel https://panel:5081 --token vzp1.test-{name}", DateTimeOffset.UtcNow.AddHours(1));
}
