#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --where keeps the rows matching COLUMN OP VALUE [and ...]: every operator,
# "and", a filter column left out of --columns, --limit and --format csv on
# the filtered rows, an empty result (csv: the header only), nulls that
# never match (not even !=), dates and strings quoted or bare.  The filtered
# rows equal those of the unfiltered output picked by hand (grep).
{
    echo "id,name,price,day"
    for i in $(seq 1 1000); do
        echo "$i,n$((i % 10)),$((i % 7)).5,2024-01-$(printf %02d $((i % 28 + 1)))"
    done
} >seq.csv
"$PQ" convert seq.csv seq.parquet --row-group-size 100 --page-size 256
cp "$DATA/people.csv" people.csv
"$PQ" convert people.csv people.parquet
for w in "id >= 997" "id <= 2" "id = 500" "id < 3 and id != 1" "id > 990 AND name = n5" \
         "price >= 6.5 and id > 980" "day = '2024-01-28' and id > 900" "id > 5000"; do
    echo "== --where '$w'"
    "$PQ" cat seq.parquet --where "$w"
    echo "rc=$?"
done
echo "== --columns name --where 'id >= 10 and id < 13'"
"$PQ" cat seq.parquet --columns name --where 'id >= 10 and id < 13'
echo "== --where 'id > 100' --limit 3 --format csv"
"$PQ" cat seq.parquet --where 'id > 100' --limit 3 --format csv
echo "== --where 'id > 5000' --format csv"
"$PQ" cat seq.parquet --where 'id > 5000' --format csv
echo "== same rows as grep"
"$PQ" cat seq.parquet --where 'name = "n3"' | cmp - <("$PQ" cat seq.parquet | grep '"name":"n3"') && echo same
for w in "score > 8" "score != 9.5" "active = true" "joined < 2024-01-01" "name = 'bob, jr'" "name >= ''"; do
    echo "== people --where \"$w\""
    "$PQ" cat people.parquet --where "$w"
done
