namespace VzPanel.Core.Data.Embedded;

/// <summary>
/// The embedded PostgreSQL cannot start because of how this machine is set up (no server installed, a data directory
/// its account cannot reach). The message is one sentence that names the fix, meant to be printed as it is: a stack
/// trace would only hide it.
/// </summary>
public class EmbeddedPostgresSetupException(string message) : Exception(message);
