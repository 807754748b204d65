/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_filter.c - row filters (pq_reader_set_filter;
 * parquet/filter*.c and the selective page reading of column_reader.c).
 *
 *  - parse errors, table-driven: exact status and a fragment of the
 *    message quoting the offending part;
 *  - results: files written with small row groups and pages and a page
 *    index (v1 + dictionary + snappy, v2 + plain + zstd) are read with a
 *    filter and compared, row by row as canonical text, with a brute-force
 *    filter of the unfiltered read: every operator, every type class
 *    (int32 with nulls, uint32/uint64 above the signed range, int8, decimal
 *    in INT64 and FLBA, double with NaN / -0 / +0 / inf, float, strings incl.
 *    empty, date, timestamp, bool, a struct field), "and" of two columns,
 *    empty results; with the filter column left out of the selection, and
 *    nested output columns (struct, list) that must stay aligned; one and
 *    four threads (read-ahead);
 *  - skipping, through the counters: row groups skipped on the sorted
 *    column, pages skipped with the page index, nothing skipped without
 *    statistics and page index;
 *  - the corpus file alltypes_tiny_pages.parquet (page index) against brute
 *    force, reading a handful of pages;
 *  - the unit helpers: cutting level streams of a repeated leaf to rows,
 *    chunk statistics verdicts.
 */
#include "parquant/parquet.h"

#include <math.h>
#include <stdio.h>

#include "core/core.h"
#include "harness.h"
#include "parquet/filter.h"
#include "table/canon.h"

#ifndef PQ_SHARED_DIR
#define PQ_SHARED_DIR "/work/shared"
#endif
#define DATA_DIR PQ_SHARED_DIR "/parquet-testing/data"

__extension__ typedef __int128 i128;

#define N_ROWS 6000
#define RG_ROWS 1000

/* ================================================================ fixtures */

static pq_status add(pq_schema *s, const char *name, pq_type t, bool nullable, pq_error *err)
{
    pq_field f;
    PQ_TRY(pq_field_init(&f, name, t, nullable, NULL, err));
    return pq_schema_add(s, &f, err);
}

static pq_status make_schema(pq_schema *s, pq_error *err)
{
    pq_schema_init(s, NULL);
    PQ_TRY(add(s, "id", pq_type_int(64, true), false, err));
    PQ_TRY(add(s, "i32", pq_type_int(32, true), true, err));
    PQ_TRY(add(s, "u32", pq_type_int(32, false), false, err));
    PQ_TRY(add(s, "u64", pq_type_int(64, false), false, err));
    PQ_TRY(add(s, "i8", pq_type_int(8, true), false, err));
    PQ_TRY(add(s, "dec", pq_type_decimal(10, 2), true, err));
    PQ_TRY(add(s, "dec38", pq_type_decimal(38, 4), false, err));
    PQ_TRY(add(s, "dbl", pq_type_make(PQ_KIND_DOUBLE), true, err));
    PQ_TRY(add(s, "flt", pq_type_make(PQ_KIND_FLOAT), false, err));
    PQ_TRY(add(s, "str", pq_type_make(PQ_KIND_STRING), true, err));
    PQ_TRY(add(s, "day", pq_type_make(PQ_KIND_DATE), false, err));
    PQ_TRY(add(s, "ts", pq_type_timestamp(PQ_UNIT_MICROS, true), false, err));
    PQ_TRY(add(s, "b", pq_type_make(PQ_KIND_BOOL), false, err));
    pq_field st, a, t, e, l;
    PQ_TRY(pq_field_init(&st, "s", pq_type_make(PQ_KIND_STRUCT), true, NULL, err));
    PQ_TRY(pq_field_init(&a, "a", pq_type_int(32, true), true, NULL, err));
    PQ_TRY(pq_field_add_child(&st, &a, NULL, err));
    PQ_TRY(pq_field_init(&t, "t", pq_type_make(PQ_KIND_STRING), false, NULL, err));
    PQ_TRY(pq_field_add_child(&st, &t, NULL, err));
    PQ_TRY(pq_schema_add(s, &st, err));
    PQ_TRY(pq_field_init(&e, "element", pq_type_int(32, true), false, NULL, err));
    PQ_TRY(pq_field_list(&l, "l", true, &e, NULL, err));
    return pq_schema_add(s, &l, err);
}

static pq_status append_dec(pq_array *a, i128 v, pq_error *err)
{
    uint8_t b[16];
    memcpy(b, &v, 16);
    return pq_array_append_fixed(a, b, err);
}

