/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/table/test_canon.c - canonical text (canon v1) of every kind,
 * checked against what JavaScript / the peers' canon.mjs print for the same
 * values (expected strings computed with node: String(x), JSON.stringify).
 */
#include "harness.h"
#include "core/core.h"
#include "table/canon.h"

#include <math.h>

static char *text_of_double(double v, char *buf)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    if (pq_canon_double(v, &b, &err) != PQ_OK) strcpy(buf, "<error>");
    else { memcpy(buf, b.data, b.len); buf[b.len] = 0; }
    pq_buf_reset(&b);
    return buf;
}

TEST(doubles_match_javascript)
{
    static const struct { double v; const char *js; } cases[] = {
        {0.1, "0.1"}, {1.5, "1.5"}, {100, "100"}, {-2.5, "-2.5"}, {1e21, "1e+21"}, {1e20, "100000000000000000000"},
        {123456789012345680000.0, "123456789012345680000"}, {0.000001, "0.000001"}, {1e-7, "1e-7"},
        {1.5e-7, "1.5e-7"}, {1.7976931348623157e308, "1.7976931348623157e+308"}, {5e-324, "5e-324"},
        {0.30000000000000004, "0.30000000000000004"}, {(double)0.1f, "0.10000000149011612"},
        {123.456, "123.456"}, {-0.0, "-0"}, {0.0, "0"}, {9007199254740993.0, "9007199254740992"},
        {2.5e-5, "0.000025"}, {1234567.0, "1234567"}, {1e100, "1e+100"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) CHECK_EQ_STR(text_of_double(cases[i].v, buf), cases[i].js);
    CHECK_EQ_STR(text_of_double(NAN, buf), "\"NaN\"");
    CHECK_EQ_STR(text_of_double(INFINITY, buf), "\"Infinity\"");
    CHECK_EQ_STR(text_of_double(-INFINITY, buf), "\"-Infinity\"");
}

/* Python's json.dumps text of a double, bit pattern -> text (expected
 * strings printed by CPython 3.11's json.dumps). */
TEST(doubles_match_python)
{
    static const struct { uint64_t bits; const char *py; } cases[] = {
        {0x0000000000000000u, "0.0"}, {0x8000000000000000u, "-0.0"}, {0x3ff0000000000000u, "1.0"},
        {0xbff0000000000000u, "-1.0"}, {0x3fb999999999999au, "0.1"}, {0x3fe0000000000000u, "0.5"},
        {0x430c6bf526340000u, "1000000000000000.0"}, {0x4341c37937e08000u, "1e+16"},
        {0x434aa535d3d0c000u, "1.5e+16"}, {0x437b69b4ba630f35u, "1.2345678901234568e+17"},
        {0x3f1a36e2eb1c432du, "0.0001"}, {0x3ee4f8b588e368f1u, "1e-05"}, {0x3eef75104d551d69u, "1.5e-05"},
        {0x3f14f8b588e368f1u, "8e-05"}, {0x3e7ad7f29abcaf48u, "1e-07"}, {0x0000000000000001u, "5e-324"},
        {0x7fefffffffffffffu, "1.7976931348623157e+308"}, {0x0010000000000000u, "2.2250738585072014e-308"},
        {0x3fd5555555555555u, "0.3333333333333333"}, {0x3fe5555555555555u, "0.6666666666666666"},
        {0x4059000000000000u, "100.0"}, {0x40934a456d5cfaadu, "1234.5678"},
        {0x4340000000000000u, "9007199254740992.0"}, {0x3f7a3189e5c76a16u, "0.006394899999998779"},
        {0x401af35a890fc08au, "6.737650052629883"}, {0x4480f0cf064dd592u, "1e+22"},
        {0x444b1ae4d6e2ef50u, "1e+21"}, {0x3c36b082c2148b8eu, "1.23e-18"}, {0x3ff0e8d10f51ac9bu, "1.05684"},
        {0x3fd3333333333334u, "0.30000000000000004"}, {0x3f06ce789e774eecu, "4.35e-05"},
        {0x7ff8000000000000u, "NaN"}, {0x7ff0000000000000u, "Infinity"}, {0xfff0000000000000u, "-Infinity"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v;
        memcpy(&v, &cases[i].bits, 8);
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_canon_python_double(v, &b, &err), &err);
        CHECK(b.len == strlen(cases[i].py) && memcmp(b.data, cases[i].py, b.len) == 0);
        if (b.len != strlen(cases[i].py) || memcmp(b.data, cases[i].py, b.len) != 0)
            fprintf(stderr, "  %s: got %.*s\n", cases[i].py, (int)b.len, b.data ? (const char *)b.data : "");
        pq_buf_reset(&b);
    }
    /* Any finite double: the text reads back as the same bits. */
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, 8);
        if (!isfinite(v)) continue;
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_canon_python_double(v, &b, &err), &err);
        CHECK_OK(pq_buf_push(&b, 0, &err), &err);
        double back = strtod((const char *)b.data, NULL);
        CHECK(memcmp(&back, &v, 8) == 0);
        pq_buf_reset(&b);
    }
}

