#!/usr/bin/env bash
# Benchmarks the dist build (the shipped binary) of migrate-lint: wall time (median) and peak memory for
#   (a) the whole shared corpus in one invocation, and each corpus history alone,
#   (b) generated histories of 10,000, 50,000 and 100,000 statements (growth should be linear), and the last file of
#       each alone,
#   (c) a single-file "pre-commit" run on the newest migration of each corpus (the history is replayed for context).
# Single-file runs are timed twice: without the cache (--no-cache: the earlier files are read and the statements that
# matter replayed), and with the snapshot the first of those runs left in the cache (as every later pre-commit run).
# Targets (from issue 8) are printed next to the numbers, not asserted: the machine's load decides too much.
#
# usage: scripts/bench.sh            (env: RUNS=10 median of RUNS runs; CORPUS=../shared/corpus; SIZES="10000 50000 100000")
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
RUNS=${RUNS:-10}
SIZES=${SIZES:-"10000 50000 100000"}
BIN=$ROOT/target/dist/migrate-lint # the dist profile: the binary the packages ship
WORK=$(mktemp -d "${TMPDIR:-/tmp}/migrate-lint-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

[ -d "$CORPUS" ] || { echo "error: corpus not found at $CORPUS (set CORPUS=...)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed for the history generator" >&2; exit 1; }

if ! command -v hyperfine >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing hyperfine..." >&2
    apt-get install -y -qq hyperfine >/dev/null 2>&1 || true
fi
if command -v hyperfine >/dev/null; then TIMER="hyperfine $(hyperfine --version | cut -d' ' -f2)"; else TIMER="bash loop (date +%s%N)"; fi
if [ -x /usr/bin/time ]; then HAVE_TIME=1; else HAVE_TIME=0; fi

echo "building the dist profile (fat LTO, as shipped)..." >&2
(cd "$ROOT" && cargo build --profile dist --quiet)

# Runs the linter once and fails loudly on exit 2 (an input error would make the timing meaningless).
# Sets CASE_RUNS to RUNS and WARMUP to 2, or to 3 and 0 when one run takes over a second (so that a slow case
# cannot take many minutes; this check run then counts as the warm-up).
check_run() {
    local rc=0 t0
    t0=$(date +%s%N)
    "$BIN" --format json "$@" >"$WORK/out.json" 2>"$WORK/err.txt" || rc=$?
    CASE_RUNS=$RUNS WARMUP=2
    if [ $(($(date +%s%N) - t0)) -gt 1000000000 ]; then WARMUP=0; [ "$RUNS" -gt 3 ] && CASE_RUNS=3; fi
    if [ "$rc" -gt 1 ]; then
        echo "error: migrate-lint exited $rc on: $*" >&2
        head -5 "$WORK/err.txt" >&2
        exit 1
    fi
}

# Prints "files statements" from the JSON summary of the last check_run.
summary() {
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["files"], s["statements"])' "$WORK/out.json"
}

# Prints the median and minimum wall time in ms of RUNS runs of the linter with the given arguments.
time_ms() {
    if command -v hyperfine >/dev/null; then
        local cmd
        cmd=$(printf '%q ' "$BIN" --format json "$@")
        # -N: no intermediate shell; -i: exit 1 (error findings) is the normal result here.
        hyperfine -N -i --style none --warmup "$WARMUP" --runs "$CASE_RUNS" --export-json "$WORK/h.json" -- "$cmd" >/dev/null 2>&1
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f" % (r["median"]*1e3, r["min"]*1e3))' "$WORK/h.json"
    else
        local i t0 t1
        for ((i = 0; i < WARMUP + CASE_RUNS; i++)); do
            t0=$(date +%s%N)
            "$BIN" --format json "$@" >/dev/null 2>&1 || true
            t1=$(date +%s%N)
            [ "$i" -ge "$WARMUP" ] && echo $(((t1 - t0) / 1000))
        done | sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f\n", m / 1000, v[1] / 1000 }'
    fi
}

