/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/convert/test_infer.c - text value parsers and type inference
 * (convert/infer.c): every CSV classification rule at its boundary
 * (INT64_MAX vs INT64_MAX+1, 38 vs 39 digits, "1e3", "-0", NaN spellings,
 * leading zeros, invalid calendar dates, timestamp fields and zones, the
 * int64-nanosecond range), the class join, exact values of dates,
 * timestamps, doubles (bitwise against strtod) and 128-bit integers, and
 * the JSON schema merge (nested objects and arrays, widening, conflicts to
 * text, missing keys, depth cap), with fault injection.
 */
#include "convert/infer.h"

#include <math.h>

#include "harness.h"

/* ------------------------------------------------------ classification */

enum { Z = 1, NS = 2, OVF = 4 }; /* ts flags, as in infer.c */

typedef struct class_case {
    const char *text;
    pq_csv_class cls;
    unsigned flags;
} class_case;

static const class_case CLASSES[] = {
    {"true", PQ_CSV_BOOL, 0}, {"FALSE", PQ_CSV_BOOL, 0}, {"True", PQ_CSV_BOOL, 0}, {"fAlSe", PQ_CSV_BOOL, 0},
    {"t", PQ_CSV_STRING, 0}, {"yes", PQ_CSV_STRING, 0}, {"truex", PQ_CSV_STRING, 0}, {"f", PQ_CSV_STRING, 0},
    {"0", PQ_CSV_INT, 0}, {"-0", PQ_CSV_INT, 0}, {"+5", PQ_CSV_INT, 0}, {"42", PQ_CSV_INT, 0},
    {"007", PQ_CSV_STRING, 0}, {"-01", PQ_CSV_STRING, 0},
    {"9223372036854775807", PQ_CSV_INT, 0}, {"-9223372036854775808", PQ_CSV_INT, 0},
    {"9223372036854775808", PQ_CSV_DECIMAL, 0}, {"-9223372036854775809", PQ_CSV_DECIMAL, 0},
    {"18446744073709551616", PQ_CSV_DECIMAL, 0}, {"99999999999999999999999999999999999999", PQ_CSV_DECIMAL, 0},
    {"999999999999999999999999999999999999999", PQ_CSV_STRING, 0},
    {"1e3", PQ_CSV_DOUBLE, 0}, {"1.5", PQ_CSV_DOUBLE, 0}, {".5", PQ_CSV_DOUBLE, 0}, {"5.", PQ_CSV_DOUBLE, 0},
    {"-0.0", PQ_CSV_DOUBLE, 0}, {"1E-7", PQ_CSV_DOUBLE, 0}, {"+2.5e+10", PQ_CSV_DOUBLE, 0}, {"0.5", PQ_CSV_DOUBLE, 0},
    {"NaN", PQ_CSV_DOUBLE, 0}, {"nan", PQ_CSV_DOUBLE, 0}, {"inf", PQ_CSV_DOUBLE, 0}, {"-inf", PQ_CSV_DOUBLE, 0},
    {"+INF", PQ_CSV_DOUBLE, 0}, {"Infinity", PQ_CSV_DOUBLE, 0}, {"-infinity", PQ_CSV_DOUBLE, 0},
    {"infinit", PQ_CSV_STRING, 0}, {"nana", PQ_CSV_STRING, 0}, {"1e", PQ_CSV_STRING, 0}, {"e5", PQ_CSV_STRING, 0},
    {".", PQ_CSV_STRING, 0}, {"-", PQ_CSV_STRING, 0}, {"+", PQ_CSV_STRING, 0}, {"1.2.3", PQ_CSV_STRING, 0},
    {"00.5", PQ_CSV_STRING, 0}, {"1,5", PQ_CSV_STRING, 0}, {" 1", PQ_CSV_STRING, 0}, {"1 ", PQ_CSV_STRING, 0},
    {"0x10", PQ_CSV_STRING, 0}, {"1e+", PQ_CSV_STRING, 0}, {"--1", PQ_CSV_STRING, 0},
    {"2024-02-29", PQ_CSV_DATE, 0}, {"2000-02-29", PQ_CSV_DATE, 0}, {"0000-01-01", PQ_CSV_DATE, 0},
    {"9999-12-31", PQ_CSV_DATE, 0}, {"2023-02-29", PQ_CSV_STRING, 0}, {"2024-02-30", PQ_CSV_STRING, 0},
    {"1900-02-29", PQ_CSV_STRING, 0}, {"2024-13-01", PQ_CSV_STRING, 0}, {"2024-00-10", PQ_CSV_STRING, 0},
    {"2024-04-31", PQ_CSV_STRING, 0}, {"2024-1-01", PQ_CSV_STRING, 0}, {"2024/01/01", PQ_CSV_STRING, 0},
    {"02-01-2023", PQ_CSV_STRING, 0}, {"2024-0?-01", PQ_CSV_STRING, 0}, {"20:4-01-01", PQ_CSV_STRING, 0},
    {"2024-01-0;", PQ_CSV_STRING, 0}, {"2024-01-01T1;:00:00", PQ_CSV_STRING, 0},
    {"2024-01-01T10:0?:00", PQ_CSV_STRING, 0}, {"2024-01-01T10:00:0:", PQ_CSV_STRING, 0},
    {"2024-01-01T00:00:00", PQ_CSV_TIMESTAMP, 0}, {"2024-01-01 12:34:56.123456", PQ_CSV_TIMESTAMP, 0},
    {"2024-01-01t12:34:56.1", PQ_CSV_TIMESTAMP, 0}, {"2024-01-01T12:34:56.1234567", PQ_CSV_TIMESTAMP, NS},
    {"2024-01-01T12:34:56.123456000", PQ_CSV_TIMESTAMP, 0}, {"2024-01-01T12:34:56Z", PQ_CSV_TIMESTAMP, Z},
    {"2024-01-01T12:34:56z", PQ_CSV_TIMESTAMP, Z}, {"2024-01-01T12:34:56+05:30", PQ_CSV_TIMESTAMP, Z},
    {"2024-01-01T12:34:56-0800", PQ_CSV_TIMESTAMP, Z}, {"2024-01-01T12:34:56+01", PQ_CSV_TIMESTAMP, Z},
    {"2024-01-01T12:34:56.000000001Z", PQ_CSV_TIMESTAMP, Z | NS},
    {"2024-01-01T24:00:00", PQ_CSV_STRING, 0}, {"2024-01-01T12:60:00", PQ_CSV_STRING, 0},
    {"2024-01-01T12:00:60", PQ_CSV_STRING, 0}, {"2024-01-01T12:00", PQ_CSV_STRING, 0},
    {"2024-01-01T12:00:00.", PQ_CSV_STRING, 0}, {"2024-01-01T12:00:00.1234567890", PQ_CSV_STRING, 0},
    {"2024-01-01T12:00:00+24:00", PQ_CSV_STRING, 0}, {"2024-01-01T12:00:00+05:60", PQ_CSV_STRING, 0},
    {"2024-01-01X12:00:00", PQ_CSV_STRING, 0}, {"2024-01-01T12:00:00 ", PQ_CSV_STRING, 0},
    {"2024-02-30T00:00:00", PQ_CSV_STRING, 0}, {"2024-01-01T12:00:00ZZ", PQ_CSV_STRING, 0},
    {"2262-04-11T23:47:16.854775807", PQ_CSV_TIMESTAMP, NS},
    {"2262-04-11T23:47:16.854775808", PQ_CSV_TIMESTAMP, NS | OVF},
    {"1677-09-21T00:12:43.145224192", PQ_CSV_TIMESTAMP, NS},
    {"1677-09-21T00:12:43.145224191", PQ_CSV_TIMESTAMP, NS | OVF},
    {"2500-01-01T00:00:00", PQ_CSV_TIMESTAMP, OVF},
    {"abc", PQ_CSV_STRING, 0}, {"NULL", PQ_CSV_STRING, 0}, {"\xC3\xA9", PQ_CSV_STRING, 0},
};

