using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using VzPanel.Core.Features.Instances;
using VzPanel.Web.Components.Pages.Instances;

namespace VzPanel.Web.Tests.Pages.Instances;

public sealed class CreateInstanceDialogTests : VzPanelTestContext
{
    private readonly FakeInstanceQueries _queries = new();
    private readonly FakeInstanceCommands _commands = new();

    public CreateInstanceDialogTests()
    {
        Services.AddSingleton<IInstanceQueries>(_queries);
        Services.AddSingleton<IInstanceCommands>(_commands);
    }

    private async Task<IRenderedComponent<MudDialogProvider>> OpenAsync(bool staff, bool admin)
    {
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<CreateInstanceDialog> { { d => d.Staff, staff }, { d => d.Admin, admin } };
        await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<CreateInstanceDialog>("New server", parameters));
        provider.WaitForAssertion(() => provider.Find("input[data-testid=create-name]"));
        return provider;
    }

    [Fact]
    public async Task Submit_StaffWithoutACustomer_AsksForOneAndSendsNothing()
    {
        var dialog = await OpenAsync(staff: true, admin: true);
        dialog.Find("input[data-testid=create-name]").Input("web-1");

        await dialog.Find("form[data-testid=create-form]").SubmitAsync();

        dialog.WaitForAssertion(() => dialog.Markup.ShouldContain("Choose the customer the server belongs to."));
        _commands.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ThePrice_FollowsTheTypedSize_OnTheCustomersPlan()
    {
        _queries.Options = _queries.Options with { Tenants = [new(FakeInstanceQueries.Acme, "Acme Hosting")] };   // what a customer is offered
        var dialog = await OpenAsync(staff: false, admin: false);
        dialog.Find("[data-testid=create-price-after]").TextContent.ShouldBe("0.009 EUR");   // 1 GiB, 1 vCPU

        dialog.Find("input[data-testid=create-memory]").Input("4");
        dialog.Find("input[data-testid=create-vcpus]").Input("2");

        dialog.WaitForAssertion(() => dialog.Find("[data-testid=create-price-after]").TextContent.ShouldBe("0.026 EUR"));
        dialog.Find("[data-testid=create-price-monthly-after]").TextContent.ShouldBe("18.98 EUR");
        _commands.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ThePrice_WaitsForStaffToChooseTheCustomer()
    {
        var dialog = await OpenAsync(staff: true, admin: true);

        dialog.Find("[data-testid=create-price-missing]").TextContent.ShouldBe("Choose the customer to see the price.");
        dialog.FindAll("[data-testid=create-price]").ShouldBeEmpty();
    }

    [Fact]
    public async Task Submit_MemoryOutsideThePlan_SaysTheBoundsAndSendsNothing()
    {
        var dialog = await OpenAsync(staff: false, admin: false);
        dialog.Find("input[data-testid=create-name]").Input("web-1");
        dialog.Find("input[data-testid=create-memory]").Input("64");

        await dialog.Find("form[data-testid=create-form]").SubmitAsync();

        dialog.WaitForAssertion(() => dialog.Markup.ShouldContain("Choose between 256 MiB and 16 GiB."));
        dialog.Find("input[data-testid=create-memory]").GetAttribute("value").ShouldBe("64");
        _commands.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Submit_Vm_UsesAVmTemplateAndTheTypedSizes()
    {
        var dialog = await OpenAsync(staff: false, admin: false);
        dialog.Find("input[data-testid=create-name]").Input("vm-1");
        dialog.FindAll("input[type=radio]")[1].Click();
        dialog.WaitForAssertion(() => dialog.Find("[data-testid=create-submit]").TextContent.ShouldContain("Create VM"));
        dialog.Find("input[data-testid=create-memory]").Input("1.5");
        dialog.Find("input[data-testid=create-guarantee]").Input("50");
        dialog.Find("input[data-testid=create-vcpus]").Input("2");

        await dialog.Find("form[data-testid=create-form]").SubmitAsync();

        dialog.WaitForAssertion(() => _commands.LastCreate.ShouldNotBeNull());
        var spec = _commands.LastCreate!.Spec;
        (spec.Kind, spec.Template, spec.Memory, spec.MemoryGuaranteePercent, spec.VCpus).ShouldBe((InstanceKind.Vm, "almalinux-9-x86_64", "1536", 50, 2));
        _commands.LastCreate.Start.ShouldBeTrue();
        _commands.LastCreate.NodeId.ShouldBeNull();
        spec.Disk.ShouldBe("10G");   // the default, as the field showed it
    }

    [Fact]
    public async Task Submit_VmWithATypedDisk_SendsItInGiB_AndAContainerHasNoDiskField()
    {
        var dialog = await OpenAsync(staff: false, admin: false);
        dialog.FindAll("input[data-testid=create-disk]").ShouldBeEmpty();   // a container's root is a folder with no size of its own
        dialog.Find("input[data-testid=create-name]").Input("vm-2");
        dialog.FindAll("input[type=radio]")[1].Click();
        dialog.WaitForAssertion(() => dialog.Find("input[data-testid=create-disk]").GetAttribute("value").ShouldBe("10"));
        dialog.Find("input[data-testid=create-disk]").Input("40");

        await dialog.Find("form[data-testid=create-form]").SubmitAsync();

        dialog.WaitForAssertion(() => _commands.LastCreate.ShouldNotBeNull());
        _commands.LastCreate!.Spec.Disk.ShouldBe("40G");
    }

    [Fact]
    public async Task Submit_VmDiskBeyondTheLargest_SaysTheBoundsAndSendsNothing()
    {
        var dialog = await OpenAsync(staff: false, admin: false);
        dialog.Find("input[data-testid=create-name]").Input("vm-3");
        dialog.FindAll("input[type=radio]")[1].Click();
        dialog.WaitForAssertion(() => dialog.Find("input[data-testid=create-disk]"));
        dialog.Find("input[data-testid=create-disk]").Input("5000");

        await dialog.Find("form[data-testid=create-form]").SubmitAsync();

        dialog.WaitForAssertion(() => dialog.Markup.ShouldContain("From 1 to 2048 GiB."));
        _commands.Calls.ShouldBeEmpty();
    }
}
