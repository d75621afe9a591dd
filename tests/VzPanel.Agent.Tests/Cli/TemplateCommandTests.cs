using System.Diagnostics;
using VzPanel.Agent.Cli;
using VzPanel.Agent.Engines.Libvirt;
using VzPanel.Agent.Engines.Lxc;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Cli;

/// <summary>`vzpanel-agent template import`: an administrator's own QCOW2 image becomes a VM template (real qemu-img).</summary>
public sealed class TemplateCommandTests : IDisposable
{
    private readonly TempDirectory _work = new();
    private string Cache => Path.Combine(_work.Path, "templates");

    [Fact]
    public async Task Import_OwnQcow2_IsListedAndReadableByTheEngine()
    {
        var image = QemuImgCreate("qcow2", "2G");

        var (exit, output, error) = await RunAsync("template", "import", "--template-dir", Cache, "--name", "my-image", "--qcow2", image,
            "--version", "7", "--os-family", "windows", "--no-guest-agent");

        exit.ShouldBe(ExitCodes.Ok, error);
        output.ShouldContain("template my-image 7 imported");
        var template = VmTemplate.LoadAll(Cache).ShouldHaveSingleItem();
        template.Describe().ShouldBe(new VzPanel.Agent.Engines.TemplateDescription("my-image", VzPanel.Agent.Engines.InstanceKind.VirtualMachine, "7", "", "windows"));
        template.GuestAgent.ShouldBeFalse();
        template.KernelPath.ShouldBeNull();
        QemuImg.Info(template.DiskPath).VirtualSizeBytes.ShouldBe(2L << 30);
        (await RunAsync("template", "list", "--template-dir", Cache)).Output.ShouldStartWith("my-image\t7\twindows\tdisk boot");
    }

    [Fact]
    public async Task Import_SameNameTwice_IsRefusedAndTheFirstStays()
    {
        var image = QemuImgCreate("qcow2", "1G");
        await RunAsync("template", "import", "--template-dir", Cache, "--name", "twice", "--qcow2", image);

        var (exit, _, error) = await RunAsync("template", "import", "--template-dir", Cache, "--name", "twice", "--qcow2", image);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldContain("template twice already exists");
        VmTemplate.LoadAll(Cache).ShouldHaveSingleItem();
        Directory.EnumerateDirectories(Cache, ".import-*").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("raw", "Bad Name", "may only hold lower-case letters")]
    [InlineData("raw", "raw-image", "is raw, not qcow2")]
    public async Task Import_BadInput_IsRefusedWithTheReason(string format, string name, string reason)
    {
        var (exit, _, error) = await RunAsync("template", "import", "--template-dir", Cache, "--name", name, "--qcow2", QemuImgCreate(format, "64M"));

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldContain(reason);
        VmTemplate.LoadAll(Cache).ShouldBeEmpty();
    }

    [Fact]
    public async Task ImportCt_OwnRootfsTarball_IsListedWithItsChecksumAndReadyForTheEngine()
    {
        var rootfs = Path.Combine(_work.Path, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "sbin"));
        await File.WriteAllTextAsync(Path.Combine(rootfs, "sbin", "init"), "#!/bin/sh\n", TestContext.Current.CancellationToken);
        var tarball = Path.Combine(_work.Path, "my-rootfs.tar.gz");
        Process.Start("tar", ["-C", rootfs, "-czf", tarball, "."]).WaitForExit();
        var ctCache = Path.Combine(_work.Path, "ct");

        var (exit, output, error) = await RunAsync("template", "import-ct", "--ct-template-dir", ctCache, "--name", "my-distro-1", "--rootfs", tarball,
            "--version", "3", "--os-id", "mydistro", "--halt-signal", "SIGRTMIN+3");

        exit.ShouldBe(ExitCodes.Ok, error);
        output.ShouldContain("template my-distro-1 3 imported");
        var template = CtTemplate.LoadAll(ctCache).ShouldHaveSingleItem();
        (template.OsId, template.Init, template.HaltSignal).ShouldBe(("mydistro", "/sbin/init", "SIGRTMIN+3"));
        template.EnsureIntact();   // the recorded SHA-256 matches the copied tarball
        (await RunAsync("template", "list", "--template-dir", Cache, "--ct-template-dir", ctCache)).Output.ShouldStartWith("my-distro-1\t3\tlinux\tcontainer");
    }

    [Fact]
    public async Task ImportCt_TarballWithoutItsInit_IsRefusedAndNothingIsLeft()
    {
        var rootfs = Path.Combine(_work.Path, "empty-rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
        var tarball = Path.Combine(_work.Path, "empty.tar.gz");
        Process.Start("tar", ["-C", rootfs, "-czf", tarball, "."]).WaitForExit();
        var ctCache = Path.Combine(_work.Path, "ct");

        var (exit, _, error) = await RunAsync("template", "import-ct", "--ct-template-dir", ctCache, "--name", "broken", "--rootfs", tarball);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldContain("has no /sbin/init");
        Directory.Exists(ctCache).ShouldBeFalse();
    }

    private string QemuImgCreate(string format, string size)
    {
        var path = Path.Combine(_work.Path, $"{Guid.NewGuid():N}.{format}");
        using var process = Process.Start(new ProcessStartInfo("qemu-img", ["create", "-q", "-f", format, path, size]))!;
        process.WaitForExit();
        process.ExitCode.ShouldBe(0);
        return path;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AgentCommandLine.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose() => _work.Dispose();
}
