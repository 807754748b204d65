/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/convert/test_convert.c - the two-pass converter (convert/convert.c):
 * CSV and JSON parsed into pq_tables and compared value by value with
 * tables built by hand; the same input at every block size and batch size
 * gives the same rows (canonical row text); errors of both passes with their
 * status and location (a value that changed between the passes is
 * PQ_ERR_TYPE); format detection; fault injection; and end to end:
 * pq_convert_file writes a Parquet file that pq_reader reads back with the
 * same rows, no file is left behind on failure, errors name the input file.
 */
#include "convert/convert.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert/infer.h"
#include "harness.h"
#include "table/canon.h"

/* ------------------------------------------------------------ helpers */

/* Convert `in` (memory) and render every row as canon text, one per line,
 * preceded by the schema ("name:type,...\n").  Returns the first failure. */

/* The place number of an error: the JSON record, else the CSV field. */
static int64_t err_place(const pq_error *e)
{
    return e->where.record >= 0 ? e->where.record : e->where.field;
}

static pq_status convert_text(const char *in, size_t len, const char *name, const pq_convert_options *o,
                              size_t block, pq_buf *out, pq_error *err)
{
    pq_source src;
    pq_source_open_memory(&src, in, len, name);
    pq_convert_reader *r;
    out->len = 0;
    PQ_TRY(pq_convert_reader_open(&r, &src, name, o, block, err));
    const pq_schema *sc = pq_convert_reader_schema(r);
    char tn[48];
    for (int64_t i = 0; i < sc->n_fields; i++) {
        const char *t = pq_type_name(&sc->fields[i].type, tn, sizeof tn);
        pq_status s = PQ_OK;
        if (i) s = pq_buf_push(out, ',', err);
        if (!s) s = pq_buf_append(out, sc->fields[i].name, strlen(sc->fields[i].name), err);
        if (!s) s = pq_buf_push(out, ':', err);
        if (!s) s = pq_buf_append(out, t, strlen(t), err);
        if (s) { pq_convert_reader_close(r); return s; }
    }
    pq_table t;
    pq_status s = pq_buf_push(out, '\n', err);
    if (s == PQ_OK) s = pq_table_init(&t, sc, err);
    else memset(&t, 0, sizeof t);
    while (s == PQ_OK && (s = pq_convert_reader_next(r, &t, err)) == PQ_OK && t.num_rows > 0) {
        for (int64_t row = 0; row < t.num_rows && s == PQ_OK; row++) {
            s = pq_canon_row(&t, row, out, err);
            if (s == PQ_OK) s = pq_buf_push(out, '\n', err);
        }
        if (s == PQ_OK) s = pq_array_validate(&t.columns[0], err);
    }
    if (s == PQ_OK) s = pq_buf_push(out, 0, err);
    pq_table_reset(&t);
    pq_convert_reader_close(r);
    return s;
}

static pq_convert_options opts(pq_input_format f, int64_t batch)
{
    pq_convert_options o;
    pq_convert_options_init(&o);
    o.format = f;
    o.batch_rows = batch;
    return o;
}

/* ---------------------------------------------------------------- CSV */

static const char CSV_IN[] =
    "b,i,big,d,dt,ts,tsz,tsn,s,e,q\r\n"
    "true,1,9223372036854775808,1.5,2024-01-01,2024-01-01 10:00:00,2024-01-01T10:00:00Z,"
    "2024-01-01T00:00:00.000000001,hello,,\"\"\r\n"
    "FALSE,-9223372036854775808,1,-0,2024-02-29,2024-01-01,2024-01-01T12:00:00+02:00,"
    "2024-01-01T00:00:00,\"a,\"\"b\"\"\nc\",,x\r\n"
    ",,,nan,,,,,,,\r\n";

