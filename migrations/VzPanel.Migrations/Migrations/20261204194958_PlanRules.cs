using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VzPanel.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class PlanRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddCheckConstraint(
                name: "ck_plans_currency",
                table: "plans",
                sql: "currency ~ '^[A-Z]{3}$'");

            migrationBuilder.AddCheckConstraint(
                name: "ck_plans_guarantee_premium",
                table: "plans",
                sql: "guarantee_premium_share <= 10");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_plans_currency",
                table: "plans");

            migrationBuilder.DropCheckConstraint(
                name: "ck_plans_guarantee_premium",
                table: "plans");
        }
    }
}
