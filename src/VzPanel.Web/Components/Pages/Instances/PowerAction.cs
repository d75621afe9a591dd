namespace VzPanel.Web.Components.Pages.Instances;

/// <summary>The buttons of <see cref="PowerActions"/>.</summary>
public enum PowerAction { Start, Shutdown, PowerOff, Restart, Delete }
