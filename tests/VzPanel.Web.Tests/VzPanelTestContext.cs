using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Spend;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Tests;

/// <summary>bUnit with MudBlazor's services, loose JS interop and a patient wait for slow CI machines.</summary>
public abstract class VzPanelTestContext : BunitContext
{
    /// <summary>What pages asked to cancel (the instance page's migration card).</summary>
    internal FakeMigrationCancel MigrationCancel { get; } = new();

    /// <summary>The customer accounts pages read (none unless a test adds some).</summary>
    internal Pages.Customers.FakeTenantQueries Tenants { get; } = new();

    /// <summary>A customer's spend and balance (none unless a test sets one): the dashboard card and the layout's credit banner.</summary>
    internal Billing.FakeSpend Money { get; } = new(TimeProvider.System);

    /// <summary>The usage chart on the server page (no usage unless a test gives some).</summary>
    internal Billing.FakeUsageHistory UsageHistory { get; } = new();

    protected VzPanelTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddSingleton(TimeProvider.System);
        Services.AddLogging();
        Services.AddSingleton<PanelEvents>();
        Services.AddScoped<LiveUpdates>();
        Services.AddSingleton(new CurrentAccess());   // anonymous, as in the panel: a test says who is looking
        Services.AddSingleton<IMigrationCancel>(MigrationCancel);
        Services.AddSingleton<ITenantQueries>(Tenants);   // the dashboard's quota card asks on every render
        Services.AddSingleton<ITenantSpend>(Money);
        Services.AddSingleton<ICreditBalances>(Money);
        Services.AddSingleton<Core.Features.Billing.Usage.IUsageHistory>(UsageHistory);
        DefaultWaitTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>Who is looking, as the data layer and live updates see it.</summary>
    protected void ViewAs(AccessScope scope) => Services.AddSingleton(new CurrentAccess(scope));

    /// <summary>Real time for whatever is still on its way (a live call back, a render) to arrive, before asserting that nothing did.</summary>
    protected static Task SettleAsync() => Task.Delay(200, Xunit.TestContext.Current.CancellationToken);

    /// <summary>A staff member (admin or support) by role: sees every tenant and the fleet.</summary>
    protected static AccessScope Staff(PanelRole role) => new(role.ToString().ToLowerInvariant(), null, role, null);
}
