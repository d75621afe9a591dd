namespace VzPanel.Core.Common;

/// <summary>
/// A domain event that other panel replicas must see too (PostgreSQL LISTEN/NOTIFY carries it). Keep such
/// events small, serializable records: the payload limit of NOTIFY is 8000 bytes.
/// </summary>
public interface IReplicatedEvent;