static double dbl_of(int64_t i)
{
    switch (i % 17) {
    case 0: return NAN;
    case 1: return -0.0;
    case 2: return 0.0;
    case 3: return INFINITY;
    default: return (double)(i % 100) - 50.5;
    }
}

/* Row i of the test table appended to t's columns. */
static pq_status append_row(pq_table *t, int64_t i, pq_error *err)
{
    pq_array *c = t->columns;
    char txt[32];
    PQ_TRY(pq_array_append_i64(&c[0], i, err));
    PQ_TRY(i % 11 == 0 ? pq_array_append_null(&c[1], err) : pq_array_append_i64(&c[1], (i * 7919) % 2001 - 1000, err));
    PQ_TRY(pq_array_append_i64(&c[2], (int64_t)(uint32_t)((uint64_t)i * 2654435761u), err));
    PQ_TRY(pq_array_append_i64(&c[3], (int64_t)((uint64_t)i * 0x9E3779B97F4A7C15ull), err));
    PQ_TRY(pq_array_append_i64(&c[4], i % 256 - 128, err));
    PQ_TRY(i % 13 == 0 ? pq_array_append_null(&c[5], err) : append_dec(&c[5], (i * 37) % 20001 - 10000, err));
    PQ_TRY(append_dec(&c[6], (i128)(i - 2500) * 1000003, err));
    PQ_TRY(i % 19 == 5 ? pq_array_append_null(&c[7], err) : pq_array_append_double(&c[7], dbl_of(i), err));
    PQ_TRY(pq_array_append_double(&c[8], (double)(float)((double)(i % 1000) * 0.1), err));
    int n = snprintf(txt, sizeof txt, "k%04d", (int)((i * 13) % 1000));
    if (i % 50 == 7) n = 0;
    PQ_TRY(i % 9 == 0 ? pq_array_append_null(&c[9], err) : pq_array_append_bytes(&c[9], txt, (size_t)n, err));
    PQ_TRY(pq_array_append_i64(&c[10], 19000 + i / 3, err));
    PQ_TRY(pq_array_append_i64(&c[11], INT64_C(1700000000000000) + i * 1000001, err));
    PQ_TRY(pq_array_append_bool(&c[12], i % 3 == 0, err));
    pq_array *s = &c[13];
    if (i % 10 == 4) PQ_TRY(pq_array_append_null(s, err));
    else {
        PQ_TRY(i % 7 == 1 ? pq_array_append_null(&s->children[0], err)
                          : pq_array_append_i64(&s->children[0], i % 500, err));
        n = snprintf(txt, sizeof txt, "x%d", (int)(i % 10));
        PQ_TRY(pq_array_append_bytes(&s->children[1], txt, (size_t)n, err));
        PQ_TRY(pq_array_append_valid(s, err));
    }
    pq_array *l = &c[14];
    if (i % 6 == 5) return pq_array_append_null(l, err);
    for (int64_t k = 0; k < i % 4; k++) PQ_TRY(pq_array_append_i64(&l->children[0], i * 10 + k, err));
    return pq_array_append_valid(l, err);
}

/* The test file: N_ROWS rows in row groups of RG_ROWS, small pages. */
static uint8_t *make_file(int version, bool dict, bool stats, size_t *len)
{
    pq_error err;
    pq_schema s;
    pq_table t;
    pq_writer *w = NULL;
    pq_writer_options o;
    uint8_t *data = NULL;
    pq_writer_options_init(&o);
    o.page_version = version;
    o.codec = version == 2 ? PQ_CODEC_ZSTD : PQ_CODEC_SNAPPY;
    o.page_size = 300;
    o.row_group_size = RG_ROWS;
    o.dictionary = dict;
    o.write_statistics = stats;
    o.write_page_index = stats;
    o.threads = 1;
    memset(&t, 0, sizeof t);
    pq_status st = make_schema(&s, &err);
    if (st == PQ_OK) st = pq_table_init(&t, &s, &err);
    for (int64_t i = 0; st == PQ_OK && i < N_ROWS; i++) st = append_row(&t, i, &err);
    if (st == PQ_OK) st = pq_table_finish(&t, &err);
    if (st == PQ_OK) st = pq_writer_open_memory(&w, &s, &o, &err);
    if (st == PQ_OK) st = pq_writer_write(w, &t, &err);
    if (st == PQ_OK) st = pq_writer_close_memory(w, &data, len, &err);
    else pq_writer_abort(w);
    CHECK_OK(st, &err);
    pq_table_reset(&t);
    pq_schema_reset(&s);
    return st == PQ_OK ? data : NULL;
}

/* ========================================================= brute force */

enum { EQ, NE, LT, LE, GT, GE };

