namespace VzPanel.Core.Common;

/// <summary>An expected failure a person can act on. <see cref="Code"/> maps to an HTTP status at the edge.</summary>
public sealed record Error(string Code, string Message, IReadOnlyDictionary<string, string[]>? Fields = null)
{
    /// <summary>Figures a client may act on without reading the message (how many servers a change affects); the edge adds them to the problem.</summary>
    public IReadOnlyDictionary<string, object>? Details { get; init; }

    public static Error NotFound(string what) => new(ErrorCodes.NotFound, $"{what} was not found.");
    public static Error Conflict(string message) => new(ErrorCodes.Conflict, message);
    public static Error Forbidden(string message) => new(ErrorCodes.Forbidden, message);

    /// <summary>Another operation holds the target; try again when it ends.</summary>
    public static Error Busy(string message) => new(ErrorCodes.Busy, message);

    /// <summary>Something the answer depends on (a node's agent) did not answer; try again later.</summary>
    public static Error Unavailable(string message) => new(ErrorCodes.Unavailable, message);

    public static Error Validation(IReadOnlyDictionary<string, string[]> fields) =>
        new(ErrorCodes.Validation, string.Join(" ", fields.SelectMany(f => f.Value)), fields);

    /// <summary>One field's bad value, under a code of its own (400, the field in <c>errors</c>).</summary>
    public static Error Invalid(string code, string field, string message) =>
        new(code, message, new Dictionary<string, string[]> { [field] = [message] });

    public static Error Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });
}

public static class ErrorCodes
{
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string Forbidden = "forbidden";
    public const string Validation = "validation";
    public const string Busy = "busy";
    public const string Unavailable = "unavailable";

    /// <summary>A node's agent looked at the request and said no (wrong state, not enough memory): nothing was changed.</summary>
    public const string NodeRefused = "node_refused";

    /// <summary>A node's agent does not have the instance it was asked about.</summary>
    public const string NodeMissing = "node_missing";

    /// <summary>A node's agent answered with a failure of its own, or cannot do this (an older agent).</summary>
    public const string NodeFailed = "node_failed";
}
