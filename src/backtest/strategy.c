/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/strategy.c - the strategy templates (backtest.h): their names,
 * the parameter grid in a fixed interleaved order, and the entry/exit
 * signals of each template on a bar series, every window computed in one
 * pass (prefix sums, monotonic queues) so that a signal costs O(1) per bar.
 */
#include "backtest/backtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const TEMPLATE_NAMES[PQ_BT_TEMPLATE_COUNT] = {"TrendFollowing", "MeanReversion", "Breakout",
                                                                 "Momentum"};

const char *pq_bt_template_name(pq_bt_template t)
{
    return (unsigned)t < PQ_BT_TEMPLATE_COUNT ? TEMPLATE_NAMES[t] : "?";
}

void pq_bt_strategy_name(pq_bt_strategy *s)
{
    snprintf(s->name, sizeof s->name, "%s_L%d_T%.1f_SL%g_TP%g", pq_bt_template_name(s->tmpl), s->lookback,
             s->threshold, s->sl_pips, s->tp_pips);
}

/* The grid.  The first value of each list is the one a short grid keeps:
 * SL 20 / TP 40 are the original's defaults. */
static const int LOOKBACKS[] = {10, 20, 50, 100};
static const double THRESHOLDS[PQ_BT_TEMPLATE_COUNT][3] = {
    {0.0, 2.0, 5.0},   /* trend: MA gap, pips */
    {2.0, 1.5, 2.5},   /* mean reversion: z */
    {0.0, 2.0, 5.0},   /* breakout: pips beyond the channel */
    {10.0, 5.0, 20.0}, /* momentum: pips */
};
static const double STOPS[] = {20, 10, 30};
static const double TARGETS[] = {40, 20, 60};
#define N_L 4
#define N_T 3
#define N_SL 3
#define N_TP 3
#define PER_TEMPLATE (N_L * N_T * N_SL * N_TP)

pq_status pq_bt_strategy_grid(size_t max, pq_bt_strategy **out, size_t *n, pq_error *err)
{
    size_t total = (size_t)PER_TEMPLATE * PQ_BT_TEMPLATE_COUNT;
    if (max == 0 || max > total) max = total;
    pq_bt_strategy *s = calloc(max, sizeof *s);
    if (!s) return PQ_NOMEM(err);
    for (size_t k = 0; k < max; k++) {
        /* template k % 4; within it, the lookback varies fastest, then the
         * threshold, the stop and the target: a prefix of the grid keeps
         * every lookback and threshold at the default stop and target */
        size_t j = k / PQ_BT_TEMPLATE_COUNT;
        s[k].tmpl = (pq_bt_template)(k % PQ_BT_TEMPLATE_COUNT);
        s[k].lookback = LOOKBACKS[j % N_L];
        s[k].threshold = THRESHOLDS[s[k].tmpl][(j / N_L) % N_T];
        s[k].sl_pips = STOPS[(j / (N_L * N_T)) % N_SL];
        s[k].tp_pips = TARGETS[(j / (N_L * N_T * N_SL)) % N_TP];
        pq_bt_strategy_name(&s[k]);
    }
    *out = s;
    *n = max;
    return PQ_OK;
}

pq_status pq_bt_work_alloc(pq_bt_work *w, size_t n, pq_error *err)
{
    memset(w, 0, sizeof *w);
    w->a = malloc((n + 1) * sizeof(double));
    w->b = malloc((n + 1) * sizeof(double));
    w->q = malloc((n ? n : 1) * sizeof(uint32_t));
    if (!w->a || !w->b || !w->q) {
        pq_bt_work_reset(w);
        return PQ_NOMEM(err);
    }
    w->n = n;
    return PQ_OK;
}

void pq_bt_work_reset(pq_bt_work *w)
{
    free(w->a);
    free(w->b);
    free(w->q);
    memset(w, 0, sizeof *w);
}

/* Prefix sums of close - close[0] (and of its square when sq != NULL):
 * p[i] = sum of the first i values.  Centring keeps the variance of a
 * window exact to many more digits than raw prices would. */
static void prefix(const pq_bars *b, double *p, double *sq)
{
    double c0 = b->close[0];
    p[0] = 0;
    if (sq) sq[0] = 0;
    for (size_t i = 0; i < b->n; i++) {
        double x = b->close[i] - c0;
        p[i + 1] = p[i] + x;
        if (sq) sq[i + 1] = sq[i] + x * x;
    }
}

/* Emit an event signal: +1 when v crosses above hi, -1 below lo. */
static inline int8_t crossing(double prev, double v, double hi, double lo)
{
    if (v > hi && !(prev > hi)) return 1;
    if (v < lo && !(prev < lo)) return -1;
    return 0;
}