typedef struct lit {
    int64_t i;      /* signed ints, dates, timestamps, decimals (unscaled), bool */
    uint64_t u;     /* unsigned ints */
    double d;       /* floats */
    const char *s;  /* strings */
} lit;

typedef struct term {
    const char *col; /* top-level column, or "s.a" / "s.t" */
    int op;
    lit v;
} term;

/* The array of column `col` in full table t (struct fields by "s.x"). */
static const pq_array *column_of(const pq_table *t, const char *col, const pq_field **f)
{
    for (int64_t c = 0; c < t->schema.n_fields; c++) {
        const pq_field *fc = &t->schema.fields[c];
        if (!strcmp(fc->name, col)) {
            *f = fc;
            return &t->columns[c];
        }
        if (fc->type.kind == PQ_KIND_STRUCT && !strncmp(col, fc->name, strlen(fc->name)) &&
            col[strlen(fc->name)] == '.')
            for (int64_t k = 0; k < fc->n_children; k++)
                if (!strcmp(fc->children[k].name, col + strlen(fc->name) + 1)) {
                    *f = &fc->children[k];
                    return &t->columns[c].children[k];
                }
    }
    return NULL;
}

#define CMP3(x, y) ((x) < (y) ? -1 : (x) > (y))

/* sign(value - literal) of row `row`; false for null (also a null struct
 * above a field) or NaN. */
static bool ref_cmp(const pq_table *t, const char *col, int64_t row, const lit *v, int *c)
{
    const pq_field *f = NULL;
    const pq_array *a = column_of(t, col, &f);
    if (!a) return false;
    if (strchr(col, '.') && !pq_array_is_valid(&t->columns[13], row)) return false;
    if (!pq_array_is_valid(a, row)) return false;
    switch (f->type.kind) {
    case PQ_KIND_INT:
        if (!f->type.is_signed) {
            uint64_t x = 0;
            if (f->type.bit_width == 32) { uint32_t y; memcpy(&y, a->values + 4 * row, 4); x = y; }
            else memcpy(&x, a->values + 8 * row, 8);
            *c = CMP3(x, v->u);
            return true;
        } else {
            int64_t x;
            if (f->type.bit_width == 8) x = (int8_t)a->values[row];
            else if (f->type.bit_width == 32) { int32_t y; memcpy(&y, a->values + 4 * row, 4); x = y; }
            else memcpy(&x, a->values + 8 * row, 8);
            *c = CMP3(x, v->i);
            return true;
        }
    case PQ_KIND_DATE: { int32_t y; memcpy(&y, a->values + 4 * row, 4); *c = CMP3((int64_t)y, v->i); return true; }
    case PQ_KIND_TIMESTAMP: { int64_t y; memcpy(&y, a->values + 8 * row, 8); *c = CMP3(y, v->i); return true; }
    case PQ_KIND_DECIMAL: { i128 y; memcpy(&y, a->values + 16 * row, 16); *c = CMP3(y, (i128)v->i); return true; }
    case PQ_KIND_DOUBLE: case PQ_KIND_FLOAT: {
        double x;
        if (f->type.kind == PQ_KIND_FLOAT) { float y; memcpy(&y, a->values + 4 * row, 4); x = y; }
        else memcpy(&x, a->values + 8 * row, 8);
        if (isnan(x)) return false;
        *c = CMP3(x, v->d);
        return true;
    }
    case PQ_KIND_STRING: {
        size_t n, m = strlen(v->s);
        const uint8_t *p = pq_array_bytes(a, row, &n);
        int r = memcmp(p, v->s, n < m ? n : m);
        *c = r ? (r < 0 ? -1 : 1) : CMP3(n, m);
        return true;
    }
    case PQ_KIND_BOOL: *c = CMP3((int64_t)pq_bit_get(a->values, row), v->i); return true;
    default: return false;
    }
}

static bool ref_term(const pq_table *t, const term *tm, int64_t row)
{
    int c;
    if (!ref_cmp(t, tm->col, row, &tm->v, &c)) return false;
    switch (tm->op) {
    case EQ: return c == 0;
    case NE: return c != 0;
    case LT: return c < 0;
    case LE: return c <= 0;
    case GT: return c > 0;
    default: return c >= 0;
    }
}

/* ============================================================ checking */

static pq_reader *open_mem(const uint8_t *data, size_t len, int threads, const char *const *sel, size_t n_sel)
{
    pq_error err;
    pq_reader *r = NULL;
    pq_reader_options o;
    pq_reader_options_init(&o);
    o.threads = threads;
    CHECK_OK(pq_reader_open_memory(&r, data, len, "filter.parquet", &o, &err), &err);
    if (r && n_sel) CHECK_OK(pq_reader_select(r, sel, n_sel, &err), &err);
    return r;
}

