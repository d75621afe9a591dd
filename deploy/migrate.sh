#!/usr/bin/env bash
# Builds the EF Core migration bundle artifacts/vzpanel-migrate: one self-contained
# linux-x64 executable that applies every pending migration of migrations/VzPanel.Migrations.
#
# Build (on a machine with the .NET SDK, from anywhere in the repository):
#   deploy/migrate.sh
# Apply (on the target, BEFORE starting the new panel version; it needs no .NET):
#   ./artifacts/vzpanel-migrate --connection "$ConnectionStrings__Panel"
# (The embedded database needs no bundle: there the panel migrates on start by default.)
# Applying is idempotent: already applied migrations are skipped. See docs/operations.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet tool restore
dotnet ef migrations bundle \
  --project migrations/VzPanel.Migrations \
  --startup-project migrations/VzPanel.Migrations \
  --configuration Release \
  --self-contained -r linux-x64 \
  -o artifacts/vzpanel-migrate --force

cat <<'USAGE'

Built artifacts/vzpanel-migrate. Apply the migrations before starting the new version:
  ./artifacts/vzpanel-migrate --connection "$ConnectionStrings__Panel"
USAGE
