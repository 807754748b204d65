/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl_write.c - a pq_pnl into Parquet: the wide file (one column per
 * strategy, the CSV's columns in the CSV's order) and the long file (one
 * row per row x strategy, sorted by strategy so each series is contiguous).
 * The partitioned dataset (pnl_dataset.c) is made of wide files.
 *
 * Wide files carry no page index and no dictionary on strategy columns:
 * with one page per column, an index only adds footer bytes, and P&L values
 * rarely repeat.  The footer of a 100k-column file is then ~100 bytes per
 * column.  docs/strategies.md describes both layouts.
 */
#include "pnl/pnl_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pq_pnl_write_options_init(pq_pnl_write_options *o)
{
    memset(o, 0, sizeof *o);
    o->store = PQ_PNL_STORE_WIDE;
    pq_writer_options_init(&o->writer);
}

static pq_type meta_type(const pq_pnl_meta *m)
{
    switch (m->kind) {
    case PQ_PNL_META_DATE: return pq_type_make(PQ_KIND_DATE);
    case PQ_PNL_META_TIME: return pq_type_time(PQ_UNIT_MICROS, false);
    case PQ_PNL_META_STRING: return pq_type_make(PQ_KIND_STRING);
    case PQ_PNL_META_DOUBLE: break;
    }
    return pq_type_make(PQ_KIND_DOUBLE);
}

static pq_status add_field(pq_schema *s, const char *name, pq_type t, bool nullable, pq_error *err)
{
    pq_field f;
    PQ_TRY(pq_field_init(&f, name, t, nullable, NULL, err));
    pq_status st = pq_schema_add(s, &f, err);
    if (st != PQ_OK) pq_field_reset(&f, NULL);
    return st;
}

/* p's columns in source order, allocated; *n set. */
static pq_status source_columns(const pq_pnl *p, pnl_col **cols, int64_t *n, pq_error *err)
{
    if (!(*cols = malloc((size_t)(p->n_strategies + PQ_PNL_ROLE_COUNT) * sizeof **cols))) return PQ_NOMEM(err);
    *n = pnl_columns(p, *cols);
    return PQ_OK;
}

pq_status pnl_wide_schema(const pq_pnl *p, pq_schema *s, pq_error *err)
{
    pq_schema_init(s, NULL);
    pnl_col *cols = NULL;
    int64_t n = 0;
    PQ_TRY(source_columns(p, &cols, &n, err));
    pq_status st = PQ_OK;
    for (int64_t c = 0; st == PQ_OK && c < n; c++) {
        if (cols[c].role >= 0) {
            const pq_pnl_meta *m = &p->meta[cols[c].role];
            st = add_field(s, m->name, meta_type(m), cols[c].role != PQ_PNL_DATE, err);
        } else st = add_field(s, p->names[cols[c].strat], pq_type_make(PQ_KIND_DOUBLE), true, err);
    }
    free(cols);
    if (st != PQ_OK) pq_schema_reset(s);
    return st;
}

/* Append row r of meta column m to array a. */
pq_status pnl_append_meta(pq_array *a, const pq_pnl_meta *m, int64_t r, pq_error *err)
{
    if (pnl_meta_is_null(m, r)) return pq_array_append_null(a, err);
    switch (m->kind) {
    case PQ_PNL_META_DATE: return pq_array_append_i64(a, m->days[r], err);
    case PQ_PNL_META_TIME: return pq_array_append_i64(a, m->micros[r], err);
    case PQ_PNL_META_DOUBLE: return pq_array_append_double(a, m->doubles[r], err);
    case PQ_PNL_META_STRING: {
        const char *l = m->labels[m->codes[r]];
        return pq_array_append_bytes(a, l, strlen(l), err);
    }
    }
    return PQ_OK;
}

/* The rows `rows[0..n)` (NULL = all) of p as a wide table for `schema`. */
static pq_status fill_wide(const pq_pnl *p, const int64_t *rows, int64_t n, const pq_schema *schema, pq_table *t,
                           pq_error *err)
{
    PQ_TRY(pq_table_init(t, schema, err));
    pnl_col *cols = NULL;
    int64_t nc = 0;
    PQ_TRY(source_columns(p, &cols, &nc, err));
    pq_status st = PQ_OK;
    for (int64_t c = 0; st == PQ_OK && c < schema->n_fields && c < nc; c++) {
        pq_array *a = &t->columns[c];
        st = pq_array_reserve(a, n, err);
        if (cols[c].role >= 0) {
            const pq_pnl_meta *m = &p->meta[cols[c].role];
            for (int64_t i = 0; st == PQ_OK && i < n; i++) st = pnl_append_meta(a, m, rows ? rows[i] : i, err);
            continue;
        }
        int64_t s = cols[c].strat;
        const double *v = p->values + (size_t)s * (size_t)p->n_rows;
        for (int64_t i = 0; st == PQ_OK && i < n; i++) {
            int64_t r = rows ? rows[i] : i;
            st = p->nulls && pq_pnl_is_null(p, s, r) ? pq_array_append_null(a, err) : pq_array_append_double(a, v[r], err);
        }
    }
    free(cols);
    return st == PQ_OK ? pq_table_finish(t, err) : st;
}

