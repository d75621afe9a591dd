using VzPanel.Core.Common;
using VzPanel.Core.Features.GuestTools;

namespace VzPanel.Web.Tests.Pages.Instances;

/// <summary>Answers what the test sets (a running Linux guest by default) and counts the reads.</summary>
internal sealed class FakeGuestInfoQueries : IGuestInfoQueries
{
    public const string SidChangeOnLinux = "SID change applies to Windows guests only; this guest runs Linux";

    public static readonly GuestInfoView LinuxGuest = new(true, null, "debian", "Debian GNU/Linux 12 (bookworm)", "12", "6.1.0-28-amd64", 2048, 1434,
    [
        new(GuestToolNames.Exec, true, null), new(GuestToolNames.SetPassword, true, null), new(GuestToolNames.Network, true, null),
        new(GuestToolNames.SidChange, false, SidChangeOnLinux),
    ]);

    public Result<GuestInfoView> Answer { get; set; } = LinuxGuest;
    public int Reads { get; private set; }

    public Task<Result<GuestInfoView>> GetAsync(Guid instanceId, CancellationToken ct)
    {
        Reads++;
        return Task.FromResult(Answer);
    }
}
