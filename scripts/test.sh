#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (idempotently), then runs
# formatting, lints, the no_std build and every host test. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain: rustfmt, clippy, the bare-metal target for the no_std build"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
rustup target list --installed | grep -qx thumbv7em-none-eabihf \
  || rustup target add thumbv7em-none-eabihf

step "cargo fmt --all --check"
cargo fmt --all --check

# oss-wasm is checked for wasm32 by scripts/wasm-test.sh (web-sys is slow to build for the host).
step "cargo clippy --workspace --exclude oss-wasm --all-targets -- -D warnings"
cargo clippy --workspace --exclude oss-wasm --all-targets -- -D warnings

step "oss-core without std, on a bare-metal target"
cargo build -p oss-core --no-default-features --target thumbv7em-none-eabihf

step "cargo clippy -p oss-core --no-default-features -- -D warnings"
cargo clippy -p oss-core --no-default-features --all-targets -- -D warnings

step "host tests (conformance summaries printed)"
mkdir -p target
cargo test --workspace --exclude oss-wasm -- --nocapture --test-threads 2 2>&1 | tee target/test.log
# The summaries are the evidence; make them easy to find in the CI log.
printf '\n==> conformance summaries\n'
grep -E '^(signing|crc64|date|response|server error|request) vectors:|^v4 sdk examples:|^  (skipped|departed) |^fuzz corpus' target/test.log || true

step "the end-to-end suite again, every request signed with V4"
OSS_TEST_SIGNATURE_VERSION=v4 cargo test -p oss-sdk --test e2e -- --test-threads 2

step "the official Python SDK (oss2) against the emulator binary over HTTP"
./tests/oss2-checklist.sh

step "oss-wasm: Node and headless Chromium suites against the emulator, the npm package build"
./scripts/wasm-test.sh

step "the quickstart runs"
cargo run --quiet --example quickstart >/dev/null

printf '\nall checks passed\n'
