using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MudBlazor.Services;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Options;
using VzPanel.Web.Agents;
using VzPanel.Web.Components;
using VzPanel.Web.Components.Live;
using VzPanel.Web.Endpoints;
using VzPanel.Web.Events;
using VzPanel.Web.Jobs;
using VzPanel.Web.Security;

namespace VzPanel.Web;

public static class DependencyInjection
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddVzPanelWeb(this WebApplicationBuilder builder)
    {
        // Loopback by default; ASPNETCORE_URLS, --urls or "Urls" in configuration choose otherwise.
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        KestrelEndpoints.Configure(builder, string.IsNullOrEmpty(urls) ? DefaultUrl : urls);
        // Serve framework and package assets (blazor.web.js, MudBlazor) from a plain build too, not only a publish;
        // a published panel has no build manifest and this does nothing.
        builder.WebHost.UseStaticWebAssets();

        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddScoped<LiveUpdates>();   // one per circuit: how every page follows panel events
        services.AddScoped<Components.Pages.Users.UserActions>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        services.AddGrpc();
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddHostedService<HubEventForwarder>();
        services.AddVzPanelJobs();
        services.AddHealthChecks().AddDbContextCheck<VzPanelDbContext>("database", tags: [HealthEndpoints.ReadyTag]);

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthStateProvider>();
        services.AddAccessScopeFromUser();
        services.AddAuthorization(Policies.Add);
        services.AddAuthentication(PanelAuthentication.Scheme).AddIdentityCookies();
        services.AddApiTokenAuthentication();   // Bearer vzp_… on /api; the default scheme picks token or cookie
        services.AddStaffMfaGate();
        services.ConfigureApplicationCookie(SignInCookie.Configure);
        services.AddWebHardening();
        services.AddIdentityCore<PanelUser>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<VzPanelDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PanelClaimsFactory>();
        // Lockout and password rules can be tightened per deployment under "Identity" (IdentityOptions).
        services.Configure<IdentityOptions>(builder.Configuration.GetSection("Identity"));

        // Keys survive restarts, so sign-ins do too. Kept in a 0700 folder of the panel's data directory.
        var keys = Path.Combine(builder.Configuration.GetSection(PanelOptions.Section).Get<PanelOptions>()?.ResolveDataDirectory()
            ?? PanelOptions.DefaultDataDirectory(), "keys");
        services.AddDataProtection().SetApplicationName("VzPanel").PersistKeysToFileSystem(PrivateDirectory.Create(keys));
        return builder;
    }

    public static WebApplication UseVzPanelWeb(this WebApplication app)
    {
        app.UseKnownProxies();   // first: everything after it sees the client's address and scheme
        app.UseSecurityHeaders();
        app.UseAgentPortGuard(KestrelEndpoints.AgentPort(app.Configuration));
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseHubOriginCheck();
        app.UseApiAntiforgery();
        app.UseAccessScopeFromUser();
        app.UseReadOnlyTokens();
        app.UseStaffMfaGate();
        app.UseDeniedAttemptAudit();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapOpenApi();
        app.MapHealthEndpoints();
        app.MapAccountEndpoints();
        app.MapMeSecurityApi();
        app.MapPanelApi();
        app.MapAntiforgeryEndpoint();
        app.MapNodeApi();
        app.MapInstanceApi();
        app.MapOperationApi();
        app.MapTenantApi();
        app.MapCreditApi();
        app.MapStatementApi();
        app.MapPlanApi();
        app.MapUserApi();
        app.MapUsageApi();
        app.MapHub<EventsHub>(EventsHub.Path);
        app.MapJobDashboard();
        app.MapGrpcService<PanelGatewayService>().RequireHost($"*:{KestrelEndpoints.AgentPort(app.Configuration)}").AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