/* Canonical text of row `row` of t into out (NUL-terminated). */
static void canon(const pq_table *t, int64_t row, pq_buf *out)
{
    pq_error err;
    out->len = 0;
    CHECK_OK(pq_canon_row(t, row, out, &err), &err);
    CHECK_OK(pq_buf_push(out, 0, &err), &err);
}

/* Read with filter `expr` (and selection sel) and compare with the rows
 * of the unfiltered read for which every term holds; returns the rows
 * matched (-1 on a setup failure).  *stats receives the counters. */
static int64_t check_filter(const uint8_t *data, size_t len, int threads, const char *const *sel, size_t n_sel,
                            const char *expr, const term *terms, int n_terms, pq_filter_stats *stats)
{
    pq_error err;
    pq_reader *full = open_mem(data, len, 1, NULL, 0);
    pq_reader *proj = open_mem(data, len, 1, sel, n_sel);
    pq_reader *filt = open_mem(data, len, threads, sel, n_sel);
    int64_t matched = -1;
    pq_buf a, b;
    pq_buf_init(&a, NULL);
    pq_buf_init(&b, NULL);
    if (!full || !proj || !filt) goto done;
    pq_status s = pq_reader_set_filter(filt, expr, &err);
    CHECK_OK(s, &err);
    if (s != PQ_OK) goto done;
    matched = 0;
    for (int64_t g = 0; g < pq_reader_num_row_groups(full); g++) {
        pq_table tf, tp, t;
        CHECK_OK(pq_reader_read_row_group(full, g, &tf, &err), &err);
        CHECK_OK(pq_reader_read_row_group(proj, g, &tp, &err), &err);
        CHECK_OK(pq_reader_read_row_group(filt, g, &t, &err), &err);
        int64_t k = 0;
        for (int64_t row = 0; row < tf.num_rows; row++) {
            bool ok = true;
            for (int i = 0; i < n_terms && ok; i++) ok = ref_term(&tf, &terms[i], row);
            if (!ok) continue;
            if (k < t.num_rows) {
                canon(&tp, row, &a);
                canon(&t, k, &b);
                if (strcmp((char *)a.data, (char *)b.data) != 0) {
                    fprintf(stderr, "[%s] rg %lld row %lld: expected %s\n  found %s\n", expr, (long long)g,
                            (long long)row, (char *)a.data, (char *)b.data);
                    CHECK(false);
                }
            }
            k++;
        }
        if (k != t.num_rows) fprintf(stderr, "[%s] rg %lld: %lld rows, expected %lld\n", expr, (long long)g,
                                     (long long)t.num_rows, (long long)k);
        CHECK_EQ_I64(t.num_rows, k);
        CHECK_EQ_I64(t.schema.n_fields, tp.schema.n_fields);
        matched += k;
        pq_table_reset(&tf);
        pq_table_reset(&tp);
        pq_reader_recycle(filt, &t);
    }
    if (stats) pq_reader_filter_stats(filt, stats);
done:
    pq_buf_reset(&a);
    pq_buf_reset(&b);
    pq_reader_close(full);
    pq_reader_close(proj);
    pq_reader_close(filt);
    return matched;
}

/* ================================================================ cases */

typedef struct where_case {
    const char *expr;
    term t[2];
    int n;
} where_case;

#define T1(c, o, ...) {{c, o, {__VA_ARGS__}}}, 1
#define T2(c, o, v, c2, o2, v2) {{c, o, v}, {c2, o2, v2}}, 2

