#!/usr/bin/env python3
"""Lint every history of the shared corpus and print the number of findings per rule.

Usage: scripts/corpus-totals.py [BINARY] [CORPUS]   (defaults: target/debug/migrate-lint, ../shared/corpus)
Prints a Markdown table (rule | severity | findings) and the total, one history at a time with `--format json`.
"""
import collections
import json
import pathlib
import subprocess
import sys

binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/migrate-lint"
corpus = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/corpus")
totals = collections.Counter()
severity = collections.defaultdict(set)
histories = sorted(m.parent for m in corpus.glob("**/migrations") if m.is_dir())
for history in histories:
    run = subprocess.run([binary, "--format", "json", str(history / "migrations")], capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"{history.name}: exit {run.returncode}: {run.stderr.strip()}")
    for d in json.loads(run.stdout)["diagnostics"]:
        totals[d["rule"]] += 1
        severity[d["rule"]].add(d["severity"])
print("| rule | severity | findings |")
print("|---|---|---:|")
for rule, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
    print(f"| {rule} | {'/'.join(sorted(severity[rule]))} | {n} |")
print(f"| **total** | | {sum(totals.values())} |")
