#!/usr/bin/env bash
# amqp-broker.sh — run a private, real AMQP 1.0 broker (Debian's RabbitMQ 3.10
# + its rabbitmq_amqp1_0 plugin) for the integration tests.
#
# Usage:
#   amqp-broker.sh start   <workdir>  install if needed, start, print AMQP_URL=...
#   amqp-broker.sh stop    <workdir>  stop the instance, wait until its port is closed
#   amqp-broker.sh restart <workdir>  stop + start (same port, same data)
#   amqp-broker.sh status  <workdir>  exit 0 if it accepts AMQP 1.0, else 1
#
# `start` prints exactly one line on stdout once the broker answers the
# AMQP 1.0 protocol header:   AMQP_URL=amqp://guest:guest@127.0.0.1:PORT
# Everything else goes to stderr or to <workdir>/log. The port is chosen once
# (free loopback port) and recorded in <workdir>/broker.env, so a later
# `start` on the same <workdir> (e.g. after `stop`) comes back on the SAME port
# with the SAME data (messages survive, see below).
#
# Addresses (RabbitMQ 3.10's AMQP 1.0 plugin, "v1" address format):
#   * Send to and receive from "/amq/queue/NAME", e.g. "/amq/queue/ccd-case-events"
#     (same string as SenderLink target and ReceiverLink source). It refers to
#     an EXISTING queue, so `start` declares the queues named in
#     $AMQP_BROKER_QUEUES (space/comma separated, default "ccd-case-events";
#     "" = none) before it reports ready. Sending to /amq/queue/MISSING is
#     accepted and silently dropped; receiving from it fails (amqp:not-found).
#   * Do NOT use the plain name "NAME" (nor "/queue/NAME") for those queues:
#     on attach the plugin re-declares the queue from the link's terminus
#     (AMQPNetLite default: durable=none -> non-durable classic queue) and the
#     attach fails with PRECONDITION_FAILED "inequivalent arg 'durable'/
#     'x-queue-type'". A plain name that is NOT pre-declared does work: it
#     creates a non-durable classic queue, which (with its messages) is gone
#     after a broker restart.
# Durability: the queues are QUORUM queues (AMQP_BROKER_QUEUE_TYPE=quorum, the
# default): every message is on disk whatever its header.durable, so queued
# and unsettled (received, not yet accepted) messages survive stop/start.
# With AMQP_BROKER_QUEUE_TYPE=classic only Header.Durable=true messages do.
# Credentials: guest/guest (SASL PLAIN); SASL ANONYMOUS is also accepted and
# maps to guest.
# Quirks seen with AMQPNetLite 2.5.5: max-frame-size 262144 (bigger messages
# are split into several transfers, fine); group-id, content-type, subject,
# message-id and application-properties round-trip, but group-id has no
# broker semantics (no sticky per-group consumer); Accept = done, Release =
# requeued, Reject = dropped, Modify = NOT supported (the broker ends the
# session with "Unrecognised state"); header.delivery-count stays 0 on
# redelivery; on `stop` open connections get amqp:connection:forced.
#
# Processes: one Erlang VM (beam.smp + its erl_child_setup/inet_gethost
# helpers) and one private epmd on its own loopback port (ERL_EPMD_PORT), both
# started in their own session and both ended by `stop`; the system-wide epmd
# (port 4369) and the Debian system service are never used. Always `stop`
# before deleting <workdir>: the pid files live there.
set -euo pipefail

RMQ_BIN=/usr/lib/rabbitmq/bin            # the real scripts (the /usr/sbin ones su to the rabbitmq user)
RMQ_LIB=/usr/lib/rabbitmq/lib
# Erlang apps the broker + AMQP 1.0 plugin need. At boot RabbitMQ loads every
# module of every app it finds in its plugins dir (feature-flag and upgrade
# scans), which costs ~2-3 s of CPU for the ~70 bundled apps; a private
# plugins dir with just these saves ~1-2 s per start on 2 cores. AMQP_BROKER_ALL_APPS=1
# falls back to the package's full plugins dir.
RMQ_APPS="rabbit rabbit_common rabbitmq_prelaunch rabbitmq_amqp1_0 amqp_client amqp10_common
  ra osiris aten gen_batch_server seshat cuttlefish getopt sysmon_handler observer_cli recon
  stdout_formatter ranch syslog systemd jsx credentials_obfuscation enough quantile_estimator"
READY_TIMEOUT=${AMQP_BROKER_READY_TIMEOUT:-60}
STOP_TIMEOUT=${AMQP_BROKER_STOP_TIMEOUT:-30}
QUEUES=${AMQP_BROKER_QUEUES-ccd-case-events}   # set to "" to declare none
QUEUE_TYPE=${AMQP_BROKER_QUEUE_TYPE:-quorum}
REJECTING_QUEUES=${AMQP_BROKER_REJECTING_QUEUES-}   # classic queues rejecting any message over 64 KiB
AMQP_USER=guest
AMQP_PASS=guest

