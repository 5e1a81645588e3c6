#!/usr/bin/env bash
# Installs what the service or the tests need on a fresh Debian machine with the .NET SDK.
#   scripts/install-prerequisites.sh serve   what serving needs (scripts/run.sh): PostgreSQL 15 server binaries
#                                            (the service starts its own embedded cluster) and runuser
#   scripts/install-prerequisites.sh bench   what bench/run and bench/ab need: serving's, RabbitMQ with its AMQP 1.0
#                                            plugin (P5's broker) and wrk
#   scripts/install-prerequisites.sh [test]  that, and what the tests need (scripts/test.sh): RabbitMQ with its
#                                            AMQP 1.0 plugin (tests/infra/amqp-broker.sh starts a private broker),
#                                            wrk for the benchmark's smoke run, and Node's npm with @redocly/cli
#                                            (in .tools/, the OpenAPI lint), PgBouncer, and Prometheus (promtool)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}
case "$mode" in serve|bench|test) ;; *) echo "usage: $0 [serve|bench|test]" >&2; exit 2 ;; esac
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
if [ "$mode" != serve ]; then
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
fi
if [ "$mode" = test ]; then
  command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
  # PgBouncer 1.18 (transaction pooling), in front of the test cluster for scripts/test.sh's PgBouncer pass.
  [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
  # libfaketime: a killed job worker's successors run with their clock past its lease (JobKillTests).
  command -v faketime >/dev/null 2>&1 || need+=(faketime)
  # promtool and a real Prometheus for the tests of deploy/ (alert unit tests, scrape test).
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  command -v jq >/dev/null 2>&1 || need+=(jq)
  command -v curl >/dev/null 2>&1 || need+=(curl)
fi
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
if [ "$mode" = test ]; then
  # The OpenAPI linter the tests run (OpenApiLintTests), pinned, kept in the checkout's .tools/ (not committed).
  # 2.x needs Node 20.19 or later; Debian 12's own Node (18) gets the last 1.x.
  redocly_version=2.77.0
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' || redocly_version=1.34.20
  if [ "$(cat .tools/redocly/version 2>/dev/null)" != "$redocly_version" ]; then
    echo "installing @redocly/cli $redocly_version into .tools/redocly..."
    mkdir -p .tools/redocly
    npm install --prefix .tools/redocly --no-audit --no-fund --loglevel=error "@redocly/cli@$redocly_version" >/dev/null
    echo "$redocly_version" > .tools/redocly/version
  fi
fi
