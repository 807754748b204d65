/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_encoding_rle.c - the RLE / bit-packed hybrid and what
 * is built on it (src/parquet/encoding_rle.c): the spec's worked examples
 * byte for byte, round trips for every bit width at many lengths and data
 * shapes, the encoder's run choice, hostile streams (truncated at every
 * byte, over-long headers, zero-length runs, oversized RLE values, widths
 * out of range) with their exact status, RLE booleans, dictionary indices
 * (width 0 included) and the legacy MSB-first BIT_PACKED levels.
 *
 * Every decode of a hostile or truncated stream reads from an exact-size
 * heap copy so AddressSanitizer catches any read past the input.
 */
#include "harness.h"
#include "parquet/encoding.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const int64_t LENGTHS[] = {0, 1, 7, 8, 9, 31, 32, 33, 127, 128, 129, 1000, 100003};
#define N_LENGTHS (sizeof LENGTHS / sizeof LENGTHS[0])

/* Copy of b[0..n) in its own allocation (at least 1 byte so never NULL). */
static uint8_t *exact_copy(const uint8_t *b, size_t n)
{
    uint8_t *p = (uint8_t *)malloc(n ? n : 1);
    if (n) memcpy(p, b, n);
    return p;
}

/* Fill v[0..n) with values below 2^w in one of several shapes. */
static void fill_values(uint32_t *v, int64_t n, int w, int shape)
{
    uint32_t mask = w == 32 ? 0xFFFFFFFFu : (uint32_t)((1ULL << w) - 1);
    uint32_t cur = (uint32_t)rnd() & mask;
    for (int64_t i = 0; i < n; i++) {
        switch (shape) {
        case 0: v[i] = (uint32_t)rnd() & mask; break;          /* random */
        case 1: v[i] = mask; break;                            /* all equal, max */
        case 2:                                                /* runs of random length */
            if (rnd() % 13 == 0) cur = (uint32_t)rnd() & mask;
            v[i] = cur;
            break;
        default: v[i] = (uint32_t)(i & 1) & mask; break;       /* alternating */
        }
    }
}

TEST(bit_width_of)
{
    static const struct { uint64_t v; int w; } cases[] = {
        {0, 0}, {1, 1}, {2, 2}, {3, 2}, {4, 3}, {7, 3}, {8, 4}, {255, 8}, {256, 9},
        {0xFFFFFFFFu, 32}, {0x100000000ULL, 33}, {UINT64_MAX, 64},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) CHECK_EQ_I64(pq_bit_width_of(cases[i].v), cases[i].w);
}

/* Spec (Encodings.md): values 0..7 at width 3, bit-packed:
 * header (1 << 1) | 1, then 10001000 11000110 11111010. */
TEST(spec_bitpacked_example)
{
    static const uint8_t expect[] = {0x03, 0x88, 0xC6, 0xFA};
    uint32_t v[8] = {0, 1, 2, 3, 4, 5, 6, 7}, got[8];
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_rle_encode_u32(v, 8, 3, &b, &err), &err);
    CHECK_EQ_I64(b.len, sizeof expect);
    CHECK(b.len == sizeof expect && memcmp(b.data, expect, sizeof expect) == 0);
    size_t used = 0;
    CHECK_OK(pq_rle_decode_u32(pq_bytes_make(expect, sizeof expect), 3, 8, got, &used, &err), &err);
    CHECK_EQ_I64(used, 4);
    for (int i = 0; i < 8; i++) CHECK_EQ_I64(got[i], i);
    uint16_t g16[8];
    CHECK_OK(pq_rle_decode_u16(pq_bytes_make(expect, sizeof expect), 3, 8, g16, &used, &err), &err);
    for (int i = 0; i < 8; i++) CHECK_EQ_I64(g16[i], i);
    pq_buf_reset(&b);
}

