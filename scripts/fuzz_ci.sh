#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/fuzz_ci.sh - bounded libFuzzer run of every parser target, as run by
# `make test` (through `make fuzz-ci`) and, longer, by `make fuzz`.
#
#   scripts/fuzz_ci.sh [TARGET...]        default: every fuzz/fuzz_<name>.c
#   FUZZ_SECONDS=30   time per target (libFuzzer -max_total_time)
#   FUZZ_BUILD=build-fuzz                 build folder (clang, -DPQ_FUZZ=ON: ASan + UBSan + libFuzzer)
#   FUZZ_KEEP=0       1 = keep the inputs found in $FUZZ_BUILD/work/<name> and reuse them next run
#
# Steps: configure and build the fuzz targets with clang; then, one target at
# a time (the machine's cores are shared), run it for FUZZ_SECONDS seeded with
# fuzz/corpus/<name> and fuzz/regress/<name> and, for the Parquet parsers, the
# parquet-testing corpus (../shared/parquet-testing: whole files <= 64 KiB for
# reader, their footers for footer, their first page headers for
# page_header).  Seed folders are only read: libFuzzer writes new inputs into
# a scratch folder under $FUZZ_BUILD/work, never into the repository.
#
# A crash, sanitizer report, leak, timeout (-timeout=10 s per input) or
# out-of-memory (-rss_limit_mb=2048) makes the script fail, naming the target
# and the saved input (crash-*, leak-*, timeout-*, oom-* in
# $FUZZ_BUILD/artifacts/<name>/).  To turn it into a regression test, copy
# it to fuzz/regress/<name>/<what-it-is> (see docs/fuzzing.md).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SECONDS_PER=${FUZZ_SECONDS:-30}
BUILD=${FUZZ_BUILD:-build-fuzz}
KEEP=${FUZZ_KEEP:-0}
SHARED=${PQ_SHARED_DIR:-$ROOT/../shared}/parquet-testing
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

if [ $# -gt 0 ]; then
    TARGETS=("$@")
else
    TARGETS=()
    for f in fuzz/fuzz_*.c; do
        n=${f#fuzz/fuzz_}
        TARGETS+=("${n%.c}")
    done
fi

CC_BIN=${CC:-clang}
case "$CC_BIN" in *clang*) ;; *) CC_BIN=clang ;; esac
command -v "$CC_BIN" >/dev/null || { echo "fuzz_ci.sh: clang not found (run scripts/setup.sh)" >&2; exit 1; }

# ---------------------------------------------------------------- build
BUILD_LOG="$BUILD/fuzz-build.log"
mkdir -p "$BUILD"
if ! CC="$CC_BIN" cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPQ_FUZZ=ON >"$BUILD_LOG" 2>&1 ||
   ! cmake --build "$BUILD" -j "$JOBS" --target $(printf 'fuzz_%s ' "${TARGETS[@]}") -- --no-print-directory \
        >>"$BUILD_LOG" 2>&1; then
    echo "fuzz_ci.sh: building the fuzz targets failed:" >&2
    tail -n 40 "$BUILD_LOG" >&2
    exit 1
fi

# ----------------------------------------------------- parquet-testing seeds
# Built once into $BUILD/seeds/<kind>; the shared corpus itself is never written.
SEEDS="$BUILD/seeds"
make_seeds() {
    rm -rf "$SEEDS"
    mkdir -p "$SEEDS/files" "$SEEDS/footers" "$SEEDS/page_headers"
    [ -d "$SHARED" ] || return 0
    local f b len flen
    while IFS= read -r -d '' f; do
        b=$(echo "${f#"$SHARED"/}" | tr '/' '_')
        len=$(stat -c %s "$f")
        if [ "$len" -le 65536 ]; then cp "$f" "$SEEDS/files/$b"; fi
        [ "$len" -ge 12 ] || continue
        # FileMetaData: the footer length is the u32 LE before the final magic.
        # (No early-closing readers in these pipes: SIGPIPE would trip pipefail.)
        flen=$(od -An -tu4 -j $((len - 8)) -N 4 "$f" | tr -d ' ')
        if [ "$flen" -gt 0 ] && [ $((flen + 12)) -le "$len" ] && [ "$flen" -le 65536 ]; then
            head -c $((len - 8)) "$f" | tail -c "$flen" >"$SEEDS/footers/$b"
        fi
        # The first page header starts right after "PAR1".
        head -c 260 "$f" | tail -c +5 >"$SEEDS/page_headers/$b"
    done < <(find "$SHARED/data" "$SHARED/bad_data" -type f -name '*.parquet*' -print0 2>/dev/null)
}
make_seeds

extra_seeds() {
    case "$1" in
    reader) echo "$SEEDS/files" ;;
    footer) echo "$SEEDS/footers" ;;
    page_header) echo "$SEEDS/page_headers" ;;
    esac
}

# ------------------------------------------------------------------- run
FAILED=()
TOTAL_EXECS=0
for t in "${TARGETS[@]}"; do
    exe="$BUILD/fuzz/fuzz_$t"
    [ -x "$exe" ] || { echo "fuzz_ci.sh: no target fuzz_$t" >&2; FAILED+=("$t (missing)"); continue; }
    work="$BUILD/work/$t"
    art="$BUILD/artifacts/$t"
    [ "$KEEP" = 1 ] || rm -rf "$work"
    mkdir -p "$work" "$art"
    dirs=("$work")
    for d in "fuzz/corpus/$t" "fuzz/regress/$t" $(extra_seeds "$t"); do
        [ -d "$d" ] && dirs+=("$d")
    done
    log="$BUILD/fuzz-$t.log"
    set +e
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$exe" -max_total_time="$SECONDS_PER" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$art/" "${dirs[@]}" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    execs=${execs:-0}
    TOTAL_EXECS=$((TOTAL_EXECS + execs))
    if [ $rc -ne 0 ]; then
        found=$(grep -o "Test unit written to [^ ]*" "$log" | sed 's/Test unit written to //' | tail -1)
        echo "fuzz $t: FAILED (exit $rc) after $execs runs; input: ${found:-see $log}" >&2
        grep -m1 -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY:" "$log" >&2 || true
        echo "  log: $log" >&2
        FAILED+=("$t")
    else
        echo "fuzz $t: ok, $execs runs in ${SECONDS_PER}s"
    fi
done

echo "fuzz: ${#TARGETS[@]} targets, $TOTAL_EXECS runs in all"
if [ ${#FAILED[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${FAILED[*]} (reproduce: $BUILD/fuzz/fuzz_<name> <input>; docs/fuzzing.md)" >&2
    exit 1
fi
