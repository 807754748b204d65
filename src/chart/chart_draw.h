/* SPDX-License-Identifier: Apache-2.0
 *
 * chart/chart_draw.h - what the line and bar charts share: the palette, the
 * canvas (a white RGB image surface and its cairo context, font options
 * fixed so output does not depend on the desktop settings), text placed by
 * anchor, titles, a numeric y axis with grid, and the conversion of cairo
 * statuses and spec checks to pq_status.  Internal to src/chart.
 *
 * Sizes scale with the canvas: `s` is 1 for the default 1800 x 900 canvas
 * and grows or shrinks with the square root of the area, so text keeps the
 * same proportion to the plot.
 */
#ifndef PARQUANT_CHART_DRAW_H
#define PARQUANT_CHART_DRAW_H

#include <cairo.h>
#include <math.h>

#include "chart/chart.h"
#include "chart/chart_axis.h"

/* Palette (0xRRGGBB).  The tests look for these exact colours. */
#define PQ_CHART_RGB_BACKGROUND 0xffffffu
#define PQ_CHART_RGB_TEXT 0x222222u      /* titles, axis labels */
#define PQ_CHART_RGB_MUTED 0x555555u     /* subtitle, tick labels */
#define PQ_CHART_RGB_AXIS 0x808080u      /* left and bottom axis lines, tick marks */
#define PQ_CHART_RGB_ZERO 0x404040u      /* the y = 0 line */
#define PQ_CHART_RGB_LINE 0x1f77b4u      /* PQ_CHART_LINE series */
#define PQ_CHART_RGB_LOSS 0xd62728u      /* PQ_CHART_AREA_BELOW_ZERO outline */
#define PQ_CHART_RGB_LOSS_FILL 0xf4b6b6u /* PQ_CHART_AREA_BELOW_ZERO area */
#define PQ_CHART_RGB_BAR 0x4c78a8u       /* bars */
#define PQ_CHART_RGB_BEST 0xf58518u      /* the highlighted bar */
/* Grid lines: black at this opacity (0xe8e8e8 on white), drawn over areas. */
#define PQ_CHART_GRID_ALPHA 0.09

#define PQ_CHART_FONT "DejaVu Sans"

/** Rectangle in pixels. */
typedef struct pq_chart_rect {
    double x, y, w, h;
} pq_chart_rect;

typedef struct pq_chart_canvas {
    cairo_surface_t *surface; /* RGB24 image surface */
    cairo_t *cr;
    int width, height;
    double s;                 /* size scale, 1 at 1800 x 900 */
} pq_chart_canvas;

/** Resolve 0 to the default size and check the range.
 *  @return PQ_ERR_INVALID_ARG. */
PQ_NODISCARD pq_status pq_chart_check_size(int *width, int *height, pq_error *err);

/** PQ_ERR_INVALID_ARG "<field> is not valid UTF-8" unless s is NULL or valid. */
PQ_NODISCARD pq_status pq_chart_check_text(const char *s, const char *field, pq_error *err);

/** Create a white canvas.  On failure nothing is left to close.
 *  @return PQ_ERR_NOMEM, PQ_ERR_INTERNAL. */
PQ_NODISCARD pq_status pq_chart_canvas_open(pq_chart_canvas *c, int width, int height, pq_error *err);

/** Check the context and surface after drawing.
 *  @return PQ_ERR_NOMEM, PQ_ERR_INTERNAL. */
PQ_NODISCARD pq_status pq_chart_canvas_check(pq_chart_canvas *c, pq_error *err);

/** Encode the canvas as PNG into `path` through the file sink
 *  (chart_png.c).  @return PQ_ERR_IO, PQ_ERR_NOMEM, PQ_ERR_INTERNAL,
 *  PQ_ERR_INVALID_ARG (NULL or empty path). */
PQ_NODISCARD pq_status pq_chart_canvas_write_png(pq_chart_canvas *c, const char *path, pq_error *err);

/** Free the context and surface.  Accepts a zeroed canvas. */
void pq_chart_canvas_close(pq_chart_canvas *c);

/** Map a cairo status to PQ_ERR_NOMEM or PQ_ERR_INTERNAL with cairo's text. */
pq_status pq_chart_cairo_fail(cairo_status_t st, pq_error *err);

void pq_chart_set_rgb(cairo_t *cr, uint32_t rgb);
void pq_chart_set_font(cairo_t *cr, double px, bool bold);
/** Width of `text` in the current font. */
double pq_chart_text_width(cairo_t *cr, const char *text);
/** Line height (ascent + descent) of the current font. */
double pq_chart_line_height(cairo_t *cr);
/** Largest font size <= px (and >= min_px) at which `text` fits in max_w. */
double pq_chart_fit_font(cairo_t *cr, const char *text, double px, double min_px, bool bold, double max_w);
/** Draw `text` in the current font with its box anchored at (x, y):
 *  ax 0 / 0.5 / 1 = left / centre / right, ay 0 / 0.5 / 1 = top / middle /
 *  bottom of the line (ascent + descent); rotated by `angle` radians about
 *  the anchor. */
void pq_chart_text(cairo_t *cr, const char *text, double x, double y, double ax, double ay, double angle,
                   uint32_t rgb);

/** Title (bold) and subtitle centred on [x, x + w] from the top of the
 *  canvas; either may be NULL or "".  @return the y below them. */
double pq_chart_draw_titles(pq_chart_canvas *c, const char *title, const char *subtitle, double x, double w);

/** Vertical space pq_chart_draw_titles takes. */
double pq_chart_titles_height(pq_chart_canvas *c, const char *title, const char *subtitle, double w);

/** Font size of tick labels, the tick length and the gap to the labels. */
double pq_chart_tick_font(const pq_chart_canvas *c);
double pq_chart_tick_len(const pq_chart_canvas *c);
double pq_chart_tick_gap(const pq_chart_canvas *c);

/** Most y ticks that fit a plot `h` pixels high at the tick font. */
int pq_chart_max_y_ticks(const pq_chart_canvas *c, double h);

/** Width of the widest tick label of `t` at the tick font. */
double pq_chart_y_labels_width(pq_chart_canvas *c, const pq_chart_ticks *t);

/** Pixel row of value v on a plot whose y axis is t->lo .. t->hi. */
static inline double pq_chart_y_px(const pq_chart_rect *r, const pq_chart_ticks *t, double v)
{
    return r->y + r->h * (1.0 - pq_chart_frac(v, t->lo, t->hi));
}

/** One-pixel line from (x0, y0) to (x1, y1) in `rgb` (crisp when the
 *  coordinates come from pq_chart_crisp). */
void pq_chart_line1(cairo_t *cr, double x0, double y0, double x1, double y1, uint32_t rgb);

/** Light horizontal grid lines at the ticks of `t` across `r`. */
void pq_chart_draw_y_grid(pq_chart_canvas *c, const pq_chart_rect *r, const pq_chart_ticks *t);

/** Tick marks and labels of `t` left of `r`, the left axis line, the
 *  bottom axis line, and the zero line when 0 lies strictly inside. */
void pq_chart_draw_y_axis(pq_chart_canvas *c, const pq_chart_rect *r, const pq_chart_ticks *t);

/** Snap a coordinate to the centre of a pixel (crisp 1-pixel lines). */
static inline double pq_chart_crisp(double v) { return floor(v) + 0.5; }

#endif /* PARQUANT_CHART_DRAW_H */
