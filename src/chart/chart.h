/* SPDX-License-Identifier: Apache-2.0
 *
 * chart/chart.h - PNG charts of results for the CLI (docs/charts.md): a
 * time-series chart (an equity curve as a line, a drawdown as a red area
 * below zero) and a grouped bar chart comparing categories (algorithms) in
 * one or two side-by-side panels (say fitness and run time).
 *
 * Charts are drawn with cairo on an image surface, then encoded to PNG
 * through the file sink (io/sink.h): the file appears complete under its
 * final name or not at all.  Same input, same bytes (no timestamps in the
 * PNG; fonts are "DejaVu Sans" through fontconfig).
 *
 * Specs are plain structs: fill one with pq_chart_*_init (which sets every
 * default), then set the fields.  Strings must be valid UTF-8 (NULL or ""
 * = not drawn).  Non-finite values (NaN, +-inf) are skipped; a series
 * without any finite value is PQ_ERR_INVALID_ARG.
 *
 * Errors: PQ_ERR_INVALID_ARG (bad spec: the message names the field),
 * PQ_ERR_IO (from the sink, err->path is the output path), PQ_ERR_NOMEM,
 * PQ_ERR_INTERNAL (any other cairo failure, with cairo's message).  No file
 * and no temporary file is left behind on failure.
 */
#ifndef PARQUANT_CHART_H
#define PARQUANT_CHART_H

#include "core/core.h"

/** Default canvas: 12 x 6 inches at 150 dpi. */
#define PQ_CHART_DEFAULT_WIDTH 1800
#define PQ_CHART_DEFAULT_HEIGHT 900
/** Accepted canvas sizes, in pixels, for either side. */
#define PQ_CHART_MIN_SIDE 200
#define PQ_CHART_MAX_SIDE 8192
/** Most categories a bar chart takes. */
#define PQ_CHART_MAX_CATEGORIES 100
/** Most panels of a bar chart. */
#define PQ_CHART_MAX_PANELS 2
/** `decimals` value that lets the chart choose (see pq_chart_panel). */
#define PQ_CHART_AUTO (-1)

/** How a time series is drawn. */
typedef enum pq_chart_style {
    PQ_CHART_LINE = 0,            /**< a blue line through the points */
    PQ_CHART_AREA_BELOW_ZERO = 1  /**< red area between 0 and the values below 0, red line on top
                                       (a drawdown given as values <= 0); the y axis includes 0 */
} pq_chart_style;

/** A time-series chart. */
typedef struct pq_chart_line {
    const char *title;      /**< top line, bold; NULL = none */
    const char *subtitle;   /**< annotation line under the title ("Total ROI 16,571.69 · max
                                 drawdown 543.2"); NULL = none */
    const char *x_label;    /**< x-axis label ("Date"); NULL = none */
    const char *y_label;    /**< y-axis label, drawn vertically ("Cumulative P&L (INR)"); NULL = none */
    size_t n;               /**< number of points, >= 1 */
    const int32_t *dates;   /**< n days since 1970-01-01, non-decreasing (gaps allowed: the x axis
                                 is time); NULL = x is the period number 1..n */
    const double *y;        /**< n values; non-finite ones are skipped (the line joins the finite
                                 neighbours) */
    pq_chart_style style;
    int width, height;      /**< pixels; 0 = PQ_CHART_DEFAULT_WIDTH / _HEIGHT */
} pq_chart_line;

/** Which bar of the first panel is highlighted. */
typedef enum pq_chart_best {
    PQ_CHART_BEST_MAX = 0,  /**< the largest value (fitness) */
    PQ_CHART_BEST_MIN = 1,  /**< the smallest value (a cost, a time) */
    PQ_CHART_BEST_NONE = 2  /**< no highlight */
} pq_chart_best;

/** One panel of a bar chart: one value per category. */
typedef struct pq_chart_panel {
    const char *title;      /**< panel heading ("Fitness", "Time (s)"); NULL = none */
    const double *values;   /**< n values; a non-finite one draws no bar and the label "n/a" */
    int decimals;           /**< digits after the point in the value labels, 0..9, or
                                 PQ_CHART_AUTO: 2 below 1000 (more for values below 1, up to
                                 6), 0 from 1000 */
} pq_chart_panel;

/** A grouped bar chart: n categories, 1 or 2 panels side by side sharing the
 *  categories.  Bars go up from 0 for positive values, down for negative
 *  ones; each carries its value.  The category that is best in panel 0
 *  (per `best`) is drawn in the highlight colour in every panel. */
typedef struct pq_chart_bars {
    const char *title;      /**< NULL = none */
    const char *subtitle;   /**< annotation line under the title; NULL = none */
    size_t n;               /**< categories, 1..PQ_CHART_MAX_CATEGORIES */
    const char *const *labels; /**< n category names ("GA", "PSO"); NULL = "1".."n"; a NULL entry = "" */
    int n_panels;           /**< 1..PQ_CHART_MAX_PANELS */
    pq_chart_panel panels[PQ_CHART_MAX_PANELS];
    pq_chart_best best;     /**< highlight rule, applied to panels[0] */
    int width, height;      /**< pixels; 0 = PQ_CHART_DEFAULT_WIDTH / _HEIGHT */
} pq_chart_bars;

/** Set every field of `spec` to its default (zero / NULL, PQ_CHART_LINE,
 *  default size).  Can't fail. */
void pq_chart_line_init(pq_chart_line *spec);

/** Set every field of `spec` to its default (1 panel, decimals
 *  PQ_CHART_AUTO, best PQ_CHART_BEST_MAX, default size).  Can't fail. */
void pq_chart_bars_init(pq_chart_bars *spec);

/** Draw the time series `spec` and write it as a PNG to `path` (replaced
 *  atomically if it exists).
 *  @return PQ_ERR_INVALID_ARG (n = 0, NULL y, no finite value, dates not
 *  ascending, size out of range, bad UTF-8), PQ_ERR_IO, PQ_ERR_NOMEM,
 *  PQ_ERR_INTERNAL. */
PQ_NODISCARD pq_status pq_chart_line_png(const char *path, const pq_chart_line *spec, pq_error *err);

/** Draw the bar chart `spec` and write it as a PNG to `path`.
 *  @return PQ_ERR_INVALID_ARG (n out of range, n_panels out of range, a
 *  panel without values or without any finite value, decimals out of range,
 *  size out of range, bad UTF-8), PQ_ERR_IO, PQ_ERR_NOMEM, PQ_ERR_INTERNAL. */
PQ_NODISCARD pq_status pq_chart_bars_png(const char *path, const pq_chart_bars *spec, pq_error *err);

/** Free the process-wide caches that cairo and fontconfig keep after the
 *  first chart (fonts, glyphs, the fontconfig configuration), so that a
 *  leak checker at exit sees nothing.  Call it at most once, at the end of
 *  the process, when no chart is being drawn and none will be.  Can't fail. */
void pq_chart_release_caches(void);

#endif /* PARQUANT_CHART_H */
