/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl_compare.c - cell-by-cell equality of two P&L tables, the engine of
 * `parquant validate --input CSV --parquet OUT`: the column names and their
 * order, the row count, every attribute, every value bit for bit (so -0.0
 * differs from 0.0 and NaN payloads count), nulls as nulls.  Differences are
 * reported in reading order: row by row, left to right.
 */
#include "pnl/pnl_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *col_name(const pq_pnl *p, pnl_col c) { return c.role >= 0 ? p->meta[c.role].name : p->names[c.strat]; }

static void double_text(double v, char *out, size_t cap)
{
    uint64_t bits;
    memcpy(&bits, &v, 8);
    if (v != v) snprintf(out, cap, "NaN (0x%016llx)", (unsigned long long)bits);
    else snprintf(out, cap, "%.17g", v); /* exact: both sides printed alike */
}

static void meta_text(const pq_pnl_meta *m, int64_t r, char *out, size_t cap)
{
    if (pnl_meta_is_null(m, r)) {
        snprintf(out, cap, "null");
        return;
    }
    char tmp[48];
    switch (m->kind) {
    case PQ_PNL_META_DATE: pnl_date_text(m->days[r], tmp); snprintf(out, cap, "%s", tmp); break;
    case PQ_PNL_META_TIME: pnl_time_text(m->micros[r], tmp); snprintf(out, cap, "%s", tmp); break;
    case PQ_PNL_META_DOUBLE: double_text(m->doubles[r], out, cap); break;
    case PQ_PNL_META_STRING: snprintf(out, cap, "'%s'", m->labels[m->codes[r]]); break;
    }
}

static bool meta_equal(const pq_pnl_meta *a, const pq_pnl_meta *b, int64_t r)
{
    bool na = pnl_meta_is_null(a, r), nb = pnl_meta_is_null(b, r);
    if (na || nb) return na == nb;
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case PQ_PNL_META_DATE: return a->days[r] == b->days[r];
    case PQ_PNL_META_TIME: return a->micros[r] == b->micros[r];
    case PQ_PNL_META_DOUBLE: return memcmp(&a->doubles[r], &b->doubles[r], 8) == 0;
    case PQ_PNL_META_STRING: return strcmp(a->labels[a->codes[r]], b->labels[b->codes[r]]) == 0;
    }
    return false;
}

static bool cell_equal(const pq_pnl *a, int64_t sa, const pq_pnl *b, int64_t sb, int64_t r)
{
    bool na = pq_pnl_is_null(a, sa, r), nb = pq_pnl_is_null(b, sb, r);
    if (na || nb) return na == nb;
    return memcmp(&a->values[(size_t)sa * (size_t)a->n_rows + (size_t)r],
                  &b->values[(size_t)sb * (size_t)b->n_rows + (size_t)r], 8) == 0;
}

static void cell_text(const pq_pnl *p, int64_t s, int64_t r, char *out, size_t cap)
{
    if (pq_pnl_is_null(p, s, r)) snprintf(out, cap, "null");
    else double_text(p->values[(size_t)s * (size_t)p->n_rows + (size_t)r], out, cap);
}

int64_t pq_pnl_compare(const pq_pnl *want, const pq_pnl *got, int64_t max_report, pq_pnl_diff_fn fn, void *ctx)
{
    int64_t nw = want->n_strategies + PQ_PNL_ROLE_COUNT, ng = got->n_strategies + PQ_PNL_ROLE_COUNT;
    pnl_col *cw = malloc((size_t)nw * sizeof *cw), *cg = malloc((size_t)ng * sizeof *cg);
    int64_t diffs = 0, reported = 0;
    char a[96], b[96];
#define REPORT(row, name, x, y)                                         \
    do {                                                                \
        diffs++;                                                        \
        if (fn && reported < max_report) fn(ctx, (row), (name), (x), (y)); \
        reported++;                                                     \
    } while (0)
    if (!cw || !cg) {
        free(cw);
        free(cg);
        REPORT(-1, "", "memory", "out of memory");
        return diffs;
    }
    nw = pnl_columns(want, cw);
    ng = pnl_columns(got, cg);
    /* names and order */
    int64_t nc = nw < ng ? nw : ng;
    bool same_columns = nw == ng;
    for (int64_t c = 0; c < nc; c++) {
        const char *x = col_name(want, cw[c]), *y = col_name(got, cg[c]);
        bool kind_ok = (cw[c].role < 0) == (cg[c].role < 0) && (cw[c].role < 0 || cw[c].role == cg[c].role);
        if (strcmp(x, y) != 0 || !kind_ok) {
            snprintf(a, sizeof a, "column %lld '%s'", (long long)(c + 1), x);
            snprintf(b, sizeof b, "column %lld '%s'", (long long)(c + 1), y);
            REPORT(-1, "(columns)", a, b);
            same_columns = false;
        }
    }
    if (nw != ng) {
        snprintf(a, sizeof a, "%lld columns", (long long)nw);
        snprintf(b, sizeof b, "%lld columns", (long long)ng);
        REPORT(-1, "(columns)", a, b);
    }
    if (want->n_rows != got->n_rows) {
        snprintf(a, sizeof a, "%lld rows", (long long)want->n_rows);
        snprintf(b, sizeof b, "%lld rows", (long long)got->n_rows);
        REPORT(-1, "(rows)", a, b);
    }
    if (same_columns) {
        int64_t R = want->n_rows < got->n_rows ? want->n_rows : got->n_rows;
        /* which columns differ at all (strategy columns by memcmp first) */
        uint8_t *bad = calloc((size_t)(nc ? nc : 1), 1);
        if (!bad) {
            REPORT(-1, "", "memory", "out of memory");
            nc = 0;
        }
        for (int64_t c = 0; c < nc; c++) {
            if (cw[c].role >= 0) {
                for (int64_t r = 0; r < R && !bad[c]; r++)
                    if (!meta_equal(&want->meta[cw[c].role], &got->meta[cg[c].role], r)) bad[c] = 1;
                continue;
            }
            int64_t sa = cw[c].strat, sb = cg[c].strat;
            bool plain = !want->nulls && !got->nulls && want->n_rows == got->n_rows;
            if (plain && memcmp(want->values + (size_t)sa * (size_t)R, got->values + (size_t)sb * (size_t)R,
                                (size_t)R * 8) == 0)
                continue;
            for (int64_t r = 0; r < R && !bad[c]; r++)
                if (!cell_equal(want, sa, got, sb, r)) bad[c] = 1;
        }
        for (int64_t r = 0; r < R; r++)
            for (int64_t c = 0; c < nc; c++) {
                if (!bad[c]) continue;
                if (cw[c].role >= 0) {
                    const pq_pnl_meta *x = &want->meta[cw[c].role], *y = &got->meta[cg[c].role];
                    if (meta_equal(x, y, r)) continue;
                    meta_text(x, r, a, sizeof a);
                    meta_text(y, r, b, sizeof b);
                    REPORT(r, x->name, a, b);
                } else {
                    if (cell_equal(want, cw[c].strat, got, cg[c].strat, r)) continue;
                    cell_text(want, cw[c].strat, r, a, sizeof a);
                    cell_text(got, cg[c].strat, r, b, sizeof b);
                    REPORT(r, want->names[cw[c].strat], a, b);
                }
            }
        free(bad);
    }
#undef REPORT
    free(cw);
    free(cg);
    return diffs;
}
