#!/usr/bin/env bash
# Builds the npm package oss-wasm into wasm/pkg/ (ESM, `--target web`) and prints its size.
# Installs what it needs, idempotently: the wasm32 target, the wasm-bindgen CLI of the version
# Cargo.lock pins, and binaryen's wasm-opt from npm (Debian's wasm-opt 108 emits modules that
# fail to load).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

# The CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
  echo "installing wasm-bindgen-cli $version"
  cargo install wasm-bindgen-cli --version "$version"
fi

# binaryen's wasm-opt; tsc and playwright-core for the checks of scripts/wasm-test.sh
# (wasm/package.json, locked).
if [ ! -x wasm/node_modules/.bin/wasm-opt ] || [ ! -x wasm/node_modules/.bin/tsc ] \
  || [ ! -d wasm/node_modules/playwright-core ] || [ ! -x wasm/node_modules/.bin/terser ]; then
  (cd wasm && npm ci --no-audit --no-fund)
fi

cargo build -p oss-wasm --target wasm32-unknown-unknown --profile wasm-release
rm -rf wasm/pkg
wasm-bindgen --target web --out-dir wasm/pkg \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/oss_wasm.wasm"
wasm/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  wasm/pkg/oss_wasm_bg.wasm -o wasm/pkg/oss_wasm_bg.wasm
# The JS glue minified (names of the exports kept: Client, initSync, default): −2.3 KB gzip.
wasm/node_modules/.bin/terser wasm/pkg/oss_wasm.js --module --compress --mangle \
  -o wasm/pkg/oss_wasm.min.js
mv wasm/pkg/oss_wasm.min.js wasm/pkg/oss_wasm.js
cp wasm/npm/package.json wasm/npm/README.md wasm/pkg/

# The size budget (DESIGN.md §7: ≤ 60 KB gzip for the .wasm and the JS glue together).
wasm_gz=$(gzip -9 -c wasm/pkg/oss_wasm_bg.wasm | wc -c)
js_gz=$(gzip -9 -c wasm/pkg/oss_wasm.js | wc -c)
printf 'oss-wasm: %s bytes wasm (%s gzip) + %s bytes JS glue (%s gzip) = %s bytes gzip\n' \
  "$(wc -c < wasm/pkg/oss_wasm_bg.wasm)" "$wasm_gz" "$(wc -c < wasm/pkg/oss_wasm.js)" "$js_gz" \
  "$((wasm_gz + js_gz))"
