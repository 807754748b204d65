#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/queue/queue_faults.sh PARQUANT EIO_SHIM - what goes wrong on a queue, one
# scenario at a time, each asserting where the job ends and why:
#   1. bad jobs: unparsable files, a missing member, an id that differs from
#      the file name, path traversal ("..", absolute, a symlink out of
#      input/), a missing input, a malformed CSV -> failed/ with the reason;
#   2. a timeout kills the job's processes and fails it;
#   3. SIGKILL of the processor mid-job: the job stays in processing/, its
#      process dies too, and the next processor re-runs it (attempt 2);
#   4. a job claimed by a processor on another machine that stopped: taken
#      back after the lease, and completed;
#   5. a full disk (a file-size limit makes the writes fail): the job is
#      re-queued with its error, not lost, and completes later;
#   6. a read error on the claimed job file (EIO from an LD_PRELOAD shim):
#      the job goes back to the queue unchanged and runs on the next try;
#   7. SIGTERM: the running job goes back to the queue, attempt not counted.
HERE=$(cd "$(dirname "$0")" && pwd)
SHIM=${2:-}
[ -n "$SHIM" ] && [ -f "$SHIM" ] && SHIM=$(cd "$(dirname "$SHIM")" && pwd)/$(basename "$SHIM")
. "$HERE/lib.sh"

reason() { member "$S/jobs/failed/$1.json" reason; }
expect_failed() { # ID SUBSTRING
    if ! in_state "$1" failed; then fail "$1: not in failed/"; return; fi
    case "$(reason "$1")" in *"$2"*) ok "$1 failed: $(reason "$1")" ;; *) fail "$1: reason '$(reason "$1")' lacks '$2'" ;; esac
}
no_job_process() { ! pgrep -f -- "--root $S" >/dev/null; }

# ------------------------------------------------------------ 1. bad jobs
mkdir -p "$S/jobs/queue" outside
echo 'Date,Day,a' >outside/secret.csv
ln -s "$TMP/outside/secret.csv" "$S/input/link.csv"
printf 'Date,Day,s1,s2\n2024-01-04,Thursday,1,x\n' >"$S/input/bad.csv"
echo 'this is not json' >"$S/jobs/queue/garbage.json"
echo '{"job_id":"nosize","input_file":"data.csv","job_type":"complete_optimization","timestamp":"t"}' >"$S/jobs/queue/nosize.json"
job_file other-name data.csv
mv "$S/jobs/queue/other-name.json" "$S/jobs/queue/renamed.json"
job_file dotdot ../outside/secret.csv
job_file absolute /etc/passwd.csv
job_file symlink link.csv
job_file missing nothere.csv
job_file badcsv bad.csv
job_file badalg data.csv ',"algorithms":"ga,xyz"'
job_file unknown data.csv ',"colour":"blue"'
"$PQ" queue --root "$S" --once --quiet --poll-interval 0.1 2>once.err
[ $? = 0 ] || fail "queue --once exited non-zero: $(cat once.err)"
expect_failed garbage "invalid job file"
expect_failed nosize '"portfolio_size" is missing'
expect_failed renamed "differs from the file's name"
expect_failed dotdot "'..'"
expect_failed absolute "absolute path"
expect_failed symlink "outside input/"
expect_failed missing "no such file"
expect_failed badcsv "parquant"
expect_failed badalg "xyz"
in_state unknown completed && ok "unknown member kept, job completed" || fail "the job with an unknown member did not complete"
[ "$(member "$S/jobs/completed/unknown.json" unknown_fields)" = colour ] || fail "unknown_fields does not list colour"
[ "$(member "$S/jobs/completed/unknown.json" job.colour)" = blue ] || fail "the unknown member was not kept in the record"
[ -z "$(member "$S/jobs/failed/garbage.json" job.raw | grep 'this is not json')" ] && fail "the unparsable file's text is not in its record"
[ -f outside/secret.csv ] || fail "the file outside input/ was touched"

# ------------------------------------------------------------- 2. timeout
job_file slow data.csv ',"effort":100000,"algorithms":"hc"'
start=$SECONDS
"$PQ" queue --root "$S" --once --quiet --poll-interval 0.1 --job-timeout 1 2>/dev/null
expect_failed slow "timed out after 1 s"
[ $((SECONDS - start)) -lt 30 ] || fail "the timeout took $((SECONDS - start)) s"
wait_for 5 no_job_process || fail "a job process survived its timeout"

# --------------------------------------------------- 3. SIGKILL mid-job
job_file killed data.csv ',"effort":100000,"algorithms":"hc","time_budget":2'
"$PQ" queue --root "$S" --quiet --poll-interval 0.1 2>/dev/null &
victim=$!
PIDS+=($victim)
wait_for 30 grep -q "started killed" "$S"/logs/queue_*.log || fail "the job did not start"
sleep 0.5
kill -KILL $victim
wait $victim 2>/dev/null
in_state killed processing && ok "after SIGKILL the job is still in processing/" || fail "after SIGKILL the job is not in processing/"
wait_for 5 no_job_process || fail "the job's process outlived its killed processor"
"$PQ" queue --root "$S" --once --quiet --poll-interval 0.1 2>/dev/null
if in_state killed completed; then
    [ "$(member "$S/jobs/completed/killed.json" attempts)" = 2 ] && ok "recovered and completed at attempt 2" ||
        fail "killed: attempts $(member "$S/jobs/completed/killed.json" attempts), not 2"
