using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using VzPanel.Core.Features.Identity;
using VzPanel.QuickStart.Demo;

namespace VzPanel.Web.Hosting;

/// <summary>
/// What a person starting the panel needs to read: where it is and how to sign in. Written to the console
/// directly, never through logging, because it may hold the one-time admin password.
/// </summary>
internal static class StartupBanner
{
    public static void Print(WebApplication app, FirstAdmin? firstAdmin)
    {
        var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = urls.FirstOrDefault() ?? "(no address)";
        Console.WriteLine();
        Console.WriteLine($"  VzPanel is running at {url}");
        if (firstAdmin is not null)
        {
            Console.WriteLine("  First admin account (shown only this once, write it down):");
            Console.WriteLine($"    user:     {firstAdmin.UserName}");
            Console.WriteLine($"    password: {firstAdmin.Password}");
            PrintDemoLogins(app);
        }
        else
        {
            Console.WriteLine($"  Sign in as '{FirstAdminBootstrapper.AdminUserName}' with the password printed at the first start.");
            Console.WriteLine("  Lost it? Stop the panel and run it once with --reset-admin-password.");
        }
        Console.WriteLine("  Press Ctrl+C to stop.");
        Console.WriteLine();
    }

    /// <summary>The quick start's customer and support logins, made with the admin (only on a fresh embedded default).</summary>
    private static void PrintDemoLogins(WebApplication app)
    {
        foreach (var login in app.Services.GetService<DemoLogins>()?.Created ?? [])
        {
            Console.WriteLine($"  {login.Description}:");
            Console.WriteLine($"    user:     {login.UserName}");
            Console.WriteLine($"    password: {login.Password}");
        }
    }

    public static void PrintReset(FirstAdmin admin)
    {
        Console.WriteLine();
        Console.WriteLine($"  New password for '{admin.UserName}': {admin.Password}");
        Console.WriteLine("  Its lockout was cleared; start the panel again to sign in.");
        Console.WriteLine();
    }
}
