/* SPDX-License-Identifier: Apache-2.0
 *
 * chart/chart_line.c - the time-series chart (pq_chart_line_png): an equity
 * curve as a line, or a drawdown as a red area between 0 and the values
 * below 0.
 *
 * Layout, top to bottom: title block, plot, x tick labels, x-axis label;
 * left to right: y-axis label (vertical), y tick labels, plot.  The plot's
 * height is settled first (it sets how many y ticks fit), then the width of
 * the y tick labels sets the left margin, then the plot's width sets how
 * many x labels fit side by side.  The x axis is time (dates as days) or
 * the period number; the y axis is widened to nice tick values.
 * Non-finite values are skipped: the line joins the finite neighbours.
 */
#include "chart/chart_draw.h"

#include <stdio.h>

#define PQ_CHART_HALF_PI 1.57079632679489661923

void pq_chart_line_init(pq_chart_line *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->style = PQ_CHART_LINE;
    spec->width = PQ_CHART_DEFAULT_WIDTH;
    spec->height = PQ_CHART_DEFAULT_HEIGHT;
}

/* Everything the drawing needs, settled before anything is drawn. */
typedef struct line_layout {
    pq_chart_rect plot;
    pq_chart_ticks yt;          /* y axis */
    double x0, x1;              /* x axis range (days or period numbers) */
    pq_chart_ticks xt;          /* x ticks when x is the period number */
    int64_t xdays[PQ_CHART_MAX_TICKS]; /* x ticks when x is a date */
    int n_xdays;
    double ymin, ymax;          /* finite range of the data */
    size_t n_finite;
} line_layout;

static pq_status check_spec(const pq_chart_line *spec, line_layout *L, pq_error *err)
{
    if (!spec) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart spec is NULL");
    if (spec->n == 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart has no points (n = 0)");
    if (!spec->y) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart values (y) are NULL");
    if (spec->style != PQ_CHART_LINE && spec->style != PQ_CHART_AREA_BELOW_ZERO)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart style %d: expected PQ_CHART_LINE or PQ_CHART_AREA_BELOW_ZERO",
                       (int)spec->style);
    PQ_TRY(pq_chart_check_text(spec->title, "title", err));
    PQ_TRY(pq_chart_check_text(spec->subtitle, "subtitle", err));
    PQ_TRY(pq_chart_check_text(spec->x_label, "x-axis label", err));
    PQ_TRY(pq_chart_check_text(spec->y_label, "y-axis label", err));
    if (spec->dates) {
        for (size_t i = 1; i < spec->n; i++) {
            if (spec->dates[i] < spec->dates[i - 1]) {
                char a[24], b[24];
                pq_chart_format_date(spec->dates[i - 1], a, sizeof a);
                pq_chart_format_date(spec->dates[i], b, sizeof b);
                return PQ_FAIL(err, PQ_ERR_INVALID_ARG,
                               "chart dates must be ascending: point %zu is %s, after %s", i + 1, b, a);
            }
        }
    }
    L->n_finite = 0;
    for (size_t i = 0; i < spec->n; i++) {
        double v = spec->y[i];
        if (!isfinite(v)) continue;
        if (L->n_finite == 0 || v < L->ymin) L->ymin = v;
        if (L->n_finite == 0 || v > L->ymax) L->ymax = v;
        L->n_finite++;
    }
    if (L->n_finite == 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart has no finite value (all %zu are NaN or infinite)", spec->n);
    return PQ_OK;
}

static double x_of(const pq_chart_line *spec, size_t i)
{
    return spec->dates ? (double)spec->dates[i] : (double)(i + 1);
}

static double x_px(const line_layout *L, double x)
{
    return L->plot.x + L->plot.w * pq_chart_frac(x, L->x0, L->x1);
}

/* Label of x tick i. */
static void x_label(const pq_chart_line *spec, const line_layout *L, int i, char *buf, size_t cap)
{
    if (spec->dates) pq_chart_format_date(L->xdays[i], buf, cap);
    else pq_chart_format_number(pq_chart_tick_value(&L->xt, i), 0, buf, cap);
}

static int n_xticks(const pq_chart_line *spec, const line_layout *L)
{
    return spec->dates ? L->n_xdays : L->xt.n;
}

static double x_tick(const pq_chart_line *spec, const line_layout *L, int i)
{
    return spec->dates ? (double)L->xdays[i] : pq_chart_tick_value(&L->xt, i);
}

static pq_status layout(pq_chart_canvas *c, const pq_chart_line *spec, line_layout *L, pq_error *err)
{
    cairo_t *cr = c->cr;
    double s = c->s, W = c->width, H = c->height, pad = 24 * s;
    double tick_font = pq_chart_tick_font(c), len = pq_chart_tick_len(c), gap = pq_chart_tick_gap(c);

    double top = pq_chart_titles_height(c, spec->title, spec->subtitle, W - 2 * pad);
    pq_chart_set_font(cr, 22 * s, false);
    double label_h = pq_chart_line_height(cr);
    pq_chart_set_font(cr, tick_font, false);
    double tick_h = pq_chart_line_height(cr);
    double bottom = pad + (spec->x_label && *spec->x_label ? label_h + 8 * s : 0) + len + gap + tick_h;
    L->plot.y = top;
    L->plot.h = H - top - bottom;

    double lo = L->ymin, hi = L->ymax;
    if (spec->style == PQ_CHART_AREA_BELOW_ZERO) {
        if (lo > 0) lo = 0;
        if (hi < 0) hi = 0;
    }
    pq_chart_ticks_nice(lo, hi, pq_chart_max_y_ticks(c, L->plot.h), true, false, &L->yt);

    /* x range and the widest x label (the last one is as wide as any) */
    char buf[64];
    if (spec->dates) {
        L->x0 = spec->dates[0];
        L->x1 = spec->dates[spec->n - 1];
        if (L->x0 == L->x1) { L->x0 -= 1; L->x1 += 1; }
        pq_chart_format_date((int64_t)L->x1, buf, sizeof buf);
    } else {
        L->x0 = 1;
        L->x1 = (double)spec->n;
        if (spec->n == 1) { L->x0 = 0.5; L->x1 = 1.5; }
        pq_chart_format_number((double)spec->n, 0, buf, sizeof buf);
    }
    pq_chart_set_font(cr, tick_font, false);
    double xlab_w = pq_chart_text_width(cr, buf);

    double left = pad + (spec->y_label && *spec->y_label ? label_h + 12 * s : 0) +
                  pq_chart_y_labels_width(c, &L->yt) + gap + len;
    double right = xlab_w / 2 + 8 * s;
    if (right < 1.5 * pad) right = 1.5 * pad;
    L->plot.x = left;
    L->plot.w = W - left - right;
    if (L->plot.w < 40 * s || L->plot.h < 40 * s)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart %d x %d is too small for its titles and labels",
                       c->width, c->height);

    int max_x = (int)(L->plot.w / (fmax(xlab_w, 70 * s) + 36 * s));
    if (max_x < 1) max_x = 1;
    if (spec->dates) {
        L->n_xdays = pq_chart_date_ticks((int64_t)spec->dates[0], (int64_t)spec->dates[spec->n - 1], max_x, L->xdays);
    } else {
        pq_chart_ticks_nice(L->x0, L->x1, max_x, false, true, &L->xt);
    }
    return PQ_OK;
}

