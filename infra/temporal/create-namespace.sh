#!/bin/sh
# Registers the namespace ortfleet runs in (TEMPORAL_NAMESPACE, default `default`) once the Temporal frontend
# is serving, and waits until the namespace answers. The temporalio/server image registers none by itself
# (the retired auto-setup image did). Idempotent: an existing namespace is left as it is.
set -eu
address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
# Closed workflow histories are kept this long; results live in ortfleet's own database regardless.
retention="${TEMPORAL_RETENTION:-168h}"

wait_for() {
  what="$1"
  shift
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "$what: still failing after 5 minutes" >&2
      "$@"
      exit 1
    fi
    sleep 5
  done
}

wait_for "Temporal at $address" temporal operator cluster health --address "$address"
if temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
  echo "namespace '$namespace' exists"
  exit 0
fi
temporal operator namespace create --namespace "$namespace" --retention "$retention" --address "$address"
# A new namespace reaches every frontend through a cache refresh; the worker should not start before it has.
wait_for "namespace '$namespace'" temporal operator namespace describe --namespace "$namespace" --address "$address"
echo "namespace '$namespace' created"
