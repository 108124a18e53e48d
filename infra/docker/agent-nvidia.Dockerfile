# syntax=docker/dockerfile:1
# An ortfleet agent for Linux x86-64 machines with NVIDIA GPUs: the CPU EP, the CUDA EP and the WebGPU EP
# (Dawn on Vulkan). Build from the repository root, on a machine that can reach NuGet (where its install script fetches the CUDA EP):
#
#   docker build -f infra/docker/agent-nvidia.Dockerfile --build-arg ORTFLEET_COMMIT=$(git rev-parse HEAD) \
#     -t ortfleet-agent-nvidia .
#
# Run it on a host with the NVIDIA driver and nvidia-container-toolkit (see infra/README.md):
#
#   docker run -d --name ortfleet-agent --gpus all --network host --restart unless-stopped --stop-timeout 90 \
#     --env-file /etc/ortfleet/agent.env -v ortfleet-agent:/var/lib/ortfleet ortfleet-agent-nvidia
#
# CUDA and cuDNN: onnxruntime-node's CUDA EP is Microsoft.ML.OnnxRuntime.Gpu.Linux of the same version, which its
# install script downloads below. Its CUDA major version must match this base image's: ONNX Runtime built
# with CUDA 12.x runs on any 12.x and one built with 13.x on any 13.x, and it needs cuDNN 9 either way.
# ONNX Runtime 1.27 moved its default GPU packages from CUDA 12 to CUDA 13 (the PyPI wheel of 1.30.0 says
# cuda_version 13.0 and links libcudart.so.13), hence the CUDA 13 default; the build checks the downloaded
# library against this image and stops, naming what is missing, if they disagree. To use a CUDA 12 base:
#   --build-arg CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
# CUDA 13 needs an R580 or newer driver on the host and a Turing (sm_75) or newer GPU.
#
# agent-nvidia.Dockerfile.dockerignore (next to this file) keeps .git, node_modules and local state out of the
# context.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04

FROM ${NODE_IMAGE} AS node

FROM ${CUDA_IMAGE}
RUN if [ "$(dpkg --print-architecture)" != amd64 ]; then \
      echo "onnxruntime-node publishes CUDA EP libraries for linux/x64 only; build agent.Dockerfile for $(dpkg --print-architecture)" >&2; \
      exit 1; \
    fi

# Node 20 from the official image: the same build as the other images, and its binaries need only glibc 2.28.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version

# libvulkan1 is the Vulkan loader Dawn opens; libGLX_nvidia.so.0, which nvidia-container-toolkit mounts for the
# `graphics` capability and which holds NVIDIA's Vulkan driver, needs libglvnd and the X client libraries
# (no X server). vulkan-tools brings `vulkaninfo`, to check the GPU shows through Vulkan.
ARG PNPM_VERSION=10.34.9
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates tini libvulkan1 vulkan-tools libglvnd0 libgl1 libegl1 libx11-6 libxext6 \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g "pnpm@${PNPM_VERSION}" \
 && npm cache clean --force
COPY infra/docker/nvidia_icd.json /opt/ortfleet-vulkan/nvidia_icd.json
COPY --chmod=755 infra/docker/vulkan-env.sh /usr/local/bin/ortfleet-vulkan-env

WORKDIR /opt/ortfleet
COPY . .
RUN --mount=type=cache,id=ortfleet-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm/store --reporter=append-only

# onnxruntime-node keeps its CUDA EP libraries (libonnxruntime_providers_{shared,cuda,tensorrt}.so) out of the
# npm package; its install script fetches them from NuGet next to its own binaries. The repository's .npmrc
# skips that step for machines without a GPU; here it runs on purpose.
RUN cd apps/agent/node_modules/onnxruntime-node \
 && ONNXRUNTIME_NODE_INSTALL=1 node script/install.js \
 && test -f bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so \
 && test -f bin/napi-v6/linux/x64/libonnxruntime_providers_shared.so

# Stop here, rather than at the first CUDA cell, when the provider needs libraries this base lacks.
# libcuda.so.1 is the driver's and arrives with the container at run time; cuDNN is opened at run time, so it
# is looked for by name.
RUN set -eu; \
    lib="$(readlink -f apps/agent/node_modules/onnxruntime-node)/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so"; \
    missing="$(ldd "$lib" | grep 'not found' | grep -v 'libcuda\.so\.1' || true)"; \
    if [ -n "$missing" ]; then \
      echo "libonnxruntime_providers_cuda.so (from NuGet) needs libraries this base image lacks:" >&2; \
      echo "$missing" >&2; \
      echo "pick a base with that CUDA major version: --build-arg CUDA_IMAGE=nvidia/cuda:<version>-cudnn-runtime-ubuntu24.04" >&2; \
      exit 1; \
    fi; \
    ldconfig -p | grep -q 'libcudnn\.so\.9' || { echo "cuDNN 9 (libcudnn.so.9) is missing from the base image; use a -cudnn- tag" >&2; exit 1; }

ARG ORTFLEET_COMMIT=
ENV ORTFLEET_COMMIT=${ORTFLEET_COMMIT} \
    ORTFLEET_HOME=/var/lib/ortfleet \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics
RUN useradd --system --home-dir /var/lib/ortfleet --create-home --shell /usr/sbin/nologin ortfleet
# The model cache (ORTFLEET_HOME/model-cache unless ORTFLEET_MODEL_CACHE says otherwise): keep it across
# restarts so models are not downloaded again.
VOLUME ["/var/lib/ortfleet"]
USER ortfleet

# `pnpm ortfleet agent` is `tsx apps/cli/src/main.ts agent` behind pnpm, sh and tsx's own wrapper
# process. pnpm passes SIGTERM only to sh and exits at once, so as the container's main process it would end
# the container before the agent has given its cell back. Node with tsx's loader is the same program in one
# process; tini (PID 1) forwards `docker stop`'s SIGTERM to it, waits for it and reaps orphans.
# ortfleet-vulkan-env picks the Vulkan ICD manifest and execs the agent. Flags given to `docker run ... IMAGE`
# are appended (`--labels region=eu`).
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--", "ortfleet-vulkan-env", "node", "--import", "tsx", "apps/cli/src/main.ts", "agent"]
