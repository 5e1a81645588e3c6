#!/usr/bin/env bash
# Installs what the service and the tests need on a fresh Debian machine with the .NET SDK:
# PostgreSQL 15 server binaries (the service and the tests start their own clusters).
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${need[*]}; run as root or install them (apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "installing ${need[*]} from Debian's packages..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The package's own cluster is not used: our code starts private clusters.
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
