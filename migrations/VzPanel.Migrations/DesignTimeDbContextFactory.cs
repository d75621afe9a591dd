using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Migrations;

/// <summary>
/// Used by <c>dotnet ef</c> (migrations add, bundle). Adding a migration needs no server; commands that
/// touch a database read <c>VZPANEL_DESIGN_CS</c>, and a bundle takes <c>--connection</c>.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<VzPanelDbContext>
{
    public VzPanelDbContext CreateDbContext(string[] args)
    {
        var cs = Environment.GetEnvironmentVariable("VZPANEL_DESIGN_CS") ?? "Host=localhost;Database=vzpanel;Username=vzpanel";
        var options = new DbContextOptionsBuilder<VzPanelDbContext>();
        options.UseVzPanelDatabase(cs);
        return new VzPanelDbContext(options.Options, new CurrentAccess(AccessScope.System), TimeProvider.System);
    }
}
