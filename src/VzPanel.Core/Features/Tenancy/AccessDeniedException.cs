namespace VzPanel.Core.Features.Tenancy;

/// <summary>An attempt to change something the current scope may not change. Mapped to 403 at the edge.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
