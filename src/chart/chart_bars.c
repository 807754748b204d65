/* SPDX-License-Identifier: Apache-2.0
 *
 * chart/chart_bars.c - the grouped bar chart (pq_chart_bars_png): n
 * categories compared in 1 or 2 side-by-side panels, each with its own
 * heading and y axis.  Bars start at 0 (up for positive values, down for
 * negative ones) and carry their value; the best category of panel 0 is
 * drawn in the highlight colour in every panel, its values in bold.
 *
 * Layout: the title block on top; the panels share the rest of the width
 * equally.  Each panel's y range includes 0 and is widened by the height
 * of a value label, so labels above (below) the longest bar stay inside the
 * plot.  Category labels sit under the bars; when the widest does not fit
 * a bar's slot they are turned 40 degrees, and the plot gets shorter to
 * make room; when even turned labels would touch, only every k-th is
 * drawn.  Value labels shrink to fit their slot, down to a floor under
 * which they are left out.
 */
#include "chart/chart_draw.h"

#include <stdio.h>

#define ROT_ANGLE 0.6981317007977318 /* 40 degrees */

void pq_chart_bars_init(pq_chart_bars *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->n_panels = 1;
    for (int p = 0; p < PQ_CHART_MAX_PANELS; p++) spec->panels[p].decimals = PQ_CHART_AUTO;
    spec->best = PQ_CHART_BEST_MAX;
    spec->width = PQ_CHART_DEFAULT_WIDTH;
    spec->height = PQ_CHART_DEFAULT_HEIGHT;
}

typedef struct panel_layout {
    pq_chart_rect plot;
    pq_chart_ticks yt;
    double vmin, vmax;   /* finite range of the values */
    int decimals;        /* of the value labels */
    double value_font;   /* 0 = value labels left out */
    double panel_x, panel_w;
} panel_layout;

typedef struct bars_layout {
    panel_layout p[PQ_CHART_MAX_PANELS];
    double top;          /* y of the panel headings */
    double label_font;   /* category labels */
    bool rotated;        /* category labels turned */
    int label_every;     /* draw the labels of categories 0, k, 2k ... (crowded turned labels) */
    int best;            /* highlighted category, -1 = none */
} bars_layout;

static pq_status check_spec(const pq_chart_bars *spec, bars_layout *L, pq_error *err)
{
    if (!spec) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart spec is NULL");
    if (spec->n == 0 || spec->n > PQ_CHART_MAX_CATEGORIES)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "bar chart has %zu categories: expected 1..%d", spec->n,
                       PQ_CHART_MAX_CATEGORIES);
    if (spec->n_panels < 1 || spec->n_panels > PQ_CHART_MAX_PANELS)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "bar chart has %d panels: expected 1..%d", spec->n_panels,
                       PQ_CHART_MAX_PANELS);
    if (spec->best != PQ_CHART_BEST_MAX && spec->best != PQ_CHART_BEST_MIN && spec->best != PQ_CHART_BEST_NONE)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "bar chart best rule %d is not a pq_chart_best", (int)spec->best);
    PQ_TRY(pq_chart_check_text(spec->title, "title", err));
    PQ_TRY(pq_chart_check_text(spec->subtitle, "subtitle", err));
    if (spec->labels)
        for (size_t i = 0; i < spec->n; i++) PQ_TRY(pq_chart_check_text(spec->labels[i], "category label", err));
    for (int p = 0; p < spec->n_panels; p++) {
        const pq_chart_panel *pn = &spec->panels[p];
        panel_layout *pl = &L->p[p];
        PQ_TRY(pq_chart_check_text(pn->title, "panel title", err));
        if (!pn->values) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "bar chart panel %d has no values", p + 1);
        if (pn->decimals < PQ_CHART_AUTO || pn->decimals > 9)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "bar chart panel %d decimals %d: expected 0..9 or PQ_CHART_AUTO",
                           p + 1, pn->decimals);
        size_t finite = 0;
        for (size_t i = 0; i < spec->n; i++) {
            double v = pn->values[i];
            if (!isfinite(v)) continue;
            if (finite == 0 || v < pl->vmin) pl->vmin = v;
            if (finite == 0 || v > pl->vmax) pl->vmax = v;
            finite++;
        }
        if (finite == 0)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG,
                           "bar chart panel %d has no finite value (all %zu are NaN or infinite)", p + 1, spec->n);
        double m = fmax(fabs(pl->vmin), fabs(pl->vmax));
        pl->decimals = pn->decimals == PQ_CHART_AUTO ? pq_chart_auto_decimals(m) : pn->decimals;
    }
    L->best = -1;
    if (spec->best != PQ_CHART_BEST_NONE) {
        const double *v = spec->panels[0].values;
        for (size_t i = 0; i < spec->n; i++) {
            if (!isfinite(v[i])) continue;
            if (L->best < 0 || (spec->best == PQ_CHART_BEST_MAX ? v[i] > v[L->best] : v[i] < v[L->best]))
                L->best = (int)i;
        }
    }
    return PQ_OK;
}

