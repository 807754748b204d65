/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/backtest/test_simulate.c - the simulation rules and the metrics on
 * hand-made bar series whose trades and every metric are known exactly
 * (backtest/simulate.c, backtest/metrics.c): stop-loss and take-profit
 * inside a bar and through a gap, stop before target when one bar reaches
 * both, the opposite signal closing and reversing on the same bar, the
 * spread paid on both sides, a position open at the end dropped; then the
 * 20 metrics of a known trade list at two lot sizes, Sortino with one
 * loss and with equal losses, zero trades, and the composite score.
 */
#include "harness.h"

#include <math.h>

#include "backtest/backtest.h"

#define PIP 0.0001

static int near(double a, double b) { return fabs(a - b) <= 1e-9 * (1 + fabs(b)); }
#define CHECK_NEAR(a, b)                                                                             \
    do {                                                                                             \
        double na_ = (a), nb_ = (b);                                                                 \
        if (near(na_, nb_)) harness_passed++;                                                        \
        else {                                                                                       \
            harness_failed++;                                                                        \
            fprintf(stderr, "%s:%d: [%s] %s = %.12g, expected %.12g\n", __FILE__, __LINE__, harness_case, #a, na_, nb_); \
        }                                                                                            \
    } while (0)

/* Bars from rows of open, high, low, close (spread 0, one minute apart). */
static void bars(pq_bars *b, const double (*ohlc)[4], size_t n)
{
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_bars_alloc(b, n, &err), &err);
    for (size_t i = 0; i < n; i++) {
        b->ts[i] = 1740960000000000LL + (int64_t)i * 60000000LL;
        b->open[i] = ohlc[i][0];
        b->high[i] = ohlc[i][1];
        b->low[i] = ohlc[i][2];
        b->close[i] = ohlc[i][3];
    }
    CHECK_OK(pq_bars_check(b, &err), &err);
}

static pq_bt_strategy strat(double sl, double tp)
{
    pq_bt_strategy s = {.tmpl = PQ_BT_MOMENTUM, .lookback = 2, .threshold = 5, .sl_pips = sl, .tp_pips = tp};
    pq_bt_strategy_name(&s);
    return s;
}

static void run(const pq_bars *b, const pq_bt_strategy *s, const int8_t *sig, pq_bt_trades *t)
{
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_bt_simulate(s, b, sig, PIP, t, &err), &err);
}

TEST(take_profit_inside_a_bar)
{
    static const double r[][4] = {
        {1.1000, 1.1002, 1.0998, 1.1000}, /* 0: long signal, entry 1.1000 */
        {1.1000, 1.1015, 1.0995, 1.1010}, /* 1: low 1.0995 > stop 1.0980; high < target 1.1040 */
        {1.1010, 1.1045, 1.1005, 1.1030}, /* 2: high reaches the target 1.1040 */
        {1.1030, 1.1031, 1.1029, 1.1030},
    };
    pq_bars b;
    bars(&b, r, 4);
    int8_t sig[4] = {1, 0, 0, 0};
    pq_bt_strategy s = strat(20, 40);
    pq_bt_trades t = {0};
    run(&b, &s, sig, &t);
    CHECK_EQ_I64(t.n, 1);
    if (t.n == 1) {
        CHECK_EQ_I64(t.t[0].entry, 0);
        CHECK_EQ_I64(t.t[0].exit, 2);
        CHECK_EQ_I64(t.t[0].dir, 1);
        CHECK_EQ_I64(t.t[0].reason, PQ_BT_EXIT_TP);
        CHECK_NEAR(t.t[0].entry_price, 1.1000);
        CHECK_NEAR(t.t[0].exit_price, 1.1040);
        CHECK_NEAR(t.t[0].pips, 40);
    }
    pq_bt_trades_reset(&t);
    pq_bars_reset(&b);
}

