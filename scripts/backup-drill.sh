#!/usr/bin/env bash
# The restore drill of docs/operations.md on a throwaway cluster:
#   1. pg_dump --format=custom the store named by DRILL_SOURCE_DATABASE_URL (a postgres:// URL);
#   2. initdb a FRESH cluster in a temporary folder (socket under /tmp; as the postgres user when run as root)
#      and pg_restore the dump into it;
#   3. compare every table of every schema (row count and a digest of all rows) and every sequence position;
#   4. start the service's `status` on the restored store (no pending migration, so it runs) and
#      `reindex --since 1970-01-01`, which queues every case for the search index;
#   5. stop the cluster and remove the folder, whatever happened.
# Usage: DRILL_SOURCE_DATABASE_URL=postgres://user@host:5432/db scripts/backup-drill.sh [--keep-dump FILE]
#        (DRILL_APP_ENV, default DEV, and the service's Ccd__Auth__* settings as the deployment sets them)
# The comparison is only exact while nothing writes to the source: run it on a copy, a replica or a quiet store.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DRILL_SOURCE_DATABASE_URL:?set DRILL_SOURCE_DATABASE_URL to the store to back up (postgres://...)}"
keep_dump=""
if [[ "${1:-}" == "--keep-dump" ]]; then keep_dump="${2:?--keep-dump needs a file}"; fi

bin="${PG_BIN_DIR:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
work="$(mktemp -d /tmp/ccd-drill-XXXXXX)"
socket="$work/socket"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_server=()
if [[ "$(id -u)" == 0 ]]; then as_server=(runuser -u postgres --); fi

cleanup() {
  if [[ -f "$work/data/postmaster.pid" ]]; then
    "${as_server[@]}" "$bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Every base table of every non-system schema, and every sequence: one line each, comparable with diff.
fingerprint() {
  psql "$1" -XAt -v ON_ERROR_STOP=1 -c "
    SELECT format('SELECT %L || '' '' || count(*) || '' '' || coalesce(md5(string_agg(t::text, E''\\n'' ORDER BY t::text)), '''') FROM %I.%I t;',
                  table_schema || '.' || table_name, table_schema, table_name)
    FROM information_schema.tables
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'
    ORDER BY table_schema, table_name" | psql "$1" -XAt -v ON_ERROR_STOP=1
  psql "$1" -XAt -v ON_ERROR_STOP=1 -c "
    SELECT schemaname || '.' || sequencename || ' ' || coalesce(last_value::text, 'unused') FROM pg_sequences ORDER BY 1"
}

echo "1. dump"
started=$(date +%s)
# Clients run as the caller: the dump belongs to them and the server never reads it.
fingerprint "$DRILL_SOURCE_DATABASE_URL" > "$work/source.txt"
"$bin/pg_dump" --format=custom --no-owner --dbname="$DRILL_SOURCE_DATABASE_URL" --file="$work/store.dump"
fingerprint "$DRILL_SOURCE_DATABASE_URL" > "$work/source-after.txt"
if ! diff -q "$work/source.txt" "$work/source-after.txt" >/dev/null; then
  echo "the source changed while it was dumped: run the drill on a quiet store" >&2
  exit 1
fi
echo "   $(du -h "$work/store.dump" | cut -f1) in $(( $(date +%s) - started ))s"

echo "2. restore into a fresh cluster on port $port"
mkdir -p "$work/data" "$socket"
if [[ "$(id -u)" == 0 ]]; then chown postgres:postgres "$work" "$work/data" "$socket"; fi
"${as_server[@]}" "$bin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
"${as_server[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/data/server.log" -w -t 60 \
  -o "-p $port -k $socket -c listen_addresses=127.0.0.1" start >/dev/null
restored="postgres://postgres@127.0.0.1:$port/restored"
"$bin/createdb" --host=127.0.0.1 --port="$port" --username=postgres restored
# Roles belong to the cluster, not to the dump: the runtime role its grants name must exist before the restore.
"$bin/psql" "$restored" -XAtq -v ON_ERROR_STOP=1 -c "CREATE ROLE ccd_runtime NOLOGIN"
started=$(date +%s)
"$bin/pg_restore" --no-owner --exit-on-error --single-transaction --dbname="$restored" "$work/store.dump"
echo "   restored in $(( $(date +%s) - started ))s"

echo "3. compare every table and sequence"
fingerprint "$restored" > "$work/restored.txt"
if ! diff -u "$work/source.txt" "$work/restored.txt"; then
  echo "the restored store differs from the source" >&2
  exit 1
fi
echo "   $(wc -l < "$work/restored.txt") tables and sequences identical"

echo "4. the service on the restored store: status, then reindex"
dotnet build src/Adoption.Service -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
# DEV by default: migrations are not applied automatically there, so a store missing one would stop here. The
# service's usual settings (Ccd__Auth__* and the rest) come from the caller's environment, as in a deployment.
app_env="${DRILL_APP_ENV:-DEV}"
service=(env APP_ENV="$app_env" "${app_env}_DATABASE_URL=$restored" dotnet src/Adoption.Service/bin/Release/net10.0/Adoption.Service.dll)
"${service[@]}" status
"${service[@]}" reindex --since 1970-01-01

if [[ -n "$keep_dump" ]]; then cp "$work/store.dump" "$keep_dump"; echo "dump kept in $keep_dump"; fi
echo "drill passed"
