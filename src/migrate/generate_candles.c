/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/generate_candles.c - the synthetic EURUSD candle lists of the
 * generator (generate.h) and the calendar arithmetic behind timestamps.
 *
 * One list per interval, shared by the interval's 5 lookbacks as in real
 * files (§1.4): a seeded random walk around 1.05000 in points of 1e-5 (tick
 * prices have 5 decimals), open = previous close, heavier moves in the
 * London/New York hours and a few fat-tailed candles (so that the Grande and
 * Muito Grande cells are rare but not always empty), weekends skipped like
 * forex, and about 1 bucket in 500 dropped as an empty bucket.  Small scale:
 * 3 days from the first Monday on or after March 3 at the interval's step,
 * at most NZG_SMALL_CANDLES; production: the whole year at a 5-minute step
 * for every interval (the "a year of 5-minute candles").
 *
 * Dates use the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
 */
#include "migrate/generate.h"

#include "core/calendar.h"

#include <math.h>

/* ---------------------------------------------------------- calendar */

/* Division rounding toward minus infinity (times before 1970). */
static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

int64_t pq_nzg_epoch(int y, int m, int d) { return pq_days_from_civil(y, m, d) * 86400; }

int pq_nzg_weekday(int64_t t)
{
    int64_t days = floor_div(t, 86400);
    return (int)(((days + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday (3) */
}

/* ------------------------------------------------------------ candles */

#define CENTER_PTS 105000 /* 1.05000 */

typedef struct walk {
    pq_nzg_rng rng;
    int32_t price;
    double step_scale;           /* sqrt(step / 5 minutes) */
} walk;

/* The candle starting at t: one step of the walk from the previous close. */
static void next_candle(walk *w, int64_t t, pq_nzg_candle *c)
{
    int hour = (int)(t % 86400 / 3600);
    double session = hour >= 7 && hour < 17 ? 1.3 : 0.7;
    double sd = 25.0 * w->step_scale * session; /* about 2.5 pips of body at 5 minutes */
    if (pq_nzg_unit(&w->rng) < 0.03) sd *= 4.0;    /* news candle */
    double pull = -0.0005 * (double)(w->price - CENTER_PTS);
    int32_t body = (int32_t)lround(pq_nzg_normal(&w->rng) * sd + pull);
    int32_t up = (int32_t)lround(fabs(pq_nzg_normal(&w->rng)) * 0.5 * sd);
    int32_t down = (int32_t)lround(fabs(pq_nzg_normal(&w->rng)) * 0.5 * sd);
    c->t = t;
    c->o = w->price;
    c->c = w->price + body;
    c->h = (c->o > c->c ? c->o : c->c) + up;
    c->l = (c->o < c->c ? c->o : c->c) - down;
    int32_t vol = (int32_t)((150.0 + 500.0 * pq_nzg_unit(&w->rng)) * w->step_scale * w->step_scale * session);
    c->volume = vol < 1 ? 1 : vol;
    /* the mean of per-tick spreads in tenths of a pip, as pandas would average them */
    int64_t tenths = (int64_t)c->volume * 8 + pq_nzg_range(&w->rng, -2 * (int64_t)c->volume, 4 * (int64_t)c->volume);
    c->spread = (double)tenths / (10.0 * (double)c->volume);
    w->price = c->c;
}

pq_status pq_nzg_series_make(const pq_nzg_ctx *g, int k, pq_nzg_series *s, pq_error *err)
{
    int64_t start, step, max_n, horizon;
    if (g->scale == PQ_NZ_SCALE_PRODUCTION) {
        start = pq_nzg_epoch(g->year, 1, 1);
        horizon = pq_nzg_epoch(g->year + 1, 1, 1) - start;
        step = 300;
        max_n = horizon / step;
    } else {
        start = pq_nzg_epoch(g->year, 3, 3);
        while (pq_nzg_weekday(start) != 0) start += 86400;
        step = (int64_t)pq_nzg_intervals[k] * 60;
        horizon = 3 * 86400; /* Monday to Wednesday: no weekend inside */
        max_n = horizon / step < NZG_SMALL_CANDLES ? horizon / step : NZG_SMALL_CANDLES;
    }
    s->n = 0;
    s->c = pq_calloc(g->alloc, (size_t)max_n, sizeof *s->c);
    if (s->c == NULL) return PQ_NOMEM(err);

    walk w;
    pq_nzg_rng_seed(&w.rng, g->seed, 0x63616e646c6573ULL /* "candles" */, (uint64_t)pq_nzg_intervals[k], 0);
    w.price = CENTER_PTS + (int32_t)pq_nzg_range(&w.rng, -1500, 1500);
    w.step_scale = sqrt((double)step / 300.0);
    for (int64_t b = 0; b < horizon / step && (int64_t)s->n < max_n; b++) {
        int64_t t = start + b * step;
        if (pq_nzg_weekday(t) >= 5) continue;
        if (pq_nzg_unit(&w.rng) < 0.002) continue; /* a bucket without ticks is dropped */
        next_candle(&w, t, &s->c[s->n++]);
    }
    return PQ_OK;
}

void pq_nzg_series_free(const pq_nzg_ctx *g, pq_nzg_series *s)
{
    pq_free(g->alloc, s->c);
    s->c = NULL;
    s->n = 0;
}