TEST(stop_before_target_in_one_bar_and_gaps)
{
    static const double r[][4] = {
        {1.1000, 1.1000, 1.1000, 1.1000}, /* 0: long at 1.1000: stop 1.0980, target 1.1040 */
        {1.1000, 1.1050, 1.0970, 1.1000}, /* 1: reaches both: the stop wins, at 1.0980 */
        {1.1000, 1.1000, 1.1000, 1.1000}, /* 2: short at 1.1000: stop 1.1020, target 1.0960 */
        {1.1030, 1.1035, 1.1025, 1.1030}, /* 3: opens above the stop: out at the open, -30 pips */
        {1.1030, 1.1030, 1.1030, 1.1030}, /* 4: short at 1.1030: target 1.0990 */
        {1.0980, 1.0985, 1.0975, 1.0980}, /* 5: opens below the target: out at the open, +50 pips */
    };
    pq_bars b;
    bars(&b, r, 6);
    int8_t sig[6] = {1, 0, -1, 0, -1, 0};
    pq_bt_strategy s = strat(20, 40);
    pq_bt_trades t = {0};
    run(&b, &s, sig, &t);
    CHECK_EQ_I64(t.n, 3);
    if (t.n == 3) {
        CHECK_EQ_I64(t.t[0].reason, PQ_BT_EXIT_SL);
        CHECK_NEAR(t.t[0].exit_price, 1.0980);
        CHECK_NEAR(t.t[0].pips, -20);
        CHECK_EQ_I64(t.t[1].dir, -1);
        CHECK_EQ_I64(t.t[1].reason, PQ_BT_EXIT_SL);
        CHECK_NEAR(t.t[1].exit_price, 1.1030);
        CHECK_NEAR(t.t[1].pips, -30);
        CHECK_EQ_I64(t.t[2].reason, PQ_BT_EXIT_TP);
        CHECK_NEAR(t.t[2].exit_price, 1.0980);
        CHECK_NEAR(t.t[2].pips, 50);
        CHECK_EQ_I64(t.t[2].entry, 4);
        CHECK_EQ_I64(t.t[2].exit, 5);
    }
    pq_bt_trades_reset(&t);
    pq_bars_reset(&b);
}

TEST(opposite_signal_reverses_on_the_same_bar_and_the_last_position_is_dropped)
{
    static const double r[][4] = {
        {1.1000, 1.1001, 1.0999, 1.1000}, /* 0: long at 1.1000 */
        {1.1000, 1.1012, 1.0999, 1.1010}, /* 1: short signal: long out at 1.1010 (+10), short in at 1.1010 */
        {1.1010, 1.1011, 1.1001, 1.1005}, /* 2: long signal: short out at 1.1005 (+5), long in at 1.1005 */
        {1.1005, 1.1010, 1.1000, 1.1008}, /* 3: the long stays open: dropped */
    };
    pq_bars b;
    bars(&b, r, 4);
    int8_t sig[4] = {1, -1, 1, 1};
    pq_bt_strategy s = strat(20, 40);
    pq_bt_trades t = {0};
    run(&b, &s, sig, &t);
    CHECK_EQ_I64(t.n, 2);
    if (t.n == 2) {
        CHECK_EQ_I64(t.t[0].reason, PQ_BT_EXIT_SIGNAL);
        CHECK_EQ_I64(t.t[0].exit, 1);
        CHECK_NEAR(t.t[0].pips, 10);
        CHECK_EQ_I64(t.t[1].dir, -1);
        CHECK_EQ_I64(t.t[1].entry, 1);
        CHECK_EQ_I64(t.t[1].exit, 2);
        CHECK_NEAR(t.t[1].pips, 5);
    }
    /* a same-direction signal while in a position does nothing */
    int8_t same[4] = {1, 1, 1, 0};
    run(&b, &s, same, &t);
    CHECK_EQ_I64(t.n, 0);
    pq_bt_trades_reset(&t);
    pq_bars_reset(&b);
}

