#!/usr/bin/env bash
# The browser tests: the stories of e2e/story.test.mjs, e2e/calendar.test.mjs (scheduling) and
# e2e/records.test.mjs (sick leave, PDFs, the audit trail, the data export) in headless Chromium
# against the real gateway (see stack.sh). Needs frontend/dist (npm run build). Screenshots go to
# frontend/e2e/screenshots/.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../infra/lib.sh"
# shellcheck source=frontend/e2e/stack.sh
source "$ROOT/frontend/e2e/stack.sh"
start_browser_stack
# One after the other, in this order (node would sort files given together): all use the one
# database, and the clinic's day reads its first pages before the others add to them.
status=0
node --test --test-concurrency=1 e2e/story.test.mjs || status=$?
node --test --test-concurrency=1 e2e/calendar.test.mjs || status=$?
node --test --test-concurrency=1 e2e/records.test.mjs || status=$?
exit "$status"
