/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/optimize/test_metrics.c - the financial metrics of a P&L series
 * (parquant/metrics.h, docs/metrics.md): every metric of a small series
 * worked by hand (with and without a risk-free rate), numpy's linear
 * percentile on known cases, historical VaR / CVaR, the edge cases (no
 * loss, no win, all flat, constant, one period, none, NaN, -0, a bad P),
 * periods per year from weekly, weekday and the real file's dates, the
 * no-scratch path, the field table, a plain reference on the 500 real
 * SENSEX strategies, and total_roi / max_drawdown / win rate against the
 * fitness of real portfolios, bit for bit.
 */
#include "harness.h"
#include "parquant/metrics.h"
#include "parquant/optimize.h"
#include "parquant/pnl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* |a - b| <= 1e-12 relative (or absolute near 0); equal infinities and NaNs match */
static int near(double a, double b)
{
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b)) return a == b;
    double scale = fabs(b) > 1 ? fabs(b) : 1;
    return fabs(a - b) <= 1e-12 * scale;
}

#define CHECK_NEAR(a, b)                                                                             \
    do {                                                                                             \
        double hna_ = (a), hnb_ = (b);                                                               \
        if (near(hna_, hnb_)) harness_passed++;                                                      \
        else {                                                                                       \
            harness_failed++;                                                                        \
            fprintf(stderr, "%s:%d: [%s] %s == %.17g, expected %s == %.17g\n", __FILE__, __LINE__, \
                    harness_case, #a, hna_, #b, hnb_);                                               \
        }                                                                                            \
    } while (0)

static pq_metrics run(const double *r, int64_t n, double P, double rf)
{
    double scratch[256];
    pq_metrics m;
    pq_metrics_compute(r, n, P, rf, n <= 256 ? scratch : NULL, &m);
    return m;
}

/* ------------------------------------------------ a series by hand */

/*
 * r = 100, -50, 200, -150, 0, 300, -100, 50; P = 52
 *   n 8, total 350, mean 43.75, mean |r| = 950 / 8 = 118.75
 *   E = 100, 50, 250, 100, 100, 400, 300, 350; peaks 100, 100, 250, 250,
 *   250, 400, 400, 400; falls 0, 50, 0, 150, 150, 0, 100, 50 -> DD 150
 *   ROI/DD = 350 / 150 = 7/3
 *   wins 100, 200, 300, 50: 4 of 8, gains 650, avg 162.5
 *   losses 50, 150, 100: 3 of 8, sum 300, avg 100; one flat period
 *   profit factor 650 / 300 = 13/6
 *   expectancy 0.5 * 162.5 - 0.375 * 100 = 81.25 - 37.5 = 43.75 (= mean)
 *   deviations from 43.75: 56.25, -93.75, 156.25, -193.75, -43.75, 256.25,
 *   -143.75, 6.25; squares sum 162187.5 (= 177500 - 8 * 43.75^2);
 *   std = sqrt(162187.5 / 7) = 152.2158...
 *   annual return 43.75 * 52 = 2275; Calmar 2275 / 150 = 91/6
 *   rf 0: Sharpe 43.75 / std * sqrt 52;
 *     downside squares 2500 + 22500 + 10000 = 35000, / 8 = 4375;
 *     Sortino 43.75 / sqrt 4375 * sqrt 52
 *   Kelly over the 7 periods that moved: p = 4/7, b = 162.5 / 100 = 13/8;
 *     4/7 - (3/7) / (13/8) = 52/91 - 24/91 = 4/13
 *   sorted: -150, -100, -50, 0, 50, 100, 200, 300
 *     VaR 95: h = 7 * 0.05 = 0.35 -> -150 + 0.35 * 50 = -132.5; CVaR: -150
 *     VaR 99: h = 0.07 -> -150 + 0.07 * 50 = -146.5; CVaR: -150
 */
static const double HAND[] = {100, -50, 200, -150, 0, 300, -100, 50};

TEST(by_hand)
{
    pq_metrics m = run(HAND, 8, 52, 0);
    CHECK_EQ_I64(m.periods, 8);
    CHECK(m.periods_per_year == 52 && m.risk_free_rate == 0);
    CHECK(m.total_roi == 350);
    CHECK(m.mean == 43.75);
    CHECK(m.mean_abs == 118.75);
    CHECK(m.max_drawdown == 150);
    CHECK_NEAR(m.roi_dd_ratio, 7.0 / 3);
    CHECK(m.win_rate == 0.5 && m.loss_rate == 0.375);
    CHECK(m.avg_win == 162.5 && m.avg_loss == 100);
    CHECK_NEAR(m.profit_factor, 13.0 / 6);
    CHECK(m.expectancy == 43.75);
    CHECK_NEAR(m.std, sqrt(162187.5 / 7));
    CHECK(fabs(m.std - 152.2157772938) < 1e-9);
    CHECK(m.annual_return == 2275);
    CHECK_NEAR(m.calmar, 91.0 / 6);
    CHECK_NEAR(m.sharpe, 43.75 / sqrt(162187.5 / 7) * sqrt(52));
    CHECK(fabs(m.sharpe - 2.0726217887) < 1e-9);
    CHECK_NEAR(m.sortino, 43.75 / sqrt(4375) * sqrt(52));
    CHECK_NEAR(m.kelly, 4.0 / 13);
    CHECK_NEAR(m.var95, -132.5);
    CHECK(m.cvar95 == -150);
    CHECK_NEAR(m.var99, -146.5);
    CHECK(m.cvar99 == -150);
}

/*
 * The same series with rf = 5.2 a year at P = 52: 0.1 a period.
 *   excess mean 43.65; std unchanged (a shift);
 *   Sharpe 43.65 / sqrt(162187.5 / 7) * sqrt 52
 *   excess below 0: -50.1, -150.1, -100.1 and the flat period's -0.1:
 *     2510.01 + 22530.01 + 10020.01 + 0.01 = 35060.04, / 8 = 4382.505
 *   Sortino 43.65 / sqrt 4382.505 * sqrt 52
 *   Nothing else moves.
 */
TEST(by_hand_risk_free)
{
    pq_metrics m0 = run(HAND, 8, 52, 0), m = run(HAND, 8, 52, 5.2);
    CHECK(m.risk_free_rate == 5.2);
    CHECK_NEAR(m.sharpe, 43.65 / sqrt(162187.5 / 7) * sqrt(52));
    CHECK_NEAR(m.sortino, 43.65 / sqrt(4382.505) * sqrt(52));
    CHECK(m.std == m0.std && m.mean == m0.mean && m.annual_return == m0.annual_return && m.calmar == m0.calmar &&
          m.kelly == m0.kelly && m.var95 == m0.var95);
    /* an INR "rate" of 0.02 (the original's) moves Sharpe by 0.02 / 52 /
     * 152.2 * sqrt 52 = 1.8e-5 */
    pq_metrics m2 = run(HAND, 8, 52, 0.02);
    CHECK(fabs(m0.sharpe - m2.sharpe - 0.02 / 52 / m0.std * sqrt(52)) < 1e-12);
}

/* ------------------------------------------------ percentiles, VaR */

TEST(percentile_numpy)
{
    const double x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    /* numpy.percentile(np.arange(1, 11), q) */
    CHECK(pq_metrics_percentile_sorted(x, 10, 5) == 1.45);
    CHECK(pq_metrics_percentile_sorted(x, 10, 1) == 1.09);
    CHECK(pq_metrics_percentile_sorted(x, 10, 25) == 3.25);
    CHECK(pq_metrics_percentile_sorted(x, 10, 50) == 5.5);
    CHECK(pq_metrics_percentile_sorted(x, 10, 75) == 7.75); /* t >= 0.5: b - (b - a)(1 - t) */
    /* numpy's own rounding: h = 9 * 0.95 = 8.549999999999999, t >= 0.5,
     * 10 - 1 * (1 - t) = 9.549999999999999, not 9.55 */
    CHECK(pq_metrics_percentile_sorted(x, 10, 95) == 9.549999999999999);
    CHECK(pq_metrics_percentile_sorted(x, 10, 95) != 9.55);
    CHECK(pq_metrics_percentile_sorted(x, 10, 0) == 1);
    CHECK(pq_metrics_percentile_sorted(x, 10, 100) == 10);
    CHECK(pq_metrics_percentile_sorted(x, 10, -3) == 1);
    CHECK(pq_metrics_percentile_sorted(x, 10, 130) == 10);
    CHECK(pq_metrics_percentile_sorted(x, 10, NAN) == 1);
    /* numpy docs: np.percentile([[10, 7, 4], [3, 2, 1]], 50) = 3.5 */
    const double y[] = {1, 2, 3, 4, 7, 10};
    CHECK(pq_metrics_percentile_sorted(y, 6, 50) == 3.5);
    /* a whole-number index: 21 values, 5% -> h = 1 exactly */
    double z[21];
    for (int i = 0; i < 21; i++) z[i] = i * i;
    CHECK(pq_metrics_percentile_sorted(z, 21, 5) == 1);
    CHECK_NEAR(pq_metrics_percentile_sorted(z, 21, 1), 0.2); /* h = 0.2 */
    CHECK(pq_metrics_percentile_sorted(z, 1, 5) == 0);
    CHECK(isnan(pq_metrics_percentile_sorted(z, 0, 5)));
}

TEST(var_cvar)
{
    /* -49 .. 50, shuffled (37 is coprime with 100); sorted x[k] = k - 49
     *   VaR 95: h = 99 * 0.05 = 4.95 -> x[4] + 0.95 = -44.05;
     *     CVaR: -49 .. -45, mean -47
     *   VaR 99: h = 0.99 -> x[0] + 0.99 = -48.01; CVaR -49 */
    double r[100];
    for (int i = 0; i < 100; i++) r[i] = (double)((i * 37) % 100) - 49;
    pq_metrics m = run(r, 100, 252, 0);
    CHECK_NEAR(m.var95, -44.05);
    CHECK(m.cvar95 == -47);
    CHECK_NEAR(m.var99, -48.01);
    CHECK(m.cvar99 == -49);
    /* 41 values: h = 40 * 0.05 = 2 exactly: VaR = x[2], CVaR = mean x[0..2] */
    double s[41];
    for (int i = 0; i < 41; i++) s[i] = (double)(40 - i) * 10; /* descending: 400 .. 0 */
    m = run(s, 41, 252, 0);
    CHECK(m.var95 == 20 && m.cvar95 == 10);
    CHECK_NEAR(m.var99, 0 + 0.4 * 10); /* h = 0.4 */
    CHECK(m.cvar99 == 0);
    /* ties at the VaR are all in the tail */
    const double t[] = {5, -10, 3, -10, -10, 8};
    m = run(t, 6, 252, 0);
    CHECK(m.var95 == -10 && m.cvar95 == -10 && m.var99 == -10 && m.cvar99 == -10);
    /* the input is left alone; scratch holds the sorted series */
    double sc[6];
    pq_metrics_compute(t, 6, 252, 0, sc, &m);
    CHECK(t[0] == 5 && t[5] == 8);
    CHECK(sc[0] == -10 && sc[2] == -10 && sc[3] == 3 && sc[5] == 8);
}

/* ------------------------------------------------ edge cases */

TEST(no_losses)
{
    /* 10, 0, 20: E 10, 10, 30, never falls; mean 10, std sqrt((0 + 100 + 100) / 2) = 10 */
    const double r[] = {10, 0, 20};
    pq_metrics m = run(r, 3, 52, 0);
    CHECK(m.max_drawdown == 0);
    CHECK(m.roi_dd_ratio == INFINITY && m.calmar == INFINITY);
    CHECK(m.profit_factor == INFINITY);
    CHECK(m.avg_loss == 0 && m.loss_rate == 0 && m.avg_win == 15);
    CHECK(m.kelly == 1);
    CHECK(m.std == 10);
    CHECK_NEAR(m.sharpe, sqrt(52));
    CHECK(m.sortino == INFINITY);
    /* sorted 0, 10, 20: h = 2 * 0.05 = 0.1 -> 0 + 0.1 * 10 = 1; CVaR: the 0 */
    CHECK_NEAR(m.var95, 1);
    CHECK(m.cvar95 == 0);
}

TEST(no_wins)
{
    /* -10, -20, 0: E -10, -30, -30; peak -10 (E_1, not 0) -> DD 20 */
    const double r[] = {-10, -20, 0};
    pq_metrics m = run(r, 3, 52, 0);
    CHECK(m.total_roi == -30 && m.max_drawdown == 20);
    CHECK(m.roi_dd_ratio == -1.5);
    CHECK(m.profit_factor == 0);
    CHECK(m.win_rate == 0 && m.avg_win == 0 && m.avg_loss == 15);
    CHECK_NEAR(m.loss_rate, 2.0 / 3);
    CHECK(m.kelly == 0);
    CHECK(m.expectancy == -10);
    /* std 10; downside (100 + 400 + 0) / 3 */
    CHECK(m.std == 10);
    CHECK_NEAR(m.sharpe, -sqrt(52));
    CHECK_NEAR(m.sortino, -10 / sqrt(500.0 / 3) * sqrt(52));
    CHECK_NEAR(m.calmar, -10.0 * 52 / 20);
    /* sorted -20, -10, 0: h = 0.1 -> -19; CVaR -20 */
    CHECK_NEAR(m.var95, -19);
    CHECK(m.cvar95 == -20);
}

TEST(all_flat)
{
    const double r[] = {0, 0, 0, 0};
    pq_metrics m = run(r, 4, 52, 0);
    CHECK(m.total_roi == 0 && m.max_drawdown == 0 && m.roi_dd_ratio == 0 && m.calmar == 0);
    CHECK(m.win_rate == 0 && m.loss_rate == 0 && m.profit_factor == 0 && m.kelly == 0);
    CHECK(m.std == 0 && m.sharpe == 0 && m.sortino == 0);
    CHECK(m.var95 == 0 && m.cvar95 == 0 && m.var99 == 0 && m.cvar99 == 0);
}

TEST(constant)
{
    /* 0.1 ten times: the mean's rounding must not leave a std of 1e-17 */
    double r[10];
    for (int i = 0; i < 10; i++) r[i] = 0.1;
    pq_metrics m = run(r, 10, 52, 0);
    CHECK(m.std == 0 && m.sharpe == 0);
    CHECK(m.sortino == INFINITY); /* no downside, mean > 0 */
    CHECK(m.max_drawdown == 0 && m.roi_dd_ratio == INFINITY);
    CHECK(m.kelly == 1 && m.profit_factor == INFINITY);
    CHECK(m.var95 == 0.1 && m.cvar95 == 0.1); /* not the sum's 0.09999999999999999 */
    for (int i = 0; i < 10; i++) r[i] = 1.0 / 3;
    m = run(r, 10, 52, 0);
    CHECK(m.std == 0 && m.sharpe == 0);
    /* -5, -5, -5: E -5, -10, -15 -> DD 10; downside 25 -> Sortino -5 / 5 * sqrt P */
    const double c[] = {-5, -5, -5};
    m = run(c, 3, 52, 0);
    CHECK(m.max_drawdown == 10 && m.roi_dd_ratio == -1.5);
    CHECK(m.std == 0 && m.sharpe == 0);
    CHECK_NEAR(m.sortino, -sqrt(52));
}

TEST(one_period)
{
    const double r[] = {42};
    pq_metrics m = run(r, 1, 52, 0);
    CHECK_EQ_I64(m.periods, 1);
    CHECK(m.total_roi == 42 && m.mean == 42 && m.mean_abs == 42 && m.std == 0);
    CHECK(m.max_drawdown == 0 && m.roi_dd_ratio == INFINITY && m.calmar == INFINITY);
    CHECK(m.sharpe == 0 && m.sortino == 0); /* one period says nothing of risk */
    CHECK(m.win_rate == 1 && m.kelly == 1 && m.profit_factor == INFINITY);
    CHECK(m.var95 == 42 && m.cvar95 == 42 && m.var99 == 42 && m.cvar99 == 42);
    const double l[] = {-42};
    m = run(l, 1, 52, 0);
    CHECK(m.max_drawdown == 0 && m.roi_dd_ratio == -INFINITY && m.calmar == -INFINITY);
    CHECK(m.sortino == 0 && m.kelly == 0 && m.profit_factor == 0);
}

TEST(no_periods)
{
    pq_metrics m;
    double sc[1];
    pq_metrics_compute(NULL, 0, 52, 0.5, sc, &m);
    CHECK_EQ_I64(m.periods, 0);
    CHECK(m.periods_per_year == 52 && m.risk_free_rate == 0.5);
    CHECK(m.total_roi == 0 && m.mean == 0 && m.std == 0 && m.max_drawdown == 0 && m.roi_dd_ratio == 0);
    CHECK(m.win_rate == 0 && m.profit_factor == 0 && m.sharpe == 0 && m.sortino == 0 && m.calmar == 0);
    CHECK(m.kelly == 0 && m.expectancy == 0 && m.annual_return == 0);
    CHECK(isnan(m.var95) && isnan(m.cvar95) && isnan(m.var99) && isnan(m.cvar99));
    pq_metrics_compute(NULL, -3, 52, 0, NULL, &m);
    CHECK_EQ_I64(m.periods, 0);
}

TEST(odd_inputs)
{
    /* NaN counts as 0 (no trade): the same as the series with a 0 */
    const double a[] = {100, NAN, -50, 20}, b[] = {100, 0, -50, 20};
    pq_metrics ma = run(a, 4, 52, 0), mb = run(b, 4, 52, 0);
    CHECK(memcmp(&ma, &mb, sizeof ma) == 0);
    /* -0 is flat, and does not make a VaR of -0 */
    const double z[] = {-0.0, 0.0, -0.0, 0.0, 5};
    pq_metrics mz = run(z, 5, 52, 0);
    CHECK(mz.loss_rate == 0 && mz.win_rate == 0.2);
    CHECK(mz.var95 == 0 && !signbit(mz.var95) && !signbit(mz.cvar95));
    /* a bad P falls back to 252 */
    pq_metrics mp = run(b, 4, 0, 0);
    CHECK(mp.periods_per_year == 252);
    CHECK(run(b, 4, -1, 0).periods_per_year == 252);
    CHECK(run(b, 4, NAN, 0).periods_per_year == 252);
    CHECK(run(b, 4, INFINITY, 0).periods_per_year == 252);
    CHECK(mp.annual_return == mb.mean * 252);
}

/* ------------------------------------------------ periods per year */

TEST(periods_per_year)
{
    /* 2024-01-04 (Thursday) is day 19726; 52 Thursdays span 357 days:
     * 51 * 365.25 / 357 */
    int32_t d[400];
    for (int i = 0; i < 52; i++) d[i] = 19726 + 7 * i;
    double w = pq_metrics_periods_per_year(d, 52);
    CHECK_NEAR(w, 51 * 365.25 / 357);
    CHECK(w > 52.1 && w < 52.2);
    /* the weekdays of 2024 (2024-01-01, day 19723, a Monday; 1970-01-01 a
     * Thursday): 262 of them, Jan 1 to Dec 31 spans 365 days: 261 * 365.25 / 365 */
    int n = 0;
    for (int32_t day = 19723; day <= 19723 + 365; day++)
        if ((day + 3) % 7 < 5) d[n++] = day;
    CHECK_EQ_I64(n, 262);
    CHECK_NEAR(pq_metrics_periods_per_year(d, n), 261 * 365.25 / 365);
    /* drop 14 weekday holidays inside the year: about 247 trading days */
    int m = 0;
    for (int i = 0; i < n; i++)
        if (i == 0 || i == n - 1 || i % 18 != 9) d[m++] = d[i];
    CHECK_EQ_I64(m, 262 - 14);
    CHECK_NEAR(pq_metrics_periods_per_year(d, m), 247 * 365.25 / 365);
    /* no span: the default */
    CHECK(pq_metrics_periods_per_year(d, 1) == 252);
    CHECK(pq_metrics_periods_per_year(d, 0) == 252);
    CHECK(pq_metrics_periods_per_year(NULL, 5) == 252);
    int32_t same[] = {19726, 19726}, back[] = {19733, 19726};
    CHECK(pq_metrics_periods_per_year(same, 2) == 252);
    CHECK(pq_metrics_periods_per_year(back, 2) == 252);
    /* two dates a day apart: 365.25 (an estimate from what is there) */
    int32_t two[] = {19726, 19727};
    CHECK(pq_metrics_periods_per_year(two, 2) == 365.25);
}

/* ------------------------------------------------ the field table */

TEST(fields)
{
    int count = 0;
    const pq_metrics_field *f = pq_metrics_field_table(&count);
    const char *want[] = {"total_roi", "max_drawdown", "roi_dd_ratio", "win_rate",   "profit_factor",
                          "expectancy", "sharpe",      "sortino",      "calmar",     "kelly",
                          "var_95",    "cvar_95",      "var_99",       "cvar_99",    "annual_return",
                          "mean",      "std",          "mean_abs",     "periods",    "periods_per_year",
                          "loss_rate", "avg_win",      "avg_loss",     "risk_free_rate"};
    int nwant = (int)(sizeof want / sizeof want[0]);
    CHECK_EQ_I64(count, nwant);
    for (int i = 0; i < count && i < nwant; i++) {
        CHECK_EQ_STR(f[i].name, want[i]);
        CHECK(f[i].description && f[i].description[0]);
        CHECK_EQ_I64(pq_metrics_field_find(want[i]), i);
    }
    CHECK_EQ_I64(pq_metrics_field_find("sharpe_ratio"), -1);
    CHECK_EQ_I64(pq_metrics_field_find(NULL), -1);
    /* every member of pq_metrics appears once: the offsets cover the struct */
    size_t covered = 0;
    for (int i = 0; i < count; i++) {
        covered += f[i].unit == PQ_METRIC_COUNT ? sizeof(int64_t) : sizeof(double);
        for (int j = 0; j < i; j++) CHECK(f[i].offset != f[j].offset);
    }
    CHECK_EQ_I64(covered, sizeof(pq_metrics));

    pq_metrics m = run(HAND, 8, 52, 0);
    const char *names[64];
    double values[64];
    CHECK_EQ_I64(pq_metrics_fields(&m, names, values, 64), count);
    CHECK_EQ_STR(names[0], "total_roi");
    CHECK(values[0] == 350 && values[pq_metrics_field_find("max_drawdown")] == 150);
    CHECK(values[pq_metrics_field_find("periods")] == 8);
    CHECK(values[pq_metrics_field_find("var_95")] == m.var95);
    CHECK(values[pq_metrics_field_find("kelly")] == m.kelly);
    CHECK(values[pq_metrics_field_find("risk_free_rate")] == 0);
    /* cap: only the first ones written */
    values[2] = -1;
    CHECK_EQ_I64(pq_metrics_fields(&m, NULL, values, 2), count);
    CHECK(values[2] == -1);
}

/* ------------------------------------------------ real data */

/* The plain way: every metric from its definition, in separate loops. */
static void reference(const double *r, int64_t n, double P, double rf, pq_metrics *m)
{
    double sum = 0;
    for (int64_t t = 0; t < n; t++) sum += r[t];
    double mean = sum / (double)n;
    double E = 0, dd = 0, peak = -INFINITY;
    for (int64_t t = 0; t < n; t++) {
        E += r[t];
        peak = fmax(peak, E);
        dd = fmax(dd, peak - E);
    }
    double g = 0, l = 0, ss = 0, ex = 0, down = 0;
    int64_t w = 0, lc = 0;
    for (int64_t t = 0; t < n; t++) {
        if (r[t] > 0) g += r[t], w++;
        if (r[t] < 0) l -= r[t], lc++;
        ss += (r[t] - mean) * (r[t] - mean);
        double e = r[t] - rf / P;
        ex += e;
        down += e < 0 ? e * e : 0;
    }
    ex /= (double)n;
    memset(m, 0, sizeof *m);
    m->total_roi = sum;
    m->max_drawdown = dd;
    m->std = sqrt(ss / (double)(n - 1));
    m->sharpe = ex / m->std * sqrt(P);
    m->sortino = ex / sqrt(down / (double)n) * sqrt(P);
    m->profit_factor = g / l;
    m->calmar = mean * P / dd;
    double p = (double)w / (double)(w + lc), b = (g / (double)w) / (l / (double)lc);
    m->kelly = (p * b - (1 - p)) / b;
    m->expectancy = (double)w / (double)n * (g / (double)w) - (double)lc / (double)n * (l / (double)lc);
    /* VaR by insertion sort and the textbook interpolation */
    double *s = malloc((size_t)n * sizeof *s);
    for (int64_t i = 0; i < n; i++) {
        int64_t j = i;
        for (; j > 0 && s[j - 1] > r[i]; j--) s[j] = s[j - 1];
        s[j] = r[i];
    }
    for (int k = 0; k < 2; k++) {
        double h = (double)(n - 1) * (k ? 0.01 : 0.05), frac = h - floor(h);
        int64_t i = (int64_t)floor(h);
        double v = s[i] + frac * (s[i + 1] - s[i]), cs = 0;
        int64_t c = 0;
        for (int64_t j = 0; j < n; j++)
            if (r[j] <= v) cs += r[j], c++;
        if (k) m->var99 = v, m->cvar99 = cs / (double)c;
        else m->var95 = v, m->cvar95 = cs / (double)c;
    }
    free(s);
}

static int rel_close(double a, double b, double tol)
{
    if (isinf(a) || isinf(b)) return a == b;
    return fabs(a - b) <= tol * fmax(1, fabs(b));
}

TEST(real_strategies)
{
    pq_pnl p;
    pq_error err;
    CHECK_OK(pq_pnl_read_csv(PQ_SHARED_DIR "/data/strategies/sensex_500x82.csv", NULL, &p, NULL, &err), &err);
    if (!p.values) return;
    pq_opt_input in;
    CHECK_OK(pq_opt_prepare(&p, NULL, &in, &err), &err);
    if (!in.x) {
        pq_pnl_free(&p);
        return;
    }
    /* 82 dates, 2024-01-04 .. 2025-07-21 (564 days): 81 * 365.25 / 564 */
    double P = pq_metrics_periods_per_year(in.dates, in.T);
    CHECK_NEAR(P, 81 * 365.25 / 564);
    CHECK(P > 52 && P < 53);
    double scratch[82];
    int64_t bad = 0, checked = 0;
    for (int64_t s = 0; s < in.N; s++) {
        const double *r = in.x + s * in.T;
        pq_metrics m, q, fast;
        pq_metrics_compute(r, in.T, P, 20000, scratch, &m);
        pq_metrics_compute(r, in.T, P, 20000, NULL, &fast);
        /* the no-scratch path: the same numbers, VaR left NaN */
        CHECK(isnan(fast.var95) && isnan(fast.cvar99));
        fast.var95 = m.var95, fast.cvar95 = m.cvar95, fast.var99 = m.var99, fast.cvar99 = m.cvar99;
        if (memcmp(&fast, &m, sizeof m) != 0) bad++;
        if (m.loss_rate == 0 || m.win_rate == 0 || m.max_drawdown == 0) continue;
        reference(r, in.T, P, 20000, &q);
        checked++;
        if (!(m.total_roi == q.total_roi && m.max_drawdown == q.max_drawdown && rel_close(m.std, q.std, 1e-12) &&
              rel_close(m.sharpe, q.sharpe, 1e-11) && rel_close(m.sortino, q.sortino, 1e-11) &&
              rel_close(m.profit_factor, q.profit_factor, 1e-12) && rel_close(m.calmar, q.calmar, 1e-12) &&
              rel_close(m.kelly, q.kelly, 1e-12) && rel_close(m.expectancy, q.expectancy, 1e-9) &&
              m.expectancy == m.mean && rel_close(m.var95, q.var95, 1e-12) &&
              rel_close(m.cvar95, q.cvar95, 1e-12) && rel_close(m.var99, q.var99, 1e-12) &&
              rel_close(m.cvar99, q.cvar99, 1e-12))) {
            if (bad < 5)
                fprintf(stderr, "strategy %lld: sharpe %.17g / %.17g, sortino %.17g / %.17g, var95 %.17g / %.17g\n",
                        (long long)s, m.sharpe, q.sharpe, m.sortino, q.sortino, m.var95, q.var95);
            bad++;
        }
        CHECK(m.cvar99 <= m.var99 && m.var99 <= m.var95 + 1e-9 && m.cvar99 <= m.cvar95 && m.cvar95 <= m.var95);
    }
    CHECK_EQ_I64(bad, 0);
    CHECK(checked > 400);
    pq_opt_input_free(&in);
    pq_pnl_free(&p);
}

TEST(same_as_fitness)
{
    pq_pnl p;
    pq_error err;
    CHECK_OK(pq_pnl_read_csv(PQ_SHARED_DIR "/data/strategies/sensex_500x82.csv", NULL, &p, NULL, &err), &err);
    if (!p.values) return;
    pq_opt_problem prob;
    CHECK_OK(pq_opt_problem_init(&prob, p.values, p.n_rows, p.n_strategies, &err), &err);
    prob.metric = PQ_OPT_WIN_PERCENTAGE;
    pq_opt_portfolio pf;
    memset(&pf, 0, sizeof pf);
    int64_t members[64];
    double *r = malloc((size_t)prob.T * sizeof *r);
    uint64_t seed = 12345;
    int64_t diff = 0;
    for (int trial = 0; trial < 200; trial++) {
        int64_t k = 1 + trial % 40;
        for (int64_t i = 0; i < k; i++) {
            int64_t s;
            int fresh;
            do {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                s = (int64_t)((seed >> 33) % (uint64_t)prob.N);
                fresh = 1;
                for (int64_t j = 0; j < i; j++) fresh &= members[j] != s;
            } while (!fresh);
            members[i] = s;
        }
        CHECK_OK(pq_opt_portfolio_set(&pf, &prob, members, k, &err), &err);
        /* the portfolio's series as the fitness forms it */
        for (int64_t t = 0; t < prob.T; t++) r[t] = ((double)pf.sum[t] / (double)k) * prob.x_unit;
        pq_metrics m;
        pq_metrics_compute(r, prob.T, 52, 0, NULL, &m);
        if (m.total_roi != pf.score.roi || m.max_drawdown != pf.score.max_dd || m.win_rate != pf.score.base) diff++;
    }
    CHECK_EQ_I64(diff, 0);
    free(r);
    pq_opt_portfolio_free(&pf);
    pq_opt_problem_free(&prob);
    pq_pnl_free(&p);
}

int main(void)
{
    RUN(by_hand);
    RUN(by_hand_risk_free);
    RUN(percentile_numpy);
    RUN(var_cvar);
    RUN(no_losses);
    RUN(no_wins);
    RUN(all_flat);
    RUN(constant);
    RUN(one_period);
    RUN(no_periods);
    RUN(odd_inputs);
    RUN(periods_per_year);
    RUN(fields);
    RUN(real_strategies);
    RUN(same_as_fitness);
    return harness_done();
}
