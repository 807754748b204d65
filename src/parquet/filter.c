/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/filter.c - a reader's row filter, one row group at a time (see
 * filter.h).  pq_filter_begin_rg decides the selected rows, cheapest proof
 * first:
 *   1. chunk statistics of each term: a term that no row can satisfy
 *      skips the row group (nothing is read); when every term holds for
 *      every row, the row group is read as without a filter;
 *   2. the page index of each remaining term (ColumnIndex + OffsetIndex):
 *      the rows of pages that can't match are dropped from a candidate row
 *      bitmap; no candidate left skips the row group too;
 *   3. each remaining term's leaf is read (only its pages holding a
 *      candidate row, pq_column_reader_read_rows) and evaluated exactly,
 *      clearing the rows that fail; later terms see the narrowed bitmap,
 *      so they fetch even fewer pages.
 * Then pq_filter_read_leaf reads each output leaf: only the pages holding a
 * selected row (through the leaf's own offset index), cut down to the
 * selected rows; a leaf a term read already takes that data instead of
 * reading it again.
 *
 * Page indexes that can't be decoded are treated as absent (they only
 * speed reading up; the data pages decide).  Out of memory is reported.
 */
#include "parquet/filter.h"

#include <stdio.h>

#include "parquet/filter_internal.h"

/* ------------------------------------------------------------ lifecycle */

void pq_filter_state_init(pq_filter *f)
{
    atomic_init(&f->pages_read, 0);
    atomic_init(&f->pages_skipped, 0);
    for (int i = 0; i < PQ_FILTER_SLOTS; i++) {
        pq_filter_rg *g = &f->rgs[i];
        g->f = f;
        g->all = true;
        pq_buf_init(&g->sel, f->alloc);
        pq_buf_init(&g->scratch, f->alloc);
    }
}

/* Allocate slot g's per-term state. */
static pq_status prepare_slot(pq_filter_rg *g, const pq_schema_map *m, pq_error *err)
{
    pq_filter *f = g->f;
    size_t n = (size_t)f->n_terms;
    g->tdata = (pq_leaf_data *)pq_calloc(f->alloc, n ? n : 1, sizeof *g->tdata);
    g->tspans = (pq_buf *)pq_calloc(f->alloc, n ? n : 1, sizeof *g->tspans);
    g->tslot = (int64_t *)pq_calloc(f->alloc, n ? n : 1, sizeof *g->tslot);
    g->tneed = (bool *)pq_calloc(f->alloc, n ? n : 1, sizeof *g->tneed);
    if (!g->tdata || !g->tspans || !g->tslot || !g->tneed) return PQ_NOMEM(err);
    for (size_t i = 0; i < n; i++) {
        const pq_leaf *l = &m->leaves[f->terms[i].leaf];
        pq_leaf_data_init(&g->tdata[i], l->physical, l->type_length, f->alloc);
        pq_buf_init(&g->tspans[i], f->alloc);
    }
    g->n_prepared = f->n_terms;
    return PQ_OK;
}

pq_status pq_filter_state_prepare(pq_filter *f, const pq_schema_map *m, pq_error *err)
{
    for (int i = 0; i < PQ_FILTER_SLOTS; i++) PQ_TRY(prepare_slot(&f->rgs[i], m, err));
    return PQ_OK;
}

/* Free slot g's memory. */
static void reset_slot(pq_filter_rg *g)
{
    const pq_allocator *a = g->f->alloc;
    for (int64_t i = 0; i < g->n_prepared; i++) {
        pq_leaf_data_reset(&g->tdata[i]);
        pq_buf_reset(&g->tspans[i]);
    }
    pq_free(a, g->tdata);
    pq_free(a, g->tspans);
    pq_free(a, g->tslot);
    pq_free(a, g->tneed);
    pq_free(a, g->out_oi);
    pq_free(a, g->out_reuse);
    pq_buf_reset(&g->sel);
    pq_buf_reset(&g->scratch);
}

void pq_filter_destroy(pq_filter *f)
{
    if (!f) return;
    for (int i = 0; i < PQ_FILTER_SLOTS; i++) reset_slot(&f->rgs[i]);
    for (int64_t i = 0; i < f->n_terms; i++) pq_free(f->alloc, f->terms[i].bytes);
    pq_free(f->alloc, f->terms);
    pq_free(f->alloc, f);
}