TEST(spread_is_paid_on_both_sides)
{
    static const double r[][4] = {
        {1.1000, 1.1001, 1.0999, 1.1000}, /* 0: long at the ask 1.1001 (spread 2 pips) */
        {1.1000, 1.1030, 1.0990, 1.1020}, /* 1: short signal: out at the bid 1.1019 */
        {1.1020, 1.1021, 1.1019, 1.1020},
    };
    pq_bars b;
    bars(&b, r, 3);
    for (size_t i = 0; i < 3; i++) b.spread[i] = 2;
    int8_t sig[3] = {1, -1, 0};
    pq_bt_strategy s = strat(20, 40);
    pq_bt_trades t = {0};
    run(&b, &s, sig, &t);
    CHECK_EQ_I64(t.n, 1);
    if (t.n == 1) {
        CHECK_NEAR(t.t[0].entry_price, 1.1001);
        CHECK_NEAR(t.t[0].exit_price, 1.1019);
        CHECK_NEAR(t.t[0].pips, 18);
    }
    /* the stop is hit on the bid: low 1.0982 is a bid of 1.0981 <= stop 1.0981 */
    static const double r2[][4] = {
        {1.1000, 1.1001, 1.0999, 1.1000},
        {1.1000, 1.1000, 1.0982, 1.0990},
    };
    pq_bars b2;
    bars(&b2, r2, 2);
    b2.spread[0] = b2.spread[1] = 2;
    int8_t sig2[2] = {1, 0};
    run(&b2, &s, sig2, &t);
    CHECK_EQ_I64(t.n, 1);
    if (t.n == 1) {
        CHECK_EQ_I64(t.t[0].reason, PQ_BT_EXIT_SL);
        CHECK_NEAR(t.t[0].exit_price, 1.0981);
        CHECK_NEAR(t.t[0].pips, -20);
    }
    pq_bt_trades_reset(&t);
    pq_bars_reset(&b);
    pq_bars_reset(&b2);
}

static void trades_of(pq_bt_trades *t, const double *pips, size_t n)
{
    t->n = 0;
    t->cap = n;
    t->t = calloc(n ? n : 1, sizeof *t->t);
    for (size_t i = 0; i < n; i++) {
        t->t[i].pips = pips[i];
        t->t[i].entry = (uint32_t)(2 * i);
        t->t[i].exit = (uint32_t)(2 * i + 1);
        t->t[i].dir = 1;
    }
    t->n = n;
}

