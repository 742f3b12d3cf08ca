#!/usr/bin/env bash
# oss-wasm: clippy for wasm32, then the wasm-bindgen-test suites against the emulator binary
# over real HTTP — in Node (wasm/tests/node.rs, which also creates the browser's bucket and its
# CORS rule through the API), then in headless Chromium (wasm/tests/browser.rs, every call
# cross-origin) — then the npm package build with its size. Installs what it needs, idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain: wasm32 target, wasm-bindgen CLI (the Cargo.lock version), Chromium"
rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
  cargo install wasm-bindgen-cli --version "$version"
fi
if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
  apt-get update -qq
  apt-get install -y --no-install-recommends chromium chromium-driver
fi

step "cargo clippy -p oss-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings"
cargo clippy -p oss-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings

step "three emulators: corrupting GET data under corrupt/, 503 to 30 % under flaky/, 3 s late under slow/"
cargo build -q -p oss-emulator
logs=$(mktemp -d)
cleanup() {
  # start_emulator runs in a command substitution (a subshell): its pids come back as files.
  for file in "$logs"/*.pid; do
    [ -e "$file" ] && kill "$(cat "$file")" 2>/dev/null || true
  done
  rm -rf "$logs"
}
trap cleanup EXIT
# A long-term key and an STS key (with its security token), accepted by every emulator.
cat >"$logs/keys.json" <<'JSON'
{"access_keys": [
  {"id": "wasm-test-id", "secret": "wasm-test-secret"},
  {"id": "STS.wasm-test", "secret": "wasm-sts-secret", "security_token": "wasm-sts-token"}
]}
JSON
start_emulator() { # name faults
  "${CARGO_TARGET_DIR:-target}/debug/oss-emulator" --listen 127.0.0.1:0 --config "$logs/keys.json" --faults "$2" \
    >"$logs/$1.out" 2>"$logs/$1.err" &
  echo "$!" >"$logs/$1.pid"
  for _ in $(seq 100); do
    grep -q '^listening on ' "$logs/$1.out" 2>/dev/null && break
    sleep 0.1
  done
  sed -n 's/^listening on //p' "$logs/$1.out"
}
main=$(start_emulator main "corrupt=1,prefix=corrupt/")
flaky=$(start_emulator flaky "seed=11,error503=0.3,prefix=flaky/")
slow=$(start_emulator slow "latency_ms=3000:1,prefix=slow/")
[ -n "$main" ] && [ -n "$flaky" ] && [ -n "$slow" ] || { cat "$logs"/*.err; exit 1; }
echo "main $main, flaky $flaky, slow $slow"

# Read by option_env! in wasm/tests/common: a test in a browser cannot read the environment.
export OSS_WASM_TEST_ENDPOINT="$main" OSS_WASM_TEST_FLAKY_ENDPOINT="$flaky" OSS_WASM_TEST_SLOW_ENDPOINT="$slow"
export OSS_WASM_TEST_KEY_ID=wasm-test-id OSS_WASM_TEST_KEY_SECRET=wasm-test-secret
export CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver)}
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}

step "oss-wasm in Node $(node --version)"
cargo test -p oss-wasm --target wasm32-unknown-unknown --test node

step "oss-wasm in headless Chromium (cross-origin, CORS from the bucket's rule)"
cargo test -p oss-wasm --target wasm32-unknown-unknown --test browser

step "oss-wasm in a dedicated Web Worker of headless Chromium (no window)"
cargo test -p oss-wasm --target wasm32-unknown-unknown --test worker

step "the Node and Chromium suites again, every request signed with V4"
OSS_WASM_TEST_SIGNATURE_VERSION=v4 cargo test -p oss-wasm --target wasm32-unknown-unknown --test node
OSS_WASM_TEST_SIGNATURE_VERSION=v4 cargo test -p oss-wasm --target wasm32-unknown-unknown --test browser

step "the npm package (wasm/pkg) and its size"
scripts/wasm-build.sh

step "tsc --strict on a consumer of the built package (wasm/typecheck: types through \`exports\`, not any)"
mkdir -p wasm/typecheck/node_modules
ln -sfn ../../pkg wasm/typecheck/node_modules/oss-wasm
wasm/node_modules/.bin/tsc -p wasm/typecheck
echo "typecheck passed"

step "the built package imported by Node through its exports (wasm/e2e/node-package.mjs)"
node wasm/e2e/node-package.mjs "$main" "$OSS_WASM_TEST_KEY_ID" "$OSS_WASM_TEST_KEY_SECRET"

step "the built package in Chromium through the demo page (examples/browser) and a Web Worker"
node wasm/e2e/browser-demo.mjs "$main" "$OSS_WASM_TEST_KEY_ID" "$OSS_WASM_TEST_KEY_SECRET"
