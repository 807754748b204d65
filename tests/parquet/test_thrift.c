/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_thrift.c - unit tests of the Thrift compact protocol
 * primitives (src/parquet/thrift.c): value round trips at the boundaries of
 * every width, exact wire bytes of the short and long header forms, the
 * EOF / CORRUPT / LIMIT classification of bad input, the sticky first-error
 * rule, skipping of nested unknown values with the depth bound, and the
 * writer's out-of-memory and misuse paths (fault-injecting allocator).
 */
#include "parquet/thrift.h"

#include <math.h>

#include "harness.h"

/* A reader over raw bytes with a cleared error record. */
static void reader_on(pq_thrift_reader *r, const uint8_t *p, size_t n, int32_t depth, pq_error *err)
{
    pq_error_clear(err);
    pq_thrift_reader_init(r, pq_bytes_make(p, n), depth, err);
}

/* ------------------------------------------------------------ varints */

TEST(varint_round_trip)
{
    static const struct {
        uint64_t v;
        size_t bytes;
    } cases[] = {
        {0, 1}, {1, 1}, {127, 1}, {128, 2}, {16383, 2}, {16384, 3}, {(1u << 21) - 1, 3},
        {UINT32_MAX, 5}, {(uint64_t)1 << 35, 6}, {(uint64_t)INT64_MAX, 9}, {(uint64_t)1 << 63, 10},
        {UINT64_MAX, 10},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        pq_thrift_writer w;
        pq_thrift_writer_init(&w, &b, &err);
        pq_thrift_write_varint(&w, cases[i].v);
        CHECK_OK(w.status, &err);
        CHECK_EQ_I64(b.len, cases[i].bytes);
        pq_thrift_reader r;
        reader_on(&r, b.data, b.len, 0, &err);
        uint64_t got = pq_thrift_read_varint(&r);
        CHECK_OK(r.status, &err);
        CHECK(got == cases[i].v);
        CHECK_EQ_I64(pq_thrift_offset(&r), cases[i].bytes);
        /* Every strict prefix ends inside the varint: EOF, never CORRUPT. */
        for (size_t cut = 0; cut < b.len; cut++) {
            reader_on(&r, b.data, cut, 0, &err);
            (void)pq_thrift_read_varint(&r);
            CHECK_STATUS(r.status, PQ_ERR_EOF);
        }
        pq_buf_reset(&b);
    }
}

TEST(varint_too_long)
{
    pq_error err;
    pq_thrift_reader r;
    /* 11 bytes of continuation: more than 64 bits. */
    static const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    reader_on(&r, eleven, sizeof eleven, 0, &err);
    CHECK(pq_thrift_read_varint(&r) == 0);
    CHECK_STATUS(r.status, PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "at offset") != NULL);
    /* The 10th byte may carry only bit 63. */
    static const uint8_t bit64[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    reader_on(&r, bit64, sizeof bit64, 0, &err);
    (void)pq_thrift_read_varint(&r);
    CHECK_STATUS(r.status, PQ_ERR_CORRUPT);
    static const uint8_t max[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    reader_on(&r, max, sizeof max, 0, &err);
    CHECK(pq_thrift_read_varint(&r) == UINT64_MAX);
    CHECK_OK(r.status, &err);
}

TEST(zigzag_round_trip)
{
    static const int64_t v64[] = {0, 1, -1, 63, -64, 64, INT32_MAX, INT32_MIN, (int64_t)INT32_MAX + 1,
                                  INT64_MAX, INT64_MIN, INT64_MIN + 1};
    for (size_t i = 0; i < sizeof v64 / sizeof v64[0]; i++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        pq_thrift_writer w;
        pq_thrift_writer_init(&w, &b, &err);
        pq_thrift_write_i64(&w, v64[i]);
        CHECK_OK(w.status, &err);
        pq_thrift_reader r;
        reader_on(&r, b.data, b.len, 0, &err);
        CHECK_EQ_I64(pq_thrift_read_i64(&r), v64[i]);
        CHECK_OK(r.status, &err);
        /* As i32: in range iff it fits. */
        reader_on(&r, b.data, b.len, 0, &err);
        int32_t v32 = pq_thrift_read_i32(&r);
        if (v64[i] >= INT32_MIN && v64[i] <= INT32_MAX) {
            CHECK_OK(r.status, &err);
            CHECK_EQ_I64(v32, v64[i]);
        } else {
            CHECK_STATUS(r.status, PQ_ERR_CORRUPT);
            CHECK(strstr(err.message, "expected an i32") != NULL);
        }
        reader_on(&r, b.data, b.len, 0, &err);
        int16_t v16 = pq_thrift_read_i16(&r);
        if (v64[i] >= INT16_MIN && v64[i] <= INT16_MAX) {
            CHECK_OK(r.status, &err);
            CHECK_EQ_I64(v16, v64[i]);
        } else {
            CHECK_STATUS(r.status, PQ_ERR_CORRUPT);
        }
        pq_buf_reset(&b);
    }
    /* Known encodings: zigzag(-1) = 1, zigzag(1) = 2, zigzag(-64) = 127. */
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &b, NULL);
    pq_thrift_write_i32(&w, -1);
    pq_thrift_write_i32(&w, 1);
    pq_thrift_write_i32(&w, -64);
    pq_thrift_write_i32(&w, 64);
    static const uint8_t want[] = {0x01, 0x02, 0x7f, 0x80, 0x01};
    CHECK_EQ_I64(b.len, sizeof want);
    CHECK(b.len == sizeof want && memcmp(b.data, want, sizeof want) == 0);
    pq_buf_reset(&b);
}

