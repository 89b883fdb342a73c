#!/usr/bin/env bash
# What the audit trail costs the lists, for docs/PERFORMANCE.md ("The audit trail"): the same
# list requests, at 16 connections, against a gateway that writes an audit event per request
# and against one built from before the trail existed.
#
#   infra/perf/audit.sh BINARY [LABEL]    # BINARY: a qhealth-local built with --profile perf
#
# e.g., before and after:
#   git worktree add /tmp/before <commit before the audit trail>
#   (cd /tmp/before && CARGO_TARGET_DIR=/tmp/before/target cargo build --profile perf -p qhealth-local)
#   infra/perf/audit.sh /tmp/before/target/perf/qhealth-local before
#   cargo build --profile perf -p qhealth-local && infra/perf/audit.sh target/perf/qhealth-local after
#
# Each run migrates a fresh database with the binary's own migrations and seeds the clinic of
# infra/perf/scale-seed.sql at a tenth (10,000 patients, 100,000 visits and journal entries),
# plus records-seed.sql where the schema has the audit tables (and then a journal entry's PDF is
# measured too). wrk, one gateway thread, as infra/perf/run.sh. Settings: DURATION (default 15s), PATIENTS (default 10000).
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT"

BIN=${1:?usage: infra/perf/audit.sh BINARY [LABEL]}
LABEL=${2:-$BIN}
DURATION=${DURATION:-15s}
PATIENTS=${PATIENTS:-10000}
DB=qhealth_audit_perf
PORT=${PORT:-18193}
mysql=(mysql -h127.0.0.1 -uroot)
export DATABASE_URL="mysql://root@127.0.0.1:3306/$DB"

command -v wrk >/dev/null || apt_install wrk
ensure_system_mariadb
trap stop_started EXIT

"${mysql[@]}" -e "DROP DATABASE IF EXISTS $DB"
"$BIN" migrate >/dev/null
"$BIN" create-superuser --email root@perf.test --password 'Perf#Secret1' >/dev/null
records=""
if [[ -n $("${mysql[@]}" -N "$DB" -e "SHOW TABLES LIKE 'audit_events'") ]]; then
  records="SOURCE infra/perf/records-seed.sql;"
fi
"${mysql[@]}" "$DB" -e "SET @patients = $PATIENTS, @bookings = $PATIENTS,
  @visits = $((PATIENTS * 10)), @journals = $((PATIENTS * 10)),
  @prescriptions = $((PATIENTS * 5)), @logins = $((PATIENTS * 10));
  SOURCE infra/perf/scale-seed.sql; $records"
"${mysql[@]}" "$DB" -e "ANALYZE TABLE users, profiles, roles, doctor_visits, patient_cards,
  patient_recipes, list_blocks, list_key_counts, list_title_counts" >/dev/null

PORT=$PORT RUST_LOG=warn TOKIO_WORKER_THREADS=1 GREETINGS_AT=23:59 "$BIN" serve \
  >/tmp/qhealth-audit-perf.log 2>&1 &
track $!
wait_for 60 "the gateway" curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/health"

TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/auth" -H 'Content-Type: application/json' \
  -d '{"email":"root@perf.test","password":"Perf#Secret1"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access"])')
export TOKEN
api="http://127.0.0.1:$PORT/api"
entry=$("${mysql[@]}" -N "$DB" -e "SELECT MIN(id) + 500 FROM patient_cards")

echo "== $LABEL ($("${mysql[@]}" -N "$DB" -e "SELECT COUNT(*) FROM patient_cards") journal entries)"
paths=("patient_card?size=25" "patient_card/$entry" "booking_doctor?size=25" "users/patient?size=25")
# With the records' duties: a journal entry's PDF too (rendered on every request).
[[ -z $records ]] || paths+=("patient_card/$entry/pdf")
for path in "${paths[@]}"; do
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$api/$path" # warm
  sleep 2
  printf '%-28s ' "GET /api/$path"
  wrk -t2 -c16 -d"$DURATION" --latency -s infra/perf/bearer.lua "$api/$path" \
    | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
           END {printf "%8s req/s   p50 %-8s p99 %-8s%s\n", rps, p50, p99, (bad ? "  non-2xx " bad : "")}'
done
if [[ -n $records ]]; then
  echo "audit events written: $("${mysql[@]}" -N "$DB" -e "SELECT COUNT(*) FROM audit_events")"
fi