/* Python's json.dumps (ensure_ascii) text of strings (expected strings
 * printed by CPython 3.11; 3,000 random strings were also compared by
 * hand), and invalid UTF-8 refused with its offset. */
TEST(strings_match_python)
{
    static const struct { const char *in; const char *py; } cases[] = {
        {"", "\"\""}, {"M\xc3\xa9" "dio", "\"M\\u00e9dio\""}, {"a\"b\\c", "\"a\\\"b\\\\c\""},
        {"\n\t\r\b\f\x1f\x7f", "\"\\n\\t\\r\\b\\f\\u001f\\u007f\""},
        {"\xe6\x97\xa5", "\"\\u65e5\""}, {"\xf0\x9f\x98\x80x", "\"\\ud83d\\ude00x\""},
        {"plain ascii ~ ", "\"plain ascii ~ \""}, {"\xf4\x8f\xbf\xbf", "\"\\udbff\\udfff\""},
        {"\xee\x80\x80\xef\xbf\xbf", "\"\\ue000\\uffff\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_canon_python_string(cases[i].in, strlen(cases[i].in), &b, &err), &err);
        CHECK(b.len == strlen(cases[i].py) && memcmp(b.data, cases[i].py, b.len) == 0);
        pq_buf_reset(&b);
    }
    /* NUL is data: "\u0000" */
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_canon_python_string("a\0b", 3, &b, &err), &err);
    CHECK(b.len == 10 && memcmp(b.data, "\"a\\u0000b\"", 10) == 0);
    pq_buf_reset(&b);
    static const char *const bad[] = {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ok\xe2\x82"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_STATUS(pq_canon_python_string(bad[i], strlen(bad[i]), &b, &err), PQ_ERR_INVALID_ARG);
        CHECK(strstr(err.message, "UTF-8") != NULL);
        pq_buf_reset(&b);
    }
}