TEST(csv_classify)
{
    for (size_t i = 0; i < sizeof CLASSES / sizeof CLASSES[0]; i++) {
        unsigned fl = 99;
        pq_csv_class c = pq_csv_classify((const uint8_t *)CLASSES[i].text, strlen(CLASSES[i].text), &fl);
        harness_case = CLASSES[i].text;
        CHECK_EQ_I64(c, CLASSES[i].cls);
        CHECK_EQ_I64(fl, CLASSES[i].flags);
    }
    unsigned fl;
    CHECK_EQ_I64(pq_csv_classify((const uint8_t *)"", 0, &fl), PQ_CSV_NULL);
}

TEST(csv_join)
{
    static const struct {
        pq_csv_class a, b, want;
    } J[] = {
        {PQ_CSV_NULL, PQ_CSV_INT, PQ_CSV_INT},         {PQ_CSV_BOOL, PQ_CSV_NULL, PQ_CSV_BOOL},
        {PQ_CSV_INT, PQ_CSV_INT, PQ_CSV_INT},          {PQ_CSV_INT, PQ_CSV_DECIMAL, PQ_CSV_DECIMAL},
        {PQ_CSV_DOUBLE, PQ_CSV_INT, PQ_CSV_DOUBLE},     {PQ_CSV_DECIMAL, PQ_CSV_DOUBLE, PQ_CSV_DOUBLE},
        {PQ_CSV_DATE, PQ_CSV_TIMESTAMP, PQ_CSV_TIMESTAMP}, {PQ_CSV_TIMESTAMP, PQ_CSV_DATE, PQ_CSV_TIMESTAMP},
        {PQ_CSV_BOOL, PQ_CSV_INT, PQ_CSV_STRING},       {PQ_CSV_INT, PQ_CSV_DATE, PQ_CSV_STRING},
        {PQ_CSV_DOUBLE, PQ_CSV_TIMESTAMP, PQ_CSV_STRING}, {PQ_CSV_STRING, PQ_CSV_INT, PQ_CSV_STRING},
        {PQ_CSV_BOOL, PQ_CSV_DOUBLE, PQ_CSV_STRING},
    };
    for (size_t i = 0; i < sizeof J / sizeof J[0]; i++) CHECK_EQ_I64(pq_csv_join(J[i].a, J[i].b), J[i].want);
}

