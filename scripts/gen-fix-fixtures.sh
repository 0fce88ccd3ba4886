#!/usr/bin/env bash
# Regenerates the migrations of the --fix scenarios (fixtures/fix) with the real Prisma CLI: init.sql is what Prisma
# writes from empty for base.prisma, and each <scenario>/migration.sql what it writes from base.prisma to that
# scenario's schema.prisma (as `prisma migrate dev` would). A scenario may bring its own base (<scenario>/base.prisma,
# or a base/ folder for a multi-file schema/ folder), whose init.sql goes beside it; and an edit.sed, the hand edit a
# developer makes to the migration Prisma wrote (`prisma migrate dev --create-only`). Needs DATABASE_URL (see
# scripts/prisma). tests/fix.rs replays every scenario; usage: DATABASE_URL=postgresql://... scripts/gen-fix-fixtures.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prisma="$root/scripts/prisma"
fix="$root/fixtures/fix"
"$prisma" migrate diff --from-empty --to-schema-datamodel "$fix/base.prisma" --script >"$fix/init.sql"
for dir in "$fix"/*/; do
  dir="${dir%/}"
  if [ -d "$dir/schema" ]; then to="$dir/schema"; elif [ -f "$dir/schema.prisma" ]; then to="$dir/schema.prisma"; else continue; fi
  base="$fix/base.prisma"
  for own in "$dir/base.prisma" "$dir/base"; do
    if [ -e "$own" ]; then
      base="$own"
      "$prisma" migrate diff --from-empty --to-schema-datamodel "$base" --script >"$dir/init.sql"
    fi
  done
  "$prisma" migrate diff --from-schema-datamodel "$base" --to-schema-datamodel "$to" --script >"$dir/migration.sql"
  if [ -f "$dir/edit.sed" ]; then
    sed -i -f "$dir/edit.sed" "$dir/migration.sql"
  fi
  echo "$(basename "$dir"): $(grep -c ';' "$dir/migration.sql") statement(s)"
done
