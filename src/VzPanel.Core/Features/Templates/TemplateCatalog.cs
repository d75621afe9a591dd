using Microsoft.EntityFrameworkCore;
using Npgsql;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Enrollment;

namespace VzPanel.Core.Features.Templates;

/// <summary>
/// Templates are registered in the panel once and are available on the nodes that have them: a node's report adds
/// the (name, kind, version) rows the catalog lacks, audited as the system, in the caller's unit of work.
/// </summary>
public sealed class TemplateCatalog(AuditLog audit, TimeProvider clock)
{
    private const string UniqueIndex = "ix_templates_name_kind_version";

    /// <summary>Adds to <paramref name="db"/> the templates of <paramref name="reported"/> the catalog does not have yet.</summary>
    /// <returns>How many rows were added (saved with the caller's changes).</returns>
    public async Task<int> RegisterAsync(VzPanelDbContext db, string nodeName, IReadOnlyList<ReportedTemplate> reported, CancellationToken ct)
    {
        var usable = NodeFacts.Usable(reported).ToList();
        if (usable.Count == 0) return 0;
        var names = usable.Select(t => t.Name).Distinct().ToList();
        var known = (await db.Templates.AsNoTracking().Where(t => names.Contains(t.Name)).Select(t => new { t.Name, t.Kind, t.Version }).ToListAsync(ct))
            .Select(t => (t.Name, t.Kind, t.Version)).ToHashSet();
        var added = 0;
        foreach (var t in usable.Where(t => !known.Contains((t.Name, t.Kind, t.Version))))
        {
            var description = t.Description is { Length: > 0 } d ? d[..Math.Min(d.Length, NodeFacts.MaxTemplateDescriptionLength)] : null;
            var row = new Template { Name = t.Name, Kind = t.Kind, Version = t.Version, Description = description, CreatedAt = clock.GetUtcNow() };
            db.Templates.Add(row);
            audit.Add(db, new AuditEntry("template.register",
                    $"Registered template {t.Name} ({KindCode(t.Kind)}) version {(t.Version.Length > 0 ? t.Version : "unversioned")}, reported by node '{nodeName}'.")
                { Actor = "system", TargetType = "template", TargetId = row.Id.ToString() });
            added++;
        }
        return added;
    }

    /// <summary>Another node registered the same template at the same moment; reading again finds it.</summary>
    public static bool IsRegistrationRace(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: UniqueIndex };

    /// <summary>Which release of a template a new instance on <paramref name="node"/> is built from: the one the node has, else the newest.</summary>
    public static Template PickVersion(IReadOnlyList<Template> releases, Node node) =>
        releases.Where(r => node.Templates.Contains(new NodeTemplate(r.Name, r.Kind, r.Version))).MaxBy(r => r.CreatedAt)
        ?? releases.MaxBy(r => r.CreatedAt)!;

    /// <summary>"CT" or "VM", as refusals and audit lines write a kind.</summary>
    public static string KindCode(InstanceKind kind) => kind == InstanceKind.Vm ? "VM" : "CT";
}
