# shellcheck shell=bash
# Sourced by the transfer benchmarks: builds oss-emulator and transfer_bench (release), makes a
# scratch directory $work (removed at exit), starts one emulator on loopback with a
# --data-dir in it and the extra arguments given, and exports OSS_ENDPOINT, OSS_ACCESS_KEY_ID,
# OSS_ACCESS_KEY_SECRET, OSS_BUCKET=$1 and BENCH_CHECKPOINT_DIR. Sets $native, $pid.
# usage: start_bench_emulator BUCKET [EMULATOR ARGS...]
start_bench_emulator() {
  local bucket=$1
  shift
  echo "==> building oss-emulator and transfer_bench (release)"
  cargo build --release --quiet -p oss-emulator --bin oss-emulator -p oss-native --example transfer_bench
  local target="${CARGO_TARGET_DIR:-target}/release"
  # shellcheck disable=SC2034 # read by the scripts that source this file
  native="$target/examples/transfer_bench"
  work=$(mktemp -d "${TMPDIR:-/tmp}/$bucket.XXXXXX")
  pid=
  trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
  mkdir "$work/data" "$work/checkpoints"
  "$target/oss-emulator" --listen 127.0.0.1:0 --data-dir "$work/data" "$@" >"$work/banner" 2>"$work/stderr" &
  pid=$!
  for _ in $(seq 100); do
    grep -q '^access key secret' "$work/banner" 2>/dev/null && break
    sleep 0.1
  done
  OSS_ENDPOINT=$(sed -n 's/^listening on //p' "$work/banner")
  OSS_ACCESS_KEY_ID=$(sed -n 's/^access key id: //p' "$work/banner")
  OSS_ACCESS_KEY_SECRET=$(sed -n 's/^access key secret: //p' "$work/banner")
  if [ -z "$OSS_ENDPOINT" ] || [ -z "$OSS_ACCESS_KEY_SECRET" ]; then
    cat "$work/banner" "$work/stderr"
    exit 1
  fi
  export OSS_ENDPOINT OSS_ACCESS_KEY_ID OSS_ACCESS_KEY_SECRET OSS_BUCKET="$bucket"
  export BENCH_CHECKPOINT_DIR="$work/checkpoints"
}