/* The expected table of CSV_IN, built with the public append calls. */
static void expected_csv_table(pq_table *t)
{
    pq_error err;
    pq_schema sc;
    pq_schema_init(&sc, NULL);
    static const char *const names[] = {"b", "i", "big", "d", "dt", "ts", "tsz", "tsn", "s", "e", "q"};
    pq_type types[11] = {pq_type_make(PQ_KIND_BOOL), pq_type_int(64, true), pq_type_decimal(38, 0),
                         pq_type_make(PQ_KIND_DOUBLE), pq_type_make(PQ_KIND_DATE),
                         pq_type_timestamp(PQ_UNIT_MICROS, false), pq_type_timestamp(PQ_UNIT_MICROS, true),
                         pq_type_timestamp(PQ_UNIT_NANOS, false), pq_type_make(PQ_KIND_STRING),
                         pq_type_make(PQ_KIND_STRING), pq_type_make(PQ_KIND_STRING)};
    for (int i = 0; i < 11; i++) {
        pq_field f;
        CHECK_OK(pq_field_init(&f, names[i], types[i], true, NULL, &err), &err);
        CHECK_OK(pq_schema_add(&sc, &f, &err), &err);
    }
    CHECK_OK(pq_table_init(t, &sc, &err), &err);
    pq_schema_reset(&sc);
    pq_array *c = t->columns;
    uint8_t dec[16];
    CHECK_OK(pq_array_append_bool(&c[0], true, &err), &err);
    CHECK_OK(pq_array_append_bool(&c[0], false, &err), &err);
    CHECK_OK(pq_array_append_null(&c[0], &err), &err);
    CHECK_OK(pq_array_append_i64(&c[1], 1, &err), &err);
    CHECK_OK(pq_array_append_i64(&c[1], INT64_MIN, &err), &err);
    CHECK_OK(pq_array_append_null(&c[1], &err), &err);
    memset(dec, 0, 16);
    dec[7] = 0x80; /* 2^63 */
    CHECK_OK(pq_array_append_fixed(&c[2], dec, &err), &err);
    memset(dec, 0, 16);
    dec[0] = 1;
    CHECK_OK(pq_array_append_fixed(&c[2], dec, &err), &err);
    CHECK_OK(pq_array_append_null(&c[2], &err), &err);
    CHECK_OK(pq_array_append_double(&c[3], 1.5, &err), &err);
    CHECK_OK(pq_array_append_double(&c[3], -0.0, &err), &err);
    CHECK_OK(pq_array_append_double(&c[3], NAN, &err), &err);
    CHECK_OK(pq_array_append_i64(&c[4], 19723, &err), &err);
    CHECK_OK(pq_array_append_i64(&c[4], 19782, &err), &err);
    CHECK_OK(pq_array_append_null(&c[4], &err), &err);
    CHECK_OK(pq_array_append_i64(&c[5], 1704103200000000, &err), &err);
    CHECK_OK(pq_array_append_i64(&c[5], 1704067200000000, &err), &err);
    CHECK_OK(pq_array_append_null(&c[5], &err), &err);
    CHECK_OK(pq_array_append_i64(&c[6], 1704103200000000, &err), &err);
    CHECK_OK(pq_array_append_i64(&c[6], 1704103200000000, &err), &err);
    CHECK_OK(pq_array_append_null(&c[6], &err), &err);
    CHECK_OK(pq_array_append_i64(&c[7], 1704067200000000001, &err), &err);
    CHECK_OK(pq_array_append_i64(&c[7], 1704067200000000000, &err), &err);
    CHECK_OK(pq_array_append_null(&c[7], &err), &err);
    CHECK_OK(pq_array_append_bytes(&c[8], "hello", 5, &err), &err);
    CHECK_OK(pq_array_append_bytes(&c[8], "a,\"b\"\nc", 7, &err), &err);
    CHECK_OK(pq_array_append_null(&c[8], &err), &err);
    CHECK_OK(pq_array_append_nulls(&c[9], 3, &err), &err);
    CHECK_OK(pq_array_append_bytes(&c[10], "", 0, &err), &err);
    CHECK_OK(pq_array_append_bytes(&c[10], "x", 1, &err), &err);
    CHECK_OK(pq_array_append_null(&c[10], &err), &err);
    CHECK_OK(pq_table_finish(t, &err), &err);
}

