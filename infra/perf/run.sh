#!/usr/bin/env bash
# Load measurements for docs/PERFORMANCE.md: the release gateway against a clinic of 10,000
# patients, 10,000 doctor visits and 5,000 diagnostic bookings (infra/perf/seed.sql) on MariaDB/MySQL at 127.0.0.1:3306, driven by wrk.
#
#   infra/perf/run.sh            # every measurement
#   DURATION=30s infra/perf/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${PORT:-18181}
DURATION=${DURATION:-15s}
DB=qhealth_perf
export DATABASE_URL="mysql://root@127.0.0.1:3306/$DB"
export RUST_LOG=${RUST_LOG:-warn}
BIN=target/perf/qhealth-local

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --profile perf -p qhealth-local --quiet

mysql -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $DB"
"$BIN" migrate >/dev/null
"$BIN" create-superuser --email root@perf.test --password 'Perf#Secret1' >/dev/null
mysql -h127.0.0.1 -uroot "$DB" < infra/perf/seed.sql
echo "seeded: $(mysql -h127.0.0.1 -uroot -N "$DB" -e 'SELECT COUNT(*) FROM users') users"

# One runtime thread for the gateway (TOKIO_WORKER_THREADS): on a 2-core machine the other core
# is busy with MariaDB and wrk, and a second gateway thread only adds task switches. Measured
# back to back here: +7-10 % requests/s and about half the p99 against two threads.
# WORKERS=2 infra/perf/run.sh measures the default.
PORT=$PORT TOKIO_WORKER_THREADS=${WORKERS:-1} "$BIN" serve & gateway=$!
trap 'kill $gateway 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null; do sleep 0.2; done

TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/auth" -H 'Content-Type: application/json' \
  -d '{"email":"root@perf.test","password":"Perf#Secret1"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access"])')
export TOKEN

api="http://127.0.0.1:$PORT/api"
measure() { # title, wrk arguments...
  sleep 3 # let the previous run's last requests finish
  echo; echo "== $1"; shift
  wrk -t2 -c16 -d"$DURATION" --latency "$@" | grep -E 'Requests/sec|Latency  |^ +(50|90|99)%|Non-2xx'
}

get() { curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$api/$1"; }
executed() {
  mysql -h127.0.0.1 -uroot -N -e "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'" | cut -f2
}
# SQL statements one request runs: the server's prepared-statement executions over 100 requests.
statements_per_request() { # path
  local before after
  before=$(executed)
  for _ in $(seq 100); do get "$1"; done
  after=$(executed)
  printf '  %-48s %s statements per request\n' "$1" \
    "$(python3 -c "print(($after - $before) / 100)")"
}

# Warm the statement caches and the totals once; a running system has them warm too.
lists=("users?size=25" "users/patient?size=10&icontains_city=a" "booking_doctor?size=25"
       "booking_doctor?size=5" "booking_doctor?size=25&specialty=cardio&status=booked"
       "diagnostics?size=25" "booking_diagnostic?size=25")
for path in "${lists[@]}"; do get "$path"; done
echo; echo "== SQL statements per list request"
for path in "${lists[@]}"; do statements_per_request "$path"; done

measure "GET /api/users?size=25" -s infra/perf/bearer.lua "$api/users?size=25"
measure "GET /api/users/patient?size=10&icontains_city=a" -s infra/perf/bearer.lua \
  "$api/users/patient?size=10&icontains_city=a"
measure "GET /api/booking_doctor?size=25" -s infra/perf/bearer.lua "$api/booking_doctor?size=25"
measure "GET /api/booking_doctor?size=25&specialty=cardio&status=booked" -s infra/perf/bearer.lua \
  "$api/booking_doctor?size=25&specialty=cardio&status=booked"
measure "GET /api/diagnostics?size=25" -s infra/perf/bearer.lua "$api/diagnostics?size=25"
measure "GET /api/booking_diagnostic?size=25" -s infra/perf/bearer.lua "$api/booking_diagnostic?size=25"
measure "POST /api/auth (argon2id verify per request)" -s infra/perf/login.lua "$api/auth"

echo; echo "== GET /api/users/patient?size=10&icontains_city=a while 4 clients keep signing in"
wrk -t1 -c4 -d"$DURATION" -s infra/perf/login.lua "$api/auth" > /tmp/qhealth-perf-logins.txt &
logins=$!
measure "  (lists)" -s infra/perf/bearer.lua "$api/users/patient?size=10&icontains_city=a"
wait $logins
grep -E 'Requests/sec' /tmp/qhealth-perf-logins.txt | sed 's/^/  (logins) /'

sleep 3
echo; echo "== one password hash"
cargo run --profile perf --quiet -p qhealth --example hash_timing
