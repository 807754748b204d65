/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/backtest/test_strategy.c - the strategy grid (size, order, names,
 * a prefix covering every template) and each template's signals on
 * hand-made closes where the bar of every event is known
 * (backtest/strategy.c).
 */
#include "harness.h"

#include <stdlib.h>

#include "backtest/backtest.h"

#define PIP 0.0001

TEST(grid)
{
    pq_error err;
    pq_error_clear(&err);
    pq_bt_strategy *s = NULL;
    size_t n = 0;
    CHECK_OK(pq_bt_strategy_grid(0, &s, &n, &err), &err);
    CHECK_EQ_I64(n, 432);
    CHECK_EQ_STR(s[0].name, "TrendFollowing_L10_T0.0_SL20_TP40");
    CHECK_EQ_STR(s[1].name, "MeanReversion_L10_T2.0_SL20_TP40");
    CHECK_EQ_STR(s[2].name, "Breakout_L10_T0.0_SL20_TP40");
    CHECK_EQ_STR(s[3].name, "Momentum_L10_T10.0_SL20_TP40");
    CHECK_EQ_STR(s[5].name, "MeanReversion_L20_T2.0_SL20_TP40");
    CHECK_EQ_STR(s[431].name, "Momentum_L100_T20.0_SL30_TP60");
    int dup = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(s[i].name, s[j].name) == 0) dup++;
    CHECK_EQ_I64(dup, 0);
    free(s);
    /* 50: every template, every lookback and threshold at SL 20 / TP 40 */
    CHECK_OK(pq_bt_strategy_grid(50, &s, &n, &err), &err);
    CHECK_EQ_I64(n, 50);
    int per[PQ_BT_TEMPLATE_COUNT] = {0}, default_stops = 0;
    for (size_t i = 0; i < n; i++) {
        per[s[i].tmpl]++;
        default_stops += s[i].sl_pips == 20 && s[i].tp_pips == 40;
    }
    CHECK_EQ_I64(per[0], 13);
    CHECK_EQ_I64(per[3], 12);
    CHECK_EQ_I64(default_stops, 48);
    CHECK_EQ_STR(s[48].name, "TrendFollowing_L10_T0.0_SL10_TP40");
    free(s);
}

/* n bars with the given closes; open = close, high/low 1 pip around. */
static void series(pq_bars *b, const double *close, size_t n)
{
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_bars_alloc(b, n, &err), &err);
    for (size_t i = 0; i < n; i++) {
        b->ts[i] = (int64_t)i * 300000000LL;
        b->open[i] = b->close[i] = close[i];
        b->high[i] = close[i] + PIP;
        b->low[i] = close[i] - PIP;
    }
}

/* The bars with a signal, as "i:+" / "i:-" joined by spaces. */
static const char *events(const pq_bt_strategy *s, const pq_bars *b, size_t warmup)
{
    static char out[256];
    pq_error err;
    pq_error_clear(&err);
    pq_bt_work w;
    CHECK_OK(pq_bt_work_alloc(&w, b->n, &err), &err);
    int8_t *sig = calloc(b->n, 1);
    pq_bt_signals(s, b, PIP, warmup, sig, &w);
    out[0] = 0;
    for (size_t i = 0; i < b->n; i++)
        if (sig[i]) snprintf(out + strlen(out), sizeof out - strlen(out), "%s%zu:%c", out[0] ? " " : "", i, sig[i] > 0 ? '+' : '-');
    free(sig);
    pq_bt_work_reset(&w);
    return out;
}

TEST(momentum)
{
    /* L = 2, T = 5 pips: m[i] = close[i] - close[i-2] */
    static const double c[] = {1.1000, 1.1000, 1.1000, 1.1010, 1.1012, 1.1012, 1.1000, 1.0990, 1.0990, 1.0995};
    pq_bars b;
    series(&b, c, 10);
    pq_bt_strategy s = {.tmpl = PQ_BT_MOMENTUM, .lookback = 2, .threshold = 5, .sl_pips = 20, .tp_pips = 40};
    /* m: -, -, 0, 10, 12, 2, -12, -22, -10, 5 -> up at 3, down at 6; 4 stays above, 7-8 stay below */
    CHECK_EQ_STR(events(&s, &b, 0), "3:+ 6:-");
    /* a warm-up of 5 bars hides the first event */
    CHECK_EQ_STR(events(&s, &b, 5), "6:-");
    pq_bars_reset(&b);
}