TEST(csv_values_every_type)
{
    pq_table want;
    expected_csv_table(&want);
    static const size_t blocks[] = {1, 7, 0};
    for (size_t b = 0; b < 3; b++) {
        pq_source src;
        pq_source_open_memory(&src, CSV_IN, strlen(CSV_IN), "in.csv");
        pq_convert_options o = opts(PQ_INPUT_AUTO, 0);
        pq_convert_reader *r;
        pq_error err;
        pq_error_clear(&err);
        CHECK_OK(pq_convert_reader_open(&r, &src, "in.csv", &o, blocks[b], &err), &err);
        if (!r) continue;
        pq_table t;
        CHECK_OK(pq_table_init(&t, pq_convert_reader_schema(r), &err), &err);
        CHECK_OK(pq_convert_reader_next(r, &t, &err), &err);
        CHECK_EQ_I64(t.num_rows, 3);
        for (int64_t i = 0; i < want.schema.n_fields && i < t.schema.n_fields; i++) {
            harness_case = want.schema.fields[i].name;
            CHECK_EQ_STR(t.schema.fields[i].name, want.schema.fields[i].name);
            CHECK(pq_array_equal(&t.columns[i], &want.columns[i]));
            CHECK_OK(pq_array_validate(&t.columns[i], &err), &err);
            CHECK(t.schema.fields[i].nullable);
        }
        harness_case = "csv_values_every_type";
        CHECK(pq_table_equal(&t, &want));
        CHECK_OK(pq_convert_reader_next(r, &t, &err), &err);
        CHECK_EQ_I64(t.num_rows, 0);
        CHECK_EQ_I64(pq_convert_reader_rows(r), 3);
        pq_table_reset(&t);
        pq_convert_reader_close(r);
    }
    pq_table_reset(&want);
}

TEST(csv_same_rows_for_every_block_and_batch_size)
{
    /* 300 rows with a quoted multi-line field every 7th row */
    pq_buf in, ref, got;
    pq_buf_init(&in, NULL);
    pq_buf_init(&ref, NULL);
    pq_buf_init(&got, NULL);
    pq_error err;
    CHECK_OK(pq_buf_append(&in, "id;x;when;note\n", 15, &err), &err);
    for (int i = 0; i < 300; i++) {
        char line[128];
        int n = snprintf(line, sizeof line, "%d;%d.25;2024-03-%02d %02d:00:00;%s\n", i - 150, i, i % 28 + 1, i % 24,
                         i % 7 ? "plain" : "\"two\nlines; \"\"q\"\"\"");
        CHECK_OK(pq_buf_append(&in, line, (size_t)n, &err), &err);
    }
    pq_convert_options o = opts(PQ_INPUT_CSV, 0);
    o.delimiter = ';';
    CHECK_OK(convert_text((const char *)in.data, in.len, "x", &o, 0, &ref, &err), &err);
    static const char head[] = "id:int64,x:double,when:timestamp[us],note:string\n";
    CHECK(ref.data && strncmp((const char *)ref.data, head, strlen(head)) == 0);
    CHECK(strstr((const char *)ref.data, "{\"id\":-150,\"x\":0.25,\"when\":\"2024-03-01 00:00:00\",\"note\":\"two\\nlines; \\\"q\\\"\"}\n") != NULL);
    static const size_t blocks[] = {1, 3, 64, 4096};
    static const int64_t batches[] = {1, 7, 1000};
    for (size_t b = 0; b < 4; b++)
        for (size_t k = 0; k < 3; k++) {
            o.batch_rows = batches[k];
            CHECK_OK(convert_text((const char *)in.data, in.len, "x", &o, blocks[b], &got, &err), &err);
            CHECK(got.len == ref.len && memcmp(got.data, ref.data, ref.len) == 0);
        }
    pq_buf_reset(&in);
    pq_buf_reset(&ref);
    pq_buf_reset(&got);
}

