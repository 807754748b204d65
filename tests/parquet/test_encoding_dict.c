/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_encoding_dict.c - dictionary gather and the writer-side
 * dictionary builder (src/parquet/encoding_dict.c): gather for every value
 * width with bounds checking (the message names the first bad index and the
 * dictionary size), appending; the builder's insertion-order indices, value
 * identity by bits (-0.0 vs 0.0, NaN payloads), many distinct strings with
 * table growth, plain_size against the real PLAIN encoding, clear, type
 * mismatch, fault injection; and the whole write->read path: builder ->
 * pq_dict_indices_encode -> pq_decode_values(RLE_DICTIONARY).
 */
#include "harness.h"
#include "parquet/encoding.h"

static uint64_t rng_state = 0xD1B54A32D192ED03ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Append one BYTE_ARRAY value to v. */
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

/* Append one fixed-width value. */
static void push_fixed(pq_values *v, const void *p)
{
    pq_error err;
    CHECK_OK(pq_buf_append(&v->data, p, (size_t)v->width, &err), &err);
    v->n++;
}

/* Value i of a view as bytes. */
static const uint8_t *value_at(const pq_values_view *v, int64_t i, size_t *len)
{
    if (v->type == PQ_PHYS_BYTE_ARRAY) {
        *len = (size_t)(v->offsets[i + 1] - v->offsets[i]);
        return v->data + v->offsets[i];
    }
    *len = (size_t)v->width;
    return *len ? v->data + (size_t)i * *len : v->data;
}

static bool same_value(const pq_values_view *a, int64_t i, const pq_values_view *b, int64_t j)
{
    size_t la, lb;
    const uint8_t *pa = value_at(a, i, &la), *pb = value_at(b, j, &lb);
    return la == lb && (la == 0 || memcmp(pa, pb, la) == 0);
}

TEST(gather_fixed_widths)
{
    static const struct { pq_physical t; int32_t len; } types[] = {
        {PQ_PHYS_BOOLEAN, 0}, {PQ_PHYS_INT32, 0}, {PQ_PHYS_INT64, 0}, {PQ_PHYS_INT96, 0},
        {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 2}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 5}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 16},
    };
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
        pq_values dict, out;
        pq_values_init(&dict, types[ti].t, types[ti].len, NULL);
        pq_values_init(&out, types[ti].t, types[ti].len, NULL);
        for (int k = 0; k < 37; k++) {
            uint8_t val[16];
            for (int b = 0; b < 16; b++) val[b] = (uint8_t)rnd();
            if (types[ti].t == PQ_PHYS_BOOLEAN) val[0] &= 1;
            push_fixed(&dict, val);
        }
        uint32_t idx[1000];
        for (int i = 0; i < 1000; i++) idx[i] = (uint32_t)(rnd() % 37);
        pq_error err;
        CHECK_OK(pq_dict_gather(&dict, idx, 1000, &out, &err), &err);
        CHECK_OK(pq_dict_gather(&dict, idx, 10, &out, &err), &err); /* appends */
        CHECK_EQ_I64(out.n, 1010);
        pq_values_view dv = pq_values_view_of(&dict), ov = pq_values_view_of(&out);
        int64_t bad = 0;
        for (int i = 0; i < 1010; i++) bad += !same_value(&ov, i, &dv, idx[i % 1000]);
        CHECK_EQ_I64(bad, 0);
        pq_values_reset(&dict);
        pq_values_reset(&out);
    }
}

