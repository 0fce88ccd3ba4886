#!/usr/bin/env bash
# Regenerates the migrations of the --fix scenarios (fixtures/fix) with the real Prisma CLI: init.sql is what Prisma
# writes from empty for base.prisma, and each <scenario>/migration.sql what it writes from base.prisma to that
# scenario's schema.prisma (as `prisma migrate dev` would). Needs DATABASE_URL (see scripts/prisma). tests/fix.rs
# replays every scenario; usage: DATABASE_URL=postgresql://... scripts/gen-fix-fixtures.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prisma="$root/scripts/prisma"
fix="$root/fixtures/fix"
"$prisma" migrate diff --from-empty --to-schema-datamodel "$fix/base.prisma" --script >"$fix/init.sql"
for schema in "$fix"/*/schema.prisma; do
  dir="$(dirname "$schema")"
  "$prisma" migrate diff --from-schema-datamodel "$fix/base.prisma" --to-schema-datamodel "$schema" --script \
    >"$dir/migration.sql"
  echo "$(basename "$dir"): $(grep -c ';' "$dir/migration.sql") statement(s)"
done
