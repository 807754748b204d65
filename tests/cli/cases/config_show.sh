#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `config show` and `convert --config`: the guide's parquet_arrow_config.ini
# (inline '#' comments) plus production keys gives typed values with their
# FILE:LINE sources, warnings naming unknown and unsupported keys with their
# lines; --set overrides the file; a wrong type is an error with file:line
# (exit 1); convert takes [parquet] compression, row_group_size,
# partition_by_date and storage_path, and its flags override them.
cat >guide.ini <<'INI'
[general]
use_gpu = true              # Enable GPU acceleration
memory_pool_size_gb = 4.0   # Arrow memory pool size

[parquet]
compression = zstd          # Compression: snappy, gzip, lz4, zstd
row_group_size = 40         # Rows per group
partition_by_date = true    # Enable date partitioning
storage_path = store

[cudf]
gpu_memory_limit_gb = 8.0   # GPU memory limit

[ULTA]
enabled = True
min_negatve_days = 10

[Strange]
x = 1
INI
"$PQ" config show --config guide.ini --set ULTA.enabled=no | grep -E "^\[|^#|use_gpu|compression|row_group_size|partition_by_date|storage_path|^enabled|min_negative_days"
echo "show: exit ${PIPESTATUS[0]}"
printf '[parquet]\nrow_group_size = 40k\n' >bad.ini
"$PQ" config show --config bad.ini; echo "bad type: exit $?"
"$PQ" config show --set cudf.spill_to_host=true; echo "unsupported --set: exit $?"
mkdir store
S=$SHARED/data/strategies/sensex_500x82.csv
"$PQ" convert --config guide.ini "$S" 2>&1 | sed "s|$SHARED|SHARED|"; echo "convert (partitioned by the config): exit ${PIPESTATUS[0]}"
find store -name '*.parquet' | sort | head -3
"$PQ" inspect store/sensex_500x82/year=2024/month=01/part-0.parquet | grep -m1 "Date:"
"$PQ" convert --config guide.ini "$S" --layout wide --compression snappy 2>&1 | sed "s|$SHARED|SHARED|"; echo "convert (flags override): exit ${PIPESTATUS[0]}"
"$PQ" inspect store/sensex_500x82.parquet | grep -E "^row groups|  Date:"
"$PQ" validate --input "$S" --parquet store/sensex_500x82 | sed "s|$SHARED|SHARED|"