/* ------------------------------------------------------ fixed / binary */

TEST(double_and_byte_round_trip)
{
    static const double vals[] = {0.0, -0.0, 1.5, -3.25e300, 5e-324, INFINITY, -INFINITY};
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &b, &err);
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) pq_thrift_write_double(&w, vals[i]);
    pq_thrift_write_double(&w, NAN);
    pq_thrift_write_byte(&w, -128);
    pq_thrift_write_byte(&w, 127);
    CHECK_OK(w.status, &err);
    CHECK_EQ_I64(b.len, 8 * 8 + 2);
    pq_thrift_reader r;
    reader_on(&r, b.data, b.len, 0, &err);
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double d = pq_thrift_read_double(&r);
        CHECK(memcmp(&d, &vals[i], 8) == 0); /* bit-exact, -0.0 included */
    }
    CHECK(isnan(pq_thrift_read_double(&r)));
    CHECK_EQ_I64(pq_thrift_read_byte(&r), -128);
    CHECK_EQ_I64(pq_thrift_read_byte(&r), 127);
    CHECK_OK(r.status, &err);
    CHECK_EQ_I64(pq_thrift_remaining(&r), 0);
    /* A double needs 8 bytes. */
    reader_on(&r, b.data, 7, 0, &err);
    CHECK(pq_thrift_read_double(&r) == 0.0);
    CHECK_STATUS(r.status, PQ_ERR_EOF);
    reader_on(&r, b.data, 0, 0, &err);
    (void)pq_thrift_read_byte(&r);
    CHECK_STATUS(r.status, PQ_ERR_EOF);
    pq_buf_reset(&b);
}

