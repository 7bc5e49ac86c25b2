#!/usr/bin/env bash
# Runs every fuzz target for about 60 s each, one after the other, single
# process. CI runs it: .ci/run -> scripts/test.sh -> `fuzz/run-short.sh 45`.
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); no nightly:
# RUSTC_BOOTSTRAP=1 lets the stable toolchain take the -Z flags cargo-fuzz
# passes. Exits non-zero on the first crash.
# Usage: fuzz/run-short.sh [seconds-per-target]
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
export RUSTC_BOOTSTRAP=1
# -s none: imap-core is #![forbid(unsafe_code)]; the targets check panics,
# invariants and (session) peak heap. -a: debug assertions and overflow checks.
cargo fuzz build -a -s none
for t in framer parse session encode differential; do
    mkdir -p "corpus/$t"
    echo "== $t (${secs}s)"
    seeds="seeds/$t"
    # differential parses what parse does: the same seeds.
    if [ "$t" = differential ]; then seeds=seeds/parse; fi
    cargo fuzz run -a -s none "$t" "corpus/$t" "$seeds" -- \
        -dict=dicts/imap.dict -max_len=4096 -max_total_time="$secs" -print_final_stats=1
done
