using Microsoft.AspNetCore.DataProtection;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>Keeps a secret an operation needs (a root password) encrypted at rest until its job has used it.</summary>
public sealed class OperationSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("VzPanel.Operations.Secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
