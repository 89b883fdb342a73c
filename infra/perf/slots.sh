#!/usr/bin/env bash
# Free slots and a doctor's calendar at a busy clinic's size, for docs/PERFORMANCE.md
# ("Free slots").
#
#   infra/perf/slots.sh
#
# Seeds qhealth_slots with infra/perf/slots-seed.sql (50 cardiologists with weekly hours, four
# weeks ahead 60% booked, a million other visits), starts the release (perf profile) gateway and
# runs infra/perf/slots.py: p50/p95 of a week of free slots of the whole specialty, of one
# doctor, and of a doctor's day list, one request at a time.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT"

DB=qhealth_slots
PORT=${PORT:-18192}
mysql=(mysql -h127.0.0.1 -P"${DB_PORT:-3306}" -uroot)
export DATABASE_URL="mysql://root@127.0.0.1:${DB_PORT:-3306}/$DB"

[[ ${DB_PORT:-3306} != 3306 ]] || ensure_system_mariadb
cargo build --profile perf -p qhealth-local --quiet
BIN=$TARGET_DIR/perf/qhealth-local
trap stop_started EXIT

# The first Monday at least two weeks ahead, so every measured slot is in the future.
monday=$(python3 -c "import datetime as d; t = d.date.today() + d.timedelta(days=14); \
print(t + d.timedelta(days=(7 - t.weekday()) % 7))")
"${mysql[@]}" -e "DROP DATABASE IF EXISTS $DB"
"$BIN" migrate >/dev/null
"$BIN" create-superuser --email root@perf.test --password 'Perf#Secret1' >/dev/null
started=$SECONDS
"${mysql[@]}" "$DB" -e "SET @monday = DATE '$monday'; SOURCE infra/perf/slots-seed.sql;"
say "seeded in $((SECONDS - started)) s"
"${mysql[@]}" "$DB" -e "ANALYZE TABLE users, profiles, roles, doctor_visits, doctor_hours" >/dev/null

PORT=$PORT RUST_LOG=warn TOKIO_WORKER_THREADS=1 GREETINGS_AT=23:59 "$BIN" serve \
  >/tmp/qhealth-slots-gateway.log 2>&1 &
track $!
wait_for 60 "the gateway" curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/health"
python3 infra/perf/slots.py "http://127.0.0.1:$PORT" "$monday"