TEST(csv_shapes)
{
    static const struct {
        const char *name, *in, *want;
    } C[] = {
        {"header only", "a,b\n", "a:string,b:string\n"},
        {"bom and tsv", "\xEF\xBB\xBFx\ty\n1\t2\n", "x:int64,y:int64\n{\"x\":1,\"y\":2}\n"},
        {"no final newline", "a\n1", "a:int64\n{\"a\":1}\n"},
        /* one column: an empty line is one empty field, a null (RFC 4180) */
        {"date column", "d\n2024-02-29\n\n1999-12-31\n", "d:date\n{\"d\":\"2024-02-29\"}\n{\"d\":null}\n{\"d\":\"1999-12-31\"}\n"},
        {"blank lines skipped with two columns", "a,b\n1,2\n\n3,4\n", "a:int64,b:int64\n{\"a\":1,\"b\":2}\n{\"a\":3,\"b\":4}\n"},
        {"invalid date is text", "d\n2024-02-30\n", "d:string\n{\"d\":\"2024-02-30\"}\n"},
        {"leading zeros are text", "z\n007\n", "z:string\n{\"z\":\"007\"}\n"},
        {"empty and duplicate names", "a,,a\n1,2,3\n", "a:int64,column_2:int64,a_2:int64\n{\"a\":1,\"column_2\":2,\"a_2\":3}\n"},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        pq_buf out;
        pq_buf_init(&out, NULL);
        pq_error err;
        pq_error_clear(&err);
        harness_case = C[i].name;
        const char *name = strstr(C[i].name, "tsv") ? "in.tsv" : "in.csv";
        pq_convert_options o = opts(PQ_INPUT_AUTO, 0);
        CHECK_OK(convert_text(C[i].in, strlen(C[i].in), name, &o, 0, &out, &err), &err);
        CHECK_EQ_STR(out.data ? (const char *)out.data : "", C[i].want);
        pq_buf_reset(&out);
    }
}

/* ---------------------------------------------------------------- JSON */

static const char JSON_IN[] =
    "{\"id\":1,\"name\":\"a\",\"tags\":[\"x\",\"y\"],\"pos\":{\"x\":1.5,\"y\":2},\"v\":1,\"dup\":1,\"dup\":2}\n"
    "{\"id\":2,\"tags\":[],\"pos\":{\"x\":-1,\"z\":true},\"v\":\"s\",\"big\":18446744073709551616}\n"
    "\n"
    "{\"id\":3,\"name\":null,\"tags\":null,\"pos\":null,\"v\":{\"k\":[1,\"\\u00e9\",null]},\"big\":5,"
    "\"l2\":[[1,2],[],null,[3]]}\n";

static const char JSON_WANT[] =
    "id:int64,name:string,tags:list,pos:struct,v:string,dup:int64,big:decimal(38,0),l2:list\n"
    "{\"id\":1,\"name\":\"a\",\"tags\":[\"x\",\"y\"],\"pos\":{\"x\":1.5,\"y\":2,\"z\":null},\"v\":\"1\",\"dup\":2,"
    "\"big\":null,\"l2\":null}\n"
    "{\"id\":2,\"name\":null,\"tags\":[],\"pos\":{\"x\":-1,\"y\":null,\"z\":true},\"v\":\"s\",\"dup\":null,"
    "\"big\":18446744073709551616,\"l2\":null}\n"
    "{\"id\":3,\"name\":null,\"tags\":null,\"pos\":null,\"v\":\"{\\\"k\\\":[1,\\\"\xC3\xA9\\\",null]}\",\"dup\":null,"
    "\"big\":5,\"l2\":[[1,2],[],null,[3]]}\n";

TEST(json_rows_every_block_and_batch_size)
{
    static const size_t blocks[] = {1, 2, 5, 16, 0};
    static const int64_t batches[] = {1, 2, 0};
    for (size_t b = 0; b < 5; b++)
        for (size_t k = 0; k < 3; k++) {
            pq_buf out;
            pq_buf_init(&out, NULL);
            pq_error err;
            pq_error_clear(&err);
            pq_convert_options o = opts(PQ_INPUT_JSON, batches[k]);
            CHECK_OK(convert_text(JSON_IN, strlen(JSON_IN), "x", &o, blocks[b], &out, &err), &err);
            CHECK_EQ_STR(out.data ? (const char *)out.data : "", JSON_WANT);
            pq_buf_reset(&out);
        }
}

