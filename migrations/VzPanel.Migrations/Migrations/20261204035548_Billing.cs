using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VzPanel.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Billing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_usage_segments_open",
                table: "usage_segments");

            migrationBuilder.DropCheckConstraint(
                name: "ck_usage_segments_period",
                table: "usage_segments");

            migrationBuilder.DropCheckConstraint(
                name: "ck_plans_prices",
                table: "plans");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:btree_gist", ",,");

            migrationBuilder.AddColumn<string>(
                name: "currency",
                table: "usage_segments",
                type: "character(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "disk_gib",
                table: "usage_segments",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<decimal>(
                name: "guarantee_premium_share",
                table: "usage_segments",
                type: "numeric(6,4)",
                precision: 6,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<long>(
                name: "guaranteed_mib",
                table: "usage_segments",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<Guid>(
                name: "plan_id",
                table: "usage_segments",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<decimal>(
                name: "price_disk_gib_month",
                table: "usage_segments",
                type: "numeric(12,6)",
                precision: 12,
                scale: 6,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "price_memory_gib_hour",
                table: "usage_segments",
                type: "numeric(12,6)",
                precision: 12,
                scale: 6,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "price_vcpu_hour",
                table: "usage_segments",
                type: "numeric(12,6)",
                precision: 12,
                scale: 6,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<int>(
                name: "billing",
                table: "plans",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "disk_max_gib",
                table: "plans",
                type: "bigint",
                nullable: false,
                defaultValue: 1024L);

            migrationBuilder.AddColumn<decimal>(
                name: "guarantee_premium_share",
                table: "plans",
                type: "numeric(6,4)",
                precision: 6,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "price_per_disk_gib_month",
                table: "plans",
                type: "numeric(12,6)",
                precision: 12,
                scale: 6,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "retired_at",
                table: "plans",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_usage_segments_instance_id_period_start",
                table: "usage_segments",
                columns: new[] { "instance_id", "period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_segments_plan_id",
                table: "usage_segments",
                column: "plan_id");

            // Segments written before prices were copied into them take their tenant's plan; zero-length ones never billed.
            migrationBuilder.Sql("""
                DELETE FROM usage_segments WHERE period_end = period_start;
                UPDATE usage_segments s SET plan_id = p.id, price_memory_gib_hour = p.price_per_gib_hour, price_vcpu_hour = p.price_per_vcpu_hour,
                       currency = p.currency
                FROM tenants t JOIN plans p ON p.id = t.plan_id WHERE t.id = s.tenant_id;
                """);

            // No two segments of one server overlap; checked at commit, so one save can end a segment and open the next.
            migrationBuilder.Sql("""
                ALTER TABLE usage_segments ADD CONSTRAINT ex_usage_segments_no_overlap
                    EXCLUDE USING gist (instance_id WITH =, tstzrange(period_start, period_end) WITH &&) DEFERRABLE INITIALLY DEFERRED;
                """);

            migrationBuilder.AddCheckConstraint(
                name: "ck_usage_segments_period",
                table: "usage_segments",
                sql: "period_end IS NULL OR period_end > period_start");

            migrationBuilder.AddCheckConstraint(
                name: "ck_usage_segments_shape",
                table: "usage_segments",
                sql: "memory_mib >= 0 AND guaranteed_mib >= 0 AND vcpus >= 0 AND disk_gib >= 0");

            migrationBuilder.AddCheckConstraint(
                name: "ck_plans_disk_max",
                table: "plans",
                sql: "disk_max_gib > 0");

            migrationBuilder.AddCheckConstraint(
                name: "ck_plans_prices",
                table: "plans",
                sql: "price_per_gib_hour >= 0 AND price_per_vcpu_hour >= 0 AND price_per_disk_gib_month >= 0 AND guarantee_premium_share >= 0");

            migrationBuilder.AddForeignKey(
                name: "fk_usage_segments_plans_plan_id",
                table: "usage_segments",
                column: "plan_id",
                principalTable: "plans",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE usage_segments DROP CONSTRAINT ex_usage_segments_no_overlap;");

            migrationBuilder.DropForeignKey(
                name: "fk_usage_segments_plans_plan_id",
                table: "usage_segments");

            migrationBuilder.DropIndex(
                name: "ix_usage_segments_instance_id_period_start",
                table: "usage_segments");

            migrationBuilder.DropIndex(
                name: "ix_usage_segments_plan_id",
                table: "usage_segments");

            migrationBuilder.DropCheckConstraint(
                name: "ck_usage_segments_period",
                table: "usage_segments");

            migrationBuilder.DropCheckConstraint(
                name: "ck_usage_segments_shape",
                table: "usage_segments");

            migrationBuilder.DropCheckConstraint(
                name: "ck_plans_disk_max",
                table: "plans");

            migrationBuilder.DropCheckConstraint(
                name: "ck_plans_prices",
                table: "plans");

            migrationBuilder.DropColumn(
                name: "currency",
                table: "usage_segments");

            migrationBuilder.DropColumn(
                name: "disk_gib",
                table: "usage_segments");

            migrationBuilder.DropColumn(
                name: "guarantee_premium_share",
                table: "usage_segments");

            migrationBuilder.DropColumn(
                name: "guaranteed_mib",
                table: "usage_segments");

            migrationBuilder.DropColumn(
                name: "plan_id",
                table: "usage_segments");

            migrationBuilder.DropColumn(
                name: "price_disk_gib_month",
                table: "usage_segments");

            migrationBuilder.DropColumn(
                name: "price_memory_gib_hour",
                table: "usage_segments");

            migrationBuilder.DropColumn(
                name: "price_vcpu_hour",
                table: "usage_segments");

            migrationBuilder.DropColumn(
                name: "billing",
                table: "plans");

            migrationBuilder.DropColumn(
                name: "disk_max_gib",
                table: "plans");

            migrationBuilder.DropColumn(
                name: "guarantee_premium_share",
                table: "plans");

            migrationBuilder.DropColumn(
                name: "price_per_disk_gib_month",
                table: "plans");

            migrationBuilder.DropColumn(
                name: "retired_at",
                table: "plans");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:btree_gist", ",,");

            migrationBuilder.CreateIndex(
                name: "ux_usage_segments_open",
                table: "usage_segments",
                column: "instance_id",
                unique: true,
                filter: "period_end IS NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_usage_segments_period",
                table: "usage_segments",
                sql: "period_end IS NULL OR period_end >= period_start");

            migrationBuilder.AddCheckConstraint(
                name: "ck_plans_prices",
                table: "plans",
                sql: "price_per_gib_hour >= 0 AND price_per_vcpu_hour >= 0");
        }
    }
}
