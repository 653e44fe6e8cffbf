#!/bin/sh
# Instruction counts per operation for every codec case, with valgrind's callgrind:
# only the `measured` loop of src/bin/prof.rs is counted (after one warm-up call).
# Writes target/icount.tsv (group, peer, instructions per operation).
# Usage: benches/callgrind.sh   (ITERS=n to change the loop count; default 20;
#        PROFILE=nolto for a build without LTO, written to target/icount-nolto.tsv)
set -eu
cd "$(dirname "$0")"
PROFILE=${PROFILE:-release}
CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} cargo build --profile "$PROFILE" --bin prof >/dev/null
BIN=target/$PROFILE/prof
ITERS=${ITERS:-20}
OUT=target/icount.tsv
[ "$PROFILE" = release ] || OUT=target/icount-$PROFILE.tsv
TMP=$(mktemp -d)
: > "$OUT"
./$BIN --list | while IFS='	' read -r group peer; do
	valgrind --tool=callgrind --toggle-collect='*measured*' \
		--callgrind-out-file="$TMP/cg" ./$BIN "$group" "$peer" "$ITERS" >/dev/null 2>"$TMP/err"
	ir=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$TMP/cg" | head -1)
	printf '%s\t%s\t%s\n' "$group" "$peer" "$((ir / ITERS))" | tee -a "$OUT"
done
rm -rf "$TMP"