/* Infer the columns of a header-less CSV of one column and return its type name. */
static const char *column_type_of(const char *const *cells, size_t n, char *buf, size_t cap)
{
    pq_csv_column col;
    memset(&col, 0, sizeof col);
    for (size_t i = 0; i < n; i++) {
        pq_csv_field f = {(const uint8_t *)cells[i], strlen(cells[i]), false};
        pq_csv_record rec = {&f, 1, 1, 0, 1};
        pq_csv_infer_record(&col, &rec);
    }
    pq_type t = pq_csv_column_type(&col);
    return pq_type_name(&t, buf, cap);
}

TEST(csv_column_types)
{
    static const struct {
        const char *cells[4];
        const char *want;
    } C[] = {
        {{"1", "", "-3"}, "int64"},
        {{"1", "2.5"}, "double"},
        {{"1", "9223372036854775808"}, "decimal(38,0)"},
        {{"9223372036854775808", "0.5"}, "double"},
        {{"1", "abc"}, "string"},
        {{"", ""}, "string"},
        {{"true", "False", ""}, "bool"},
        {{"true", "1"}, "string"},
        {{"2024-01-01", "2024-01-02"}, "date"},
        {{"2024-01-01", "2024-01-02 10:00:00"}, "timestamp[us]"},
        {{"2024-01-02 10:00:00", "2024-01-02T10:00:00Z"}, "timestamp[us, UTC]"},
        {{"2024-01-02 10:00:00.123", "2024-01-02 10:00:00.123456789"}, "timestamp[ns]"},
        {{"2500-01-01 00:00:00", "2024-01-02 10:00:00.123456789"}, "string"},
        {{"2500-01-01 00:00:00", "2024-01-02 10:00:00.123456"}, "timestamp[us]"},
        {{"2024-01-01", "1"}, "string"},
        {{"nan", "-Infinity", "1"}, "double"},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        size_t n = 0;
        while (n < 4 && C[i].cells[n]) n++;
        char buf[64];
        harness_case = C[i].want;
        CHECK_EQ_STR(column_type_of(C[i].cells, n, buf, sizeof buf), C[i].want);
    }
}

