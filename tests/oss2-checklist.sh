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
binary="${CARGO_TARGET_DIR:-target}/debug/oss-emulator"
work=$(mktemp -d)
out="$work/emulator.out"
# A long-term key and an STS key; the checklist uses both.
cat >"$work/keys.json" <<'JSON'
{"access_keys": [
  {"id": "LTAI5tChecklistKeyId", "secret": "ChecklistSecret0123456789abcdef"},
  {"id": "STS.ChecklistKeyId", "secret": "StsChecklistSecret0123456789", "security_token": "CAIS+checklist/token=="}
]}
JSON
"$binary" --listen 127.0.0.1:0 --data-dir "$work/data" --config "$work/keys.json" >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$out" && break; sleep 0.1; done
address=$(sed -n 's/^listening on //p' "$out" | head -1)
[ -n "$address" ] || { echo "the emulator did not start:"; cat "$out"; exit 1; }
# Once signed with V1, once with V4 (each pass deletes its bucket at the end).
for version in v1 v4; do
OSS_AUTH_VERSION=$version \
OSS_ENDPOINT="$address" \
OSS_ACCESS_KEY_ID=LTAI5tChecklistKeyId \
OSS_ACCESS_KEY_SECRET=ChecklistSecret0123456789abcdef \
OSS_STS_ACCESS_KEY_ID=STS.ChecklistKeyId \
OSS_STS_ACCESS_KEY_SECRET=StsChecklistSecret0123456789 \
OSS_STS_SECURITY_TOKEN='CAIS+checklist/token==' \
CHECKLIST_TMP="$work" \
  "$venv/bin/python" tests/oss2_checklist.py
done