TEST(binary_round_trip_and_bounds)
{
    static const size_t lens[] = {0, 1, 127, 128, 5000};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        uint8_t *src = malloc(lens[i] + 1);
        for (size_t k = 0; k < lens[i]; k++) src[k] = (uint8_t)(k * 7 + i);
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        pq_thrift_writer w;
        pq_thrift_writer_init(&w, &b, &err);
        pq_thrift_write_binary(&w, src, lens[i]);
        CHECK_OK(w.status, &err);
        pq_thrift_reader r;
        reader_on(&r, b.data, b.len, 0, &err);
        pq_bytes got = pq_thrift_read_binary(&r);
        CHECK_OK(r.status, &err);
        CHECK_EQ_I64(got.len, lens[i]);
        CHECK(got.len == 0 || memcmp(got.ptr, src, got.len) == 0);
        CHECK(got.len == 0 || got.ptr == b.data + (b.len - lens[i])); /* borrowed, not copied */
        if (lens[i] > 0) {
            reader_on(&r, b.data, b.len - 1, 0, &err);
            got = pq_thrift_read_binary(&r);
            CHECK_STATUS(r.status, PQ_ERR_EOF);
            CHECK(got.ptr == NULL && got.len == 0);
        }
        pq_buf_reset(&b);
        free(src);
    }
    /* A length beyond int32 is corrupt whatever follows. */
    static const uint8_t huge[] = {0x80, 0x80, 0x80, 0x80, 0x08, 'x'};
    pq_error err;
    pq_thrift_reader r;
    reader_on(&r, huge, sizeof huge, 0, &err);
    (void)pq_thrift_read_binary(&r);
    CHECK_STATUS(r.status, PQ_ERR_CORRUPT);
    /* 2^31 - 1: valid length, but only 1 byte follows: EOF. */
    static const uint8_t big[] = {0xff, 0xff, 0xff, 0xff, 0x07, 'x'};
    reader_on(&r, big, sizeof big, 0, &err);
    (void)pq_thrift_read_binary(&r);
    CHECK_STATUS(r.status, PQ_ERR_EOF);
    CHECK_EQ_I64(err.where.offset, 0);
}

/* ---------------------------------------------------------- field headers */

TEST(field_header_forms)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &b, &err);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_i32_field(&w, 1, 5);        /* delta 1: 0x15 0x0a */
    pq_thrift_write_bool_field(&w, 16, true);   /* delta 15: 0xf1 */
    pq_thrift_write_bool_field(&w, 17, false);  /* delta 1: 0x12 */
    pq_thrift_write_i64_field(&w, 300, -1);     /* long: 0x06 0xd8 0x04 0x01 */
    pq_thrift_write_i32_field(&w, 2, 7);        /* decreasing: long 0x05 0x04 0x0e */
    pq_thrift_write_i16_field(&w, 32767, -300); /* long: 0x04 0xfe 0xff 0x03, value 0xd7 0x04 */
    pq_thrift_write_binary_field(&w, -5, "ab", 2); /* negative id: long 0x08 0x09 */
    pq_thrift_write_struct_end(&w);
    CHECK_OK(w.status, &err);
    static const uint8_t want[] = {0x15, 0x0a, 0xf1, 0x12, 0x06, 0xd8, 0x04, 0x01, 0x05, 0x04, 0x0e, 0x04,
                                   0xfe, 0xff, 0x03, 0xd7, 0x04, 0x08, 0x09, 0x02, 'a',  'b',  0x00};
    CHECK_EQ_I64(b.len, sizeof want);
    CHECK(b.len == sizeof want && memcmp(b.data, want, sizeof want) == 0);

    pq_thrift_reader r;
    reader_on(&r, b.data, b.len, 0, &err);
    pq_thrift_frame f;
    pq_thrift_field fh;
    pq_thrift_struct_begin(&r, "T", &f);
    CHECK(pq_thrift_read_field(&r, &f, &fh) && fh.id == 1 && fh.type == PQ_TT_I32);
    CHECK_EQ_I64(pq_thrift_read_i32(&r), 5);
    CHECK(pq_thrift_read_field(&r, &f, &fh) && fh.id == 16 && fh.type == PQ_TT_BOOL_TRUE && fh.bval);
    CHECK(pq_thrift_read_field(&r, &f, &fh) && fh.id == 17 && fh.type == PQ_TT_BOOL_FALSE && !fh.bval);
    CHECK(pq_thrift_read_field(&r, &f, &fh) && fh.id == 300 && fh.type == PQ_TT_I64);
    CHECK_EQ_I64(pq_thrift_read_i64(&r), -1);
    CHECK(pq_thrift_read_field(&r, &f, &fh) && fh.id == 2);
    CHECK_EQ_I64(pq_thrift_read_i32(&r), 7);
    CHECK(pq_thrift_read_field(&r, &f, &fh) && fh.id == 32767 && fh.type == PQ_TT_I16);
    CHECK_EQ_I64(pq_thrift_read_i16(&r), -300);
    CHECK(pq_thrift_read_field(&r, &f, &fh) && fh.id == -5 && fh.type == PQ_TT_BINARY);
    pq_bytes s = pq_thrift_read_binary(&r);
    CHECK(s.len == 2 && memcmp(s.ptr, "ab", 2) == 0);
    CHECK(!pq_thrift_read_field(&r, &f, &fh));
    CHECK_OK(r.status, &err);
    CHECK_EQ_I64(fh.type, PQ_TT_STOP);
    CHECK_EQ_I64(pq_thrift_remaining(&r), 0);
    pq_buf_reset(&b);
}

