#!/usr/bin/env bash
# PUT then GET of a 1 GiB object over loopback against the emulator binary with the directory
# store: prints the throughput of each and the emulator's peak RSS (VmHWM). Budget: RSS ≤ 128 MiB.
# Not part of CI (it writes 2 GiB to disk and takes a while); record results in BENCHMARKS.md.
#
# How the requests are authorized: one V1-signed request (HMAC-SHA1 by openssl, with the
# emulator's default test key) creates a public-read-write bucket; the PUT and GET are then
# anonymous, so plain curl can stream the file both ways.
#
# usage: scripts/bench-emulator-1gib.sh [SIZE_MIB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=${1:-1024}
bucket=bench-1gib
work=$(mktemp -d "${TMPDIR:-/tmp}/oss-emulator-bench.XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> building oss-emulator (release)"
cargo build --release --quiet -p oss-emulator --bin oss-emulator
bin="${CARGO_TARGET_DIR:-target}/release/oss-emulator"

echo "==> ${size_mib} MiB of random data in $work"
head -c "$((size_mib << 20))" /dev/urandom >"$work/object"
expected_md5=$(md5sum "$work/object" | cut -d' ' -f1 | tr a-f A-F)

mkdir "$work/data"
"$bin" --listen 127.0.0.1:0 --data-dir "$work/data" >"$work/banner" 2>"$work/stderr" &
pid=$!
for _ in $(seq 100); do
  grep -q '^access key secret' "$work/banner" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/banner")
id=$(sed -n 's/^access key id: //p' "$work/banner")
secret=$(sed -n 's/^access key secret: //p' "$work/banner")
[ -n "$url" ] && [ -n "$secret" ] || { cat "$work/banner" "$work/stderr"; exit 1; }
echo "    emulator pid $pid at $url"

date=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
signature=$(printf 'PUT\n\n\n%s\nx-oss-acl:public-read-write\n/%s/' "$date" "$bucket" \
  | openssl dgst -sha1 -hmac "$secret" -binary | base64)
curl -sS --fail-with-body -X PUT "$url/$bucket/" \
  -H "Date: $date" -H "x-oss-acl: public-read-write" -H "Authorization: OSS $id:$signature" >/dev/null

rss() { awk '/^VmHWM/ {print $2 / 1024 " MiB"}' "/proc/$pid/status"; }
echo "    peak RSS before the transfers: $(rss)"

echo "==> PUT"
read -r put_speed put_time etag < <(curl -sS --fail-with-body -T "$work/object" \
  -o /dev/null -D "$work/put-headers" -w '%{speed_upload} %{time_total} ' "$url/$bucket/object"; \
  sed -n 's/^[Ee][Tt]ag: "\(.*\)"\r$/\1/p' "$work/put-headers")
[ "$etag" = "$expected_md5" ] || { echo "ETag $etag, expected $expected_md5"; exit 1; }
echo "    $(awk -v s="$put_speed" 'BEGIN {printf "%.0f MiB/s", s / 1048576}') ($put_time s), ETag = MD5 of the file"
echo "    peak RSS after PUT: $(rss)"

echo "==> GET"
read -r get_speed get_time get_size < <(curl -sS --fail-with-body -o /dev/null \
  -w '%{speed_download} %{time_total} %{size_download}\n' "$url/$bucket/object")
[ "$get_size" = "$((size_mib << 20))" ] || { echo "GET returned $get_size bytes"; exit 1; }
echo "    $(awk -v s="$get_speed" 'BEGIN {printf "%.0f MiB/s", s / 1048576}') ($get_time s)"

peak=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
echo
echo "emulator 1 GiB bench: PUT $(awk -v s="$put_speed" 'BEGIN {printf "%.0f", s / 1048576}') MiB/s," \
  "GET $(awk -v s="$get_speed" 'BEGIN {printf "%.0f", s / 1048576}') MiB/s," \
  "peak RSS $((peak / 1024)) MiB (budget 128 MiB)"
[ "$peak" -le $((128 * 1024)) ] || { echo "over budget"; exit 1; }
