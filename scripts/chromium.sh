#!/usr/bin/env bash
# Debian's Chromium for the browser tests (test/indexer/dashboard.test.ts, test/prover/browser/page.test.ts,
# driven by playwright-core, which downloads no browser of its own). Installs the `chromium` package when
# no Chromium is found (NOVANET_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser); a no-op when one
# is there. Without root apt-get it only warns: the tests then fail under CI and skip elsewhere, with the
# reason (test/helpers/optional.ts). Idempotent.
set -uo pipefail
for p in "${NOVANET_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$p" ] && [ -x "$p" ]; then
    echo '{"level":"info","msg":"Chromium present"}'
    exit 0
  fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } || \
    echo '{"level":"warn","msg":"could not install chromium; the browser tests will report why"}' >&2
else
  echo '{"level":"warn","msg":"no Chromium and no root apt-get; the browser tests will report why"}' >&2
fi
exit 0
