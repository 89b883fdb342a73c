#!/usr/bin/env bash
# `make lambda`: every Lambda function built as AWS runs it — the release profile of Cargo.toml,
# arm64 (Graviton), one `target/lambda/<binary>/bootstrap.zip` each — and every zip held to the
# size budget of docs/PERFORMANCE.md (5 MB: a small zip is a quick cold start).
#
# The functions are the binaries of the crates under functions/ (functions/*/Cargo.toml), read
# from `cargo metadata`, so a new function crate is built without editing this script. They are
# built in one cargo invocation, with `--package` for each so that only the functions' own
# features are compiled in (not the local gateway's server, signals or coloured logs).
#
# Installs what is missing: cargo-lambda from PyPI (it brings zig, which links for arm64 from
# this x86_64 machine; no Docker) and Rust's aarch64-unknown-linux-gnu standard library.
# `sam build` runs the same cargo-lambda, profile and target per function (template.yaml).
#
#   infra/lambda-build.sh            build, then list the zips and check their sizes
#   infra/lambda-build.sh --x86-64   the same build for this machine, into target/lambda-x86_64/
#                                    (the binaries infra/coldstart/run.sh can run here)
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

case ${1:-} in
  "") TARGET=aarch64-unknown-linux-gnu ARCH=--arm64 LAMBDA_DIR=$TARGET_DIR/lambda ;;
  --x86-64) TARGET=x86_64-unknown-linux-gnu ARCH=--x86-64 LAMBDA_DIR=$TARGET_DIR/lambda-x86_64 ;;
  *) die "usage: infra/lambda-build.sh [--x86-64]" ;;
esac
MAX_ZIP_BYTES=5000000 # 5 MB, the issue's target, in the units docs/PERFORMANCE.md reports

# cargo-lambda 1.9 (with zig), installed for the Python that pip runs with; its scripts
# directory goes on PATH so that `cargo lambda` finds `cargo-lambda`.
ensure_cargo_lambda() {
  cargo lambda --version >/dev/null 2>&1 && return
  say "Installing cargo-lambda from PyPI..."
  python3 -m pip install --quiet 'cargo-lambda>=1.9,<1.10'
  PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
  cargo lambda --version >/dev/null || die "cargo-lambda was installed but 'cargo lambda' does not run"
}

ensure_target() {
  rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET"
}

# Prints "crate-dir package binary" for every binary of a workspace crate under functions/, and
# stops when a functions/*/Cargo.toml is not a workspace member (cargo would not build it).
function_binaries() {
  cargo metadata --no-deps --format-version 1 | python3 -c '
import json, pathlib, sys
root = pathlib.Path(sys.argv[1]).resolve()
members = {}
for package in json.load(sys.stdin)["packages"]:
    manifest = pathlib.Path(package["manifest_path"]).resolve()
    if manifest.parent.parent == root / "functions":
        members[manifest] = package
missing = [str(m.relative_to(root)) for m in sorted((root / "functions").glob("*/Cargo.toml"))
           if m.resolve() not in members]
if missing:
    sys.exit("not in the workspace members of Cargo.toml: " + ", ".join(missing))
for manifest, package in members.items():
    for target in package["targets"]:
        if "bin" in target["kind"]:
            print(manifest.parent.relative_to(root), package["name"], target["name"])
' "$ROOT"
}

# check_template FUNCTIONS: every function of template.yaml that SAM builds with cargo-lambda
# names (BuildProperties: Binary) a binary of the crate at its CodeUri, as `sam build` needs.
# FUNCTIONS is function_binaries' output. A function crate the template does not deploy is
# only reported.
check_template() {
  python3 -c '
import re, sys
built = {tuple(line.split()[::2]) for line in sys.argv[2].splitlines()}  # (dir, binary)
text = open(sys.argv[1]).read().split("\nResources:\n", 1)[1]
deployed, wrong = set(), []
for block in re.split(r"\n(?=  [A-Za-z0-9]+:[ \t]*\n)", text):
    if not re.search(r"^ +BuildMethod: rust-cargolambda\s*$", block, re.M):
        continue
    name = block.strip().split(":", 1)[0]
    binary = re.search(r"^ +Binary: *(\S+)", block, re.M)
    code_uri = re.search(r"^ +CodeUri: *(\S+)", block, re.M)
    pair = (code_uri and code_uri[1].rstrip("/"), binary and binary[1])
    if pair in built:
        deployed.add(pair)
    else:
        wrong.append(f"{name}: CodeUri {pair[0]}, Binary {pair[1]}")
if wrong:
    sys.exit("template.yaml names a binary its CodeUri crate does not build: " + "; ".join(wrong))
for code_uri, binary in sorted(built - deployed):
    print(f"note: {binary} ({code_uri}) is built but template.yaml does not deploy it")
' "$ROOT/template.yaml" "$1"
}

ensure_cargo_lambda
ensure_target

functions=$(function_binaries)
[[ -n $functions ]] || die "no function binaries found under functions/"
check_template "$functions"
bins=() args=()
while read -r _dir package bin; do
  bins+=("$bin")
  args+=(--package "$package" --bin "$bin")
done <<<"$functions"
say "Functions (${#bins[@]}): ${bins[*]}"

# A zip left from an earlier build must not pass for this one's.
for bin in "${bins[@]}"; do rm -f "$LAMBDA_DIR/$bin/bootstrap.zip"; done

SQLX_OFFLINE=true cargo lambda build --release "$ARCH" --output-format zip \
  --lambda-dir "$LAMBDA_DIR" "${args[@]}"

mb() { awk -v bytes="$1" 'BEGIN { printf "%.2f MB", bytes / 1000000 }'; }

say ""
printf '%-28s %10s %10s\n' "function binary" "binary" "zip"
over=()
for bin in "${bins[@]}"; do
  zip="$LAMBDA_DIR/$bin/bootstrap.zip"
  [[ -f $zip ]] || die "cargo-lambda wrote no $zip"
  zip_bytes=$(stat -c %s "$zip")
  printf '%-28s %10s %10s\n' "$bin" "$(mb "$(stat -c %s "$TARGET_DIR/$TARGET/release/$bin")")" "$(mb "$zip_bytes")"
  ((zip_bytes <= MAX_ZIP_BYTES)) || over+=("$bin ($(mb "$zip_bytes"))")
done
[[ $ARCH == --arm64 ]] || exit 0 # the budget is for the deployed (arm64) zips
((${#over[@]} == 0)) || die "over the $(mb "$MAX_ZIP_BYTES") zip budget: ${over[*]}"
say "Every zip is within $(mb "$MAX_ZIP_BYTES")."
