#!/usr/bin/env bash
# Long check: runs each cargo-fuzz target for SECONDS (default 300) over its saved corpus and
# prints libFuzzer's last status line (executions, coverage). Needs the nightly toolchain;
# installs cargo-fuzz if missing. CI does not run this: core/tests/fuzz_corpus.rs replays the
# corpora on stable instead. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-300}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(listings error_bodies response_headers xml bucket_configs live_channels)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "== $t: ${seconds}s"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 \
    | grep -E '^#[0-9]+|Done [0-9]+ runs|panicked|ERROR|SUMMARY' | tail -2
done
# Keep the saved corpora small: only inputs that add coverage.
for t in "${targets[@]}"; do
  cargo +nightly fuzz cmin "$t" "corpus/$t" >/dev/null 2>&1 || true
  echo "corpus/$t: $(ls "corpus/$t" | wc -l) inputs after cmin"
done
