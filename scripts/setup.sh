#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/setup.sh - installs everything parquant needs on a fresh Debian 12 machine:
#   - the build tool chain, codec libraries, nettle (SHA-256) and xxhash (apt): cmake, make, gcc, clang, the clang
#     sanitizer/libFuzzer runtime, pkg-config, snappy, zstd, lz4, brotli, libdeflate, zlib;
#   - cairo and the DejaVu fonts for the PNG charts (src/chart, docs/charts.md);
#   - Node.js and npm (apt), unless a node >= 20 is already on PATH (Debian 12 ships 18;
#     a newer node from elsewhere is kept, never downgraded);
#   - the reference engines of the interop tests and the benchmark: `npm ci` in tests/interop
#     (DuckDB, parquet-wasm + apache-arrow, hyparquet; versions pinned by
#     tests/interop/package-lock.json).
# Idempotent and quick when nothing is missing: apt runs only if a package is not installed
# (dpkg-query), npm only if tests/interop/node_modules was not installed from the current
# lock (stamp file holding the lock's sha256).  Silent on success; on failure, says what
# failed and shows the tail of the command's output.  Runs as root, or through sudo.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INTEROP="$ROOT/tests/interop"
STAMP="$INTEROP/node_modules/.parquant-lock.sha256"
PACKAGES=(cmake make gcc clang libclang-rt-14-dev pkg-config libsnappy-dev libzstd-dev liblz4-dev
          libbrotli-dev libdeflate-dev zlib1g-dev nettle-dev libxxhash-dev libinih-dev
          libcairo2-dev fonts-dejavu-core)

LOG=$(mktemp "${TMPDIR:-/tmp}/parquant-setup.XXXXXX")
trap 'rm -f "$LOG"' EXIT

die() {
    echo "setup.sh: $*" >&2
    if [ -s "$LOG" ]; then
        echo "---- last lines of output ----" >&2
        tail -n 40 "$LOG" >&2
    fi
    exit 1
}

# Runs a command with its output captured in $LOG; dies with `what` on failure.
quiet() {
    local what=$1
    shift
    "$@" >"$LOG" 2>&1 || die "$what failed (exit status $?): $*"
}

# Prefix for commands that need root.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

node_major() {
    command -v node >/dev/null 2>&1 || { echo 0; return; }
    node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# ---------------------------------------------------------------- apt
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script expects Debian 12 (or a derivative)"
want=("${PACKAGES[@]}")
if [ "$(node_major)" -lt 20 ] || ! command -v npm >/dev/null 2>&1; then
    want+=(nodejs npm)
fi
missing=()
for p in "${want[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    quiet "apt-get update" as_root apt-get update
    quiet "installing ${missing[*]}" as_root apt-get install -y --no-install-recommends "${missing[@]}"
fi
command -v node >/dev/null 2>&1 || die "node is not on PATH after installing nodejs"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH after installing npm"

# ---------------------------------------------------------------- npm
[ -f "$INTEROP/package-lock.json" ] || die "missing $INTEROP/package-lock.json"
lock_sum=$(sha256sum "$INTEROP/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$lock_sum" ] ||
   [ ! -f "$INTEROP/node_modules/@duckdb/node-api/package.json" ]; then
    (cd "$INTEROP" && quiet "npm ci in tests/interop" npm ci --no-audit --no-fund)
    # smoke test: DuckDB loads and answers (the native binding matches this machine), and
    # the other engines' packages load
    quiet "loading the engines from tests/interop/node_modules" node --input-type=module -e "
        const m = await import('$INTEROP/lib/duck.mjs');
        const { con } = await m.connect();
        const r = await con.runAndReadAll('SELECT 42');
        if (Number(r.getRows()[0][0]) !== 42) throw new Error('DuckDB gave a wrong answer');
        const { loadModule } = await import('$INTEROP/lib/modules.mjs');
        for (const p of ['parquet-wasm', 'apache-arrow', 'hyparquet', 'hyparquet-compressors']) await loadModule(p);"
    echo "$lock_sum" >"$STAMP"
fi
