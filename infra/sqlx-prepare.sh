#!/usr/bin/env bash
# Regenerates .sqlx/ (the offline query data committed with the code) from a freshly migrated
# database, or with --check only verifies that .sqlx/ matches the code (what `make test` runs).
#
#   infra/sqlx-prepare.sh           write .sqlx/  (make sqlx-prepare)
#   infra/sqlx-prepare.sh --check   fail if .sqlx/ is out of date
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check=()
[[ ${1:-} == --check ]] && check=(--check)
# A database of its own, dropped and migrated afresh each run. Its NAME matters: sqlx records
# each column's origin as `<database>.<table>` in .sqlx/, so writing and checking must use the
# same name, and the committed data was written against `qhealth_dev`.
url=${SQLX_PREPARE_DATABASE_URL:-mysql://root@127.0.0.1:3306/qhealth_dev}
parse_db_url "$url"

# sqlx-cli, in the version that matches the sqlx crate.
if ! cargo sqlx --version 2>/dev/null | grep -q ' 0\.9\.'; then
  cargo install sqlx-cli --version 0.9.0 --locked --no-default-features --features mysql,rustls
fi

[[ $DB_HOST:$DB_PORT != 127.0.0.1:3306 ]] || ensure_system_mariadb
sql "$url" "DROP DATABASE IF EXISTS \`$DB_NAME\`"
# sqlx-cli migrates, not qhealth-local: that binary cannot be built offline while a new or
# changed query still lacks its .sqlx data, which is what this script is for.
(cd "$ROOT" && DATABASE_URL=$url cargo sqlx database create \
  && DATABASE_URL=$url cargo sqlx migrate run --source migrations >/dev/null)
# .cargo/config.toml sets SQLX_OFFLINE=true for ordinary builds; prepare must ask the database.
# The database stays afterwards, migrated, for running `cargo sqlx prepare` by hand.
(cd "$ROOT" && SQLX_OFFLINE=false DATABASE_URL=$url \
  cargo sqlx prepare "${check[@]}" --workspace -- --all-targets)
