using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VzPanel.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class UsageHourlyRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "usage_hourly",
                columns: table => new
                {
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    memory_gib_hours = table.Column<decimal>(type: "numeric(38,18)", precision: 38, scale: 18, nullable: false),
                    guaranteed_gib_hours = table.Column<decimal>(type: "numeric(38,18)", precision: 38, scale: 18, nullable: false),
                    vcpu_hours = table.Column<decimal>(type: "numeric(38,18)", precision: 38, scale: 18, nullable: false),
                    disk_gib_months = table.Column<decimal>(type: "numeric(38,18)", precision: 38, scale: 18, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(38,18)", precision: 38, scale: 18, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_hourly", x => new { x.instance_id, x.hour });
                    table.ForeignKey(
                        name: "fk_usage_hourly_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "usage_rollup_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    rolled_up_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_rollup_state", x => x.id);
                    table.CheckConstraint("ck_usage_rollup_state_single_row", "id = 1");
                });

            migrationBuilder.CreateIndex(
                name: "ix_usage_hourly_hour",
                table: "usage_hourly",
                column: "hour");

            migrationBuilder.CreateIndex(
                name: "ix_usage_hourly_tenant_id_hour",
                table: "usage_hourly",
                columns: new[] { "tenant_id", "hour" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "usage_hourly");

            migrationBuilder.DropTable(
                name: "usage_rollup_state");
        }
    }
}