/* Footer key/values common to all layouts; *n set. */
static void common_kv(const pq_pnl *p, const pq_pnl_write_options *o, const char *store, pq_kv kv[4], size_t *n)
{
    size_t k = 0;
    kv[k].key = (char *)PNL_KV_STORE, kv[k++].value = (char *)store;
    kv[k].key = (char *)PNL_KV_LAYOUT, kv[k++].value = (char *)pq_pnl_layout_name(p->layout);
    if (p->date_format[0]) kv[k].key = (char *)PNL_KV_DATE_FORMAT, kv[k++].value = (char *)p->date_format;
    if (o->source) kv[k].key = (char *)PNL_KV_SOURCE, kv[k++].value = (char *)o->source;
    *n = k;
}

pq_status pnl_write_wide_rows(const pq_pnl *p, const int64_t *rows, int64_t n, const char *path,
                              const pq_pnl_write_options *o, pq_error *err)
{
    pq_schema schema;
    PQ_TRY(pnl_wide_schema(p, &schema, err));
    pq_table t;
    memset(&t, 0, sizeof t);
    pq_status st = fill_wide(p, rows, n, &schema, &t, err);
    pq_kv kv[4];
    size_t nkv;
    common_kv(p, o, "wide", kv, &nkv);
    pq_column_options cols[PQ_PNL_ROLE_COUNT];
    size_t ncols = 0;
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++)
        if (p->meta[r].present && p->meta[r].kind == PQ_PNL_META_STRING) {
            memset(&cols[ncols], 0, sizeof cols[ncols]);
            cols[ncols].path = p->meta[r].name;
            cols[ncols++].dictionary = 1;
        }
    pq_writer_options wo = o->writer;
    wo.kv = kv;
    wo.n_kv = nkv;
    wo.columns = cols;
    wo.n_columns = ncols;
    wo.dictionary = false;
    wo.write_page_index = false;
    pq_writer *w = NULL;
    if (st == PQ_OK) st = pq_writer_open(&w, path, &schema, &wo, err);
    if (st == PQ_OK) st = pq_writer_write(w, &t, err);
    if (st == PQ_OK) {
        st = pq_writer_close(w, err);
        w = NULL;
    }
    pq_writer_abort(w);
    pq_table_reset(&t);
    pq_schema_reset(&schema);
    return st;
}

/* ------------------------------------------------------------------ long */

/* The meta positions as JSON, {"Date":0,"Day":1}, so the source's column
 * order can be rebuilt (strategies fill the other positions in order). */
static pq_status positions_json(const pq_pnl *p, pq_buf *b, pq_error *err)
{
    PQ_TRY(pq_buf_append(b, "{", 1, err));
    bool first = true;
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++) {
        if (!p->meta[r].present) continue;
        char tmp[64];
        int n = snprintf(tmp, sizeof tmp, "%s\"%s\":%lld", first ? "" : ",", pq_pnl_role_name((pq_pnl_role)r),
                         (long long)p->meta[r].position);
        PQ_TRY(pq_buf_append(b, tmp, (size_t)n, err));
        first = false;
    }
    PQ_TRY(pq_buf_append(b, "}", 2, err)); /* with the NUL */
    return PQ_OK;
}