pq_filter_rg *pq_filter_slot(pq_filter *f, int i)
{
    return f && i >= 0 && i < PQ_FILTER_SLOTS ? &f->rgs[i] : NULL;
}

void pq_filter_get_stats(const pq_filter *f, pq_filter_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!f) return;
    out->row_groups_read = f->row_groups_read;
    out->row_groups_skipped = f->row_groups_skipped;
    out->pages_read = (int64_t)atomic_load(&((pq_filter *)f)->pages_read);
    out->pages_skipped = (int64_t)atomic_load(&((pq_filter *)f)->pages_skipped);
    out->rows_decoded = f->rows_decoded;
    out->rows_matched = f->rows_matched;
}

int64_t pq_filter_rg_rows(const pq_filter_rg *g) { return g->n_selected; }

/* ------------------------------------------------------------ row groups */

/* Room for the per-output-leaf state of n leaves, reset to "nothing known". */
static pq_status prepare_out(pq_filter_rg *g, int64_t n, pq_error *err)
{
    const pq_allocator *a = g->f->alloc;
    if (n > g->cap_out) {
        size_t cap = (size_t)n;
        const pq_offset_index **oi = (const pq_offset_index **)pq_realloc(a, g->out_oi, cap * sizeof *oi);
        if (oi) g->out_oi = oi;
        int64_t *reuse = oi ? (int64_t *)pq_realloc(a, g->out_reuse, cap * sizeof *reuse) : NULL;
        if (!oi || !reuse) return PQ_NOMEM(err);
        g->out_reuse = reuse;
        g->cap_out = n;
    }
    g->n_out = n;
    for (int64_t k = 0; k < n; k++) {
        g->out_oi[k] = NULL;
        g->out_reuse[k] = -1;
    }
    return PQ_OK;
}

/* Forget the previous row group's term data (capacity kept). */
static void clear_terms(pq_filter_rg *g)
{
    for (int64_t i = 0; i < g->f->n_terms; i++) {
        pq_leaf_data *d = &g->tdata[i];
        d->n_levels = 0;
        d->def_counted = false;
        d->def.len = d->rep.len = 0;
        d->values.data.len = d->values.offsets.len = 0;
        d->values.n = 0;
        g->tspans[i].len = 0;
        g->tslot[i] = -1;
        g->tneed[i] = false;
    }
}

/* A page index of (rg, leaf): column (ColumnIndex) or offset; NULL when
 * absent or undecodable.  Only running out of memory fails. */
static pq_status load_index(const pq_filter_rg_ctx *ctx, bool column, int64_t leaf, const void **out, pq_error *err)
{
    pq_error e;
    pq_status s;
    int64_t rg = ctx->ref.row_group;
    *out = NULL;
    if (column) {
        const pq_column_index *ci = NULL;
        s = pq_reader_column_index(ctx->reader, rg, leaf, &ci, &e);
        *out = ci;
    } else {
        const pq_offset_index *oi = NULL;
        s = pq_reader_offset_index(ctx->reader, rg, leaf, &oi, &e);
        *out = oi;
    }
    if (s == PQ_ERR_NOMEM) {
        if (err) *err = e;
        return s;
    }
    if (s != PQ_OK) *out = NULL;
    return PQ_OK;
}

/* Step 1: chunk statistics.  Sets tneed; *none when a term excludes the
 * row group, *some when any term needs evaluating. */
static void prune_chunks(pq_filter_rg *g, const pq_filter_rg_ctx *ctx, bool *none, bool *some)
{
    const pq_filter *f = g->f;
    *none = *some = false;
    for (int64_t i = 0; i < f->n_terms; i++) {
        const pq_filter_term *t = &f->terms[i];
        pq_prune v = pq_filter_prune_chunk(t, &ctx->map->leaves[t->leaf], &ctx->meta->columns[t->leaf]);
        if (v == PQ_PRUNE_NONE) *none = true;
        g->tneed[i] = v == PQ_PRUNE_SOME;
        *some |= g->tneed[i];
    }
}

