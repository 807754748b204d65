/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/backtest.h - strategy backtests on candle bars (necrozma.md §3.3,
 * §4.2, docs/backtest.md): the bar series, the strategy templates and their
 * parameter grid, the simulation (one position at a time, exits before
 * entries, stop-loss then take-profit then the opposite signal), the 20
 * metrics of a result for each lot size, and the composite score (§3.5).
 *
 * Prices are in quote units; a pip is 0.0001 (0.01 for JPY pairs).  All
 * P&L in pips is measured from the prices actually traded, and USD is
 * pips x 10 x lot minus the commission 0.1 x lot per round trip, so pips
 * and USD always agree (the original clamped SL/TP exits in USD only).
 */
#ifndef PARQUANT_BACKTEST_H
#define PARQUANT_BACKTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ------------------------------------------------------------------ bars */

/** A candle series, columns of n values; `spread` in pips (0 = unknown),
 *  `ts` in microseconds since the epoch (UTC), strictly increasing. */
typedef struct pq_bars {
    size_t n;
    int64_t *ts;
    double *open, *high, *low, *close, *spread, *volume;
} pq_bars;

/** Allocate n bars (all columns, zeroed).  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_bars_alloc(pq_bars *b, size_t n, pq_error *err);
void pq_bars_reset(pq_bars *b);

/** Check a series: n >= 1, timestamps strictly increasing, prices finite
 *  and > 0, low <= open/close <= high, spread and volume finite and >= 0.
 *  @return PQ_ERR_INVALID_ARG naming the bar (index and time) and the problem. */
PQ_NODISCARD pq_status pq_bars_check(const pq_bars *b, pq_error *err);

/* ------------------------------------------------------------ strategies */

typedef enum pq_bt_template {
    PQ_BT_TREND,        /* TrendFollowing: fast/slow moving-average crossover */
    PQ_BT_MEANREV,      /* MeanReversion: z-score of close against its rolling mean */
    PQ_BT_BREAKOUT,     /* Breakout: close beyond the N-bar high/low */
    PQ_BT_MOMENTUM,     /* Momentum: close minus the close N bars ago */
    PQ_BT_TEMPLATE_COUNT
} pq_bt_template;

/** "TrendFollowing", "MeanReversion", "Breakout", "Momentum". */
const char *pq_bt_template_name(pq_bt_template t);

/** One strategy: a template and its parameters. */
typedef struct pq_bt_strategy {
    pq_bt_template tmpl;
    int lookback;        /* bars: slow MA / z-score window / channel / momentum distance */
    double threshold;    /* pips (trend: MA gap; breakout: beyond the channel; momentum: move);
                            z units for MeanReversion */
    double sl_pips, tp_pips;
    char name[96];       /* <Template>_L<lookback>_T<threshold>_SL<sl>_TP<tp> */
} pq_bt_strategy;

/** Fill s->name from the parameters ("MeanReversion_L20_T2.0_SL20_TP40"). */
void pq_bt_strategy_name(pq_bt_strategy *s);

/** The grid, in a fixed order that interleaves the templates (so any
 *  prefix covers all four), limited to `max` (0 = the whole grid).
 *  *out is malloc'ed.  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_bt_strategy_grid(size_t max, pq_bt_strategy **out, size_t *n, pq_error *err);

/** Scratch memory for pq_bt_signals on up to `n` bars; reused across
 *  strategies of one series. */
typedef struct pq_bt_work {
    size_t n;
    double *a, *b;   /* n + 1 each */
    uint32_t *q;     /* n */
} pq_bt_work;

PQ_NODISCARD pq_status pq_bt_work_alloc(pq_bt_work *w, size_t n, pq_error *err);
void pq_bt_work_reset(pq_bt_work *w);

/** Signals of strategy s on bars b (w sized for b->n): sig[i] = +1 (go
 *  long), -1 (go short), 0 (none), decided on bar i's close.  Signals are
 *  events, given on the bar where a condition starts to hold (it did not on
 *  the bar before), so a position stopped out is not re-entered at once
 *  while the condition lasts:
 *    TrendFollowing: d = SMA(max(2, L/4)) - SMA(L) of the close, in pips;
 *      +1 when d rises above T, -1 when it falls below -T;
 *    MeanReversion: z = (close - SMA(L)) / sd(L) (population sd over the
 *      same window, z = 0 when sd = 0); +1 when z falls below -T, -1 when
 *      it rises above T;
 *    Breakout: +1 when the close goes above the highest high of the L bars
 *      before it by more than T pips, -1 below the lowest low likewise;
 *    Momentum: m = close - close L bars earlier, in pips; +1 when m rises
 *      above T, -1 when it falls below -T.
 *  No signal before bar max(warmup, L + 1).  `pip` converts pips to price. */
void pq_bt_signals(const pq_bt_strategy *s, const pq_bars *b, double pip, size_t warmup, int8_t *sig,
                   pq_bt_work *w);

