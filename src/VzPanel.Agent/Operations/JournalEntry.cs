using System.Text.Json.Serialization;

namespace VzPanel.Agent.Operations;

/// <summary>
/// The outcome of one finished operation: either the serialized reply (Code 0) or the gRPC status it
/// failed with. Requests are kept only as a hash, so no secret in a request ever reaches the disk.
/// </summary>
public sealed record JournalEntry(
    [property: JsonPropertyName("id")] string OperationId,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("hash")] string RequestHash,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("code")] int StatusCode,
    [property: JsonPropertyName("detail")] string? StatusDetail,
    [property: JsonPropertyName("reply")] byte[]? Reply);
