using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VzPanel.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AgentEnrollment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "agent_version",
                table: "nodes",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "certificate_expires_at",
                table: "nodes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "certificate_thumbprint",
                table: "nodes",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "drift",
                table: "nodes",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<long>(
                name: "free_mib",
                table: "nodes",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "certificate_authority",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    certificate_der = table.Column<byte[]>(type: "bytea", nullable: false),
                    protected_private_key = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_certificate_authority", x => x.id);
                    table.CheckConstraint("ck_certificate_authority_single", "id = 1");
                });

            migrationBuilder.CreateTable(
                name: "join_tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    node_id = table.Column<Guid>(type: "uuid", nullable: false),
                    secret_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_join_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_join_tokens_nodes_node_id",
                        column: x => x.node_id,
                        principalTable: "nodes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_join_tokens_node_id",
                table: "join_tokens",
                column: "node_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "certificate_authority");

            migrationBuilder.DropTable(
                name: "join_tokens");

            migrationBuilder.DropColumn(
                name: "agent_version",
                table: "nodes");

            migrationBuilder.DropColumn(
                name: "certificate_expires_at",
                table: "nodes");

            migrationBuilder.DropColumn(
                name: "certificate_thumbprint",
                table: "nodes");

            migrationBuilder.DropColumn(
                name: "drift",
                table: "nodes");

            migrationBuilder.DropColumn(
                name: "free_mib",
                table: "nodes");
        }
    }
}