TEST(metrics_of_a_known_trade_list)
{
    /* +40, -20, -20, +10 pips at lot 0.1: gross 40, -20, -20, 10 USD,
     * commission 0.01 each: net 39.99, -20.01, -20.01, 9.99 */
    static const double pips[] = {40, -20, -20, 10};
    pq_bt_trades t;
    trades_of(&t, pips, 4);
    pq_bt_metrics m;
    double eq[5];
    pq_bt_compute_metrics(&t, 0.1, &m, eq);
    const double net[4] = {39.99, -20.01, -20.01, 9.99};
    double mean = (39.99 - 20.01 - 20.01 + 9.99) / 4; /* 2.49 */
    double ss = 0;
    for (int i = 0; i < 4; i++) ss += (net[i] - mean) * (net[i] - mean);
    CHECK_EQ_I64(m.n_trades, 4);
    CHECK_NEAR(m.win_rate, 0.5);
    CHECK_NEAR(m.profit_factor, (39.99 + 9.99) / 40.02);
    CHECK_NEAR(m.total_return, 9.96 / 10000);
    CHECK_NEAR(m.sharpe_ratio, sqrt(252) * mean / sqrt(ss / 3));
    /* two equal losses: their sd is 0, so the rms (20.01) is the downside deviation */
    CHECK_NEAR(m.sortino_ratio, sqrt(252) * mean / 20.01);
    CHECK_NEAR(m.max_drawdown, 40.02 / 10039.99);
    CHECK_NEAR(m.calmar_ratio, (9.96 / 10000) / (40.02 / 10039.99));
    CHECK_NEAR(m.recovery_factor, m.calmar_ratio);
    CHECK_NEAR(m.avg_win, (39.99 + 9.99) / 2);
    CHECK_NEAR(m.avg_loss, -20.01);
    CHECK_NEAR(m.largest_win, 39.99);
    CHECK_NEAR(m.largest_loss, -20.01);
    CHECK_NEAR(m.expectancy, 0.5 * 24.99 + 0.5 * -20.01);
    double d2 = 20.01 / 10039.99 * 100, d3 = 40.02 / 10039.99 * 100, d4 = 30.03 / 10039.99 * 100;
    CHECK_NEAR(m.ulcer_index, sqrt((d2 * d2 + d3 * d3 + d4 * d4) / 5));
    CHECK_NEAR(m.lot_size, 0.1);
    CHECK_NEAR(m.gross_pnl, 10);
    CHECK_NEAR(m.total_commission, 0.04);
    CHECK_NEAR(m.net_pnl, 9.96);
    CHECK_NEAR(eq[0], 10000);
    CHECK_NEAR(eq[2], 10019.98);
    CHECK_NEAR(eq[4], 10009.96);

    /* lot 1.0: USD x 10, ratios that do not depend on scale stay */
    pq_bt_metrics m1;
    pq_bt_compute_metrics(&t, 1.0, &m1, NULL);
    CHECK_NEAR(m1.net_pnl, 99.6);
    CHECK_NEAR(m1.total_commission, 0.4);
    CHECK_NEAR(m1.sharpe_ratio, m.sharpe_ratio);
    CHECK_NEAR(m1.max_drawdown, 400.2 / 10399.9);
    pq_bt_trades_reset(&t);
}

TEST(sortino_with_one_loss_is_finite)
{
    static const double pips[] = {30, -10};
    pq_bt_trades t;
    trades_of(&t, pips, 2);
    pq_bt_metrics m;
    pq_bt_compute_metrics(&t, 1.0, &m, NULL);
    /* net 299.9 and -100.1: the original's sd of one value was NaN */
    CHECK(isfinite(m.sortino_ratio));
    CHECK_NEAR(m.sortino_ratio, sqrt(252) * ((299.9 - 100.1) / 2) / 100.1);
    /* no loss at all: 0, profit factor 0 (the original's rule) */
    static const double up[] = {30, 10};
    pq_bt_trades_reset(&t);
    trades_of(&t, up, 2);
    pq_bt_compute_metrics(&t, 1.0, &m, NULL);
    CHECK_NEAR(m.sortino_ratio, 0);
    CHECK_NEAR(m.profit_factor, 0);
    CHECK_NEAR(m.max_drawdown, 0);
    CHECK_NEAR(m.calmar_ratio, 0);
    CHECK_NEAR(m.win_rate, 1);
    /* zero trades: every value 0 but the lot size */
    t.n = 0;
    pq_bt_compute_metrics(&t, 0.01, &m, NULL);
    CHECK_EQ_I64(m.n_trades, 0);
    CHECK_NEAR(m.lot_size, 0.01);
    CHECK_NEAR(m.sharpe_ratio + m.sortino_ratio + m.net_pnl + m.win_rate + m.ulcer_index, 0);
    pq_bt_trades_reset(&t);
}

