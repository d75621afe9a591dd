using System.Net;
using FluentValidation;
using VzPanel.Core.Common;
using VzPanel.Shared;

namespace VzPanel.Core.Features.Instances;

/// <summary>The shape rules of a spec. Plan limits and node capacity are checked where the data is.</summary>
public sealed class InstanceSpecValidator : AbstractValidator<InstanceSpec>
{
    public const long MinMemoryMiB = 64;
    public const int MaxVCpus = 256;

    public InstanceSpecValidator()
    {
        RuleFor(s => s.Name).Custom((name, ctx) =>
        {
            if (InstanceName.Problem(name) is { } problem) ctx.AddFailure(problem);
        });
        RuleFor(s => s.Kind).IsInEnum();
        RuleFor(s => s.Memory).Custom((text, ctx) =>
        {
            var size = MemorySize.Parse(text);
            if (!size.IsSuccess) ctx.AddFailure(size.Error!.Message);
            else if (size.Value.MiB < MinMemoryMiB) ctx.AddFailure($"Memory must be at least {MinMemoryMiB}M, not {size.Value}.");
        });
        RuleFor(s => s.Disk).Custom((text, ctx) =>
        {
            if (text is not null && DiskSize.ParseGiB(text) is { IsSuccess: false } disk) ctx.AddFailure(disk.Error!.Message);
        });
        RuleFor(s => s.MemoryGuaranteePercent).InclusiveBetween(0, 100)
            .WithMessage("The memory guarantee is a percentage from 0 to 100.");
        RuleFor(s => s.VCpus).InclusiveBetween(1, MaxVCpus)
            .WithMessage($"vCPUs must be between 1 and {MaxVCpus}.");
        RuleFor(s => s.CpuLimitPercent!.Value)
            .Must((spec, limit) => limit >= 1 && limit <= spec.VCpus * 100)
            .When(s => s.CpuLimitPercent.HasValue && s.VCpus is >= 1 and <= MaxVCpus)   // judged against a valid vCPU count only
            .OverridePropertyName(nameof(InstanceSpec.CpuLimitPercent))
            .WithMessage(s => $"The CPU limit is a percentage of one core, from 1 to {s.VCpus * 100} for {s.VCpus} vCPU(s).");
        RuleFor(s => s.Hostname!).Must(BeAHostname).When(s => !string.IsNullOrEmpty(s.Hostname))
            .WithMessage($"A hostname is up to {MaxHostnameLength} characters of dot-separated labels (letters, digits, '-'), each 1–63 long.");
        RuleForEach(s => s.IpAddresses).Must(ip => IPAddress.TryParse(ip, out _))
            .WithMessage((_, ip) => $"'{ip}' is not an IP address.");
    }

    /// <summary>DNS allows 253, but a Linux server keeps its name in the kernel's 64-byte field: longer names cannot be set.</summary>
    private const int MaxHostnameLength = 64;

    private static bool BeAHostname(string host) =>
        host.Length <= MaxHostnameLength && host.Split('.').All(label =>
            label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
}
