/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl_load.c - Parquet (wide file, long file, or a dataset folder of
 * either) into the optimiser's pq_pnl: a dense strategy-major matrix, the
 * names, and the row attributes.
 *
 * Wide: each strategy column is one contiguous run of the matrix, so a
 * column chunk decodes straight into place (a memcpy when it has no null).
 * Only the selected strategies (and Date, and the attributes unless
 * skip_meta) are read.  Long: rows must come in runs of one strategy with
 * equal lengths (as parquant writes them, sorted by strategy); the first
 * run gives the row attributes, every later run's dates must match it.
 * Columns are recognised by name, so wide files written by other engines
 * (DuckDB's COPY of the CSV, pandas) load too.
 */
#include "pnl/pnl_write.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void pq_pnl_load_options_init(pq_pnl_load_options *o) { memset(o, 0, sizeof *o); }

/* Value i of a numeric array as a double (false if null or not numeric). */
static bool num_at(const pq_array *a, int64_t i, double *out)
{
    if (!pq_array_is_valid(a, i)) return false;
    switch (a->type.kind) {
    case PQ_KIND_DOUBLE: memcpy(out, a->values + i * 8, 8); return true;
    case PQ_KIND_FLOAT: { float f; memcpy(&f, a->values + i * 4, 4); *out = f; return true; }
    case PQ_KIND_INT:
        switch (a->type.bit_width) {
        case 8: *out = a->type.is_signed ? (double)((const int8_t *)a->values)[i] : (double)a->values[i]; return true;
        case 16: { int16_t v; memcpy(&v, a->values + i * 2, 2); *out = a->type.is_signed ? v : (uint16_t)v; return true; }
        case 32: { int32_t v; memcpy(&v, a->values + i * 4, 4); *out = a->type.is_signed ? v : (double)(uint32_t)v; return true; }
        default: { int64_t v; memcpy(&v, a->values + i * 8, 8); *out = a->type.is_signed ? (double)v : (double)(uint64_t)v; return true; }
        }
    default: return false;
    }
}

static bool kind_numeric(pq_kind k) { return k == PQ_KIND_DOUBLE || k == PQ_KIND_FLOAT || k == PQ_KIND_INT; }

/* Does a field of type t fit meta role r? */
static bool meta_kind_ok(pq_pnl_role r, const pq_type *t)
{
    switch (pnl_role_kind(r)) {
    case PQ_PNL_META_DATE: return t->kind == PQ_KIND_DATE;
    case PQ_PNL_META_TIME: return t->kind == PQ_KIND_TIME;
    case PQ_PNL_META_STRING: return t->kind == PQ_KIND_STRING;
    case PQ_PNL_META_DOUBLE: return kind_numeric(t->kind);
    }
    return false;
}

/* Row i of array a into meta column m at row `row`. */
static pq_status meta_from(pq_pnl_meta *m, pnl_labels *labels, const pq_array *a, int64_t i, int64_t row,
                           int64_t n_rows, pq_error *err)
{
    if (!pq_array_is_valid(a, i)) return pnl_meta_set_null(m, row, n_rows, err);
    switch (m->kind) {
    case PQ_PNL_META_DATE: memcpy(&m->days[row], a->values + i * 4, 4); return PQ_OK;
    case PQ_PNL_META_TIME:
        if (a->type.unit == PQ_UNIT_MILLIS) {
            int32_t v;
            memcpy(&v, a->values + i * 4, 4);
            m->micros[row] = (int64_t)v * 1000;
        } else {
            int64_t v;
            memcpy(&v, a->values + i * 8, 8);
            m->micros[row] = a->type.unit == PQ_UNIT_NANOS ? v / 1000 : v;
        }
        return PQ_OK;
    case PQ_PNL_META_DOUBLE: num_at(a, i, &m->doubles[row]); return PQ_OK;
    case PQ_PNL_META_STRING: {
        size_t len;
        const uint8_t *s = pq_array_bytes(a, i, &len);
        return pnl_labels_code(labels, s, len, &m->codes[row], err);
    }
    }
    return PQ_OK;
}

typedef struct loader {
    const pq_pnl_load_options *o;
    pq_pnl *p;
    pnl_labels labels[PQ_PNL_ROLE_COUNT];
    int64_t long_strategies;   /* strategies in each long file (from the first) */
} loader;

static pq_status open_reader(const char *path, const pq_pnl_load_options *o, pq_reader **r, pq_error *err)
{
    pq_reader_options ro;
    pq_reader_options_init(&ro);
    ro.threads = o->threads;
    ro.limits.max_columns = (int64_t)1 << 24;
    return pq_reader_open(r, path, &ro, err);
}

static const char *kv_get(const pq_reader *r, const char *key)
{
    const pq_file_metadata *md = pq_reader_metadata(r);
    for (int64_t i = 0; i < md->n_kv; i++)
        if (md->kv[i].key && strcmp(md->kv[i].key, key) == 0) return md->kv[i].value;
    return NULL;
}

static bool is_long(const pq_reader *r)
{
    const char *store = kv_get(r, PNL_KV_STORE);
    if (store) return strcmp(store, "long") == 0;
    const pq_schema *s = pq_reader_schema(r);
    return pq_schema_find(s, PNL_LONG_STRATEGY) >= 0 && pq_schema_find(s, PNL_LONG_PNL) >= 0;
}

static pq_status corrupt(const char *path, pq_error *err, const char *fmt, const char *name)
{
    pq_status s = PQ_FAIL(err, PQ_ERR_CORRUPT, fmt, name);
    if (err) snprintf(err->path, sizeof err->path, "%s", path);
    return s;
}


/* A later file of a dataset, opened again after its footer was read for the
 * row counts: it must still hold `rows` rows. */
static pq_status reopen_reader(const char *path, const pq_pnl_load_options *o, int64_t rows, pq_reader **r,
                               pq_error *err)
{
    *r = NULL;
    PQ_TRY(open_reader(path, o, r, err));
    if (pq_reader_num_rows(*r) != rows) return corrupt(path, err, "changed while being read%s", "");
    return PQ_OK;
}

/* Rows [0, n) of attribute column `a` into role `role`'s meta at rows
 * row0.., of a matrix of R rows. */
static pq_status meta_rows(loader *L, int role, const pq_array *a, int64_t n, int64_t row0, int64_t R, pq_error *err)
{
    for (int64_t i = 0; i < n; i++) PQ_TRY(meta_from(&L->p->meta[role], &L->labels[role], a, i, row0 + i, R, err));
    return PQ_OK;
}

static void finish_layout(pq_pnl *p, const pq_reader *r)
{
    const char *lay = kv_get(r, PNL_KV_LAYOUT);
    if (!lay || !pnl_layout_parse(lay, &p->layout)) p->layout = pnl_layout_of(p);
    const char *df = kv_get(r, PNL_KV_DATE_FORMAT);
    if (df && strlen(df) == 3) memcpy(p->date_format, df, 4);
}

/* ------------------------------------------------------------------ wide */

/* Plan of one wide file: which top-level fields are read, and as what. */
typedef struct wide_plan {
    int64_t n_fields;
    int *role;        /* per field: role, -1 strategy, -2 not read */
    int64_t *strat;   /* per field: strategy index or -1 */
} wide_plan;

static void plan_free(wide_plan *w) { free(w->role); free(w->strat); }

/* Fill p's names/positions/meta headers from the first file's schema. */
static pq_status wide_plan_make(loader *L, const char *path, const pq_schema *s, bool first, wide_plan *w,
                                pq_error *err)
{
    pq_pnl *p = L->p;
    const pq_pnl_load_options *o = L->o;
    w->n_fields = s->n_fields;
    w->role = malloc((size_t)(s->n_fields ? s->n_fields : 1) * sizeof *w->role);
    w->strat = malloc((size_t)(s->n_fields ? s->n_fields : 1) * sizeof *w->strat);
    if (!w->role || !w->strat) return PQ_NOMEM(err);
    bool seen[PQ_PNL_ROLE_COUNT] = {0};
    int64_t n_strat = 0;
    for (int64_t i = 0; i < s->n_fields; i++) {
        const pq_field *f = &s->fields[i];
        int role = pnl_role_of(f->name);
        if (role >= 0 && !seen[role] && meta_kind_ok((pq_pnl_role)role, &f->type)) {
            seen[role] = true;
            w->role[i] = (o->skip_meta && role != PQ_PNL_DATE) ? -2 : role;
            w->strat[i] = -1;
            if (first && w->role[i] >= 0) {
                PQ_TRY(pnl_meta_alloc(&p->meta[role], (pq_pnl_role)role, f->name, i, 0, err));
            } else if (w->role[i] >= 0 && (!p->meta[role].present || strcmp(p->meta[role].name, f->name) != 0))
                return corrupt(path, err, "column '%s' is not in the dataset's first file", f->name);
            continue;
        }
        if (!kind_numeric(f->type.kind) || f->n_children)
            return corrupt(path, err, "column '%s' is neither a row attribute nor a numeric strategy column", f->name);
        w->role[i] = -1;
        w->strat[i] = n_strat++;
    }
    if (!seen[PQ_PNL_DATE]) return corrupt(path, err, "no DATE column named '%s': not a P&L table", "Date");
    if (first) {
        /* all strategies, or the requested ones in the requested order */
        int64_t want = o->strategies ? o->n_strategies : n_strat;
        p->names = calloc((size_t)(want ? want : 1), sizeof *p->names);
        p->positions = calloc((size_t)(want ? want : 1), sizeof *p->positions);
        if (!p->names || !p->positions) return PQ_NOMEM(err);
        p->n_strategies = want;
        if (!o->strategies) {
            for (int64_t i = 0; i < s->n_fields; i++)
                if (w->strat[i] >= 0) {
                    if (!(p->names[w->strat[i]] = strdup(s->fields[i].name))) return PQ_NOMEM(err);
                    p->positions[w->strat[i]] = i;
                }
        } else {
            for (int64_t i = 0; i < s->n_fields; i++) /* strategies are skipped unless requested below */
                if (w->role[i] == -1) w->role[i] = -2, w->strat[i] = -1;
            for (int64_t k = 0; k < want; k++) {
                int64_t f = pq_schema_find(s, o->strategies[k]);
                if (f < 0 || w->role[f] >= 0) {
                    pq_status st = PQ_FAIL(err, PQ_ERR_NOT_FOUND, "no strategy column named '%s'", o->strategies[k]);
                    if (err) snprintf(err->path, sizeof err->path, "%s", path);
                    return st;
                }
                w->role[f] = -1;
                w->strat[f] = k;
                if (!(p->names[k] = strdup(o->strategies[k]))) return PQ_NOMEM(err);
                p->positions[k] = f;
            }
        }
    } else {
        /* a later file of a dataset: the same strategies, same order */
        int64_t k = 0;
        for (int64_t i = 0; i < s->n_fields; i++) {
            if (w->role[i] != -1) continue;
            if (o->strategies) {
                w->role[i] = -2;
                w->strat[i] = -1;
                for (int64_t j = 0; j < p->n_strategies; j++)
                    if (strcmp(p->names[j], s->fields[i].name) == 0) {
                        w->role[i] = -1;
                        w->strat[i] = j;
                        k++;
                    }
                continue;
            }
            if (k >= p->n_strategies || strcmp(p->names[k], s->fields[i].name) != 0)
                return corrupt(path, err, "strategy column '%s' differs from the dataset's first file", s->fields[i].name);
            w->strat[i] = k++;
        }
        if (k != p->n_strategies)
            return corrupt(path, err, "the strategy columns differ from the dataset's first file%s", "");
    }
    return PQ_OK;
}

/* Read the row attributes and strategy columns a plan reads, through the
 * reader's tables (any numeric type, nulls told from NaN). */
static pq_status wide_read_tables(loader *L, pq_reader *r, const wide_plan *w, int64_t row0, pq_error *err)
{
    pq_pnl *p = L->p;
    const pq_schema *s = pq_reader_schema(r);
    const char **sel = malloc((size_t)(w->n_fields ? w->n_fields : 1) * sizeof *sel);
    int64_t *field_of = malloc((size_t)(w->n_fields ? w->n_fields : 1) * sizeof *field_of);
    if (!sel || !field_of) {
        free(sel);
        free(field_of);
        return PQ_NOMEM(err);
    }
    size_t ns = 0;
    for (int64_t i = 0; i < w->n_fields; i++)
        if (w->role[i] != -2) {
            field_of[ns] = i;
            sel[ns++] = s->fields[i].name;
        }
    pq_status st = pq_reader_select(r, sel, ns, err); /* wide_read_direct may have selected fewer */
    int64_t R = p->n_rows, row = row0;
    for (int64_t g = 0; st == PQ_OK && g < pq_reader_num_row_groups(r); g++) {
        pq_table t;
        memset(&t, 0, sizeof t);
        st = pq_reader_read_row_group(r, g, &t, err);
        for (int64_t c = 0; st == PQ_OK && c < t.schema.n_fields; c++) {
            int64_t f = field_of[c];
            const pq_array *a = &t.columns[c];
            if (w->role[f] >= 0) {
                st = meta_rows(L, w->role[f], a, t.num_rows, row, R, err);
                continue;
            }
            double *dst = p->values + (size_t)w->strat[f] * (size_t)R + (size_t)row;
            if (a->type.kind == PQ_KIND_DOUBLE && a->null_count == 0) {
                memcpy(dst, a->values, (size_t)t.num_rows * 8);
                continue;
            }
            for (int64_t i = 0; st == PQ_OK && i < t.num_rows; i++)
                if (!num_at(a, i, &dst[i])) st = pnl_set_null(p, w->strat[f], row + i, err);
        }
        row += t.num_rows;
        pq_reader_recycle(r, &t);
        pq_table_reset(&t);
    }
    free(sel);
    free(field_of);
    return st;
}

/* The fast path for the common file: every field flat (field i is leaf i)
 * and the strategies DOUBLE without nulls.  The strategy columns are
 * decoded straight into the matrix (pq_reader_read_doubles: no table, no
 * allocation per column), the row attributes through a table.  *fallback
 * is set, with nothing lost, when the file is not like that; the caller
 * then reads it with wide_read_tables. */
static pq_status wide_read_direct(loader *L, pq_reader *r, const wide_plan *w, int64_t row0, bool *fallback,
                                  pq_error *err)
{
    pq_pnl *p = L->p;
    const pq_schema *s = pq_reader_schema(r);
    *fallback = true;
    if (pq_reader_num_leaves(r) != w->n_fields) return PQ_OK;
    int64_t nd = 0;
    for (int64_t i = 0; i < w->n_fields; i++)
        if (w->role[i] == -1) {
            if (s->fields[i].n_children || pq_reader_leaf_element(r, i)->type != PQ_PHYS_DOUBLE) return PQ_OK;
            nd++;
        }
    *fallback = false;
    size_t cap = (size_t)(w->n_fields ? w->n_fields : 1);
    int64_t *leaves = malloc(cap * sizeof *leaves), *nulls = malloc(cap * sizeof *nulls);
    double **dst = malloc(cap * sizeof *dst);
    const char **sel = malloc(cap * sizeof *sel);
    int64_t *field_of = malloc(cap * sizeof *field_of);
    pq_status st = leaves && nulls && dst && sel && field_of ? PQ_OK : PQ_NOMEM(err);
    size_t ns = 0;
    nd = 0;
    for (int64_t i = 0; st == PQ_OK && i < w->n_fields; i++) {
        if (w->role[i] >= 0) {
            field_of[ns] = i;
            sel[ns++] = s->fields[i].name;
        } else if (w->role[i] == -1) leaves[nd++] = i;
    }
    if (st == PQ_OK) st = pq_reader_select(r, sel, ns, err);
    int64_t R = p->n_rows, row = row0;
    for (int64_t g = 0; st == PQ_OK && !*fallback && g < pq_reader_num_row_groups(r); g++) {
        pq_table t;
        memset(&t, 0, sizeof t);
        st = pq_reader_read_row_group(r, g, &t, err);
        for (int64_t c = 0; st == PQ_OK && c < t.schema.n_fields; c++)
            st = meta_rows(L, w->role[field_of[c]], &t.columns[c], t.num_rows, row, R, err);
        int64_t rows = t.num_rows;
        pq_reader_recycle(r, &t);
        for (int64_t k = 0; k < nd; k++) dst[k] = p->values + (size_t)w->strat[leaves[k]] * (size_t)R + (size_t)row;
        if (st == PQ_OK) st = pq_reader_read_doubles(r, g, leaves, dst, nulls, (size_t)nd, err);
        for (int64_t k = 0; st == PQ_OK && k < nd; k++)
            if (nulls[k]) *fallback = true; /* nulls: read again through tables */
        row += rows;
    }
    free(leaves);
    free(nulls);
    free(dst);
    free(sel);
    free(field_of);
    return st;
}

static pq_status wide_read(loader *L, pq_reader *r, const wide_plan *w, int64_t row0, pq_error *err)
{
    bool fallback;
    PQ_TRY(wide_read_direct(L, r, w, row0, &fallback, err));
    if (!fallback) return PQ_OK;
    return wide_read_tables(L, r, w, row0, err);
}

/* Size every meta column (allocated empty from the schema) to n_rows. */
static pq_status grow_meta(pq_pnl *p, int64_t n_rows, pq_error *err)
{
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++)
        if (p->meta[r].present) PQ_TRY(pnl_meta_resize(&p->meta[r], 0, n_rows, err));
    return PQ_OK;
}

