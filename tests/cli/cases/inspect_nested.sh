#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# inspect of a JSON conversion with structs and lists: the schema is shown as
# a tree (list element, struct children indented), and column chunks by
# their dotted leaf path (user.tags.list.element).
cp "$DATA/nested.jsonl" nested.jsonl
"$PQ" convert nested.jsonl nested.parquet
"$PQ" inspect nested.parquet |
    sed -E 's/(compressed|uncompressed) [0-9]+ B/\1 _ B/g; s/[0-9]+ bytes uncompressed/_ bytes uncompressed/;
            s/parquant version [0-9.]+/parquant version _/'