TEST(json_array_form_and_value_checks)
{
    const char *in = "[{\"a\":1,\"s\":{\"b\":[true,null]}},{\"a\":2.5},{\"s\":{\"b\":[]}}]";
    pq_source src;
    pq_source_open_memory(&src, in, strlen(in), "x.json");
    pq_convert_reader *r;
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_convert_reader_open(&r, &src, "x.json", NULL, 3, &err), &err);
    if (!r) return;
    pq_table t;
    CHECK_OK(pq_table_init(&t, pq_convert_reader_schema(r), &err), &err);
    CHECK_OK(pq_convert_reader_next(r, &t, &err), &err);
    CHECK_EQ_I64(t.num_rows, 3);
    const pq_array *a = &t.columns[0], *s = &t.columns[1];
    CHECK_EQ_I64(a->type.kind, PQ_KIND_DOUBLE);
    double v0, v1;
    memcpy(&v0, a->values, 8);
    memcpy(&v1, a->values + 8, 8);
    CHECK(v0 == 1.0 && v1 == 2.5);
    CHECK(!pq_array_is_valid(a, 2));
    CHECK_EQ_I64(a->null_count, 1);
    CHECK_EQ_I64(s->type.kind, PQ_KIND_STRUCT);
    CHECK(pq_array_is_valid(s, 0) && !pq_array_is_valid(s, 1) && pq_array_is_valid(s, 2));
    const pq_array *lst = &s->children[0];
    CHECK_EQ_I64(lst->type.kind, PQ_KIND_LIST);
    CHECK_EQ_I64(lst->length, 3);
    CHECK(lst->offsets[0] == 0 && lst->offsets[1] == 2 && lst->offsets[2] == 2 && lst->offsets[3] == 2);
    CHECK(!pq_array_is_valid(lst, 1) && pq_array_is_valid(lst, 2));
    const pq_array *el = &lst->children[0];
    CHECK_EQ_I64(el->type.kind, PQ_KIND_BOOL);
    CHECK(el->length == 2 && pq_bit_get(el->values, 0) && !pq_array_is_valid(el, 1));
    for (int64_t i = 0; i < t.schema.n_fields; i++) CHECK_OK(pq_array_validate(&t.columns[i], &err), &err);
    pq_table_reset(&t);
    pq_convert_reader_close(r);
}

/* --------------------------------------------------------------- errors */

typedef struct conv_err {
    const char *name, *in;
    pq_input_format fmt;
    pq_status status;
    int64_t line, field, offset;
    const char *msg;
} conv_err;

static const conv_err ERRS[] = {
    {"csv field count", "a,b\n1,2\n3,4,5\n", PQ_INPUT_CSV, PQ_ERR_PARSE, 3, -1, 8, "expected 2 fields, found 3"},
    {"csv unterminated quote", "a\n\"x\n", PQ_INPUT_CSV, PQ_ERR_PARSE, 2, 1, 2, "closing quote"},
    {"csv empty", "", PQ_INPUT_CSV, PQ_ERR_PARSE, 1, -1, 0, "expected a header row"},
    {"json syntax", "{\"a\":1}\n{\"a\" 2}\n", PQ_INPUT_JSON, PQ_ERR_PARSE, 2, 2, 13, "expected ':' after an object key"},
    {"json no keys", "{}\n", PQ_INPUT_JSON, PQ_ERR_PARSE, -1, -1, -1, "at least one key"},
    {"json scalar record", "{\"a\":1}\n2\n", PQ_INPUT_JSON, PQ_ERR_PARSE, 2, 2, 8, "expected '{' to start a record"},
};

TEST(errors_with_locations)
{
    for (size_t i = 0; i < sizeof ERRS / sizeof ERRS[0]; i++) {
        const conv_err *k = &ERRS[i];
        harness_case = k->name;
        pq_buf out;
        pq_buf_init(&out, NULL);
        pq_error err;
        pq_error_clear(&err);
        pq_convert_options o = opts(k->fmt, 0);
        CHECK_STATUS(convert_text(k->in, strlen(k->in), "x", &o, 4, &out, &err), k->status);
        CHECK_EQ_I64(err.where.line, k->line);
        CHECK_EQ_I64(err_place(&err), k->field);
        CHECK_EQ_I64(err.where.offset, k->offset);
        CHECK(strstr(err.message, k->msg) != NULL);
        if (!strstr(err.message, k->msg)) fprintf(stderr, "  message: %s\n", err.message);
        pq_buf_reset(&out);
    }
}