static const where_case cases[] = {
    {"id >= 4500", T1("id", GE, .i = 4500)},
    {"id = 1234", T1("id", EQ, .i = 1234)},
    {"id != 3", T1("id", NE, .i = 3)},
    {"id < 17", T1("id", LT, .i = 17)},
    {"id <= 999", T1("id", LE, .i = 999)},
    {"id > 5998", T1("id", GT, .i = 5998)},
    {"id>100000", T1("id", GT, .i = 100000)},
    {"id < 0", T1("id", LT, .i = 0)},
    {"i32 < -900", T1("i32", LT, .i = -900)},
    {"i32 = 0", T1("i32", EQ, .i = 0)},
    {"i32 != 5", T1("i32", NE, .i = 5)},
    {"u32 > 3000000000", T1("u32", GT, .u = 3000000000u)},
    {"u32 <= 100000", T1("u32", LE, .u = 100000)},
    {"u64 >= 9223372036854775808", T1("u64", GE, .u = 9223372036854775808ull)},
    {"u64 < 1000000000000000000", T1("u64", LT, .u = 1000000000000000000ull)},
    {"i8 = -128", T1("i8", EQ, .i = -128)},
    {"i8 >= 120", T1("i8", GE, .i = 120)},
    {"dec >= 12.5", T1("dec", GE, .i = 1250)},
    {"dec < -99.99", T1("dec", LT, .i = -9999)},
    {"dec = 0", T1("dec", EQ, .i = 0)},
    {"dec != 7.40", T1("dec", NE, .i = 740)},
    {"dec38 > 1000.0001", T1("dec38", GT, .i = 10000001)},
    {"dec38 <= -2000", T1("dec38", LE, .i = -20000000)},
    {"dbl = 0", T1("dbl", EQ, .d = 0.0)},
    {"dbl = -0", T1("dbl", EQ, .d = -0.0)},
    {"dbl != 0", T1("dbl", NE, .d = 0.0)},
    {"dbl > -1", T1("dbl", GT, .d = -1.0)},
    {"dbl < inf", T1("dbl", LT, .d = INFINITY)},
    {"dbl >= inf", T1("dbl", GE, .d = INFINITY)},
    {"dbl <= -50.5", T1("dbl", LE, .d = -50.5)},
    {"flt <= 12.5", T1("flt", LE, .d = 12.5)},
    {"flt > 0.1", T1("flt", GT, .d = 0.1)},
    {"str = k0013", T1("str", EQ, .s = "k0013")},
    {"str >= 'k0500'", T1("str", GE, .s = "k0500")},
    {"str < \"k0100\"", T1("str", LT, .s = "k0100")},
    {"str = ''", T1("str", EQ, .s = "")},
    {"str != k0013", T1("str", NE, .s = "k0013")},
    {"str > zzz", T1("str", GT, .s = "zzz")},
    {"day = '2023-01-01'", T1("day", EQ, .i = 19358)},
    {"day < 2022-01-01", T1("day", LT, .i = 18993)},
    {"day >= 2023-01-01", T1("day", GE, .i = 19358)},
    {"ts >= '2023-11-14 23:00:00'", T1("ts", GE, .i = INT64_C(1700002800000000))},
    {"ts < '2023-11-14T22:30:00.5'", T1("ts", LT, .i = INT64_C(1700001000500000))},
    {"b = true", T1("b", EQ, .i = 1)},
    {"b != TRUE", T1("b", NE, .i = 1)},
    {"s.a > 400", T1("s.a", GT, .i = 400)},
    {"s.t = x7", T1("s.t", EQ, .s = "x7")},
    {"id >= 2100 and id < 2200", T2("id", GE, {.i = 2100}, "id", LT, {.i = 2200})},
    {"i32 > 0 AND str < k0500", T2("i32", GT, {.i = 0}, "str", LT, {.s = "k0500"})},
    {"id >= 100 and dbl > 10", T2("id", GE, {.i = 100}, "dbl", GT, {.d = 10})},
    {"id < 3000 and id > 3500", T2("id", LT, {.i = 3000}, "id", GT, {.i = 3500})},
};

TEST(results_match_brute_force)
{
    for (int v = 1; v <= 2; v++) {
        size_t len = 0;
        uint8_t *data = make_file(v, v == 1, true, &len);
        if (!data) return;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const where_case *c = &cases[i];
            int64_t m1 = check_filter(data, len, 1, NULL, 0, c->expr, c->t, c->n, NULL);
            int64_t m4 = check_filter(data, len, 4, NULL, 0, c->expr, c->t, c->n, NULL);
            CHECK_EQ_I64(m1, m4);
        }
        /* the filter column left out of the selection; nested outputs */
        static const char *const nested[] = {"s", "l"};
        static const char *const one[] = {"str"};
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const where_case *c = &cases[i];
            check_filter(data, len, 1, nested, 2, c->expr, c->t, c->n, NULL);
            check_filter(data, len, 4, one, 1, c->expr, c->t, c->n, NULL);
        }
        free(data);
    }
}

