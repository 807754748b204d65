#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/migrate/migrate_kill.sh - `parquant migrate` killed with SIGKILL at
# random moments (docs/migrate.md, "Write" and "Delete"): whatever the
# moment, every JSON is intact (or, with --delete-json, gone only once its
# Parquet form exports byte-identical to it), no file under a final name is
# half-written, and the next run completes.
#
#   bash tests/migrate/migrate_kill.sh PARQUANT_BINARY [ITERATIONS] [SEED]
#
# A results tree is generated (`parquant generate necrozma --scale small`),
# a pristine copy and the sha256 of every JSON kept.  Each iteration puts
# back the JSON files an earlier iteration deleted (cp -p: same bytes and
# mtime, as if never touched), starts `migrate --all --jobs 2` (with
# --delete-json --yes on odd iterations, --force on three iterations out of
# four so that there is always work to interrupt), kills it with SIGKILL
# after a seeded random delay scaled to the time an uninterrupted run takes
# (so that the kills land mid-run in the ASan build too), and checks:
#   (a) each JSON is unchanged (sha256), or gone - only in a --delete-json
#       iteration - and then its Parquet form exports equal to the pristine
#       copy;
#   (b) every *.parquet under a final name passes `parquant validate`;
#   (c) every *_metadata.json sidecar parses as JSON (node; NECROZMA's bare
#       NaN/Infinity tokens read as null);
#   (d) every main Parquet file present exports equal to its pristine JSON
#       (a main file that exists is complete, and so is what it references);
#   (e) temporary files (*.tmp-XXXXXX) exist only right after a kill: the
#       next run removes them.
# Finally a run without a kill: exit 0, no temporary file left, and every
# pristine JSON's export (from Parquet) equals it.  Prints how many kills hit
# the run mid-write.  Exit status 0 when every check passed, 1 otherwise.
set -u
shopt -s nullglob

