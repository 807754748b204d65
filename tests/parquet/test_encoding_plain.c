/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_encoding_plain.c - PLAIN for every physical type
 * (src/parquet/encoding_plain.c), the pq_values helpers and the dispatchers
 * of src/parquet/encoding.c: hand-computed wire vectors, round trips with
 * random data and extreme bit patterns at many lengths, appending decodes,
 * slices with a non-zero first offset, truncated and lying inputs with
 * their exact status, the encoding/type table, and a round trip of every
 * encoding x applicable type through pq_encode_values / pq_decode_values.
 */
#include "harness.h"
#include "parquet/encoding.h"

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;
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

/* Fill v with n random values of its type; fixed types get a mix of random
 * bits and extreme patterns (0, all ones, INT64_MIN/MAX, -0.0, NaNs). */
static void fill_random(pq_values *v, int64_t n)
{
    pq_error err;
    pq_values_clear(v);
    if (v->type == PQ_PHYS_BYTE_ARRAY) {
        int64_t off = 0;
        CHECK_OK(pq_buf_append(&v->offsets, &off, 8, &err), &err);
        for (int64_t i = 0; i < n; i++) {
            uint8_t tmp[40];
            size_t len = (size_t)(rnd() % 4 == 0 ? 0 : rnd() % 40);
            for (size_t k = 0; k < len; k++) tmp[k] = (uint8_t)rnd();
            CHECK_OK(pq_buf_append(&v->data, tmp, len, &err), &err);
            off = (int64_t)v->data.len;
            CHECK_OK(pq_buf_append(&v->offsets, &off, 8, &err), &err);
        }
        v->n = n;
        return;
    }
    size_t w = (size_t)v->width;
    CHECK_OK(pq_buf_resize(&v->data, (size_t)n * w, &err), &err);
    if (w == 0) { /* FLBA(0): n empty values, no data */
        v->n = n;
        return;
    }
    static const uint64_t specials[] = {0, ~0ULL, 0x8000000000000000ULL, 0x7FFFFFFFFFFFFFFFULL,
                                        0x7FF8000000000001ULL, 0xFFF0000000000000ULL, 0x80000000ULL,
                                        0x7FC00001ULL, 0xFF800000ULL};
    for (int64_t i = 0; i < n; i++) {
        uint8_t *p = v->data.data + (size_t)i * w;
        if (v->type == PQ_PHYS_BOOLEAN) {
            p[0] = (uint8_t)(rnd() & 1);
            continue;
        }
        for (size_t k = 0; k < w; k++) p[k] = (uint8_t)rnd();
        if (w > 0 && rnd() % 5 == 0) {
            uint64_t s = specials[rnd() % (sizeof specials / sizeof specials[0])];
            memcpy(p, &s, w < 8 ? w : 8);
        }
    }
    v->n = n;
}

/* Same values, same bytes. */
static bool values_equal(const pq_values_view *a, const pq_values_view *b)
{
    if (a->type != b->type || a->n != b->n || a->width != b->width) return false;
    if (a->type == PQ_PHYS_BYTE_ARRAY) {
        for (int64_t i = 0; i < a->n; i++) {
            int64_t la = a->offsets[i + 1] - a->offsets[i], lb = b->offsets[i + 1] - b->offsets[i];
            if (la != lb) return false;
            if (la && memcmp(a->data + a->offsets[i], b->data + b->offsets[i], (size_t)la)) return false;
        }
        return true;
    }
    size_t bytes = (size_t)a->n * (size_t)a->width;
    return bytes == 0 || memcmp(a->data, b->data, bytes) == 0;
}

typedef struct type_case {
    pq_physical type;
    int32_t type_length;
} type_case;

static const type_case TYPES[] = {
    {PQ_PHYS_BOOLEAN, 0}, {PQ_PHYS_INT32, 0}, {PQ_PHYS_INT64, 0}, {PQ_PHYS_INT96, 0}, {PQ_PHYS_FLOAT, 0},
    {PQ_PHYS_DOUBLE, 0}, {PQ_PHYS_BYTE_ARRAY, 0}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 1},
    {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 3}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 16}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 0},
};
#define N_TYPES (sizeof TYPES / sizeof TYPES[0])

