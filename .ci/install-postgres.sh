# shellcheck shell=bash
# Makes PostgreSQL server binaries available for the integration tests
# (tests/support/pg.rs finds them the same way). Meant to be sourced from
# .ci/run, which runs as root on Debian; installs only when missing.

pg_find_bindir() {
    local dir initdb
    # Same order as the test harness: Debian's versioned dirs (newest major
    # first), then PATH. Debian keeps server binaries off PATH.
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        echo "$dir"
        return 0
    fi
    if initdb=$(command -v initdb 2>/dev/null); then
        # Follow symlinks so pg_ctl/postgres come from the same install.
        dir=$(dirname "$(readlink -f "$initdb")")
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            echo "$dir"
            return 0
        fi
    fi
    return 1
}

if ! PG_BINDIR=$(pg_find_bindir); then
    echo "PostgreSQL server binaries not found; installing the postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # -o options: never stop to ask about changed config files.
    apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        postgresql </dev/null
    if ! PG_BINDIR=$(pg_find_bindir); then
        echo "error: postgresql installed but initdb still not found" >&2
        exit 1
    fi
fi
export MIGRATE_LINT_PG_BINDIR="$PG_BINDIR"
echo "PostgreSQL binaries: $PG_BINDIR ($("$PG_BINDIR/postgres" --version 2>/dev/null || echo 'version unknown'))"
for bin in initdb pg_ctl postgres; do
    echo "  $bin: $PG_BINDIR/$bin"
done