/* Category label i ("" for a NULL entry, "i+1" without labels). */
static const char *cat_label(const pq_chart_bars *spec, size_t i, char *buf, size_t cap)
{
    if (!spec->labels) {
        snprintf(buf, cap, "%zu", i + 1);
        return buf;
    }
    return spec->labels[i] ? spec->labels[i] : "";
}

static void value_text(const pq_chart_bars *spec, const bars_layout *L, int p, size_t i, char *buf, size_t cap)
{
    pq_chart_format_number(spec->panels[p].values[i], L->p[p].decimals, buf, cap);
}

/* Y ticks and the horizontal extent of panel p for a plot of height h;
 * the plot starts at min_left or further right. */
static void panel_axis(pq_chart_canvas *c, const pq_chart_bars *spec, bars_layout *L, int p, double top, double h,
                       double min_left)
{
    panel_layout *pl = &L->p[p];
    double s = c->s;
    double lo = fmin(0, pl->vmin), hi = fmax(0, pl->vmax);
    if (lo == hi) hi = 1;
    pq_chart_set_font(c->cr, 17 * s, true);
    double frac = (pq_chart_line_height(c->cr) + 10 * s) / h * 1.1, span = hi - lo;
    if (!isfinite(span)) span = fmax(-lo, hi); /* only the headroom is approximate */
    if (pl->vmax > 0) hi += span * frac;
    if (pl->vmin < 0) lo -= span * frac;
    if (!isfinite(hi)) hi = pl->vmax;
    if (!isfinite(lo)) lo = pl->vmin;
    pq_chart_ticks_nice(lo, hi, pq_chart_max_y_ticks(c, h), true, false, &pl->yt);
    double left = pl->panel_x + pq_chart_y_labels_width(c, &pl->yt) + pq_chart_tick_gap(c) + pq_chart_tick_len(c);
    if (left < min_left) left = min_left;
    pl->plot.x = left;
    pl->plot.w = pl->panel_x + pl->panel_w - left;
    pl->plot.y = top;
    pl->plot.h = h;
}

