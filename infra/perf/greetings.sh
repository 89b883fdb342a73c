#!/usr/bin/env bash
# The greetings pass measured for docs/PERFORMANCE.md: the release `qhealth-local run-job
# greetings` against 100,000 active users born one a day over 274 years
# (infra/perf/greetings-seed.sql), on an ordinary day (~274 birthdays) and on Christmas Day
# (every one of them greeted), each run twice (the second finds everyone already greeted); then
# two outbox passes sending Christmas's greetings to the SES emulator: one as configured on AWS
# (14 a second for 50 s) and one unthrottled for 10 s (what a pass itself costs).
# For each run: wall time and peak memory (/usr/bin/time -v), and the SQL statements the server
# executed (the server's global Com_* counters: run it while nothing else uses the server).
#
#   infra/perf/greetings.sh
#   DB=qhealth_perf_greetings DAY=2027-03-15 infra/perf/greetings.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=infra/lib.sh
source infra/lib.sh

DB=${DB:-qhealth_perf_greetings}
DAY=${DAY:-2027-03-15}
export DATABASE_URL="mysql://root@127.0.0.1:3306/$DB"
export RUST_LOG=${RUST_LOG:-warn}
BIN=target/perf/qhealth-local
mysql=(mysql -h127.0.0.1 -uroot)
TIMES=$(mktemp)
trap 'stop_started; rm -f "$TIMES"' EXIT

[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing: apt-get install -y time" >&2; exit 1; }
cargo build --profile perf -p qhealth-local --quiet

"${mysql[@]}" -e "DROP DATABASE IF EXISTS $DB"
"$BIN" migrate >/dev/null
"$BIN" create-superuser --email root@perf.test --password 'Perf#Secret1' >/dev/null
"${mysql[@]}" "$DB" < infra/perf/greetings-seed.sql >/dev/null
echo "seeded: $("${mysql[@]}" -N "$DB" -e 'SELECT COUNT(*) FROM users') users"

counters() {
  "${mysql[@]}" -N -e "SHOW GLOBAL STATUS WHERE Variable_name LIKE 'Com\_%' OR Variable_name = 'Questions'"
}

# statements BEFORE AFTER: what the server executed between two readings of the counters, less
# the reading itself.
statements() {
  python3 - "$1" "$2" <<'PY'
import sys
before, after = (dict(line.split('\t') for line in arg.splitlines()) for arg in sys.argv[1:3])
delta = {k: int(after[k]) - int(before[k]) for k in after if k in before}
delta['Com_show_status'] -= 1
delta['Questions'] -= 1
kinds = sorted(((k[4:], v) for k, v in delta.items() if v and k.startswith('Com_')), key=lambda kv: -kv[1])
print('%d statements (Questions): %s' % (delta['Questions'], ', '.join('%s %d' % kv for kv in kinds)))
PY
}

# measure TITLE ARGS...: one `qhealth-local ARGS`, with its time, memory and statements.
measure() {
  local title=$1 before after report
  shift
  before=$(counters)
  report=$(/usr/bin/time -v "$BIN" "$@" 2>"$TIMES" | tail -n 1)
  after=$(counters)
  echo; echo "== $title"
  echo "  $report"
  grep -E 'Elapsed \(wall clock\)|Maximum resident set size' "$TIMES" | sed 's/^\s*/  /'
  echo "  $(statements "$before" "$after")"
  echo "  outbox: $("${mysql[@]}" -N "$DB" -e "SELECT CONCAT(COUNT(*), ' rows (', SUM(sent_at IS NULL),
    ' unsent), ', ROUND(SUM(LENGTH(body_html) + LENGTH(body_text)) / 1048576, 1), ' MiB of bodies')
    FROM email_outbox")"
}

# Every run starts by checking the migrations: that much is not the pass's.
before=$(counters)
"$BIN" migrate >/dev/null
echo; echo "== start-up alone (qhealth-local migrate): $(statements "$before" "$(counters)")"

for day in "$DAY" "$DAY" 2026-12-25 2026-12-25; do
  measure "run-job greetings --date $day" run-job greetings --date "$day"
done

ensure_node_tools
SES_PORT=${SES_PORT:-$(free_port)}
start_ses_emulator "$SES_PORT" /dev/null
export AWS_ENDPOINT_URL_SESV2=http://127.0.0.1:$SES_PORT AWS_REGION=eu-north-1
MAIL_RATE_PER_SECOND=14 MAIL_PASS_SECONDS=50 \
  measure "run-job outbox (14 a second, 50 s)" run-job outbox
MAIL_RATE_PER_SECOND=100000 MAIL_PASS_SECONDS=10 \
  measure "run-job outbox (unthrottled, 10 s)" run-job outbox

echo; echo "== plans"
echo "-- a birthday batch:"
"${mysql[@]}" "$DB" -e "EXPLAIN SELECT COUNT(*), MAX(user_id) FROM (SELECT p.user_id
  FROM profiles p JOIN users u ON u.id = p.user_id
  WHERE p.birth_month_day IN (315, 315) AND p.user_id > 0 AND u.is_active AND NOT u.is_superuser
  ORDER BY p.user_id LIMIT 500) batch"
echo "-- the outbox pass's claim, with every greeting of Christmas Day due:"
"${mysql[@]}" "$DB" -e "EXPLAIN SELECT id, recipient, subject, body_html, body_text, attempts
  FROM email_outbox
  WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= UTC_TIMESTAMP(6)
    AND (claimed_until IS NULL OR claimed_until <= UTC_TIMESTAMP(6))
  ORDER BY bulk, next_attempt_at, id LIMIT 50 FOR UPDATE SKIP LOCKED"
