#!/usr/bin/env bash
# Installs what the service and the tests need on a fresh Debian machine with the .NET SDK:
# PostgreSQL 15 server binaries (the service and the tests start their own clusters) and RabbitMQ with its
# AMQP 1.0 plugin (the publishing tests start a private broker with tests/infra/amqp-broker.sh), and wrk for the
# benchmark's smoke run.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
# promtool and a real Prometheus for the tests of deploy/ (alert unit tests, scrape test).
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${need[*]}; run as root or install them (apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "installing ${need[*]} from Debian's packages..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The packages' own cluster and broker service are not used (our code starts private ones): a policy-rc.d that
  # denies service starts keeps the package's broker from starting during the install, unless one exists already.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  rc=0
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || rc=$?
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || exit "$rc"
fi
