#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time on stable Rust (RUSTC_BOOTSTRAP=1).
# Usage: fuzz/run.sh [seconds-per-target] [target...]   (default 60 s, all targets)
# Seeds are copied to a scratch corpus so fuzzing never writes into fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz/libfuzzer)
fi
cargo fuzz build --fuzz-dir fuzz/libfuzzer -O
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
    mkdir -p "$scratch/$t"
    cp -r fuzz/corpus/"$t"/. "$scratch/$t"/ 2>/dev/null || true
    echo "== fuzzing $t for ${secs}s"
    cargo fuzz run --fuzz-dir fuzz/libfuzzer -O "$t" "$scratch/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
        | grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|cov:.*DONE|SUMMARY|panicked' || true
    if [ "${PIPESTATUS[0]}" -ne 0 ]; then
        echo "fuzz target $t failed; the crashing input is under fuzz/libfuzzer/artifacts/$t/" >&2
        exit 1
    fi
done