static pq_status layout(pq_chart_canvas *c, const pq_chart_bars *spec, bars_layout *L, pq_error *err)
{
    cairo_t *cr = c->cr;
    double s = c->s, W = c->width, H = c->height, pad = 24 * s, panel_gap = 56 * s;
    int np = spec->n_panels;
    double top = pq_chart_titles_height(c, spec->title, spec->subtitle, W - 2 * pad);
    bool headings = false;
    for (int p = 0; p < np; p++) headings |= spec->panels[p].title && *spec->panels[p].title;
    if (headings) {
        pq_chart_set_font(cr, 23 * s, true);
        top += pq_chart_line_height(cr) + 14 * s;
    } else {
        top += 6 * s;
    }
    L->top = top;

    double panel_w = (W - 2 * pad - (np - 1) * panel_gap) / np;
    for (int p = 0; p < np; p++) {
        L->p[p].panel_x = pad + p * (panel_w + panel_gap);
        L->p[p].panel_w = panel_w;
    }

    /* category labels: straight if the widest fits the narrowest slot */
    char buf[32];
    L->label_font = pq_chart_tick_font(c);
    pq_chart_set_font(cr, L->label_font, false);
    double label_h = pq_chart_line_height(cr), label_w = 0;
    for (size_t i = 0; i < spec->n; i++) label_w = fmax(label_w, pq_chart_text_width(cr, cat_label(spec, i, buf, sizeof buf)));
    double under = pq_chart_tick_gap(c) + 4 * s;
    double bottom = pad + under + label_h;
    double h = H - top - bottom;
    double slot = 1e300;
    for (int p = 0; p < np; p++) {
        panel_axis(c, spec, L, p, top, h, 0);
        slot = fmin(slot, L->p[p].plot.w / (double)spec->n);
    }
    L->rotated = label_w > slot * 0.92;
    if (L->rotated) {
        double sn = sin(ROT_ANGLE), cs = cos(ROT_ANGLE);
        double rot_h = label_w * sn + label_h * cs, cap = 0.3 * H;
        if (rot_h > cap) { /* shrink the labels (height and width scale together) */
            L->label_font *= fmax(cap / rot_h, 0.5);
            rot_h *= fmax(cap / rot_h, 0.5);
        }
        bottom = pad + under + rot_h;
        h = H - top - bottom;
        /* the first label reaches left of its bar by its turned width */
        double reach = (label_w * cs + label_h * sn) * (L->label_font / pq_chart_tick_font(c));
        for (int p = 0; p < np; p++) {
            panel_axis(c, spec, L, p, top, h, 0);
            double first_cx = L->p[p].plot.x + L->p[p].plot.w / (double)spec->n / 2;
            if (p == 0 && first_cx - reach < pad / 2) {
                /* plot.x + (panel_end - plot.x) / (2n) = pad / 2 + reach */
                double end = L->p[p].panel_x + L->p[p].panel_w, k = 1.0 / (2.0 * (double)spec->n);
                double x = (pad / 2 + reach - end * k) / (1 - k);
                panel_axis(c, spec, L, p, top, h, x);
            }
        }
    }
    /* turned labels stand slot * sin(angle) apart: keep one in k when that is below a line */
    L->label_every = 1;
    if (L->rotated) {
        double sl = 1e300;
        for (int p = 0; p < np; p++) sl = fmin(sl, L->p[p].plot.w / (double)spec->n);
        double need = label_h * (L->label_font / pq_chart_tick_font(c)) * 1.1, room = sl * sin(ROT_ANGLE);
        if (room < need) L->label_every = (int)ceil(need / room);
    }
    for (int p = 0; p < np; p++) {
        if (L->p[p].plot.w < 40 * s || L->p[p].plot.h < 40 * s)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart %d x %d is too small for its titles and labels",
                           c->width, c->height);
    }

    /* value labels: one size per panel, shrunk to fit the slot */
    for (int p = 0; p < np; p++) {
        panel_layout *pl = &L->p[p];
        double sl = pl->plot.w / (double)spec->n, widest = 0, f = 17 * s;
        for (size_t i = 0; i < spec->n; i++) {
            value_text(spec, L, p, i, buf, sizeof buf);
            pq_chart_set_font(cr, f, (int)i == L->best);
            widest = fmax(widest, pq_chart_text_width(cr, buf));
        }
        if (widest > sl * 0.96) f *= sl * 0.96 / widest;
        pl->value_font = f >= 8 ? f : 0;
    }
    return PQ_OK;
}

