/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_encoding_delta.c - DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (src/parquet/encoding_delta.c):
 * the spec's examples byte for byte (1..5; 7,5,3,1,2,3,4,5; Hello/World/
 * Foobar/ABCDEF; axis/axle/babble/babyhood), round trips for INT32/INT64 at
 * many lengths with wrap-around extremes, decoding fewer values than the
 * header holds (consumed still covers the whole stream), garbage widths in
 * unused miniblocks and garbage padding, and hostile streams (bad headers,
 * oversized widths, truncation at every byte, negative lengths, prefixes
 * longer than the previous value, FLBA length mismatches) with their exact
 * status.  Hostile inputs are exact-size heap copies so ASan sees over-reads.
 */
#include "harness.h"
#include "parquet/encoding.h"

static uint64_t rng_state = 0xA0761D6478BD642FULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const int64_t LENGTHS[] = {0, 1, 2, 7, 8, 9, 31, 32, 33, 127, 128, 129, 130, 1000, 100003};
#define N_LENGTHS (sizeof LENGTHS / sizeof LENGTHS[0])

static uint8_t *exact_copy(const uint8_t *b, size_t n)
{
    uint8_t *p = (uint8_t *)malloc(n ? n : 1);
    if (n) memcpy(p, b, n);
    return p;
}

static void push_bytes(pq_values *v, const void *p, size_t len)
{
    pq_error err;
    if (v->offsets.len == 0) {
        int64_t z = 0;
        CHECK_OK(pq_buf_append(&v->offsets, &z, 8, &err), &err);
    }
    CHECK_OK(pq_buf_append(&v->data, p, len, &err), &err);
    int64_t end = (int64_t)v->data.len;
    CHECK_OK(pq_buf_append(&v->offsets, &end, 8, &err), &err);
    v->n++;
}

static bool views_equal(const pq_values_view *a, const pq_values_view *b)
{
    if (a->n != b->n) return false;
    if (a->type == PQ_PHYS_BYTE_ARRAY) {
        for (int64_t i = 0; i < a->n; i++) {
            int64_t la = a->offsets[i + 1] - a->offsets[i], lb = b->offsets[i + 1] - b->offsets[i];
            if (la != lb || (la && memcmp(a->data + a->offsets[i], b->data + b->offsets[i], (size_t)la))) return false;
        }
        return true;
    }
    size_t bytes = (size_t)a->n * (size_t)a->width;
    return bytes == 0 || memcmp(a->data, b->data, bytes) == 0;
}

/* Decode `bytes` with the decoder for `type` (DELTA_BINARY_PACKED for ints,
 * else `enc`) into a fresh pq_values. */
static pq_status decode_into(pq_encoding enc, pq_physical type, int32_t tl, const uint8_t *bytes, size_t len,
                             int64_t n, pq_values *out, size_t *used, pq_error *err)
{
    pq_values_init(out, type, tl, NULL);
    pq_bytes in = pq_bytes_make(bytes, len);
    if (enc == PQ_ENC_DELTA_BINARY_PACKED) return pq_delta_bp_decode(in, n, out, used, err);
    if (enc == PQ_ENC_DELTA_LENGTH_BYTE_ARRAY) return pq_delta_length_decode(in, n, out, used, err);
    return pq_delta_byte_array_decode(in, n, out, used, err);
}

/* ------------------------------------------------ spec examples */

TEST(spec_example_1_to_5)
{
    static const uint8_t expect[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00};
    int32_t vals[] = {1, 2, 3, 4, 5};
    pq_values_view v = {PQ_PHYS_INT32, 4, (const uint8_t *)vals, NULL, 5};
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_delta_bp_encode(&v, &b, &err), &err);
    CHECK(b.len == sizeof expect && memcmp(b.data, expect, sizeof expect) == 0);
    pq_values out;
    size_t used = 0;
    CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT32, 0, expect, sizeof expect, 5, &out, &used, &err), &err);
    CHECK_EQ_I64(used, sizeof expect);
    CHECK(out.n == 5 && memcmp(out.data.data, vals, sizeof vals) == 0);
    pq_values_reset(&out);
    /* garbage widths in the unused miniblocks are ignored */
    static const uint8_t garbage[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0xFF, 0x41, 0x99};
    uint8_t *copy = exact_copy(garbage, sizeof garbage);
    CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT64, 0, copy, sizeof garbage, 5, &out, &used, &err), &err);
    CHECK_EQ_I64(used, sizeof garbage);
    int64_t x;
    memcpy(&x, out.data.data + 32, 8);
    CHECK_EQ_I64(x, 5);
    pq_values_reset(&out);
    free(copy);
    pq_buf_reset(&b);
}

