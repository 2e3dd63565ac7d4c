#!/usr/bin/env bash
# bench:gpu on a machine with an NVIDIA GPU (docs/msm.md "On a GPU machine"). Dawn (npm "webgpu") reaches
# the GPU through Vulkan: the NVIDIA driver ships the Vulkan ICD, this installs the loader when missing,
# checks that Dawn's default backend sees a hardware adapter (not llvmpipe), then runs the full sizes and
# leaves bench/results/gpu.json (commit it with the adapter's name in the message).
# Usage: scripts/bench/gpu-nvidia.sh [extra bench:gpu args]   (from the repository root, after install.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo '{"level":"error","msg":"nvidia-smi not found: no NVIDIA driver on this machine"}' >&2
  exit 1
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
if ! ldconfig -p | grep -q libvulkan.so.1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libvulkan1 >/dev/null
  else
    echo '{"level":"error","msg":"libvulkan.so.1 missing: install the Vulkan loader (Debian: libvulkan1)"}' >&2
    exit 1
  fi
fi
export NOVANET_WEBGPU_BACKEND=default
scripts/node22.sh node --import tsx --input-type=module -e '
const { requestNodeGpuDevice } = await import("./prover/src/msm/webgpu/node.ts");
const got = await requestNodeGpuDevice();
if ("reason" in got) { console.error(got.reason); process.exit(1); }
console.log(`adapter: ${got.adapter}`);
if (/llvmpipe|swiftshader|lavapipe/i.test(got.adapter)) { console.error("a software adapter, not the GPU"); process.exit(1); }
process.exit(0);'
nice -n 0 scripts/node22.sh npm run bench:gpu -- --sizes 16,18,20,22 --fold 16,18,20 --reps 3 --compare-max 22 "$@"