/* ------------------------------------------------------------ simulation */

typedef enum pq_bt_exit { PQ_BT_EXIT_SL, PQ_BT_EXIT_TP, PQ_BT_EXIT_SIGNAL } pq_bt_exit;

/** "stop_loss", "take_profit", "signal". */
const char *pq_bt_exit_name(pq_bt_exit e);

/** A closed trade (lot-independent: USD comes per lot from the pips). */
typedef struct pq_bt_trade {
    uint32_t entry, exit;  /* bar indexes */
    int8_t dir;            /* +1 long, -1 short */
    uint8_t reason;        /* pq_bt_exit */
    double entry_price, exit_price;
    double pips;           /* (exit - entry) x dir / pip */
} pq_bt_trade;

typedef struct pq_bt_trades {
    pq_bt_trade *t;
    size_t n, cap;
} pq_bt_trades;

void pq_bt_trades_reset(pq_bt_trades *t);

/** Run strategy s (its signals in `sig`) over bars b.  Rules, per bar i
 *  from 1 on:
 *   1. exit check of an open position (entered on an earlier bar):
 *      stop-loss, then take-profit, both against the bar's range, then the
 *      opposite signal at the close:
 *        long: bid = mid - spread/2; stop = entry - SL pips.  If the bar
 *        opens at or below the stop (a gap), exit at the open's bid;
 *        else if its low's bid reaches the stop, exit at the stop.  Then
 *        take-profit likewise (target = entry + TP pips; the open, else the
 *        target).  Then sig[i] == -1 exits at the close's bid.
 *        short: mirrored, on the ask (mid + spread/2).
 *   2. entry: when flat (also right after an exit on this bar) and
 *      sig[i] != 0, enter at the close: long at the ask, short at the bid.
 *  A position still open after the last bar is dropped (not a trade).
 *  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_bt_simulate(const pq_bt_strategy *s, const pq_bars *b, const int8_t *sig, double pip,
                                      pq_bt_trades *out, pq_error *err);

/* --------------------------------------------------------------- metrics */

#define PQ_BT_CAPITAL 10000.0
#define PQ_BT_PIP_USD_PER_LOT 10.0
#define PQ_BT_COMMISSION_PER_LOT 0.1   /* 2 x 0.05 x lot per round trip */

/** The 20 values of a result (§3.3), in the order of the original keys
 *  after strategy_name. */
typedef struct pq_bt_metrics {
    int64_t n_trades;
    double win_rate, profit_factor, total_return, sharpe_ratio, sortino_ratio, calmar_ratio, max_drawdown,
        avg_win, avg_loss, largest_win, largest_loss, expectancy, recovery_factor, ulcer_index, lot_size,
        gross_pnl, total_commission, net_pnl;
} pq_bt_metrics;

/** USD of a trade at lot size `lot`: gross = pips x 10 x lot, net = gross -
 *  0.1 x lot. */
static inline double pq_bt_gross_usd(const pq_bt_trade *t, double lot) { return t->pips * PQ_BT_PIP_USD_PER_LOT * lot; }
static inline double pq_bt_net_usd(const pq_bt_trade *t, double lot)
{
    return pq_bt_gross_usd(t, lot) - PQ_BT_COMMISSION_PER_LOT * lot;
}

/** The metrics of trades at lot size `lot` (§3.3, on net USD per trade,
 *  equity starting at 10000).  Differences from the original, which are
 *  defined cases where it gave NaN or divided by zero:
 *   - sortino: the downside deviation is the sample standard deviation of
 *     the losing trades when there are >= 2 and it is > 0, otherwise the
 *     root mean square of the losses (one loss: its size), so one loss
 *     gives a finite ratio; 0 with no losses, as before;
 *   - every value is finite: nothing here divides by zero.
 *  `equity` (may be NULL) receives n+1 values: 10000, then after each trade. */
void pq_bt_compute_metrics(const pq_bt_trades *t, double lot, pq_bt_metrics *m, double *equity);

/* ------------------------------------------------------------- ranking */

/** The composite score of §3.5 over n results: components return (total
 *  return), risk (1 - maxDD, 0 when maxDD >= 1), consistency
 *  (min(1, 0.4 wr + 0.3 sharpe/3 + 0.3 sortino/3)), robustness
 *  (clamp01(0.5 pf/3 + 0.5 (1 - ulcer/10)), 0 when ulcer >= 10); each
 *  min-max normalised over the n results (0.5 when constant); score =
 *  0.30 return + 0.25 risk + 0.25 consistency + 0.20 robustness.
 *  `norm` (may be NULL) receives 4 x n normalised components, `raw` (may be
 *  NULL) 4 x n raw ones, result-major. */
void pq_bt_composite(const pq_bt_metrics *m, size_t n, double *score, double *raw, double *norm);

#endif /* PARQUANT_BACKTEST_H */
