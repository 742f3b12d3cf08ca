#!/usr/bin/env bash
# A resumable upload through oss-native against an emulator that answers 10 % of all requests
# with 503 ServiceUnavailable (`--faults seed=N,error503=0.1`): it must complete, and the object
# must have the file's CRC-64 and bytes. Issue 5 asks for 64 MiB in CI (native/tests/resumable.rs)
# and 1 GiB here; record the result in BENCHMARKS.md.
#
# The upload (native/examples/transfer_bench.rs resumable-upload) goes through a relay in the
# bench process that counts the answers' status lines, so the 503s met are counted, not guessed.
# Retry policy: BENCH_RETRY_ATTEMPTS=10 attempts per request, pauses of 10 ms doubling up to 1 s
# with jitter. A 503 to a POST (InitiateMultipartUpload, CompleteMultipartUpload) is not retried
# by the driver (POST is not idempotent), so resumable_upload then fails; the bench calls it
# again (up to BENCH_CALLS=5 calls), and it resumes from its checkpoint with only the missing
# parts, as a user's retry would. `calls=` in the output says how many calls it took.
#
# Then, still through the faults: the object's CRC-64 (x-oss-hash-crc64ecma, HEAD) against the
# file's, the upload's own answer against the file's, and a full download compared with cmp.
#
# Each request draws its fault from one seeded sequence, so how many of the first N requests
# get a 503 is fixed by the seed (which requests they are depends on the threads' order): with
# seed 2, 10 of the 115 requests after the bucket's creation get one — what a 1 GiB upload in
# 10 MiB parts takes when nothing else fails (105 requests, and the 10 sent again).
#
# usage: scripts/bench-resumable-503.sh [SIZE_MIB]   (default 1024; BENCH_SEED, default 2)
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=${1:-1024}
seed=${BENCH_SEED:-2}
export BENCH_PART_MIB=${BENCH_PART_MIB:-10} BENCH_THREADS=${BENCH_THREADS:-4}
export BENCH_RETRY_ATTEMPTS=${BENCH_RETRY_ATTEMPTS:-10} BENCH_RETRY_BASE_MS=10 BENCH_RETRY_MAX_MS=1000
export BENCH_CALLS=${BENCH_CALLS:-5}

faults="seed=$seed,error503=0.1"
# shellcheck source=scripts/lib/bench-emulator.sh
source scripts/lib/bench-emulator.sh
start_bench_emulator bench-resumable-503 --faults "$faults"
echo "    emulator pid $pid at $OSS_ENDPOINT, faults $faults"
# PutBucket is idempotent: the driver retries its 503s like any other.
"$native" create-bucket

echo "==> ${size_mib} MiB of random data"
file="$work/object"
head -c "$((size_mib << 20))" /dev/urandom >"$file"
crc=$("$native" crc64 "$file")
echo "    CRC-64 $crc"

echo "==> resumable_upload, ${BENCH_PART_MIB} MiB parts on ${BENCH_THREADS} threads, through 10 % 503s"
sync
line=$(BENCH_RELAY=1 "$native" resumable-upload big "$file" | grep '^result ')
echo "    $line"
value() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
[ "$(value crc64)" = "$crc" ] || { echo "the upload's CRC-64 $(value crc64) is not the file's $crc"; exit 1; }

echo "==> checks (through the same faults)"
head=$("$native" head big)
echo "    HEAD: $head"
[ "$head" = "size=$((size_mib << 20)) crc64=$crc" ] || { echo "the object is not the file"; exit 1; }
"$native" get big "$work/download" >/dev/null
cmp "$work/download" "$file" || { echo "the downloaded bytes differ from the file"; exit 1; }
echo "    download: the same ${size_mib} MiB, byte for byte"

echo
echo "resumable upload of ${size_mib} MiB with 10 % 503s ($faults): $(value secs) s," \
  "$(value mib_s) MiB/s, $(value status_503) 503s in $(value responses) answers," \
  "$(value calls) call(s) of resumable_upload, peak RSS $(($(value peak_rss_kib) / 1024)) MiB;" \
  "CRC-64 $crc = the file's, bytes equal"