TEST(spec_example_7_5_3)
{
    static const uint8_t expect[] = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00,
                                     0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    int64_t vals[] = {7, 5, 3, 1, 2, 3, 4, 5};
    pq_values_view v = {PQ_PHYS_INT64, 8, (const uint8_t *)vals, NULL, 8};
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_delta_bp_encode(&v, &b, &err), &err);
    CHECK(b.len == sizeof expect && memcmp(b.data, expect, sizeof expect) == 0);
    pq_values out;
    size_t used = 0;
    CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT64, 0, expect, sizeof expect, 8, &out, &used, &err), &err);
    CHECK_EQ_I64(used, sizeof expect);
    CHECK(out.n == 8 && memcmp(out.data.data, vals, sizeof vals) == 0);
    pq_values_reset(&out);
    /* garbage in the padding bits of the last miniblock */
    uint8_t padded[sizeof expect];
    memcpy(padded, expect, sizeof expect);
    padded[11] |= 0xC0;
    for (size_t i = 12; i < sizeof padded; i++) padded[i] = 0xFF;
    CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT64, 0, padded, sizeof padded, 8, &out, &used, &err), &err);
    CHECK(out.n == 8 && memcmp(out.data.data, vals, sizeof vals) == 0);
    pq_values_reset(&out);
    /* the last miniblock cut after the bytes of the values: accepted */
    uint8_t *cut = exact_copy(expect, 12);
    CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT64, 0, cut, 12, 8, &out, &used, &err), &err);
    CHECK_EQ_I64(used, 12);
    CHECK(out.n == 8 && memcmp(out.data.data, vals, sizeof vals) == 0);
    pq_values_reset(&out);
    CHECK_STATUS(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT64, 0, cut, 11, 8, &out, &used, &err), PQ_ERR_CORRUPT);
    pq_values_reset(&out);
    free(cut);
    pq_buf_reset(&b);
}

TEST(spec_delta_length)
{
    static const uint8_t expect[] = {0x80, 0x01, 0x04, 0x04, 0x0A, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
                                     0x00, 'H', 'e', 'l', 'l', 'o', 'W', 'o', 'r', 'l', 'd', 'F', 'o', 'o', 'b',
                                     'a', 'r', 'A', 'B', 'C', 'D', 'E', 'F'};
    pq_values v;
    pq_values_init(&v, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    push_bytes(&v, "Hello", 5);
    push_bytes(&v, "World", 5);
    push_bytes(&v, "Foobar", 6);
    push_bytes(&v, "ABCDEF", 6);
    pq_values_view view = pq_values_view_of(&v);
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_delta_length_encode(&view, &b, &err), &err);
    CHECK(b.len == sizeof expect && memcmp(b.data, expect, sizeof expect) == 0);
    pq_values out;
    size_t used = 0;
    CHECK_OK(decode_into(PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, expect, sizeof expect, 4, &out, &used, &err),
             &err);
    CHECK_EQ_I64(used, sizeof expect);
    pq_values_view ov = pq_values_view_of(&out);
    CHECK(views_equal(&view, &ov));
    pq_values_reset(&out);
    pq_buf_reset(&b);
    pq_values_reset(&v);
}