TEST(gather_bytes)
{
    pq_values dict, out;
    pq_values_init(&dict, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    pq_values_init(&out, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    push_bytes(&dict, "", 0);
    push_bytes(&dict, "alpha", 5);
    push_bytes(&dict, "b", 1);
    push_bytes(&dict, "a much longer string value", 26);
    uint32_t idx[] = {3, 0, 1, 1, 2, 0, 3};
    pq_error err;
    CHECK_OK(pq_dict_gather(&dict, idx, 7, &out, &err), &err);
    pq_values_view dv = pq_values_view_of(&dict), ov = pq_values_view_of(&out);
    CHECK_EQ_I64(out.n, 7);
    for (int i = 0; i < 7; i++) CHECK(same_value(&ov, i, &dv, idx[i]));
    CHECK_EQ_I64(ov.offsets[7], 26 + 5 + 5 + 1 + 26);
    /* all-empty dictionary whose data was never allocated */
    pq_values empty;
    pq_values_init(&empty, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    int64_t z[3] = {0, 0, 0};
    CHECK_OK(pq_buf_append(&empty.offsets, z, sizeof z, &err), &err);
    empty.n = 2;
    CHECK_OK(pq_dict_gather(&empty, idx + 5, 1, &out, &err), &err);
    CHECK_EQ_I64(out.n, 8);
    CHECK_EQ_I64(pq_values_view_of(&out).offsets[8], 63);
    pq_values_reset(&empty);
    pq_values_reset(&dict);
    pq_values_reset(&out);
}

TEST(gather_out_of_range)
{
    pq_values dict, out;
    pq_values_init(&dict, PQ_PHYS_INT32, 0, NULL);
    pq_values_init(&out, PQ_PHYS_INT32, 0, NULL);
    for (int32_t k = 0; k < 5; k++) push_fixed(&dict, &k);
    uint32_t idx[] = {0, 4, 2, 7, 9, 5};
    pq_error err;
    pq_error_clear(&err);
    CHECK_STATUS(pq_dict_gather(&dict, idx, 6, &out, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "found 7 at index 3") != NULL);
    CHECK(strstr(err.message, "size 5") != NULL);
    CHECK_EQ_I64(out.n, 0);
    CHECK_OK(pq_dict_gather(&dict, idx, 3, &out, &err), &err);
    uint32_t top = 0xFFFFFFFFu;
    CHECK_STATUS(pq_dict_gather(&dict, &top, 1, &out, &err), PQ_ERR_CORRUPT);
    /* empty dictionary: any index is out of range; zero indices are fine */
    pq_values none;
    pq_values_init(&none, PQ_PHYS_INT32, 0, NULL);
    CHECK_STATUS(pq_dict_gather(&none, idx, 1, &out, &err), PQ_ERR_CORRUPT);
    CHECK_OK(pq_dict_gather(&none, idx, 0, &out, &err), &err);
    pq_values other;
    pq_values_init(&other, PQ_PHYS_INT64, 0, NULL);
    CHECK_STATUS(pq_dict_gather(&dict, idx, 1, &other, &err), PQ_ERR_INVALID_ARG);
    pq_values_reset(&other);
    pq_values_reset(&none);
    pq_values_reset(&dict);
    pq_values_reset(&out);
}

/* The dictionary and indices a builder produces reconstruct the input. */
static void check_builder_roundtrip(pq_dict_builder *d, const pq_values_view *in, const uint32_t *idx)
{
    pq_values_view dv = pq_dict_builder_values(d);
    int64_t bad = 0;
    for (int64_t i = 0; i < in->n; i++) bad += idx[i] >= (uint32_t)dv.n || !same_value(in, i, &dv, idx[i]);
    CHECK_EQ_I64(bad, 0);
    /* distinct entries: no two dictionary values equal (checked on a sample) */
    for (int64_t i = 0; i + 1 < dv.n && i < 200; i++) CHECK(!same_value(&dv, i, &dv, i + 1));
    /* plain_size is what the dictionary page holds */
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_plain_encode(&dv, &b, &err), &err);
    CHECK_EQ_I64(pq_dict_builder_plain_size(d), b.len);
    pq_buf_reset(&b);
}

TEST(builder_float_bits)
{
    pq_dict_builder *d;
    pq_error err;
    CHECK_OK(pq_dict_builder_create(&d, PQ_PHYS_DOUBLE, 0, NULL, &err), &err);
    uint64_t bits[] = {0x0000000000000000ULL,  /* +0.0 */
                       0x8000000000000000ULL,  /* -0.0 */
                       0x7FF8000000000000ULL,  /* quiet NaN */
                       0x7FF8000000000001ULL,  /* NaN, other payload */
                       0xFFF8000000000000ULL,  /* negative NaN */
                       0x8000000000000000ULL, 0x0000000000000000ULL, 0x7FF8000000000001ULL};
    pq_values_view v = {PQ_PHYS_DOUBLE, 8, (const uint8_t *)bits, NULL, 8};
    uint32_t idx[8];
    CHECK_OK(pq_dict_builder_add(d, &v, idx, &err), &err);
    CHECK_EQ_I64(pq_dict_builder_count(d), 5);
    static const uint32_t expect[] = {0, 1, 2, 3, 4, 1, 0, 3};
    for (int i = 0; i < 8; i++) CHECK_EQ_I64(idx[i], expect[i]);
    pq_values_view dv = pq_dict_builder_values(d);
    CHECK(memcmp(dv.data, bits, 5 * 8) == 0); /* bit-exact, insertion order */
    CHECK_EQ_I64(pq_dict_builder_plain_size(d), 40);
    pq_dict_builder_destroy(d);

    CHECK_OK(pq_dict_builder_create(&d, PQ_PHYS_FLOAT, 0, NULL, &err), &err);
    uint32_t fbits[] = {0x00000000u, 0x80000000u, 0x7FC00000u, 0x7FC00001u, 0x80000000u};
    pq_values_view fv = {PQ_PHYS_FLOAT, 4, (const uint8_t *)fbits, NULL, 5};
    CHECK_OK(pq_dict_builder_add(d, &fv, idx, &err), &err);
    CHECK_EQ_I64(pq_dict_builder_count(d), 4);
    CHECK_EQ_I64(idx[4], 1);
    check_builder_roundtrip(d, &fv, idx);
    pq_dict_builder_destroy(d);
}

TEST(builder_ints_growth)
{
    for (int type = 0; type < 2; type++) {
        pq_physical t = type ? PQ_PHYS_INT64 : PQ_PHYS_INT32;
        int w = type ? 8 : 4;
        int64_t n = 100003;
        uint8_t *data = (uint8_t *)malloc((size_t)n * 8);
        for (int64_t i = 0; i < n; i++) {
            uint64_t x = (i % 3 == 0) ? (uint64_t)(i % 50000) : rnd() % 30000; /* repeats and new values */
            if (i == 7) x = type ? (uint64_t)INT64_MIN : 0x80000000u;
            memcpy(data + i * w, &x, (size_t)w);
        }
        pq_values_view v = {t, w, data, NULL, n};
        uint32_t *idx = (uint32_t *)malloc((size_t)n * sizeof *idx);
        pq_dict_builder *d;
        pq_error err;
        CHECK_OK(pq_dict_builder_create(&d, t, 0, NULL, &err), &err);
        CHECK_OK(pq_dict_builder_add(d, &v, idx, &err), &err);
        CHECK(pq_dict_builder_count(d) > 30000 && pq_dict_builder_count(d) <= 50001);
        CHECK_EQ_I64(idx[0], 0);
        check_builder_roundtrip(d, &v, idx);
        /* adding the same values again yields the same indices, no growth */
        int64_t count = pq_dict_builder_count(d);
        uint32_t *idx2 = (uint32_t *)malloc((size_t)n * sizeof *idx2);
        CHECK_OK(pq_dict_builder_add(d, &v, idx2, &err), &err);
        CHECK_EQ_I64(pq_dict_builder_count(d), count);
        CHECK(memcmp(idx, idx2, (size_t)n * sizeof *idx) == 0);
        /* clear forgets everything */
        pq_dict_builder_clear(d);
        CHECK_EQ_I64(pq_dict_builder_count(d), 0);
        CHECK_EQ_I64(pq_dict_builder_plain_size(d), 0);
        pq_values_view one = {t, w, data + 5 * w, NULL, 1};
        CHECK_OK(pq_dict_builder_add(d, &one, idx2, &err), &err);
        CHECK_EQ_I64(idx2[0], 0);
        CHECK_EQ_I64(pq_dict_builder_count(d), 1);
        pq_dict_builder_destroy(d);
        free(idx2);
        free(idx);
        free(data);
    }
}

TEST(builder_strings)
{
    pq_values v;
    pq_values_init(&v, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    push_bytes(&v, "", 0);
    push_bytes(&v, "a", 1);
    push_bytes(&v, "a\0", 2); /* differs from "a" by length only */
    push_bytes(&v, "", 0);
    for (int i = 0; i < 100003; i++) {
        char s[64];
        int len = snprintf(s, sizeof s, "key-%d-%s", (int)(rnd() % 60000), (i % 5) ? "x" : "a longer suffix ....");
        push_bytes(&v, s, (size_t)len);
    }
    pq_values_view view = pq_values_view_of(&v);
    uint32_t *idx = (uint32_t *)malloc((size_t)v.n * sizeof *idx);
    pq_dict_builder *d;
    pq_error err;
    CHECK_OK(pq_dict_builder_create(&d, PQ_PHYS_BYTE_ARRAY, 0, NULL, &err), &err);
    /* add in two slices to exercise a non-zero offsets[0] */
    pq_values_view a = pq_values_view_slice(&view, 0, 1000), b = pq_values_view_slice(&view, 1000, v.n - 1000);
    CHECK_OK(pq_dict_builder_add(d, &a, idx, &err), &err);
    CHECK_OK(pq_dict_builder_add(d, &b, idx + 1000, &err), &err);
    CHECK_EQ_I64(idx[0], 0);
    CHECK_EQ_I64(idx[1], 1);
    CHECK_EQ_I64(idx[2], 2);
    CHECK_EQ_I64(idx[3], 0);
    CHECK(pq_dict_builder_count(d) > 50000);
    check_builder_roundtrip(d, &view, idx);
    pq_dict_builder_destroy(d);
    free(idx);
    pq_values_reset(&v);
}

/* Strings of every length 0..40 differing in one byte at every position:
 * all distinct (the word-wise tail hash and compare must see each byte),
 * and a second pass finds every one again. */
TEST(builder_one_byte_differences)
{
    pq_values v;
    pq_values_init(&v, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    int64_t expect = 0;
    for (int len = 0; len <= 40; len++) {
        char s[41];
        memset(s, 'x', sizeof s);
        push_bytes(&v, s, (size_t)len);
        expect++;
        for (int p = 0; p < len; p++) {
            s[p] = 'y';
            push_bytes(&v, s, (size_t)len);
            s[p] = 'x';
            expect++;
        }
    }
    pq_values_view view = pq_values_view_of(&v);
    uint32_t *idx = (uint32_t *)malloc((size_t)v.n * sizeof *idx), *again = (uint32_t *)malloc((size_t)v.n * sizeof *again);
    pq_dict_builder *d;
    pq_error err;
    CHECK_OK(pq_dict_builder_create(&d, PQ_PHYS_BYTE_ARRAY, 0, NULL, &err), &err);
    CHECK_OK(pq_dict_builder_add(d, &view, idx, &err), &err);
    CHECK_EQ_I64(pq_dict_builder_count(d), expect);
    CHECK_OK(pq_dict_builder_add(d, &view, again, &err), &err);
    CHECK_EQ_I64(pq_dict_builder_count(d), expect);
    CHECK(memcmp(idx, again, (size_t)v.n * sizeof *idx) == 0);
    for (int64_t i = 0; i < v.n; i++) CHECK_EQ_I64(idx[i], i);
    check_builder_roundtrip(d, &view, idx);
    pq_dict_builder_destroy(d);
    /* the same for FLBA(13): differences at every byte position */
    CHECK_OK(pq_dict_builder_create(&d, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 13, NULL, &err), &err);
    uint8_t keys[14][13];
    memset(keys, 0, sizeof keys);
    for (int p = 0; p < 13; p++) keys[p + 1][p] = 1;
    pq_values_view fv = {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 13, &keys[0][0], NULL, 14};
    CHECK_OK(pq_dict_builder_add(d, &fv, idx, &err), &err);
    CHECK_EQ_I64(pq_dict_builder_count(d), 14);
    pq_dict_builder_destroy(d);
    free(idx);
    free(again);
    pq_values_reset(&v);
}

TEST(builder_other_widths)
{
    static const struct { pq_physical t; int32_t len; } types[] = {
        {PQ_PHYS_BOOLEAN, 0}, {PQ_PHYS_INT96, 0}, {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 3},
        {PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 0},
    };
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
        pq_values v;
        pq_values_init(&v, types[ti].t, types[ti].len, NULL);
        for (int i = 0; i < 5000; i++) {
            uint8_t val[12] = {0};
            for (int b = 0; b < 12; b++) val[b] = (uint8_t)(rnd() % 4);
            if (types[ti].t == PQ_PHYS_BOOLEAN) val[0] &= 1;
            push_fixed(&v, val);
        }
        pq_values_view view = pq_values_view_of(&v);
        uint32_t idx[5000];
        pq_dict_builder *d;
        pq_error err;
        CHECK_OK(pq_dict_builder_create(&d, types[ti].t, types[ti].len, NULL, &err), &err);
        CHECK_OK(pq_dict_builder_add(d, &view, idx, &err), &err);
        if (types[ti].t == PQ_PHYS_BOOLEAN) CHECK_EQ_I64(pq_dict_builder_count(d), 2);
        if (types[ti].len == 0 && types[ti].t == PQ_PHYS_FIXED_LEN_BYTE_ARRAY) CHECK_EQ_I64(pq_dict_builder_count(d), 1);
        check_builder_roundtrip(d, &view, idx);
        pq_values wrong;
        pq_values_init(&wrong, PQ_PHYS_INT32, 0, NULL);
        pq_values_view wv = pq_values_view_of(&wrong);
        CHECK_STATUS(pq_dict_builder_add(d, &wv, idx, &err), PQ_ERR_INVALID_ARG);
        pq_dict_builder_destroy(d);
        pq_values_reset(&v);
    }
    pq_dict_builder *d = NULL;
    pq_error err;
    CHECK_STATUS(pq_dict_builder_create(&d, (pq_physical)9, 0, NULL, &err), PQ_ERR_INVALID_ARG);
    CHECK(d == NULL);
    pq_dict_builder_destroy(NULL);
}

/* Writer -> reader: builder, index stream, dictionary page (PLAIN), then the
 * reader's dispatcher. */
TEST(full_dictionary_path)
{
    pq_values v;
    pq_values_init(&v, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    static const char *words[] = {"buy", "sell", "hold", "", "cancel"};
    for (int i = 0; i < 10000; i++) {
        const char *w = words[(i / 50 + (int)(rnd() % 2)) % 5];
        push_bytes(&v, w, strlen(w));
    }
    pq_values_view view = pq_values_view_of(&v);
    uint32_t idx[10000];
    pq_dict_builder *d;
    pq_error err;
    CHECK_OK(pq_dict_builder_create(&d, PQ_PHYS_BYTE_ARRAY, 0, NULL, &err), &err);
    CHECK_OK(pq_dict_builder_add(d, &view, idx, &err), &err);
    pq_buf page, dpage;
    pq_buf_init(&page, NULL);
    pq_buf_init(&dpage, NULL);
    CHECK_OK(pq_dict_indices_encode(idx, 10000, (uint32_t)pq_dict_builder_count(d), &page, &err), &err);
    pq_values_view dv = pq_dict_builder_values(d);
    CHECK_OK(pq_plain_encode(&dv, &dpage, &err), &err);
    CHECK_EQ_I64(dpage.len, pq_dict_builder_plain_size(d));
    pq_values dict, out;
    pq_values_init(&dict, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    pq_values_init(&out, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    CHECK_OK(pq_plain_decode(pq_bytes_make(dpage.data, dpage.len), pq_dict_builder_count(d), &dict, NULL, &err), &err);
    CHECK_OK(pq_decode_values(PQ_ENC_RLE_DICTIONARY, pq_bytes_make(page.data, page.len), 10000, &dict, &out, &err), &err);
    CHECK_OK(pq_decode_values(PQ_ENC_PLAIN_DICTIONARY, pq_bytes_make(page.data, page.len), 10, &dict, &out, &err), &err);
    CHECK_EQ_I64(out.n, 10010);
    pq_values_view ov = pq_values_view_of(&out);
    int64_t bad = 0;
    for (int i = 0; i < 10010; i++) bad += !same_value(&ov, i, &view, i % 10000);
    CHECK_EQ_I64(bad, 0);
    /* an index past the dictionary: corrupt */
    page.data[page.len - 1] ^= 0xFF;
    pq_values small;
    pq_values_init(&small, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    CHECK_OK(pq_plain_decode(pq_bytes_make(dpage.data, dpage.len), 2, &small, NULL, &err), &err);
    CHECK_STATUS(pq_decode_values(PQ_ENC_RLE_DICTIONARY, pq_bytes_make(page.data, page.len), 10000, &small, &out, &err),
                 PQ_ERR_CORRUPT);
    pq_values_reset(&small);
    pq_values_reset(&dict);
    pq_values_reset(&out);
    pq_buf_reset(&page);
    pq_buf_reset(&dpage);
    pq_dict_builder_destroy(d);
    pq_values_reset(&v);
}

/* Each allocation of create/add fails in turn: PQ_ERR_NOMEM, no leak, and
 * the indices handed out before the failure stay valid. */
TEST(fault_injection)
{
    int64_t vals[3000];
    for (int i = 0; i < 3000; i++) vals[i] = (int64_t)(rnd() % 1500);
    pq_values_view v = {PQ_PHYS_INT64, 8, (const uint8_t *)vals, NULL, 3000};
    int failures = 0;
    for (long k = 1; k < 40; k++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, k);
        pq_dict_builder *d = NULL;
        pq_error err;
        uint32_t idx[3000];
        pq_status st = pq_dict_builder_create(&d, PQ_PHYS_INT64, 0, &a, &err);
        if (st == PQ_OK) st = pq_dict_builder_add(d, &v, idx, &err);
        CHECK(st == PQ_OK || (st == PQ_ERR_NOMEM && f.failed));
        if (st == PQ_OK) check_builder_roundtrip(d, &v, idx);
        failures += f.failed;
        pq_dict_builder_destroy(d);
        CHECK_EQ_I64(f.live, 0);
    }
    CHECK(failures > 5);
}

int main(void)
{
    RUN(gather_fixed_widths);
    RUN(gather_bytes);
    RUN(gather_out_of_range);
    RUN(builder_float_bits);
    RUN(builder_ints_growth);
    RUN(builder_strings);
    RUN(builder_one_byte_differences);
    RUN(builder_other_widths);
    RUN(full_dictionary_path);
    RUN(fault_injection);
    return harness_done();
}
