namespace VzPanel.Agent.Engines.Libvirt.Native;

/// <summary>A migration job's statistics (virDomainGetJobStats): the job type and its numbers by field name.</summary>
internal sealed record JobStats(int Type, IReadOnlyDictionary<string, long> Values)
{
    /// <summary>virDomainJobType: none, bounded, unbounded, completed, failed, cancelled.</summary>
    public const int None = 0, Bounded = 1, Unbounded = 2, Completed = 3;

    public bool Active => Type is Bounded or Unbounded;

    public long this[string field] => Values.TryGetValue(field, out var value) ? value : 0;
}

internal sealed unsafe partial class LibvirtApi
{
    /// <summary>virDomainMigrateFlags.</summary>
    public const uint MigrateLive = 1, MigratePeerToPeer = 2, MigratePersistDest = 8, MigratePaused = 32,
        MigrateNonSharedIncremental = 128, MigrateAbortOnError = 4096;

    private const uint XmlMigratable = 8;
    private const uint StartPausedFlag = 1;
    private const uint JobStatsCompleted = 1, JobStatsKeepCompleted = 2;

    /// <summary>The XML another host can define the domain from (no host-specific parts such as the agent channel's socket).</summary>
    public string MigratableXml(string uuid, bool inactive) => WithDomain(uuid, "reading the domain XML", dom =>
        LibvirtNative.TakeString(LibvirtException.Check(
            LibvirtNative.virDomainGetXMLDesc(dom, XmlMigratable | (inactive ? XmlInactive : 0)), "reading the domain XML"))!);

    /// <summary>Starts QEMU with the vCPUs paused: the guest does not run until resumed.</summary>
    public void StartPaused(string uuid) => Do(uuid, "starting the domain paused", dom => LibvirtNative.virDomainCreateWithFlags(dom, StartPausedFlag));

    public void Resume(string uuid) => Do(uuid, "resuming the domain", LibvirtNative.virDomainResume);

    public bool IsPersistent(string uuid) => WithDomain(uuid, "reading whether the domain is persistent", dom =>
        LibvirtException.Check(LibvirtNative.virDomainIsPersistent(dom), "reading whether the domain is persistent") == 1);

    /// <summary>
    /// virDomainMigrateToURI3: blocks until the migration is over. With PEER2PEER <paramref name="destinationUri"/> is the
    /// libvirt URI the source's libvirtd connects to; <paramref name="strings"/> and <paramref name="numbers"/> are the
    /// VIR_MIGRATE_PARAM_* typed parameters.
    /// </summary>
    public void Migrate(string uuid, string destinationUri, IReadOnlyDictionary<string, string> strings, IReadOnlyDictionary<string, ulong> numbers,
        uint flags) => Do(uuid, "migrating the domain", dom =>
    {
        TypedParameter* parameters = null;
        int count = 0, max = 0;
        try
        {
            foreach (var (name, value) in strings)
                LibvirtException.Check(LibvirtNative.virTypedParamsAddString(ref parameters, ref count, ref max, name, value), $"setting {name}");
            foreach (var (name, value) in numbers)
                LibvirtException.Check(LibvirtNative.virTypedParamsAddULLong(ref parameters, ref count, ref max, name, value), $"setting {name}");
            return LibvirtNative.virDomainMigrateToURI3(dom, destinationUri, parameters, (uint)count, flags);
        }
        finally
        {
            LibvirtNative.virTypedParamsFree(parameters, count);
        }
    });

    /// <summary>The running job's statistics, or with <paramref name="completed"/> those of the last finished one (kept for later reads).</summary>
    public JobStats JobStatistics(string uuid, bool completed) => WithDomain(uuid, "reading the job statistics", dom =>
    {
        var flags = completed ? JobStatsCompleted | JobStatsKeepCompleted : 0;
        LibvirtException.Check(LibvirtNative.virDomainGetJobStats(dom, out var type, out var parameters, out var count, flags), "reading the job statistics");
        var values = new Dictionary<string, long>(count, StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (parameters[i].Number is { } number)
                    values[parameters[i].Name] = number;
            }
        }
        finally
        {
            LibvirtNative.virTypedParamsFree(parameters, count);
        }
        return new JobStats(type, values);
    });

    public void AbortJob(string uuid) => Do(uuid, "aborting the domain's job", LibvirtNative.virDomainAbortJob);

    public void SetMaxDowntime(string uuid, ulong milliseconds) =>
        Do(uuid, "setting the migration's maximum downtime", dom => LibvirtNative.virDomainMigrateSetMaxDowntime(dom, milliseconds, 0));
}