TEST(spec_delta_byte_array)
{
    static const uint8_t expect[] = {
        0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x44, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, /* prefix lengths 0,2,0,3 */
        0x80, 0x01, 0x04, 0x04, 0x08, 0x03, 0x03, 0x00, 0x00, 0x00, 0x70, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, /* suffix lengths 4,2,6,5 */
        'a', 'x', 'i', 's', 'l', 'e', 'b', 'a', 'b', 'b', 'l', 'e', 'y', 'h', 'o', 'o', 'd'};
    pq_values v;
    pq_values_init(&v, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    push_bytes(&v, "axis", 4);
    push_bytes(&v, "axle", 4);
    push_bytes(&v, "babble", 6);
    push_bytes(&v, "babyhood", 8);
    pq_values_view view = pq_values_view_of(&v);
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_delta_byte_array_encode(&view, &b, &err), &err);
    CHECK(b.len == sizeof expect && memcmp(b.data, expect, sizeof expect) == 0);
    pq_values out;
    size_t used = 0;
    uint8_t *copy = exact_copy(expect, sizeof expect);
    CHECK_OK(decode_into(PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, copy, sizeof expect, 4, &out, &used, &err), &err);
    CHECK_EQ_I64(used, sizeof expect);
    pq_values_view ov = pq_values_view_of(&out);
    CHECK(views_equal(&view, &ov));
    pq_values_reset(&out);
    free(copy);
    pq_buf_reset(&b);
    pq_values_reset(&v);
}

/* ------------------------------------------------------ round trips */

/* Fill n ints (4 or 8 bytes) in one of several shapes. */
static void fill_ints(uint8_t *p, int64_t n, int w, int shape)
{
    int64_t acc = 0;
    for (int64_t i = 0; i < n; i++) {
        uint64_t x;
        switch (shape) {
        case 0: x = rnd(); break;                                                        /* full range */
        case 1: acc += (int64_t)(rnd() % 100) - 20; x = (uint64_t)acc; break;            /* small deltas */
        case 2: x = (i & 1) ? (w == 4 ? 0x7FFFFFFFu : (uint64_t)INT64_MAX)               /* wrap-around */
                            : (w == 4 ? 0x80000000u : (uint64_t)INT64_MIN); break;
        case 3: x = 42; break;                                                           /* all equal */
        case 4: x = (uint64_t)(i * 1000003); break;                                      /* monotonic */
        default: x = (i % 200 < 100) ? rnd() % 8 : rnd(); break;                         /* mixed widths */
        }
        memcpy(p + (size_t)i * (size_t)w, &x, (size_t)w);
    }
}

TEST(roundtrip_ints)
{
    for (int t = 0; t < 2; t++) {
        pq_physical type = t ? PQ_PHYS_INT64 : PQ_PHYS_INT32;
        int w = t ? 8 : 4;
        for (size_t li = 0; li < N_LENGTHS; li++) {
            int64_t n = LENGTHS[li];
            uint8_t *data = (uint8_t *)malloc((size_t)(n + 1) * 8);
            for (int shape = 0; shape < 6; shape++) {
                fill_ints(data, n, w, shape);
                pq_values_view v = {type, w, data, NULL, n};
                pq_buf b;
                pq_buf_init(&b, NULL);
                pq_error err;
                CHECK_OK(pq_delta_bp_encode(&v, &b, &err), &err);
                uint8_t *copy = exact_copy(b.data, b.len);
                pq_values out;
                size_t used = 0;
                CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, type, 0, copy, b.len, n, &out, &used, &err), &err);
                CHECK_EQ_I64(used, b.len);
                pq_values_view ov = pq_values_view_of(&out);
                CHECK(views_equal(&v, &ov));
                /* a second decode appends */
                CHECK_OK(pq_delta_bp_decode(pq_bytes_make(copy, b.len), n, &out, NULL, &err), &err);
                CHECK_EQ_I64(out.n, 2 * n);
                CHECK(n == 0 || memcmp(out.data.data + (size_t)n * (size_t)w, data, (size_t)n * (size_t)w) == 0);
                /* fewer values than the header: consumed is still the whole stream */
                if (n > 3) {
                    pq_values part;
                    CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, type, 0, copy, b.len, n / 3, &part, &used, &err),
                             &err);
                    CHECK_EQ_I64(used, b.len);
                    CHECK(memcmp(part.data.data, data, (size_t)(n / 3) * (size_t)w) == 0);
                    pq_values_reset(&part);
                }
                /* all-equal values: width 0 everywhere, so a block is
                 * 1 min-delta byte + 4 width bytes and no body */
                if (shape == 3 && n > 1) {
                    size_t hdr = 3 + (n < 128 ? 1 : n < 16384 ? 2 : 3) + 1;
                    CHECK_EQ_I64(b.len, hdr + (size_t)((n - 1 + 127) / 128) * 5);
                }
                free(copy);
                pq_values_reset(&out);
                pq_buf_reset(&b);
            }
            free(data);
        }
    }
}

