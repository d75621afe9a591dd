namespace VzPanel.Web.Hosting;

/// <summary>A console logger for the moments before the host exists (starting the embedded database).</summary>
internal sealed class StartupLog : IDisposable
{
    private readonly ILoggerFactory _factory;

    private StartupLog(ILoggerFactory factory)
    {
        _factory = factory;
        Logger = factory.CreateLogger("VzPanel.Startup");
    }

    public ILogger Logger { get; }

    public static StartupLog Create() => new(LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true)));

    public void Dispose() => _factory.Dispose();
}
