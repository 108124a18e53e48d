# syntax=docker/dockerfile:1
# An ortfleet agent for Linux machines without an NVIDIA GPU, x86-64 and arm64: the agent archive
# (docs/install.md: its own Node, the bundled agent, onnxruntime-node's CPU binaries) on a slim Debian, with
# nothing to install. NVIDIA machines use agent-nvidia.Dockerfile. Build the archives first, then the image,
# from the repository root:
#
#   pnpm build:agent linux-x64 linux-arm64
#   docker build -f infra/docker/agent.Dockerfile -t ortfleet-agent .
#   docker buildx build --platform linux/amd64,linux/arm64 -f infra/docker/agent.Dockerfile ...   # both at once
#
# Run it with host networking (see infra/README.md: the host-wide benchmark lock is a port on 127.0.0.1):
#
#   docker run -d --name ortfleet-agent --network host --restart unless-stopped --stop-timeout 90 \
#     --env-file /etc/ortfleet/agent.env -v ortfleet-agent:/var/lib/ortfleet ortfleet-agent
#
# agent.Dockerfile.dockerignore (next to this file) lets only the archives and infra/ into the context.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
ARG TARGETARCH
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/ortfleet ortfleet

# The archive carries the commit it was built from (lib/build-info.json), which results record.
COPY dist/agent/ortfleet-agent-linux-*.tar.xz /tmp/
RUN case "$TARGETARCH" in amd64) platform=linux-x64 ;; arm64) platform=linux-arm64 ;; \
      *) echo "no agent archive for $TARGETARCH" >&2; exit 1 ;; esac \
 && test -f "/tmp/ortfleet-agent-$platform.tar.xz" || { echo "run pnpm build:agent $platform before building this image" >&2; exit 1; } \
 && apt-get update && apt-get install -y --no-install-recommends xz-utils \
 && tar xJf "/tmp/ortfleet-agent-$platform.tar.xz" -C /opt \
 && mv "/opt/ortfleet-agent-$platform" /opt/ortfleet \
 && apt-get purge -y xz-utils && rm -rf /var/lib/apt/lists/* /tmp/ortfleet-agent-*.tar.xz

ENV ORTFLEET_HOME=/var/lib/ortfleet
# The model cache (ORTFLEET_HOME/model-cache unless ORTFLEET_MODEL_CACHE says otherwise): keep it across
# restarts so models are not downloaded again.
VOLUME ["/var/lib/ortfleet"]
USER ortfleet

# tini (PID 1) forwards `docker stop`'s SIGTERM to the agent, which gives its cell back before it exits, and
# reaps orphans. Flags given to `docker run ... IMAGE` are appended (`--labels region=eu`).
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--", "/opt/ortfleet/ortfleet-agent"]
