#!/usr/bin/env bash
# The API against its own OpenAPI document, fuzzed: schemathesis (PyPI) generates requests for
# every operation of /api/openapi.json — from the examples, from the schemas' edge cases and at
# random (property-based), valid and invalid — and sends them to the local gateway, signed in as
# a superuser, over a seeded clinic (infra/perf/seed.sql: 10,000 patients, 300 staff, bookings,
# visits). Every answer must pass three checks:
#   not_a_server_error            no 5xx, ever
#   status_code_conformance       the status is one the operation documents
#   response_schema_conformance   the body matches the documented schema
# Prints how many test cases ran; the JUnit report is kept in target/contract/ for CI.
#
# Settings: CONTRACT_MYSQL (default mysql://root@127.0.0.1:3306), CONTRACT_EXAMPLES (the most
# cases per operation in the fuzzing phase, default 100).
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../infra/lib.sh"
cd "$ROOT"

MYSQL_SERVER=${CONTRACT_MYSQL:-mysql://root@127.0.0.1:3306}
DATABASE="qhealth_contract_$(date +%s)_$RANDOM"
EXAMPLES=${CONTRACT_EXAMPLES:-100}
REPORTS="$TARGET_DIR/contract"
WORK=$(mktemp -d)
SUPERUSER=root@perf.test # the seed gives every account this one's password
PASSWORD='Contract#Secret1'

cleanup() {
  stop_started
  sql "$MYSQL_SERVER/$DATABASE" "DROP DATABASE IF EXISTS \`$DATABASE\`" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ensure_schemathesis: the `schemathesis` command, from PyPI when missing.
ensure_schemathesis() {
  SCHEMATHESIS=(schemathesis)
  command -v schemathesis >/dev/null && return
  python3 -m pip install --quiet 'schemathesis>=4.30,<5'
  SCHEMATHESIS=("$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/schemathesis")
}

ensure_schemathesis
ensure_node_tools
build_local >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

export DATABASE_URL="$MYSQL_SERVER/$DATABASE"
"$QHEALTH_LOCAL" migrate >/dev/null
"$QHEALTH_LOCAL" create-superuser --email "$SUPERUSER" --password "$PASSWORD" >/dev/null
parse_db_url "$DATABASE_URL"
MYSQL_PWD="$DB_PASSWORD" "$(command -v mariadb || command -v mysql)" --protocol=tcp \
  -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER" "$DB_NAME" <infra/perf/seed.sql
say "Seeded $DATABASE from infra/perf/seed.sql."

SES_PORT=$(free_port)
start_ses_emulator "$SES_PORT" "$WORK/ses.log"
export AWS_ENDPOINT_URL_SESV2="http://127.0.0.1:$SES_PORT" AWS_REGION=eu-north-1
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
export APP_URL=$BASE RUST_LOG=${RUST_LOG:-warn}
PORT=$PORT "$QHEALTH_LOCAL" serve >"$WORK/gateway.log" 2>&1 &
track $!
wait_for 60 "the gateway" curl -fs -o /dev/null "$BASE/api/health"

TOKEN=$(curl -fsS "$BASE/api/auth" -H 'Content-Type: application/json' \
  -d "{\"email\": \"$SUPERUSER\", \"password\": \"$PASSWORD\"}" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["access"])')

mkdir -p "$REPORTS"
# An access token lives 10 minutes; the run takes about two, so every request is made as the
# superuser and none is refused only because the token expired.
set +e
# From the scratch directory: schemathesis keeps a cache of failures in .schemathesis/ there.
cd "$WORK"
SCHEMATHESIS_TELEMETRY=false "${SCHEMATHESIS[@]}" run "$BASE/api/openapi.json" \
  --url "$BASE/api" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$EXAMPLES" \
  --workers 2 \
  --seed 20261127 \
  --generation-database none \
  --no-color \
  --report junit --report-dir "$REPORTS" >"$WORK/schemathesis.log" 2>&1
status=$?
set -e
cat "$WORK/schemathesis.log"
if ((status != 0)); then
  say "Gateway log (errors):"
  grep -iE 'error|panic' "$WORK/gateway.log" | tail -n 20 || true
  exit "$status"
fi
