#!/bin/sh
# Verifies the NVIDIA path on a GPU machine with nothing but the linux-x64 agent archive and Debian's Vulkan
# loader (libvulkan1, unpacked next to it): the probe's GPU and driver, a WebGPU cell (Dawn on Vulkan) with
# parity against the CPU, and nvidia-smi telemetry on that cell. Writes what it found under $OUT.
#
#   scripts/device/nvidia-check.sh dist/agent/ortfleet-agent-linux-x64.tar.xz .ortfleet/device/x/usr/lib/x86_64-linux-gnu
set -u
archive="$1"
vulkan_lib="$(cd "$2" && pwd)"
out="${OUT:-/tmp/ortfleet-nvidia-check}"
mkdir -p "$out"
work="$(mktemp -d)"
tar xJf "$archive" -C "$work"
agent="$(ls -d "$work"/ortfleet-agent-*)"

{
  echo "## nvidia-smi"; nvidia-smi 2>&1
  echo "## Vulkan ICD manifests"; ls -l /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>&1
  echo "## NVIDIA Vulkan driver libraries"; ldconfig -p 2>/dev/null | grep -E 'libGLX_nvidia|libnvidia-(glcore|glvkspirv|gpucomp)|libEGL_nvidia' || echo none
  echo "## OS"; cat /etc/os-release 2>&1 | head -3; uname -a
} >"$out/machine.txt" 2>&1

# The driver's own manifest names libGLX_nvidia.so.0, whose vkCreateInstance fails without an X server
# ("Could not get 'vkCreateInstance' via 'vk_icdGetInstanceProcAddr'", seen on an H100 with driver 580): a
# headless machine reaches the same driver through its EGL library (infra/docker/nvidia_icd.json does the same).
manifest="$work/nvidia_icd.json"
printf '{"file_format_version":"1.0.1","ICD":{"library_path":"libEGL_nvidia.so.0","api_version":"1.3.242"}}\n' >"$manifest"
echo "manifest: $manifest" >>"$out/machine.txt"

cd "$agent"
LD_LIBRARY_PATH="$vulkan_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" VK_DRIVER_FILES="$manifest" VK_ICD_FILENAMES="$manifest" \
  ORTFLEET_HOME="$work/home" timeout 240 ./ortfleet-agent check --json --ep cpu,webgpu,cuda --seconds 10 >"$out/check.json" 2>"$out/check.stderr"
echo "check exit code $?" >>"$out/machine.txt"
tail -c 3000 "$out/machine.txt"; tail -c 2000 "$out/check.stderr"
