#!/usr/bin/env bash
# Measurements of the built app: bundle sizes (gzip) and the home page's Largest Contentful
# Paint in headless Chromium against the local gateway. Results for docs/PERFORMANCE.md.
#   bash frontend/e2e/measure.sh [loads]      (default 9 loads per setting)
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../infra/lib.sh"
# shellcheck source=frontend/e2e/stack.sh
source "$ROOT/frontend/e2e/stack.sh"
start_browser_stack
node e2e/bundle-size.mjs
node e2e/lcp.mjs "${1:-9}"