/* ---------------------------------------------------------- values */

TEST(dates_and_timestamps)
{
    static const struct {
        const char *s;
        int32_t days;
    } D[] = {{"1970-01-01", 0}, {"1969-12-31", -1}, {"2000-03-01", 11017}, {"0001-01-01", -719162},
             {"0000-01-01", -719528}, {"9999-12-31", 2932896}, {"2024-02-29", 19782}};
    for (size_t i = 0; i < sizeof D / sizeof D[0]; i++) {
        int32_t d = 0;
        CHECK(pq_text_date((const uint8_t *)D[i].s, 10, &d));
        CHECK_EQ_I64(d, D[i].days);
    }
    int32_t d;
    CHECK(!pq_text_date((const uint8_t *)"2024-01-01T00:00:00", 19, &d));
    static const struct {
        const char *s;
        pq_time_unit unit;
        int64_t v;
        bool ok;
    } T[] = {
        {"1970-01-01T00:00:00Z", PQ_UNIT_MICROS, 0, true},
        {"1970-01-01 00:00:01.5", PQ_UNIT_MICROS, 1500000, true},
        {"1969-12-31T23:59:59.999999", PQ_UNIT_MICROS, -1, true},
        {"2024-01-01T05:30:00+05:30", PQ_UNIT_MICROS, 1704067200000000, true},
        {"2023-12-31T16:00:00-08:00", PQ_UNIT_MICROS, 1704067200000000, true},
        {"2024-01-01", PQ_UNIT_MICROS, 1704067200000000, true},
        {"1970-01-01T00:00:00.000000001", PQ_UNIT_NANOS, 1, true},
        {"1970-01-01T00:00:00.001", PQ_UNIT_MILLIS, 1, true},
        {"2262-04-11T23:47:16.854775807", PQ_UNIT_NANOS, INT64_MAX, true},
        {"1677-09-21T00:12:43.145224192", PQ_UNIT_NANOS, INT64_MIN, true},
        {"2262-04-11T23:47:16.854775808", PQ_UNIT_NANOS, 0, false},
        {"9999-12-31T23:59:59.999999", PQ_UNIT_MICROS, 253402300799999999, true},
        {"0000-01-01T00:00:00", PQ_UNIT_MICROS, -62167219200000000, true},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        pq_text_ts ts;
        int64_t v = 0;
        harness_case = T[i].s;
        CHECK(pq_text_timestamp((const uint8_t *)T[i].s, strlen(T[i].s), &ts));
        CHECK(pq_text_ts_value(&ts, T[i].unit, &v) == T[i].ok);
        if (T[i].ok) CHECK_EQ_I64(v, T[i].v);
    }
}