/* Random strings sharing prefixes (sorted-ish keys, the case DELTA_BYTE_ARRAY
 * exists for), empty strings included. */
static void fill_strings(pq_values *v, int64_t n)
{
    char prev[64] = "";
    size_t plen = 0;
    for (int64_t i = 0; i < n; i++) {
        char s[64];
        size_t keep = plen ? (size_t)(rnd() % (plen + 1)) : 0;
        memcpy(s, prev, keep);
        size_t add = (size_t)(rnd() % 12);
        if (rnd() % 17 == 0) keep = add = 0;
        for (size_t k = 0; k < add; k++) s[keep + k] = (char)('a' + rnd() % 26);
        size_t len = keep + add;
        push_bytes(v, s, len);
        memcpy(prev, s, len);
        plen = len;
    }
}

TEST(roundtrip_byte_arrays)
{
    for (size_t li = 0; li < N_LENGTHS; li++) {
        int64_t n = LENGTHS[li];
        pq_values v;
        pq_values_init(&v, PQ_PHYS_BYTE_ARRAY, 0, NULL);
        fill_strings(&v, n);
        pq_values_view view = pq_values_view_of(&v);
        for (int enc = 0; enc < 2; enc++) {
            pq_encoding e = enc ? PQ_ENC_DELTA_BYTE_ARRAY : PQ_ENC_DELTA_LENGTH_BYTE_ARRAY;
            pq_buf b;
            pq_buf_init(&b, NULL);
            pq_error err;
            CHECK_OK(enc ? pq_delta_byte_array_encode(&view, &b, &err) : pq_delta_length_encode(&view, &b, &err), &err);
            uint8_t *copy = exact_copy(b.data, b.len);
            pq_values out;
            size_t used = 0;
            CHECK_OK(decode_into(e, PQ_PHYS_BYTE_ARRAY, 0, copy, b.len, n, &out, &used, &err), &err);
            CHECK_EQ_I64(used, b.len);
            pq_values_view ov = pq_values_view_of(&out);
            CHECK(views_equal(&view, &ov));
            /* slice with a non-zero offsets[0] encodes like a fresh copy */
            if (n > 10) {
                pq_values_view sl = pq_values_view_slice(&view, 5, n - 5);
                pq_buf b2;
                pq_buf_init(&b2, NULL);
                CHECK_OK(enc ? pq_delta_byte_array_encode(&sl, &b2, &err) : pq_delta_length_encode(&sl, &b2, &err), &err);
                pq_values o2;
                CHECK_OK(decode_into(e, PQ_PHYS_BYTE_ARRAY, 0, b2.data, b2.len, n - 5, &o2, NULL, &err), &err);
                pq_values_view o2v = pq_values_view_of(&o2);
                CHECK(views_equal(&sl, &o2v));
                pq_values_reset(&o2);
                pq_buf_reset(&b2);
            }
            free(copy);
            pq_values_reset(&out);
            pq_buf_reset(&b);
        }
        pq_values_reset(&v);
    }
}

