/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/gen_hash.h - lowbias32, the integer hash from which the benchmark
 * tables (bench/pq_bench.c, bench/bench.mjs's SQL, ../shared/peers/lib/
 * gen.mjs) and the test data generators (tests/interop/pq_gen_interop.c,
 * tests/parquet/test_snappy.c) derive their values.  One definition, so that
 * parquant's tables and DuckDB's hold the same rows.
 */
#ifndef PARQUANT_TESTS_GEN_HASH_H
#define PARQUANT_TESTS_GEN_HASH_H

#include <stdint.h>

static inline uint32_t gen_lowbias32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

#endif /* PARQUANT_TESTS_GEN_HASH_H */
