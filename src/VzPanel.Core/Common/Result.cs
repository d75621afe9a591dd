namespace VzPanel.Core.Common;

/// <summary>The value of an operation that can fail in an expected way; bugs throw instead.</summary>
public readonly record struct Result<T>(T? Value, Error? Error)
{
    public bool IsSuccess => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(Error error) => new(default, error);
}
