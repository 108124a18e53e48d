#!/bin/sh
# Points the Vulkan loader at NVIDIA's driver, so that ONNX Runtime's WebGPU EP (Dawn on Vulkan) finds the GPU,
# then runs the given command. nvidia-container-toolkit, asked for the `graphics` capability, mounts the
# driver's Vulkan libraries. The driver's own manifest names libGLX_nvidia.so.0, whose vkCreateInstance fails
# on a machine without an X server (seen on an H100 with driver 580: "Could not get 'vkCreateInstance' via
# 'vk_icdGetInstanceProcAddr'"), so the manifest this image carries, which names the driver's EGL library, comes
# first. Exactly one manifest is chosen, so the loader never lists the GPU twice, and no software (CPU) Vulkan
# driver can stand in for it. A VK_DRIVER_FILES or VK_ICD_FILENAMES given to the container wins.
set -eu
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for manifest in /opt/ortfleet-vulkan/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
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
