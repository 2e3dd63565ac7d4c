#!/usr/bin/env bash
# WebGPU in Node without a GPU: Dawn (npm "webgpu") on its OpenGL ES backend needs EGL and Mesa's
# llvmpipe software rasteriser. Installs Debian's packages when missing (a no-op when present or when
# apt-get is unavailable / not root: the WebGPU tests then skip with the reason). Idempotent.
set -uo pipefail
pkgs=(libegl1 libegl-mesa0 libgl1-mesa-dri libgles2)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo '{"level":"info","msg":"WebGPU software-adapter packages present"}'
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || \
    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; } || \
    echo "{\"level\":\"warn\",\"msg\":\"could not install ${missing[*]}; WebGPU tests will skip\"}" >&2
else
  echo "{\"level\":\"warn\",\"msg\":\"missing ${missing[*]} (no root apt-get); WebGPU tests will skip\"}" >&2
fi
exit 0
