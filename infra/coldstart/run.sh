#!/usr/bin/env bash
# Cold starts for docs/PERFORMANCE.md ("Cold starts"): every function started RUNS times
# (default 20) as a fresh process by infra/coldstart/measure.py, against a local Lambda Runtime
# API, its first event answered from a freshly migrated database on 127.0.0.1:3306 — beside the
# size of the arm64 zip that is deployed.
#
# AWS runs the arm64 builds, which cannot run on this x86_64 machine. The times and memory are
# those of the same functions built for x86_64 by the same cargo-lambda, with the same release
# profile and features (`infra/lambda-build.sh --x86-64`); the zip sizes are the arm64 ones of
# `make lambda`, which must run first.
#
#   make lambda && infra/coldstart/run.sh
#   RUNS=5 infra/coldstart/run.sh
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT"

RUNS=${RUNS:-20}
DB_URL=mysql://root@127.0.0.1:3306/qhealth_coldstart
EMAIL=root@coldstart.test
PASSWORD='Cold#Start1'
# Signs this run's one access token; the functions check it with the same secret.
JWT_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')

compgen -G "$TARGET_DIR/lambda/*/bootstrap.zip" >/dev/null \
  || die "no arm64 zips under $TARGET_DIR/lambda: run 'make lambda' first"
bash infra/lambda-build.sh --x86-64
build_local

ensure_system_mariadb
sql "$DB_URL" "DROP DATABASE IF EXISTS qhealth_coldstart"
DATABASE_URL=$DB_URL "$QHEALTH_LOCAL" migrate >/dev/null
DATABASE_URL=$DB_URL "$QHEALTH_LOCAL" create-superuser --email "$EMAIL" --password "$PASSWORD" \
  >/dev/null

# The gateway only signs in (POST /api/auth) and is stopped before the measurement starts.
trap stop_started EXIT
port=$(free_port)
DATABASE_URL=$DB_URL JWT_SECRET=$JWT_SECRET PORT=$port RUST_LOG=warn "$QHEALTH_LOCAL" serve \
  >"$TARGET_DIR/coldstart-gateway.log" 2>&1 &
track $!
wait_for 60 "the gateway on port $port" curl -fs -o /dev/null "http://127.0.0.1:$port/api/health"
token=$(curl -fs "http://127.0.0.1:$port/api/auth" -H 'Content-Type: application/json' \
  -d "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["access"])')
stop_started

say "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 infra/coldstart/measure.py --runs "$RUNS" --token "$token" \
  --functions-dir "$TARGET_DIR/x86_64-unknown-linux-gnu/release" --zips-dir "$TARGET_DIR/lambda" \
  --env "DATABASE_URL=$DB_URL" --env "JWT_SECRET=$JWT_SECRET" --json "$TARGET_DIR/coldstart.json"
