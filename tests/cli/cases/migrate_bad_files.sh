#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Malformed universes among good ones: each bad file fails with its own
# line naming the file and the byte offset (truncated in the middle,
# invalid UTF-8, a bad escape, a leading zero, a duplicate key, trailing
# data, nesting deeper than 512), keeps its JSON and gets no .parquet, no
# sidecar and no candle file; the good files migrate all the same; exit 1.
# Odd shapes are not errors: `results` as a string and a cell whose
# total_occurrences is a string migrate with a "kept as JSON" warning, and
# their export equals the source byte for byte.  The expected offsets were
# checked by hand against the inputs built here (grep -b prints them too).
S=$SHARED/data/necrozma/EURUSD_2025_universe_5m_5lb.json
mkdir u
cp "$S" u/EURUSD_2025_universe_5m_5lb.json
chmod u+w u/*
head -c 14000 "$S" >u/universe_002_5min_5lb.json                                     # truncated
sed '10,424d; 9s/.*/  "results": "not computed",/' "$S" >u/universe_003_5min_5lb.json  # odd shape
sed 's/"Pequeno"/"Peq\xffeno"/' "$S" >u/universe_004_5min_5lb.json                   # invalid UTF-8
sed '2a\  "name": "again",' "$S" >u/universe_005_5min_5lb.json                       # duplicate key
{ cat "$S"; printf '\n}\n'; } >u/universe_006_5min_5lb.json                          # trailing data
sed '0,/"total_occurrences": 9,/s//"total_occurrences": "nine",/' "$S" >u/universe_007_5min_5lb.json # odd type
sed 's/"Pequeno"/"Peq\\xeno"/' "$S" >u/universe_008_5min_5lb.json                    # bad escape
{ printf '{\n  "name": '; for _ in $(seq 600); do printf '['; done
  for _ in $(seq 600); do printf ']'; done; printf '\n}'; } >u/universe_009_5min_5lb.json # too deep
sed '8s/22/022/' "$S" >u/universe_010_5min_5lb.json                                  # leading zero
off() { grep -b -o -a "$1" "$2" | head -n 1 | cut -d: -f1; }
echo "offsets in the inputs: invalid UTF-8 $(off $'\xff' u/universe_004_5min_5lb.json)," \
    "second name $(off '"name": "again"' u/universe_005_5min_5lb.json)," \
    "bad escape $(off '\\x' u/universe_008_5min_5lb.json) (+1)," \
    "leading zero $(off 'patterns": 022' u/universe_010_5min_5lb.json) (+12)"

"$PQ" migrate --input u --jobs 1 | sed -E -e 's/-> [0-9.]+ (B|KB|MB) \([0-9.-]+% smaller\)/-> SIZE (P% smaller)/' \
    -e 's/in [0-9.]+ s, [0-9.]+ MB\/s/in T s, R MB\/s/'
echo "exit $?"
ls u | sed -E 's/[0-9a-f]{12}\.parquet/HASH.parquet/'
ls u/candles | sed -E 's/[0-9a-f]{12}\.parquet/HASH.parquet/'
for f in EURUSD_2025_universe_5m_5lb universe_003_5min_5lb universe_007_5min_5lb; do
    "$PQ" export u/$f.parquet >exported.json; echo "export $f: exit $?"
    cmp exported.json u/$f.json && echo "  equal to the source"
done
cmp u/universe_002_5min_5lb.json <(head -c 14000 "$S") && echo "failed sources untouched"