TEST(dates_and_timestamps)
{
    static const struct { int64_t v; int kind; pq_time_unit u; const char *want; } cases[] = {
        {0, 0, 0, "\"1970-01-01\""}, {-1, 0, 0, "\"1969-12-31\""}, {-719162, 0, 0, "\"0001-01-01\""},
        {2932896, 0, 0, "\"9999-12-31\""}, {19723, 0, 0, "\"2024-01-01\""}, {11016, 0, 0, "\"2000-02-29\""},
        {0, 1, PQ_UNIT_MICROS, "\"1970-01-01 00:00:00\""},
        {1577836800123000, 1, PQ_UNIT_MICROS, "\"2020-01-01 00:00:00.123\""},
        {-1, 1, PQ_UNIT_MICROS, "\"1969-12-31 23:59:59.999999\""},
        {1, 1, PQ_UNIT_NANOS, "\"1970-01-01 00:00:00.000000001\""},
        {86400001, 1, PQ_UNIT_MILLIS, "\"1970-01-02 00:00:00.001\""},
        {INT64_MAX, 1, PQ_UNIT_MILLIS, "\"292278994-08-17 07:12:55.807\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        if (cases[i].kind == 0) CHECK_OK(pq_canon_date(cases[i].v, &b, &err), &err);
        else CHECK_OK(pq_canon_timestamp(cases[i].v, cases[i].u, &b, &err), &err);
        CHECK_OK(pq_buf_push(&b, 0, &err), &err);
        CHECK_EQ_STR((const char *)b.data, cases[i].want);
        pq_buf_reset(&b);
    }
}

TEST(json_strings)
{
    static const struct { const char *in; const char *want; } cases[] = {
        {"", "\"\""}, {"abc", "\"abc\""}, {"a\"b\\c", "\"a\\\"b\\\\c\""}, {"\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\""},
        {"\x01\x1f", "\"\\u0001\\u001f\""}, {"h\xc3\xa9llo \xe2\x82\xac", "\"h\xc3\xa9llo \xe2\x82\xac\""},
        {"/", "\"/\""}, {"\x7f", "\"\x7f\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        CHECK_OK(pq_canon_json_string(cases[i].in, strlen(cases[i].in), &b, &err), &err);
        CHECK_OK(pq_buf_push(&b, 0, &err), &err);
        CHECK_EQ_STR((const char *)b.data, cases[i].want);
        pq_buf_reset(&b);
    }
}

/* Build a one-column table of `f`, fill it with `fill`, and compare each row's text. */
static void check_rows(pq_field *f, pq_status (*fill)(pq_array *, pq_error *), const char *const *want, int n)
{
    pq_error err;
    pq_schema s;
    pq_schema_init(&s, NULL);
    CHECK_OK(pq_schema_add(&s, f, &err), &err);
    pq_table t;
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    CHECK_OK(fill(&t.columns[0], &err), &err);
    CHECK_OK(pq_table_finish(&t, &err), &err);
    CHECK_EQ_I64(t.num_rows, n);
    for (int i = 0; i < n && i < t.num_rows; i++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        CHECK_OK(pq_canon_row(&t, i, &b, &err), &err);
        CHECK_OK(pq_buf_push(&b, 0, &err), &err);
        CHECK_EQ_STR((const char *)b.data, want[i]);
        pq_buf_reset(&b);
    }
    pq_table_reset(&t);
    pq_schema_reset(&s);
}

static pq_status fill_decimal(pq_array *a, pq_error *err)
{
    uint8_t v[16];
    memset(v, 0, 16);
    v[0] = 0x39; v[1] = 0x30; /* 12345 */
    PQ_TRY(pq_array_append_fixed(a, v, err));
    memset(v, 0xff, 16);
    v[0] = 0xfb; /* -5 */
    PQ_TRY(pq_array_append_fixed(a, v, err));
    memset(v, 0, 16);
    PQ_TRY(pq_array_append_fixed(a, v, err));
    return pq_array_append_null(a, err);
}

TEST(decimal_rows)
{
    pq_field f;
    pq_error err;
    CHECK_OK(pq_field_init(&f, "d", pq_type_decimal(9, 3), true, NULL, &err), &err);
    const char *want[] = {"{\"d\":12.345}", "{\"d\":-0.005}", "{\"d\":0.000}", "{\"d\":null}"};
    check_rows(&f, fill_decimal, want, 4);
}

static pq_status fill_list(pq_array *a, pq_error *err)
{
    pq_array *el = &a->children[0];
    PQ_TRY(pq_array_append_i64(el, 1, err));
    PQ_TRY(pq_array_append_null(el, err));
    PQ_TRY(pq_array_append_valid(a, err)); /* [1,null] */
    PQ_TRY(pq_array_append_valid(a, err)); /* [] */
    PQ_TRY(pq_array_append_null(a, err));  /* null */
    return PQ_OK;
}

TEST(list_rows)
{
    pq_field f, el;
    pq_error err;
    CHECK_OK(pq_field_init(&el, "element", pq_type_int(32, true), true, NULL, &err), &err);
    CHECK_OK(pq_field_list(&f, "l", true, &el, NULL, &err), &err);
    const char *want[] = {"{\"l\":[1,null]}", "{\"l\":[]}", "{\"l\":null}"};
    check_rows(&f, fill_list, want, 3);
}

static pq_status fill_map(pq_array *a, pq_error *err)
{
    pq_array *kv = &a->children[0];
    PQ_TRY(pq_array_append_i64(&kv->children[0], 7, err));
    PQ_TRY(pq_array_append_bytes(&kv->children[1], "x\"y", 3, err));
    PQ_TRY(pq_array_append_valid(kv, err));
    PQ_TRY(pq_array_append_i64(&kv->children[0], -1, err));
    PQ_TRY(pq_array_append_null(&kv->children[1], err));
    PQ_TRY(pq_array_append_valid(kv, err));
    PQ_TRY(pq_array_append_valid(a, err));
    return PQ_OK;
}

TEST(map_rows)
{
    pq_field f, k, v;
    pq_error err;
    CHECK_OK(pq_field_init(&k, "key", pq_type_int(64, true), false, NULL, &err), &err);
    CHECK_OK(pq_field_init(&v, "value", pq_type_make(PQ_KIND_STRING), true, NULL, &err), &err);
    CHECK_OK(pq_field_map(&f, "m", true, &k, &v, NULL, &err), &err);
    const char *want[] = {"{\"m\":{\"7\":\"x\\\"y\",\"-1\":null}}"};
    check_rows(&f, fill_map, want, 1);
}

static pq_status fill_uuid(pq_array *a, pq_error *err)
{
    static const uint8_t u[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                                  0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
    return pq_array_append_bytes(a, u, 16, err);
}

TEST(uuid_rows)
{
    pq_field f;
    pq_error err;
    CHECK_OK(pq_field_init(&f, "u", pq_type_make(PQ_KIND_UUID), false, NULL, &err), &err);
    const char *want[] = {"{\"u\":\"123e4567-e89b-12d3-a456-426614174000\"}"};
    check_rows(&f, fill_uuid, want, 1);
}

static pq_status fill_struct(pq_array *a, pq_error *err)
{
    PQ_TRY(pq_array_append_bool(&a->children[0], true, err));
    PQ_TRY(pq_array_append_bytes(&a->children[1], "\x00\xff", 2, err));
    PQ_TRY(pq_array_append_valid(a, err));
    return pq_array_append_null(a, err);
}

TEST(struct_rows)
{
    pq_field f, b, x;
    pq_error err;
    CHECK_OK(pq_field_init(&f, "s", pq_type_make(PQ_KIND_STRUCT), true, NULL, &err), &err);
    CHECK_OK(pq_field_init(&b, "b", pq_type_make(PQ_KIND_BOOL), true, NULL, &err), &err);
    CHECK_OK(pq_field_init(&x, "x", pq_type_make(PQ_KIND_BINARY), true, NULL, &err), &err);
    CHECK_OK(pq_field_add_child(&f, &b, NULL, &err), &err);
    CHECK_OK(pq_field_add_child(&f, &x, NULL, &err), &err);
    const char *want[] = {"{\"s\":{\"b\":true,\"x\":{\"$hex\":\"00ff\"}}}", "{\"s\":null}"};
    check_rows(&f, fill_struct, want, 2);
}

int main(void)
{
    RUN(doubles_match_javascript);
    RUN(doubles_match_python);
    RUN(strings_match_python);
    RUN(dates_and_timestamps);
    RUN(json_strings);
    RUN(decimal_rows);
    RUN(list_rows);
    RUN(map_rows);
    RUN(uuid_rows);
    RUN(struct_rows);
    return harness_done();
}
