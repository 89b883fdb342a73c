#!/usr/bin/env bash
# Smoke test of the local gateway over plain HTTP, with the real binaries: a fresh database on the
# local MariaDB, the SES emulator and `qhealth-local`, each on a free port. The story:
# superuser created and signed in -> patient registered (a name with Å and Ö) -> activation link
# read from the e-mail -> patient activated and signed in -> `run-job greetings` on her birthday
# and `run-job outbox`: she is e-mailed a birthday greeting, once -> superuser adds a modality, the patient
# asks for it, the superuser gives it a local time and the patient is e-mailed that time -> the
# superuser blocks the patient -> patient refused (401) and e-mailed that the account is blocked.
# Live updates: tests/ws_probe.py subscribes over /ws and sees a new booking pushed within 1 s.
#
# Needs curl and python3. Settings: SMOKE_MYSQL (default mysql://root@127.0.0.1:3306).
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../infra/lib.sh"

MYSQL_SERVER=${SMOKE_MYSQL:-mysql://root@127.0.0.1:3306}
DATABASE="qhealth_smoke_$(date +%s)_$RANDOM"
WORK=$(mktemp -d)
PASSED=0

cleanup() {
  stop_started
  sql "$MYSQL_SERVER/$DATABASE" "DROP DATABASE IF EXISTS \`$DATABASE\`" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { PASSED=$((PASSED + 1)); say "PASS  $*"; }
# fail WHAT: prints the evidence and stops; the EXIT trap cleans up.
fail() {
  say "FAIL  $*"
  [[ -f $WORK/body ]] && say "      last response: $(head -c 600 "$WORK/body")"
  say "      gateway log (last lines):"
  tail -n 15 "$WORK/gateway.log" 2>/dev/null | sed 's/^/      /'
  say "smoke: $PASSED passed, 1 failed"
  exit 1
}

# http METHOD PATH [JSON] [TOKEN]: sets STATUS; the body is in $WORK/body.
http() {
  local args=(-sS -o "$WORK/body" -w '%{http_code}' -X "$1" "$BASE/api$2")
  [[ -n ${3:-} ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  [[ -n ${4:-} ]] && args+=(-H "Authorization: Bearer $4")
  STATUS=$(curl "${args[@]}") || STATUS=000
}

# expect CODE WHAT: passes the step if the last response had status CODE.
expect() {
  if [[ $STATUS == "$1" ]]; then pass "$2 ($STATUS)"; else fail "$2: expected $1, got $STATUS"; fi
}

# field EXPR: a value from the last JSON body; EXPR is Python over `d`, e.g. 'd["access"]'.
field() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$WORK/body"; }

# mail_to ADDRESS WORD: waits up to 15 s for an e-mail to ADDRESS whose subject or text contains
# WORD (any case), and writes its text to $WORK/mail.
mail_to() {
  local deadline=$((SECONDS + 15))
  while ((SECONDS < deadline)); do
    curl -fsS "$SES_URL/store" >"$WORK/store" 2>/dev/null || true
    if python3 - "$WORK/store" "$1" "$2" >"$WORK/mail" <<'PY'; then return 0; fi
import json, sys
store, address, word = sys.argv[1], sys.argv[2].lower(), sys.argv[3].lower()
try:
    emails = json.load(open(store))["emails"]
except (OSError, ValueError, KeyError):
    sys.exit(1)
for email in emails:
    to = " ".join(email.get("destination", {}).get("to") or []).lower()
    text = (email.get("body") or {}).get("text") or ""
    if address in to and (word in (email.get("subject") or "").lower() or word in text.lower()):
        print(text)
        sys.exit(0)
sys.exit(1)
PY
    sleep 0.5
  done
  return 1
}

# --- start everything ---------------------------------------------------------------------------
build_local >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build qhealth-local"; }
ensure_node_tools
export DATABASE_URL="$MYSQL_SERVER/$DATABASE"
SES_PORT=$(free_port)
SES_URL="http://127.0.0.1:$SES_PORT"
start_ses_emulator "$SES_PORT" "$WORK/ses.log" || fail "SES emulator starts"
export AWS_ENDPOINT_URL_SESV2=$SES_URL AWS_REGION=eu-north-1
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
export APP_URL=$BASE
PORT=$PORT "$QHEALTH_LOCAL" serve >"$WORK/gateway.log" 2>&1 &
GATEWAY=$!
track "$GATEWAY"
gateway_ready() {
  kill -0 "$GATEWAY" 2>/dev/null || fail "gateway starts (it exited)"
  curl -fs -o /dev/null "$BASE/api/health"
}
wait_for 60 "the gateway" gateway_ready || fail "gateway answers /api/health"
pass "gateway up on $BASE with database $DATABASE, SES emulator on $SES_URL"

# --- the story ----------------------------------------------------------------------------------
ADMIN_EMAIL=smoke-admin@example.com
ADMIN_PASSWORD='Smoke-Admin-1!'
PATIENT_EMAIL="asa.oberg.$RANDOM@example.com"
PATIENT_PASSWORD='Patient-Pass-2#'

if "$QHEALTH_LOCAL" create-superuser --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
  >"$WORK/body" 2>&1; then
  pass "create-superuser"
else
  fail "create-superuser: $(cat "$WORK/body")"
fi

http POST /auth "{\"email\": \"$ADMIN_EMAIL\", \"password\": \"$ADMIN_PASSWORD\"}"
expect 200 "superuser logs in"
ADMIN_TOKEN=$(field 'd["access"]')

http POST /users "$(cat <<EOF
{"email": "$PATIENT_EMAIL", "password": "$PATIENT_PASSWORD",
 "profile": {"name": "Åsa", "surname": "Öberg", "phone_number": "0701234567",
             "date_of_birth": "1990-05-17", "gender": "Female"}}
EOF
)"
expect 201 "patient Åsa Öberg registers"
PATIENT_ID=$(field 'd["id"]')
NAME=$(field 'd["profile"]["name"] + " " + d["profile"]["surname"]')
if [[ $NAME == "Åsa Öberg" ]]; then pass "name stored as written: $NAME"; else fail "name came back as '$NAME'"; fi

mail_to "$PATIENT_EMAIL" "/auth/activate/" || fail "activation e-mail reaches the patient"
TOKEN=$(grep -oE "$APP_URL/auth/activate/[^[:space:]\"<>]+" "$WORK/mail" | head -n1 | sed 's#.*/##')
if [[ -n $TOKEN ]]; then
  pass "activation e-mail links to $APP_URL/auth/activate/<token>"
else
  fail "no $APP_URL/auth/activate/<token> link in: $(cat "$WORK/mail")"
fi

http PATCH "/auth/activate/$TOKEN" "{}"
expect 200 "patient activates the account"

http POST /auth "{\"email\": \"$PATIENT_EMAIL\", \"password\": \"$PATIENT_PASSWORD\"}"
expect 200 "patient logs in"
PATIENT_TOKEN=$(field 'd["access"]')

# The scheduled jobs, run by hand. The gateway's own background pass may send the greeting
# before `run-job outbox` does: either way it arrives once.
run_job() { "$QHEALTH_LOCAL" run-job "$@" 2>&1; }
GREETED=$(run_job greetings --date 2027-05-17) || fail "run-job greetings: $GREETED"
[[ $GREETED == *"1 birthday"* ]] || fail "run-job greetings queues one birthday greeting: $GREETED"
SENT=$(run_job outbox) || fail "run-job outbox: $SENT"
mail_to "$PATIENT_EMAIL" "happy birthday" || fail "the birthday greeting reaches the patient"
grep -q "Hello Åsa," "$WORK/mail" || fail "the greeting names her: $(cat "$WORK/mail")"
pass "run-job greetings and outbox: Åsa is greeted on her birthday ($SENT)"
AGAIN=$(run_job greetings --date 2027-05-17) || fail "run-job greetings again: $AGAIN"
[[ $AGAIN == *"0 birthday"*"1 already greeted"* ]] || fail "a second pass greets nobody: $AGAIN"
pass "a second greetings pass greets nobody twice"

http POST /diagnostics "{\"modality\": \"MRI $RANDOM\"}" "$ADMIN_TOKEN"
expect 201 "superuser adds a modality"
MODALITY_ID=$(field 'd["id"]')

http POST /booking_diagnostic "{\"diagnostics_id\": $MODALITY_ID}" "$PATIENT_TOKEN"
expect 201 "patient asks for an examination"
BOOKING_ID=$(field 'd["id"]')

http PATCH "/booking_diagnostic/$BOOKING_ID" '{"date_time": "2099-12-01T09:00"}' "$ADMIN_TOKEN"
expect 200 "superuser gives it a time in the clinic's zone"
if mail_to "$PATIENT_EMAIL" "09:00 CET"; then
  pass "patient is e-mailed the appointment in clinic time"
else
  fail "the appointment e-mail (09:00 CET) reaches the patient"
fi

http DELETE "/booking_diagnostic/$BOOKING_ID" "" "$ADMIN_TOKEN"
expect 204 "superuser removes the booking"

if python3 "$ROOT/tests/ws_probe.py" --base "$BASE" --email "$ADMIN_EMAIL" \
  --password "$ADMIN_PASSWORD" --patient-id "$PATIENT_ID" >"$WORK/body" 2>&1; then
  pass "live update: $(tail -n 1 "$WORK/body")"
else
  fail "a new booking is pushed over /ws within 1 s"
fi

http PATCH "/users/$PATIENT_ID/block" "" "$ADMIN_TOKEN"
expect 200 "superuser blocks the patient"

http POST /auth "{\"email\": \"$PATIENT_EMAIL\", \"password\": \"$PATIENT_PASSWORD\"}"
expect 401 "blocked patient cannot log in"

if mail_to "$PATIENT_EMAIL" "blocked"; then
  pass "patient gets the 'blocked' e-mail"
else
  fail "the 'blocked' e-mail reaches the patient"
fi

say "smoke: $PASSED passed, 0 failed"
