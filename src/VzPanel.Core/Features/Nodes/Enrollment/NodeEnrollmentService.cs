using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes.Pki;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Options;

namespace VzPanel.Core.Features.Nodes.Enrollment;

/// <summary>What admins do to bring nodes in; the UI's seam (bUnit tests fake it).</summary>
public interface INodeAdministration
{
    Task<Result<JoinTokenIssued>> AddNodeAsync(AddNodeRequest request, CancellationToken ct);
    Task<Result<JoinTokenIssued>> RenewTokenAsync(Guid nodeId, CancellationToken ct);
}

/// <summary>How a node joins: an admin adds it and gets a one-time token; its agent trades the token for a certificate.</summary>
public sealed class NodeEnrollmentService(
    IDbContextFactory<VzPanelDbContext> dbFactory,
    AgentCertificateAuthority ca,
    AuditLog audit,
    TemplateCatalog templates,
    PanelEvents events,
    IOptions<AgentOptions> options,
    TimeProvider clock) : INodeAdministration
{
    private const string InvalidToken = "The join token is invalid, already used or expired. Ask an admin for a new one.";

    public async Task<Result<JoinTokenIssued>> AddNodeAsync(AddNodeRequest request, CancellationToken ct)
    {
        if (InstanceName.Problem(request.Name) is { } problem) return Error.Validation("name", problem.Replace("A name", "A node name"));
        if (request.HostReserveMiB < 0) return Error.Validation("hostReserveMiB", "The host reserve cannot be negative.");
        if (request.OvercommitRatio is < 1 or > 10) return Error.Validation("overcommitRatio", "The overcommit ratio is between 1.0 and 10.0.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Nodes.AnyAsync(n => n.Name == request.Name, ct)) return Error.Conflict($"A node named '{request.Name}' already exists.");
        var node = new Node
        {
            Name = request.Name, ManagementAddress = "", Engine = EngineKind.Sim, HostReserveMiB = request.HostReserveMiB,
            OvercommitRatio = request.OvercommitRatio, MemoryPolicy = request.MemoryPolicy, CreatedAt = clock.GetUtcNow(),
        };
        db.Nodes.Add(node);
        var issued = AddToken(db, node);
        audit.Add(db, new AuditEntry("node.add", $"Added node '{node.Name}' and issued a join token valid until {issued.ExpiresAt:u}.")
            { TargetType = "node", TargetId = node.Id.ToString() });
        await db.SaveChangesAsync(ct);
        events.Publish(new NodeChanged(node.Id, node.State));
        return issued;
    }

    /// <summary>A fresh token for an existing node (lost token, or re-enrolling a reinstalled host).</summary>
    public async Task<Result<JoinTokenIssued>> RenewTokenAsync(Guid nodeId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var node = await db.Nodes.SingleOrDefaultAsync(n => n.Id == nodeId, ct);
        if (node is null) return Error.NotFound("Node");
        var issued = AddToken(db, node);
        audit.Add(db, new AuditEntry("node.token", $"Issued a join token for node '{node.Name}'.") { TargetType = "node", TargetId = node.Id.ToString() });
        await db.SaveChangesAsync(ct);
        return issued;
    }

    public async Task<Result<EnrollResult>> EnrollAsync(EnrollCommand command, CancellationToken ct)
    {
        if (!AgentAddress.IsValid(command.AgentAddress))
            return Error.Validation("agentAddress", "The agent address must be host:port (at most 255 characters), for example 10.0.0.5:7443.");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryEnrollAsync(command, ct);
            }
            catch (DbUpdateException ex) when (attempt < 3 && TemplateCatalog.IsRegistrationRace(ex))
            {
                // Another node registered one of its templates at the same moment; nothing was saved, the token is unused.
            }
        }
    }

    private async Task<Result<EnrollResult>> TryEnrollAsync(EnrollCommand command, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var token = await db.JoinTokens.SingleOrDefaultAsync(t => t.Id == command.TokenId, ct);
        var refusal = token switch
        {
            null => "unknown token",
            _ when !JoinTokenSecret.Matches(command.Secret, token.SecretHash) => "wrong secret",
            { UsedAt: not null } => "token already used",
            _ when token.ExpiresAt <= now => "token expired",
            _ => null,
        };
        if (refusal is not null)
        {
            await audit.RecordAsync(new AuditEntry("node.enroll-refused", $"Refused an enrollment from {command.AgentAddress}: {refusal}.")
                { Actor = "agent", TargetType = "join-token", TargetId = command.TokenId.ToString() }, ct);
            return Error.Forbidden(InvalidToken);
        }

        var node = await db.Nodes.SingleAsync(n => n.Id == token!.NodeId, ct);
        X509Certificate2 certificate;
        try
        {
            certificate = ca.IssueNodeCertificate(command.SigningRequest, node.Id, HostOf(command.AgentAddress));
        }
        catch (CryptographicException)
        {
            return Error.Validation("certificateSigningRequest", "The certificate signing request is not a valid, signed PKCS#10 request.");
        }

        token!.UsedAt = now;
        Apply(node, command, certificate, now);
        if (NodeFacts.Apply(node, command.Node)) await templates.RegisterAsync(db, node.Name, command.Node.Templates, ct);
        audit.Add(db, new AuditEntry("node.enroll", $"Node '{node.Name}' enrolled from {command.AgentAddress} ({node.Engine}, {node.CpuCount} CPUs, {node.RamMiB} MiB).")
            { Actor = "agent", TargetType = "node", TargetId = node.Id.ToString() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Forbidden(InvalidToken);   // the same token raced in twice; the other one won
        }
        events.Publish(new NodeChanged(node.Id, node.State));
        return new EnrollResult(node.Id, node.Name, certificate.RawData, ca.Certificate.RawData, options.Value.HeartbeatIntervalSeconds);
    }

    private JoinTokenIssued AddToken(VzPanelDbContext db, Node node)
    {
        var now = clock.GetUtcNow();
        var tokenId = Guid.NewGuid();
        var text = JoinTokenSecret.Issue(tokenId, ca.Pin);
        var token = new JoinToken
        {
            Id = tokenId, NodeId = node.Id, CreatedAt = now, ExpiresAt = now.AddMinutes(options.Value.JoinTokenLifetimeMinutes),
            CreatedBy = db.Scope.ActorName, SecretHash = JoinTokenSecret.Hash(text.Secret),
        };
        db.JoinTokens.Add(token);
        var command = $"vzpanel-agent enroll --panel {options.Value.EffectivePublicUrl} --token {text.Reveal()}";
        return new JoinTokenIssued(node.Id, node.Name, text.Reveal(), command, token.ExpiresAt);
    }

    private static void Apply(Node node, EnrollCommand command, X509Certificate2 certificate, DateTimeOffset now) =>
        node.Enroll(command.Node, command.AgentAddress, AgentIdentity.Sha256(certificate), certificate.NotAfter.ToUniversalTime(), now);

    private static string HostOf(string address)
    {
        var colon = address.LastIndexOf(':');
        return colon > 0 && !address.EndsWith(']') ? address[..colon] : address;
    }
}
