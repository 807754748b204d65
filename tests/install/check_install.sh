#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/install/check_install.sh BUILD_DIR [EXTRA_CFLAGS]: `make install`
# works: install the build into a temporary prefix, then build
# tests/install/app.c against it with pkg-config, once against the shared
# library and once statically, and run both.
set -euo pipefail
BUILD=$1
EXTRA=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cmake --install "$BUILD" --prefix "$TMP/prefix" >/dev/null
export PKG_CONFIG_PATH="$TMP/prefix/lib/pkgconfig"
# shellcheck disable=SC2046,SC2086
cc -std=c11 -Wall -Werror $EXTRA "$HERE/app.c" -o "$TMP/app_shared" $(pkg-config --cflags --libs parquant) \
   -Wl,-rpath,"$TMP/prefix/lib"
"$TMP/app_shared" "$TMP/shared.parquet"
# shellcheck disable=SC2046,SC2086
cc -std=c11 -Wall -Werror $EXTRA "$HERE/app.c" -o "$TMP/app_static" \
   $(pkg-config --static --cflags --libs parquant | sed 's/-lparquant/-l:libparquant.a/')
"$TMP/app_static" "$TMP/static.parquet"
cmp "$TMP/shared.parquet" "$TMP/static.parquet"