/* Pass 2 sees different bytes than pass 1 (the file changed): PQ_ERR_TYPE. */
TEST(input_changed_between_passes)
{
    static const struct {
        const char *name, *before, *after;
        pq_input_format fmt;
        int64_t line, field, offset;
        const char *msg;
    } C[] = {
        {"csv int to text", "a,b\n1,2\n3,4\n", "a,b\n1,2\n3,x\n", PQ_INPUT_CSV, 3, 2, 10,
         "expected a value of type int64 (inferred in the first pass), found 'x'"},
        {"csv date to bad date", "d\n2024-01-01\n", "d\n2024-01-32\n", PQ_INPUT_CSV, 2, 1, 2, "found '2024-01-32'"},
        {"json int to string", "{\"a\":1}\n{\"a\":22}\n", "{\"a\":1}\n{\"a\":\"\"}\n", PQ_INPUT_JSON, 2, 2, 8,
         "expected a value of type int64 (inferred in the first pass), found a JSON string"},
        {"json new key", "{\"a\":1}\n{\"a\":2}\n", "{\"a\":1}\n{\"b\":2}\n", PQ_INPUT_JSON, 2, 2, 8,
         "found \"b\""},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        harness_case = C[i].name;
        size_t n = strlen(C[i].before);
        char *buf = (char *)malloc(n);
        memcpy(buf, C[i].before, n);
        pq_source src;
        pq_source_open_memory(&src, buf, n, "x");
        pq_convert_options o = opts(C[i].fmt, 0);
        pq_convert_reader *r;
        pq_error err;
        pq_error_clear(&err);
        /* 4-byte blocks: pass 2 has read only the header when open returns */
        CHECK_OK(pq_convert_reader_open(&r, &src, "x", &o, 4, &err), &err);
        if (r) {
            memcpy(buf, C[i].after, n); /* same length */
            pq_table t;
            CHECK_OK(pq_table_init(&t, pq_convert_reader_schema(r), &err), &err);
            CHECK_STATUS(pq_convert_reader_next(r, &t, &err), PQ_ERR_TYPE);
            CHECK_EQ_I64(err.where.line, C[i].line);
            CHECK_EQ_I64(err_place(&err), C[i].field);
            CHECK_EQ_I64(err.where.offset, C[i].offset);
            CHECK(strstr(err.message, C[i].msg) != NULL);
            if (!strstr(err.message, C[i].msg)) fprintf(stderr, "  message: %s\n", err.message);
            pq_table_reset(&t);
            pq_convert_reader_close(r);
        }
        free(buf);
    }
}

TEST(format_detection_and_options)
{
    static const struct {
        const char *name, *in, *want_schema;
    } C[] = {
        {"data.JSONL", "{\"a\":1}", "a:int64\n"},
        {"data.ndjson", "{\"a\":1}", "a:int64\n"},
        {"data.csv", "{\"a\":1}", "{\"a\":1}:string\n"}, /* the extension wins: a CSV with a JSON-looking header */
        {"noext", " \n[{\"a\":true}]", "a:bool\n"},
        {"noext", "\xEF\xBB\xBF{\"a\":true}", "a:bool\n"},
        {"noext", "a;b\n1;2\n", "a;b:string\n"},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        harness_case = C[i].name;
        pq_buf out;
        pq_buf_init(&out, NULL);
        pq_error err;
        pq_error_clear(&err);
        pq_convert_options o = opts(PQ_INPUT_AUTO, 0);
        CHECK_OK(convert_text(C[i].in, strlen(C[i].in), C[i].name, &o, 0, &out, &err), &err);
        const char *nl = out.data ? strchr((const char *)out.data, '\n') : NULL;
        CHECK(nl && (size_t)(nl - (const char *)out.data + 1) == strlen(C[i].want_schema) &&
              memcmp(out.data, C[i].want_schema, strlen(C[i].want_schema)) == 0);
        pq_buf_reset(&out);
    }
    pq_buf out;
    pq_buf_init(&out, NULL);
    pq_error err;
    pq_convert_options o = opts(PQ_INPUT_CSV, -1);
    CHECK_STATUS(convert_text("a\n1\n", 4, "x", &o, 0, &out, &err), PQ_ERR_INVALID_ARG);
    o = opts(PQ_INPUT_CSV, 0);
    o.delimiter = '"';
    CHECK_STATUS(convert_text("a\n1\n", 4, "x", &o, 0, &out, &err), PQ_ERR_INVALID_ARG);
    pq_buf_reset(&out);
}