/* The path through the finite points. */
static void data_path(cairo_t *cr, const pq_chart_line *spec, const line_layout *L)
{
    bool first = true;
    for (size_t i = 0; i < spec->n; i++) {
        double v = spec->y[i];
        if (!isfinite(v)) continue;
        double x = x_px(L, x_of(spec, i)), y = pq_chart_y_px(&L->plot, &L->yt, v);
        if (first) cairo_move_to(cr, x, y);
        else cairo_line_to(cr, x, y);
        first = false;
    }
}

static void draw_area(pq_chart_canvas *c, const pq_chart_line *spec, const line_layout *L)
{
    cairo_t *cr = c->cr;
    const pq_chart_rect *r = &L->plot;
    double zy = pq_chart_y_px(r, &L->yt, 0);
    double xa = 0, xb = 0;
    bool any = false;
    for (size_t i = 0; i < spec->n; i++) {
        if (!isfinite(spec->y[i])) continue;
        xb = x_px(L, x_of(spec, i));
        if (!any) xa = xb;
        any = true;
    }
    cairo_save(cr);
    cairo_rectangle(cr, r->x, zy, r->w, r->y + r->h - zy);
    cairo_clip(cr);
    cairo_move_to(cr, xa, zy);
    for (size_t i = 0; i < spec->n; i++) {
        double v = spec->y[i];
        if (isfinite(v)) cairo_line_to(cr, x_px(L, x_of(spec, i)), pq_chart_y_px(r, &L->yt, v));
    }
    cairo_line_to(cr, xb, zy);
    cairo_close_path(cr);
    pq_chart_set_rgb(cr, PQ_CHART_RGB_LOSS_FILL);
    cairo_fill(cr);
    cairo_restore(cr);
}

