using VzPanel.Shared;

namespace VzPanel.Core.Common;

/// <summary>
/// The panel's reading of a <see cref="MemorySize"/>: a validation error named after the field instead of the
/// shared parser's reason, and no zero, because memory and disks always have a size.
/// </summary>
public static class MemorySizeParsing
{
    extension(MemorySize)
    {
        /// <param name="field">What the size is of, named in the error: "memory", or "disk" for disk sizes, which read the same way.</param>
        public static Result<MemorySize> Parse(string? text, string field = "memory")
        {
            if (!MemorySize.TryParse(text, out var size, out var why)) return Invalid(text, why, field);
            return size.MiB == 0 ? Invalid(text, "the size must be at least 1M", field) : size;
        }
    }

    private static Error Invalid(string? text, string why, string field) =>
        Error.Validation(field, $"'{text}' is not a {field} size: {why}.");
}
