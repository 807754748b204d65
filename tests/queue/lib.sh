# SPDX-License-Identifier: Apache-2.0
#
# tests/queue/lib.sh - shared by the queue scenario scripts (sourced): a
# temporary share with a small generated strategy CSV, waiting for a
# condition with a deadline, job-file writing, record reading, and the
# checks every scenario ends with (no job in two places, nothing stuck in
# processing/, no temporary file left).
PQ=${1:?usage: $0 PARQUANT_BINARY}
PQ=$(cd "$(dirname "$PQ")" && pwd)/$(basename "$PQ")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pq-queue.XXXXXX") || exit 1
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP" || exit 1
S=$TMP/share
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
ok() { echo "ok: $*"; }

"$PQ" generate strategies --strategies 40 --days 30 --seed 5 data.csv >/dev/null 2>&1 || { echo "cannot generate data"; exit 1; }
mkdir -p "$S/input" && cp data.csv "$S/input/data.csv"

# wait_for SECONDS CONDITION...: true once CONDITION holds, false at the deadline.
wait_for() {
    local limit=$1
    shift
    local end=$((SECONDS + limit))
    while [ $SECONDS -lt $end ]; do
        if "$@"; then return 0; fi
        sleep 0.1
    done
    "$@"
}

# job_file ID INPUT_FILE [EXTRA_MEMBERS]: write jobs/queue/ID.json atomically.
job_file() {
    mkdir -p "$S/jobs/queue"
    printf '{"job_id":"%s","input_file":"%s","portfolio_size":5,"job_type":"complete_optimization","timestamp":"now","algorithms":"hc,rs","effort":0.01%s}\n' \
        "$1" "$2" "${3:-}" >"$S/jobs/queue/.$1.tmp"
    mv "$S/jobs/queue/.$1.tmp" "$S/jobs/queue/$1.json"
}

# member FILE KEY: a top-level string or number member of a JSON record (node).
member() {
    node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const v=process.argv[2].split(".").reduce((o,k)=>o==null?o:o[k],r);process.stdout.write(v==null?"":String(v))' "$1" "$2"
}

in_state() { [ -f "$S/jobs/$2/$1.json" ]; }
count() { find "$S/jobs/$1" -maxdepth 1 -name '*.json' | wc -l; }

# The invariants after every scenario.
final_checks() {
    local stuck tmpf
    stuck=$(find "$S/jobs/processing" -mindepth 1 | wc -l)
    [ "$stuck" = 0 ] || fail "processing/ is not empty: $(ls "$S/jobs/processing")"
    tmpf=$(find "$S" -name '*.tmp-*' | wc -l)
    [ "$tmpf" = 0 ] || fail "temporary files left: $(find "$S" -name '*.tmp-*')"
    for f in "$S"/jobs/completed/*.json; do
        [ -e "$f" ] || continue
        local id
        id=$(basename "$f" .json)
        for d in queue failed processing; do
            [ -e "$S/jobs/$d/$id.json" ] && fail "$id is both completed and in $d/"
        done
    done
}

finish() {
    final_checks
    if [ "$failures" = 0 ]; then echo "PASS"; exit 0; fi
    echo "$failures failure(s)"
    for f in "$S"/logs/queue_*.log; do [ -e "$f" ] && tail -n 40 "$f"; done
    exit 1
}
