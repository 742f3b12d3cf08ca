#!/usr/bin/env bash
# Runs the official Python SDK (oss2 2.19.1) against the emulator binary over HTTP
# (tests/oss2_checklist.py). Installs oss2 in target/oss2-venv once; builds and starts the
# emulator on a free loopback port with a fresh data directory; stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/oss2-venv
if ! "$venv/bin/python" -c 'import oss2, sys; sys.exit(oss2.__version__ != "2.19.1")' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet oss2==2.19.1
fi
cargo build --quiet -p oss-emulator --bin oss-emulator
data=$(mktemp -d)
out=$(mktemp)
target/debug/oss-emulator --listen 127.0.0.1:0 --data-dir "$data" >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data" "$out"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$out" && break; sleep 0.1; done
address=$(sed -n 's/^listening on //p' "$out" | head -1)
[ -n "$address" ] || { echo "the emulator did not start:"; cat "$out"; exit 1; }
OSS_ENDPOINT="$address" \
OSS_ACCESS_KEY_ID=LTAI5tEmulatorTestKeyId \
OSS_ACCESS_KEY_SECRET=EmulatorTestSecret0123456789abcdef \
  "$venv/bin/python" tests/oss2_checklist.py
