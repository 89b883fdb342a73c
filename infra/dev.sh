#!/usr/bin/env bash
# `make dev`: QHealth on this machine — the local gateway, a MySQL-compatible database and an SES
# emulator whose web page shows every e-mail sent. Ctrl-C stops everything this script started.
#
# Settings come from the environment, then from infra/.env if it exists (see infra/.env.example).
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# load_env_file FILE: KEY=VALUE lines; a variable already set in the environment wins.
load_env_file() {
  [[ -f $1 ]] || return 0
  local line key value
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
    [[ -z ${!key+set} ]] || continue
    value=${value%\"} value=${value#\"} value=${value%\'} value=${value#\'}
    export "$key=$value"
  done <"$1"
  say "Read settings from ${1#"$ROOT"/}."
}

process_gone() { ! kill -0 "$1" 2>/dev/null; }

# start_private_mariadb: a throw-away MariaDB under target/dev-mariadb/, root without a password,
# for a machine whose DATABASE_URL answers nowhere. It stops with this script; its data stays.
start_private_mariadb() {
  local dir="$TARGET_DIR/dev-mariadb" port=${DEV_MARIADB_PORT:-3307} user
  local mariadbd=/usr/sbin/mariadbd
  user=$(id -un)
  [[ -x $mariadbd ]] || apt_install mariadb-server mariadb-client
  mkdir -p "$dir"
  # A copy left running by a `make dev` that was killed outright: stop it first.
  local old
  old=$(cat "$dir/mariadbd.pid" 2>/dev/null || true)
  if [[ -n $old && $(cat "/proc/$old/comm" 2>/dev/null) == mariadbd ]]; then
    kill "$old"
    wait_for 30 "the old private MariaDB to stop" process_gone "$old"
  fi
  tcp_answers 127.0.0.1 "$port" && die "port $port is taken; set DEV_MARIADB_PORT to a free one"
  if [[ ! -d $dir/data/mysql ]]; then
    say "Creating a private MariaDB in ${dir#"$ROOT"/}/data ..."
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
      || die "mariadb-install-db failed; see $dir/install.log"
  fi
  "$mariadbd" --no-defaults --user="$user" --datadir="$dir/data" \
    --bind-address=127.0.0.1 --port="$port" --socket="$dir/mariadbd.sock" \
    --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci &
  track $!
  wait_for 60 "the private MariaDB on port $port" tcp_answers 127.0.0.1 "$port" \
    || { tail -n 20 "$dir/error.log" >&2; exit 1; }
  export DATABASE_URL="mysql://root@127.0.0.1:$port/qhealth"
  say "Private MariaDB on 127.0.0.1:$port (log: ${dir#"$ROOT"/}/error.log)."
}

stop_all() {
  ((${#STARTED_PIDS[@]} == 0)) || printf "\nStopping what make dev started...\n"
  stop_started
}
trap stop_all EXIT
trap 'exit 130' INT TERM

load_env_file "$ROOT/infra/.env"
export DATABASE_URL=${DATABASE_URL:-mysql://root@127.0.0.1:3306/qhealth}
export PORT=${PORT:-8080}
export APP_URL=${APP_URL:-http://127.0.0.1:$PORT}
export AWS_REGION=${AWS_REGION:-eu-north-1}
SES_PORT=${SES_PORT:-8005}

say "==> Building the local gateway"
build_local

say "==> Database"
parse_db_url "$DATABASE_URL"
if tcp_answers "$DB_HOST" "$DB_PORT"; then
  say "Using the database server at $DB_HOST:$DB_PORT."
else
  say "Nothing answers at $DB_HOST:$DB_PORT; starting a private MariaDB."
  start_private_mariadb
fi

say "==> SES emulator"
ensure_node_tools
tcp_answers 127.0.0.1 "$SES_PORT" && die "port $SES_PORT is taken (another 'make dev'?); set SES_PORT"
mkdir -p "$TARGET_DIR"
start_ses_emulator "$SES_PORT" "$TARGET_DIR/dev-ses.log"
export AWS_ENDPOINT_URL_SESV2="http://127.0.0.1:$SES_PORT"

# --- the web app, served by the gateway at / ---
say "==> Web app"
ensure_frontend_deps
npm --prefix "$ROOT/frontend" run build --silent

say "==> Gateway"
tcp_answers 127.0.0.1 "$PORT" && die "port $PORT is taken; set PORT to a free one"
"$QHEALTH_LOCAL" serve &
gateway=$!
track "$gateway"
gateway_ready() {
  kill -0 "$gateway" 2>/dev/null || exit 1 # it stopped; its own message is above
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/health"
}
wait_for 120 "the gateway's /api/health" gateway_ready || die "the gateway did not become healthy"

cat <<EOF

QHealth is running.
  Web app:         http://127.0.0.1:$PORT/
  API:             http://127.0.0.1:$PORT/api   (health: http://127.0.0.1:$PORT/api/health)
  E-mail viewer:   http://127.0.0.1:$SES_PORT/
  Database:        ${DATABASE_URL}

Create a superuser (in another terminal):
  DATABASE_URL='$DATABASE_URL' $QHEALTH_LOCAL create-superuser --email admin@example.com --password 'Change-me-1!'

Press Ctrl-C to stop.
EOF

# Runs until Ctrl-C (the EXIT trap then stops everything) or until the gateway exits by itself.
wait "$gateway"
