using System.Diagnostics;
using System.Text.Json.Nodes;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>Image facts libvirt cannot give for files outside its pools (a template's base image): `qemu-img info` JSON.</summary>
public static class QemuImg
{
    public sealed record ImageInfo(string Format, long VirtualSizeBytes, long ActualSizeBytes, string? BackingFile);

    public static ImageInfo Info(string path)
    {
        var start = new ProcessStartInfo("qemu-img") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // -U: read without taking the image lock, so a base image in use by running VMs can still be inspected.
        foreach (var argument in new[] { "info", "--output=json", "-U", path })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new EngineException(EngineErrorCode.Failed, "qemu-img could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new EngineException(EngineErrorCode.Timeout, $"qemu-img info {path} took longer than 30 s");
        }
        if (process.ExitCode != 0)
            throw new EngineException(EngineErrorCode.Failed, $"qemu-img info {path}: {stderr.Trim()}");
        var json = JsonNode.Parse(stdout.Result)!;
        return new ImageInfo(
            json["format"]?.GetValue<string>() ?? "",
            json["virtual-size"]?.GetValue<long>() ?? 0,
            json["actual-size"]?.GetValue<long>() ?? 0,
            json["backing-filename"]?.GetValue<string>());
    }
}