TEST(field_header_errors)
{
    static const struct {
        const char *name;
        uint8_t bytes[8];
        size_t n;
        pq_status want;
    } cases[] = {
        {"empty input", {0}, 0, PQ_ERR_EOF},
        {"type nibble 13", {0x1d}, 1, PQ_ERR_CORRUPT},
        {"type nibble 15", {0x1f}, 1, PQ_ERR_CORRUPT},
        {"long form, id missing", {0x05}, 1, PQ_ERR_EOF},
        {"long form, id beyond i16", {0x05, 0x80, 0x80, 0x04}, 4, PQ_ERR_CORRUPT},
        {"delta past 32767", {0x05, 0xfe, 0xff, 0x03, 0x00, 0x15}, 6, PQ_ERR_CORRUPT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        harness_case = cases[i].name;
        pq_error err;
        pq_thrift_reader r;
        reader_on(&r, cases[i].bytes, cases[i].n, 0, &err);
        pq_thrift_frame f;
        pq_thrift_field fh;
        pq_thrift_struct_begin(&r, "T", &f);
        while (pq_thrift_read_field(&r, &f, &fh)) (void)pq_thrift_skip(&r, fh.type);
        CHECK_STATUS(r.status, cases[i].want);
        CHECK(strncmp(err.message, "T", 1) == 0);
    }
    harness_case = "field_header_errors";
    /* Like Apache Thrift, any byte with type nibble 0 ends a struct. */
    static const uint8_t stop[] = {0x70};
    pq_error err;
    pq_thrift_reader r;
    reader_on(&r, stop, 1, 0, &err);
    pq_thrift_frame f;
    pq_thrift_field fh;
    pq_thrift_struct_begin(&r, "T", &f);
    CHECK(!pq_thrift_read_field(&r, &f, &fh));
    CHECK_OK(r.status, &err);
}

/* --------------------------------------------------------------- lists */

TEST(list_header_forms)
{
    static const struct {
        int32_t count;
        uint8_t bytes[4];
        size_t n;
    } cases[] = {
        {0, {0x05}, 1},          {1, {0x15}, 1},          {14, {0xe5}, 1},
        {15, {0xf5, 0x0f}, 2},   {300, {0xf5, 0xac, 0x02}, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        pq_thrift_writer w;
        pq_thrift_writer_init(&w, &b, &err);
        pq_thrift_write_list(&w, PQ_TT_I32, cases[i].count);
        CHECK_EQ_I64(b.len, cases[i].n);
        CHECK(b.len == cases[i].n && memcmp(b.data, cases[i].bytes, b.len) == 0);
        for (int32_t k = 0; k < cases[i].count; k++) pq_thrift_write_i32(&w, k - 150);
        CHECK_OK(w.status, &err);
        pq_thrift_reader r;
        reader_on(&r, b.data, b.len, 0, &err);
        uint8_t et;
        int32_t n;
        CHECK(pq_thrift_read_list(&r, &et, &n));
        CHECK_EQ_I64(n, cases[i].count);
        CHECK_EQ_I64(et, PQ_TT_I32);
        for (int32_t k = 0; k < n; k++) CHECK_EQ_I64(pq_thrift_read_i32(&r), k - 150);
        CHECK_OK(r.status, &err);
        CHECK_EQ_I64(pq_thrift_remaining(&r), 0);
        pq_buf_reset(&b);
    }
}

TEST(list_header_errors)
{
    static const struct {
        const char *name;
        uint8_t bytes[8];
        size_t n;
        pq_status want;
    } cases[] = {
        {"no header", {0}, 0, PQ_ERR_EOF},
        {"3 elements, 2 bytes", {0x35, 0x02, 0x04}, 3, PQ_ERR_EOF},
        {"long count missing", {0xf5}, 1, PQ_ERR_EOF},
        {"long count > remaining", {0xf5, 0x10, 1, 2, 3}, 5, PQ_ERR_EOF},
        {"count beyond int32", {0xf5, 0x80, 0x80, 0x80, 0x80, 0x08}, 6, PQ_ERR_CORRUPT},
        {"element type 13", {0x1d, 0x00}, 2, PQ_ERR_CORRUPT},
        {"element type 0", {0x10, 0x00}, 2, PQ_ERR_CORRUPT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        harness_case = cases[i].name;
        pq_error err;
        pq_thrift_reader r;
        reader_on(&r, cases[i].bytes, cases[i].n, 0, &err);
        uint8_t et;
        int32_t n;
        CHECK(!pq_thrift_read_list(&r, &et, &n));
        CHECK_STATUS(r.status, cases[i].want);
        CHECK_EQ_I64(n, 0);
    }
    harness_case = "list_header_errors";
    /* An empty list may carry element type 0 (seen in the wild). */
    static const uint8_t empty0[] = {0x00};
    pq_error err;
    pq_thrift_reader r;
    reader_on(&r, empty0, 1, 0, &err);
    uint8_t et;
    int32_t n;
    CHECK(pq_thrift_read_list(&r, &et, &n));
    CHECK_EQ_I64(n, 0);
}

TEST(bool_list)
{
    /* Written as 1/2; read 1 true, 0 and 2 false, others corrupt. */
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &b, &err);
    pq_thrift_write_list(&w, PQ_TT_BOOL_TRUE, 3);
    pq_thrift_write_list_bool(&w, true);
    pq_thrift_write_list_bool(&w, false);
    pq_thrift_write_list_bool(&w, true);
    static const uint8_t want[] = {0x31, 0x01, 0x02, 0x01};
    CHECK(b.len == sizeof want && memcmp(b.data, want, sizeof want) == 0);
    pq_buf_reset(&b);

    static const uint8_t in[] = {0x42, 0x00, 0x01, 0x02, 0x01};
    pq_thrift_reader r;
    reader_on(&r, in, sizeof in, 0, &err);
    uint8_t et;
    int32_t n;
    CHECK(pq_thrift_read_list(&r, &et, &n) && n == 4 && et == PQ_TT_BOOL_FALSE);
    CHECK(!pq_thrift_read_list_bool(&r));
    CHECK(pq_thrift_read_list_bool(&r));
    CHECK(!pq_thrift_read_list_bool(&r));
    CHECK(pq_thrift_read_list_bool(&r));
    CHECK_OK(r.status, &err);
    static const uint8_t bad[] = {0x11, 0x03};
    reader_on(&r, bad, sizeof bad, 0, &err);
    CHECK(pq_thrift_read_list(&r, &et, &n));
    CHECK(!pq_thrift_read_list_bool(&r));
    CHECK_STATUS(r.status, PQ_ERR_CORRUPT);
    CHECK_EQ_I64(err.where.offset, 1);
}

TEST(map_header)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &b, &err);
    pq_thrift_write_map(&w, PQ_TT_BINARY, PQ_TT_I64, 2);
    pq_thrift_write_binary(&w, "k", 1);
    pq_thrift_write_i64(&w, -9);
    pq_thrift_write_binary(&w, "", 0);
    pq_thrift_write_i64(&w, 9);
    pq_thrift_write_map(&w, PQ_TT_I32, PQ_TT_I32, 0);
    CHECK_OK(w.status, &err);
    static const uint8_t want[] = {0x02, 0x86, 0x01, 'k', 0x11, 0x00, 0x12, 0x00};
    CHECK(b.len == sizeof want && memcmp(b.data, want, sizeof want) == 0);
    pq_thrift_reader r;
    reader_on(&r, b.data, b.len, 0, &err);
    uint8_t kt, vt;
    int32_t n;
    CHECK(pq_thrift_read_map(&r, &kt, &vt, &n) && n == 2 && kt == PQ_TT_BINARY && vt == PQ_TT_I64);
    CHECK(pq_thrift_skip_elem(&r, kt) && pq_thrift_read_i64(&r) == -9);
    CHECK(pq_thrift_skip_elem(&r, kt) && pq_thrift_read_i64(&r) == 9);
    CHECK(pq_thrift_read_map(&r, &kt, &vt, &n) && n == 0 && kt == 0 && vt == 0);
    CHECK_OK(r.status, &err);
    /* Two entries need at least four bytes. */
    reader_on(&r, b.data, 4, 0, &err);
    CHECK(!pq_thrift_read_map(&r, &kt, &vt, &n));
    CHECK_STATUS(r.status, PQ_ERR_EOF);
    static const uint8_t bad_types[] = {0x01, 0xd5, 0, 0};
    reader_on(&r, bad_types, sizeof bad_types, 0, &err);
    CHECK(!pq_thrift_read_map(&r, &kt, &vt, &n));
    CHECK_STATUS(r.status, PQ_ERR_CORRUPT);
    pq_buf_reset(&b);
}

