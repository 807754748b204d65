#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/queue/queue_concurrent.sh PARQUANT - two processors (two workers
# each) on one share while four submitters queue five jobs each at the
# same time: every job completes exactly once (one "started" event per job
# id across both processors' logs, one record, an output folder with the
# report), `submit --wait` prints the output folder, and `jobs` lists them.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

"$PQ" queue --root "$S" --workers 2 --poll-interval 0.2 --quiet 2>p1.err &
PIDS+=($!)
"$PQ" queue --root "$S" --workers 2 --poll-interval 0.2 --quiet 2>p2.err &
PIDS+=($!)

for s in 1 2 3 4; do
    (
        for j in 1 2 3 4 5; do
            "$PQ" submit --root "$S" --input data.csv --portfolio-size 5 --algorithms hc,rs --effort 0.01 \
                --seed $((s * 10 + j)) --job-id "c${s}_${j}" >/dev/null 2>>"submit$s.err" || echo "submit $s $j failed" >>"submit$s.err"
        done
    ) &
done
wait_for 5 test -e "$S/jobs/queue" || true
# one more, followed to the end
"$PQ" submit --root "$S" --input data.csv --portfolio-size 5 --algorithms hc --effort 0.01 --job-id waited \
    --wait --timeout 120 --poll-interval 0.2 >wait.out 2>wait.err
rc=$?
[ $rc = 0 ] || fail "submit --wait exited $rc: $(cat wait.err)"
grep -q "output/waited$" wait.out || fail "submit --wait did not print the output folder: $(cat wait.out)"
grep -q "completed in" wait.err || fail "submit --wait did not report completion: $(cat wait.err)"

all_done() { [ "$(count completed)" = 21 ]; }
wait_for 180 all_done || fail "not all 21 jobs completed: $(count completed) completed, $(count failed) failed, $(count queue) queued"
for f in submit*.err; do grep -q failed "$f" && fail "a submitter failed: $(cat "$f")"; done

# exactly once: one "started" per job id over both processors
dups=$(cat "$S"/logs/queue_*.log | awk '$3 == "started" {print $4}' | sort | uniq -d)
[ -z "$dups" ] || fail "jobs started more than once: $dups"
started=$(cat "$S"/logs/queue_*.log | awk '$3 == "started"' | wc -l)
[ "$started" = 21 ] || fail "expected 21 starts, found $started"
procs=$(cat "$S"/logs/queue_*.log | awk '$3 == "started" {print $2}' | sort -u | wc -l)
[ "$procs" = 2 ] || echo "note: only $procs processor(s) took jobs"
for s in 1 2 3 4; do
    for j in 1 2 3 4 5; do
        id=c${s}_${j}
        [ -f "$S/output/$id/execution_summary.json" ] || fail "$id: no report in output/$id"
        [ "$(member "$S/jobs/completed/$id.json" attempts)" = 1 ] || fail "$id: attempts is not 1"
        [ -n "$(member "$S/jobs/completed/$id.json" best.algorithm)" ] || fail "$id: no best algorithm in the record"
    done
done
"$PQ" jobs --root "$S" >jobs.out || fail "jobs exited non-zero"
[ "$(grep -c '^completed' jobs.out)" = 21 ] || fail "jobs lists $(grep -c '^completed' jobs.out) completed jobs, not 21"
# one CSV, one Parquet copy
[ "$(ls "$S/data/parquet" | grep -c '\.parquet$')" = 1 ] || fail "the CSV was converted more than once: $(ls "$S/data/parquet")"
ok "21 jobs, 2 processors, each job once"
finish
