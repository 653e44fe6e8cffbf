#!/usr/bin/env bash
# Runs libFuzzer targets for a bounded time on stable Rust (RUSTC_BOOTSTRAP=1).
# Usage: fuzz/run.sh [seconds-per-target] [target...]   (default 60 s, every target)
#   FUZZ_JOBS=n   fuzz n targets at once, one core each (default 1)
# Builds with optimizations, debug assertions and overflow checks (-O -a) and
# AddressSanitizer (cargo fuzz's default). Seeds are copied to a scratch corpus, so
# fuzzing never writes into fuzz/corpus/. Exits non-zero when a target fails (panic,
# out-of-memory above 2 GB, or one input running over 10 s); the input is left under
# fuzz/libfuzzer/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
jobs=${FUZZ_JOBS:-1}
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# The committed lock file must be current, so that building never rewrites a tracked file.
cargo metadata --locked --format-version 1 --manifest-path fuzz/libfuzzer/Cargo.toml >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz/libfuzzer)
fi
cargo fuzz build --fuzz-dir fuzz/libfuzzer -O -a
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Fuzzes one target; its output goes to $scratch/<target>.log, its exit status to
# $scratch/<target>.status.
fuzz_one() {
    local t=$1
    mkdir -p "$scratch/$t"
    cp -r fuzz/corpus/"$t"/. "$scratch/$t"/ 2>/dev/null || true
    set +e
    cargo fuzz run --fuzz-dir fuzz/libfuzzer -O -a "$t" "$scratch/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"$scratch/$t.log" 2>&1
    echo $? >"$scratch/$t.status"
}

for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        sleep 1
    done
    echo "== fuzzing $t for ${secs}s"
    fuzz_one "$t" &
done
wait

failed=()
for t in "${targets[@]}"; do
    echo "== $t"
    grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|peak_rss_mb|slowest_unit_time_sec)' \
        "$scratch/$t.log" || true
    if [ "$(cat "$scratch/$t.status")" -ne 0 ]; then
        failed+=("$t")
        tail -n 60 "$scratch/$t.log"
    fi
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz targets failed: ${failed[*]}; the inputs are under fuzz/libfuzzer/artifacts/" >&2
    exit 1
fi
