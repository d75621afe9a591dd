namespace VzPanel.Agent.Enrollment;

/// <summary>Enrollment did not happen; the message says why, for the operator at the terminal.</summary>
public sealed class EnrollmentException(string message, Exception? inner = null) : Exception(message, inner);
