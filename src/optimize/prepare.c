/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/prepare.c - from a P&L table to the optimiser's periods:
 * the regime confidence filter (0-100 or 0-1 scale detected), row weights
 * (confidence, transition), zones combined per date with normalised
 * weights, then ULTA inversion (legacy or gated rule) with a row per
 * strategy for the report.  docs/optimize.md defines each step.
 */
#include "parquant/optimize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "parquant/pnl.h"

void pq_opt_prepare_options_init(pq_opt_prepare_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_confidence = 70;
    o->transition_threshold = 0.5;
    o->transition_factor = 0.5;
    o->ulta_roi_threshold = 0.0;
    o->ulta_min_negative_days = 10;
    o->ulta_negative_day_share = 0.6;
}

void pq_opt_input_free(pq_opt_input *in)
{
    for (int64_t s = 0; in->names && s < in->N; s++) free(in->names[s]);
    free(in->names);
    free(in->x);
    free(in->dates);
    free(in->ulta);
    memset(in, 0, sizeof *in);
}

static bool meta_null(const pq_pnl_meta *m, int64_t r) { return m->nulls && (m->nulls[r >> 3] >> (r & 7) & 1); }

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Per label code: the zone's normalised weight. */
static pq_status zone_weights(const pq_pnl_meta *z, const pq_opt_prepare_options *o, double **out, int64_t *n_zones,
                              pq_error *err)
{
    int32_t n = z->n_labels;
    *n_zones = n;
    double *w = malloc((size_t)(n ? n : 1) * sizeof *w);
    int32_t *order = malloc((size_t)(n ? n : 1) * sizeof *order);
    if (!w || !order) {
        free(w);
        free(order);
        return PQ_NOMEM(err);
    }
    /* zone label codes in name order (insertion sort: a handful of zones,
     * and no comparator state shared between threads as qsort would need) */
    for (int32_t i = 0; i < n; i++) {
        int32_t j = i;
        for (; j > 0 && strcmp(z->labels[order[j - 1]], z->labels[i]) > 0; j--) order[j] = order[j - 1];
        order[j] = i;
    }
    pq_status st = PQ_OK;
    if (o->zone_weights && o->n_zone_weights != n)
        st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%lld zone weights for %d zones (%s ... in name order)",
                     (long long)o->n_zone_weights, (int)n, n ? z->labels[order[0]] : "");
    double total = 0;
    for (int32_t i = 0; st == PQ_OK && i < n; i++) {
        double v = o->zone_weights ? o->zone_weights[i] : 1.0;
        if (!(v >= 0) || !isfinite(v)) st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "zone weight %g is not >= 0", v);
        w[order[i]] = v;
        total += v;
    }
    if (st == PQ_OK && !(total > 0)) st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "the zone weights are all zero");
    for (int32_t i = 0; st == PQ_OK && i < n; i++) w[i] /= total;
    free(order);
    if (st != PQ_OK) free(w);
    else *out = w;
    return st;
}

/* ULTA on one strategy's series (heavy_optimizer.md 3): ratio = roi / |worst
 * period|, +inf when the worst period is 0; the inverse's ratio likewise. */
static void ulta_test(const double *x, int64_t T, const pq_opt_prepare_options *o, pq_opt_ulta_row *u)
{
    double roi = 0, lo = INFINITY, hi = -INFINITY;
    int64_t neg = 0;
    for (int64_t t = 0; t < T; t++) {
        roi += x[t];
        if (x[t] < lo) lo = x[t];
        if (x[t] > hi) hi = x[t];
        if (x[t] < 0) neg++;
    }
    u->roi = roi;
    u->worst = lo;
    u->ratio = lo == 0 ? INFINITY : roi / fabs(lo);
    u->inv_roi = -roi;
    u->inv_worst = -hi;
    u->inv_ratio = hi == 0 ? INFINITY : -roi / fabs(hi);
    u->negative_periods = neg;
    bool gates = true;
    if (o->ulta == PQ_OPT_ULTA_GATED)
        gates = roi < o->ulta_roi_threshold && neg >= o->ulta_min_negative_days &&
                (double)neg / (double)T >= o->ulta_negative_day_share;
    u->inverted = gates && u->ratio < 0 && u->inv_ratio > u->ratio;
}