TEST(roundtrip_flba)
{
    static const int32_t widths[] = {1, 2, 16, 0};
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
        int32_t w = widths[wi];
        int64_t n = 1000;
        uint8_t *data = (uint8_t *)malloc((size_t)n * (size_t)w + 1);
        for (int64_t i = 0; i < n * w; i++) data[i] = (uint8_t)(i % w < w / 2 ? 7 : rnd() % 3);
        pq_values_view v = {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, w, data, NULL, n};
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_delta_byte_array_encode(&v, &b, &err), &err);
        pq_values out;
        size_t used = 0;
        CHECK_OK(decode_into(PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, w, b.data, b.len, n, &out, &used, &err),
                 &err);
        CHECK_EQ_I64(used, b.len);
        CHECK(out.n == n && out.data.len == (size_t)(n * w) && (w == 0 || memcmp(out.data.data, data, (size_t)(n * w)) == 0));
        pq_values_reset(&out);
        /* decoding as a different FLBA width: every value has the wrong length */
        if (w > 0) {
            CHECK_STATUS(decode_into(PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, w + 1, b.data, b.len, n, &out,
                                     NULL, &err),
                         PQ_ERR_CORRUPT);
            pq_values_reset(&out);
        }
        pq_buf_reset(&b);
        free(data);
    }
}

/* ----------------------------------------------------- hostile input */

typedef struct hostile_case {
    const char *name;
    pq_physical type;
    uint8_t bytes[24];
    size_t len;
    int64_t n;
} hostile_case;

TEST(hostile_headers)
{
    static const hostile_case cases[] = {
        {"empty", PQ_PHYS_INT32, {0}, 0, 1},
        {"block size 100", PQ_PHYS_INT32, {0x64, 0x04, 0x01, 0x00}, 4, 1},
        {"block size 0", PQ_PHYS_INT32, {0x00, 0x04, 0x01, 0x00}, 4, 1},
        {"block size 2^32", PQ_PHYS_INT32, {0x80, 0x80, 0x80, 0x80, 0x10, 0x04, 0x01, 0x00}, 8, 1},
        {"0 miniblocks", PQ_PHYS_INT32, {0x80, 0x01, 0x00, 0x01, 0x00}, 5, 1},
        {"3 miniblocks", PQ_PHYS_INT32, {0x80, 0x01, 0x03, 0x01, 0x00}, 5, 1},
        {"16-value miniblocks", PQ_PHYS_INT32, {0x80, 0x01, 0x08, 0x01, 0x00}, 5, 1},
        {"total < n", PQ_PHYS_INT32, {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 0, 0, 0, 0}, 10, 3},
        {"11-byte varint", PQ_PHYS_INT64, {0x80, 0x01, 0x04, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, 15, 1},
        {"10th varint byte > 1", PQ_PHYS_INT64, {0x80, 0x01, 0x04, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, 14, 1},
        {"width 65 for INT32", PQ_PHYS_INT32, {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 65, 0, 0, 0}, 10, 2},
        {"width 65 for INT64", PQ_PHYS_INT64, {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 65, 0, 0, 0}, 10, 2},
        {"block widths missing", PQ_PHYS_INT32, {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 0x00}, 7, 2},
        {"min delta missing", PQ_PHYS_INT32, {0x80, 0x01, 0x04, 0x02, 0x00}, 5, 2},
        {"miniblock body missing", PQ_PHYS_INT64, {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 0x08, 0, 0, 0}, 10, 2},
        {"second block missing", PQ_PHYS_INT32, {0x80, 0x01, 0x04, 0x82, 0x01, 0x00, 0x00, 0, 0, 0, 0}, 11, 130},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const hostile_case *c = &cases[i];
        uint8_t *copy = exact_copy(c->bytes, c->len);
        pq_values out;
        pq_error err;
        pq_status st = decode_into(PQ_ENC_DELTA_BINARY_PACKED, c->type, 0, copy, c->len, c->n, &out, NULL, &err);
        if (st != PQ_ERR_CORRUPT) fprintf(stderr, "case '%s': status %d\n", c->name, (int)st);
        CHECK_STATUS(st, PQ_ERR_CORRUPT);
        CHECK_EQ_I64(out.n, 0);
        pq_values_reset(&out);
        free(copy);
    }
    /* DuckDB's V2 writer packs INT32 deltas in 33 bits: they add modulo 2^32.
     * Delta 2^32 + 5 from a first value of 0 gives 5. */
    {
        uint8_t duck[10 + 132] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 33, 0, 0, 0};
        duck[10] = 0x05;
        duck[14] = 0x01; /* bit 32 */
        pq_values o32;
        pq_error e32;
        CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT32, 0, duck, sizeof duck, 2, &o32, NULL, &e32), &e32);
        CHECK_EQ_I64(o32.n, 2);
        if (o32.n == 2) CHECK_EQ_I64(((const int32_t *)o32.data.data)[1], 5);
        pq_values_reset(&o32);
    }
    /* width 33 is fine for INT64 (with its body), and in an unused miniblock */
    uint8_t ok64[10 + 132] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 33, 0, 0, 0};
    pq_values out;
    pq_error err;
    CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT64, 0, ok64, sizeof ok64, 2, &out, NULL, &err), &err);
    pq_values_reset(&out);
    static const uint8_t unused33[] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 0x00, 33, 0xFF, 0xFF};
    CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT32, 0, unused33, sizeof unused33, 2, &out, NULL, &err), &err);
    pq_values_reset(&out);
    /* wrong output type, negative n */
    CHECK_STATUS(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_FLOAT, 0, unused33, 10, 2, &out, NULL, &err),
                 PQ_ERR_INVALID_ARG);
    pq_values_reset(&out);
    CHECK_STATUS(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT32, 0, unused33, 10, -1, &out, NULL, &err),
                 PQ_ERR_INVALID_ARG);
    pq_values_reset(&out);
}

