using VzPanel.Core;
using VzPanel.Core.Data;
using VzPanel.QuickStart;
using VzPanel.Web;
using VzPanel.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
using var startupLog = StartupLog.Create();

// Two compositions. Production: the PostgreSQL of ConnectionStrings:Panel, then core and web, nothing else.
// Quick start (no connection string, or local demo nodes asked for): its own host part comes first, starting the
// embedded PostgreSQL when no server is configured and adding the local agents and the demo fleet.
var database = QuickStartHost.Applies(builder.Configuration)
    ? await builder.AddVzPanelQuickStartAsync(startupLog.Logger)
    : PanelDatabase.Configured(builder.Configuration);
if (database is null) return 1;   // the embedded database cannot start here; the quick start said why in one line
builder.AddVzPanelCore(database);
builder.AddVzPanelWeb();

var app = builder.Build();
app.UseVzPanelWeb();

var resetAdminPassword = args.Contains("--reset-admin-password");
var firstAdmin = await app.InitializeVzPanelAsync(resetAdminPassword);
if (resetAdminPassword) return 0;

app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app, firstAdmin));
await app.RunAsync();
return 0;

/// <summary>Entry point; public so integration tests can host the panel with WebApplicationFactory.</summary>
public partial class Program;
