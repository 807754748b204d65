#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `validate --optimize`: the same seeded optimisation on the SENSEX CSV and
# on its Parquet copies (wide and long) gives identical portfolios and
# fitness (exit 0); a copy with one cell changed is caught (exit 1).
S=$SHARED/data/strategies/sensex_500x82.csv
"$PQ" convert "$S" wide.parquet >/dev/null && "$PQ" convert "$S" long.parquet --layout long >/dev/null
for f in wide long; do
    "$PQ" validate --input "$S" --parquet $f.parquet --optimize --portfolio-size 5 --effort 0.02 | tail -1
    echo "$f: exit ${PIPESTATUS[0]}"
done
sed '5s/,-1077.6599999999978,/,-1077.66,/' "$S" >changed.csv
"$PQ" convert changed.csv changed.parquet >/dev/null
"$PQ" validate --input "$S" --parquet changed.parquet --optimize --portfolio-size 5 --effort 0.02 --algorithms hc,sa | sed "s|$SHARED|SHARED|" | grep -E 'differ|difference'
echo "changed: exit ${PIPESTATUS[0]}"
"$PQ" validate --input "$S" --optimize; echo "no --parquet: exit $?"
