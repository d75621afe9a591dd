using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Plans;

namespace VzPanel.Web.Tests.Pages.Plans;

/// <summary>Plans held in memory; changes are recorded, and answered with <see cref="Answers"/> in turn while there are any.</summary>
internal sealed class FakePlans : IPlanQueries, IPlanCommands
{
    public List<PlanView> Items { get; } = [];
    public List<PlanInput> Updates { get; } = [];
    public Queue<Error> Answers { get; } = new();

    public static PlanView Plan(string name, bool retired = false, int tenants = 0, int servers = 0) =>
        new(Guid.NewGuid(), name, 256, 16384, 8, 1024, 0.004m, 0.01m, 0.073m, 0.5m, "EUR", PlanBilling.Prepaid, retired,
            retired ? DateTimeOffset.UtcNow : null, tenants, servers);

    public Task<IReadOnlyList<PlanView>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<PlanView>>([.. Items]);

    public Task<PlanView?> GetAsync(Guid id, CancellationToken ct) => Task.FromResult(Items.FirstOrDefault(p => p.Id == id));

    public Task<Result<PlanView>> CreateAsync(PlanInput input, CancellationToken ct) => UpdateAsync(Guid.Empty, input, ct);

    public Task<Result<PlanView>> UpdateAsync(Guid id, PlanInput input, CancellationToken ct)
    {
        Updates.Add(input);
        if (Answers.TryDequeue(out var error)) return Task.FromResult<Result<PlanView>>(error);
        var plan = Items.FirstOrDefault(p => p.Id == id) ?? Plan(input.Name ?? "new");
        return Task.FromResult<Result<PlanView>>(plan with { PricePerGiBHour = input.PricePerGiBHour ?? plan.PricePerGiBHour });
    }

    public Task<Result<PlanView>> RetireAsync(Guid id, CancellationToken ct) => UpdateAsync(id, new PlanInput { Retired = true }, ct);

    public Task<Result<PlanView>> UnretireAsync(Guid id, CancellationToken ct) => UpdateAsync(id, new PlanInput { Retired = false }, ct);

    public Task<Result<Guid>> DeleteAsync(Guid id, CancellationToken ct) => Task.FromResult<Result<Guid>>(id);
}