/* Wide files, one after the other: `first` is files[0], open; rows[f] the
 * row count of file f.  Only one reader is open at a time past the first
 * file: a dataset of 1M-column files has a footer of hundreds of MB each. */
static pq_status load_wide(loader *L, char **files, int64_t n_files, const int64_t *rows, pq_reader *first,
                           pq_error *err)
{
    pq_pnl *p = L->p;
    wide_plan plan;
    memset(&plan, 0, sizeof plan);
    pq_status st = wide_plan_make(L, files[0], pq_reader_schema(first), true, &plan, err);
    int64_t total = 0;
    for (int64_t f = 0; f < n_files; f++) total += rows[f];
    if (st == PQ_OK && total == 0) st = corrupt(files[0], err, "no rows%s", "");
    if (st == PQ_OK) {
        p->n_rows = total;
        size_t cells;
        if (pq_mul_overflow((size_t)total, (size_t)p->n_strategies, &cells)) st = PQ_NOMEM(err);
        else if (!(p->values = malloc((cells ? cells : 1) * sizeof(double)))) st = PQ_NOMEM(err);
    }
    if (st == PQ_OK) st = grow_meta(p, total, err);
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++) pnl_labels_init(&L->labels[r], &p->meta[r]);
    int64_t row = 0;
    for (int64_t f = 0; st == PQ_OK && f < n_files; f++) {
        pq_reader *r = first;
        if (f > 0) {
            plan_free(&plan);
            memset(&plan, 0, sizeof plan);
            st = reopen_reader(files[f], L->o, rows[f], &r, err);
            if (st == PQ_OK) st = wide_plan_make(L, files[f], pq_reader_schema(r), false, &plan, err);
        }
        if (st == PQ_OK) st = wide_read(L, r, &plan, row, err);
        if (st == PQ_OK && f == 0) finish_layout(p, r);
        if (st != PQ_OK && err && !err->path[0]) snprintf(err->path, sizeof err->path, "%s", files[f]);
        if (f > 0) pq_reader_close(r);
        row += rows[f];
    }
    plan_free(&plan);
    return st;
}

