using MudBlazor;

namespace VzPanel.Web.Components.Layout;

internal static class PanelTheme
{
    public static MudTheme Create() => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fbf",
            Secondary = "#00897b",
            AppbarBackground = "#14325c",
            Background = "#f4f6fa",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#6ea8ff",
            Secondary = "#4db6ac",
            AppbarBackground = "#101826",
            Background = "#0d131d",
            Surface = "#151d2a",
            DrawerBackground = "#121a26",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}