pq_status pq_opt_prepare(const pq_pnl *pnl, const pq_opt_prepare_options *o, pq_opt_input *out, pq_error *err)
{
    pq_opt_prepare_options def;
    if (!o) {
        pq_opt_prepare_options_init(&def);
        o = &def;
    }
    memset(out, 0, sizeof *out);
    int64_t R = pnl->n_rows, N = pnl->n_strategies;
    const pq_pnl_meta *dm = &pnl->meta[PQ_PNL_DATE], *cm = &pnl->meta[PQ_PNL_CONFIDENCE],
                      *tm = &pnl->meta[PQ_PNL_TRANSITION], *zm = &pnl->meta[PQ_PNL_ZONE];
    if (!dm->present) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "the P&L table has no Date column");
    if (N < 1 || R < 1) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "the P&L table has no strategy or no row");
    out->rows_in = R;
    double *w = malloc((size_t)R * sizeof *w);
    int32_t *dates = malloc((size_t)R * sizeof *dates);
    int64_t *period = malloc((size_t)R * sizeof *period);
    uint8_t *keep = malloc((size_t)R);
    double *zw = NULL;
    pq_status st = w && dates && period && keep ? PQ_OK : PQ_NOMEM(err);

    /* 1. rows: the confidence filter and the row weights */
    bool has_conf = cm->present && cm->doubles;
    double thr = o->min_confidence, conf_sum = 0;
    int64_t conf_n = 0;
    if (st == PQ_OK && has_conf) {
        for (int64_t r = 0; r < R; r++)
            if (!meta_null(cm, r) && cm->doubles[r] > 1) out->confidence_0_100 = true;
        /* the threshold follows the data's scale */
        if (out->confidence_0_100 && thr >= 0 && thr <= 1) thr *= 100;
        if (!out->confidence_0_100 && thr > 1) thr /= 100;
    }
    for (int64_t r = 0; st == PQ_OK && r < R; r++) {
        w[r] = 1.0;
        keep[r] = !meta_null(dm, r); /* no date: no period (a P&L CSV never has one) */
        if (has_conf && !meta_null(cm, r) && o->min_confidence >= 0 && cm->doubles[r] < thr) {
            keep[r] = 0;
            out->rows_excluded++;
        }
        if (keep[r] && has_conf && !meta_null(cm, r)) conf_sum += cm->doubles[r], conf_n++;
    }
    if (st == PQ_OK && out->rows_excluded == R && R > 0)
        st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "every row is below the confidence threshold %g", thr);
    for (int64_t r = 0; st == PQ_OK && r < R; r++) {
        if (!keep[r]) continue;
        if (o->confidence_weighting && has_conf && !meta_null(cm, r) && conf_sum > 0)
            w[r] = cm->doubles[r] / (conf_sum / (double)conf_n);
        if (tm->present && tm->doubles && !meta_null(tm, r) && tm->doubles[r] > o->transition_threshold)
            w[r] *= o->transition_factor;
    }
    /* 2. zones */
    if (st == PQ_OK && zm->present && zm->n_labels > 0) st = zone_weights(zm, o, &zw, &out->n_zones, err);
    /* 3. periods: the distinct dates of the kept rows, ascending */
    int64_t T = 0;
    if (st == PQ_OK) {
        for (int64_t r = 0; r < R; r++)
            if (keep[r]) dates[T++] = dm->days[r];
        qsort(dates, (size_t)T, sizeof *dates, cmp_i32);
        int64_t u = 0;
        for (int64_t i = 0; i < T; i++)
            if (u == 0 || dates[u - 1] != dates[i]) dates[u++] = dates[i];
        T = u;
        for (int64_t r = 0; r < R; r++) {
            int32_t *hit = !keep[r] ? NULL : bsearch(&dm->days[r], dates, (size_t)T, sizeof *dates, cmp_i32);
            period[r] = hit ? hit - dates : -1;
        }
    }
    size_t cells = 0;
    if (st == PQ_OK && (pq_mul_overflow((size_t)T, (size_t)N, &cells) ||
                        !(out->x = calloc(cells ? cells : 1, sizeof *out->x)) ||
                        !(out->names = calloc((size_t)N, sizeof *out->names))))
        st = PQ_NOMEM(err);
    if (st == PQ_OK) {
        out->T = T;
        out->N = N;
        out->dates = dates;
        dates = NULL;
        for (int64_t r = 0; r < R; r++) {
            if (period[r] < 0) continue;
            double f = w[r];
            if (zw) f *= zm->codes[r] >= 0 ? zw[zm->codes[r]] : 0;
            if (f == 0) continue;
            for (int64_t s = 0; s < N; s++) {
                double v = pnl->values[(size_t)s * (size_t)R + (size_t)r];
                if (!isnan(v)) out->x[(size_t)s * (size_t)T + (size_t)period[r]] += f * v;
            }
        }
    }
    /* 4. ULTA */
    if (st == PQ_OK && o->ulta != PQ_OPT_ULTA_OFF && !(out->ulta = calloc((size_t)N, sizeof *out->ulta)))
        st = PQ_NOMEM(err);
    for (int64_t s = 0; st == PQ_OK && s < N; s++) {
        double *xs = out->x + (size_t)s * (size_t)T;
        bool inv = false;
        if (out->ulta) {
            ulta_test(xs, T, o, &out->ulta[s]);
            inv = out->ulta[s].inverted;
        }
        size_t len = strlen(pnl->names[s]);
        if (!(out->names[s] = malloc(len + 5))) {
            st = PQ_NOMEM(err);
            break;
        }
        memcpy(out->names[s], pnl->names[s], len + 1);
        if (inv) {
            memcpy(out->names[s] + len, "_inv", 5);
            for (int64_t t = 0; t < T; t++) xs[t] = -xs[t];
            out->n_inverted++;
        }
    }
    free(w);
    free(dates);
    free(period);
    free(keep);
    free(zw);
    if (st != PQ_OK) pq_opt_input_free(out);
    return st;
}