/* 100 copies of 5 at width 3: one RLE run, header 200 = C8 01, value 05. */
TEST(rle_run_example)
{
    static const uint8_t expect[] = {0xC8, 0x01, 0x05};
    uint32_t v[100], got[100];
    for (int i = 0; i < 100; i++) v[i] = 5;
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_rle_encode_u32(v, 100, 3, &b, &err), &err);
    CHECK(b.len == sizeof expect && memcmp(b.data, expect, sizeof expect) == 0);
    size_t used = 0;
    CHECK_OK(pq_rle_decode_u32(pq_bytes_make(expect, 3), 3, 100, got, &used, &err), &err);
    CHECK_EQ_I64(used, 3);
    int bad = 0;
    for (int i = 0; i < 100; i++) bad += got[i] != 5;
    CHECK_EQ_I64(bad, 0);
    /* Fewer values than the run holds: stop early, consume the whole run. */
    CHECK_OK(pq_rle_decode_u32(pq_bytes_make(expect, 3), 3, 10, got, &used, &err), &err);
    CHECK_EQ_I64(used, 3);
    pq_buf_reset(&b);
}

/* A 16-bit-wide RLE value is 2 bytes LE; a 17..24-bit one 3 bytes. */
TEST(rle_value_widths)
{
    static const uint8_t w16[] = {0x10, 0x34, 0x12};        /* 8 x 0x1234 */
    static const uint8_t w20[] = {0x10, 0x56, 0x34, 0x0F};  /* 8 x 0xF3456 */
    uint32_t got[8];
    pq_error err;
    CHECK_OK(pq_rle_decode_u32(pq_bytes_make(w16, 3), 16, 8, got, NULL, &err), &err);
    CHECK_EQ_I64(got[7], 0x1234);
    CHECK_OK(pq_rle_decode_u32(pq_bytes_make(w20, 4), 20, 8, got, NULL, &err), &err);
    CHECK_EQ_I64(got[0], 0xF3456);
}

/* Encode, check the stream decodes to the same values with consumed equal
 * to the stream length, for u32 and (width <= 16) u16. */
static void roundtrip_one(const uint32_t *v, int64_t n, int w)
{
    pq_error err;
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_OK(pq_rle_encode_u32(v, n, w, &b, &err), &err);
    uint8_t *copy = exact_copy(b.data, b.len);
    uint32_t *got = (uint32_t *)malloc((size_t)(n + 1) * sizeof *got);
    size_t used = 0;
    CHECK_OK(pq_rle_decode_u32(pq_bytes_make(copy, b.len), w, n, got, &used, &err), &err);
    CHECK_EQ_I64(used, b.len);
    int64_t bad = 0;
    for (int64_t i = 0; i < n; i++) bad += got[i] != v[i];
    CHECK_EQ_I64(bad, 0);
    if (w <= 16) {
        uint16_t *v16 = (uint16_t *)malloc((size_t)(n + 1) * sizeof *v16);
        uint16_t *g16 = (uint16_t *)malloc((size_t)(n + 1) * sizeof *g16);
        for (int64_t i = 0; i < n; i++) v16[i] = (uint16_t)v[i];
        pq_buf b16;
        pq_buf_init(&b16, NULL);
        CHECK_OK(pq_rle_encode_u16(v16, n, w, &b16, &err), &err);
        CHECK(b16.len == b.len && (b.len == 0 || memcmp(b16.data, b.data, b.len) == 0));
        CHECK_OK(pq_rle_decode_u16(pq_bytes_make(copy, b.len), w, n, g16, &used, &err), &err);
        bad = 0;
        for (int64_t i = 0; i < n; i++) bad += g16[i] != v16[i];
        CHECK_EQ_I64(bad, 0);
        pq_buf_reset(&b16);
        free(v16);
        free(g16);
    }
    free(got);
    free(copy);
    pq_buf_reset(&b);
}

