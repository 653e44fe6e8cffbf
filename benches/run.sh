#!/bin/sh
# One full run: every benchmark, the allocation and instruction counters, then the
# report (../BENCHMARKS.md, benchmarks.svg). Needs root (transport and route workloads
# use the live kernel and create network namespaces), valgrind, iproute2, libmnl-dev,
# and matplotlib (pip install -r requirements.txt).
#   benches/run.sh            full criterion settings
#   QUICK=1 benches/run.sh    --warm-up-time 1 --measurement-time 3
set -eu
cd "$(dirname "$0")"
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
ARGS=""
[ "${QUICK:-}" = 1 ] && ARGS="--warm-up-time 1 --measurement-time 3"
mkdir -p target
cargo bench --no-run
{
	echo "cpu:      $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores, $(lscpu | sed -n 's/^Hypervisor vendor: *//p' | sed 's/^\(.\)/under \1/'))"
	echo "kernel:   $(uname -r)"
	echo "rustc:    $(rustc -V)"
	echo "libmnl:   $(dpkg-query -W -f='${Version}' libmnl-dev 2>/dev/null || echo '?')"
	echo "iproute2: $(ip -V)"
	echo "profile:  release, fat LTO, codegen-units=1 (every Rust peer alike); C at -O2"
	echo "commit:   ${NLWIRE_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}"
	echo "run:      $(date -u +%Y-%m-%dT%H:%MZ), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > target/machine.txt
cat target/machine.txt
cargo bench --bench codec -- $ARGS
cargo bench --bench transport -- $ARGS
cargo bench --bench routes -- $ARGS
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> target/machine.txt
cargo run --release --bin interleave
cargo run --release --bin interleave -- --transport
cargo run --release --bin allocs
./callgrind.sh
PROFILE=nolto ./callgrind.sh
python3 report.py