TEST(doubles_match_strtod_bitwise)
{
    static const char *const S[] = {
        "0.1", "3.490862", "-1.424325", "1e22", "1e23", "123456789012345678", "2.2250738585072014e-308",
        "4.9e-324", "2e-324", "1.7976931348623157e308", "1e309", "-1e309", "0.30000000000000004",
        "9007199254740993", "9007199254740992", ".5", "5.", "+1.5", "1E+2", "0.000001", "123.456e-5",
        "0.1000000000000000055511151231257827", "7.3177701707893310e+15", "1e-22", "1e-23", "0e0",
        "100000000000000000000000", "1.00000000000000011102230246251565404236316680908203125",
        "6.02214076e23", "1e0000000000000000000000000000005",
    };
    pq_buf scratch;
    pq_buf_init(&scratch, NULL);
    pq_error err;
    for (size_t i = 0; i < sizeof S / sizeof S[0]; i++) {
        harness_case = S[i];
        double got = 0, want = strtod(S[i], NULL);
        CHECK(pq_text_is_double((const uint8_t *)S[i], strlen(S[i])));
        CHECK_OK(pq_text_double((const uint8_t *)S[i], strlen(S[i]), &scratch, &got, &err), &err);
        CHECK(memcmp(&got, &want, sizeof got) == 0);
        if (memcmp(&got, &want, sizeof got)) fprintf(stderr, "  %s: %.17g vs %.17g\n", S[i], got, want);
    }
    double v;
    harness_case = "specials";
    CHECK_OK(pq_text_double((const uint8_t *)"-0", 2, &scratch, &v, &err), &err);
    CHECK(v == 0 && signbit(v));
    CHECK_OK(pq_text_double((const uint8_t *)"NaN", 3, &scratch, &v, &err), &err);
    CHECK(isnan(v));
    CHECK_OK(pq_text_double((const uint8_t *)"-Infinity", 9, &scratch, &v, &err), &err);
    CHECK(isinf(v) && v < 0);
    CHECK_OK(pq_text_double((const uint8_t *)"inf", 3, &scratch, &v, &err), &err);
    CHECK(isinf(v) && v > 0);
    CHECK_STATUS(pq_text_double((const uint8_t *)"1x", 2, &scratch, &v, &err), PQ_ERR_TYPE);
    /* the text is not NUL-terminated: the byte after it must not be read as part of it */
    CHECK_OK(pq_text_double((const uint8_t *)"1e51", 3, &scratch, &v, &err), &err);
    CHECK(v == 1e5);
    pq_buf_reset(&scratch);
}

TEST(integers)
{
    int64_t v = 0;
    CHECK_EQ_I64(pq_text_int((const uint8_t *)"9223372036854775807", 19, &v), PQ_TEXT_INT64);
    CHECK_EQ_I64(v, INT64_MAX);
    CHECK_EQ_I64(pq_text_int((const uint8_t *)"-9223372036854775808", 20, &v), PQ_TEXT_INT64);
    CHECK_EQ_I64(v, INT64_MIN);
    CHECK_EQ_I64(pq_text_int((const uint8_t *)"-0", 2, &v), PQ_TEXT_INT64);
    CHECK_EQ_I64(v, 0);
    CHECK_EQ_I64(pq_text_int((const uint8_t *)"9999999999999999999", 19, &v), PQ_TEXT_INT128);
    CHECK_EQ_I64(pq_text_int((const uint8_t *)"", 0, &v), PQ_TEXT_NOT_INT);
    CHECK_EQ_I64(pq_text_int((const uint8_t *)"+", 1, &v), PQ_TEXT_NOT_INT);
    static const struct {
        const char *s;
        uint64_t lo, hi;
    } W[] = {
        {"0", 0, 0},
        {"-1", UINT64_MAX, UINT64_MAX},
        {"18446744073709551616", 0, 1},
        {"-9223372036854775809", 0x7fffffffffffffffull, UINT64_MAX},
        {"99999999999999999999999999999999999999", 0x098a223fffffffffull, 0x4b3b4ca85a86c47aull},
        {"-99999999999999999999999999999999999999", 0xf675ddc000000001ull, 0xb4c4b357a5793b85ull},
    };
    for (size_t i = 0; i < sizeof W / sizeof W[0]; i++) {
        uint8_t b[16];
        harness_case = W[i].s;
        CHECK(pq_text_int128((const uint8_t *)W[i].s, strlen(W[i].s), b));
        CHECK(pq_load_u64le(b) == W[i].lo);
        CHECK(pq_load_u64le(b + 8) == W[i].hi);
    }
    uint8_t b[16];
    CHECK(!pq_text_int128((const uint8_t *)"999999999999999999999999999999999999999", 39, b));
    CHECK(!pq_text_int128((const uint8_t *)"1.5", 3, b));
}

/* ------------------------------------------------------------ JSON */

