/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_filter.c - libFuzzer target for row filters (parquet/filter*.c
 * and the page-skipping reads of column_reader.c): the input is a filter
 * expression, a newline, and a Parquet file.  With nothing (or fewer than
 * 12 bytes) after the newline, a built-in file is used: sorted int64,
 * nullable int32, double, string, decimal, struct and list columns in four
 * row groups of small pages with statistics and a page index, so mutations
 * of the expression reach the pruning and evaluation of every type.  A
 * fuzzed file exercises hostile statistics, column and offset indexes.
 *
 * Setting the filter must end in PQ_OK or PQ_ERR_INVALID_ARG; every row
 * group read must end in PQ_OK or a bad-input status, return at most the
 * row group's rows, and valid arrays.  Anything else, or a sanitizer
 * report, aborts.  Row groups whose metadata announces more output than a
 * fuzzing process should hold are skipped (as fuzz_reader.c does).
 */
#include "parquant/parquet.h"

#include "fuzz_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------------------ built-in file */

static uint8_t *builtin;
static size_t builtin_len;

static pq_status add(pq_schema *s, const char *name, pq_type t, bool nullable)
{
    pq_field f;
    if (pq_field_init(&f, name, t, nullable, NULL, NULL) != PQ_OK) return PQ_ERR_NOMEM;
    return pq_schema_add(s, &f, NULL);
}

static pq_status build_schema(pq_schema *s)
{
    pq_field st, a, e, l;
    pq_schema_init(s, NULL);
    if (add(s, "id", pq_type_int(64, true), false) || add(s, "i", pq_type_int(32, true), true) ||
        add(s, "d", pq_type_make(PQ_KIND_DOUBLE), true) || add(s, "s", pq_type_make(PQ_KIND_STRING), true) ||
        add(s, "m", pq_type_decimal(20, 3), true) || add(s, "t", pq_type_timestamp(PQ_UNIT_MILLIS, false), false))
        return PQ_ERR_NOMEM;
    if (pq_field_init(&st, "st", pq_type_make(PQ_KIND_STRUCT), true, NULL, NULL) ||
        pq_field_init(&a, "a", pq_type_int(16, false), true, NULL, NULL) || pq_field_add_child(&st, &a, NULL, NULL) ||
        pq_schema_add(s, &st, NULL) || pq_field_init(&e, "element", pq_type_int(32, true), true, NULL, NULL) ||
        pq_field_list(&l, "l", true, &e, NULL, NULL) || pq_schema_add(s, &l, NULL))
        return PQ_ERR_NOMEM;
    return PQ_OK;
}

static pq_status build_rows(pq_table *t)
{
    pq_array *c = t->columns;
    for (int64_t r = 0; r < 2000; r++) {
        char txt[16];
        uint8_t dec[16];
        __extension__ __int128 v = (__int128)(r * 7 - 5000) * 1000;
        memcpy(dec, &v, 16);
        int n = snprintf(txt, sizeof txt, "s%03d", (int)(r % 300));
        if (pq_array_append_i64(&c[0], r, NULL) ||
            (r % 5 ? pq_array_append_i64(&c[1], r % 97 - 40, NULL) : pq_array_append_null(&c[1], NULL)) ||
            pq_array_append_double(&c[2], r % 13 ? (double)(r % 50) / 4 : NAN, NULL) ||
            (r % 7 ? pq_array_append_bytes(&c[3], txt, (size_t)n, NULL) : pq_array_append_null(&c[3], NULL)) ||
            (r % 11 ? pq_array_append_fixed(&c[4], dec, NULL) : pq_array_append_null(&c[4], NULL)) ||
            pq_array_append_i64(&c[5], 1600000000000 + r * 60000, NULL))
            return PQ_ERR_NOMEM;
        pq_array *st = &c[6], *l = &c[7];
        if (r % 9 == 2) {
            if (pq_array_append_null(st, NULL)) return PQ_ERR_NOMEM;
        } else if (pq_array_append_i64(&st->children[0], r % 600, NULL) || pq_array_append_valid(st, NULL)) {
            return PQ_ERR_NOMEM;
        }
        for (int64_t k = 0; k < r % 3; k++)
            if (pq_array_append_i64(&l->children[0], r + k, NULL)) return PQ_ERR_NOMEM;
        if (pq_array_append_valid(l, NULL)) return PQ_ERR_NOMEM;
    }
    return pq_table_finish(t, NULL);
}

/* Write the built-in file once; abort if that fails (a bug). */
static void build_file(void)
{
    pq_schema s;
    pq_table t;
    pq_writer *w = NULL;
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.page_size = 256;
    o.row_group_size = 500;
    o.threads = 1;
    if (build_schema(&s) || pq_table_init(&t, &s, NULL) || build_rows(&t) || pq_writer_open_memory(&w, &s, &o, NULL) ||
        pq_writer_write(w, &t, NULL) || pq_writer_close_memory(w, &builtin, &builtin_len, NULL))
        abort();
    pq_table_reset(&t);
    pq_schema_reset(&s);
}

/* ------------------------------------------------------------ target */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t elen = nl ? (size_t)(nl - data) : size;
    if (elen > 4096) return 0;
    char *expr = (char *)malloc(elen + 1);
    if (!expr) return 0;
    memcpy(expr, data, elen);
    expr[elen] = 0;
    const uint8_t *file = nl ? nl + 1 : data + size;
    size_t flen = (size_t)(data + size - file);
    if (flen < 12) {
        if (!builtin) build_file();
        file = builtin;
        flen = builtin_len;
    }
    pq_reader_options o;
    pq_reader_options_init(&o);
    o.threads = 1;
    o.limits.max_page_bytes = (int64_t)16 << 20;
    o.limits.max_footer_bytes = (int64_t)4 << 20;
    o.limits.max_columns = 4096;
    pq_reader *r = NULL;
    pq_error err;
    pq_status s = pq_reader_open_memory(&r, file, flen, "fuzz", &o, &err);
    if (s != PQ_OK) {
        fuzz_expect_clean(s);
        free(expr);
        return 0;
    }
    s = pq_reader_set_filter(r, expr, &err);
    if (s != PQ_OK && s != PQ_ERR_INVALID_ARG) abort();
    const pq_file_metadata *m = pq_reader_metadata(r);
    for (int64_t g = 0; s == PQ_OK && g < pq_reader_num_row_groups(r); g++) {
        if (!fuzz_small_enough(m, g, size)) continue;
        pq_table t;
        pq_status rs = pq_reader_read_row_group(r, g, &t, &err);
        fuzz_expect_clean(rs);
        if (rs == PQ_OK) {
            if (t.num_rows > m->row_groups[g].num_rows) abort();
            for (int64_t c = 0; c < t.schema.n_fields; c++)
                if (t.columns[c].length != t.num_rows || pq_array_validate(&t.columns[c], NULL) != PQ_OK) abort();
        }
        pq_table_reset(&t);
    }
    pq_reader_close(r);
    free(expr);
    return 0;
}