TEST(fault_injection)
{
    static const struct {
        const char *in;
        pq_input_format fmt;
    } C[] = {
        {"a,b,c\n1,x,2024-01-01\n,\"y\"\"\",\n", PQ_INPUT_CSV},
        {"{\"a\":1,\"l\":[{\"x\":\"\\t\"}],\"t\":1}\n{\"a\":2.5,\"t\":\"s\",\"l\":null}", PQ_INPUT_JSON},
    };
    for (size_t c = 0; c < 2; c++) {
        long ok_at = 0;
        for (long fail = 1; fail < 2000 && !ok_at; fail++) {
            harness_fault f;
            pq_allocator a = harness_fault_allocator(&f, fail);
            pq_convert_options o = opts(C[c].fmt, 1);
            o.writer.alloc = &a;
            pq_buf out;
            pq_buf_init(&out, NULL);
            pq_error err;
            pq_error_clear(&err);
            pq_status s = convert_text(C[c].in, strlen(C[c].in), "x", &o, 8, &out, &err);
            pq_buf_reset(&out);
            CHECK_EQ_I64(f.live, 0);
            if (f.failed) CHECK_STATUS(s, PQ_ERR_NOMEM);
            else {
                CHECK_OK(s, &err);
                ok_at = fail;
            }
        }
        CHECK(ok_at > 1);
    }
}

/* ------------------------------------------------------------ end to end */

static char tmpdir[64];

static const char *tmp_path(const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", tmpdir, name);
    return buf;
}

static void write_file(const char *path, const char *data)
{
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (!fp) return;
    CHECK(fwrite(data, 1, strlen(data), fp) == strlen(data));
    fclose(fp);
}

/* Rows of a Parquet file as canon text (schema line excluded). */
static pq_status read_back(const char *path, pq_buf *out, pq_error *err)
{
    pq_reader *r;
    out->len = 0;
    PQ_TRY(pq_reader_open(&r, path, NULL, err));
    pq_status s = PQ_OK;
    for (int64_t rg = 0; rg < pq_reader_num_row_groups(r) && s == PQ_OK; rg++) {
        pq_table t;
        s = pq_reader_read_row_group(r, rg, &t, err);
        for (int64_t row = 0; s == PQ_OK && row < t.num_rows; row++) {
            s = pq_canon_row(&t, row, out, err);
            if (s == PQ_OK) s = pq_buf_push(out, '\n', err);
        }
        pq_table_reset(&t);
    }
    if (s == PQ_OK) s = pq_buf_push(out, 0, err);
    pq_reader_close(r);
    return s;
}

/* Count the entries of tmpdir (to find left-over temporary files). */
static int dir_entries(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", tmpdir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1) n = -1;
        pclose(p);
    }
    return n;
}

static void progress_count(void *ctx, int pass, int64_t done, int64_t total, int64_t rows)
{
    int64_t *c = (int64_t *)ctx;
    c[pass - 1]++;
    c[2] = done;
    c[3] = total;
    c[4] = rows;
}

/* Convert `data` written to `name`, read the Parquet file back and compare
 * its rows with the in-memory conversion (minus its schema line). */
static void round_trip(const char *name, const char *data, pq_codec codec)
{
    char in[256], out[256];
    tmp_path(name, in, sizeof in);
    tmp_path("out.parquet", out, sizeof out);
    write_file(in, data);
    pq_convert_options o = opts(PQ_INPUT_AUTO, 2);
    o.writer.codec = codec;
    int64_t counts[5] = {0, 0, 0, 0, 0};
    o.progress = progress_count;
    o.progress_ctx = counts;
    pq_convert_stats st;
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_convert_file(in, out, &o, &st, &err), &err);
    CHECK(counts[0] > 0 && counts[1] > 0);
    CHECK_EQ_I64(counts[2], (int64_t)strlen(data));
    CHECK_EQ_I64(counts[3], (int64_t)strlen(data));
    CHECK_EQ_I64(st.bytes_in, (int64_t)strlen(data));
    struct stat sb;
    CHECK(stat(out, &sb) == 0 && st.bytes_out == (int64_t)sb.st_size && sb.st_size > 0);
    pq_buf got, want;
    pq_buf_init(&got, NULL);
    pq_buf_init(&want, NULL);
    CHECK_OK(read_back(out, &got, &err), &err);
    o.progress = NULL;
    CHECK_OK(convert_text(data, strlen(data), name, &o, 0, &want, &err), &err);
    const char *rows = want.data ? strchr((const char *)want.data, '\n') : NULL;
    CHECK(rows != NULL);
    if (rows && got.data) {
        CHECK_EQ_STR((const char *)got.data, rows + 1);
        int64_t n = 0;
        for (const char *p = rows + 1; *p; p++) n += *p == '\n';
        CHECK_EQ_I64(st.rows, n);
    }
    pq_buf_reset(&got);
    pq_buf_reset(&want);
    unlink(in);
    unlink(out);
    CHECK_EQ_I64(dir_entries(), 0);
}