/* ------------------------------------------------------------- skipping */

/* struct { 1: i32 7, 2: <nested unknown>, 3: i32 9 }: reading 1 and 3 must
 * skip field 2 whatever it holds. */
static void write_nested_unknown(pq_thrift_writer *w)
{
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_i32_field(w, 1, 7);
    pq_thrift_write_field(w, PQ_TT_STRUCT, 2);
    pq_thrift_write_struct_begin(w);
    {
        pq_thrift_write_field(w, PQ_TT_LIST, 1); /* list<struct{map<binary, list<i64>>, bool}> */
        pq_thrift_write_list(w, PQ_TT_STRUCT, 2);
        for (int i = 0; i < 2; i++) {
            pq_thrift_write_struct_begin(w);
            pq_thrift_write_field(w, PQ_TT_MAP, 1);
            pq_thrift_write_map(w, PQ_TT_BINARY, PQ_TT_LIST, 1);
            pq_thrift_write_binary(w, "key", 3);
            pq_thrift_write_list(w, PQ_TT_I64, 20);
            for (int k = 0; k < 20; k++) pq_thrift_write_i64(w, (int64_t)k << 40);
            pq_thrift_write_bool_field(w, 2, i == 0);
            pq_thrift_write_struct_end(w);
        }
        pq_thrift_write_field(w, PQ_TT_DOUBLE, 2);
        pq_thrift_write_double(w, 2.5);
        pq_thrift_write_field(w, PQ_TT_SET, 3);
        pq_thrift_write_list(w, PQ_TT_BOOL_TRUE, 3);
        for (int k = 0; k < 3; k++) pq_thrift_write_list_bool(w, k & 1);
        pq_thrift_write_field(w, PQ_TT_BYTE, 400);
        pq_thrift_write_byte(w, -3);
        pq_thrift_write_field(w, PQ_TT_MAP, 401);
        pq_thrift_write_map(w, PQ_TT_I32, PQ_TT_STRUCT, 0);
    }
    pq_thrift_write_struct_end(w);
    pq_thrift_write_i32_field(w, 3, 9);
    pq_thrift_write_struct_end(w);
}