pq_status pnl_write_long_rows(const pq_pnl *p, const int64_t *rows, int64_t n, const char *path,
                              const pq_pnl_write_options *o, pq_error *err)
{
    pq_schema schema;
    pq_schema_init(&schema, NULL);
    int order[PQ_PNL_ROLE_COUNT];
    int nm = pnl_meta_order(p, order);
    pq_status st = PQ_OK;
    for (int i = 0; i < nm && st == PQ_OK; i++)
        st = add_field(&schema, p->meta[order[i]].name, meta_type(&p->meta[order[i]]), order[i] != PQ_PNL_DATE, err);
    if (st == PQ_OK) st = add_field(&schema, PNL_LONG_STRATEGY, pq_type_make(PQ_KIND_STRING), false, err);
    if (st == PQ_OK) st = add_field(&schema, PNL_LONG_PNL, pq_type_make(PQ_KIND_DOUBLE), true, err);
    pq_buf pos;
    pq_buf_init(&pos, NULL);
    if (st == PQ_OK) st = positions_json(p, &pos, err);
    pq_kv kv[5];
    size_t nkv;
    common_kv(p, o, "long", kv, &nkv);
    kv[nkv].key = (char *)PNL_KV_ORDER;
    kv[nkv++].value = (char *)pos.data;
    pq_writer_options wo = o->writer;
    wo.kv = kv;
    wo.n_kv = nkv;
    if (o->writer.row_group_size == 131072 || o->writer.row_group_size <= 0) wo.row_group_size = (int64_t)1 << 20;
    pq_writer *w = NULL;
    if (st == PQ_OK) st = pq_writer_open(&w, path, &schema, &wo, err);
    pq_table t;
    memset(&t, 0, sizeof t);
    if (st == PQ_OK) st = pq_table_init(&t, &schema, err);
    /* Batches of whole strategies, about 1 Mi rows each. */
    int64_t R = n; /* rows written per strategy: rows[0..n), or all */
    int64_t per = R > 0 ? ((int64_t)1 << 20) / R : 1;
    if (per < 1) per = 1;
    for (int64_t s0 = 0; st == PQ_OK && s0 < p->n_strategies; s0 += per) {
        int64_t s1 = s0 + per < p->n_strategies ? s0 + per : p->n_strategies;
        pq_table_clear(&t);
        int64_t batch = (s1 - s0) * R;
        for (int64_t c = 0; c < t.schema.n_fields && st == PQ_OK; c++) st = pq_array_reserve(&t.columns[c], batch, err);
        for (int i = 0; i < nm && st == PQ_OK; i++) {
            const pq_pnl_meta *m = &p->meta[order[i]];
            for (int64_t s = s0; s < s1 && st == PQ_OK; s++)
                for (int64_t r = 0; r < R && st == PQ_OK; r++)
                    st = pnl_append_meta(&t.columns[i], m, rows ? rows[r] : r, err);
        }
        pq_array *sa = &t.columns[nm], *va = &t.columns[nm + 1];
        for (int64_t s = s0; s < s1 && st == PQ_OK; s++) {
            size_t len = strlen(p->names[s]);
            const double *v = p->values + (size_t)s * (size_t)p->n_rows;
            for (int64_t r = 0; r < R && st == PQ_OK; r++) {
                int64_t row = rows ? rows[r] : r;
                st = pq_array_append_bytes(sa, p->names[s], len, err);
                if (st != PQ_OK) break;
                if (p->nulls && pq_pnl_is_null(p, s, row)) st = pq_array_append_null(va, err);
                else st = pq_array_append_double(va, v[row], err);
            }
        }
        if (st == PQ_OK) st = pq_table_finish(&t, err);
        if (st == PQ_OK) st = pq_writer_write(w, &t, err);
    }
    if (st == PQ_OK) {
        st = pq_writer_close(w, err);
        w = NULL;
    }
    pq_writer_abort(w);
    pq_table_reset(&t);
    pq_schema_reset(&schema);
    pq_buf_reset(&pos);
    return st;
}

pq_status pq_pnl_write(const pq_pnl *p, const char *path, const pq_pnl_write_options *o, int64_t *files_written,
                       pq_error *err)
{
    pq_pnl_write_options def;
    if (!o) {
        pq_pnl_write_options_init(&def);
        o = &def;
    }
    if (files_written) *files_written = 0;
    pq_status st;
    switch (o->store) {
    case PQ_PNL_STORE_WIDE:
        st = pnl_write_wide_rows(p, NULL, p->n_rows, path, o, err);
        if (st == PQ_OK && files_written) *files_written = 1;
        break;
    case PQ_PNL_STORE_LONG:
        st = pnl_write_long_rows(p, NULL, p->n_rows, path, o, err);
        if (st == PQ_OK && files_written) *files_written = 1;
        break;
    case PQ_PNL_STORE_PARTITIONED:
        st = pnl_write_dataset(p, path, o, files_written, err);
        break;
    default:
        st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "unknown P&L store %d", (int)o->store);
    }
    if (st != PQ_OK && err && !err->path[0]) snprintf(err->path, sizeof err->path, "%s", path);
    return st;
}