static void draw_panel(pq_chart_canvas *c, const pq_chart_bars *spec, const bars_layout *L, int p)
{
    cairo_t *cr = c->cr;
    double s = c->s;
    const panel_layout *pl = &L->p[p];
    const pq_chart_rect *r = &pl->plot;
    const double *v = spec->panels[p].values;
    const char *heading = spec->panels[p].title;
    if (heading && *heading) {
        pq_chart_fit_font(cr, heading, 23 * s, 10 * s, true, r->w);
        pq_chart_text(cr, heading, r->x + r->w / 2, r->y - 14 * s, 0.5, 1, 0, PQ_CHART_RGB_TEXT);
    }
    pq_chart_draw_y_grid(c, r, &pl->yt);

    double slot = r->w / (double)spec->n, bw = fmin(slot * 0.68, 150 * s);
    double y0 = pq_chart_y_px(r, &pl->yt, 0);
    char buf[32];
    for (size_t i = 0; i < spec->n; i++) {
        double cx = r->x + slot * ((double)i + 0.5);
        bool best = (int)i == L->best;
        if (!isfinite(v[i])) {
            if (pl->value_font > 0) {
                pq_chart_set_font(cr, pl->value_font, false);
                pq_chart_text(cr, "n/a", cx, y0 - 4 * s, 0.5, 1, 0, PQ_CHART_RGB_MUTED);
            }
            continue;
        }
        double y1 = pq_chart_y_px(r, &pl->yt, v[i]);
        double xa = round(cx - bw / 2), xb = round(cx + bw / 2);
        double ya = round(fmin(y0, y1)), yb = round(fmax(y0, y1));
        if (yb > ya) {
            cairo_rectangle(cr, xa, ya, xb - xa, yb - ya);
            pq_chart_set_rgb(cr, best ? PQ_CHART_RGB_BEST : PQ_CHART_RGB_BAR);
            cairo_fill(cr);
        }
        if (pl->value_font > 0) {
            value_text(spec, L, p, i, buf, sizeof buf);
            pq_chart_set_font(cr, pl->value_font, best);
            if (v[i] >= 0) pq_chart_text(cr, buf, cx, y1 - 5 * s, 0.5, 1, 0, PQ_CHART_RGB_TEXT);
            else pq_chart_text(cr, buf, cx, y1 + 5 * s, 0.5, 0, 0, PQ_CHART_RGB_TEXT);
        }
    }
    pq_chart_draw_y_axis(c, r, &pl->yt);

    double ly = r->y + r->h + pq_chart_tick_gap(c) + 4 * s;
    pq_chart_set_font(cr, L->label_font, false);
    for (size_t i = 0; i < spec->n; i += (size_t)L->label_every) {
        double cx = r->x + slot * ((double)i + 0.5);
        const char *text = cat_label(spec, i, buf, sizeof buf);
        if (L->rotated) pq_chart_text(cr, text, cx, ly, 1, 0.25, -ROT_ANGLE, PQ_CHART_RGB_TEXT);
        else pq_chart_text(cr, text, cx, ly, 0.5, 0, 0, PQ_CHART_RGB_TEXT);
    }
}

pq_status pq_chart_bars_png(const char *path, const pq_chart_bars *spec, pq_error *err)
{
    bars_layout L;
    memset(&L, 0, sizeof L);
    PQ_TRY(check_spec(spec, &L, err));
    int w = spec->width, h = spec->height;
    PQ_TRY(pq_chart_check_size(&w, &h, err));
    if (!path || !*path) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart output path is empty");

    pq_chart_canvas c;
    PQ_TRY(pq_chart_canvas_open(&c, w, h, err));
    pq_status st = layout(&c, spec, &L, err);
    if (st == PQ_OK) {
        double pad = 24 * c.s;
        pq_chart_draw_titles(&c, spec->title, spec->subtitle, pad, c.width - 2 * pad);
        for (int p = 0; p < spec->n_panels; p++) draw_panel(&c, spec, &L, p);
        st = pq_chart_canvas_write_png(&c, path, err);
    }
    pq_chart_canvas_close(&c);
    return st;
}
