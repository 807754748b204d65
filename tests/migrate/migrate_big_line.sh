#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/migrate/migrate_big_line.sh - a universe that is one ~1 GB line
# (docs/migrate.md, "Errors": a file whose JSON is one huge line is streamed
# like any other):
#   (a) truncated 100 bytes before its end: migrate fails naming the byte
#       offset (near 1 GB), writes no Parquet, sidecar or candle file, keeps
#       the JSON, and its anonymous memory stays under 1 GiB;
#   (b) the same file complete: migrate succeeds (under 1 GiB too) and the
#       export equals the document in NECROZMA's formatting (json.dump,
#       indent=2) byte for byte - the source is compact (json.dumps), so the
#       expected text is generated beside it, streamed into cmp;
#   (c) a 300 MB string token with no closing quote: fails with the token
#       limit (256 MiB) and the byte where the token starts.
#
#   bash tests/migrate/migrate_big_line.sh PARQUANT_BINARY
#
# Memory: /proc/<pid>/status is polled every 50 ms; the peak of RssAnon (what
# the process allocated) is asserted, VmHWM (the kernel's high-water mark of
# the whole RSS) is printed: it also counts the pages of the input, which is
# read through a read-only mmap, clean file pages the kernel can drop at any
# time.  Without /proc the memory checks are skipped, with a message.
#
# Size: ~1 GB (3.7M candles) in ~1 minute in a Release build.  Under ASan
# (detected in the binary) the candle count is divided by 8 (or by
# PQ_BIG_LINE_DIVISOR), ~40 s, and the memory is printed but not asserted;
# (c) keeps its size: it must pass the limit.
# Needs node (as the interop tests do) to write the JSON.
set -u

PQ=${1:?usage: $0 PARQUANT_BINARY}
case "$PQ" in /*) ;; *) PQ=$PWD/$PQ ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
SAMPLE=$HERE/../../../shared/data/necrozma/EURUSD_2025_universe_5m_5lb.json
LIMIT_KB=$((1024 * 1024))

command -v node >/dev/null || { echo "migrate_big_line: node is needed to write the JSON" >&2; exit 1; }
[ -f "$SAMPLE" ] || { echo "migrate_big_line: no sample $SAMPLE" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pq-big-line.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

ASAN=0
grep -q -a -m 1 '__asan_init' "$PQ" && ASAN=1
DIVISOR=${PQ_BIG_LINE_DIVISOR:-$((ASAN ? 8 : 1))}
if [ "$ASAN" = 1 ]; then
    echo "migrate_big_line: AddressSanitizer build: candle count divided by $DIVISOR; memory measured, not asserted" \
        "(ASan's quarantine keeps freed buffers)"
fi
CANDLES=$((3700000 / DIVISOR))

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# The document, with Python's separators: compact = json.dumps (one line),
# pretty = json.dump(indent=2) as NECROZMA writes it.  The candles cycle
# through the sample's 30 (number texts as Python wrote them), each with its
# own 5-minute timestamp.
cat >gen.js <<'EOF'
const fs = require("fs");
const [mode, nText, sample] = process.argv.slice(2);
const n = Number(nText);
const text = fs.readFileSync(sample, "latin1");
const blocks = text.slice(text.indexOf('"ohlc_data": [') + 14, text.indexOf("\n  ],")).split(/\n    },?/)
    .map((b) => b.trim()).filter((b) => b.startsWith("{"))
    .map((b) => b.replace(/\n\s*"timestamp": "[^"]*",/, ""));
if (blocks.length !== 30) throw new Error("expected the 30 candles of the sample, found " + blocks.length);
const pretty = mode === "pretty";
const bodies = blocks.map((b) => pretty ? b.replace(/^\{/, "") + "\n    }"
                                        : b.replace(/^\{\s*/, "").replace(/,\n\s*/g, ", ") + "}");
const t0 = Date.UTC(2020, 0, 1);
const ts = (i) => { const s = new Date(t0 + i * 300000).toISOString(); return s.slice(0, 10) + " " + s.slice(11, 19) + "+00:00"; };
const out = (s) => fs.writeSync(1, s);
out(pretty ? '{\n  "name": "universe_big",\n  "config": {\n    "interval": 5,\n    "lookback": 5\n  },\n' +
             '  "processing_time": 1.5,\n  "total_patterns": 0,\n  "results": {},\n  "ohlc_data": ['
           : '{"name": "universe_big", "config": {"interval": 5, "lookback": 5}, "processing_time": 1.5, ' +
             '"total_patterns": 0, "results": {}, "ohlc_data": [');
