/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/metrics.c - financial metrics of one P&L series
 * (parquant/metrics.h; docs/metrics.md defines them): one pass for the sums,
 * the drawdown and the win/loss counts, a second for the deviations, and,
 * when scratch is given, a sort for the historical VaR / CVaR.
 */
#include "parquant/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double pq_metrics_periods_per_year(const int32_t *dates, int64_t n)
{
    if (n < 2 || !dates) return PQ_METRICS_DEFAULT_PERIODS_PER_YEAR;
    int64_t span = (int64_t)dates[n - 1] - (int64_t)dates[0];
    if (span <= 0) return PQ_METRICS_DEFAULT_PERIODS_PER_YEAR;
    return (double)(n - 1) * 365.25 / (double)span;
}

double pq_metrics_percentile_sorted(const double *x, int64_t n, double q)
{
    if (n < 1) return NAN;
    if (!(q > 0)) q = 0; /* NaN too */
    if (q > 100) q = 100;
    /* numpy: q / 100, virtual index (n - 1) * q, then _lerp(a, b, t), which
     * takes b - (b - a) * (1 - t) for t >= 0.5 */
    double h = (double)(n - 1) * (q / 100);
    double fl = floor(h);
    int64_t lo = (int64_t)fl;
    if (lo >= n - 1) return x[n - 1];
    double t = h - fl, a = x[lo], b = x[lo + 1], d = b - a;
    return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* The historical VaR at percentile q of the sorted series, and the mean of
 * the values at or below it (never empty: the VaR is at least x[0]).  The
 * mean is kept in [x[0], VaR], where it lies exactly: rounding would put the
 * mean of ten 0.1 at 0.09999999999999999, below a VaR of 0.1. */
static void var_cvar(const double *x, int64_t n, double q, double *var, double *cvar)
{
    double v = pq_metrics_percentile_sorted(x, n, q), s = 0;
    int64_t i = 0;
    for (; i < n && x[i] <= v; i++) s += x[i];
    double c = s / (double)i;
    *var = v;
    *cvar = c < x[0] ? x[0] : c > v ? v : c;
}

/* A ratio over a denominator that may be 0: then +inf, -inf or 0 by the
 * numerator's sign. */
static double ratio_or_inf(double num, double den)
{
    if (den != 0) return num / den;
    return num > 0 ? INFINITY : num < 0 ? -INFINITY : 0.0;
}

void pq_metrics_compute(const double *r, int64_t n, double periods_per_year, double risk_free_rate,
                        double *scratch, pq_metrics *out)
{
    memset(out, 0, sizeof *out);
    double P = periods_per_year;
    if (!isfinite(P) || P <= 0) P = PQ_METRICS_DEFAULT_PERIODS_PER_YEAR;
    out->periods_per_year = P;
    out->risk_free_rate = risk_free_rate;
    out->var95 = out->cvar95 = out->var99 = out->cvar99 = NAN;
    if (n <= 0) return;
    out->periods = n;

    /* pass 1: sums, drawdown (as the fitness: running sum, peak from E_1),
     * wins and losses, whether the series is constant */
    double E = 0, peak = 0, dd = 0, gains = 0, losses = 0, abs_sum = 0, lo = 0, hi = 0;
    int64_t wins = 0, lost = 0;
    for (int64_t t = 0; t < n; t++) {
        double x = isnan(r[t]) ? 0.0 : r[t];
        E += x;
        if (t == 0 || E > peak) peak = E;
        if (peak - E > dd) dd = peak - E;
        if (x > 0) gains += x, wins++;
        else if (x < 0) losses -= x, lost++;
        abs_sum += fabs(x);
        if (t == 0 || x < lo) lo = x;
        if (t == 0 || x > hi) hi = x;
    }
    double dn = (double)n;
    double mean = E / dn;
    out->total_roi = E;
    out->mean = mean;
    out->mean_abs = abs_sum / dn;
    out->max_drawdown = dd;
    out->roi_dd_ratio = ratio_or_inf(E, dd);
    out->win_rate = (double)wins / dn;
    out->loss_rate = (double)lost / dn;
    out->avg_win = wins ? gains / (double)wins : 0;
    out->avg_loss = lost ? losses / (double)lost : 0;
    out->profit_factor = losses > 0 ? gains / losses : gains > 0 ? INFINITY : 0.0;
    /* win_rate * avg_win - loss_rate * avg_loss = (gains - losses) / n: the
     * mean, taken as the mean (no cancellation of two large sums) */
    out->expectancy = mean;
    out->annual_return = mean * P;
    out->calmar = ratio_or_inf(out->annual_return, dd);
    /* Kelly over the periods that moved: p = wins / (wins + losses) */
    if (wins && lost) {
        double p = (double)wins / (double)(wins + lost), b = out->avg_win / out->avg_loss;
        out->kelly = p - (1 - p) / b;
    } else {
        out->kelly = wins ? 1.0 : 0.0;
    }

    /* pass 2: deviations from the mean, downside of the excess return */
    double rf_p = risk_free_rate / P, ex_mean = mean - rf_p, ss = 0, down = 0;
    for (int64_t t = 0; t < n; t++) {
        double x = isnan(r[t]) ? 0.0 : r[t];
        double d = x - mean, e = x - rf_p;
        ss += d * d;
        if (e < 0) down += e * e;
    }
    /* a constant series has std 0 exactly, whatever mean's rounding left */
    double sd = (n >= 2 && lo != hi) ? sqrt(ss / (dn - 1)) : 0.0;
    out->std = sd;
    double sqrt_p = sqrt(P);
    out->sharpe = (n >= 2 && sd > 0) ? ex_mean / sd * sqrt_p : 0.0;
    if (n >= 2) {
        double dd_dev = sqrt(down / dn);
        out->sortino = dd_dev > 0 ? ex_mean / dd_dev * sqrt_p : ex_mean > 0 ? INFINITY : 0.0;
    }

    if (scratch) {
        /* + 0.0 turns -0 into +0, so that ties sort to the same bits */
        for (int64_t t = 0; t < n; t++) scratch[t] = (isnan(r[t]) ? 0.0 : r[t]) + 0.0;
        qsort(scratch, (size_t)n, sizeof *scratch, cmp_double);
        var_cvar(scratch, n, 5, &out->var95, &out->cvar95);
        var_cvar(scratch, n, 1, &out->var99, &out->cvar99);
    }
}

/* ------------------------------------------------ the field table */

#define F(name, member, unit, desc) {name, desc, offsetof(pq_metrics, member), unit}

static const pq_metrics_field FIELDS[] = {
    F("total_roi", total_roi, PQ_METRIC_CURRENCY, "sum of the period P&L"),
    F("max_drawdown", max_drawdown, PQ_METRIC_CURRENCY, "largest fall of the cumulative P&L from a previous peak"),
    F("roi_dd_ratio", roi_dd_ratio, PQ_METRIC_RATIO, "total_roi / max_drawdown"),
    F("win_rate", win_rate, PQ_METRIC_FRACTION, "share of periods with a gain"),
    F("profit_factor", profit_factor, PQ_METRIC_RATIO, "sum of gains / sum of |losses|"),
    F("expectancy", expectancy, PQ_METRIC_CURRENCY, "win_rate * avg_win - loss_rate * avg_loss (mean P&L)"),
    F("sharpe", sharpe, PQ_METRIC_RATIO, "annualised Sharpe ratio (sample std)"),
    F("sortino", sortino, PQ_METRIC_RATIO, "annualised Sortino ratio (downside deviation over all periods)"),
    F("calmar", calmar, PQ_METRIC_RATIO, "annual_return / max_drawdown"),
    F("kelly", kelly, PQ_METRIC_RATIO, "Kelly fraction p - (1 - p) / (avg_win / avg_loss), unclipped"),
    F("var_95", var95, PQ_METRIC_CURRENCY, "historical VaR 95%: 5th percentile of the period P&L"),
    F("cvar_95", cvar95, PQ_METRIC_CURRENCY, "mean period P&L at or below var_95"),
    F("var_99", var99, PQ_METRIC_CURRENCY, "historical VaR 99%: 1st percentile of the period P&L"),
    F("cvar_99", cvar99, PQ_METRIC_CURRENCY, "mean period P&L at or below var_99"),
    F("annual_return", annual_return, PQ_METRIC_CURRENCY, "mean * periods_per_year"),
    F("mean", mean, PQ_METRIC_CURRENCY, "mean period P&L"),
    F("std", std, PQ_METRIC_CURRENCY, "sample standard deviation of the period P&L"),
    F("mean_abs", mean_abs, PQ_METRIC_CURRENCY, "mean |period P&L|"),
    F("periods", periods, PQ_METRIC_COUNT, "number of periods"),
    F("periods_per_year", periods_per_year, PQ_METRIC_RATIO, "periods per year used to annualise"),
    F("loss_rate", loss_rate, PQ_METRIC_FRACTION, "share of periods with a loss"),
    F("avg_win", avg_win, PQ_METRIC_CURRENCY, "mean gain of the winning periods"),
    F("avg_loss", avg_loss, PQ_METRIC_CURRENCY, "mean |loss| of the losing periods"),
    F("risk_free_rate", risk_free_rate, PQ_METRIC_CURRENCY, "risk-free return per year used by sharpe and sortino"),
};
#undef F

#define NFIELDS ((int)(sizeof FIELDS / sizeof FIELDS[0]))

const pq_metrics_field *pq_metrics_field_table(int *count)
{
    if (count) *count = NFIELDS;
    return FIELDS;
}

int pq_metrics_field_find(const char *name)
{
    for (int i = 0; name && i < NFIELDS; i++)
        if (!strcmp(FIELDS[i].name, name)) return i;
    return -1;
}

double pq_metrics_field_value(const pq_metrics *m, const pq_metrics_field *f)
{
    const char *p = (const char *)m + f->offset;
    if (f->unit == PQ_METRIC_COUNT) {
        int64_t v;
        memcpy(&v, p, sizeof v);
        return (double)v;
    }
    double v;
    memcpy(&v, p, sizeof v);
    return v;
}

int pq_metrics_fields(const pq_metrics *m, const char **names, double *values, int cap)
{
    for (int i = 0; i < NFIELDS && i < cap; i++) {
        if (names) names[i] = FIELDS[i].name;
        if (values) values[i] = pq_metrics_field_value(m, &FIELDS[i]);
    }
    return NFIELDS;
}