static void draw_x_axis(pq_chart_canvas *c, const pq_chart_line *spec, const line_layout *L)
{
    cairo_t *cr = c->cr;
    const pq_chart_rect *r = &L->plot;
    double len = pq_chart_tick_len(c), gap = pq_chart_tick_gap(c), yb = pq_chart_crisp(r->y + r->h);
    int n = n_xticks(spec, L);

    /* vertical grid */
    cairo_set_source_rgba(cr, 0, 0, 0, PQ_CHART_GRID_ALPHA);
    cairo_set_line_width(cr, 1.0);
    for (int i = 0; i < n; i++) {
        double x = pq_chart_crisp(x_px(L, x_tick(spec, L, i)));
        cairo_move_to(cr, x, r->y);
        cairo_line_to(cr, x, r->y + r->h);
    }
    cairo_stroke(cr);

    char buf[64];
    double last_right = -1e9;
    pq_chart_set_font(cr, pq_chart_tick_font(c), false);
    for (int i = 0; i < n; i++) {
        double x = pq_chart_crisp(x_px(L, x_tick(spec, L, i)));
        pq_chart_line1(cr, x, yb, x, yb + len, PQ_CHART_RGB_AXIS);
        x_label(spec, L, i, buf, sizeof buf);
        double w = pq_chart_text_width(cr, buf);
        double lx = x - w / 2;
        if (lx + w > c->width - 2) lx = c->width - 2 - w; /* keep inside the canvas */
        if (lx < r->x - len) lx = r->x - len;             /* clear of the lowest y label */
        if (lx < last_right + 12 * c->s) continue;        /* would overlap the previous label */
        pq_chart_text(cr, buf, lx, yb + len + gap, 0, 0, 0, PQ_CHART_RGB_MUTED);
        last_right = lx + w;
    }
}

static void draw_labels(pq_chart_canvas *c, const pq_chart_line *spec, const line_layout *L)
{
    cairo_t *cr = c->cr;
    double s = c->s, pad = 24 * s;
    const pq_chart_rect *r = &L->plot;
    if (spec->x_label && *spec->x_label) {
        pq_chart_fit_font(cr, spec->x_label, 22 * s, 9 * s, false, r->w);
        pq_chart_text(cr, spec->x_label, r->x + r->w / 2, c->height - pad, 0.5, 1, 0, PQ_CHART_RGB_TEXT);
    }
    if (spec->y_label && *spec->y_label) {
        pq_chart_fit_font(cr, spec->y_label, 22 * s, 9 * s, false, r->h);
        pq_chart_text(cr, spec->y_label, pad, r->y + r->h / 2, 0.5, 0, -PQ_CHART_HALF_PI, PQ_CHART_RGB_TEXT);
    }
}

static void draw(pq_chart_canvas *c, const pq_chart_line *spec, const line_layout *L)
{
    cairo_t *cr = c->cr;
    double s = c->s, pad = 24 * s;
    bool area = spec->style == PQ_CHART_AREA_BELOW_ZERO;
    pq_chart_draw_titles(c, spec->title, spec->subtitle, pad, c->width - 2 * pad);
    if (area) draw_area(c, spec, L);
    pq_chart_draw_y_grid(c, &L->plot, &L->yt);
    draw_x_axis(c, spec, L);
    pq_chart_draw_y_axis(c, &L->plot, &L->yt);

    uint32_t rgb = area ? PQ_CHART_RGB_LOSS : PQ_CHART_RGB_LINE;
    if (L->n_finite == 1) {
        for (size_t i = 0; i < spec->n; i++) {
            if (!isfinite(spec->y[i])) continue;
            cairo_arc(cr, x_px(L, x_of(spec, i)), pq_chart_y_px(&L->plot, &L->yt, spec->y[i]), 5 * s, 0,
                      4 * PQ_CHART_HALF_PI);
        }
        pq_chart_set_rgb(cr, rgb);
        cairo_fill(cr);
    } else {
        data_path(cr, spec, L);
        pq_chart_set_rgb(cr, rgb);
        cairo_set_line_width(cr, fmax(2.0, (area ? 2.0 : 2.5) * s));
        cairo_stroke(cr);
    }
    draw_labels(c, spec, L);
}

pq_status pq_chart_line_png(const char *path, const pq_chart_line *spec, pq_error *err)
{
    line_layout L;
    memset(&L, 0, sizeof L);
    PQ_TRY(check_spec(spec, &L, err));
    int w = spec->width, h = spec->height;
    PQ_TRY(pq_chart_check_size(&w, &h, err));
    if (!path || !*path) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart output path is empty");

    pq_chart_canvas c;
    PQ_TRY(pq_chart_canvas_open(&c, w, h, err));
    pq_status st = layout(&c, spec, &L, err);
    if (st == PQ_OK) {
        draw(&c, spec, &L);
        st = pq_chart_canvas_write_png(&c, path, err);
    }
    pq_chart_canvas_close(&c);
    return st;
}
