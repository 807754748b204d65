#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# JSON inference corner cases: integers beyond int64 -> decimal(38,0), beyond
# 38 digits -> text; a list whose elements mix ints and floats -> list of
# double; a list vs object conflict -> text; an object never having a key
# -> text "{}"; a field that is always null -> string; duplicate keys: the
# last one wins; a .txt file is recognised as JSON from its content.
cat > rules.txt <<'JSON'
{"big":1,"huge":1,"l":[1,2],"c":[1],"e":{},"z":null,"d":1,"d":2}
{"big":123456789012345678901234567890,"huge":1234567890123456789012345678901234567890,"l":[0.5],"c":{"a":1},"e":{},"z":null}
JSON
"$PQ" convert rules.txt rules.parquet; echo "rc=$?"
"$PQ" inspect rules.parquet | sed -n '/^schema:/,/^row group/p' | sed '$d'
"$PQ" cat rules.parquet