/* ------------------------------------------------------------------ long */

/* Meta positions from the footer's {"Date":0,...}; strategies fill the rest. */
static void long_positions(pq_pnl *p, const char *json)
{
    int64_t used_n = 0;
    int64_t used[PQ_PNL_ROLE_COUNT];
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++) {
        if (!p->meta[r].present) continue;
        char key[64];
        snprintf(key, sizeof key, "\"%s\":", pq_pnl_role_name((pq_pnl_role)r));
        const char *at = json ? strstr(json, key) : NULL;
        p->meta[r].position = at ? strtoll(at + strlen(key), NULL, 10) : r;
        used[used_n++] = p->meta[r].position;
    }
    int64_t pos = 0;
    for (int64_t s = 0; s < p->n_strategies; s++) {
        for (bool again = true; again;) {
            again = false;
            for (int64_t k = 0; k < used_n; k++)
                if (used[k] == pos) pos++, again = true;
        }
        p->positions[s] = pos++;
    }
}

/* Selected strategies: the index of name in the request, or -1. */
static int64_t wanted(const pq_pnl_load_options *o, const uint8_t *name, size_t len)
{
    if (!o->strategies) return 0;
    for (int64_t k = 0; k < o->n_strategies; k++)
        if (strlen(o->strategies[k]) == len && memcmp(o->strategies[k], name, len) == 0) return k;
    return -1;
}