log() { printf 'amqp-broker: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() { die "usage: $0 {start|stop|restart|status} <workdir>"; }

# ---------------------------------------------------------------- install ---
ensure_installed() {
    [ -x "$RMQ_BIN/rabbitmq-server" ] && return 0
    [ "$(id -u)" = 0 ] || die "rabbitmq-server is not installed and we are not root"
    log "installing rabbitmq-server (Debian package)"
    # Keep the package's own system service from starting (we run a private
    # instance): a policy-rc.d that denies everything, only for this install,
    # unless the machine already has one (then we leave it as it is).
    local own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    local rc=0 aptlog="$WD/log/apt.log"
    mkdir -p "$WD/log"
    export DEBIAN_FRONTEND=noninteractive
    # Lock timeout: parallel test runs may install at the same moment.
    local apt=(apt-get -y -qq -o DPkg::Lock::Timeout=300)
    "${apt[@]}" install --no-install-recommends rabbitmq-server >"$aptlog" 2>&1 || rc=$?
    if [ "$rc" != 0 ]; then
        # Usually a stale/missing package list: refresh once and retry.
        rc=0
        "${apt[@]}" update >>"$aptlog" 2>&1 || true
        "${apt[@]}" install --no-install-recommends rabbitmq-server >>"$aptlog" 2>&1 || rc=$?
    fi
    [ "$rc" = 0 ] || tail -n 20 "$aptlog" >&2
    [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    [ "$rc" = 0 ] || die "apt-get install rabbitmq-server failed (rc=$rc)"
    stop_system_service
}

# Belt and braces: if the package's service did start anyway (no policy-rc.d
# honoured, systemd present...), stop and disable it so that it does not hold
# port 5672 / epmd 4369 or eat CPU during the tests.
stop_system_service() {
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl stop rabbitmq-server >/dev/null 2>&1 || true
        systemctl disable rabbitmq-server >/dev/null 2>&1 || true
    elif command -v service >/dev/null 2>&1; then
        service rabbitmq-server stop >/dev/null 2>&1 || true
    fi
}

# ------------------------------------------------------------------ ports ---
port_open() {  # true if something accepts TCP connections on 127.0.0.1:$1
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

pick_free_port() {  # sets PORT_PICKED; random port below the ephemeral range
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 12000 ))
        case " ${TAKEN_PORTS:-} " in *" $p "*) continue ;; esac
        if ! port_open "$p"; then
            TAKEN_PORTS="${TAKEN_PORTS:-} $p"
            PORT_PICKED=$p
            return 0
        fi
    done
    die "no free port found"
}

