#!/usr/bin/env bash
# The README's main-job command: install, build the contracts, then run the network's main job as far as
# it exists today — a local (private-mode) proof: fold N steps of a step circuit as a tree, add the
# succinct decider proof, and verify the bundle off-chain and on an in-process EVM.
#
#   bash scripts/run.sh [--circuit prover/circuits/vm_step.circom] [--steps 16] [--input '["0","1"]']
#
# Still to come (see the open issues): the prover daemon on libp2p, `npm run devnet` with several
# prover nodes taking tasks from the ProofMarket, and the indexer fed by that devnet.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
circuit="prover/circuits/vm_step.circom"
steps=16
input='["0","1"]'
while [ $# -gt 0 ]; do
  case "$1" in
    --circuit) circuit="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --input) input="$2"; shift 2 ;;
    *) echo "usage: bash scripts/run.sh [--circuit FILE] [--steps N] [--input JSON]" >&2; exit 2 ;;
  esac
done
bash scripts/install.sh
scripts/node22.sh npx hardhat build --quiet
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