/* Step 2: candidate rows from the page indexes of the terms to evaluate. */
static pq_status prune_pages(pq_filter_rg *g, const pq_filter_rg_ctx *ctx, pq_error *err)
{
    uint64_t *sel = (uint64_t *)(void *)g->sel.data;
    for (int64_t i = 0; i < g->f->n_terms; i++) {
        if (!g->tneed[i]) continue;
        const pq_filter_term *t = &g->f->terms[i];
        const void *ci, *oi;
        PQ_TRY(load_index(ctx, true, t->leaf, &ci, err));
        if (!ci) continue;
        PQ_TRY(load_index(ctx, false, t->leaf, &oi, err));
        pq_filter_prune_pages(t, &ctx->map->leaves[t->leaf], (const pq_column_index *)ci,
                              (const pq_offset_index *)oi, g->num_rows, sel);
    }
    return PQ_OK;
}

/* Read term i's leaf (the pages holding a selected row) into its slot,
 * unless an earlier term read the same leaf. */
static pq_status read_term(pq_filter_rg *g, const pq_filter_rg_ctx *ctx, int64_t i, pq_error *err)
{
    pq_filter *f = g->f;
    const pq_filter_term *t = &f->terms[i];
    for (int64_t j = 0; j < i; j++)
        if (g->tslot[j] == j && f->terms[j].leaf == t->leaf) {
            g->tslot[i] = j;
            return PQ_OK;
        }
    const void *oi;
    PQ_TRY(load_index(ctx, false, t->leaf, &oi, err));
    pq_chunk_ref ref = ctx->ref;
    ref.chunk = &ctx->meta->columns[t->leaf];
    ref.leaf = &ctx->map->leaves[t->leaf];
    ref.column = t->leaf;
    pq_page_counts pc = {0, 0};
    g->tspans[i].len = 0;
    pq_status s = pq_column_reader_read_rows(ctx->cr, ctx->src, &ref, (const pq_offset_index *)oi,
                                             (const uint64_t *)(void *)g->sel.data, &g->tdata[i], &g->tspans[i],
                                             &pc, err);
    atomic_fetch_add(&f->pages_read, pc.read);
    atomic_fetch_add(&f->pages_skipped, pc.skipped);
    PQ_TRY(s);
    const pq_row_span *sp = (const pq_row_span *)(const void *)g->tspans[i].data;
    for (size_t k = 0; k < g->tspans[i].len / sizeof *sp; k++) f->rows_decoded += sp[k].count;
    g->tslot[i] = i;
    return PQ_OK;
}

/* Record where a failure happened (row group, leaf) when the detecting
 * unit did not. */
static pq_status at_leaf(const pq_chunk_ref *ref, pq_status s, pq_error *err)
{
    if (s == PQ_OK || !err) return s;
    if (err->where.row_group < 0) err->where.row_group = ref->row_group;
    if (err->where.column < 0) err->where.column = ref->column;
    if (!err->column_path[0] && ref->leaf && ref->leaf->path)
        snprintf(err->column_path, sizeof err->column_path, "%s", ref->leaf->path);
    return s;
}

/* Step 3: read and evaluate the terms left, narrowing the selection. */
static pq_status eval_terms(pq_filter_rg *g, const pq_filter_rg_ctx *ctx, pq_error *err)
{
    uint64_t *sel = (uint64_t *)(void *)g->sel.data;
    for (int64_t i = 0; i < g->f->n_terms; i++) {
        if (!g->tneed[i]) continue;
        if (pq_rows_count_range(sel, 0, g->num_rows) == 0) return PQ_OK;
        PQ_TRY(read_term(g, ctx, i, err));
        int64_t slot = g->tslot[i];
        const pq_filter_term *t = &g->f->terms[i];
        const pq_buf *sp = &g->tspans[slot];
        pq_chunk_ref ref = ctx->ref;
        ref.leaf = &ctx->map->leaves[t->leaf];
        ref.column = t->leaf;
        PQ_TRY(at_leaf(&ref,
                       pq_filter_eval(t, ref.leaf, &g->tdata[slot], (const pq_row_span *)(const void *)sp->data,
                                      (int64_t)(sp->len / sizeof(pq_row_span)), sel, &g->scratch, err),
                       err));
    }
    return PQ_OK;
}