# Prints the peak resident memory in MB (the largest of 3 runs, or of 1 for a slow case).
peak_mb() {
    if [ "$HAVE_TIME" = 0 ]; then echo "n/a"; return; fi
    local i kb max=0
    for ((i = 0; i < WARMUP + 1; i++)); do
        /usr/bin/time -f %M -o "$WORK/rss" "$BIN" --format json "$@" >/dev/null 2>&1 || true
        kb=$(tail -1 "$WORK/rss")
        [ "$kb" -gt "$max" ] && max=$kb
    done
    awk -v kb="$max" 'BEGIN { printf "%.1f", kb / 1024 }'
}

ROWS=()
# bench LABEL TARGET ARGS...: times one case and adds a table row.
bench() {
    local label=$1 target=$2
    shift 2
    check_run "$@"
    local counts t mem
    counts=$(summary)
    t=$(time_ms "$@")
    mem=$(peak_mb "$@")
    LAST_MS=${t%% *}
    ROWS+=("$(printf '%-58s %6s %8s %10s %9s %9s %5s  %s' "$label" ${counts} ${t} "$mem" "$CASE_RUNS" "$target")")
    echo "  $label: ${t%% *} ms" >&2
}

# Every history of the corpus: <corpus>/migrations and <corpus>/<app>/migrations.
HISTORIES=()
while IFS= read -r -d '' dir; do HISTORIES+=("$dir"); done < <(
    find "$CORPUS" -mindepth 2 -maxdepth 3 -type d -name migrations -print0 | sort -z)
[ "${#HISTORIES[@]}" -gt 0 ] || { echo "error: no */migrations folders under $CORPUS" >&2; exit 1; }

echo "(a) shared corpus" >&2
bench "corpus: all ${#HISTORIES[@]} histories, one run" "< 100 ms" "${HISTORIES[@]}"
for dir in "${HISTORIES[@]}"; do
    bench "  ${dir#"$CORPUS"/}" "" "$dir"
done

echo "(b) generated histories" >&2
GROWTH=()
for n in $SIZES; do
    out="$WORK/gen-$n"
    python3 "$ROOT/scripts/gen-history.py" "$out" $((n / 100)) 100 >/dev/null
    bench "generated: $((n / 100)) migrations x 100 statements" "linear" "$out"
    GROWTH+=("$n $LAST_MS")
    last=$(find "$out" -mindepth 2 -maxdepth 2 -name migration.sql -print0 | sort -z | tr '\0' '\n' | tail -1)
    bench "  its last file alone (pre-commit, no cache)" "" --no-cache "$last"
    sleep 1.1 # the cache trusts file times only a second after a write
    bench "  its last file alone (pre-commit, cache)" "< 10 ms" --cache-dir "$WORK/cache" "$last"
    rm -rf "$out"
done

echo "(c) single-file pre-commit runs" >&2
for dir in "${HISTORIES[@]}"; do
    last=$(find "$dir" -mindepth 2 -maxdepth 2 -name migration.sql -print0 | sort -z | tr '\0' '\n' | tail -1)
    [ -n "$last" ] || continue
    bench "  last file of ${dir#"$CORPUS"/} (no cache)" "< 10 ms" --no-cache "$last"
    bench "  last file of ${dir#"$CORPUS"/} (cache)" "< 10 ms" --cache-dir "$WORK/cache" "$last"
done

echo
echo "migrate-lint $("$BIN" --version | cut -d' ' -f2) · $(nproc) cores · load $(cut -d' ' -f1-3 /proc/loadavg) · $TIMER "
printf '%-58s %6s %8s %10s %9s %9s %5s  %s\n' "case" "files" "stmts" "median ms" "min ms" "peak MB" "runs" "target"
printf '%s\n' "${ROWS[@]}"
if [ "${#GROWTH[@]}" -gt 1 ]; then
    echo
    echo "growth (ms per 1,000 statements; constant means linear):"
    for g in "${GROWTH[@]}"; do
        awk -v n="${g% *}" -v ms="${g#* }" 'BEGIN { printf "  %7d statements: %8.1f ms  %6.2f ms/1k\n", n, ms, ms / (n / 1000) }'
    done
fi
