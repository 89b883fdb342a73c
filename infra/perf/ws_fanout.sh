#!/usr/bin/env bash
# Live-update fan-out for docs/PERFORMANCE.md: the release gateway on a fresh database, 500
# WebSocket clients subscribed to `diagnostics`, then 15 modalities added one at a time; prints,
# for each, how long the POST took to answer and the last of the 500 pushes to arrive, and the
# SQL statements the server executed (MariaDB's Com_stmt_execute: run it on a quiet server).
#
#   infra/perf/ws_fanout.sh
#   CONNECTIONS=1000 CHANGES=30 infra/perf/ws_fanout.sh
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT"

PORT=${PORT:-18182}
DB=${WS_PERF_DATABASE:-qhealth_ws_perf}
export DATABASE_URL="mysql://root@127.0.0.1:3306/$DB"
export RUST_LOG=${RUST_LOG:-warn}
RELEASE="${CARGO_TARGET_DIR:-target}/perf"

ensure_system_mariadb >/dev/null
cargo build --profile perf --quiet -p qhealth-local --bin qhealth-local --example ws_fanout
sql "$DATABASE_URL" "DROP DATABASE IF EXISTS \`$DB\`"
"$RELEASE/qhealth-local" migrate >/dev/null
"$RELEASE/qhealth-local" create-superuser --email root@perf.test --password 'Perf#Secret1' >/dev/null

# One runtime thread, as infra/perf/run.sh measures the lists (see docs/PERFORMANCE.md).
PORT=$PORT TOKIO_WORKER_THREADS=${WORKERS:-1} "$RELEASE/qhealth-local" serve &
track $!
trap stop_started EXIT
wait_for 60 "the gateway" curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/health"

"$RELEASE/examples/ws_fanout" --base "http://127.0.0.1:$PORT" --database "$DATABASE_URL" \
  --connections "${CONNECTIONS:-500}" --changes "${CHANGES:-15}"
