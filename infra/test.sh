#!/usr/bin/env bash
# `make test`: every check, in order, stopping at the first failure. This is what CI runs.
#
#   1. MariaDB answers on 127.0.0.1:3306 (started if it is not)
#   2. cargo fmt --check
#   3. cargo clippy, warnings are errors
#   4. the local gateway and every Lambda function's binary build (debug; clippy alone never
#      generates code, and only code generation finds some errors, e.g. an async state machine
#      too deep for the compiler's recursion limit)
#   5. every Lambda function as AWS runs it: release, arm64, one zip each, each within 5 MB
#      (infra/lambda-build.sh; cargo-lambda and the aarch64 target are installed if missing)
#   6. cargo test, against mysql://root@127.0.0.1:3306/qhealth_test (poppler-utils installed for
#      the PDF tests' text extraction)
#   7. the committed .sqlx/ offline data matches the queries
#   8. the committed API documentation (docs/openapi.json, the Postman collection) matches the
#      code (infra/docs.sh --check)
#   9. cfn-lint on template.yaml, and SAM's own `sam validate --lint`
#  10. the smoke test: the real binaries over HTTP (tests/smoke.sh)
#  11. the contract, fuzzed: schemathesis against the gateway and its OpenAPI document
#      (tests/contract.sh)
#  12. the web app: npm ci (when the lock changed), vitest, the production build, and the
#      browser tests in headless Chromium against the real gateway (frontend/e2e/run.sh)
#
# One cargo target directory (target/, or CARGO_TARGET_DIR); the debug profile throughout but
# for step 5, whose release arm64 build lives beside it (target/aarch64-unknown-linux-gnu/).
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

TEST_DATABASE_URL=mysql://root@127.0.0.1:3306/qhealth_test

# #[sqlx::test] creates a database per test, but connects through DATABASE_URL first, so that
# database must exist: the gateway's `migrate` creates and migrates it.
# The PDF tests read the documents back with poppler's pdftotext, the text extraction of Debian's
# own PDF tools.
cargo_test() {
  command -v pdftotext >/dev/null || apt_install poppler-utils
  DATABASE_URL=$TEST_DATABASE_URL "$QHEALTH_LOCAL" migrate
  DATABASE_URL=$TEST_DATABASE_URL cargo test --workspace
}

# cfn-lint runs offline; it needs only a region to pick its resource specifications.
lint_template() {
  local cfn_lint=(cfn-lint)
  if ! command -v cfn-lint >/dev/null; then
    python3 -m pip install --quiet 'cfn-lint>=1.30,<2'
    cfn_lint=("$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/cfn-lint")
  fi
  AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-eu-north-1} "${cfn_lint[@]}" template.yaml
}

# `sam validate --lint`: SAM's transform of template.yaml, then cfn-lint on what it expands to
# (the functions' roles, permissions and events). Offline, like cfn-lint; no telemetry.
sam_validate() {
  local sam=(sam)
  if ! command -v sam >/dev/null; then
    python3 -m pip install --quiet 'aws-sam-cli>=1.170,<2'
    sam=("$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/sam")
  fi
  AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-eu-north-1} SAM_CLI_TELEMETRY=0 \
    "${sam[@]}" validate --lint --template-file template.yaml
}

started=$SECONDS
step "MariaDB"                ensure_system_mariadb
step "cargo fmt --check"      cargo fmt --all --check
step "cargo clippy"           cargo clippy --workspace --all-targets -- -D warnings
step "build every binary"     cargo build --workspace --bins
step "Lambda zips (arm64)"    bash infra/lambda-build.sh
step "cargo test"             cargo_test
step "sqlx prepare --check"   bash infra/sqlx-prepare.sh --check
step "API docs up to date"    bash infra/docs.sh --check
step "cfn-lint template.yaml" lint_template
step "sam validate --lint"    sam_validate
step "smoke test"             bash tests/smoke.sh
step "schemathesis contract"   bash tests/contract.sh
# --- the web app (frontend/) ---
step "web app: npm packages"  ensure_frontend_deps
step "web app: unit tests"    npm --prefix frontend test --silent
step "web app: build"         npm --prefix frontend run build --silent
step "web app: browser tests" bash frontend/e2e/run.sh
print_step_times
say "  $(printf '%-28s %5ss' "total" "$((SECONDS - started))")"
printf '\nmake test: all checks passed.\n'
