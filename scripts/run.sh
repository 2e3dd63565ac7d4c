#!/usr/bin/env bash
# The README's main command: install, build the contracts, then run the whole network on this machine —
# `npm run devnet` (scripts/devnet.ts, docs/quickstart.md): a local chain, the contracts deployed by
# `novanet deploy`, an example circuit registered, the indexer with its dashboard, four prover nodes, and a
# 16-step proof requested, followed live, with one node killed halfway, verified on-chain and paid out.
#
#   bash scripts/run.sh [devnet flags: --nodes 4 --steps 16 --circuit FILE --keep --headless …]
#   bash scripts/run.sh --local [--circuit FILE] [--steps N] [--input JSON]   # one local proof, no network
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install.sh
scripts/node22.sh npx hardhat build --quiet
if [ "${1:-}" != "--local" ]; then
  exec scripts/node22.sh node --import tsx scripts/devnet.ts "$@"
fi
shift
# --local: fold N steps of a step circuit as a tree, add the succinct decider proof, verify the bundle
# off-chain and on an in-process EVM.
circuit="prover/circuits/vm_step.circom"
steps=16
input='["0","1"]'
while [ $# -gt 0 ]; do
  case "$1" in
    --circuit) circuit="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --input) input="$2"; shift 2 ;;
    *) echo "usage: bash scripts/run.sh --local [--circuit FILE] [--steps N] [--input JSON]" >&2; exit 2 ;;
  esac
done
out=".novanet/demo"
mkdir -p "$out"
printf '%s\n' "$input" > "$out/z0.json"
rm -rf "$out/bundle"
echo "{\"level\":\"info\",\"msg\":\"proving\",\"circuit\":\"$circuit\",\"steps\":$steps}"
# Dev SRS and dev decider keys (one in-process contribution): fine for trying it, convincing to no one
# else (docs/trust.md), hence --insecure-dev-keys on both sides. prove prints {"bundle", …, "ptau", "vkey"}.
summary="$(scripts/node22.sh node prover/bin/novanet.js prove --circuit "$circuit" --steps "$steps" \
  --input "$out/z0.json" --out "$out/bundle" --hiding --insecure-dev-keys)"
echo "$summary"
field() { printf '%s' "$summary" | scripts/node22.sh node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s.trim().split("\n").pop());process.stdout.write(String(j[process.argv[1]]))})' "$1"; }
ptau="$(field ptau)"
vkey="$(field vkey)"
echo '{"level":"info","msg":"verifying off-chain"}'
scripts/node22.sh node prover/bin/novanet.js verify "$out/bundle" --circuit "$circuit" --ptau "$ptau" --vkey "$vkey" \
  --insecure-dev-keys
echo '{"level":"info","msg":"verifying on an in-process EVM"}'
scripts/node22.sh node prover/bin/novanet.js verify "$out/bundle" --circuit "$circuit" --ptau "$ptau" --vkey "$vkey" \
  --insecure-dev-keys --onchain