/* Append "name:type" for field f (types of nested fields in <>). */
static void render_field(const pq_field *f, char *out, size_t cap)
{
    char tn[48];
    size_t n = strlen(out);
    if (f->type.kind == PQ_KIND_LIST) {
        snprintf(out + n, cap - n, "%s:list<", f->name);
        render_field(&f->children[0], out, cap);
        n = strlen(out);
        snprintf(out + n, cap - n, ">");
    } else if (f->type.kind == PQ_KIND_STRUCT) {
        snprintf(out + n, cap - n, "%s:struct<", f->name);
        for (int64_t i = 0; i < f->n_children; i++) {
            if (i) strncat(out, ",", cap - strlen(out) - 1);
            render_field(&f->children[i], out, cap);
        }
        strncat(out, ">", cap - strlen(out) - 1);
    } else snprintf(out + n, cap - n, "%s:%s", f->name, pq_type_name(&f->type, tn, sizeof tn));
}

/* Infer the schema of JSON `in` and render it; returns the status. */
static pq_status infer_json(const char *in, const pq_allocator *a, char *out, size_t cap, pq_error *err)
{
    pq_source src;
    pq_source_open_memory(&src, in, strlen(in), "mem");
    pq_json_reader *r;
    out[0] = 0;
    pq_status s = pq_json_open(&r, &src, NULL, a, err);
    if (s) return s;
    pq_json_infer ji;
    pq_json_infer_init(&ji, a);
    pq_json_record rec;
    while ((s = pq_json_next(r, &rec, err)) == PQ_OK && rec.nodes)
        if ((s = pq_json_infer_record(&ji, &rec, err)) != PQ_OK) break;
    pq_schema sc;
    pq_schema_init(&sc, a);
    if (s == PQ_OK) s = pq_json_infer_finish(&ji, &sc, err);
    for (int64_t i = 0; s == PQ_OK && i < sc.n_fields; i++) {
        if (i) strncat(out, ",", cap - strlen(out) - 1);
        render_field(&sc.fields[i], out, cap);
    }
    pq_schema_reset(&sc);
    pq_json_infer_reset(&ji);
    pq_json_close(r);
    return s;
}

typedef struct jcase {
    const char *name, *in, *want;
} jcase;

