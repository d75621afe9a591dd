using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace VzPanel.Core.Features.Operations;

/// <summary>
/// What exactly an operation applies: one record per kind, declared next to that kind's handler, named
/// <c>{Kind}Parameters</c>. Stored as JSON in the operation row with the kind as <c>$kind</c>.
/// </summary>
public abstract record OperationParameters
{
    /// <summary>The target's state before the operation, to put back when it fails without reaching the node.</summary>
    public string? PreviousState { get; init; }

    /// <summary>The same parameters without the secrets the job needed (a root password); written when the operation ends.</summary>
    public virtual OperationParameters WithoutSecrets() => this;

    /// <summary>The kind a parameters type belongs to, by its name: <c>SetMemoryParameters</c> is <c>SetMemory</c>'s.</summary>
    public static OperationKind KindOf(Type parametersType) =>
        Enum.Parse<OperationKind>(parametersType.Name.EndsWith(Suffix, StringComparison.Ordinal) ? parametersType.Name[..^Suffix.Length] : parametersType.Name);

    private const string Suffix = "Parameters";

    /// <summary>The audit action of a request of <paramref name="kind"/>, e.g. <c>instance.memory</c>.</summary>
    public static string AuditActionOf(OperationKind kind) => Descriptions[kind].AuditAction;

    /// <summary>What lists call <paramref name="kind"/>, e.g. "memory" or "drain node".</summary>
    public static string LabelOf(OperationKind kind) => Descriptions[kind].Label;

    /// <summary>Every parameters record in this assembly, so a new kind needs no list to be edited.</summary>
    internal static readonly IReadOnlyList<Type> Types =
        [.. typeof(OperationParameters).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(OperationParameters)) && !t.IsAbstract)];

    // After Types: static fields initialise in order.
    private static readonly Dictionary<OperationKind, OperationDescriptionAttribute> Descriptions = Enum.GetValues<OperationKind>().ToDictionary(k => k,
        k => Types.Where(t => KindOf(t) == k).Select(t => t.GetCustomAttributes(typeof(OperationDescriptionAttribute), false).FirstOrDefault())
            .OfType<OperationDescriptionAttribute>().FirstOrDefault()
            ?? new OperationDescriptionAttribute($"instance.{k.ToString().ToLowerInvariant()}", k.ToString().ToLowerInvariant()));

    /// <summary>How the operation row stores them: polymorphic on <c>$kind</c>, which jsonb may reorder.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddKinds } },
    };

    private static void AddKinds(JsonTypeInfo info)
    {
        if (info.Type != typeof(OperationParameters)) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$kind" };
        foreach (var type in Types) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, KindOf(type).ToString()));
    }
}

/// <summary>How people read a kind, on its parameters record: its audit action and the word lists use. Without it: <c>instance.{kind}</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OperationDescriptionAttribute(string auditAction, string label) : Attribute
{
    public string AuditAction { get; } = auditAction;
    public string Label { get; } = label;
}