TEST(roundtrip_all_widths)
{
    for (int w = 0; w <= 32; w++) {
        for (size_t li = 0; li < N_LENGTHS; li++) {
            int64_t n = LENGTHS[li];
            if (n > 1000 && w % 7 != 3) continue; /* the 100003 case for a few widths */
            uint32_t *v = (uint32_t *)malloc((size_t)(n + 1) * sizeof *v);
            for (int shape = 0; shape < 4; shape++) {
                fill_values(v, n, w, shape);
                roundtrip_one(v, n, w);
            }
            free(v);
        }
    }
}

/* Literal values next to repeats: the encoder borrows from a repeat to end
 * a bit-packed run on a group boundary; every split point must round-trip. */
TEST(roundtrip_literal_repeat_boundaries)
{
    uint32_t v[64];
    for (int lit = 0; lit <= 17; lit++) {
        for (int rep = 1; rep <= 24; rep++) {
            int n = 0;
            for (int i = 0; i < lit; i++) v[n++] = (uint32_t)(i % 3 + 1);
            for (int i = 0; i < rep; i++) v[n++] = 6;
            v[n++] = 2;
            roundtrip_one(v, n, 3);
        }
    }
}

/* Repeats become RLE runs: 1000 equal values take 3 bytes; random values
 * are bit-packed close to n * w / 8. */
TEST(encoder_run_choice)
{
    uint32_t v[1000];
    pq_error err;
    pq_buf b;
    pq_buf_init(&b, NULL);
    for (int i = 0; i < 1000; i++) v[i] = 9;
    CHECK_OK(pq_rle_encode_u32(v, 1000, 4, &b, &err), &err);
    CHECK_EQ_I64(b.len, 3); /* header 2000 = D0 0F, value */
    b.len = 0;
    fill_values(v, 1000, 10, 0);
    CHECK_OK(pq_rle_encode_u32(v, 1000, 10, &b, &err), &err);
    CHECK(b.len <= 1250 + 4);
    /* 8 literals then 100 repeats then 8 literals: 3 runs. */
    for (int i = 0; i < 116; i++) v[i] = (i >= 8 && i < 108) ? 1 : (uint32_t)(i % 7 + 2);
    b.len = 0;
    CHECK_OK(pq_rle_encode_u32(v, 116, 4, &b, &err), &err);
    CHECK_EQ_I64(b.len, (1 + 4) + (2 + 1) + (1 + 4)); /* 03 + 4 bytes, C8 01 + value, 03 + 4 bytes */
    pq_buf_reset(&b);
}

/* Decoding each proper prefix of a stream whose every byte is needed must
 * fail with PQ_ERR_CORRUPT, reading nothing past the prefix. */
static void check_truncations(const uint8_t *s, size_t len, int w, int64_t n)
{
    uint32_t *got = (uint32_t *)malloc((size_t)(n + 1) * sizeof *got);
    int64_t wrong = 0;
    for (size_t k = 0; k < len; k++) {
        uint8_t *copy = exact_copy(s, k);
        pq_error err;
        pq_status st = pq_rle_decode_u32(pq_bytes_make(copy, k), w, n, got, NULL, &err);
        if (st != PQ_ERR_CORRUPT) {
            wrong++;
            fprintf(stderr, "truncated at %zu of %zu: status %d\n", k, len, (int)st);
        }
        free(copy);
    }
    CHECK_EQ_I64(wrong, 0);
    free(got);
}

TEST(truncated_every_byte)
{
    /* 64 random values, 128 repeats, 64 random values: a bit-packed run, an
     * RLE run and a bit-packed run, none padded, so every byte is needed. */
    for (int w = 1; w <= 32; w += 5) {
        uint32_t v[256];
        fill_values(v, 256, w, 0);
        uint32_t rep = 1;
        for (int i = 64; i < 192; i++) v[i] = rep;
        v[63] = v[192] = 0;
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_rle_encode_u32(v, 256, w, &b, &err), &err);
        check_truncations(b.data, b.len, w, 256);
        pq_buf_reset(&b);
    }
}