static const jcase JSON_CASES[] = {
    {"ints", "{\"a\":1}\n{\"a\":-2}", "a:int64"},
    {"int and double", "{\"a\":1}\n{\"a\":2.5}", "a:double"},
    {"double then int", "{\"a\":1e3}\n{\"a\":2}", "a:double"},
    {"int and bigint", "{\"a\":1}\n{\"a\":9223372036854775808}", "a:decimal(38,0)"},
    {"bigint and double", "{\"a\":-9223372036854775809}\n{\"a\":0.5}", "a:double"},
    {"39-digit integer", "{\"a\":999999999999999999999999999999999999999}", "a:string"},
    {"string and number", "{\"a\":\"x\"}\n{\"a\":1}", "a:string"},
    {"bool", "{\"a\":null}\n{\"a\":true}\n{\"a\":false}", "a:bool"},
    {"bool and int", "{\"a\":true}\n{\"a\":1}", "a:string"},
    {"only nulls", "{\"a\":null}", "a:string"},
    {"missing keys", "{\"a\":1}\n{\"b\":\"x\"}\n{}", "a:int64,b:string"},
    {"first appearance order", "{\"b\":1}\n{\"a\":1,\"b\":2,\"c\":3}\n{\"c\":1,\"d\":2,\"a\":3}", "b:int64,a:int64,c:int64,d:int64"},
    {"nested struct merged", "{\"s\":{\"x\":1,\"y\":\"a\"}}\n{\"s\":{\"z\":true,\"x\":2.5}}\n{\"s\":null}",
     "s:struct<x:double,y:string,z:bool>"},
    {"list", "{\"l\":[1,2]}\n{\"l\":[]}\n{\"l\":[3.5,null]}", "l:list<element:double>"},
    {"empty lists only", "{\"l\":[]}\n{\"l\":[]}", "l:list<element:string>"},
    {"list of structs", "{\"l\":[{\"a\":1},{\"b\":\"x\"}]}", "l:list<element:struct<a:int64,b:string>>"},
    {"list of lists", "{\"l\":[[1],[2,3],[]]}", "l:list<element:list<element:int64>>"},
    {"object vs scalar", "{\"a\":{\"x\":1}}\n{\"a\":5}", "a:string"},
    {"scalar vs object", "{\"a\":5}\n{\"a\":{\"x\":1}}", "a:string"},
    {"list vs object", "{\"a\":[1]}\n{\"a\":{\"x\":1}}", "a:string"},
    {"list vs scalar", "{\"a\":[1]}\n{\"a\":\"s\"}", "a:string"},
    {"mixed list elements", "{\"a\":[1,\"x\",{\"y\":2}]}", "a:list<element:string>"},
    {"empty object only", "{\"a\":{}}\n{\"a\":null}", "a:string"},
    {"conflict inside struct", "{\"s\":{\"x\":1,\"k\":true}}\n{\"s\":{\"x\":\"a\"}}", "s:struct<x:string,k:bool>"},
    {"duplicate keys", "{\"a\":1,\"a\":2}", "a:int64"},
    {"array form", "[{\"a\":1},{\"b\":[true]}]", "a:int64,b:list<element:bool>"},
    {"unicode key", "{\"k\\u00e9\":1}", "k\xC3\xA9:int64"},
    /* keys that are no C string as they are get CSV-style names */
    {"empty key", "{\"\":1,\"b\":2}", "column_1:int64,b:int64"},
    {"empty key taken", "{\"column_2\":true,\"\":1}", "column_2:bool,column_2_2:int64"},
    {"keys with NUL", "{\"a\\u0000b\":1,\"a\\u0000c\":\"x\",\"a\":true}", "a_2:int64,a_3:string,a:bool"},
    {"nested key with NUL", "{\"s\":{\"x\\u0000\":1,\"\":2}}", "s:struct<x:int64,column_2:int64>"},
    {"deep nesting kept as text",
     "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":{\"j\":{\"k\":{\"l\":{\"m\":{\"n\":{\"o\":{\"p\":"
     "{\"q\":{\"r\":{\"s\":{\"t\":{\"u\":{\"v\":{\"w\":{\"x\":{\"y\":{\"z\":1}}}}}}}}}}}}}}}}}}}}}}}}}}",
     "a:struct<b:struct<c:struct<d:struct<e:struct<f:struct<g:struct<h:struct<i:struct<j:struct<k:struct<"
     "l:struct<m:struct<n:struct<o:struct<p:struct<q:struct<r:struct<s:struct<t:struct<u:struct<v:struct<"
     "w:struct<x:struct<y:string>>>>>>>>>>>>>>>>>>>>>>>>"},
};

TEST(json_schema_inference)
{
    for (size_t i = 0; i < sizeof JSON_CASES / sizeof JSON_CASES[0]; i++) {
        char out[2048];
        pq_error err;
        pq_error_clear(&err);
        harness_case = JSON_CASES[i].name;
        CHECK_OK(infer_json(JSON_CASES[i].in, NULL, out, sizeof out, &err), &err);
        CHECK_EQ_STR(out, JSON_CASES[i].want);
    }
    char out[64];
    pq_error err;
    harness_case = "no keys at all";
    CHECK_STATUS(infer_json("{}\n{}", NULL, out, sizeof out, &err), PQ_ERR_PARSE);
    CHECK(strstr(err.message, "at least one key") != NULL);
    CHECK_STATUS(infer_json("", NULL, out, sizeof out, &err), PQ_ERR_PARSE);
    CHECK_STATUS(infer_json("[]", NULL, out, sizeof out, &err), PQ_ERR_PARSE);
}

TEST(json_many_keys_in_shuffled_orders)
{
    /* 300 keys, three records with different orders: the hash index and its
     * growth; the schema keeps the first record's order. */
    pq_buf in;
    pq_buf_init(&in, NULL);
    pq_error err;
    for (int r = 0; r < 3; r++) {
        CHECK_OK(pq_buf_push(&in, '{', &err), &err);
        for (int k = 0; k < 300; k++) {
            int key = r == 0 ? k : r == 1 ? 299 - k : (k * 7) % 300;
            char kv[32];
            int n = snprintf(kv, sizeof kv, "%s\"k%d\":%d", k ? "," : "", key, r);
            CHECK_OK(pq_buf_append(&in, kv, (size_t)n, &err), &err);
        }
        CHECK_OK(pq_buf_append(&in, "}\n", 2, &err), &err);
    }
    CHECK_OK(pq_buf_push(&in, 0, &err), &err);
    pq_source src;
    pq_source_open_memory(&src, in.data, in.len - 1, "mem");
    pq_json_reader *r;
    CHECK_OK(pq_json_open(&r, &src, NULL, NULL, &err), &err);
    pq_json_infer ji;
    pq_json_infer_init(&ji, NULL);
    pq_json_record rec;
    while (pq_json_next(r, &rec, &err) == PQ_OK && rec.nodes) CHECK_OK(pq_json_infer_record(&ji, &rec, &err), &err);
    CHECK_EQ_I64(ji.root.n_fields, 300);
    int bad = 0;
    for (int k = 0; k < 300; k++) {
        char name[16];
        int n = snprintf(name, sizeof name, "k%d", k);
        if (strcmp(ji.root.fields[k].name, name) != 0) bad++;
        int q = (k * 13) % 300;
        n = snprintf(name, sizeof name, "k%d", q);
        if (pq_jnode_find(&ji.root, name, (size_t)n) != q) bad++;
    }
    CHECK_EQ_I64(bad, 0);
    CHECK_EQ_I64(pq_jnode_find(&ji.root, "nope", 4), -1);
    pq_json_infer_reset(&ji);
    pq_json_close(r);
    pq_buf_reset(&in);
}

/* One record with n distinct keys. */
static pq_status infer_keys(int n, pq_error *err)
{
    pq_buf in;
    pq_buf_init(&in, NULL);
    pq_status s = pq_buf_push(&in, '{', err);
    for (int k = 0; k < n && s == PQ_OK; k++) {
        char kv[32];
        int len = snprintf(kv, sizeof kv, "%s\"%d\":1", k ? "," : "", k);
        s = pq_buf_append(&in, kv, (size_t)len, err);
    }
    if (s == PQ_OK) s = pq_buf_append(&in, "}", 2, err); /* with a NUL for infer_json */
    char out[16];
    if (s == PQ_OK) s = infer_json((const char *)in.data, NULL, out, sizeof out, err);
    pq_buf_reset(&in);
    return s;
}

TEST(json_key_limit)
{
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(infer_keys(PQ_JSON_MAX_FIELDS, &err), &err);
    CHECK_STATUS(infer_keys(PQ_JSON_MAX_FIELDS + 1, &err), PQ_ERR_LIMIT);
    CHECK(strstr(err.message, "distinct keys") != NULL);
}

TEST(json_inference_fault_injection)
{
    const char *in = "{\"a\":1,\"s\":{\"x\":[1,2],\"y\":\"z\"}}\n{\"b\":[{\"c\":1}],\"a\":2.5}";
    long ok_at = 0;
    for (long fail = 1; fail < 500 && !ok_at; fail++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, fail);
        char out[256];
        pq_error err;
        pq_error_clear(&err);
        pq_status s = infer_json(in, &a, out, sizeof out, &err);
        CHECK_EQ_I64(f.live, 0);
        if (f.failed) CHECK_STATUS(s, PQ_ERR_NOMEM);
        else {
            CHECK_OK(s, &err);
            CHECK_EQ_STR(out, "a:double,s:struct<x:list<element:int64>,y:string>,b:list<element:struct<c:int64>>");
            ok_at = fail;
        }
    }
    CHECK(ok_at > 1);
}

int main(void)
{
    RUN(csv_classify);
    RUN(csv_join);
    RUN(csv_column_types);
    RUN(dates_and_timestamps);
    RUN(doubles_match_strtod_bitwise);
    RUN(integers);
    RUN(json_schema_inference);
    RUN(json_many_keys_in_shuffled_orders);
    RUN(json_key_limit);
    RUN(json_inference_fault_injection);
    return harness_done();
}
