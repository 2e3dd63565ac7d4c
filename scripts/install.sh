#!/usr/bin/env bash
# Install step shared by the README's two commands: Node >= 22.13 (scripts/node22.sh), then `npm install`
# (locked versions) under it, so that optional native packages needing Node 22 (Hardhat's EDR) are not skipped.
# Skips the install when node_modules already matches package-lock.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stamp="node_modules/.novanet-lock-hash"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -z "${CI:-}" ]; then
  echo '{"level":"info","msg":"node_modules is current; skipping npm ci"}'
else
  # `npm install` rather than `npm ci`: the registry reachable here serves only this platform's
  # optional native packages, so the lock file cannot list the other platforms' ones and `npm ci`
  # would refuse it as out of sync. With a lock file present, `npm install` installs the locked versions.
  echo '{"level":"info","msg":"npm install (locked versions; about a minute on a first run)"}'
  scripts/node22.sh npm install --no-audit --no-fund --no-progress
  echo "$want" > "$stamp"
fi
# The `novanet` command's precompiled bundle (prover/bin/bundle.js; a later run rebuilds it when a source changes).
scripts/node22.sh node prover/bin/novanet.js --version >/dev/null
# The native MSM addon (optional: logs a warning and exits 0 without a C++ toolchain; then the
# ffjavascript backend is the default).
scripts/node22.sh bash scripts/build-native.sh
# Debian's PostgreSQL for the indexer's PostgreSQL-path tests (a no-op when it is already installed).
bash scripts/postgres.sh --install-only || \
  echo '{"level":"warn","msg":"PostgreSQL could not be installed; the indexer PostgreSQL test will report why"}' >&2
# EGL + Mesa llvmpipe for WebGPU (Dawn's OpenGL ES backend) on machines without a GPU (a no-op when present).
bash scripts/webgpu.sh
# Debian's Chromium for the browser tests (the dashboard, the WebGPU page; a no-op when present).
bash scripts/chromium.sh