TEST(skip_nested_unknown)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &b, &err);
    write_nested_unknown(&w);
    CHECK_OK(w.status, &err);
    CHECK_EQ_I64(w.depth, 0);
    pq_thrift_reader r;
    reader_on(&r, b.data, b.len, 0, &err);
    pq_thrift_frame f;
    pq_thrift_field fh;
    int32_t got1 = 0, got3 = 0, skipped = 0;
    pq_thrift_struct_begin(&r, "Outer", &f);
    while (pq_thrift_read_field(&r, &f, &fh)) {
        if (fh.id == 1) got1 = pq_thrift_read_i32(&r);
        else if (fh.id == 3) got3 = pq_thrift_read_i32(&r);
        else skipped += pq_thrift_skip(&r, fh.type);
    }
    CHECK_OK(r.status, &err);
    CHECK_EQ_I64(got1, 7);
    CHECK_EQ_I64(got3, 9);
    CHECK_EQ_I64(skipped, 1);
    CHECK_EQ_I64(pq_thrift_remaining(&r), 0);
    /* The whole thing skips as one struct, and each cut gives EOF. */
    reader_on(&r, b.data, b.len, 0, &err);
    CHECK(pq_thrift_skip(&r, PQ_TT_STRUCT));
    CHECK_EQ_I64(pq_thrift_remaining(&r), 0);
    for (size_t cut = 0; cut < b.len; cut++) {
        reader_on(&r, b.data, cut, 0, &err);
        CHECK(!pq_thrift_skip(&r, PQ_TT_STRUCT));
        CHECK_STATUS(r.status, PQ_ERR_EOF);
    }
    pq_buf_reset(&b);
}

