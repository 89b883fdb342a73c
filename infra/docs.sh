#!/usr/bin/env bash
# `make docs`: writes the API's documentation, generated from the code:
#   docs/openapi.json                     the OpenAPI 3.1 document (`qhealth-local openapi`)
#   docs/qhealth.postman_collection.json  the Postman collection made from it (infra/postman.mjs)
# Run it after changing a handler's route, parameters, body, answers or doc comment.
#
#   infra/docs.sh --check   writes both to a temporary directory and fails when a committed
#                           file differs (the test command runs this)
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

check=false
[[ ${1:-} == --check ]] && check=true

ensure_node_tools
build_local
out=docs
if $check; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
"$QHEALTH_LOCAL" openapi >"$out/openapi.json"
node infra/postman.mjs "$out/openapi.json" "$out/qhealth.postman_collection.json"

if $check; then
  stale=()
  for file in openapi.json qhealth.postman_collection.json; do
    cmp -s "$out/$file" "docs/$file" || stale+=("$file")
  done
  if ((${#stale[@]})); then
    for file in "${stale[@]}"; do diff -u "docs/$file" "$out/$file" | head -30 >&2 || true; done
    say "Stale in docs/: ${stale[*]} (the code documents the API differently). Run \`make docs\` and commit." >&2
    exit 1
  fi
  say "docs/openapi.json and docs/qhealth.postman_collection.json match the code."
else
  say "Wrote docs/openapi.json ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(v) for v in d["paths"].values()))' docs/openapi.json) operations) and docs/qhealth.postman_collection.json."
fi