typedef struct hostile_case {
    const char *name;
    uint8_t bytes[12];
    size_t len;
    int width;
    int64_t n;
} hostile_case;

TEST(hostile_streams)
{
    static const hostile_case cases[] = {
        {"empty input", {0}, 0, 3, 1},
        {"header too long (6 bytes)", {0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 6, 3, 1},
        {"header over 32 bits", {0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00}, 6, 3, 1},
        {"zero-length RLE run", {0x00, 0x01}, 2, 3, 1},
        {"zero-group bit-packed run", {0x01, 0x00}, 2, 3, 1},
        {"RLE value above width", {0x10, 0x08}, 2, 3, 8},
        {"RLE value byte missing", {0x10}, 1, 3, 8},
        {"RLE 2-byte value cut", {0x10, 0x34}, 2, 16, 8},
        {"huge bit-packed run, no bytes", {0xFF, 0xFF, 0xFF, 0xFF, 0x07}, 5, 3, 100},
        {"bit-packed bytes short of n", {0x03, 0x88, 0xC6}, 3, 3, 8},
        {"runs end before n", {0x04, 0x01, 0x04, 0x02}, 4, 3, 5},
        {"width 32 RLE value cut", {0x02, 0xFF, 0xFF, 0xFF}, 4, 32, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const hostile_case *c = &cases[i];
        uint8_t *copy = exact_copy(c->bytes, c->len);
        uint32_t out[128];
        pq_error err;
        pq_status st = pq_rle_decode_u32(pq_bytes_make(copy, c->len), c->width, c->n, out, NULL, &err);
        if (st != PQ_ERR_CORRUPT) fprintf(stderr, "case '%s': status %d\n", c->name, (int)st);
        CHECK_STATUS(st, PQ_ERR_CORRUPT);
        free(copy);
    }
}

/* The error message carries the offset of the bad run header. */
TEST(error_offset)
{
    static const uint8_t s[] = {0x04, 0x01, 0x00, 0x05};
    uint32_t out[8];
    pq_error err;
    pq_error_clear(&err);
    CHECK_STATUS(pq_rle_decode_u32(pq_bytes_make(s, 4), 3, 5, out, NULL, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "offset 2") != NULL);
}

/* A huge RLE run is fine when only a few values are wanted; the last
 * bit-packed group may stop after the bytes actually needed. */
TEST(lenient_ends)
{
    static const uint8_t huge[] = {0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x02}; /* RLE 2^31-1 x 2 */
    uint32_t out[16];
    pq_error err;
    size_t used = 0;
    CHECK_OK(pq_rle_decode_u32(pq_bytes_make(huge, 6), 2, 16, out, &used, &err), &err);
    CHECK_EQ_I64(out[15], 2);
    CHECK_EQ_I64(used, 6);
    /* One group of width 3 declared, 3 values wanted: 2 bytes suffice. */
    static const uint8_t cut[] = {0x03, 0x88, 0xC6};
    uint8_t *copy = exact_copy(cut, 3);
    CHECK_OK(pq_rle_decode_u32(pq_bytes_make(copy, 3), 3, 3, out, &used, &err), &err);
    CHECK_EQ_I64(out[0], 0);
    CHECK_EQ_I64(out[1], 1);
    CHECK_EQ_I64(out[2], 2);
    CHECK_EQ_I64(used, 3);
    CHECK_STATUS(pq_rle_decode_u32(pq_bytes_make(copy, 1), 3, 3, out, &used, &err), PQ_ERR_CORRUPT);
    free(copy);
    /* n == 0 reads nothing. */
    CHECK_OK(pq_rle_decode_u32(pq_bytes_make(NULL, 0), 3, 0, out, &used, &err), &err);
    CHECK_EQ_I64(used, 0);
}

TEST(bad_arguments)
{
    uint32_t v[2] = {1, 8};
    uint16_t v16[1] = {0};
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_STATUS(pq_rle_decode_u32(pq_bytes_make(NULL, 0), 33, 1, v, NULL, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_rle_decode_u32(pq_bytes_make(NULL, 0), -1, 1, v, NULL, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_rle_decode_u16(pq_bytes_make(NULL, 0), 17, 1, v16, NULL, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_rle_decode_u32(pq_bytes_make(NULL, 0), 3, -1, v, NULL, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_rle_encode_u32(v, 2, 3, &b, &err), PQ_ERR_INVALID_ARG); /* 8 needs 4 bits */
    CHECK_STATUS(pq_rle_encode_u32(v, 2, 33, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_rle_encode_u32(v, -1, 3, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_OK(pq_rle_encode_u32(v, 2, 4, &b, &err), &err);
    pq_buf_reset(&b);
}

/* ------------------------------------------------------- RLE booleans */

TEST(rle_bool_roundtrip)
{
    for (size_t li = 0; li < N_LENGTHS; li++) {
        int64_t n = LENGTHS[li];
        for (int shape = 0; shape < 3; shape++) {
            pq_values v, got;
            pq_values_init(&v, PQ_PHYS_BOOLEAN, 0, NULL);
            pq_values_init(&got, PQ_PHYS_BOOLEAN, 0, NULL);
            pq_error err;
            CHECK_OK(pq_buf_resize(&v.data, (size_t)n, &err), &err);
            for (int64_t i = 0; i < n; i++)
                v.data.data[i] = (uint8_t)(shape == 0 ? rnd() & 1 : shape == 1 ? 1 : (i / 37) & 1);
            v.n = n;
            pq_values_view view = pq_values_view_of(&v);
            pq_buf b;
            pq_buf_init(&b, NULL);
            CHECK_OK(pq_rle_bool_encode(&view, &b, &err), &err);
            CHECK(b.len >= 4 && pq_load_u32le(b.data) == b.len - 4);
            uint8_t *copy = exact_copy(b.data, b.len);
            size_t used = 0;
            CHECK_OK(pq_rle_bool_decode(pq_bytes_make(copy, b.len), n, &got, &used, &err), &err);
            CHECK_EQ_I64(used, b.len);
            CHECK_EQ_I64(got.n, n);
            CHECK(n == 0 || memcmp(got.data.data, v.data.data, (size_t)n) == 0);
            free(copy);
            pq_buf_reset(&b);
            pq_values_reset(&v);
            pq_values_reset(&got);
        }
    }
}

TEST(rle_bool_hostile)
{
    pq_values got;
    pq_values_init(&got, PQ_PHYS_BOOLEAN, 0, NULL);
    pq_error err;
    static const uint8_t longer[] = {0x05, 0x00, 0x00, 0x00, 0x10, 0x01}; /* says 5 bytes, has 2 */
    static const uint8_t ok[] = {0x02, 0x00, 0x00, 0x00, 0x10, 0x01, 0xEE}; /* trailing byte ignored */
    CHECK_STATUS(pq_rle_bool_decode(pq_bytes_make(longer, 3), 8, &got, NULL, &err), PQ_ERR_CORRUPT);
    CHECK_STATUS(pq_rle_bool_decode(pq_bytes_make(longer, 6), 8, &got, NULL, &err), PQ_ERR_CORRUPT);
    size_t used = 0;
    CHECK_OK(pq_rle_bool_decode(pq_bytes_make(ok, 7), 8, &got, &used, &err), &err);
    CHECK_EQ_I64(used, 6);
    CHECK_EQ_I64(got.n, 8);
    CHECK_EQ_I64(got.data.data[7], 1);
    /* A value of 2 at width 1 is corrupt. */
    static const uint8_t two[] = {0x02, 0x00, 0x00, 0x00, 0x10, 0x02};
    CHECK_STATUS(pq_rle_bool_decode(pq_bytes_make(two, 6), 8, &got, NULL, &err), PQ_ERR_CORRUPT);
    CHECK_EQ_I64(got.n, 8); /* failures do not append */
    pq_values_reset(&got);
    pq_values wrong;
    pq_values_init(&wrong, PQ_PHYS_INT32, 0, NULL);
    CHECK_STATUS(pq_rle_bool_decode(pq_bytes_make(ok, 7), 8, &wrong, NULL, &err), PQ_ERR_INVALID_ARG);
    pq_values_reset(&wrong);
}

/* ------------------------------------------------- dictionary indices */

TEST(dict_indices_roundtrip)
{
    static const uint32_t sizes[] = {1, 2, 3, 255, 256, 257, 65536, 1u << 20, 0xFFFFFFFFu};
    static const int widths[] = {0, 1, 2, 8, 8, 9, 16, 20, 32};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        int64_t n = 1000;
        uint32_t idx[1000], got[1000];
        for (int64_t i = 0; i < n; i++) idx[i] = (uint32_t)(rnd() % sizes[si]);
        if (si % 2) for (int64_t i = 100; i < 400; i++) idx[i] = idx[99]; /* a repeat */
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_dict_indices_encode(idx, n, sizes[si], &b, &err), &err);
        CHECK_EQ_I64(b.data[0], widths[si]);
        uint8_t *copy = exact_copy(b.data, b.len);
        CHECK_OK(pq_dict_indices_decode(pq_bytes_make(copy, b.len), n, got, &err), &err);
        CHECK(memcmp(got, idx, sizeof idx) == 0);
        free(copy);
        pq_buf_reset(&b);
    }
}

TEST(dict_indices_hostile)
{
    uint32_t out[8] = {7, 7, 7, 7, 7, 7, 7, 7};
    pq_error err;
    static const uint8_t w0[] = {0x00};
    CHECK_OK(pq_dict_indices_decode(pq_bytes_make(w0, 1), 8, out, &err), &err);
    CHECK_EQ_I64(out[0] | out[7], 0); /* width 0: all zeros, no runs needed */
    static const uint8_t w33[] = {33, 0x02, 0x00};
    CHECK_STATUS(pq_dict_indices_decode(pq_bytes_make(w33, 3), 1, out, &err), PQ_ERR_CORRUPT);
    CHECK_STATUS(pq_dict_indices_decode(pq_bytes_make(NULL, 0), 1, out, &err), PQ_ERR_CORRUPT);
    CHECK_OK(pq_dict_indices_decode(pq_bytes_make(NULL, 0), 0, out, &err), &err);
    static const uint8_t cut[] = {0x03, 0x03, 0x88};
    CHECK_STATUS(pq_dict_indices_decode(pq_bytes_make(cut, 3), 8, out, &err), PQ_ERR_CORRUPT);
    /* offsets in messages count the width byte */
    pq_error_clear(&err);
    static const uint8_t zero_run[] = {0x03, 0x00};
    CHECK_STATUS(pq_dict_indices_decode(pq_bytes_make(zero_run, 2), 8, out, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "offset 1") != NULL);
    uint32_t idx[2] = {0, 5};
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_STATUS(pq_dict_indices_encode(idx, 2, 5, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_EQ_I64(b.len, 0);
    CHECK_STATUS(pq_dict_indices_encode(idx, 1, 0, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_OK(pq_dict_indices_encode(idx, 0, 0, &b, &err), &err);
    pq_buf_reset(&b);
}

/* --------------------------------------------------- legacy BIT_PACKED */

/* Reference MSB-first packer. */
static size_t pack_msb(const uint16_t *v, int64_t n, int w, uint8_t *out)
{
    size_t bits = (size_t)n * (size_t)w, bytes = (bits + 7) / 8;
    memset(out, 0, bytes);
    size_t pos = 0;
    for (int64_t i = 0; i < n; i++)
        for (int b = w - 1; b >= 0; b--, pos++)
            if ((v[i] >> b) & 1) out[pos / 8] |= (uint8_t)(0x80 >> (pos % 8));
    return bytes;
}

TEST(bitpacked_levels)
{
    /* Spec example: 0..7 at width 3 = 00000101 00111001 01110111. */
    static const uint8_t spec[] = {0x05, 0x39, 0x77};
    uint16_t out[1024];
    pq_error err;
    size_t used = 0;
    CHECK_OK(pq_bitpacked_levels_decode(pq_bytes_make(spec, 3), 3, 8, out, &used, &err), &err);
    CHECK_EQ_I64(used, 3);
    for (int i = 0; i < 8; i++) CHECK_EQ_I64(out[i], i);
    for (int w = 0; w <= 16; w++) {
        uint16_t v[1000];
        uint8_t packed[2048];
        for (int i = 0; i < 1000; i++) v[i] = (uint16_t)(rnd() & ((1u << w) - 1));
        for (int n = 0; n <= 1000; n += 111) {
            size_t bytes = pack_msb(v, n, w, packed);
            uint8_t *copy = exact_copy(packed, bytes);
            CHECK_OK(pq_bitpacked_levels_decode(pq_bytes_make(copy, bytes), w, n, out, &used, &err), &err);
            CHECK_EQ_I64(used, bytes);
            CHECK(n == 0 || memcmp(out, v, (size_t)n * 2) == 0);
            if (bytes) CHECK_STATUS(pq_bitpacked_levels_decode(pq_bytes_make(copy, bytes - 1), w, n, out, &used, &err),
                                    PQ_ERR_CORRUPT);
            free(copy);
        }
    }
    CHECK_STATUS(pq_bitpacked_levels_decode(pq_bytes_make(spec, 3), 17, 1, out, NULL, &err), PQ_ERR_INVALID_ARG);
}

/* Fault injection: every allocation of the RLE boolean decode/encode may
 * fail; each failure is PQ_ERR_NOMEM and nothing leaks. */
TEST(fault_injection)
{
    static const uint8_t ok[] = {0x02, 0x00, 0x00, 0x00, 0x10, 0x01};
    for (long k = 1; k < 10; k++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, k);
        pq_values got;
        pq_values_init(&got, PQ_PHYS_BOOLEAN, 0, &a);
        pq_error err;
        pq_status st = pq_rle_bool_decode(pq_bytes_make(ok, 6), 8, &got, NULL, &err);
        CHECK(st == PQ_OK || (st == PQ_ERR_NOMEM && f.failed));
        pq_buf b;
        pq_buf_init(&b, &a);
        if (st == PQ_OK) {
            pq_values_view view = pq_values_view_of(&got);
            st = pq_rle_bool_encode(&view, &b, &err);
            CHECK(st == PQ_OK || (st == PQ_ERR_NOMEM && f.failed));
        }
        pq_buf_reset(&b);
        pq_values_reset(&got);
        CHECK_EQ_I64(f.live, 0);
    }
}

int main(void)
{
    RUN(bit_width_of);
    RUN(spec_bitpacked_example);
    RUN(rle_run_example);
    RUN(rle_value_widths);
    RUN(roundtrip_all_widths);
    RUN(roundtrip_literal_repeat_boundaries);
    RUN(encoder_run_choice);
    RUN(truncated_every_byte);
    RUN(hostile_streams);
    RUN(error_offset);
    RUN(lenient_ends);
    RUN(bad_arguments);
    RUN(rle_bool_roundtrip);
    RUN(rle_bool_hostile);
    RUN(dict_indices_roundtrip);
    RUN(dict_indices_hostile);
    RUN(bitpacked_levels);
    RUN(fault_injection);
    return harness_done();
}
