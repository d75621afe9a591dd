using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Migration;

namespace VzPanel.Web.Tests;

/// <summary>bUnit with MudBlazor's services, loose JS interop and a patient wait for slow CI machines.</summary>
public abstract class VzPanelTestContext : BunitContext
{
    /// <summary>What pages asked to cancel (the instance page's migration card).</summary>
    internal FakeMigrationCancel MigrationCancel { get; } = new();

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
        Services.AddSingleton<IMigrationCancel>(MigrationCancel);
        DefaultWaitTimeout = TimeSpan.FromSeconds(5);
    }
}
