#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# inspect of a small CSV conversion: header, schema with physical types, and
# per column chunk codec, encodings, value count and statistics.  Byte sizes
# and the version in created_by change with the writer, so they are masked
# (sizes are checked for sanity in inspect_json).
cp "$DATA/people.csv" people.csv
"$PQ" convert people.csv people.parquet
"$PQ" inspect people.parquet |
    sed -E 's/(compressed|uncompressed) [0-9]+ B/\1 _ B/g; s/[0-9]+ bytes uncompressed/_ bytes uncompressed/;
            s/parquant version [0-9.]+/parquant version _/'