TEST(physical_width)
{
    CHECK_EQ_I64(pq_physical_width(PQ_PHYS_BOOLEAN, 0), 1);
    CHECK_EQ_I64(pq_physical_width(PQ_PHYS_INT32, 0), 4);
    CHECK_EQ_I64(pq_physical_width(PQ_PHYS_FLOAT, 0), 4);
    CHECK_EQ_I64(pq_physical_width(PQ_PHYS_INT64, 0), 8);
    CHECK_EQ_I64(pq_physical_width(PQ_PHYS_DOUBLE, 0), 8);
    CHECK_EQ_I64(pq_physical_width(PQ_PHYS_INT96, 0), 12);
    CHECK_EQ_I64(pq_physical_width(PQ_PHYS_BYTE_ARRAY, 7), 0);
    CHECK_EQ_I64(pq_physical_width(PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 11), 11);
}

TEST(values_helpers)
{
    pq_values v;
    pq_values_init(&v, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    pq_values_view e = pq_values_view_of(&v);
    CHECK_EQ_I64(e.n, 0);
    CHECK(e.offsets != NULL && e.offsets[0] == 0); /* empty values still have offsets[0] */
    static const uint8_t wire[] = {2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 1, 0, 0, 0, 'c'};
    pq_error err;
    CHECK_OK(pq_plain_decode(pq_bytes_make(wire, sizeof wire), 3, &v, NULL, &err), &err);
    pq_values_view all = pq_values_view_of(&v);
    pq_values_view tail = pq_values_view_slice(&all, 1, 2);
    CHECK_EQ_I64(tail.n, 2);
    CHECK_EQ_I64(tail.offsets[0], 2); /* a slice's offsets[0] need not be 0 */
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_OK(pq_plain_encode(&tail, &b, &err), &err);
    CHECK(b.len == 9 && memcmp(b.data, wire + 6, 9) == 0);
    pq_values_clear(&v);
    CHECK_EQ_I64(v.n, 0);
    CHECK_EQ_I64(pq_values_view_of(&v).offsets[0], 0);
    pq_values_reset(&v);
    pq_values_reset(&v); /* reset twice is fine */
    pq_values i32;
    pq_values_init(&i32, PQ_PHYS_INT32, 0, NULL);
    static const uint8_t four[] = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};
    CHECK_OK(pq_plain_decode(pq_bytes_make(four, 16), 4, &i32, NULL, &err), &err);
    pq_values_view iv = pq_values_view_of(&i32);
    pq_values_view mid = pq_values_view_slice(&iv, 2, 2);
    CHECK_EQ_I64(pq_load_u32le(mid.data), 3);
    pq_values_reset(&i32);
    pq_buf_reset(&b);
}

/* Hand-computed wire forms. */
TEST(known_vectors)
{
    pq_error err;
    /* BOOLEAN 1,0,1,1,0,0,0,0,1: LSB first -> 0x0D, 0x01. */
    static const uint8_t bools[] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
    pq_values_view bv = {PQ_PHYS_BOOLEAN, 1, bools, NULL, 9};
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_OK(pq_plain_encode(&bv, &b, &err), &err);
    CHECK(b.len == 2 && b.data[0] == 0x0D && b.data[1] == 0x01);
    pq_values got;
    pq_values_init(&got, PQ_PHYS_BOOLEAN, 0, NULL);
    static const uint8_t garbage_tail[] = {0x0D, 0xFF}; /* bits past n ignored */
    size_t used = 0;
    CHECK_OK(pq_plain_decode(pq_bytes_make(garbage_tail, 2), 9, &got, &used, &err), &err);
    CHECK_EQ_I64(used, 2);
    CHECK(got.n == 9 && memcmp(got.data.data, bools, 8) == 0 && got.data.data[8] == 1);
    pq_values_reset(&got);
    /* INT32 -1, 1 and INT64 INT64_MIN little-endian. */
    static const uint8_t i32[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0x00};
    pq_values_init(&got, PQ_PHYS_INT32, 0, NULL);
    CHECK_OK(pq_plain_decode(pq_bytes_make(i32, 8), 2, &got, &used, &err), &err);
    int32_t x;
    memcpy(&x, got.data.data, 4);
    CHECK_EQ_I64(x, -1);
    pq_values_reset(&got);
    int64_t mn = INT64_MIN;
    pq_values_view lv = {PQ_PHYS_INT64, 8, (const uint8_t *)&mn, NULL, 1};
    b.len = 0;
    CHECK_OK(pq_plain_encode(&lv, &b, &err), &err);
    CHECK(b.len == 8 && b.data[7] == 0x80 && b.data[0] == 0);
    pq_buf_reset(&b);
}