/* One long file, rows [row0, row0 + its rows per strategy) of the matrix.
 * The first file (row0 == 0) sizes the matrix for `total` rows of all
 * files and names the strategies; later files (a dataset of long files, one
 * per partition) must hold the same strategies in the same order. */
static pq_status load_long(loader *L, const char *path, pq_reader *r, int64_t row0, int64_t total, pq_error *err)
{
    bool first_file = row0 == 0;
    pq_pnl *p = L->p;
    const pq_pnl_load_options *o = L->o;
    const pq_schema *s = pq_reader_schema(r);
    int64_t fs = pq_schema_find(s, PNL_LONG_STRATEGY), fv = pq_schema_find(s, PNL_LONG_PNL);
    if (fs < 0 || fv < 0 || s->fields[fs].type.kind != PQ_KIND_STRING || !kind_numeric(s->fields[fv].type.kind))
        return corrupt(path, err, "long layout: needs a string column 'strategy' and a numeric column '%s'", PNL_LONG_PNL);
    /* the selection: meta columns, strategy, pnl */
    const char *sel[PQ_PNL_ROLE_COUNT + 2];
    int sel_role[PQ_PNL_ROLE_COUNT + 2];
    size_t ns = 0;
    bool seen[PQ_PNL_ROLE_COUNT] = {0};
    for (int64_t i = 0; i < s->n_fields; i++) {
        int role = pnl_role_of(s->fields[i].name);
        if (role < 0 || seen[role] || !meta_kind_ok((pq_pnl_role)role, &s->fields[i].type)) continue;
        if (o->skip_meta && role != PQ_PNL_DATE) continue;
        seen[role] = true;
        if (first_file) PQ_TRY(pnl_meta_alloc(&p->meta[role], (pq_pnl_role)role, s->fields[i].name, i, 0, err));
        else if (!p->meta[role].present || strcmp(p->meta[role].name, s->fields[i].name) != 0)
            return corrupt(path, err, "column '%s' is not in the dataset's first file", s->fields[i].name);
        sel_role[ns] = role;
        sel[ns++] = s->fields[i].name;
    }
    if (!p->meta[PQ_PNL_DATE].present) return corrupt(path, err, "long layout: no DATE column named '%s'", "Date");
    sel_role[ns] = -1, sel[ns++] = PNL_LONG_STRATEGY;
    sel_role[ns] = -2, sel[ns++] = PNL_LONG_PNL;
    PQ_TRY(pq_reader_select(r, sel, ns, err));
    int64_t N = pq_reader_num_rows(r);
    if (N == 0) return corrupt(path, err, "no rows%s", "");
    if (first_file)
        for (int k = 0; k < PQ_PNL_ROLE_COUNT; k++) pnl_labels_init(&L->labels[k], &p->meta[k]);

    /* Row group 0 holds the first strategy's whole run: its length is the
     * number of rows per strategy, its rows give the attributes. */
    pq_table t;
    memset(&t, 0, sizeof t);
    PQ_TRY(pq_reader_read_row_group(r, 0, &t, err));
    const pq_array *sa = &t.columns[ns - 2];
    size_t len0, len;
    const uint8_t *first = pq_array_bytes(sa, 0, &len0);
    int64_t R = 1;
    while (R < t.num_rows) {
        const uint8_t *nm = pq_array_bytes(sa, R, &len);
        if (len != len0 || memcmp(nm, first, len) != 0) break;
        R++;
    }
    pq_status st = PQ_OK;
    if (R == t.num_rows && pq_reader_num_row_groups(r) > 1)
        st = corrupt(path, err, "long layout: the first strategy's rows fill the first row group (%s)",
                     "one row group must hold at least one whole strategy");
    else if (N % R != 0)
        st = corrupt(path, err, "long layout: the row count is not a multiple of the first strategy's (%s)",
                     "the file must be sorted by strategy, one row per date");
    int64_t S_all = N / R, S = o->strategies ? o->n_strategies : S_all;
    if (st == PQ_OK && first_file) {
        L->long_strategies = S_all;
        if (total % S_all != 0)
            st = corrupt(path, err, "long dataset: the files' rows are not a multiple of the first file's strategy count%s",
                         "");
    } else if (st == PQ_OK && S_all != L->long_strategies)
        st = corrupt(path, err, "long dataset: the strategies differ from the first file's%s", "");
    int64_t RT = first_file ? (S_all ? total / S_all : 0) : p->n_rows; /* the matrix's rows */
    size_t cells = 0;
    bool *have = NULL;
    if (st == PQ_OK && first_file) {
        p->n_rows = RT;
        p->n_strategies = S;
        if (pq_mul_overflow((size_t)RT, (size_t)(S ? S : 1), &cells) || !(p->values = malloc(cells * sizeof(double))) ||
            !(p->names = calloc((size_t)(S ? S : 1), sizeof *p->names)) ||
            !(p->positions = calloc((size_t)(S ? S : 1), sizeof *p->positions)))
            st = PQ_NOMEM(err);
        if (st == PQ_OK) st = grow_meta(p, RT, err);
    }
    if (st == PQ_OK && row0 + R > RT) st = corrupt(path, err, "long dataset: more rows than the files declare%s", "");
    if (st == PQ_OK && !(have = calloc((size_t)(S ? S : 1), 1))) st = PQ_NOMEM(err);
    for (size_t c = 0; st == PQ_OK && c + 2 < ns; c++) st = meta_rows(L, sel_role[c], &t.columns[c], R, row0, RT, err);
    const int32_t *days = p->meta[PQ_PNL_DATE].days;
    int64_t cur = -1, in_run = R, slot = -1, loaded = 0;
    const uint8_t *cur_name = NULL;
    size_t cur_len = 0;
    pq_buf prev;
    pq_buf_init(&prev, NULL);
    for (int64_t g = 0; st == PQ_OK && g < pq_reader_num_row_groups(r); g++) {
        if (g > 0) {
            pq_reader_recycle(r, &t);
            pq_table_reset(&t);
            st = pq_reader_read_row_group(r, g, &t, err);
            if (st != PQ_OK) break;
        }
        const pq_array *sarr = &t.columns[ns - 2], *va = &t.columns[ns - 1], *da = &t.columns[0];
        for (int64_t i = 0; i < t.num_rows; i++) {
            if (in_run == R) { /* a new strategy starts here */
                cur++;
                in_run = 0;
                cur_name = pq_array_bytes(sarr, i, &cur_len);
                prev.len = 0;
                if ((st = pq_buf_append(&prev, cur_name, cur_len, err)) != PQ_OK ||
                    (st = pq_buf_append(&prev, "", 1, err)) != PQ_OK)
                    break;
                int64_t k = wanted(o, cur_name, cur_len);
                slot = k < 0 ? -1 : o->strategies ? k : cur;
                if (slot >= 0) {
                    if (slot >= S || have[slot]) {
                        st = corrupt(path, err, "long layout: the rows of strategy '%s' are not contiguous "
                                     "(the file must be sorted by strategy)", (const char *)prev.data);
                        break;
                    }
                    have[slot] = true;
                    loaded++;
                    if (!first_file) {
                        if (strcmp(p->names[slot], (const char *)prev.data) != 0) {
                            st = corrupt(path, err, "long dataset: strategy '%s' is not where the first file has it",
                                         (const char *)prev.data);
                            break;
                        }
                    } else if (!(p->names[slot] = strdup((const char *)prev.data))) {
                        st = PQ_NOMEM(err);
                        break;
                    }
                }
            } else {
                const uint8_t *nm = pq_array_bytes(sarr, i, &len);
                if (len != prev.len - 1 || memcmp(nm, prev.data, len) != 0) {
                    st = corrupt(path, err, "long layout: strategy '%s' has fewer rows than the first one "
                                 "(the file must be sorted by strategy, one row per date)", (const char *)prev.data);
                    break;
                }
            }
            int32_t day;
            memcpy(&day, da->values + i * 4, 4);
            if (!pq_array_is_valid(da, i) || day != days[row0 + in_run]) {
                st = corrupt(path, err, "long layout: strategy '%s' does not have the first strategy's dates, "
                             "in the same order", (const char *)prev.data);
                break;
            }
            if (slot >= 0) {
                double *dst = p->values + (size_t)slot * (size_t)RT + (size_t)(row0 + in_run);
                if (!num_at(va, i, dst) && (st = pnl_set_null(p, slot, row0 + in_run, err)) != PQ_OK) break;
            }
            in_run++;
        }
    }
    pq_reader_recycle(r, &t);
    pq_table_reset(&t);
    if (st == PQ_OK && loaded != S) {
        for (int64_t k = 0; k < S; k++)
            if (!have[k]) {
                st = PQ_FAIL(err, PQ_ERR_NOT_FOUND, "no strategy named '%s'", o->strategies ? o->strategies[k] : "?");
                if (err) snprintf(err->path, sizeof err->path, "%s", path);
                break;
            }
    }
    if (st == PQ_OK && first_file) long_positions(p, kv_get(r, PNL_KV_ORDER));
    pq_buf_reset(&prev);
    free(have);
    return st;
}

