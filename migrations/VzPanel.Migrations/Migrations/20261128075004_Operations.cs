using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VzPanel.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Operations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "attempts",
                table: "operations",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "job_id",
                table: "operations",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "node_id",
                table: "operations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "parameters",
                table: "operations",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "summary",
                table: "operations",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_operations_state_created_at",
                table: "operations",
                columns: new[] { "state", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_operations_one_active_per_target",
                table: "operations",
                column: "target_id",
                unique: true,
                filter: "state IN ('Queued', 'Running')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_operations_state_created_at",
                table: "operations");

            migrationBuilder.DropIndex(
                name: "ux_operations_one_active_per_target",
                table: "operations");

            migrationBuilder.DropColumn(
                name: "attempts",
                table: "operations");

            migrationBuilder.DropColumn(
                name: "job_id",
                table: "operations");

            migrationBuilder.DropColumn(
                name: "node_id",
                table: "operations");

            migrationBuilder.DropColumn(
                name: "parameters",
                table: "operations");

            migrationBuilder.DropColumn(
                name: "summary",
                table: "operations");
        }
    }
}
