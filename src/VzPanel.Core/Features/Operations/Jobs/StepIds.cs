using System.Security.Cryptography;
using System.Text;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>
/// Operation ids for the second and later agent calls of one operation (create, then start): derived, so a
/// re-run of the job sends the same ids and the agent recognises calls it already carried out.
/// </summary>
public static class StepIds
{
    public static string For(Guid operationId, int step)
    {
        if (step == 0) return operationId.ToString();
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{operationId:N}/{step}"), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);   // version 8: custom, name-based
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);   // RFC 9562 variant
        return new Guid(hash[..16], bigEndian: true).ToString();
    }
}
