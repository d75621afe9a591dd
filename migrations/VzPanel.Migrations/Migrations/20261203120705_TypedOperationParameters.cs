using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VzPanel.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class TypedOperationParameters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Parameters became one record per kind, stored with the kind as "$kind"; rows written before name their
            // kind only in their own column. Fields of other kinds left in them are ignored when read.
            migrationBuilder.Sql("""
                UPDATE operations SET parameters = jsonb_strip_nulls(parameters) || jsonb_build_object('$kind', kind)
                WHERE NOT parameters ? '$kind';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE operations SET parameters = parameters - '$kind';");
        }
    }
}
