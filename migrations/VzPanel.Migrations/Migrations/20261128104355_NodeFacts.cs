using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VzPanel.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class NodeFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "accelerator",
                table: "nodes",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "capabilities",
                table: "nodes",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<string>(
                name: "templates",
                table: "nodes",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "versions",
                table: "nodes",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "accelerator",
                table: "nodes");

            migrationBuilder.DropColumn(
                name: "capabilities",
                table: "nodes");

            migrationBuilder.DropColumn(
                name: "templates",
                table: "nodes");

            migrationBuilder.DropColumn(
                name: "versions",
                table: "nodes");
        }
    }
}
