#!/bin/sh
# Runs scripts/device/generation-check.ts on a GPU machine with nothing but the linux-x64 agent archive's Node and
# onnxruntime-node and Debian's Vulkan loader (as nvidia-check.sh does). Build the bundle first (it stays out of git):
#
#   pnpm exec esbuild scripts/device/generation-check.ts --bundle --platform=node --format=esm --external:onnxruntime-node \
#     --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
#     --outfile=scripts/device/generation-check.bundle.mjs
#   scripts/device/generation-check.sh dist/agent/ortfleet-agent-linux-x64.tar.xz .ortfleet/device/x/usr/lib/x86_64-linux-gnu
#
# Any archive with ortfleet-agent-*/node/bin/node and ortfleet-agent-*/node_modules/onnxruntime-{node,common} will do;
# one with only those (41 MiB as tar.xz) fits a device machine's 64 MiB carry limit beside the repository.
set -u
archive="$1"
vulkan_lib="$(cd "$2" && pwd)"
bundle="$(pwd)/scripts/device/generation-check.bundle.mjs"
work="$(mktemp -d)"
tar xJf "$archive" -C "$work"
agent="$(ls -d "$work"/ortfleet-agent-*)"
manifest="$work/nvidia_icd.json"
printf '{"file_format_version":"1.0.1","ICD":{"library_path":"libEGL_nvidia.so.0","api_version":"1.3.242"}}\n' >"$manifest"
cp "$bundle" "$agent/generation-check.mjs"
cd "$agent"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1
for part in "loop cpu" "loop gpu-buffer" "cells webgpu" "cells cpu"; do
  echo "## $part"
  # shellcheck disable=SC2086
  LD_LIBRARY_PATH="$vulkan_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" VK_DRIVER_FILES="$manifest" VK_ICD_FILENAMES="$manifest" \
    timeout 120 ./node/bin/node generation-check.mjs $part
  echo "exit code $?"
done
