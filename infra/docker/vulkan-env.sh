#!/bin/sh
# Points the Vulkan loader at NVIDIA's driver, so that ONNX Runtime's WebGPU EP (Dawn on Vulkan) finds the GPU,
# then runs the given command. nvidia-container-toolkit, asked for the `graphics` capability, mounts the
# driver's Vulkan libraries and, in recent versions, the driver's ICD manifest; older versions mount only the
# libraries, which the manifest this image carries points at. Exactly one manifest is chosen, so the loader
# never lists the GPU twice, and no software (CPU) Vulkan driver can stand in for it. A VK_DRIVER_FILES or
# VK_ICD_FILENAMES given to the container wins.
set -eu
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for manifest in /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /opt/ortfleet-vulkan/nvidia_icd.json; do
    if [ -f "$manifest" ]; then
      # VK_DRIVER_FILES for current loaders, VK_ICD_FILENAMES for loaders older than 1.3.207.
      VK_DRIVER_FILES="$manifest"
      VK_ICD_FILENAMES="$manifest"
      export VK_DRIVER_FILES VK_ICD_FILENAMES
      break
    fi
  done
fi
exec "$@"
