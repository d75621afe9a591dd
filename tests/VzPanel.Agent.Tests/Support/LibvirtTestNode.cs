using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Libvirt;
using VzPanel.Agent.Engines.Libvirt.Native;

namespace VzPanel.Agent.Tests.Support;

/// <summary>
/// A throwaway libvirt "node" on the machine's real libvirtd: its own domain scope, storage pool and
/// folders, TCG (nested KVM hangs here), and the test guest template that `./vzpanel test` builds.
/// Disposing removes every domain, volume and the pool it made.
/// </summary>
public sealed class LibvirtTestNode : IDisposable
{
    public const string TemplateName = "vzpanel-test-guest";
    public static readonly string TemplateDirectory =
        Environment.GetEnvironmentVariable("VZPANEL_VM_TEMPLATES") ?? "/var/lib/vzpanel-agent/templates/vm";

    private readonly string _root;

    public LibvirtTestNode(long guaranteeableMib = 3072, int guestAgentWaitSeconds = 60, string network = "isolated", int memorySlots = 16,
        string? templateDirectory = null)
    {
        var templates = templateDirectory ?? TemplateDirectory;
        if (VmTemplate.TryLoad(Path.Combine(TemplateDirectory, TemplateName)) is null)
            throw new InvalidOperationException(
                $"the VM test template is missing in {TemplateDirectory}; `./vzpanel test` (or `./vzpanel deps`) builds it with deploy/vm-templates/build-test-guest.sh");
        var id = Guid.NewGuid().ToString("N")[..10];
        // Not under /tmp: QEMU runs as libvirt-qemu and must reach the pool through world-traversable folders.
        _root = Path.Combine("/var/lib/vzpanel-test", id);
        Directory.CreateDirectory(_root);
        var (ramMib, _) = VzPanel.Agent.Engines.Host.HostFacts.Memory();
        Options = new LibvirtOptions
        {
            Accelerator = "tcg",
            TemplateDirectory = templates,
            MemorySlots = memorySlots,
            PoolName = $"vzt-{id}",
            PoolPath = Path.Combine(_root, "pool"),
            LogDirectory = Path.Combine(_root, "logs"),
            HostReserveMib = ramMib - guaranteeableMib,
            GuestAgentWaitSeconds = guestAgentWaitSeconds,
            Network = network,
            Scope = $"test-{id}",
            NodeName = $"libvirt-{id}",
        };
    }

    public LibvirtOptions Options { get; }

    /// <summary>A folder of its own that QEMU can read (for extra templates a test makes).</summary>
    public string Root => _root;

    public LibvirtComputeEngine CreateEngine() => new(Options);

    public void Dispose()
    {
        using var connection = new LibvirtConnection(Options.Uri);
        var api = new LibvirtApi(connection);
        foreach (var domain in api.ListDomains().Where(d => DomainXml.Read(d.Xml).Metadata?.Scope == Options.Scope))
        {
            if (domain.State is 1 or 2 or 3 or 4 or 7)
                api.Destroy(domain.Uuid);
            api.Undefine(domain.Uuid);
        }
        try
        {
            foreach (var volume in api.Volumes(Options.PoolName))
                api.DeleteVolume(Options.PoolName, volume.Name);
            api.RemovePool(Options.PoolName);
        }
        catch (LibvirtException failure) when (failure.Code == LibvirtErrorCode.NoStoragePool)
        {
            // The test never created a disk.
        }
        Directory.Delete(_root, recursive: true);
    }
}
