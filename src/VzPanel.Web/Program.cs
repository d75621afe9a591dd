using VzPanel.Core;
using VzPanel.Web;
using VzPanel.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
using var startupLog = StartupLog.Create();
await builder.AddVzPanelCoreAsync(startupLog.Logger);
builder.AddVzPanelWeb();

var app = builder.Build();
app.UseVzPanelWeb();

var firstAdmin = await app.InitializeVzPanelAsync(resetAdminPassword: args.Contains("--reset-admin-password"));
if (args.Contains("--reset-admin-password")) return;

app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app, firstAdmin));
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host the panel with WebApplicationFactory.</summary>
public partial class Program;
