/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/simulate.c - one strategy over one bar series (backtest.h): a
 * single position at a time, the exit check before the entry check on each
 * bar, stop-loss then take-profit against the bar's range (gaps filled at
 * the open), then the opposite signal at the close; long positions buy at
 * the ask and sell at the bid, shorts the reverse.
 */
#include "backtest/backtest.h"

#include <stdlib.h>

const char *pq_bt_exit_name(pq_bt_exit e)
{
    switch (e) {
    case PQ_BT_EXIT_SL: return "stop_loss";
    case PQ_BT_EXIT_TP: return "take_profit";
    case PQ_BT_EXIT_SIGNAL: return "signal";
    }
    return "?";
}

void pq_bt_trades_reset(pq_bt_trades *t)
{
    free(t->t);
    memset(t, 0, sizeof *t);
}

static pq_status push(pq_bt_trades *out, const pq_bt_trade *t, pq_error *err)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        pq_bt_trade *g = realloc(out->t, cap * sizeof *g);
        if (!g) return PQ_NOMEM(err);
        out->t = g;
        out->cap = cap;
    }
    out->t[out->n++] = *t;
    return PQ_OK;
}

/* The exit of an open position on bar i, if any: fills price, pips and
 * reason, returns true. */
static bool exit_on(const pq_bt_strategy *s, const pq_bars *b, size_t i, const int8_t *sig, double pip,
                    pq_bt_trade *t)
{
    double half = b->spread[i] * pip / 2;
    double dir = t->dir;
    /* the side the position closes on: a long sells at the bid, a short buys at the ask */
    double side = -dir * half;
    double open = b->open[i] + side, close = b->close[i] + side;
    double adverse = (dir > 0 ? b->low[i] : b->high[i]) + side;
    double favourable = (dir > 0 ? b->high[i] : b->low[i]) + side;
    double stop = t->entry_price - dir * s->sl_pips * pip;
    double target = t->entry_price + dir * s->tp_pips * pip;
    if (dir * (open - stop) <= 0) {
        t->exit_price = open, t->reason = PQ_BT_EXIT_SL;
        t->pips = dir * (open - t->entry_price) / pip;
    } else if (dir * (adverse - stop) <= 0) {
        t->exit_price = stop, t->reason = PQ_BT_EXIT_SL;
        t->pips = -s->sl_pips;
    } else if (dir * (open - target) >= 0) {
        t->exit_price = open, t->reason = PQ_BT_EXIT_TP;
        t->pips = dir * (open - t->entry_price) / pip;
    } else if (dir * (favourable - target) >= 0) {
        t->exit_price = target, t->reason = PQ_BT_EXIT_TP;
        t->pips = s->tp_pips;
    } else if (sig[i] == -t->dir) {
        t->exit_price = close, t->reason = PQ_BT_EXIT_SIGNAL;
        t->pips = dir * (close - t->entry_price) / pip;
    } else {
        return false;
    }
    t->exit = (uint32_t)i;
    return true;
}

pq_status pq_bt_simulate(const pq_bt_strategy *s, const pq_bars *b, const int8_t *sig, double pip,
                         pq_bt_trades *out, pq_error *err)
{
    out->n = 0;
    if (b->n > UINT32_MAX) return PQ_FAIL(err, PQ_ERR_LIMIT, "more than %u candles", (unsigned)UINT32_MAX);
    bool open = false;
    pq_bt_trade t = {0};
    for (size_t i = 0; i < b->n; i++) {
        if (open && exit_on(s, b, i, sig, pip, &t)) {
            PQ_TRY(push(out, &t, err));
            open = false;
        }
        if (!open && sig[i] != 0) {
            memset(&t, 0, sizeof t);
            t.dir = sig[i];
            t.entry = (uint32_t)i;
            /* a long buys at the ask, a short sells at the bid */
            t.entry_price = b->close[i] + t.dir * b->spread[i] * pip / 2;
            open = true;
        }
    }
    return PQ_OK;
}
