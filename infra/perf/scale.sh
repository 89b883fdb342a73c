#!/usr/bin/env bash
# Every list at a clinic's real size, for docs/PERFORMANCE.md ("Lists at a million rows").
#
#   infra/perf/scale.sh          # 100,000 patients, 300 staff, 1,000,000 visits and journal
#                                # entries, 500,000 prescriptions, 100,000 diagnostic bookings,
#                                # 1,000,000 login attempts (about 8 minutes to seed)
#   infra/perf/scale.sh 0.1      # the same clinic ten times smaller
#
# Settings (environment): MARIADB_PORT (default 3306: the machine's MariaDB, started if need be;
# any other port is a server that must already run, on 127.0.0.1 as root), DB (the database,
# default qhealth_scale_<patients>), REUSE=1 (measure the database seeded last time again),
# PROFILE (the cargo profile the gateway is built with, default perf).
#
# Seeds qhealth_scale_<patients> with infra/perf/scale-seed.sql and records-seed.sql (SQL, no
# row-by-row inserts),
# ANALYZEs it, starts the release (perf profile) gateway with the SES emulator, and runs
# infra/perf/scale.py: p50/p95 of each list one request at a time, some at 16 connections
# (wrk), and the EXPLAIN of each page statement. The tables go to target/perf/scale-<patients>.md.
# MariaDB's buffer pool is raised to 2 GiB for the run (what a production MySQL, which gives it
# most of its memory, would have) and put back afterwards. Needs wrk (apt-get install wrk).
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT"

SCALE=${1:-1}
PATIENTS=$(python3 -c "print(int(100000 * $SCALE))")
DB=${DB:-qhealth_scale_$PATIENTS}
PORT=${PORT:-18191}
export MARIADB_PORT=${MARIADB_PORT:-3306}
OUT=target/perf/scale-$PATIENTS.md
mysql=(mysql -h127.0.0.1 -P"$MARIADB_PORT" -uroot)
export DATABASE_URL="mysql://root@127.0.0.1:$MARIADB_PORT/$DB"

command -v wrk >/dev/null || apt_install wrk
[[ $MARIADB_PORT != 3306 ]] || ensure_system_mariadb
ensure_node_tools
PROFILE=${PROFILE:-perf}
cargo build --profile "$PROFILE" -p qhealth-local --quiet
# A copy: a target directory shared with other checkouts may get another build meanwhile.
BIN=$(mktemp -d)/qhealth-local
cp "$TARGET_DIR/$PROFILE/qhealth-local" "$BIN"

pool=$("${mysql[@]}" -N -e "SELECT @@innodb_buffer_pool_size")
restore() {
  stop_started
  "${mysql[@]}" -e "SET GLOBAL general_log = 'OFF'; SET GLOBAL innodb_buffer_pool_size = $pool" || true
}
trap restore EXIT
"${mysql[@]}" -e "SET GLOBAL innodb_buffer_pool_size = GREATEST($pool, 2147483648)"

if [[ ${REUSE:-0} == 1 ]] && "${mysql[@]}" -e "USE $DB" 2>/dev/null; then
  say "reusing $DB"
else
  "${mysql[@]}" -e "DROP DATABASE IF EXISTS $DB"
  "$BIN" migrate >/dev/null
  "$BIN" create-superuser --email root@perf.test --password 'Perf#Secret1' >/dev/null
  started=$SECONDS
  "${mysql[@]}" "$DB" -e "SET @patients = $PATIENTS, @bookings = $PATIENTS,
    @visits = $((PATIENTS * 10)), @journals = $((PATIENTS * 10)),
    @prescriptions = $((PATIENTS * 5)), @logins = $((PATIENTS * 10));
    SOURCE infra/perf/scale-seed.sql; SOURCE infra/perf/records-seed.sql;"
  say "seeded in $((SECONDS - started)) s"
fi
"${mysql[@]}" "$DB" -e "ANALYZE TABLE users, profiles, roles, doctor_visits, patient_cards,
  patient_recipes, diagnostic_bookings, diagnostics, login_attempts, list_blocks,
  list_key_counts, list_title_counts, profile_suffixes, sick_leaves, audit_events,
  audit_event_patients" >/dev/null
"${mysql[@]}" -N "$DB" -e "SELECT CONCAT(table_name, ': ', table_rows, ' rows (estimate)')
  FROM information_schema.tables WHERE table_schema = DATABASE()
  AND table_name IN ('users', 'doctor_visits', 'patient_cards', 'patient_recipes',
                     'diagnostic_bookings', 'login_attempts')"

ses_port=$(free_port)
start_ses_emulator "$ses_port" /tmp/qhealth-scale-ses.log
# One runtime thread, as in infra/perf/run.sh: MariaDB and wrk share the two cores.
AWS_ENDPOINT_URL_SESV2=http://127.0.0.1:$ses_port AWS_REGION=eu-north-1 AWS_ACCESS_KEY_ID=local \
  AWS_SECRET_ACCESS_KEY=local PORT=$PORT RUST_LOG=warn TOKIO_WORKER_THREADS=1 GREETINGS_AT=23:59 \
  "$BIN" serve >/tmp/qhealth-scale-gateway.log 2>&1 &
track $!
wait_for 60 "the gateway" curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/health"

mkdir -p target/perf
python3 infra/perf/scale.py "http://127.0.0.1:$PORT" "$DB" "$PATIENTS" "$OUT"
