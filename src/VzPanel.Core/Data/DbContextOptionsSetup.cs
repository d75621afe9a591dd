using Microsoft.EntityFrameworkCore;

namespace VzPanel.Core.Data;

public static class DbContextOptionsSetup
{
    public const string MigrationsAssembly = "VzPanel.Migrations";

    /// <summary>The one place the provider is configured: the panel, the migrations tool and tests share it.</summary>
    public static DbContextOptionsBuilder UseVzPanelDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention();
}
