/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/bars.c - the candle series a backtest runs on (backtest.h):
 * allocation of its columns and the checks a series must pass before any
 * strategy sees it (ordered timestamps, sane prices).
 */
#include "backtest/backtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

pq_status pq_bars_alloc(pq_bars *b, size_t n, pq_error *err)
{
    memset(b, 0, sizeof *b);
    size_t k = n ? n : 1;
    b->ts = calloc(k, sizeof *b->ts);
    b->open = calloc(k, sizeof(double));
    b->high = calloc(k, sizeof(double));
    b->low = calloc(k, sizeof(double));
    b->close = calloc(k, sizeof(double));
    b->spread = calloc(k, sizeof(double));
    b->volume = calloc(k, sizeof(double));
    if (!b->ts || !b->open || !b->high || !b->low || !b->close || !b->spread || !b->volume) {
        pq_bars_reset(b);
        return PQ_NOMEM(err);
    }
    b->n = n;
    return PQ_OK;
}

void pq_bars_reset(pq_bars *b)
{
    free(b->ts);
    free(b->open);
    free(b->high);
    free(b->low);
    free(b->close);
    free(b->spread);
    free(b->volume);
    memset(b, 0, sizeof *b);
}

/* "2025-03-03 00:05:00" of a microsecond timestamp, for messages. */
static const char *when(int64_t us, char out[32])
{
    time_t t = (time_t)(us / 1000000 - (us % 1000000 < 0));
    struct tm tm;
    if (!gmtime_r(&t, &tm)) snprintf(out, 32, "%lld us", (long long)us);
    else strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
    return out;
}

pq_status pq_bars_check(const pq_bars *b, pq_error *err)
{
    if (b->n == 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "no candles");
    char w[32];
    for (size_t i = 0; i < b->n; i++) {
        double o = b->open[i], h = b->high[i], l = b->low[i], c = b->close[i];
        if (i > 0 && b->ts[i] <= b->ts[i - 1])
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "candle %zu (%s): its time is not after the previous candle's", i,
                           when(b->ts[i], w));
        if (!(isfinite(o) && isfinite(h) && isfinite(l) && isfinite(c)) || o <= 0 || h <= 0 || l <= 0 || c <= 0)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "candle %zu (%s): a price is not a positive number", i,
                           when(b->ts[i], w));
        if (l > h || o < l || o > h || c < l || c > h)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG,
                           "candle %zu (%s): open %.10g and close %.10g must lie within low %.10g and high %.10g", i,
                           when(b->ts[i], w), o, c, l, h);
        if (!isfinite(b->spread[i]) || b->spread[i] < 0 || !isfinite(b->volume[i]) || b->volume[i] < 0)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "candle %zu (%s): spread or volume is negative or not a number", i,
                           when(b->ts[i], w));
    }
    return PQ_OK;
}
