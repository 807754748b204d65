#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The join rules of CSV inference, one column per rule: int+double ->
# double, int+text -> string, date+timestamp -> timestamp, bools in any
# case, nan/inf spellings are doubles, cells are never trimmed (" 1" is
# text), leading zeros keep text, and a quoted empty cell ("") is the empty
# string in a string column but null in a numeric one.
printf '%s\n' \
    'i_d,i_s,d_t,b,f,sp,z,q_num,q_str' \
    '1,1,2024-01-02,TRUE,inf,1,0,"",""' \
    '2.5,x,2024-01-02 10:00:00,fAlSe,-Infinity, 1,00,7,a' \
    '-3,3,,true,NaN,2,0.5,8,' > rules.csv
"$PQ" convert rules.csv rules.parquet
"$PQ" inspect rules.parquet | sed -n '/^  [a-z_]*: [a-z]/p'
"$PQ" cat rules.parquet
