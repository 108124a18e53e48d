# syntax=docker/dockerfile:1
# An ortfleet agent for Linux machines without an NVIDIA GPU, x86-64 and arm64: the CPU EP (onnxruntime-node
# ships its CPU binaries for both). NVIDIA machines use agent-nvidia.Dockerfile. Build from the repository root:
#
#   docker build -f infra/docker/agent.Dockerfile --build-arg ORTFLEET_COMMIT=$(git rev-parse HEAD) \
#     -t ortfleet-agent .
#   docker buildx build --platform linux/amd64,linux/arm64 -f infra/docker/agent.Dockerfile ...   # both at once
#
# Run it with host networking (see infra/README.md: the host-wide benchmark lock is a port on 127.0.0.1):
#
#   docker run -d --name ortfleet-agent --network host --restart unless-stopped --stop-timeout 90 \
#     --env-file /etc/ortfleet/agent.env -v ortfleet-agent:/var/lib/ortfleet ortfleet-agent
#
# agent.Dockerfile.dockerignore (next to this file) keeps .git, node_modules and local state out of the context.
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}

# The pnpm of package.json's packageManager field. Installed with npm rather than corepack: corepack checks
# registry signatures, which registry mirrors often strip, and keeps pnpm in one user's cache.
ARG PNPM_VERSION=10.34.9
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g "pnpm@${PNPM_VERSION}" \
 && npm cache clean --force

WORKDIR /opt/ortfleet
COPY . .
# The repository's .npmrc applies: onnxruntime-node's postinstall (a CUDA download that this image has no use
# for) is skipped. The store is a build cache mount, so it never ends up in a layer.
RUN --mount=type=cache,id=ortfleet-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm/store --reporter=append-only

# Results record the commit they were measured with; there is no .git in the image to ask.
ARG ORTFLEET_COMMIT=
ENV ORTFLEET_COMMIT=${ORTFLEET_COMMIT} \
    ORTFLEET_HOME=/var/lib/ortfleet
RUN mkdir -p /var/lib/ortfleet && chown node:node /var/lib/ortfleet
# The model cache (ORTFLEET_HOME/model-cache unless ORTFLEET_MODEL_CACHE says otherwise): keep it across
# restarts so models are not downloaded again.
VOLUME ["/var/lib/ortfleet"]
USER node

# `pnpm ortfleet agent` is `tsx apps/orchestrator/src/cli/main.ts agent` behind pnpm, sh and tsx's own wrapper
# process. pnpm passes SIGTERM only to sh and exits at once, so as the container's main process it would end
# the container before the agent has given its cell back. Node with tsx's loader is the same program in one
# process; tini (PID 1) forwards `docker stop`'s SIGTERM to it, waits for it and reaps orphans. Flags given
# to `docker run ... IMAGE` are appended (`--labels region=eu`).
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--", "node", "--import", "tsx", "apps/orchestrator/src/cli/main.ts", "agent"]
