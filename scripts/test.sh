#!/usr/bin/env bash
# The README's test command: install (Node 22 + npm ci), then every suite through mocha
# (contracts, prover, indexer, end to end) with mocha's summary.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install.sh
exec scripts/node22.sh npm test