TEST(end_to_end_csv_and_json)
{
    round_trip("in.csv", CSV_IN, PQ_CODEC_SNAPPY);
    round_trip("in.csv", CSV_IN, PQ_CODEC_ZSTD);
    round_trip("in.json", JSON_IN, PQ_CODEC_SNAPPY);
    round_trip("arr.json", "[{\"a\":1,\"s\":{\"b\":[true,null]}},{\"a\":2.5},{\"s\":{\"b\":[]}}]", PQ_CODEC_UNCOMPRESSED);
    /* keys that are empty or hold a NUL (once two columns named "a" and one named "") */
    round_trip("keys.json", "{\"a\\u0000b\":1,\"a\\u0000c\":2,\"\":3,\"a\":4}\n{\"a\\u0000b\":5}", PQ_CODEC_SNAPPY);
}

/* Converting a file onto itself would replace the input with the output. */
TEST(end_to_end_refuses_output_equal_to_input)
{
    char in[256];
    pq_error err;
    pq_error_clear(&err);
    pq_convert_stats st;
    tmp_path("same.csv", in, sizeof in);
    write_file(in, "a\n1\n");
    pq_convert_options o = opts(PQ_INPUT_AUTO, 1);
    CHECK_STATUS(pq_convert_file(in, in, &o, &st, &err), PQ_ERR_INVALID_ARG);
    CHECK_EQ_STR(err.path, in);
    FILE *f = fopen(in, "rb");
    char head[8] = {0};
    CHECK(f && fread(head, 1, sizeof head, f) == 4);
    if (f) fclose(f);
    CHECK(memcmp(head, "a\n1\n", 4) == 0);
    unlink(in);
    CHECK_EQ_I64(dir_entries(), 0);
}

TEST(end_to_end_failures_leave_no_file)
{
    char in[256], out[256];
    pq_error err;
    pq_convert_stats st;
    tmp_path("bad.csv", in, sizeof in);
    tmp_path("bad.parquet", out, sizeof out);
    /* the error is on the last line, after batches were written */
    write_file(in, "a,b\n1,2\n3,4\n5,6,7\n");
    pq_convert_options o = opts(PQ_INPUT_AUTO, 1);
    CHECK_STATUS(pq_convert_file(in, out, &o, &st, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.path, in);
    CHECK_EQ_I64(err.where.line, 4);
    CHECK_EQ_I64(err.where.offset, 12);
    struct stat sb;
    CHECK(stat(out, &sb) != 0);
    unlink(in);
    CHECK_EQ_I64(dir_entries(), 0);
    /* a missing input is an I/O error naming it */
    CHECK_STATUS(pq_convert_file(in, out, &o, &st, &err), PQ_ERR_IO);
    CHECK_EQ_STR(err.path, in);
    /* an output in a missing folder is an I/O error naming the output */
    write_file(in, "a\n1\n");
    char bad_out[300];
    snprintf(bad_out, sizeof bad_out, "%s/no/such/dir.parquet", tmpdir);
    CHECK_STATUS(pq_convert_file(in, bad_out, &o, &st, &err), PQ_ERR_IO);
    CHECK(strncmp(err.path, bad_out, strlen(bad_out)) == 0); /* the writer may name its temporary file */
    unlink(in);
    CHECK_EQ_I64(dir_entries(), 0);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pq_convert_XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    RUN(csv_values_every_type);
    RUN(csv_same_rows_for_every_block_and_batch_size);
    RUN(csv_shapes);
    RUN(json_rows_every_block_and_batch_size);
    RUN(json_array_form_and_value_checks);
    RUN(errors_with_locations);
    RUN(input_changed_between_passes);
    RUN(format_detection_and_options);
    RUN(fault_injection);
    RUN(end_to_end_csv_and_json);
    RUN(end_to_end_refuses_output_equal_to_input);
    RUN(end_to_end_failures_leave_no_file);
    rmdir(tmpdir);
    return harness_done();
}
