#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/cli/run.sh - runner of the scripted CLI tests, after zstd's
# tests/cli-tests: each case is tests/cli/cases/<name>.sh plus the files that
# say what it must produce:
#   <name>.exit          expected exit status (a number; missing = 0)
#   <name>.stdout.exact  expected standard output, byte for byte
#   <name>.stdout.glob   or: a pattern the whole output must match
#   <name>.stderr.exact  expected standard error, byte for byte
#   <name>.stderr.glob   or: a pattern (for text holding checksums, offsets
#                        that vary with the writer, or wording still open)
# A stream with neither file is not checked.  Patterns are bash [[ == ]]
# patterns, extglob included: * ? [...] +([0-9]) !(*.tmp*); write \[ \] \*
# \? \\ for those characters themselves.  * also matches newlines.
#
#   tests/cli/run.sh PARQUANT_BINARY [CASE...]     (default: every case)
#
# Each case runs under `bash -o pipefail` in a fresh empty temporary folder
# (its working directory; cases use relative paths in it so that messages are
# stable) with PQ=<binary>, DATA=<repo>/tests/cli/data, SHARED=<repo>/../shared
# and LC_ALL=C, and at most PQ_CLI_TIMEOUT seconds (default 60).  Captured
# output lives outside that folder, so a case may `ls -a` it.  As a second
# guard, the absolute paths of the folder, of DATA and of SHARED are
# rewritten to $WORK, $DATA and $SHARED in the captured text.
#
# Prints "ok NAME" or "FAIL NAME" with the reason and a unified diff per case,
# then "N passed, M failed"; exits 1 when any case failed, 2 on bad usage.
# PQ_CLI_KEEP=1 keeps the temporary folders of failed cases for inspection.
# PQ_CLI_UPDATE=1 rewrites the .exit and the existing .exact files of the
# cases run with what they produced now (glob files are left alone): for an
# intended change of output; review the diff before committing it.
set -u
shopt -s extglob

usage() {
    echo "usage: $0 PARQUANT_BINARY [CASE...]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
case "$1" in
/*) PQ_BIN=$1 ;;
*) PQ_BIN=$PWD/$1 ;;
esac
shift
[ -x "$PQ_BIN" ] || { echo "$0: '$PQ_BIN' is not an executable file" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CASES=$HERE/cases
DATA=$HERE/data
SHARED=$REPO/../shared
[ -d "$SHARED" ] && SHARED=$(cd "$SHARED" && pwd)
TIMEOUT=${PQ_CLI_TIMEOUT:-60}

# Set variable $1 to the text of file $2, trailing newlines included (the
# marker x keeps $(...) from stripping them).
read_into() {
    local text_
    text_=$(cat "$2"; printf x)
    printf -v "$1" '%s' "${text_%x}"
}

# Rewrite absolute paths in captured file $1 ($2 = the case's work folder).
stabilize() {
    local s
    read_into s "$1"
    s=${s//"$2"/\$WORK}
    s=${s//"$DATA"/\$DATA}
    s=${s//"$SHARED"/\$SHARED}
    printf '%s' "$s" >"$1"
}

# Compare captured stream $2 (stdout|stderr) of case $1 in $3; prints the
# reason and a diff, returns 1 on mismatch.
check_stream() {
    local name=$1 stream=$2 actual=$3/$2
    if [ -f "$CASES/$name.$stream.exact" ]; then
        if ! cmp -s "$CASES/$name.$stream.exact" "$actual"; then
            echo "  $stream differs from $name.$stream.exact:"
            diff -u --label "expected $stream" --label "actual $stream" \
                "$CASES/$name.$stream.exact" "$actual" | sed 's/^/    /'
            return 1
        fi
    elif [ -f "$CASES/$name.$stream.glob" ]; then
        local pat text
        read_into pat "$CASES/$name.$stream.glob"
        read_into text "$actual"
        # shellcheck disable=SC2053  # the pattern is meant to be a glob
        if [[ $text != $pat ]]; then
            echo "  $stream does not match $name.$stream.glob:"
            diff -u --label "pattern" --label "actual $stream" \
                "$CASES/$name.$stream.glob" "$actual" | sed 's/^/    /'
            return 1
        fi
    fi
    return 0
}

# Run one case; prints its verdict, returns 0 when it passed.
run_case() {
    local name=${1%.sh}
    name=${name##*/}
    local script=$CASES/$name.sh
    if [ ! -f "$script" ]; then
        echo "FAIL $name"
        echo "  no such case: $script"
        return 1
    fi
    local tmp
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/pq-cli-$name.XXXXXX") || return 1
    mkdir "$tmp/work"
    local work
    work=$(cd "$tmp/work" && pwd -P)
    (
        cd "$work" || exit 99
        export PQ="$PQ_BIN" DATA="$DATA" SHARED="$SHARED" LC_ALL=C
        if command -v timeout >/dev/null; then
            exec timeout -k 5 "$TIMEOUT" bash -o pipefail "$script"
        fi
        exec bash -o pipefail "$script"
    ) </dev/null >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$?
    stabilize "$tmp/stdout" "$work"
    stabilize "$tmp/stderr" "$work"

    local stream out
    if [ "${PQ_CLI_UPDATE:-0}" = 1 ]; then
        for stream in stdout stderr; do
            [ -f "$CASES/$name.$stream.exact" ] && cp "$tmp/$stream" "$CASES/$name.$stream.exact"
        done
        echo "$rc" >"$CASES/$name.exit"
    fi

    local expected_rc=0 report=""
    [ -f "$CASES/$name.exit" ] && expected_rc=$(tr -d ' \t\r\n' <"$CASES/$name.exit")
    if [ "$rc" != "$expected_rc" ]; then
        report="  exit status $rc, expected $expected_rc"
        [ "$rc" = 124 ] && report="$report (timed out after ${TIMEOUT}s)"
        [ "$rc" -gt 128 ] && [ "$rc" != 124 ] && report="$report (killed by signal $((rc - 128)))"
        report="$report"$'\n'
    fi
    for stream in stdout stderr; do
        out=$(check_stream "$name" "$stream" "$tmp")
        [ -n "$out" ] && report="$report$out"$'\n'
    done
    if [ -z "$report" ]; then
        echo "ok $name"
        rm -rf "$tmp"
        return 0
    fi
    echo "FAIL $name"
    printf '%s\n' "${report%$'\n'}"
    if [ "${PQ_CLI_KEEP:-0}" = 1 ]; then
        echo "  kept $tmp"
    else
        # on a failure whose stream is not checked, show it anyway
        if [ ! -f "$CASES/$name.stderr.exact" ] && [ ! -f "$CASES/$name.stderr.glob" ] && [ -s "$tmp/stderr" ]; then
            echo "  stderr (not checked):"
            sed 's/^/    /' "$tmp/stderr" | head -n 40
        fi
        rm -rf "$tmp"
    fi
    return 1
}

if [ $# -eq 0 ]; then
    set --
    for f in "$CASES"/*.sh; do
        [ -e "$f" ] && set -- "$@" "$f"
    done
fi

passed=0
failed=0
for c in "$@"; do
    if run_case "$c"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
