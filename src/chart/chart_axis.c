/* SPDX-License-Identifier: Apache-2.0
 *
 * chart/chart_axis.c - tick choice and label text for chart axes (see
 * chart_axis.h).
 *
 * Numeric ticks: the candidate steps are 1, 2, 2.5 and 5 times 10^e, tried
 * from small to large; the first that gives at most max_ticks ticks wins.
 * Tick values are computed as (k * mant) * 10^e, or (k * mant) / 10^-e for
 * negative e, so that 0.1-steps land on the doubles nearest 0.3, 0.6 ...
 * Date ticks walk a fixed list of calendar rules from fine to coarse; a rule
 * whose estimated count is far above the limit is not enumerated, so a
 * range of millions of days costs a few dozen steps.
 */
#include "chart/chart_axis.h"

#include <math.h>
#include <stdio.h>

#include "core/calendar.h"

static const double k_mants[4] = {1.0, 2.0, 2.5, 5.0};

static double pow10i(int e) { return pow(10.0, (double)e); }

/* Tick k of step mant * 10^e. */
static double tick_at(int64_t k, double mant, int e)
{
    double km = (double)k * mant;
    double v = e >= 0 ? km * pow10i(e) : km / pow10i(-e);
    return v + 0.0; /* -0 -> +0 */
}

static int clamp_int(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static void finish(pq_chart_ticks *t)
{
    double m = t->mant;
    int e = t->exp10;
    int d = e >= 0 ? ((m == 2.5 && e == 0) ? 1 : 0) : -e + (m == 2.5 ? 1 : 0);
    double maxabs = fmax(fabs(t->lo), fabs(t->hi));
    t->decimals = d;
    t->sci = false;
    if (maxabs >= 1e15 || d > 6) {
        int mag = maxabs > 0 ? (int)floor(log10(maxabs)) : 0;
        t->sci = true;
        t->decimals = clamp_int(mag - e + (m == 2.5 ? 1 : 0), 0, 15);
    }
}

void pq_chart_ticks_nice(double lo, double hi, int max_ticks, bool loose, bool integer, pq_chart_ticks *out)
{
    max_ticks = clamp_int(max_ticks, 2, PQ_CHART_MAX_TICKS);
    if (hi < lo) { double tmp = lo; lo = hi; hi = tmp; }
    if (lo == hi) {
        double d = integer ? 0.5 : lo == 0 ? 1.0 : fabs(lo) * 0.05;
        double nlo = lo - d, nhi = hi + d;
        lo = isfinite(nlo) ? nlo : lo;
        hi = isfinite(nhi) ? nhi : hi;
        if (lo == hi) { lo -= 1.0; hi += 1.0; } /* subnormals */
    }
    memset(out, 0, sizeof *out);
    out->lo = lo;
    out->hi = hi;
    out->mant = 1.0;

    double maxabs = fmax(fabs(lo), fabs(hi));
    double half_span = hi * 0.5 - lo * 0.5;
    double lraw = log10(half_span) + log10(2.0) - log10((double)(max_ticks - 1));
    double lmin = log10(maxabs) - 12.0;
    int e0 = (int)floor(fmax(lraw, lmin)) - 1;
    if (integer && e0 < 0) e0 = 0;

    for (int e = e0; e < e0 + 8; e++) {
        for (int i = 0; i < 4; i++) {
            double m = k_mants[i];
            if (integer && e == 0 && m == 2.5) continue;
            double step = e >= 0 ? m * pow10i(e) : m / pow10i(-e);
            if (!(step > 0) || !isfinite(step) || step < maxabs * 1e-12) continue;
            double kl = loose ? floor(lo / step) : ceil(lo / step);
            double kh = loose ? ceil(hi / step) : floor(hi / step);
            double count = kh - kl + 1;
            if (count > max_ticks) continue;
            if (loose) {
                double a = tick_at((int64_t)kl, m, e), b = tick_at((int64_t)kh, m, e);
                if (!isfinite(a) || !isfinite(b)) {
                    pq_chart_ticks_nice(lo, hi, max_ticks, false, integer, out);
                    return;
                }
                out->lo = a;
                out->hi = b;
            }
            out->mant = m;
            out->exp10 = e;
            out->first = (int64_t)kl;
            out->n = count > 0 ? (int)count : 0;
            finish(out);
            return;
        }
    }
    finish(out); /* not reached for finite input: no ticks, the given range */
}

double pq_chart_tick_value(const pq_chart_ticks *t, int i)
{
    return tick_at(t->first + i, t->mant, t->exp10);
}

/* snprintf's decimal point is the locale's: make it '.'. */
static void fix_point(char *s)
{
    for (; *s; s++)
        if (!(*s >= '0' && *s <= '9') && *s != '-' && *s != '+' && *s != 'e') *s = '.';
}

void pq_chart_tick_label(const pq_chart_ticks *t, int i, char *buf, size_t cap)
{
    double v = pq_chart_tick_value(t, i);
    if (!t->sci) {
        pq_chart_format_number(v, t->decimals, buf, cap);
    } else if (v == 0) {
        snprintf(buf, cap, "0");
    } else {
        snprintf(buf, cap, "%.*e", t->decimals, v);
        fix_point(buf);
    }
}

void pq_chart_format_number(double v, int decimals, char *buf, size_t cap)
{
    if (cap == 0) return;
    if (isnan(v)) { snprintf(buf, cap, "n/a"); return; }
    if (isinf(v)) { snprintf(buf, cap, v > 0 ? "inf" : "-inf"); return; }
    decimals = clamp_int(decimals, 0, 17);
    char tmp[400]; /* DBL_MAX has 309 integer digits */
    snprintf(tmp, sizeof tmp, "%.*f", decimals, fabs(v));
    size_t int_len = 0;
    while (tmp[int_len] >= '0' && tmp[int_len] <= '9') int_len++;
    bool zero = true;
    for (const char *p = tmp; *p; p++)
        if (*p >= '1' && *p <= '9') { zero = false; break; }

    char out[540];
    size_t o = 0;
    if (v < 0 && !zero) out[o++] = '-';
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0) out[o++] = ',';
        out[o++] = tmp[i];
    }
    if (tmp[int_len]) {
        out[o++] = '.';
        for (const char *p = tmp + int_len + 1; *p; p++) out[o++] = *p;
    }
    out[o] = 0;
    snprintf(buf, cap, "%s", out);
}

