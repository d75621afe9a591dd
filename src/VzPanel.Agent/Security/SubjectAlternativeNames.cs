using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace VzPanel.Agent.Security;

/// <summary>Reads URI entries from the SAN extension (.NET exposes only DNS names and IP addresses).</summary>
public static class SubjectAlternativeNames
{
    private const string SanOid = "2.5.29.17";
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static IReadOnlyList<string> Uris(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == SanOid);
        if (extension is null)
            return [];
        var uris = new List<string>();
        try
        {
            var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(UriTag))
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                else
                    names.ReadEncodedValue();
            }
        }
        catch (AsnContentException)
        {
            return [];
        }
        return uris;
    }
}
