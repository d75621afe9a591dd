using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Instances;

/// <summary>Resolves what a person typed (UUID or name) to one instance they may see.</summary>
public sealed class InstanceLookup(IDbContextFactory<VzPanelDbContext> dbFactory)
{
    public async Task<Result<Guid>> ResolveAsync(string text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text)) return Error.Validation("instance", "Name the instance by UUID or name.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = InstanceRef.Parse(text) switch
        {
            InstanceRef.ById byId => await db.Instances.Where(i => i.Id == byId.Id).Select(i => (Guid?)i.Id).SingleOrDefaultAsync(ct),
            InstanceRef.ByName byName => await db.Instances
                .Where(i => EF.Property<string>(i, "NameKey") == byName.Name.ToLowerInvariant())
                .Select(i => (Guid?)i.Id).SingleOrDefaultAsync(ct),
            _ => null,
        };
        return found is { } id ? id : Error.NotFound($"Instance '{text.Trim()}'");
    }
}
