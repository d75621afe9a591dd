using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Core.Options;

namespace VzPanel.Core.Data;

/// <summary>Brings the database to the state the panel needs at start: schema (where allowed), roles, first admin.</summary>
public sealed class DatabaseInitializer(
    IDbContextFactory<VzPanelDbContext> dbFactory,
    CurrentAccess access,
    PanelDatabase database,
    IOptions<DatabaseOptions> options,
    IHostEnvironment environment,
    FirstAdminBootstrapper admins,
    ILogger<DatabaseInitializer> logger)
{
    public async Task<FirstAdmin?> InitializeAsync(CancellationToken ct)
    {
        access.Scope = AccessScope.System;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (options.Value.MigrateOnStart ?? (database.IsEmbedded || environment.IsDevelopment()))
            {
                // Creating the history table first keeps EF from logging a failed query on an empty database.
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
                if (pending.Count > 0)
                {
                    logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
                    await db.Database.MigrateAsync(ct);
                }
            }
            else if (!await db.GetService<IHistoryRepository>().ExistsAsync(ct) || (await db.Database.GetPendingMigrationsAsync(ct)).Any())
            {
                throw new InvalidOperationException(
                    "The database schema is behind this version of VzPanel. Apply the migration bundle first (see docs/operations.md), " +
                    "or set Database:MigrateOnStart=true.");
            }
        }
        return await admins.EnsureAsync(ct);
    }
}