/* Every proper prefix of a stream whose every byte is needed is corrupt. */
static void check_truncations(pq_encoding e, pq_physical type, int32_t tl, const uint8_t *s, size_t len, int64_t n)
{
    int64_t wrong = 0;
    for (size_t k = 0; k < len; k++) {
        uint8_t *copy = exact_copy(s, k);
        pq_values out;
        pq_error err;
        pq_status st = decode_into(e, type, tl, copy, k, n, &out, NULL, &err);
        if (st != PQ_ERR_CORRUPT) {
            wrong++;
            fprintf(stderr, "encoding %d truncated at %zu of %zu: status %d\n", (int)e, k, len, (int)st);
        }
        pq_values_reset(&out);
        free(copy);
    }
    CHECK_EQ_I64(wrong, 0);
}

TEST(truncated_every_byte)
{
    /* 129 values: 128 deltas fill all 4 miniblocks, so no padding. */
    uint8_t data[129 * 8];
    for (int t = 0; t < 2; t++) {
        pq_physical type = t ? PQ_PHYS_INT64 : PQ_PHYS_INT32;
        fill_ints(data, 129, t ? 8 : 4, 0);
        pq_values_view v = {type, t ? 8 : 4, data, NULL, 129};
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_delta_bp_encode(&v, &b, &err), &err);
        check_truncations(PQ_ENC_DELTA_BINARY_PACKED, type, 0, b.data, b.len, 129);
        pq_buf_reset(&b);
    }
    /* strings: lengths 1..40 so every value's last byte is needed */
    pq_values s;
    pq_values_init(&s, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    for (int i = 0; i < 129; i++) {
        char buf[48];
        int len = 1 + (int)(rnd() % 40);
        for (int k = 0; k < len; k++) buf[k] = (char)('a' + rnd() % 3);
        push_bytes(&s, buf, (size_t)len);
    }
    pq_values_view sv = pq_values_view_of(&s);
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_delta_length_encode(&sv, &b, &err), &err);
    check_truncations(PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, b.data, b.len, 129);
    b.len = 0;
    CHECK_OK(pq_delta_byte_array_encode(&sv, &b, &err), &err);
    check_truncations(PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, b.data, b.len, 129);
    pq_buf_reset(&b);
    pq_values_reset(&s);
}

/* Build a DELTA_BINARY_PACKED stream of n int32 values with the encoder. */
static void encode_i32(const int32_t *v, int64_t n, pq_buf *b)
{
    pq_values_view view = {PQ_PHYS_INT32, 4, (const uint8_t *)v, NULL, n};
    pq_error err;
    CHECK_OK(pq_delta_bp_encode(&view, b, &err), &err);
}

