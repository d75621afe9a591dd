namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>The handler of each <see cref="OperationKind"/>; built once, refusing a kind with none or with two.</summary>
public sealed class OperationHandlers
{
    private readonly Dictionary<OperationKind, IOperationHandler> _byKind;

    public OperationHandlers(IEnumerable<IOperationHandler> handlers)
    {
        _byKind = [];
        foreach (var handler in handlers)
        {
            if (!_byKind.TryAdd(handler.Kind, handler))
                throw new InvalidOperationException($"Two handlers for {handler.Kind}: {_byKind[handler.Kind].GetType().Name} and {handler.GetType().Name}.");
            if (OperationParameters.KindOf(handler.ParametersType) != handler.Kind)
                throw new InvalidOperationException($"{handler.GetType().Name} handles {handler.Kind} but takes {handler.ParametersType.Name}.");
        }
        var missing = Enum.GetValues<OperationKind>().Where(k => !_byKind.ContainsKey(k)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"No handler for {string.Join(", ", missing)}.");
    }

    public IOperationHandler For(OperationKind kind) => _byKind[kind];
}
