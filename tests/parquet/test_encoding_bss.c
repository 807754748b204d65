/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_encoding_bss.c - BYTE_STREAM_SPLIT
 * (src/parquet/encoding_bss.c): a hand-computed vector, round trips for
 * FLOAT/DOUBLE/INT32/INT64 and FLBA of several widths (the 4- and 8-byte
 * fast paths and the generic transpose) at many lengths, NaN and -0.0 bit
 * patterns kept exactly, appending decodes, and inputs of the wrong size
 * (one byte short or long, overflowing n) with their exact status.
 */
#include "harness.h"
#include "parquet/encoding.h"

static uint64_t rng_state = 0x8BB84B93962EACC9ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const int64_t LENGTHS[] = {0, 1, 7, 8, 9, 31, 32, 33, 127, 128, 129, 1000, 100003};
#define N_LENGTHS (sizeof LENGTHS / sizeof LENGTHS[0])

static uint8_t *exact_copy(const uint8_t *b, size_t n)
{
    uint8_t *p = (uint8_t *)malloc(n ? n : 1);
    if (n) memcpy(p, b, n);
    return p;
}

/* floats 1.0f (00 00 80 3F) and 2.0f (00 00 00 40): streams 00 00 | 00 00 | 80 00 | 3F 40 */
TEST(known_vector)
{
    float f[2] = {1.0f, 2.0f};
    static const uint8_t expect[] = {0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3F, 0x40};
    pq_values_view v = {PQ_PHYS_FLOAT, 4, (const uint8_t *)f, NULL, 2};
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_bss_encode(&v, &b, &err), &err);
    CHECK(b.len == 8 && memcmp(b.data, expect, 8) == 0);
    pq_values out;
    pq_values_init(&out, PQ_PHYS_FLOAT, 0, NULL);
    CHECK_OK(pq_bss_decode(pq_bytes_make(expect, 8), 2, &out, &err), &err);
    CHECK(out.n == 2 && memcmp(out.data.data, f, 8) == 0);
    pq_values_reset(&out);
    /* FLBA(3) "abc","def" -> "ad" "be" "cf" */
    pq_values_view fl = {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 3, (const uint8_t *)"abcdef", NULL, 2};
    b.len = 0;
    CHECK_OK(pq_bss_encode(&fl, &b, &err), &err);
    CHECK(b.len == 6 && memcmp(b.data, "adbecf", 6) == 0);
    pq_buf_reset(&b);
}

TEST(roundtrip)
{
    static const struct { pq_physical t; int32_t len; } types[] = {
        {PQ_PHYS_FLOAT, 0}, {PQ_PHYS_DOUBLE, 0}, {PQ_PHYS_INT32, 0}, {PQ_PHYS_INT64, 0},
        {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 1}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 2}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 3},
        {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 4}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 8}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 16},
    };
    static const uint64_t specials[] = {0x8000000000000000ULL, 0x7FF8000000000001ULL, 0x80000000ULL, 0x7FC00001ULL,
                                        0xFFFFFFFFFFFFFFFFULL, 0};
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
        int32_t w = pq_physical_width(types[ti].t, types[ti].len);
        for (size_t li = 0; li < N_LENGTHS; li++) {
            int64_t n = LENGTHS[li];
            size_t bytes = (size_t)n * (size_t)w;
            uint8_t *data = (uint8_t *)malloc(bytes + 1);
            for (size_t i = 0; i < bytes; i++) data[i] = (uint8_t)rnd();
            for (int64_t i = 0; i < n; i += 7) {
                uint64_t s = specials[rnd() % (sizeof specials / sizeof specials[0])];
                memcpy(data + (size_t)i * (size_t)w, &s, w < 8 ? (size_t)w : 8);
            }
            pq_values_view v = {types[ti].t, w, data, NULL, n};
            pq_buf b;
            pq_buf_init(&b, NULL);
            pq_error err;
            CHECK_OK(pq_bss_encode(&v, &b, &err), &err);
            CHECK_EQ_I64(b.len, bytes);
            /* byte k of value i sits at k * n + i */
            if (n > 5) CHECK(b.data[(size_t)(w - 1) * (size_t)n + 5] == data[5 * (size_t)w + (size_t)(w - 1)]);
            uint8_t *copy = exact_copy(b.data, b.len);
            pq_values out;
            pq_values_init(&out, types[ti].t, types[ti].len, NULL);
            CHECK_OK(pq_bss_decode(pq_bytes_make(copy, b.len), n, &out, &err), &err);
            CHECK_OK(pq_bss_decode(pq_bytes_make(copy, b.len), n, &out, &err), &err); /* appends */
            CHECK_EQ_I64(out.n, 2 * n);
            CHECK(bytes == 0 || (memcmp(out.data.data, data, bytes) == 0 && memcmp(out.data.data + bytes, data, bytes) == 0));
            /* exactly n * width bytes: one more or one fewer is corrupt */
            if (bytes) CHECK_STATUS(pq_bss_decode(pq_bytes_make(copy, b.len - 1), n, &out, &err), PQ_ERR_CORRUPT);
            uint8_t *longer = (uint8_t *)malloc(bytes + 1);
            if (bytes) memcpy(longer, copy, bytes);
            longer[bytes] = 0;
            CHECK_STATUS(pq_bss_decode(pq_bytes_make(longer, bytes + 1), n, &out, &err), PQ_ERR_CORRUPT);
            CHECK_EQ_I64(out.n, 2 * n);
            free(longer);
            pq_values_reset(&out);
            free(copy);
            pq_buf_reset(&b);
            free(data);
        }
    }
}

TEST(bad_arguments)
{
    pq_values out;
    pq_error err;
    static const uint8_t eight[8] = {0};
    pq_values_init(&out, PQ_PHYS_DOUBLE, 0, NULL);
    CHECK_STATUS(pq_bss_decode(pq_bytes_make(eight, 8), INT64_MAX / 4, &out, &err), PQ_ERR_CORRUPT);
    CHECK_STATUS(pq_bss_decode(pq_bytes_make(eight, 8), -1, &out, &err), PQ_ERR_INVALID_ARG);
    CHECK_OK(pq_bss_decode(pq_bytes_make(NULL, 0), 0, &out, &err), &err);
    pq_values_reset(&out);
    pq_values_init(&out, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    CHECK_STATUS(pq_bss_decode(pq_bytes_make(eight, 8), 1, &out, &err), PQ_ERR_INVALID_ARG);
    pq_values_reset(&out);
    pq_values_init(&out, PQ_PHYS_INT96, 0, NULL);
    CHECK_STATUS(pq_bss_decode(pq_bytes_make(eight, 8), 1, &out, &err), PQ_ERR_INVALID_ARG);
    pq_values_reset(&out);
    pq_values_view bv = {PQ_PHYS_BOOLEAN, 1, eight, NULL, 8};
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_STATUS(pq_bss_encode(&bv, &b, &err), PQ_ERR_INVALID_ARG);
    pq_buf_reset(&b);
}

int main(void)
{
    RUN(known_vector);
    RUN(roundtrip);
    RUN(bad_arguments);
    return harness_done();
}