TEST(hostile_byte_arrays)
{
    pq_error err;
    pq_values out;
    pq_buf b;
    pq_buf_init(&b, NULL);
    /* DELTA_LENGTH: a negative length */
    int32_t neg[] = {3, -1};
    encode_i32(neg, 2, &b);
    CHECK_OK(pq_buf_append(&b, "abcdef", 6, &err), &err);
    CHECK_STATUS(decode_into(PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, b.data, b.len, 2, &out, NULL, &err),
                 PQ_ERR_CORRUPT);
    CHECK_EQ_I64(out.n, 0);
    pq_values_reset(&out);
    /* DELTA_LENGTH: lengths beyond the data */
    b.len = 0;
    int32_t big[] = {3, 4};
    encode_i32(big, 2, &b);
    CHECK_OK(pq_buf_append(&b, "abcdef", 6, &err), &err);
    CHECK_STATUS(decode_into(PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, b.data, b.len, 2, &out, NULL, &err),
                 PQ_ERR_CORRUPT);
    pq_values_reset(&out);
    int32_t huge[] = {INT32_MAX, INT32_MAX};
    b.len = 0;
    encode_i32(huge, 2, &b);
    CHECK_STATUS(decode_into(PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, b.data, b.len, 2, &out, NULL, &err),
                 PQ_ERR_CORRUPT);
    pq_values_reset(&out);

    /* DELTA_BYTE_ARRAY cases: prefix lengths, suffix lengths, suffix bytes */
    static const struct { const char *name; int32_t pre[3]; int32_t suf[3]; const char *data; } cases[] = {
        {"first prefix not 0", {1, 0, 0}, {2, 2, 2}, "aabbcc"},
        {"prefix longer than previous", {0, 3, 0}, {2, 2, 2}, "aabbcc"},
        {"negative prefix", {0, -1, 0}, {2, 2, 2}, "aabbcc"},
        {"negative suffix", {0, 0, 0}, {2, -2, 2}, "aabbcc"},
        {"suffixes beyond data", {0, 1, 1}, {2, 2, 3}, "aabbcc"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        b.len = 0;
        encode_i32(cases[i].pre, 3, &b);
        encode_i32(cases[i].suf, 3, &b);
        CHECK_OK(pq_buf_append(&b, cases[i].data, strlen(cases[i].data), &err), &err);
        pq_status st = decode_into(PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, b.data, b.len, 3, &out, NULL, &err);
        if (st != PQ_ERR_CORRUPT) fprintf(stderr, "case '%s': status %d\n", cases[i].name, (int)st);
        CHECK_STATUS(st, PQ_ERR_CORRUPT);
        CHECK_EQ_I64(out.n, 0);
        pq_values_reset(&out);
    }
    /* the same layout with valid lengths decodes: "aa", "abb", "acc" */
    b.len = 0;
    int32_t pre[] = {0, 1, 1}, suf[] = {2, 2, 2};
    encode_i32(pre, 3, &b);
    encode_i32(suf, 3, &b);
    CHECK_OK(pq_buf_append(&b, "aabbcc", 6, &err), &err);
    size_t used = 0;
    CHECK_OK(decode_into(PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, b.data, b.len, 3, &out, &used, &err), &err);
    CHECK_EQ_I64(used, b.len);
    CHECK(out.data.len == 8 && memcmp(out.data.data, "aaabbacc", 8) == 0);
    pq_values_reset(&out);
    /* FLBA(3): the same stream has values of 2, 3, 3 bytes -> corrupt */
    CHECK_STATUS(decode_into(PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 3, b.data, b.len, 3, &out, NULL, &err),
                 PQ_ERR_CORRUPT);
    pq_values_reset(&out);
    pq_buf_reset(&b);
}

/* Deltas spanning the whole range need the full width: 0, MAX, 0 gives
 * deltas MAX and -MAX, so delta - min reaches 2 * MAX = 2^w - 2. */
TEST(max_widths)
{
    int32_t v32[] = {0, INT32_MAX, 0};
    int64_t v64[] = {0, INT64_MAX, 0};
    pq_values_view a = {PQ_PHYS_INT32, 4, (const uint8_t *)v32, NULL, 3};
    pq_values_view c = {PQ_PHYS_INT64, 8, (const uint8_t *)v64, NULL, 3};
    for (int t = 0; t < 2; t++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_delta_bp_encode(t ? &c : &a, &b, &err), &err);
        /* header 80 01 04 03 00, min delta (5 or 10 bytes), widths */
        size_t wpos = 5 + (t ? 10 : 5);
        CHECK_EQ_I64(b.data[wpos], t ? 64 : 32);
        CHECK_EQ_I64(b.len, wpos + 4 + (t ? 256 : 128));
        pq_values out;
        CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, t ? PQ_PHYS_INT64 : PQ_PHYS_INT32, 0, b.data, b.len, 3, &out,
                             NULL, &err),
                 &err);
        CHECK(memcmp(out.data.data, t ? (const void *)v64 : (const void *)v32, t ? 24 : 12) == 0);
        pq_values_reset(&out);
        pq_buf_reset(&b);
    }
}

