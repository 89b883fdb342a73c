# shellcheck shell=bash
# The real system for the browser tests and the measurements: a fresh database, the SES emulator
# and `qhealth-local` (debug build) serving the built app from frontend/dist. Sourced by run.sh
# and measure.sh after infra/lib.sh.
#
# Settings: E2E_MYSQL (default mysql://root@127.0.0.1:3306), E2E_DATABASE (default a fresh
# qhealth_web_<time>), E2E_PORT and E2E_SES_PORT (default free ports).

E2E_MYSQL=${E2E_MYSQL:-mysql://root@127.0.0.1:3306}
E2E_DATABASE=${E2E_DATABASE:-qhealth_web_$(date +%s)_$RANDOM}
E2E_WORK=$(mktemp -d)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

stop_stack() {
  stop_started
  sql "$E2E_MYSQL/$E2E_DATABASE" "DROP DATABASE IF EXISTS \`$E2E_DATABASE\`" >/dev/null 2>&1 || true
  rm -rf "$E2E_WORK"
}

# ensure_chromium: Debian's Chromium (a browser build cannot be downloaded by Playwright here).
ensure_chromium() {
  [[ -x $CHROMIUM ]] || apt_install chromium
}

# start_stack: the database (dropped first), the SES emulator and the gateway; exports BASE_URL,
# SES_URL, DATABASE_URL and JWT_SECRET for the tests.
start_stack() {
  [[ -f $ROOT/frontend/dist/index.html ]] || die "frontend/dist is not built (npm run build in frontend/)"
  [[ -x $QHEALTH_LOCAL ]] || build_local
  ensure_node_tools
  export DATABASE_URL="$E2E_MYSQL/$E2E_DATABASE"
  sql "$DATABASE_URL" "DROP DATABASE IF EXISTS \`$E2E_DATABASE\`" >/dev/null
  local ses_port=${E2E_SES_PORT:-$(free_port)}
  export SES_URL="http://127.0.0.1:$ses_port"
  start_ses_emulator "$ses_port" "$E2E_WORK/ses.log"
  local port=${E2E_PORT:-$(free_port)}
  export BASE_URL="http://127.0.0.1:$port"
  # A secret the tests know, so that they can make links the gateway would have sent long ago
  # (an expired activation link): the clock cannot be moved in a browser test.
  export JWT_SECRET=${JWT_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
  AWS_ENDPOINT_URL_SESV2=$SES_URL AWS_REGION=eu-north-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \
    APP_URL=$BASE_URL PORT=$port SPA_DIR="$ROOT/frontend/dist" "$QHEALTH_LOCAL" serve >"$E2E_WORK/gateway.log" 2>&1 &
  local gateway=$!
  track "$gateway"
  gateway_ready() {
    kill -0 "$gateway" 2>/dev/null || { tail -n 20 "$E2E_WORK/gateway.log" >&2; exit 1; }
    curl -fs -o /dev/null "$BASE_URL/api/health"
  }
  wait_for 60 "the gateway on $BASE_URL" gateway_ready
  say "Gateway on $BASE_URL (database $E2E_DATABASE), SES emulator on $SES_URL."
}

# start_browser_stack: all a browser script needs, stopped when the script exits: Chromium, the
# app's npm packages and the stack; then works from frontend/.
start_browser_stack() {
  trap stop_stack EXIT
  trap 'exit 130' INT TERM
  ensure_chromium
  ensure_frontend_deps
  start_stack
  export QHEALTH_LOCAL CHROMIUM
  cd "$ROOT/frontend"
}