TEST(roundtrip_all_types)
{
    for (size_t ti = 0; ti < N_TYPES; ti++) {
        for (size_t li = 0; li < N_LENGTHS; li++) {
            int64_t n = LENGTHS[li];
            pq_values v, got;
            pq_values_init(&v, TYPES[ti].type, TYPES[ti].type_length, NULL);
            pq_values_init(&got, TYPES[ti].type, TYPES[ti].type_length, NULL);
            fill_random(&v, n);
            pq_values_view view = pq_values_view_of(&v);
            pq_buf b;
            pq_buf_init(&b, NULL);
            pq_error err;
            CHECK_OK(pq_plain_encode(&view, &b, &err), &err);
            uint8_t *copy = exact_copy(b.data, b.len);
            size_t used = 0;
            /* decode twice: the second call appends */
            CHECK_OK(pq_plain_decode(pq_bytes_make(copy, b.len), n, &got, &used, &err), &err);
            CHECK_EQ_I64(used, b.len);
            CHECK_OK(pq_plain_decode(pq_bytes_make(copy, b.len), n, &got, &used, &err), &err);
            CHECK_EQ_I64(got.n, 2 * n);
            pq_values_view gv = pq_values_view_of(&got);
            pq_values_view first = pq_values_view_slice(&gv, 0, n), second = pq_values_view_slice(&gv, n, n);
            CHECK(values_equal(&view, &first));
            CHECK(values_equal(&view, &second));
            if (got.type == PQ_PHYS_BYTE_ARRAY) {
                /* offsets are n + 1 entries, or none at all while n == 0 */
                CHECK_EQ_I64(got.offsets.len, n ? (size_t)(2 * n + 1) * 8 : 0);
                CHECK_EQ_I64(gv.offsets[2 * n], got.data.len);
            } else {
                CHECK_EQ_I64(got.data.len, (size_t)(2 * n) * (size_t)got.width);
            }
            free(copy);
            pq_buf_reset(&b);
            pq_values_reset(&v);
            pq_values_reset(&got);
        }
    }
}

/* Every proper prefix of a PLAIN stream is too short for its n values. */
TEST(truncated_every_byte)
{
    for (size_t ti = 0; ti < N_TYPES; ti++) {
        if (TYPES[ti].type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY && TYPES[ti].type_length == 0) continue;
        pq_values v, got;
        pq_values_init(&v, TYPES[ti].type, TYPES[ti].type_length, NULL);
        pq_values_init(&got, TYPES[ti].type, TYPES[ti].type_length, NULL);
        fill_random(&v, 33);
        if (v.type == PQ_PHYS_BYTE_ARRAY) { /* last value non-empty so its last byte is needed */
            int64_t *off = (int64_t *)(void *)v.offsets.data;
            pq_error e2;
            CHECK_OK(pq_buf_push(&v.data, 'z', &e2), &e2);
            off[33] += 1;
        }
        pq_values_view view = pq_values_view_of(&v);
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_plain_encode(&view, &b, &err), &err);
        int64_t wrong = 0;
        for (size_t k = 0; k < b.len; k++) {
            uint8_t *copy = exact_copy(b.data, k);
            if (pq_plain_decode(pq_bytes_make(copy, k), 33, &got, NULL, &err) != PQ_ERR_CORRUPT) wrong++;
            free(copy);
        }
        CHECK_EQ_I64(wrong, 0);
        CHECK_EQ_I64(got.n, 0); /* failed decodes append nothing */
        pq_buf_reset(&b);
        pq_values_reset(&v);
        pq_values_reset(&got);
    }
}

