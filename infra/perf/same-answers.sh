#!/usr/bin/env bash
# Checks that the gateway answers every list question byte for byte as it did at an earlier
# revision: both builds serve a clinic seeded identically (infra/perf/scale-seed.sql), and
# infra/perf/same-answers.py asks them the same questions as five kinds of caller.
#
#   infra/perf/same-answers.sh REVISION [PATIENTS]     # e.g. origin/main, 3000 patients
#
# The earlier revision is built (debug) in a worktree under target/same-answers/, unless
# OLD_BIN names a qhealth-local already built from it.
set -euo pipefail
cd "$(dirname "$0")/../.."
REVISION=${1:?which revision to compare with}
PATIENTS=${2:-3000}
SEEDED_AT='2026-12-01 12:00:00'
WORK=target/same-answers
mysql=(mysql -h127.0.0.1 -uroot)

mkdir -p "$WORK"
old_bin=${OLD_BIN:-}
if [[ -z $old_bin ]]; then
  git worktree remove --force "$WORK/tree" 2>/dev/null || true
  git worktree add --detach "$WORK/tree" "$REVISION" >/dev/null
  (cd "$WORK/tree" && CARGO_TARGET_DIR="$PWD/../target" cargo build -p qhealth-local --quiet)
  old_bin=$WORK/target/debug/qhealth-local
fi
cargo build -p qhealth-local --quiet
new_bin=target/debug/qhealth-local

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
start() { # name binary port
  local db=qhealth_same_$1
  "${mysql[@]}" -e "DROP DATABASE IF EXISTS $db"
  DATABASE_URL=mysql://root@127.0.0.1:3306/$db "$2" migrate >/dev/null
  DATABASE_URL=mysql://root@127.0.0.1:3306/$db "$2" create-superuser \
    --email root@perf.test --password 'Perf#Secret1' >/dev/null
  "${mysql[@]}" "$db" -e "SET @now = '$SEEDED_AT', @patients = $PATIENTS,
    @bookings = $PATIENTS, @visits = $((PATIENTS * 10)), @journals = $((PATIENTS * 10)),
    @prescriptions = $((PATIENTS * 5)), @logins = $((PATIENTS * 10));
    SOURCE infra/perf/scale-seed.sql;
    UPDATE users SET created_at = @now, updated_at = @now WHERE id = 1;
    UPDATE profiles SET created_at = @now, updated_at = @now WHERE user_id = 1;"
  DATABASE_URL=mysql://root@127.0.0.1:3306/$db PORT=$3 RUST_LOG=warn GREETINGS_AT=23:59 \
    "$2" serve >"$WORK/$1.log" 2>&1 &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$3/api/health" >/dev/null; do sleep 0.2; done
}
start old "$old_bin" 18201
start new "$new_bin" 18202
python3 infra/perf/same-answers.py http://127.0.0.1:18201 qhealth_same_old \
  http://127.0.0.1:18202 qhealth_same_new "$PATIENTS"