PQ=${1:?usage: $0 PARQUANT_BINARY [ITERATIONS] [SEED]}
case "$PQ" in /*) ;; *) PQ=$PWD/$PQ ;; esac
ITER=${2:-15}
SEED=${3:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
SAMPLES=$HERE/../../../shared/data/necrozma

command -v node >/dev/null || { echo "migrate_kill: node is needed to check the sidecars" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pq-migrate-kill.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# ------------------------------------------------------------ the tree
R=$TMP/root
if "$PQ" generate necrozma --root "$R" --scale small --seed 1 >gen.log 2>&1; then
    echo "migrate_kill: generated tree: $(find "$R" -name '*.json' | wc -l) JSON files, $(du -sk "$R" | cut -f1) KiB"
else
    # Without the generator: the samples, copied under 8 names each.
    echo "migrate_kill: parquant generate unavailable ($(head -n 1 gen.log)); using renamed copies of the samples"
    rm -rf "$R"
    mkdir -p "$R/universes" "$R/backtest_results/detailed_trades"
    for i in 1 2 3 4 5 6 7 8; do
        for lb in 5 10; do
            cp "$SAMPLES/EURUSD_2025_universe_5m_5lb.json" "$R/universes/P${i}_2025_universe_5m_${lb}lb.json"
        done
        cp "$SAMPLES/EURUSD_2025_universe_5m_5lb_backtest.json" "$R/backtest_results/P${i}_2025_universe_5m_5lb_backtest.json"
        cp "$SAMPLES/detailed_trades/ZScoreStatArb_P14_T2.0.json" "$R/backtest_results/detailed_trades/S${i}_P14_T2.0.json"
    done
    chmod -R u+w "$R"
fi
cp -a "$R" pristine
(cd pristine && find . -name '*.json' ! -name '*_metadata.json' | sort | xargs sha256sum) >json.sha256
N_JSON=$(wc -l <json.sha256)
[ "$N_JSON" -ge 20 ] || { echo "migrate_kill: only $N_JSON JSON files"; exit 1; }

# The time an uninterrupted run takes, on a scratch copy: the kill delays
# are spread over it (0.01 s .. that time, at least 0.05 s; ~0.25 s in a
# Release build, some seconds under ASan), so that kills land all along.
cp -a pristine calib
t0=$(date +%s.%N)
"$PQ" migrate --all --root calib --jobs 2 --force >/dev/null 2>&1
t1=$(date +%s.%N)
rm -rf calib
HI=$(awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; if (d < 0.05) d = 0.05; printf "%.3f", d }')
echo "migrate_kill: an uninterrupted run takes $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s; kill delays 0.01..$HI s, seed $SEED"

# ---------------------------------------------------------- the checks
stems() { sed -E 's/^[0-9a-f]+  \.\///; s/\.json$//' json.sha256; }

# (a) JSON intact or, when deletion was allowed, gone with an exact Parquet form.
check_json() {
    local deleting=$1 stem
    while read -r stem; do
        if [ -f "$R/$stem.json" ]; then
            continue
        elif [ "$deleting" = 0 ]; then
            fail "$stem.json disappeared without --delete-json"
        elif [ ! -f "$R/$stem.parquet" ]; then
            fail "$stem.json deleted but $stem.parquet missing"
        else
            "$PQ" export "$R/$stem.parquet" --output out.json 2>/dev/null || fail "$stem.json deleted; export of its Parquet failed"
            cmp -s out.json "pristine/$stem.json" || fail "$stem.json deleted; its Parquet exports something else"
        fi
    done < <(stems)
    local present
    present=$(cd "$R" && while read -r sum path; do [ -f "$path" ] && echo "$sum  $path"; done <"$TMP/json.sha256")
    if [ -n "$present" ]; then
        (cd "$R" && sha256sum -c --quiet <<<"$present") || fail "a JSON file changed"
    fi
}

# (b) complete Parquet files under final names.
check_parquet() {
    local files
    files=$(find "$R" -name '*.parquet')
    [ -z "$files" ] && return
    # shellcheck disable=SC2086
    "$PQ" validate $files >validate.out 2>&1 || fail "validate: $(grep -v ': ok, ' validate.out | head -n 3)"
}

# (c) complete sidecars.
check_sidecars() {
    local list
    list=$(find "$R" -name '*_metadata.json')
    [ -z "$list" ] && return
    # shellcheck disable=SC2086
    node -e '
        const fs = require("fs");
        let bad = 0;
        for (const f of process.argv.slice(1)) {
            const text = fs.readFileSync(f, "utf8").replace(/(-?Infinity|NaN)(?=\s*[,\]}])/g, "null");
            try { JSON.parse(text); } catch (e) { console.log("bad sidecar " + f + ": " + e.message); bad++; }
        }
        process.exit(bad ? 1 : 0);' $list || fail "incomplete sidecar"
}

# (d) every main Parquet file present is complete with its side files.
check_main_files() {
    local stem
    while read -r stem; do
        [ -f "$R/$stem.parquet" ] || continue
        if ! "$PQ" export "$R/$stem.parquet" --output out.json 2>err.txt; then
            fail "$stem.parquet present but export fails: $(head -n 1 err.txt)"
        elif grep -q "^loaded from Parquet" err.txt && ! cmp -s out.json "pristine/$stem.json"; then
            fail "$stem.parquet exports something else than its JSON"
        fi
    done < <(stems)
}

temps() { find "$R" -name '*.tmp-??????' | wc -l; }

# ------------------------------------------------------------ the loop
RANDOM=$SEED
mid_write=0
mid_run=0
for i in $(seq 1 "$ITER"); do
    # Put back what the last iteration deleted, bytes and mtime as before.
    while read -r stem; do
        [ -f "$R/$stem.json" ] || cp -p "pristine/$stem.json" "$R/$stem.json"
    done < <(stems)
    opts=(--all --root "$R" --jobs 2)
    deleting=0
    if [ $((i % 2)) = 1 ]; then opts+=(--delete-json --yes); deleting=1; fi
    if [ $((i % 4)) != 0 ]; then opts+=(--force); fi
    delay=$(awk -v r="$RANDOM" -v hi="$HI" 'BEGIN { printf "%.3f", 0.01 + (hi - 0.01) * r / 32767 }')
    "$PQ" migrate "${opts[@]}" >run.log 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    n_tmp=$(temps)
    state="finished (exit $rc)"
    if [ "$rc" = 137 ]; then
        mid_run=$((mid_run + 1))
        state="killed"
    elif [ "$rc" != 0 ]; then
        fail "iteration $i: migrate exited $rc before the kill: $(grep -m 1 -i 'fail\|error' run.log)"
    fi
    [ "$n_tmp" -gt 0 ] && mid_write=$((mid_write + 1))
    [ "$n_tmp" -gt 0 ] && [ "$rc" != 137 ] && fail "iteration $i: $n_tmp temporary files after a run that was not killed"
    echo "iteration $i: ${opts[*]:3} after ${delay}s: $state, $n_tmp temporary files, $(find "$R" -name '*.json' ! -name '*_metadata.json' | wc -l) JSON left"
    check_json "$deleting"
    check_parquet
    check_sidecars
    check_main_files
done

# ------------------------------------------------------- the last run
"$PQ" migrate --all --root "$R" --jobs 2 >run.log 2>&1
rc=$?
left=$(find "$R" -name '*.json' ! -name '*_metadata.json' | wc -l)
if [ "$left" -gt 0 ]; then
    [ "$rc" = 0 ] || fail "final run: exit $rc: $(grep -v '^done\|^skipped' run.log | head -n 3)"
else # everything was deleted by the last iteration: nothing to migrate
    [ "$rc" = 1 ] && grep -q "nothing to migrate" run.log || fail "final run without JSON: exit $rc"
fi
[ "$(temps)" = 0 ] || fail "temporary files left after the final run: $(find "$R" -name '*.tmp-??????' | head -n 3)"
exported=0
while read -r stem; do
    if ! "$PQ" export "$R/$stem" --output out.json 2>err.txt; then
        fail "final export of $stem: $(head -n 1 err.txt)"
        continue
    fi
    grep -q "^loaded from Parquet" err.txt || fail "final export of $stem: $(cat err.txt)"
    cmp -s out.json "pristine/$stem.json" || fail "final export of $stem differs from the pristine JSON"
    exported=$((exported + 1))
done < <(stems)
check_json 1
check_parquet
check_sidecars

echo "migrate_kill: $ITER kills, $mid_run while migrate was running, $mid_write mid-write (temporary files present);" \
    "final run exit $rc, $exported/$N_JSON exports equal to the pristine JSON"
if [ "$failures" -gt 0 ]; then
    echo "migrate_kill: $failures checks FAILED"
    exit 1
fi
echo "migrate_kill: ok"
