#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/config.md holds the table `parquant config keys` prints, between the
# keys:begin and keys:end markers; fail when they differ (regenerate the
# block with the command when the key table changes).
set -euo pipefail
pq=$1 doc=$2
want=$(mktemp) got=$(mktemp)
trap 'rm -f "$want" "$got"' EXIT
"$pq" config keys >"$want"
sed -n '/<!-- keys:begin -->/,/<!-- keys:end -->/p' "$doc" | sed '1d;$d' >"$got"
if ! diff -u "$got" "$want"; then
    echo "docs/config.md: the key table differs from 'parquant config keys' (diff above: - doc, + program)" >&2
    exit 1
fi
echo "docs/config.md matches parquant config keys ($(grep -c '^| `' "$want") keys)"
