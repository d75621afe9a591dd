using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VzPanel.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class InstanceDiskSize : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "disk_gib",
                table: "instances",
                type: "bigint",
                nullable: false,
                // Servers made before sizes were recorded were all created with the 10 GiB the panel used to send.
                defaultValue: 10L);

            migrationBuilder.AddCheckConstraint(
                name: "ck_instances_disk",
                table: "instances",
                sql: "disk_gib > 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_instances_disk",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "disk_gib",
                table: "instances");
        }
    }
}