/* A value of type `kind` nested `levels` deep (the value itself is level
 * 1): structs holding field 1 = the next struct, or lists holding one list. */
static size_t build_nesting(uint8_t *p, int levels, uint8_t kind)
{
    size_t k = 0;
    if (kind == PQ_TT_STRUCT) {
        for (int i = 1; i < levels; i++) p[k++] = 0x1c; /* field 1: struct */
        for (int i = 0; i < levels; i++) p[k++] = 0x00;
    } else {
        for (int i = 1; i < levels; i++) p[k++] = 0x19; /* list of 1 list */
        p[k++] = 0x05;                                   /* innermost: empty list<i32> */
    }
    return k;
}

/* Skip one value of `kind` from buf[0..n) with skip depth `depth`. */
static pq_status skip_with_depth(const uint8_t *buf, size_t n, uint8_t kind, int32_t depth)
{
    pq_error err;
    pq_thrift_reader r;
    reader_on(&r, buf, n, depth, &err);
    bool ok = pq_thrift_skip(&r, kind);
    if (ok != (r.status == PQ_OK)) return PQ_ERR_INTERNAL;
    if (ok && pq_thrift_remaining(&r) != 0) return PQ_ERR_INTERNAL;
    return r.status;
}

TEST(skip_depth_limit)
{
    static uint8_t buf[4096];
    static const uint8_t kinds[] = {PQ_TT_STRUCT, PQ_TT_LIST};
    for (size_t t = 0; t < 2; t++) {
        size_t n = build_nesting(buf, 100, kinds[t]);
        CHECK_STATUS(skip_with_depth(buf, n, kinds[t], 0), PQ_ERR_LIMIT); /* default 64 */
        CHECK_STATUS(skip_with_depth(buf, n, kinds[t], 100), PQ_OK);
        n = build_nesting(buf, 64, kinds[t]);
        CHECK_STATUS(skip_with_depth(buf, n, kinds[t], 0), PQ_OK);
        n = build_nesting(buf, 10, kinds[t]);
        CHECK_STATUS(skip_with_depth(buf, n, kinds[t], 10), PQ_OK);
        CHECK_STATUS(skip_with_depth(buf, n, kinds[t], 9), PQ_ERR_LIMIT);
    }
    /* Deep nesting far beyond any stack: rejected at the bound, no crash. */
    uint8_t *deep = malloc(200000);
    memset(deep, 0x1c, 200000);
    CHECK_STATUS(skip_with_depth(deep, 200000, PQ_TT_STRUCT, 0), PQ_ERR_LIMIT);
    free(deep);
}

/* --------------------------------------------------------------- errors */

