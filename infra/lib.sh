# shellcheck shell=bash disable=SC2034  # (variables used by the scripts that source this)
# Helpers shared by infra/dev.sh, infra/test.sh, infra/sqlx-prepare.sh and tests/smoke.sh.
# Source it from a bash script that runs with `set -euo pipefail`; it does nothing by itself.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The one cargo target directory every step builds into (debug profile only).
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
QHEALTH_LOCAL="$TARGET_DIR/debug/qhealth-local"
SES_EMULATOR="$ROOT/infra/node_modules/.bin/aws-ses-v2-local"

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- steps and timing -------------------------------------------------------------------------

STEP_TIMES=()

# step NAME COMMAND... : runs COMMAND (a program or a function of these scripts), prints how long
# it took, and stops the whole script on failure. The subshell keeps `set -e` working inside
# functions, which bash would otherwise ignore in an `if` or `||` context.
step() {
  local name=$1 start=$SECONDS rc=0
  shift
  printf '\n==> %s\n' "$name"
  set +e
  (set -e; "$@")
  rc=$?
  set -e
  local took=$((SECONDS - start))
  if ((rc != 0)); then
    STEP_TIMES+=("$(printf '%-28s FAILED after %ss' "$name" "$took")")
    say "<== $name: FAILED (exit $rc) after ${took}s"
    print_step_times
    exit "$rc"
  fi
  STEP_TIMES+=("$(printf '%-28s %5ss' "$name" "$took")")
  say "<== $name: ok in ${took}s"
}

print_step_times() {
  printf '\nTimings:\n'
  local line
  for line in "${STEP_TIMES[@]}"; do say "  $line"; done
}

# --- processes started by a script ------------------------------------------------------------

STARTED_PIDS=()

# track PID: remember a background process so that stop_started ends it.
track() { STARTED_PIDS+=("$1"); }

# stop_started: ends every tracked process, newest first: SIGTERM, then SIGKILL after 10 s.
stop_started() {
  local i pid
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${STARTED_PIDS[i]}
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

# wait_for SECONDS WHAT COMMAND...: retries COMMAND every 0.2 s until it succeeds. COMMAND should
# be quiet when it fails, and may exit the script when waiting longer is pointless.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || { say "timed out after ${seconds}s waiting for $what" >&2; return 1; }
    sleep 0.2
  done
}

# --- network and databases --------------------------------------------------------------------

# tcp_answers HOST PORT: true when something accepts connections there.
tcp_answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# parse_db_url URL: sets DB_USER DB_PASSWORD DB_HOST DB_PORT DB_NAME from mysql://u[:p]@h[:port]/db.
parse_db_url() {
  local re='^mysql://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?/([^?]+)'
  [[ $1 =~ $re ]] || die "cannot read the database URL '$1' (expected mysql://user[:password]@host[:port]/database)"
  DB_USER=${BASH_REMATCH[1]} DB_PASSWORD=${BASH_REMATCH[3]} DB_HOST=${BASH_REMATCH[4]}
  DB_PORT=${BASH_REMATCH[6]:-3306} DB_NAME=${BASH_REMATCH[7]}
}

# sql URL STATEMENT: runs one statement on the server of URL, without selecting its database.
sql() {
  parse_db_url "$1"
  local client
  client=$(command -v mariadb || command -v mysql) || die "no mariadb/mysql client (apt-get install mariadb-client)"
  MYSQL_PWD="$DB_PASSWORD" "$client" --protocol=tcp -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER" -e "$2"
}

# --- installs (only what is missing) ----------------------------------------------------------

# apt_install PACKAGE...: Debian packages, for a machine that lacks them.
apt_install() {
  say "Installing Debian packages: $*"
  local sudo=""
  ((EUID == 0)) || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

# ensure_system_mariadb: the machine's MariaDB answering on 127.0.0.1:3306 (started if stopped).
ensure_system_mariadb() {
  if tcp_answers 127.0.0.1 3306; then say "MariaDB answers on 127.0.0.1:3306."; return; fi
  [[ -x /usr/sbin/mariadbd ]] || apt_install mariadb-server mariadb-client
  say "Starting MariaDB..."
  mkdir -p /run/mysqld
  chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for 60 "MariaDB on 127.0.0.1:3306" tcp_answers 127.0.0.1 3306
  say "MariaDB answers on 127.0.0.1:3306."
}

# ensure_node_tools: the SES emulator, installed from infra/package-lock.json with `npm ci`.
ensure_node_tools() {
  command -v npm >/dev/null || apt_install nodejs npm
  local stamp="$ROOT/infra/node_modules/.package-lock.json"
  if [[ ! -x $SES_EMULATOR || $ROOT/infra/package-lock.json -nt $stamp ]]; then
    (cd "$ROOT/infra" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# ensure_frontend_deps: the web app's npm packages from frontend/package-lock.json, installed
# with `npm ci` only when they are missing or the lock changed.
ensure_frontend_deps() {
  command -v npm >/dev/null || apt_install nodejs npm
  local stamp="$ROOT/frontend/node_modules/.package-lock.json"
  if [[ ! -f $stamp || $ROOT/frontend/package-lock.json -nt $stamp ]]; then
    (cd "$ROOT/frontend" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# build_local: the local gateway, debug profile.
build_local() { (cd "$ROOT" && cargo build -p qhealth-local); }

# start_ses_emulator PORT LOGFILE: runs the SES emulator on 127.0.0.1:PORT until stop_started.
start_ses_emulator() {
  "$SES_EMULATOR" --host 127.0.0.1 --port "$1" >"$2" 2>&1 &
  track $!
  wait_for 30 "the SES emulator on port $1" curl -fs -o /dev/null "http://127.0.0.1:$1/store" \
    || { cat "$2" >&2; return 1; }
}
