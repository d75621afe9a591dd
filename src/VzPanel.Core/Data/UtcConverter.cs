using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace VzPanel.Core.Data;

/// <summary>Stores any <see cref="DateTimeOffset"/> as the same instant in UTC.</summary>
internal sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