TEST(breakout)
{
    /* L = 3, T = 0: close above the highest high of the 3 bars before */
    static const double c[] = {1.1000, 1.1002, 1.1001, 1.1000, 1.1010, 1.1020, 1.1005, 1.0990, 1.0980, 1.0985};
    pq_bars b;
    series(&b, c, 10);
    pq_bt_strategy s = {.tmpl = PQ_BT_BREAKOUT, .lookback = 3, .threshold = 0, .sl_pips = 20, .tp_pips = 40};
    /* bar 4: 1.1010 > max high(1..3) = 1.1003 -> up; bar 5 also above (no new event);
     * bar 7: 1.0990 < min low(4..6) = 1.1004 -> down; bar 8 stays below */
    CHECK_EQ_STR(events(&s, &b, 0), "4:+ 7:-");
    /* T = 10 pips: bar 4 is 7 pips above 1.1003, bar 5 9 pips above 1.1011: no
     * up; bar 7 is 14 pips below 1.1004: down */
    s.threshold = 10;
    CHECK_EQ_STR(events(&s, &b, 0), "7:-");
    pq_bars_reset(&b);
}

TEST(trend_following)
{
    /* L = 8, fast = 2: a flat line, a rise, a fall */
    double c[24];
    for (int i = 0; i < 24; i++) c[i] = i < 10 ? 1.1000 : i < 16 ? 1.1000 + (i - 9) * 0.0010 : 1.1060 - (i - 15) * 0.0020;
    pq_bars b;
    series(&b, c, 24);
    pq_bt_strategy s = {.tmpl = PQ_BT_TREND, .lookback = 8, .threshold = 2, .sl_pips = 20, .tp_pips = 40};
    /* bar 10: fast = 1.1005, slow = 1.1000 + 10/8 pips -> d = 3.75 > 2 -> up;
     * bar 16: d = 18.75; bar 17: fast 1.1030, slow 1.103375 -> d = -3.75 -> down */
    CHECK_EQ_STR(events(&s, &b, 0), "10:+ 17:-");
    pq_bars_reset(&b);
}

TEST(mean_reversion)
{
    /* L = 5, T = 1.5: a quiet wiggle, then a drop far below the mean, a jump far above */
    static const double c[] = {1.1000, 1.1001, 1.1000, 1.1001, 1.1000, 1.1001, 1.1000, 1.0990,
                               1.0991, 1.0992, 1.0991, 1.0992, 1.1010, 1.1010};
    pq_bars b;
    series(&b, c, 14);
    pq_bt_strategy s = {.tmpl = PQ_BT_MEANREV, .lookback = 5, .threshold = 1.5, .sl_pips = 20, .tp_pips = 40};
    /* bar 7: window 1.1001 1.1000 1.1001 1.1000 1.0990: mean 1.09984, sd 0.000421 -> z = -1.995 -> up;
     * bar 12: window ..1.1010: mean 1.09952, sd 0.00074 -> z = +1.98 -> down */
    CHECK_EQ_STR(events(&s, &b, 0), "7:+ 12:-");
    /* a flat series never signals (sd 0 -> z 0) */
    double flat[20];
    for (int i = 0; i < 20; i++) flat[i] = 1.2345;
    pq_bars f;
    series(&f, flat, 20);
    CHECK_EQ_STR(events(&s, &f, 0), "");
    pq_bars_reset(&f);
    pq_bars_reset(&b);
}

int main(void)
{
    RUN(grid);
    RUN(momentum);
    RUN(breakout);
    RUN(trend_following);
    RUN(mean_reversion);
    return harness_done();
}