let chunk = [];
for (let i = 0; i < n; i++) {
    chunk.push(pretty ? (i ? "," : "") + '\n    {\n      "timestamp": "' + ts(i) + '",' + bodies[i % 30]
                      : (i ? ", " : "") + '{"timestamp": "' + ts(i) + '", ' + bodies[i % 30]);
    if (chunk.length === 4096) { out(chunk.join("")); chunk = []; }
}
out(chunk.join(""));
out(pretty ? '\n  ],\n  "metadata": {\n    "total_candles": ' + n + '\n  }\n}'
           : '], "metadata": {"total_candles": ' + n + '}}');
EOF

# Run "$PQ" "$@" in the background with stdout/stderr to run.out/run.err,
# polling its memory; sets RC, ANON_KB (peak RssAnon) and HWM_KB (VmHWM).
measure() {
    "$PQ" "$@" >run.out 2>run.err &
    local pid=$! a h
    ANON_KB=0
    HWM_KB=0
    while [ -r "/proc/$pid/status" ]; do
        a=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
        h=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
        [ -n "$a" ] && [ "$a" -gt "$ANON_KB" ] && ANON_KB=$a
        [ -n "$h" ] && [ "$h" -gt "$HWM_KB" ] && HWM_KB=$h
        sleep 0.05
    done
    wait "$pid"
    RC=$?
}

check_memory() {
    local what=$1
    if [ "$ANON_KB" = 0 ]; then
        echo "  memory: not measured (no /proc/<pid>/status); check skipped"
        return
    fi
    echo "  memory: peak anonymous $((ANON_KB / 1024)) MiB, peak RSS (with the mapped input) $((HWM_KB / 1024)) MiB"
    [ "$ASAN" = 1 ] || [ "$ANON_KB" -lt "$LIMIT_KB" ] || fail "$what: peak anonymous memory $((ANON_KB / 1024)) MiB, not under 1 GiB"
}

no_outputs() {
    local what=$1 found
    found=$(find u -name '*.parquet' -o -name '*_metadata.json' -o -name '*.tmp-*')
    [ -z "$found" ] || fail "$what: files written: $found"
}

mkdir u
F=u/universe_big_5min_5lb.json
t=$(now)
node gen.js compact "$CANDLES" "$SAMPLE" >"$F" || { echo "migrate_big_line: node failed" >&2; exit 1; }
SIZE=$(stat -c %s "$F")
echo "migrate_big_line: $F: $CANDLES candles, $SIZE bytes on one line ($(grep -c '' "$F") line), written in $(since "$t")"

echo "(a) truncated 100 bytes before the end"
tail -c 100 "$F" >tail.bin
truncate -s $((SIZE - 100)) "$F"
t=$(now)
measure migrate --input u --jobs 1
echo "  exit $RC in $(since "$t"): $(grep FAILED run.err)"
[ "$RC" = 1 ] || fail "(a): exit $RC, expected 1"
grep -q "FAILED $F: .*unexpected end of input at byte $((SIZE - 100)) " run.err ||
    fail "(a): no failure naming $F and byte $((SIZE - 100)): $(cat run.err)"
[ "$(stat -c %s "$F")" = $((SIZE - 100)) ] || fail "(a): the JSON changed"
no_outputs "(a)"
check_memory "(a)"

echo "(b) the same file complete"
cat tail.bin >>"$F"
t=$(now)
measure migrate --input u --jobs 1
echo "  exit $RC in $(since "$t"): $(grep '^done' run.out)"
[ "$RC" = 0 ] || fail "(b): exit $RC, expected 0: $(cat run.err)"
[ -f u/universe_big_5min_5lb.parquet ] || fail "(b): no Parquet written"
check_memory "(b)"
t=$(now)
"$PQ" export u/universe_big_5min_5lb.parquet 2>export.err | cmp - <(node gen.js pretty "$CANDLES" "$SAMPLE")
cmp_rc=$?
echo "  export: $(cat export.err); compared with the json.dump text in $(since "$t")"
[ "$cmp_rc" = 0 ] || fail "(b): the export differs from the document in NECROZMA's formatting"
grep -q "^loaded from Parquet: u/universe_big_5min_5lb.parquet" export.err || fail "(b): export did not read the Parquet"
rm -rf u

echo "(c) a 300 MB string token without its closing quote"
mkdir u
{ printf '{"name": "'; head -c 300000000 /dev/zero | tr '\0' a; } >u/universe_str_5min_5lb.json
t=$(now)
measure migrate --input u --jobs 1
echo "  exit $RC in $(since "$t"): $(grep FAILED run.err)"
[ "$RC" = 1 ] || fail "(c): exit $RC, expected 1"
grep -q "FAILED u/universe_str_5min_5lb.json: .*at most 268435456 bytes.* at byte 9 " run.err ||
    fail "(c): no token-limit failure at byte 9: $(cat run.err)"
no_outputs "(c)"
check_memory "(c)"

if [ "$failures" -gt 0 ]; then
    echo "migrate_big_line: $failures checks FAILED"
    exit 1
fi
echo "migrate_big_line: ok"