/* Some outcomes known by construction. */
TEST(known_counts)
{
    size_t len = 0;
    uint8_t *data = make_file(1, true, true, &len);
    if (!data) return;
    static const term ge = {"id", GE, {.i = 4500}};
    CHECK_EQ_I64(check_filter(data, len, 1, NULL, 0, "id >= 4500", &ge, 1, NULL), 1500);
    static const term none = {"id", GT, {.i = 100000}};
    CHECK_EQ_I64(check_filter(data, len, 1, NULL, 0, "id > 100000", &none, 1, NULL), 0);
    static const term zero = {"dbl", EQ, {.d = 0}};
    int64_t zeros = 0;
    for (int64_t i = 0; i < N_ROWS; i++) zeros += (i % 17 == 1 || i % 17 == 2) && i % 19 != 5;
    CHECK_EQ_I64(check_filter(data, len, 1, NULL, 0, "dbl = 0", &zero, 1, NULL), zeros);
    static const term ne = {"dbl", NE, {.d = 12345}};
    int64_t non_nan = 0;
    for (int64_t i = 0; i < N_ROWS; i++) non_nan += i % 17 != 0 && i % 19 != 5;
    CHECK_EQ_I64(check_filter(data, len, 1, NULL, 0, "dbl != 12345", &ne, 1, NULL), non_nan);
    free(data);
}

/* ============================================================ skipping */

TEST(skips_row_groups_and_pages)
{
    size_t len = 0;
    uint8_t *data = make_file(1, true, true, &len);
    if (!data) return;
    pq_filter_stats st;
    static const term ge = {"id", GE, {.i = 4500}};
    check_filter(data, len, 1, NULL, 0, "id >= 4500", &ge, 1, &st);
    CHECK_EQ_I64(st.row_groups_skipped, 4); /* 0..3999 by statistics */
    CHECK_EQ_I64(st.row_groups_read, 2);
    CHECK_EQ_I64(st.rows_matched, 1500);
    CHECK(st.pages_skipped > 0);            /* rows 4000..4499 of row group 4 */
    CHECK(st.rows_decoded <= RG_ROWS);      /* row group 5 matches whole by statistics */
    static const term r2[] = {{"id", GE, {.i = 2100}}, {"id", LT, {.i = 2200}}};
    check_filter(data, len, 1, NULL, 0, "id >= 2100 and id < 2200", r2, 2, &st);
    CHECK_EQ_I64(st.row_groups_skipped, 5);
    CHECK_EQ_I64(st.rows_matched, 100);
    CHECK(st.pages_skipped > 4 * st.pages_read);
    CHECK(st.rows_decoded < 400);
    /* four threads (read-ahead) count the same */
    pq_filter_stats st4;
    check_filter(data, len, 4, NULL, 0, "id >= 2100 and id < 2200", r2, 2, &st4);
    CHECK_EQ_I64(st4.pages_read, st.pages_read);
    CHECK_EQ_I64(st4.pages_skipped, st.pages_skipped);
    CHECK_EQ_I64(st4.rows_matched, 100);
    /* a selection without the filter column still skips its pages */
    static const char *const sel[] = {"str"};
    check_filter(data, len, 1, sel, 1, "id >= 2100 and id < 2200", r2, 2, &st);
    CHECK(st.pages_skipped > 2 * st.pages_read);
    free(data);
}

TEST(nothing_skipped_without_statistics)
{
    size_t len = 0;
    uint8_t *data = make_file(1, true, false, &len);
    if (!data) return;
    pq_filter_stats st;
    static const term r2[] = {{"id", GE, {.i = 2100}}, {"id", LT, {.i = 2200}}};
    CHECK_EQ_I64(check_filter(data, len, 1, NULL, 0, "id >= 2100 and id < 2200", r2, 2, &st), 100);
    CHECK_EQ_I64(st.row_groups_skipped, 0);
    CHECK_EQ_I64(st.row_groups_read, N_ROWS / RG_ROWS);
    CHECK_EQ_I64(st.pages_skipped, 0);
    CHECK_EQ_I64(st.rows_decoded, N_ROWS);
    CHECK_EQ_I64(st.rows_matched, 100);
    free(data);
}

/* alltypes_tiny_pages.parquet: 7300 rows, a page index, tiny pages. */
TEST(corpus_tiny_pages)
{
    size_t len = 0;
    uint8_t *data = harness_read_file(DATA_DIR "/alltypes_tiny_pages.parquet", &len);
    CHECK(data != NULL);
    if (!data) return;
    pq_filter_stats st;
    static const term ge = {"id", GE, {.i = 7000}};
    int64_t m = check_filter(data, len, 1, NULL, 0, "id >= 7000", &ge, 1, &st);
    CHECK(m > 0);
    CHECK(st.pages_skipped > 10 * st.pages_read);
    static const term two[] = {{"id", GE, {.i = 1000}}, {"int_col", EQ, {.i = 3}}};
    check_filter(data, len, 4, NULL, 0, "id >= 1000 and int_col = 3", two, 2, NULL);
    static const term str[] = {{"string_col", EQ, {.s = "5"}}};
    CHECK(check_filter(data, len, 1, NULL, 0, "string_col = '5'", str, 1, NULL) > 0);
    free(data);
}