# True once the listener speaks AMQP 1.0: we send the SASL protocol header
# "AMQP 3 1 0 0" and expect the broker to echo it back (RabbitMQ core alone,
# without the plugin, would answer with its 0-9-1 header instead).
amqp10_ready() {
    local port=$1 reply
    reply=$(timeout 3 bash -c '
        exec 3<>/dev/tcp/127.0.0.1/'"$port"' || exit 1
        printf "AMQP\003\001\000\000" >&3
        head -c 8 <&3 | od -An -tx1 | tr -d " \n"
    ' 2>/dev/null) || return 1
    [ "$reply" = "414d515003010000" ]
}

# ------------------------------------------------------------- instance -----
load_env() {
    # shellcheck disable=SC1090,SC1091
    [ -f "$WD/broker.env" ] && . "$WD/broker.env"
    return 0
}

# A process that exited but was not reaped yet (zombie; our detached
# children are reaped by PID 1, sometimes slowly) counts as gone.
pid_alive() {
    local st
    [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ]
}

write_config() {
    mkdir -p "$WD/log" "$WD/mnesia" "$WD/home"
    : >"$WD/rabbitmq-env.conf"        # empty: keeps /etc/rabbitmq/rabbitmq-env.conf out
    echo '[rabbitmq_amqp1_0].' >"$WD/enabled_plugins"
    echo '[].' >"$WD/advanced.config"  # keeps /etc/rabbitmq/advanced.config out

    # Definitions imported at every boot: the user (a fresh node skips its
    # default guest user when definitions are loaded) and the test queues.
    local q qs="" sep=""
    for q in ${QUEUES//,/ }; do
        qs="$qs$sep{\"name\":\"$q\",\"vhost\":\"/\",\"durable\":true,\"auto_delete\":false,\"arguments\":{\"x-queue-type\":\"$QUEUE_TYPE\"}}"
        sep=","
    done
    # Queues that refuse for good any message over 64 KiB (a classic queue rejects a publish that would take it
    # past x-max-length-bytes): a real broker's permanent rejection of one message, for the poison-message tests.
    for q in ${REJECTING_QUEUES//,/ }; do
        qs="$qs$sep{\"name\":\"$q\",\"vhost\":\"/\",\"durable\":true,\"auto_delete\":false,\"arguments\":{\"x-queue-type\":\"classic\",\"x-max-length-bytes\":65536,\"x-overflow\":\"reject-publish\"}}"
        sep=","
    done
    cat >"$WD/definitions.json" <<EOF
{
  "users": [{"name":"$AMQP_USER","password":"$AMQP_PASS","tags":"administrator"}],
  "vhosts": [{"name":"/"}],
  "permissions": [{"user":"$AMQP_USER","vhost":"/","configure":".*","write":".*","read":".*"}],
  "queues": [$qs]
}
EOF

    cat >"$WD/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
# guest may log in from anywhere (we only listen on loopback anyway)
loopback_users = none
default_user = $AMQP_USER
default_pass = $AMQP_PASS
# SASL ANONYMOUS / no-SASL AMQP 1.0 connections act as this user
amqp1_0.default_user = $AMQP_USER
amqp1_0.default_vhost = /
definitions.import_backend = local_filesystem
definitions.local.path = $WD/definitions.json
# test machines may be short of disk: don't block publishers for that
disk_free_limit.absolute = 1MB
log.console = false
log.file = rabbit.log
log.file.level = info
EOF
}

# $WD/rmqhome/{sbin,plugins}: symlinks to the package's scripts and to the
# apps in RMQ_APPS only; sets SCRIPTS_DIR. Globs, not subprocesses: forks are
# slow in some sandboxes.
make_private_home() {
    local home="$WD/rmqhome" real a found=() targets=()
    found=("$RMQ_LIB"/rabbitmq_server-*); real=${found[-1]}
    for a in $RMQ_APPS; do
        found=("$real/plugins/$a"-[0-9]*)
        [ -d "${found[0]}" ] || die "Erlang app $a not found in $real/plugins"
        targets+=("${found[-1]}")
    done
    rm -rf "$home"; mkdir -p "$home/sbin" "$home/plugins"
    ln -s "$real"/sbin/* "$home/sbin/"
    ln -s "${targets[@]}" "$home/plugins/"
    SCRIPTS_DIR="$home/sbin"
}

start_instance() {
    mkdir -p "$WD"
    WD=$(cd "$WD" && pwd)
    load_env
    if [ -n "${AMQP_PORT:-}" ] && amqp10_ready "$AMQP_PORT" && pid_alive "$(cat "$WD/beam.pid" 2>/dev/null)"; then
        echo "AMQP_URL=amqp://$AMQP_USER:$AMQP_PASS@127.0.0.1:$AMQP_PORT"   # already running
        return 0
    fi
    ensure_installed
    command -v epmd >/dev/null 2>&1 || die "epmd not found (erlang-base missing?)"

    # Ports: chosen once per workdir, reused by every later start.
    if [ -z "${AMQP_PORT:-}" ]; then
        pick_free_port; AMQP_PORT=$PORT_PICKED
        pick_free_port; DIST_PORT=$PORT_PICKED
        pick_free_port; EPMD_PORT=$PORT_PICKED
        printf 'AMQP_PORT=%s\nDIST_PORT=%s\nEPMD_PORT=%s\n' "$AMQP_PORT" "$DIST_PORT" "$EPMD_PORT" >"$WD/broker.env"
    fi
    port_open "$AMQP_PORT" && die "port $AMQP_PORT (recorded in $WD/broker.env) is busy"
    write_config

    local t0=$SECONDS
    # Private epmd on its own port: the node registers there, and `stop` can
    # end it without touching any other Erlang program's epmd on 4369.
    if ! port_open "$EPMD_PORT"; then
        setsid epmd -port "$EPMD_PORT" -address 127.0.0.1 </dev/null >>"$WD/log/epmd.log" 2>&1 &
        echo $! >"$WD/epmd.pid"
        local i
        for ((i = 0; i < 50; i++)); do port_open "$EPMD_PORT" && break; sleep 0.1; done
    fi

    # The broker, detached in its own session, all fds away from our stdout
    # (a caller reading our stdout to EOF must not wait for the broker).
    # Runs as root: RabbitMQ does not refuse it and every path is under $WD.
    if [ "${AMQP_BROKER_ALL_APPS:-0}" = 1 ]; then
        SCRIPTS_DIR=$(dirname "$(readlink -f "$RMQ_BIN/rabbitmq-server")")
    else
        make_private_home
    fi
    (
        cd "$WD"
        export RABBITMQ_SCRIPTS_DIR="$SCRIPTS_DIR"   # RABBITMQ_HOME = its parent
        export HOME="$WD/home"                       # private .erlang.cookie
        export ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1
        export RABBITMQ_CONF_ENV_FILE="$WD/rabbitmq-env.conf"
        export RABBITMQ_NODENAME="amqptest$AMQP_PORT@localhost"
        export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$AMQP_PORT"
        export RABBITMQ_DIST_PORT="$DIST_PORT"
        export RABBITMQ_CONFIG_FILE="$WD/rabbitmq.conf"
        export RABBITMQ_ADVANCED_CONFIG_FILE="$WD/advanced.config"
        export RABBITMQ_ENABLED_PLUGINS_FILE="$WD/enabled_plugins"
        export RABBITMQ_MNESIA_BASE="$WD/mnesia" RABBITMQ_MNESIA_DIR="$WD/mnesia/node"
        export RABBITMQ_LOG_BASE="$WD/log"
        export RABBITMQ_PID_FILE="$WD/beam.pid"
        # 2-core machines: no scheduler busy-waiting, so an idle broker does
        # not steal CPU from the tests.
        # Erlang distribution (only used by rabbitmqctl) on loopback only.
        export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none -kernel inet_dist_use_interface {127,0,0,1}"
        exec setsid "$SCRIPTS_DIR/rabbitmq-server" </dev/null >>"$WD/log/console.log" 2>&1
    ) &
    echo $! >"$WD/wrapper.pid"

    local deadline=$(( SECONDS + READY_TIMEOUT ))
    until amqp10_ready "$AMQP_PORT"; do
        if ! pid_alive "$(cat "$WD/wrapper.pid")"; then
            tail -n 30 "$WD/log/console.log" >&2 || true
            stop_instance >/dev/null 2>&1 || true
            die "broker exited during start (logs in $WD/log)"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -n 30 "$WD/log/console.log" >&2 || true
            stop_instance >/dev/null 2>&1 || true
            die "broker not ready after ${READY_TIMEOUT}s (logs in $WD/log)"
        fi
        sleep 0.2
    done
    log "ready on 127.0.0.1:$AMQP_PORT in $(( SECONDS - t0 ))s (workdir $WD)"
    echo "AMQP_URL=amqp://$AMQP_USER:$AMQP_PASS@127.0.0.1:$AMQP_PORT"
}

# Wait up to $2 seconds for pid $1 to go away.
wait_gone() {
    local pid=$1 n=$(( $2 * 10 )) i
    for ((i = 0; i < n; i++)); do pid_alive "$pid" || return 0; sleep 0.1; done
    return 1
}

stop_instance() {
    [ -d "$WD" ] || { log "no workdir $WD: nothing to stop"; return 0; }
    WD=$(cd "$WD" && pwd)
    load_env
    local beam wrapper epmd_pid
    beam=$(cat "$WD/beam.pid" 2>/dev/null || true)
    wrapper=$(cat "$WD/wrapper.pid" 2>/dev/null || true)
    epmd_pid=$(cat "$WD/epmd.pid" 2>/dev/null || true)

    # SIGTERM = RabbitMQ's graceful shutdown (flushes queues to disk).
    if pid_alive "$beam"; then
        kill -TERM "$beam" 2>/dev/null || true
        wait_gone "$beam" "$STOP_TIMEOUT" || { log "broker did not stop in ${STOP_TIMEOUT}s: killing"; kill -KILL "$beam" 2>/dev/null || true; }
    fi
    # The sh wrapper and anything left in the broker's session (setsid made
    # the wrapper a session/process-group leader, so -PID is its group).
    if [ -n "$wrapper" ]; then
        kill -TERM -- "-$wrapper" 2>/dev/null || true
        wait_gone "$wrapper" 5 || kill -KILL -- "-$wrapper" 2>/dev/null || true
    fi
    if pid_alive "$epmd_pid"; then
        kill -TERM "$epmd_pid" 2>/dev/null || true
        wait_gone "$epmd_pid" 5 || kill -KILL "$epmd_pid" 2>/dev/null || true
    fi
    rm -f "$WD/beam.pid" "$WD/wrapper.pid" "$WD/epmd.pid"

    if [ -n "${AMQP_PORT:-}" ]; then
        local i
        for ((i = 0; i < 100; i++)); do port_open "$AMQP_PORT" || break; sleep 0.1; done
        port_open "$AMQP_PORT" && die "port $AMQP_PORT still open after stop"
    fi
    log "stopped (workdir $WD)"
}

cmd=${1:-}; WD=${2:-}
if [ -z "$cmd" ] || [ -z "$WD" ]; then usage; fi
case "$cmd" in
    start)   start_instance ;;
    stop)    stop_instance ;;
    restart|restart-stopped) stop_instance; start_instance ;;
    status)  load_env; [ -n "${AMQP_PORT:-}" ] && amqp10_ready "$AMQP_PORT" ;;
    *)       usage ;;
esac