TEST(encoder_arguments)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    float f = 1.0f;
    pq_values_view fv = {PQ_PHYS_FLOAT, 4, (const uint8_t *)&f, NULL, 1};
    CHECK_STATUS(pq_delta_bp_encode(&fv, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_delta_length_encode(&fv, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_delta_byte_array_encode(&fv, &b, &err), PQ_ERR_INVALID_ARG);
    /* an empty column is a header-only stream */
    pq_values_view none = {PQ_PHYS_INT64, 8, NULL, NULL, 0};
    CHECK_OK(pq_delta_bp_encode(&none, &b, &err), &err);
    CHECK(b.len == 5 && b.data[3] == 0 && b.data[4] == 0);
    pq_values out;
    CHECK_OK(decode_into(PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT64, 0, b.data, b.len, 0, &out, NULL, &err), &err);
    CHECK_EQ_I64(out.n, 0);
    pq_values_reset(&out);
    pq_buf_reset(&b);
}

/* Fault injection over the byte-array decoders and encoders. */
TEST(fault_injection)
{
    pq_values s;
    pq_values_init(&s, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    fill_strings(&s, 300);
    pq_values_view sv = pq_values_view_of(&s);
    int failures = 0;
    for (int enc = 0; enc < 2; enc++) {
        for (long k = 1; k < 20; k++) {
            harness_fault f;
            pq_allocator a = harness_fault_allocator(&f, k);
            pq_buf b;
            pq_buf_init(&b, &a);
            pq_error err;
            pq_status st = enc ? pq_delta_byte_array_encode(&sv, &b, &err) : pq_delta_length_encode(&sv, &b, &err);
            CHECK(st == PQ_OK || (st == PQ_ERR_NOMEM && f.failed));
            if (st == PQ_OK) {
                pq_values out;
                pq_values_init(&out, PQ_PHYS_BYTE_ARRAY, 0, &a);
                pq_bytes in = pq_bytes_make(b.data, b.len);
                st = enc ? pq_delta_byte_array_decode(in, 300, &out, NULL, &err) : pq_delta_length_decode(in, 300, &out, NULL, &err);
                CHECK(st == PQ_OK || (st == PQ_ERR_NOMEM && f.failed));
                if (st == PQ_OK) {
                    pq_values_view ov = pq_values_view_of(&out);
                    CHECK(views_equal(&sv, &ov));
                }
                pq_values_reset(&out);
            }
            failures += f.failed;
            pq_buf_reset(&b);
            CHECK_EQ_I64(f.live, 0);
        }
    }
    CHECK(failures > 4);
    pq_values_reset(&s);
}

int main(void)
{
    RUN(spec_example_1_to_5);
    RUN(spec_example_7_5_3);
    RUN(spec_delta_length);
    RUN(spec_delta_byte_array);
    RUN(roundtrip_ints);
    RUN(roundtrip_byte_arrays);
    RUN(roundtrip_flba);
    RUN(hostile_headers);
    RUN(truncated_every_byte);
    RUN(hostile_byte_arrays);
    RUN(max_widths);
    RUN(encoder_arguments);
    RUN(fault_injection);
    return harness_done();
}