/* ======================================================== parse errors */

typedef struct parse_case {
    const char *expr;
    pq_status status;
    const char *fragment; /* in the message */
} parse_case;

static const parse_case parse_cases[] = {
    {"", PQ_ERR_INVALID_ARG, "expected a column name, found the end of the expression"},
    {"   ", PQ_ERR_INVALID_ARG, "expected a column name"},
    {">= 5", PQ_ERR_INVALID_ARG, "expected a column name, found '>='"},
    {"id => 5", PQ_ERR_INVALID_ARG, "expected an operator (= != < <= > >=) after 'id', found '=>'"},
    {"id", PQ_ERR_INVALID_ARG, "after 'id', found the end of the expression"},
    {"id 5", PQ_ERR_INVALID_ARG, "after 'id', found '5'"},
    {"id == 5", PQ_ERR_INVALID_ARG, "found '=='"},
    {"id >=", PQ_ERR_INVALID_ARG, "expected a value after 'id >=', found the end of the expression"},
    {"id >= 5 or id < 2", PQ_ERR_INVALID_ARG, "'or' is not supported"},
    {"id >= 5 id < 2", PQ_ERR_INVALID_ARG, "expected 'and' or the end of the expression after 'id >= 5', found 'id'"},
    {"id >= 5 and", PQ_ERR_INVALID_ARG, "expected a column name, found the end of the expression"},
    {"id = 1 and dec >=", PQ_ERR_INVALID_ARG, "expected a value after 'dec >=', found the end"},
    {"nope = 1", PQ_ERR_INVALID_ARG, "no column 'nope' in the file"},
    {"s = 1", PQ_ERR_INVALID_ARG, "column 's' is a struct"},
    {"l = 1", PQ_ERR_INVALID_ARG, "column 'l' is or holds a list or map"},
    {"l.list.element = 1", PQ_ERR_INVALID_ARG, "is inside a list or map"},
    {"id = abc", PQ_ERR_INVALID_ARG, "expected a value of type int64 for column 'id', found 'abc'"},
    {"id = 1.5", PQ_ERR_INVALID_ARG, "found '1.5'"},
    {"id = 9223372036854775808", PQ_ERR_INVALID_ARG, "value '9223372036854775808' is out of range for column 'id'"},
    {"i8 = 128", PQ_ERR_INVALID_ARG, "value '128' is out of range for column 'i8' (int8)"},
    {"i8 = -129", PQ_ERR_INVALID_ARG, "out of range"},
    {"u32 = -1", PQ_ERR_INVALID_ARG, "value '-1' is out of range for column 'u32' (uint32)"},
    {"u32 = 4294967296", PQ_ERR_INVALID_ARG, "out of range"},
    {"u64 = 18446744073709551616", PQ_ERR_INVALID_ARG, "out of range"},
    {"dec = 1.005", PQ_ERR_INVALID_ARG, "value '1.005' has more fraction digits than column 'dec' (decimal(10,2))"},
    {"dec = 100000000", PQ_ERR_INVALID_ARG, "out of range"},
    {"dec = 1e5", PQ_ERR_INVALID_ARG, "found '1e5'"},
    {"dbl = nan", PQ_ERR_INVALID_ARG, "NaN can't be compared"},
    {"dbl = x", PQ_ERR_INVALID_ARG, "found 'x'"},
    {"b = yes", PQ_ERR_INVALID_ARG, "found 'yes'"},
    {"day = 2023-02-29", PQ_ERR_INVALID_ARG, "found '2023-02-29'"},
    {"day = '2023-01-01 00:00:00'", PQ_ERR_INVALID_ARG, "found '2023-01-01 00:00:00'"},
    {"ts = '2023-01-01 25:00:00'", PQ_ERR_INVALID_ARG, "found '2023-01-01 25:00:00'"},
    {"ts = '2023-01-01 00:00:00.0000001'", PQ_ERR_INVALID_ARG, "more fraction digits"},
    {"str = 'abc", PQ_ERR_INVALID_ARG, "expected a closing ' for the quote"},
};