else
    fail "the killed job was not recovered"
fi
grep -q "recovered killed" "$S"/logs/queue_*.log || fail "no recovered event in the log"

# ----------------------------------- 4. a lease held by a stopped machine
job_file foreign data.csv
sed -i 's/}$/,"attempts":1}/' "$S/jobs/queue/foreign.json"
mv "$S/jobs/queue/foreign.json" "$S/jobs/processing/foreign.json"
echo '{"processor":"elsewhere:1","host":"elsewhere","pid":1,"lease_s":1,"claimed_at":"then"}' >"$S/jobs/processing/foreign.lease"
start=$SECONDS
"$PQ" queue --root "$S" --quiet --poll-interval 0.1 --lease 1 2>/dev/null &
PIDS+=($!)
wait_for 60 in_state foreign completed || fail "the job of the stopped machine was not taken back"
in_state foreign completed && [ "$(member "$S/jobs/completed/foreign.json" attempts)" = 2 ] && ok "foreign lease expired, job completed at attempt 2"
kill -TERM "${PIDS[-1]}"
wait "${PIDS[-1]}"
[ $? = 0 ] || fail "the processor did not exit 0 on SIGTERM"

# ------------------------------------------------------------ 5. full disk
S_MAIN=$S
S=$TMP/share2
mkdir -p "$S/input" && cp data.csv "$S/input/data.csv"
job_file full data.csv
(ulimit -f 4 && "$PQ" queue --root "$S" --once --quiet --poll-interval 0.1 --retry-delay 1 2>/dev/null)
if in_state full queue; then
    ok "after the write failure the job is queued again: $(member "$S/jobs/queue/full.json" last_error)"
    [ "$(member "$S/jobs/queue/full.json" attempts)" = 1 ] || fail "full: attempts is not 1"
    [ -n "$(member "$S/jobs/queue/full.json" retry_after)" ] || fail "full: no retry_after"
else
    fail "after the write failure the job is not in queue/ ($(ls "$S"/jobs/*/))"
fi
sleep 1.5
"$PQ" queue --root "$S" --once --quiet --poll-interval 0.1 2>/dev/null
in_state full completed && ok "the job completed once the disk had room" || fail "the job did not complete after the disk had room"
final_checks

# ----------------------------------------------------------- 6. read error
# The claimed job file cannot be read (EIO, injected by the shim given as
# the second argument): the job goes back to the queue untouched, not to
# failed/ with its contents lost, and runs on the next try.
if [ -n "$SHIM" ] && [ -f "$SHIM" ]; then
    job_file eio data.csv
    LD_PRELOAD=$SHIM PQ_EIO_MATCH=/jobs/processing/eio.json PQ_EIO_TIMES=1 \
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
        "$PQ" queue --root "$S" --once --quiet --poll-interval 0.1 2>/dev/null
    if in_state eio queue; then
        [ "$(member "$S/jobs/queue/eio.json" attempts)" = "" ] && ok "after a read error the job is back in queue/ untouched" ||
            fail "eio: the job file was changed: $(cat "$S/jobs/queue/eio.json")"
        grep -q "claim-error.*Input/output error" "$S"/logs/queue_*.log || fail "eio: no claim-error in the log"
    else
        fail "after a read error the job is not in queue/ ($(ls "$S"/jobs/*/))"
    fi
    "$PQ" queue --root "$S" --once --quiet --poll-interval 0.1 2>/dev/null
    in_state eio completed && ok "the job completed once it could be read" || fail "eio: not completed on the next run"
    final_checks
else
    fail "no EIO shim given (second argument): the read-error scenario did not run"
fi
S=$S_MAIN

# --------------------------------------------------------------- 7. SIGTERM
job_file termed data.csv ',"effort":100000,"algorithms":"hc","time_budget":20'
"$PQ" queue --root "$S" --quiet --poll-interval 0.1 2>/dev/null &
p=$!
PIDS+=($p)
wait_for 30 grep -q "started termed" "$S"/logs/queue_*.log || fail "the job did not start"
start=$SECONDS
kill -TERM $p
wait $p
rc=$?
[ $rc = 0 ] || fail "SIGTERM: exit $rc"
[ $((SECONDS - start)) -lt 15 ] || fail "SIGTERM took $((SECONDS - start)) s"
if in_state termed queue; then
    [ "$(member "$S/jobs/queue/termed.json" attempts)" = 0 ] && ok "SIGTERM: job re-queued, attempt not counted" ||
        fail "SIGTERM: attempts $(member "$S/jobs/queue/termed.json" attempts), not 0"
else
    fail "SIGTERM: the job is not back in queue/"
fi
wait_for 5 no_job_process || fail "the job's process outlived SIGTERM"
finish