TEST(composite_score)
{
    pq_bt_metrics m[3];
    memset(m, 0, sizeof m);
    /* A: best return, worst risk; B: middle; C: worst return, no drawdown */
    m[0].total_return = 0.20, m[0].max_drawdown = 0.10, m[0].win_rate = 0.6, m[0].sharpe_ratio = 1.5,
    m[0].sortino_ratio = 2.0, m[0].profit_factor = 1.8, m[0].ulcer_index = 4;
    m[1].total_return = 0.10, m[1].max_drawdown = 0.05, m[1].win_rate = 0.5, m[1].sharpe_ratio = 1.0,
    m[1].sortino_ratio = 1.0, m[1].profit_factor = 1.2, m[1].ulcer_index = 2;
    m[2].total_return = -0.05, m[2].max_drawdown = 0.0, m[2].win_rate = 0.4, m[2].sharpe_ratio = -0.5,
    m[2].sortino_ratio = -0.5, m[2].profit_factor = 0.8, m[2].ulcer_index = 12;
    double score[3], raw[12], norm[12];
    pq_bt_composite(m, 3, score, raw, norm);
    /* raw: return; risk 1 - DD; consistency min(1, .4wr + .1 sharpe + .1 sortino);
     * robustness clamp01(pf/6 + .5(1 - ulcer/10)), 0 when ulcer >= 10 */
    CHECK_NEAR(raw[1], 0.90);
    CHECK_NEAR(raw[2], 0.24 + 0.15 + 0.20);
    CHECK_NEAR(raw[3], 1.8 / 6 + 0.5 * 0.6);
    CHECK_NEAR(raw[11], 0);
    CHECK_NEAR(norm[0], 1);
    CHECK_NEAR(norm[4], (0.10 + 0.05) / 0.25);
    CHECK_NEAR(norm[8], 0);
    CHECK_NEAR(norm[9], 1); /* risk of C: no drawdown */
    double cons_c = 0.16 - 0.05 - 0.05, cons_a = 0.59, cons_b = 0.2 + 0.1 + 0.1;
    double rob_a = 0.3 + 0.3, rob_b = 0.2 + 0.4;
    double sa = 0.30 * 1 + 0.25 * 0 + 0.25 * 1 + 0.20 * (rob_a / rob_a);
    double sb = 0.30 * 0.6 + 0.25 * 0.5 + 0.25 * ((cons_b - cons_c) / (cons_a - cons_c)) + 0.20 * (rob_b / rob_a);
    CHECK_NEAR(score[0], sa);
    CHECK_NEAR(score[1], sb);
    /* a constant component normalises to 0.5 */
    pq_bt_metrics one = m[1];
    pq_bt_composite(&one, 1, score, NULL, norm);
    CHECK_NEAR(score[0], 0.5);
    CHECK_NEAR(norm[2], 0.5);
}

TEST(bars_check)
{
    static const double r[][4] = {{1.1, 1.2, 1.0, 1.1}, {1.1, 1.2, 1.0, 1.3}};
    pq_bars b;
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_bars_alloc(&b, 2, &err), &err);
    for (int i = 0; i < 2; i++) {
        b.ts[i] = 1740960000000000LL + i * 60000000LL;
        b.open[i] = r[i][0], b.high[i] = r[i][1], b.low[i] = r[i][2], b.close[i] = r[i][3];
    }
    CHECK_STATUS(pq_bars_check(&b, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "candle 1 (2025-03-03 00:01:00): open 1.1 and close 1.3 must lie within") != NULL);
    b.close[1] = 1.1;
    b.ts[1] = b.ts[0];
    CHECK_STATUS(pq_bars_check(&b, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "candle 1 (2025-03-03 00:00:00): its time is not after") != NULL);
    b.ts[1] = b.ts[0] + 1;
    b.spread[0] = -1;
    CHECK_STATUS(pq_bars_check(&b, &err), PQ_ERR_INVALID_ARG);
    b.spread[0] = 0;
    CHECK_OK(pq_bars_check(&b, &err), &err);
    pq_bars_reset(&b);
}

int main(void)
{
    RUN(take_profit_inside_a_bar);
    RUN(stop_before_target_in_one_bar_and_gaps);
    RUN(opposite_signal_reverses_on_the_same_bar_and_the_last_position_is_dropped);
    RUN(spread_is_paid_on_both_sides);
    RUN(metrics_of_a_known_trade_list);
    RUN(sortino_with_one_loss_is_finite);
    RUN(composite_score);
    RUN(bars_check);
    return harness_done();
}