static void trend(const pq_bt_strategy *s, const pq_bars *b, double pip, size_t from, int8_t *sig, pq_bt_work *w)
{
    size_t L = (size_t)s->lookback, F = L / 4 < 2 ? 2 : L / 4;
    const double *p = w->a;
    prefix(b, w->a, NULL);
    double prev = NAN;
    for (size_t i = L - 1; i < b->n; i++) {
        double fast = (p[i + 1] - p[i + 1 - F]) / (double)F, slow = (p[i + 1] - p[i + 1 - L]) / (double)L;
        double d = (fast - slow) / pip;
        if (i >= from) sig[i] = crossing(prev, d, s->threshold, -s->threshold);
        prev = d;
    }
}

static void meanrev(const pq_bt_strategy *s, const pq_bars *b, size_t from, int8_t *sig, pq_bt_work *w)
{
    size_t L = (size_t)s->lookback;
    const double *p = w->a, *q = w->b;
    prefix(b, w->a, w->b);
    double prev = NAN, c0 = b->close[0];
    for (size_t i = L - 1; i < b->n; i++) {
        double mean = (p[i + 1] - p[i + 1 - L]) / (double)L;
        double var = (q[i + 1] - q[i + 1 - L]) / (double)L - mean * mean;
        double sd = var > 0 ? sqrt(var) : 0;
        /* a window whose spread is rounding noise counts as flat */
        double z = sd > 1e-12 * (fabs(mean + c0) + 1) ? (b->close[i] - c0 - mean) / sd : 0;
        /* against the move: a fall below -T buys, a rise above T sells */
        if (i >= from) sig[i] = (int8_t)-crossing(prev, z, s->threshold, -s->threshold);
        prev = z;
    }
}

/* Highest high (want_max) or lowest low of the L bars before each bar i,
 * into out[i] for i >= L, through a monotonic queue of indexes. */
static void channel(const pq_bars *b, size_t L, bool want_max, double *out, uint32_t *q)
{
    const double *v = want_max ? b->high : b->low;
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < b->n; i++) {
        /* the window of bar i is [i - L, i - 1] */
        while (head < tail && q[head] + L < i) head++;
        if (i >= L) out[i] = v[q[head]];
        while (head < tail && (want_max ? v[q[tail - 1]] <= v[i] : v[q[tail - 1]] >= v[i])) tail--;
        q[tail++] = (uint32_t)i;
    }
}

static void breakout(const pq_bt_strategy *s, const pq_bars *b, double pip, size_t from, int8_t *sig, pq_bt_work *w)
{
    size_t L = (size_t)s->lookback;
    channel(b, L, true, w->a, w->q);
    channel(b, L, false, w->b, w->q);
    double t = s->threshold * pip;
    bool prev_up = true, prev_down = true; /* no event on the first bar with a channel */
    for (size_t i = L; i < b->n; i++) {
        bool up = b->close[i] > w->a[i] + t, down = b->close[i] < w->b[i] - t;
        if (i >= from) sig[i] = up && !prev_up ? 1 : down && !prev_down ? -1 : 0;
        prev_up = up;
        prev_down = down;
    }
}

static void momentum(const pq_bt_strategy *s, const pq_bars *b, double pip, size_t from, int8_t *sig)
{
    size_t L = (size_t)s->lookback;
    double prev = NAN;
    for (size_t i = L; i < b->n; i++) {
        double m = (b->close[i] - b->close[i - L]) / pip;
        if (i >= from) sig[i] = crossing(prev, m, s->threshold, -s->threshold);
        prev = m;
    }
}

void pq_bt_signals(const pq_bt_strategy *s, const pq_bars *b, double pip, size_t warmup, int8_t *sig, pq_bt_work *w)
{
    memset(sig, 0, b->n);
    size_t L = s->lookback < 2 ? 2 : (size_t)s->lookback;
    size_t from = warmup > L + 1 ? warmup : L + 1;
    if (b->n <= from || w->n < b->n) return;
    pq_bt_strategy t = *s;
    t.lookback = (int)L;
    switch (s->tmpl) {
    case PQ_BT_TREND: trend(&t, b, pip, from, sig, w); break;
    case PQ_BT_MEANREV: meanrev(&t, b, from, sig, w); break;
    case PQ_BT_BREAKOUT: breakout(&t, b, pip, from, sig, w); break;
    case PQ_BT_MOMENTUM: momentum(&t, b, pip, from, sig); break;
    default: break;
    }
}
