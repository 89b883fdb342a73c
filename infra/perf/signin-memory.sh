#!/usr/bin/env bash
# The gateway's memory under sign-in load, for docs/PERFORMANCE.md: 1,000 sign-ins (argon2id,
# 19 MiB of working memory each) from 16 clients at once against the release (perf profile)
# gateway, then its resident set (VmRSS) and peak (VmHWM) from /proc.
#
#   infra/perf/signin-memory.sh [SIGN_INS] [CLIENTS]
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT"

SIGN_INS=${1:-1000}
CLIENTS=${2:-16}
DB=qhealth_signin_memory
PORT=${PORT:-18192}
export DATABASE_URL="mysql://root@127.0.0.1:3306/$DB"

ensure_system_mariadb
cargo build --profile perf -p qhealth-local --quiet
BIN=target/perf/qhealth-local
mysql -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $DB"
"$BIN" migrate >/dev/null
"$BIN" create-superuser --email root@perf.test --password 'Perf#Secret1' >/dev/null

trap stop_started EXIT
PORT=$PORT RUST_LOG=warn GREETINGS_AT=23:59 "$BIN" serve >/tmp/qhealth-signin-memory.log 2>&1 &
gateway=$!
track $gateway
wait_for 60 "the gateway" curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/health"

memory() { grep -E '^(VmRSS|VmHWM)' "/proc/$gateway/status" | tr -s ' \t' ' ' | tr '\n' ' '; }
say "before: $(memory)"
python3 - "$PORT" "$SIGN_INS" "$CLIENTS" <<'PY'
import http.client, json, sys, time
from concurrent.futures import ThreadPoolExecutor
port, total, clients = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
body = json.dumps({"email": "root@perf.test", "password": "Perf#Secret1"})
def sign_ins(n):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(n):
        connection.request("POST", "/api/auth", body, {"Content-Type": "application/json"})
        answer = connection.getresponse(); answer.read()
        assert answer.status == 200, answer.status
started = time.time()
with ThreadPoolExecutor(clients) as pool:
    list(pool.map(sign_ins, [total // clients + (i < total % clients) for i in range(clients)]))
print(f"{total} sign-ins from {clients} clients in {time.time() - started:.1f} s")
PY
say "after:  $(memory)"
