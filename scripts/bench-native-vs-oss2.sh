#!/usr/bin/env bash
# oss-native against oss2 2.19.1, side by side in one go, against one emulator on loopback:
# a SIZE MiB file (default 1024) goes up and comes down four ways through each client —
#
#   put                 put_object_from_file (one streaming PUT)
#   get                 get_object_to_file (of that object)
#   resumable-upload    resumable_upload (multipart, BENCH_PART_MIB=10 MiB parts, BENCH_THREADS=4)
#   resumable-download  resumable_download (ranges of the same size, as many threads)
#
# — each in a process of its own (native/examples/transfer_bench.rs, scripts/bench_oss2.py),
# which prints its wall time, its peak RSS (VmHWM) and its CPU time. Every upload's CRC-64 as
# the server answered it must equal the file's, and every download must be the file byte for
# byte (cmp), or the script fails before printing a number. BENCH_RUNS (default 1) repeats the
# whole sequence, the two clients taking turns at going first; the table shows medians.
# Budget (issue 5): oss-native's peak RSS ≤ 64 MiB, and its throughput ahead of oss2.
#
# oss2 is installed in target/oss2-venv (as tests/oss2-checklist.sh does); whether crcmod's C
# extension is in use is printed (oss2 computes CRC-64 through crcmod). The emulator keeps its
# data in a temporary --data-dir. Not part of CI: it writes several times SIZE to disk.
#
# usage: scripts/bench-native-vs-oss2.sh [SIZE_MIB]
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=${1:-1024}
runs=${BENCH_RUNS:-1}
export BENCH_PART_MIB=${BENCH_PART_MIB:-10} BENCH_THREADS=${BENCH_THREADS:-4}

venv=target/oss2-venv
if ! "$venv/bin/python" -c 'import oss2, sys; sys.exit(oss2.__version__ != "2.19.1")' 2>/dev/null; then
  echo "==> installing oss2 2.19.1 in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet oss2==2.19.1
fi
python="$venv/bin/python"

# shellcheck source=scripts/lib/bench-emulator.sh
source scripts/lib/bench-emulator.sh
start_bench_emulator bench-native-vs-oss2
"$native" create-bucket
echo "    emulator pid $pid at $OSS_ENDPOINT, data in $work/data"
echo "    oss2 $("$python" -c 'import oss2; print(oss2.__version__)'), crcmod: $("$python" scripts/bench_oss2.py crcmod)"

echo "==> ${size_mib} MiB of random data"
file="$work/object"
head -c "$((size_mib << 20))" /dev/urandom >"$file"
bytes=$((size_mib << 20))
crc=$("$native" crc64 "$file")
echo "    CRC-64 $crc"

results="$work/results"
: >"$results"
# measure CLIENT OP: one transfer in a process of its own, checked, its line kept.
measure() {
  local client=$1 op=$2 key out line
  case $client in
    native) set -- "$native" ;;
    oss2) set -- "$python" scripts/bench_oss2.py ;;
  esac
  case $op in
    put | resumable-upload) key="$client-$op" out=$file ;;
    *) key="$client-put" out="$work/download-$client" ;;
  esac
  # Earlier transfers' dirty pages are written out before the clock starts, not during.
  sync
  line=$("$@" "$op" "$key" "$out" | grep '^result ') || { echo "$client $op failed"; exit 1; }
  case $op in
    put | resumable-upload)
      [ "$(sed -n 's/.* crc64=\([0-9]*\).*/\1/p' <<<"$line")" = "$crc" ] \
        || { echo "$client $op: the object's CRC-64 is not the file's: $line"; exit 1; } ;;
    *)
      cmp -s "$out" "$file" || { echo "$client $op: the download differs from the file"; exit 1; }
      rm -f "$out" ;;
  esac
  [ "$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$line")" = "$bytes" ] \
    || { echo "$client $op: wrong size: $line"; exit 1; }
  printf '%s %s %s\n' "$client" "$op" "$line" | tee -a "$results"
}

for run in $(seq "$runs"); do
  echo "==> run $run of $runs"
  if [ $((run % 2)) -eq 1 ]; then clients="native oss2"; else clients="oss2 native"; fi
  for op in put get resumable-upload resumable-download; do
    for client in $clients; do measure "$client" "$op"; done
  done
done

# The table: per operation and client, the median over the runs of MiB/s and CPU seconds, and
# the highest peak RSS.
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "${size_mib} MiB over loopback, ${runs} run(s), parts of ${BENCH_PART_MIB} MiB on ${BENCH_THREADS} threads for the resumable transfers"
printf '| %-18s | %-10s | %8s | %13s | %14s |\n' operation client "MiB/s" "peak RSS MiB" "CPU s (u+s)"
printf '|%s|%s|%s|%s|%s|\n' "--------------------" "------------" "----------" "---------------" "----------------"
verdict=
declare -A speed rss
for op in put get resumable-upload resumable-download; do
  for client in native oss2; do
    rows=$(grep "^$client $op " "$results")
    speed[$client]=$(field mib_s <<<"$rows" | median)
    rss[$client]=$(field peak_rss_kib <<<"$rows" | sort -n | tail -1)
    cpu=$(field cpu_secs <<<"$rows" | median)
    printf '| %-18s | %-10s | %8.0f | %13.1f | %14.2f |\n' "$op" "$client" "${speed[$client]}" \
      "$(awk -v k="${rss[$client]}" 'BEGIN { print k / 1024 }')" "$cpu"
  done
  if awk -v n="${speed[native]}" -v o="${speed[oss2]}" 'BEGIN { exit !(n <= o) }'; then
    verdict+="    $op: oss-native (${speed[native]} MiB/s) is not ahead of oss2 (${speed[oss2]} MiB/s)"$'\n'
  fi
  if [ "${rss[native]}" -gt $((64 * 1024)) ]; then
    verdict+="    $op: oss-native's peak RSS $((rss[native] / 1024)) MiB is over 64 MiB"$'\n'
  fi
done
echo
if [ -z "$verdict" ]; then
  echo "within budget: oss-native ahead of oss2 everywhere, peak RSS ≤ 64 MiB"
else
  echo "over budget:"
  printf '%s' "$verdict"
fi
