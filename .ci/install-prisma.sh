# shellcheck shell=bash
# Makes the real Prisma CLI (pinned in tests/prisma/package-lock.json) available to the test suites that prove fixes
# and drift verdicts with Prisma itself. Meant to be sourced from .ci/run (root, Debian); installs Node.js only when
# missing and the npm packages only when the pinned Prisma is not installed yet.

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "Node.js not found; installing Debian's nodejs and npm packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm </dev/null
fi
prisma_version() {
    node -p "require('./tests/prisma/node_modules/prisma/package.json').version" 2>/dev/null
}
if [ "$(prisma_version)" != "6.19.3" ]; then
    npm ci --prefix tests/prisma --no-audit --no-fund --loglevel=error
fi
echo "Prisma CLI: $(prisma_version) (node $(node --version))"
