/* SPDX-License-Identifier: Apache-2.0
 *
 * parquant/metrics.h - financial metrics of one P&L series, for the
 * optimiser's reports: ROI, drawdown, win/loss statistics, Sharpe, Sortino,
 * Calmar, Kelly, historical VaR / CVaR.  docs/metrics.md defines each one,
 * with its edge cases, and says where it differs from the original system
 * (heavy_optimizer.md 5).
 *
 * The series r[0..n) is the P&L of each period in currency (INR), not a
 * return: nothing is compounded.  Periods are dates (weekly expiries give
 * about 52 a year, trading days about 252); annualised figures use
 * periods_per_year, inferred from the dates by pq_metrics_periods_per_year.
 *
 * Sums are taken left to right in period order, like the fitness
 * (parquant/optimize.h), so total_roi and max_drawdown of a portfolio's
 * series equal the fitness's roi and max_dd bit for bit.  Results depend on
 * nothing but the inputs; the functions keep no state (thread-safe).  A NaN
 * value counts as 0 (no trade), as in the optimiser; values are otherwise
 * expected to be finite.
 *
 * Writers (JSON, CSV, text) list the fields through pq_metrics_field_table:
 * one order, stable snake_case names.  Infinite values are possible where
 * docs/metrics.md says so (a ratio over a zero drawdown or zero loss), and
 * NaN marks VaR / CVaR not computed; writers print both specially.
 */
#ifndef PARQUANT_METRICS_H
#define PARQUANT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "parquant/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Periods per year when they cannot be inferred (fewer than two dates). */
#define PQ_METRICS_DEFAULT_PERIODS_PER_YEAR 252.0

/** The metrics of one series.  Currency fields are in the series' units. */
typedef struct pq_metrics {
    int64_t periods;          /**< n */
    double periods_per_year;  /**< P used for the annualised fields */
    double risk_free_rate;    /**< rf used: per year, in the series' units */
    double total_roi;         /**< sum of r */
    double mean;              /**< total_roi / n */
    double std;               /**< sample standard deviation (ddof 1); 0 when n < 2 or r constant */
    double mean_abs;          /**< mean |r|: the typical period move */
    double max_drawdown;      /**< max_t (max_{s<=t} E_s - E_t), E the running sum, peak from E_1; >= 0 */
    double roi_dd_ratio;      /**< total_roi / max_drawdown; drawdown 0: +inf, -inf or 0 by the sign of ROI */
    double win_rate;          /**< fraction of periods with r > 0 */
    double loss_rate;         /**< fraction of periods with r < 0 (flat periods are neither) */
    double avg_win;           /**< mean of r over r > 0; 0 if none */
    double avg_loss;          /**< mean of |r| over r < 0; 0 if none */
    double profit_factor;     /**< sum of gains / |sum of losses|; no loss: +inf with gains, else 0 */
    double expectancy;        /**< win_rate * avg_win - loss_rate * avg_loss (= mean) */
    double annual_return;     /**< mean * P */
    double sharpe;            /**< (mean - rf/P) / std * sqrt(P); 0 when n < 2 or std == 0 */
    double sortino;           /**< (mean - rf/P) / downside deviation * sqrt(P); docs/metrics.md */
    double calmar;            /**< annual_return / max_drawdown; drawdown 0 as roi_dd_ratio */
    double kelly;             /**< p - (1 - p) / b over the periods that moved; unclipped; docs/metrics.md */
    double var95, cvar95;     /**< historical, at the 5th percentile of r (a loss is negative); NaN: not computed */
    double var99, cvar99;     /**< the same at the 1st percentile */
} pq_metrics;

/**
 * Periods per year of a series on `dates` (days since 1970-01-01,
 * ascending): (n - 1) * 365.25 / (dates[n-1] - dates[0]).  Weekly dates
 * give about 52.18, weekdays about 261, trading days about 250.
 * @return PQ_METRICS_DEFAULT_PERIODS_PER_YEAR when n < 2 or the last date
 *         is not after the first.
 */
PQ_API double pq_metrics_periods_per_year(const int32_t *dates, int64_t n);

/**
 * The metrics of r[0..n) into `out` (every field written).
 * @param periods_per_year P; not finite or <= 0: PQ_METRICS_DEFAULT_PERIODS_PER_YEAR.
 * @param risk_free_rate   rf, the risk-free return per year in the series'
 *                         units (capital x rate for INR P&L; 0 for none).
 * @param scratch          n doubles, not overlapping r, for VaR / CVaR (the
 *                         sorted series is left there); NULL skips them
 *                         (left NaN): the O(n), no-sort path for metrics of
 *                         many strategies.
 * n <= 0 gives periods 0, every other field 0 except P, rf and VaR / CVaR (NaN).
 */
PQ_API void pq_metrics_compute(const double *r, int64_t n, double periods_per_year, double risk_free_rate,
                               double *scratch, pq_metrics *out);

/**
 * numpy.percentile(x, q) with the default linear method, of x[0..n)
 * sorted ascending: virtual index h = (n - 1) * q / 100, value x[floor h]
 * interpolated toward the next by h - floor h.  q is clamped to [0, 100].
 * @return NaN when n < 1.
 */
PQ_API double pq_metrics_percentile_sorted(const double *x, int64_t n, double q);

/** What a field measures, for formatting. */
typedef enum pq_metric_unit {
    PQ_METRIC_COUNT = 0,  /**< a whole number (int64_t member) */
    PQ_METRIC_CURRENCY,   /**< the series' units (INR), or INR per year */
    PQ_METRIC_FRACTION,   /**< a share in [0, 1] */
    PQ_METRIC_RATIO       /**< dimensionless (may be infinite) */
} pq_metric_unit;

/** One field of pq_metrics as the writers list it. */
typedef struct pq_metrics_field {
    const char *name;        /**< stable snake_case key: "total_roi", "var_95" ... */
    const char *description; /**< one line for text reports */
    size_t offset;           /**< offsetof(pq_metrics, member) */
    pq_metric_unit unit;     /**< PQ_METRIC_COUNT: an int64_t member, else a double */
} pq_metrics_field;

/** The fields in report order (total_roi first); `*count` gets their number. */
PQ_API const pq_metrics_field *pq_metrics_field_table(int *count);

/** Index of the field named `name` in the table, or -1. */
PQ_API int pq_metrics_field_find(const char *name);

/** The value of field `f` of `m` (an int64_t field converted). */
PQ_API double pq_metrics_field_value(const pq_metrics *m, const pq_metrics_field *f);

/** Fill names[i] / values[i] with the first min(cap, count) fields of `m`
 *  in table order (either array may be NULL); returns count. */
PQ_API int pq_metrics_fields(const pq_metrics *m, const char **names, double *values, int cap);

#ifdef __cplusplus
}
#endif
#endif /* PARQUANT_METRICS_H */