/* Offset indexes of the output leaves, and which take a term's data. */
static pq_status plan_outputs(pq_filter_rg *g, const pq_filter_rg_ctx *ctx, pq_error *err)
{
    for (int64_t k = 0; k < ctx->n_out; k++) {
        int64_t fl = ctx->out_leaves ? ctx->out_leaves[k] : k;
        for (int64_t i = 0; i < g->f->n_terms; i++)
            if (g->tslot[i] == i && g->f->terms[i].leaf == fl) g->out_reuse[k] = i;
        if (g->all || g->out_reuse[k] >= 0) continue;
        const void *oi;
        PQ_TRY(load_index(ctx, false, fl, &oi, err));
        g->out_oi[k] = (const pq_offset_index *)oi;
    }
    return PQ_OK;
}

/* Select every row when true, else the rows of the bitmap (at least one). */
static void set_selected(pq_filter_rg *g)
{
    g->n_selected = pq_rows_count_range((const uint64_t *)(void *)g->sel.data, 0, g->num_rows);
    g->all = g->n_selected == g->num_rows;
}

pq_status pq_filter_begin_rg(pq_filter_rg *g, const pq_filter_rg_ctx *ctx, pq_error *err)
{
    pq_filter *f = g->f;
    bool none, some;
    g->num_rows = ctx->meta->num_rows;
    g->n_selected = g->num_rows;
    g->all = true;
    clear_terms(g);
    PQ_TRY(prepare_out(g, ctx->n_out, err));
    if (g->num_rows <= 0) return PQ_OK;
    prune_chunks(g, ctx, &none, &some);
    if (some && !none) {
        size_t bytes = pq_rows_words(g->num_rows) * 8;
        g->sel.len = 0;
        PQ_TRY(pq_buf_reserve(&g->sel, bytes, err));
        g->sel.len = bytes;
        pq_rows_fill((uint64_t *)(void *)g->sel.data, g->num_rows);
        PQ_TRY(prune_pages(g, ctx, err));
        none = pq_rows_count_range((const uint64_t *)(void *)g->sel.data, 0, g->num_rows) == 0;
    }
    if (none) {
        /* proven empty by statistics or the page index: nothing is read */
        g->n_selected = 0;
        g->all = false;
        f->row_groups_skipped++;
        return PQ_OK;
    }
    if (some) {
        PQ_TRY(eval_terms(g, ctx, err));
        set_selected(g);
    }
    f->row_groups_read++;
    f->rows_matched += g->n_selected;
    return g->n_selected > 0 ? plan_outputs(g, ctx, err) : PQ_OK;
}

/* ------------------------------------------------------------ leaves */

/* Cut out to the selected rows; it holds the rows of `spans`. */
static pq_status cut_leaf(const pq_filter_rg *g, const pq_chunk_ref *ref, pq_leaf_data *out, const pq_buf *spans,
                          pq_error *err)
{
    return at_leaf(ref,
                   pq_leaf_data_keep_rows(ref->leaf, out, (const pq_row_span *)(const void *)spans->data,
                                          (int64_t)(spans->len / sizeof(pq_row_span)),
                                          (const uint64_t *)(const void *)g->sel.data, err),
                   err);
}

pq_status pq_filter_read_leaf(pq_filter_rg *g, pq_column_reader *cr, const pq_source *src, const pq_chunk_ref *ref,
                              int64_t k, pq_leaf_data *out, pq_error *err)
{
    pq_filter *f = g->f;
    if (g->n_selected == 0) return PQ_OK;
    int64_t t = k < g->n_out ? g->out_reuse[k] : -1;
    if (t >= 0) {
        /* the term read this leaf: take its rows (a superset of the
         * selection: each term read with the bitmap of its time) */
        pq_leaf_data tmp = *out;
        *out = g->tdata[t];
        g->tdata[t] = tmp;
        return g->all ? PQ_OK : cut_leaf(g, ref, out, &g->tspans[t], err);
    }
    pq_buf spans;
    pq_buf_init(&spans, f->alloc);
    pq_page_counts pc = {0, 0};
    const uint64_t *want = g->all ? NULL : (const uint64_t *)(const void *)g->sel.data;
    const pq_offset_index *oi = want && k < g->n_out ? g->out_oi[k] : NULL;
    pq_status s = pq_column_reader_read_rows(cr, src, ref, oi, want, out, &spans, &pc, err);
    atomic_fetch_add(&f->pages_read, pc.read);
    atomic_fetch_add(&f->pages_skipped, pc.skipped);
    if (s == PQ_OK && want) s = cut_leaf(g, ref, out, &spans, err);
    pq_buf_reset(&spans);
    return s;
}
