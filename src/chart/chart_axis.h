/* SPDX-License-Identifier: Apache-2.0
 *
 * chart/chart_axis.h - the arithmetic of chart axes, without drawing: "nice"
 * tick values (1, 2, 2.5, 5 times a power of ten), calendar ticks for date
 * axes (days, weeks, months, quarters, years), and the label text: numbers
 * with thousands separators and as many decimals as the tick step needs,
 * dates as YYYY-MM-DD.  Pure functions of their arguments (no locale: the
 * decimal point is always '.'), so the tests pin them exactly.
 */
#ifndef PARQUANT_CHART_AXIS_H
#define PARQUANT_CHART_AXIS_H

#include "core/core.h"

/** Most ticks an axis gets (bounds the arrays below). */
#define PQ_CHART_MAX_TICKS 64

/** Ticks of a numeric axis: values (first + i) * step for i in [0, n). */
typedef struct pq_chart_ticks {
    double lo, hi;      /* axis range, lo < hi: the outer ticks (loose) or the given range */
    double mant;        /* step = mant * 10^exp10, mant in {1, 2, 2.5, 5} */
    int exp10;
    int64_t first;      /* index of the first tick */
    int n;              /* number of ticks, 0..PQ_CHART_MAX_TICKS */
    int decimals;       /* digits after the point that tell the ticks apart */
    bool sci;           /* labels in scientific notation, `decimals` mantissa digits */
} pq_chart_ticks;

/** Choose ticks for the finite range [lo, hi] (lo <= hi): the smallest nice
 *  step giving at most `max_ticks` ticks (clamped to 2..PQ_CHART_MAX_TICKS).
 *  `loose`: the axis is widened to the outer ticks (0..97 -> 0..100 by 20);
 *  otherwise it stays [lo, hi] and the ticks fall inside.  `integer`: steps
 *  below 1 and 2.5 are not used (period numbers).  An empty range is first
 *  widened (by 5 % of |lo|, or by 1 around 0; by 0.5 when `integer`).  The
 *  step is never below 1e-12 of the larger magnitude, so labels differ;
 *  ranges near the double limits fall back to the given range.  Can't fail. */
void pq_chart_ticks_nice(double lo, double hi, int max_ticks, bool loose, bool integer, pq_chart_ticks *out);

/** Value of tick i (exact multiples: 0.6, not 0.6000000000000001; never -0). */
double pq_chart_tick_value(const pq_chart_ticks *t, int i);

/** Label of tick i ("12,000", "0.25"; "1.5e+15", "8e-07" from 1e15 up or
 *  when the step needs more than 6 decimals). */
void pq_chart_tick_label(const pq_chart_ticks *t, int i, char *buf, size_t cap);

/** `v` with `decimals` (0..17) digits after the point and ',' between
 *  thousands: 12345.6 -> "12,345.6", -0.012 -> "-0.012"; a value that
 *  rounds to zero has no sign; NaN -> "n/a", +-inf -> "inf" / "-inf".
 *  Truncated to cap - 1 bytes. */
void pq_chart_format_number(double v, int decimals, char *buf, size_t cap);

/** Automatic decimals for value labels of magnitude up to `max_abs`: 0 from
 *  1000, 2 from 1, else enough for 2 significant digits (at most 6). */
int pq_chart_auto_decimals(double max_abs);

/** Day `day` (since 1970-01-01) as "YYYY-MM-DD" (years outside 0..9999
 *  keep their sign and digits). */
void pq_chart_format_date(int64_t day, char *buf, size_t cap);

/** Calendar ticks for the days [d0, d1] (d0 <= d1): the finest of every
 *  day, 2 days, Monday, every other Monday, 1st of the month, of every 2nd,
 *  3rd (quarters), 6th month, 1 January of every 1, 2, 5, 10, 20, 50 ...
 *  years, giving 1..max_ticks ticks inside the range (max_ticks clamped to
 *  1..PQ_CHART_MAX_TICKS).  Writes them to out[] in order.
 *  @return the number of ticks (0 only when no rule fits). */
int pq_chart_date_ticks(int64_t d0, int64_t d1, int max_ticks, int64_t out[PQ_CHART_MAX_TICKS]);

/** Fraction of the way from lo to hi where v lies (0 at lo, 1 at hi),
 *  computed without overflow for ranges wider than DBL_MAX. */
static inline double pq_chart_frac(double v, double lo, double hi)
{
    return (v * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5);
}

#endif /* PARQUANT_CHART_AXIS_H */