TEST(parse_errors)
{
    size_t len = 0;
    uint8_t *data = make_file(1, true, true, &len);
    if (!data) return;
    pq_reader *r = open_mem(data, len, 1, NULL, 0);
    for (size_t i = 0; r && i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const parse_case *c = &parse_cases[i];
        pq_error err;
        pq_status s = pq_reader_set_filter(r, c->expr, &err);
        CHECK_STATUS(s, c->status);
        if (s != PQ_OK && !strstr(err.message, c->fragment)) {
            fprintf(stderr, "[%s] message '%s' lacks '%s'\n", c->expr, err.message, c->fragment);
            CHECK(false);
        }
        CHECK(err.path[0] == 0); /* a usage problem, not the file's */
    }
    /* accepted forms, and NULL removing the filter */
    pq_error err;
    CHECK_OK(pq_reader_set_filter(r, "id >= 5 AnD \"str\" = 'it''s' and dec >= -0.5", &err), &err);
    CHECK_STATUS(pq_reader_set_filter(r, "dec38 < 1e0", &err), PQ_ERR_INVALID_ARG);
    CHECK_OK(pq_reader_set_filter(r, "u64 = 18446744073709551615 and i8 = -128 and ts < 2023-11-15Z", &err), &err);
    CHECK_OK(pq_reader_set_filter(r, "id > 5990", &err), &err);
    pq_table t;
    CHECK_OK(pq_reader_read_row_group(r, 5, &t, &err), &err);
    CHECK_EQ_I64(t.num_rows, 9);
    pq_table_reset(&t);
    CHECK_OK(pq_reader_set_filter(r, NULL, &err), &err);
    CHECK_OK(pq_reader_read_row_group(r, 5, &t, &err), &err);
    CHECK_EQ_I64(t.num_rows, RG_ROWS);
    pq_table_reset(&t);
    pq_filter_stats st;
    pq_reader_filter_stats(r, &st);
    CHECK_EQ_I64(st.rows_matched, 0);
    CHECK_STATUS(pq_reader_set_filter(NULL, "id = 1", &err), PQ_ERR_INVALID_ARG);
    pq_reader_close(r);
    free(data);
}

/* ======================================================= unit helpers */

/* Cutting a repeated leaf: rows of two spans, rows 1 and 3 kept. */
TEST(keep_rows_repeated)
{
    pq_error err;
    pq_leaf leaf;
    memset(&leaf, 0, sizeof leaf);
    leaf.max_def = 2;
    leaf.max_rep = 1;
    leaf.physical = PQ_PHYS_BYTE_ARRAY;
    leaf.path = "l.list.element";
    pq_leaf_data d;
    pq_leaf_data_init(&d, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    /* rows (spans {10,2} {20,2}): [a b] | null | [] | [c] */
    static const uint16_t def[] = {2, 2, 0, 1, 2};
    static const uint16_t rep[] = {0, 1, 0, 0, 0};
    static const int64_t off[] = {0, 1, 3, 6};
    CHECK_OK(pq_buf_append(&d.def, def, sizeof def, &err), &err);
    CHECK_OK(pq_buf_append(&d.rep, rep, sizeof rep, &err), &err);
    CHECK_OK(pq_buf_append(&d.values.offsets, off, sizeof off, &err), &err);
    CHECK_OK(pq_buf_append(&d.values.data, "abbccc", 6, &err), &err);
    d.values.n = 3;
    d.n_levels = 5;
    pq_row_span spans[2] = {{10, 2}, {20, 2}};
    uint64_t sel = ((uint64_t)1 << 11) | ((uint64_t)1 << 21);
    CHECK_OK(pq_leaf_data_keep_rows(&leaf, &d, spans, 2, &sel, &err), &err);
    CHECK_EQ_I64(d.n_levels, 2);
    const uint16_t *od = (const uint16_t *)(void *)d.def.data, *orp = (const uint16_t *)(void *)d.rep.data;
    CHECK(od[0] == 0 && od[1] == 2 && orp[0] == 0 && orp[1] == 0);
    CHECK_EQ_I64(d.values.n, 1);
    const int64_t *oo = (const int64_t *)(void *)d.values.offsets.data;
    CHECK(oo[0] == 0 && oo[1] == 3 && d.values.data.len == 3 && !memcmp(d.values.data.data, "ccc", 3));
    /* a span naming more rows than the levels hold is corruption */
    pq_row_span bad[1] = {{0, 5}};
    uint64_t all = 0x1f;
    CHECK_STATUS(pq_leaf_data_keep_rows(&leaf, &d, bad, 1, &all, &err), PQ_ERR_CORRUPT);
    pq_leaf_data_reset(&d);
}

int main(void)
{
    RUN(parse_errors);
    RUN(keep_rows_repeated);
    RUN(known_counts);
    RUN(skips_row_groups_and_pages);
    RUN(nothing_skipped_without_statistics);
    RUN(corpus_tiny_pages);
    RUN(results_match_brute_force);
    return harness_done();
}
