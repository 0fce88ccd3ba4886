#!/usr/bin/env bash
# Times squawk (https://squawkhq.com, from PyPI's squawk-cli) and migrate-lint on the same migration files, with
# alternating runs (squawk, migrate-lint, squawk, ...) so a change in machine load hits both alike, and prints the
# median times and their ratio. Both write JSON. migrate-lint does more work than squawk here: it replays every
# history into a catalog across files (squawk lints each file on its own).
#
# usage: scripts/compare-squawk.sh     (env: RUNS=11 runs of each; CORPUS=../shared/corpus;
#                                       VENV=target/squawk-venv where squawk-cli is installed)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
RUNS=${RUNS:-11}
VENV=${VENV:-$ROOT/target/squawk-venv}
BIN=$ROOT/target/dist/migrate-lint # the dist profile: the binary the packages ship
WORK=$(mktemp -d "${TMPDIR:-/tmp}/migrate-lint-squawk.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

[ -d "$CORPUS" ] || { echo "error: corpus not found at $CORPUS (set CORPUS=...)" >&2; exit 1; }

SQUAWK=$VENV/bin/squawk
if [ ! -x "$SQUAWK" ]; then
    echo "installing squawk-cli into $VENV..." >&2
    if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet squawk-cli; } >"$WORK/pip.log" 2>&1 \
        || [ ! -x "$SQUAWK" ]; then
        echo "error: could not install squawk-cli from PyPI into $VENV, so there is nothing to compare against:" >&2
        tail -5 "$WORK/pip.log" >&2
        exit 1
    fi
fi

echo "building the dist profile (fat LTO, as shipped)..." >&2
(cd "$ROOT" && cargo build --profile dist --quiet)

# The same files for both: every migration.sql of every history in the corpus.
HISTORIES=()
while IFS= read -r -d '' dir; do HISTORIES+=("$dir"); done < <(
    find "$CORPUS" -mindepth 2 -maxdepth 3 -type d -name migrations -print0 | sort -z)
FILES=()
for dir in "${HISTORIES[@]}"; do
    while IFS= read -r -d '' f; do FILES+=("$f"); done < <(
        find "$dir" -mindepth 2 -maxdepth 2 -type f -name migration.sql -print0 | sort -z)
done
[ "${#FILES[@]}" -gt 0 ] || { echo "error: no migration.sql files under $CORPUS" >&2; exit 1; }

# squawk exits non-zero when it finds problems and migrate-lint exits 1 on error findings: both are normal here.
# A crash or a usage error is not, so the first run of each must produce JSON.
run_squawk() { "$SQUAWK" --reporter json "${FILES[@]}" >"$WORK/squawk.json" 2>"$WORK/squawk.err" || true; }
run_lint() { "$BIN" --format json "${HISTORIES[@]}" >"$WORK/lint.json" 2>"$WORK/lint.err" || true; }

run_squawk
run_lint
python3 - "$WORK" "${#FILES[@]}" <<'EOF'
import json, sys
work, expected = sys.argv[1], int(sys.argv[2])
for name in ("squawk", "lint"):
    try:
        json.load(open(f"{work}/{name}.json"))
    except ValueError:
        sys.exit(f"error: {name} did not write JSON: " + open(f"{work}/{name}.err").read()[:500])
files = json.load(open(f"{work}/lint.json"))["summary"]["files"]
if files != expected:
    sys.exit(f"error: migrate-lint linted {files} files, squawk was given {expected}")
EOF

# Alternating runs; each time in microseconds.
# bash 5's clock, so that no `date` process is timed along with the tool; older shells fall back to `date`.
if [ -n "${EPOCHREALTIME:-}" ]; then now_us() { local t=${EPOCHREALTIME/[.,]/}; echo $((10#$t)); }
else now_us() { echo $(($(date +%s%N) / 1000)); }; fi
: >"$WORK/squawk.times"
: >"$WORK/lint.times"
for ((i = 0; i < RUNS; i++)); do
    t0=$(now_us); run_squawk; t1=$(now_us); echo $((t1 - t0)) >>"$WORK/squawk.times"
    t0=$(now_us); run_lint; t1=$(now_us); echo $((t1 - t0)) >>"$WORK/lint.times"
done

median_ms() { sort -n "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'; }
min_ms() { sort -n "$1" | awk 'NR == 1 { printf "%.1f", $1 / 1000 }'; }
SQ=$(median_ms "$WORK/squawk.times")
ML=$(median_ms "$WORK/lint.times")

echo
echo "${#FILES[@]} migration.sql files in ${#HISTORIES[@]} histories · $(nproc) cores · load $(cut -d' ' -f1-3 /proc/loadavg) · $RUNS alternating runs each"
printf '%-34s %10s %8s\n' "tool" "median ms" "min ms"
printf '%-34s %10s %8s\n' "$("$SQUAWK" --version)" "$SQ" "$(min_ms "$WORK/squawk.times")"
printf '%-34s %10s %8s\n' "migrate-lint $("$BIN" --version | cut -d' ' -f2)" "$ML" "$(min_ms "$WORK/lint.times")"
awk -v s="$SQ" -v m="$ML" 'BEGIN { printf "ratio: migrate-lint is %.1fx %s than squawk (target: at least 4x faster, issue 21)\n", (m < s ? s / m : m / s), (m < s ? "faster" : "slower") }'
echo "note: squawk lints each file on its own; migrate-lint also replays every history into a catalog across files."
