# syntax=docker/dockerfile:1
# The central ortfleet processes: the orchestrator worker (`worker`) and the dashboard (`serve`), one image for
# both; infra/compose.yaml picks the command. Build from the repository root:
#
#   docker build -f infra/docker/orchestrator.Dockerfile --build-arg ORTFLEET_COMMIT=$(git rev-parse HEAD) \
#     -t ortfleet-orchestrator .
#
# orchestrator.Dockerfile.dockerignore (next to this file) keeps .git, node_modules and local state out of the
# context.
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
# The repository's .npmrc applies (onnxruntime-node's CUDA download skipped). The store is a build cache
# mount, so it never ends up in a layer.
RUN --mount=type=cache,id=ortfleet-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm/store --reporter=append-only

# Results record the commit they were measured with; there is no .git in the image to ask.
ARG ORTFLEET_COMMIT=
ENV ORTFLEET_COMMIT=${ORTFLEET_COMMIT} \
    ORTFLEET_HOME=/var/lib/ortfleet
# The dashboard keeps uploaded models in ORTFLEET_HOME/models: mount a volume here for it (compose does).
RUN mkdir -p /var/lib/ortfleet && chown node:node /var/lib/ortfleet
USER node

# `pnpm ortfleet` is `tsx apps/cli/src/main.ts` behind pnpm, sh and tsx's own wrapper process.
# pnpm passes SIGTERM only to sh and exits at once, so as the container's main process it would end the
# container before the worker has shut down. Node with tsx's loader is the same program in one process, and
# tini (PID 1) forwards `docker stop`'s SIGTERM to it, waits for it and reaps orphans.
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--", "node", "--import", "tsx", "apps/cli/src/main.ts"]
CMD ["--help"]
