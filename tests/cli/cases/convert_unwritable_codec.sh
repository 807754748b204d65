#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# LZ4 (the Hadoop framing) and LZO can be read but not written: asking for
# them is a usage error (exit 2) naming the codec given on the command line
# (not an internal number), found before any work; the list of codecs in
# the message for an unknown one is the writable list of the usage text.
cp "$DATA/repeat.csv" in.csv
"$PQ" convert in.csv out.parquet --compression lzo; echo "rc=$?"
"$PQ" convert in.csv out.parquet --compression lz4; echo "rc=$?"
"$PQ" convert in.csv out.parquet --compression bogus; echo "rc=$?"
ls -a