/* ------------------------------------------------------------------ entry */

/* Long files one after the other (a dataset holds one per partition). */
static pq_status load_long_files(loader *L, char **files, int64_t n_files, const int64_t *rows, pq_reader *first,
                                 pq_error *err)
{
    int64_t total = 0;
    for (int64_t f = 0; f < n_files; f++) total += rows[f];
    pq_status st = load_long(L, files[0], first, 0, total, err);
    if (st == PQ_OK) finish_layout(L->p, first);
    int64_t row0 = L->long_strategies ? rows[0] / L->long_strategies : 0;
    for (int64_t f = 1; st == PQ_OK && f < n_files; f++) {
        pq_reader *r;
        st = reopen_reader(files[f], L->o, rows[f], &r, err);
        if (st == PQ_OK) st = load_long(L, files[f], r, row0, total, err);
        if (st != PQ_OK && err && !err->path[0]) snprintf(err->path, sizeof err->path, "%s", files[f]);
        pq_reader_close(r);
        row0 += rows[f] / L->long_strategies;
    }
    return st;
}

pq_status pq_pnl_load(const char *path, const pq_pnl_load_options *o, pq_pnl *out, pq_error *err)
{
    pq_pnl_load_options def;
    if (!o) {
        pq_pnl_load_options_init(&def);
        o = &def;
    }
    memset(out, 0, sizeof *out);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        pq_status s = PQ_FAIL(err, PQ_ERR_IO, "cannot open: %s", strerror(errno));
        if (err) snprintf(err->path, sizeof err->path, "%s", path);
        return s;
    }
    char **files = NULL;
    int64_t n_files = 1;
    char *single[1] = {(char *)path};
    if (S_ISDIR(sb.st_mode)) PQ_TRY(pnl_dataset_files(path, &files, &n_files, err));
    char **list = files ? files : single;
    /* Every file's row count and kind first (footers only), then the data
     * file by file: one reader open at a time besides the first. */
    int64_t *rows = calloc((size_t)n_files, sizeof *rows);
    pq_reader *first = NULL;
    pq_status st = rows ? open_reader(list[0], o, &first, err) : PQ_NOMEM(err);
    bool lng = st == PQ_OK && is_long(first);
    if (st == PQ_OK) rows[0] = pq_reader_num_rows(first);
    for (int64_t f = 1; st == PQ_OK && f < n_files; f++) {
        pq_reader *r;
        st = open_reader(list[f], o, &r, err);
        if (st != PQ_OK) break;
        rows[f] = pq_reader_num_rows(r);
        if (is_long(r) != lng) st = corrupt(list[f], err, "mixes wide and long files%s", "");
        pq_reader_close(r);
    }
    loader L;
    memset(&L, 0, sizeof L);
    L.o = o;
    L.p = out;
    if (st == PQ_OK) {
        st = lng ? load_long_files(&L, list, n_files, rows, first, err) : load_wide(&L, list, n_files, rows, first, err);
    }
    for (int k = 0; k < PQ_PNL_ROLE_COUNT; k++) pnl_labels_reset(&L.labels[k]);
    pq_reader_close(first);
    free(rows);
    pnl_free_strings(files, files ? n_files : 0);
    if (st != PQ_OK) {
        if (err && !err->path[0]) snprintf(err->path, sizeof err->path, "%s", path);
        pq_pnl_free(out);
    }
    return st;
}