TEST(sticky_first_error)
{
    static const uint8_t in[] = {0x15, 0x80}; /* field 1 i32, truncated varint */
    pq_error err;
    pq_thrift_reader r;
    reader_on(&r, in, sizeof in, 0, &err);
    pq_thrift_frame f;
    pq_thrift_field fh;
    pq_thrift_struct_begin(&r, "Thing", &f);
    CHECK(pq_thrift_read_field(&r, &f, &fh));
    r.fname = "size";
    CHECK_EQ_I64(pq_thrift_read_i32(&r), 0);
    CHECK_STATUS(r.status, PQ_ERR_EOF);
    CHECK_EQ_STR(err.message, "Thing.size: expected varint, found end of input at offset 1");
    CHECK_EQ_I64(err.where.offset, 1);
    CHECK_EQ_I64(err.code, PQ_ERR_EOF);
    /* Later failures keep the first message, code and offset. */
    CHECK_EQ_I64(pq_thrift_remaining(&r), 0);
    CHECK(!pq_thrift_read_field(&r, &f, &fh));
    (void)pq_thrift_read_double(&r);
    pq_thrift_fail(&r, PQ_ERR_CORRUPT, 99, "another problem");
    CHECK_STATUS(r.status, PQ_ERR_EOF);
    CHECK_EQ_STR(err.message, "Thing.size: expected varint, found end of input at offset 1");
    CHECK_EQ_I64(err.where.offset, 1);
    /* Without a field name the id is given. */
    reader_on(&r, in, sizeof in, 0, &err);
    pq_thrift_struct_begin(&r, "Thing", &f);
    CHECK(pq_thrift_read_field(&r, &f, &fh));
    (void)pq_thrift_read_i32(&r);
    CHECK_EQ_STR(err.message, "Thing field 1: expected varint, found end of input at offset 1");
    /* A NULL error record is allowed. */
    pq_thrift_reader_init(&r, pq_bytes_make(in + 1, 1), 0, NULL);
    (void)pq_thrift_read_i64(&r);
    CHECK_STATUS(r.status, PQ_ERR_EOF);
}

TEST(type_names)
{
    CHECK_EQ_STR(pq_thrift_type_name(PQ_TT_I32), "i32");
    CHECK_EQ_STR(pq_thrift_type_name(PQ_TT_STRUCT), "struct");
    CHECK_EQ_STR(pq_thrift_type_name(13), "unknown type");
}

/* ---------------------------------------------------------------- writer */

TEST(writer_nomem)
{
    /* Every failing allocation point gives NOMEM, sticky, and no leak. */
    int saw_ok = 0;
    for (long n = 1; n < 20 && !saw_ok; n++) {
        harness_fault fault;
        pq_allocator a = harness_fault_allocator(&fault, n);
        pq_buf b;
        pq_buf_init(&b, &a);
        pq_error err;
        pq_error_clear(&err);
        pq_thrift_writer w;
        pq_thrift_writer_init(&w, &b, &err);
        write_nested_unknown(&w);
        static char big[300];
        pq_thrift_write_binary(&w, big, sizeof big); /* forces a regrowth */
        if (fault.failed) {
            CHECK_STATUS(w.status, PQ_ERR_NOMEM);
            CHECK_EQ_I64(err.code, PQ_ERR_NOMEM);
        } else {
            CHECK_OK(w.status, &err);
            saw_ok = 1;
        }
        pq_buf_reset(&b);
        CHECK_EQ_I64(fault.live, 0);
    }
    CHECK(saw_ok);
}

TEST(writer_misuse)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    pq_error_clear(&err);
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &b, &err);
    pq_thrift_write_struct_end(&w); /* nothing open */
    CHECK_STATUS(w.status, PQ_ERR_INTERNAL);
    pq_thrift_writer_init(&w, &b, &err);
    for (int i = 0; i <= PQ_THRIFT_WRITER_MAX_DEPTH; i++) pq_thrift_write_struct_begin(&w);
    CHECK_STATUS(w.status, PQ_ERR_INTERNAL);
    pq_thrift_writer_init(&w, &b, &err);
    pq_thrift_write_list(&w, PQ_TT_I32, -1);
    CHECK_STATUS(w.status, PQ_ERR_INTERNAL);
    pq_buf_reset(&b);
}

int main(void)
{
    RUN(varint_round_trip);
    RUN(varint_too_long);
    RUN(zigzag_round_trip);
    RUN(double_and_byte_round_trip);
    RUN(binary_round_trip_and_bounds);
    RUN(field_header_forms);
    RUN(field_header_errors);
    RUN(list_header_forms);
    RUN(list_header_errors);
    RUN(bool_list);
    RUN(map_header);
    RUN(skip_nested_unknown);
    RUN(skip_depth_limit);
    RUN(sticky_first_error);
    RUN(type_names);
    RUN(writer_nomem);
    RUN(writer_misuse);
    return harness_done();
}