int pq_chart_auto_decimals(double max_abs)
{
    if (!(max_abs > 0) || !isfinite(max_abs)) return max_abs > 0 ? 0 : 2;
    if (max_abs >= 1000) return 0;
    if (max_abs >= 1) return 2;
    return clamp_int((int)ceil(-log10(max_abs)) + 1, 2, 6);
}

void pq_chart_format_date(int64_t day, char *buf, size_t cap)
{
    int64_t y;
    unsigned m, d;
    pq_civil_from_days(day, &y, &m, &d);
    snprintf(buf, cap, "%04lld-%02u-%02u", (long long)y, m, d);
}

/* ------------------------------------------------------------ date ticks */

static int64_t floor_div(int64_t a, int64_t b) { int64_t q = a / b; return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q; }
static int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

enum { RULE_DAY, RULE_WEEK, RULE_MONTH, RULE_YEAR };

/* Ticks of one rule in [d0, d1]; stops at max + 1 (= too many). */
static int enumerate(int kind, int64_t k, int64_t d0, int64_t d1, int max, int64_t *out)
{
    int n = 0;
    if (kind == RULE_DAY || kind == RULE_WEEK) {
        int64_t period = kind == RULE_DAY ? k : 7 * k;
        int64_t offset = kind == RULE_DAY ? 0 : 4; /* 1970-01-05, day 4, was a Monday */
        for (int64_t d = offset + ceil_div(d0 - offset, period) * period; d <= d1; d += period) {
            if (n == max) return max + 1;
            out[n++] = d;
        }
        return n;
    }
    int64_t y;
    unsigned m, d;
    pq_civil_from_days(d0, &y, &m, &d);
    if (kind == RULE_MONTH) {
        int64_t mi = y * 12 + (m - 1) + (d != 1);
        for (mi = ceil_div(mi, k) * k;; mi += k) {
            int64_t day = pq_days_from_civil(floor_div(mi, 12), mi - floor_div(mi, 12) * 12 + 1, 1);
            if (day > d1) break;
            if (n == max) return max + 1;
            out[n++] = day;
        }
        return n;
    }
    int64_t yy = y + (m != 1 || d != 1);
    for (yy = ceil_div(yy, k) * k;; yy += k) {
        int64_t day = pq_days_from_civil(yy, 1, 1);
        if (day > d1) break;
        if (n == max) return max + 1;
        out[n++] = day;
    }
    return n;
}

int pq_chart_date_ticks(int64_t d0, int64_t d1, int max_ticks, int64_t out[PQ_CHART_MAX_TICKS])
{
    static const struct { int kind; int64_t k; double days; } rules[] = {
        {RULE_DAY, 1, 1},       {RULE_DAY, 2, 2},         {RULE_WEEK, 1, 7},
        {RULE_WEEK, 2, 14},     {RULE_MONTH, 1, 30.44},   {RULE_MONTH, 2, 60.87},
        {RULE_MONTH, 3, 91.31}, {RULE_MONTH, 6, 182.62},
    };
    max_ticks = clamp_int(max_ticks, 1, PQ_CHART_MAX_TICKS);
    if (d1 < d0) { int64_t t = d0; d0 = d1; d1 = t; }
    double span = (double)(d1 - d0);
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        if (span / rules[r].days > max_ticks + 2) continue;
        int n = enumerate(rules[r].kind, rules[r].k, d0, d1, max_ticks, out);
        if (n >= 1 && n <= max_ticks) return n;
    }
    for (int64_t k = 1; k <= 100000000; k *= 10) {
        static const int64_t mult[3] = {1, 2, 5};
        for (int j = 0; j < 3; j++) {
            int64_t years = k * mult[j];
            if (span / (365.2425 * (double)years) > max_ticks + 2) continue;
            int n = enumerate(RULE_YEAR, years, d0, d1, max_ticks, out);
            if (n >= 1 && n <= max_ticks) return n;
        }
    }
    return 0;
}