TEST(hostile_byte_array)
{
    pq_values got;
    pq_values_init(&got, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    pq_error err;
    static const uint8_t huge_len[] = {0xFF, 0xFF, 0xFF, 0xFF, 'a'};
    CHECK_STATUS(pq_plain_decode(pq_bytes_make(huge_len, 5), 1, &got, NULL, &err), PQ_ERR_CORRUPT);
    static const uint8_t neg_len[] = {0x00, 0x00, 0x00, 0x80, 'a'}; /* 2^31: "negative" as i32 */
    CHECK_STATUS(pq_plain_decode(pq_bytes_make(neg_len, 5), 1, &got, NULL, &err), PQ_ERR_CORRUPT);
    /* n far larger than the input could hold: rejected before allocating. */
    static const uint8_t one[] = {0, 0, 0, 0};
    CHECK_STATUS(pq_plain_decode(pq_bytes_make(one, 4), INT64_MAX / 2, &got, NULL, &err), PQ_ERR_CORRUPT);
    CHECK_STATUS(pq_plain_decode(pq_bytes_make(one, 4), -1, &got, NULL, &err), PQ_ERR_INVALID_ARG);
    pq_error_clear(&err);
    static const uint8_t second_bad[] = {1, 0, 0, 0, 'x', 9, 0, 0, 0, 'y'};
    CHECK_STATUS(pq_plain_decode(pq_bytes_make(second_bad, 10), 2, &got, NULL, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "offset 5") != NULL);
    CHECK_EQ_I64(got.n, 0);
    pq_values_reset(&got);
    pq_values i64;
    pq_values_init(&i64, PQ_PHYS_INT64, 0, NULL);
    CHECK_STATUS(pq_plain_decode(pq_bytes_make(one, 4), INT64_MAX, &i64, NULL, &err), PQ_ERR_CORRUPT);
    pq_values_reset(&i64);
}

TEST(encoding_table)
{
    static const struct { pq_encoding e; pq_physical t; bool ok; } cases[] = {
        {PQ_ENC_PLAIN, PQ_PHYS_BOOLEAN, true},
        {PQ_ENC_PLAIN, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, true},
        {PQ_ENC_RLE, PQ_PHYS_BOOLEAN, true},
        {PQ_ENC_RLE, PQ_PHYS_INT32, false},
        {PQ_ENC_BIT_PACKED, PQ_PHYS_BOOLEAN, false},
        {PQ_ENC_RLE_DICTIONARY, PQ_PHYS_BYTE_ARRAY, true},
        {PQ_ENC_PLAIN_DICTIONARY, PQ_PHYS_INT96, true},
        {PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT32, true},
        {PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT64, true},
        {PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_FLOAT, false},
        {PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, true},
        {PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, false},
        {PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, true},
        {PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_INT32, false},
        {PQ_ENC_BYTE_STREAM_SPLIT, PQ_PHYS_DOUBLE, true},
        {PQ_ENC_BYTE_STREAM_SPLIT, PQ_PHYS_INT64, true},
        {PQ_ENC_BYTE_STREAM_SPLIT, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, true},
        {PQ_ENC_BYTE_STREAM_SPLIT, PQ_PHYS_BYTE_ARRAY, false},
        {PQ_ENC_BYTE_STREAM_SPLIT, PQ_PHYS_INT96, false},
        {PQ_ENC_DEFAULT, PQ_PHYS_INT32, false},
        {(pq_encoding)10, PQ_PHYS_DOUBLE, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_EQ_I64(pq_encoding_valid_for(cases[i].e, cases[i].t), cases[i].ok);
}

/* Every encoding x applicable type through the dispatchers. */
TEST(dispatch_roundtrip)
{
    static const pq_encoding encs[] = {PQ_ENC_PLAIN, PQ_ENC_RLE, PQ_ENC_DELTA_BINARY_PACKED,
                                       PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_ENC_DELTA_BYTE_ARRAY,
                                       PQ_ENC_BYTE_STREAM_SPLIT};
    int combos = 0;
    for (size_t ei = 0; ei < sizeof encs / sizeof encs[0]; ei++) {
        for (size_t ti = 0; ti < N_TYPES; ti++) {
            if (!pq_encoding_valid_for(encs[ei], TYPES[ti].type)) continue;
            combos++;
            for (size_t li = 0; li < N_LENGTHS; li++) {
                int64_t n = LENGTHS[li];
                pq_values v, got;
                pq_values_init(&v, TYPES[ti].type, TYPES[ti].type_length, NULL);
                pq_values_init(&got, TYPES[ti].type, TYPES[ti].type_length, NULL);
                fill_random(&v, n);
                pq_values_view view = pq_values_view_of(&v);
                pq_buf b;
                pq_buf_init(&b, NULL);
                pq_error err;
                CHECK_OK(pq_encode_values(encs[ei], &view, &b, &err), &err);
                uint8_t *copy = exact_copy(b.data, b.len);
                CHECK_OK(pq_decode_values(encs[ei], pq_bytes_make(copy, b.len), n, NULL, &got, &err), &err);
                pq_values_view gv = pq_values_view_of(&got);
                CHECK(values_equal(&view, &gv));
                free(copy);
                pq_buf_reset(&b);
                pq_values_reset(&v);
                pq_values_reset(&got);
            }
        }
    }
    CHECK_EQ_I64(combos, 11 + 1 + 2 + 1 + 5 + 8);
}

TEST(dispatch_errors)
{
    pq_values got;
    pq_values_init(&got, PQ_PHYS_INT32, 0, NULL);
    pq_error err;
    static const uint8_t four[] = {1, 0, 0, 0};
    CHECK_STATUS(pq_decode_values((pq_encoding)10, pq_bytes_make(four, 4), 1, NULL, &got, &err), PQ_ERR_UNSUPPORTED);
    CHECK_STATUS(pq_decode_values((pq_encoding)1, pq_bytes_make(four, 4), 1, NULL, &got, &err), PQ_ERR_UNSUPPORTED);
    CHECK_STATUS(pq_decode_values(PQ_ENC_DELTA_BYTE_ARRAY, pq_bytes_make(four, 4), 1, NULL, &got, &err), PQ_ERR_CORRUPT);
    CHECK_STATUS(pq_decode_values(PQ_ENC_BIT_PACKED, pq_bytes_make(four, 4), 1, NULL, &got, &err), PQ_ERR_CORRUPT);
    CHECK_STATUS(pq_decode_values(PQ_ENC_RLE_DICTIONARY, pq_bytes_make(four, 4), 1, NULL, &got, &err), PQ_ERR_CORRUPT);
    CHECK_STATUS(pq_decode_values(PQ_ENC_PLAIN, pq_bytes_make(four, 4), -1, NULL, &got, &err), PQ_ERR_INVALID_ARG);
    CHECK_OK(pq_decode_values(PQ_ENC_PLAIN, pq_bytes_make(four, 4), 1, NULL, &got, &err), &err);
    CHECK_EQ_I64(got.n, 1);
    pq_values_view view = pq_values_view_of(&got);
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_STATUS(pq_encode_values(PQ_ENC_RLE_DICTIONARY, &view, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_encode_values(PQ_ENC_RLE, &view, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_encode_values(PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, &view, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_EQ_I64(b.len, 0);
    pq_buf_reset(&b);
    pq_values_reset(&got);
}

/* Fault injection over a BYTE_ARRAY decode + encode: each allocation in
 * turn fails, with PQ_ERR_NOMEM and no leak. */
TEST(fault_injection)
{
    static const uint8_t wire[] = {2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 1, 0, 0, 0, 'c'};
    int saw_fail = 0;
    for (long k = 1; k < 12; k++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, k);
        pq_values got;
        pq_values_init(&got, PQ_PHYS_BYTE_ARRAY, 0, &a);
        pq_error err;
        pq_status st = pq_plain_decode(pq_bytes_make(wire, sizeof wire), 3, &got, NULL, &err);
        CHECK(st == PQ_OK || (st == PQ_ERR_NOMEM && f.failed));
        if (st == PQ_OK) {
            pq_buf b;
            pq_buf_init(&b, &a);
            pq_values_view view = pq_values_view_of(&got);
            st = pq_plain_encode(&view, &b, &err);
            CHECK(st == PQ_OK || (st == PQ_ERR_NOMEM && f.failed));
            if (st == PQ_OK) CHECK(b.len == sizeof wire && memcmp(b.data, wire, sizeof wire) == 0);
            pq_buf_reset(&b);
        }
        saw_fail += f.failed;
        pq_values_reset(&got);
        CHECK_EQ_I64(f.live, 0);
    }
    CHECK(saw_fail >= 3);
}

int main(void)
{
    RUN(physical_width);
    RUN(values_helpers);
    RUN(known_vectors);
    RUN(roundtrip_all_types);
    RUN(truncated_every_byte);
    RUN(hostile_byte_array);
    RUN(encoding_table);
    RUN(dispatch_roundtrip);
    RUN(dispatch_errors);
    RUN(fault_injection);
    return harness_done();
}
