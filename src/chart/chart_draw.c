/* SPDX-License-Identifier: Apache-2.0
 *
 * chart/chart_draw.c - the canvas, text, titles and y axis shared by the
 * line and bar charts (see chart_draw.h).
 *
 * Text uses cairo's toy font API with "DejaVu Sans"; the font options
 * (grey antialiasing, slight hinting, hinted metrics) are set on the
 * context, so the pixels do not depend on the user's fontconfig desktop
 * settings.  One-pixel lines (grid, axes, zero line) sit on pixel centres.
 * pq_chart_release_caches (chart.h) lives here too: it frees what cairo
 * and fontconfig keep for the whole process.
 */
#include "chart/chart_draw.h"

#include <dlfcn.h>
#include <stdio.h>

#include "core/utf8.h"

pq_status pq_chart_check_size(int *width, int *height, pq_error *err)
{
    if (*width == 0) *width = PQ_CHART_DEFAULT_WIDTH;
    if (*height == 0) *height = PQ_CHART_DEFAULT_HEIGHT;
    if (*width < PQ_CHART_MIN_SIDE || *width > PQ_CHART_MAX_SIDE || *height < PQ_CHART_MIN_SIDE ||
        *height > PQ_CHART_MAX_SIDE)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart size %d x %d: expected %d..%d pixels per side",
                       *width, *height, PQ_CHART_MIN_SIDE, PQ_CHART_MAX_SIDE);
    return PQ_OK;
}

pq_status pq_chart_check_text(const char *s, const char *field, pq_error *err)
{
    if (s && !pq_utf8_valid((const uint8_t *)s, strlen(s)))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart %s is not valid UTF-8", field);
    return PQ_OK;
}

pq_status pq_chart_cairo_fail(cairo_status_t st, pq_error *err)
{
    if (st == CAIRO_STATUS_NO_MEMORY) return PQ_FAIL(err, PQ_ERR_NOMEM, "out of memory (cairo)");
    return PQ_FAIL(err, PQ_ERR_INTERNAL, "cairo: %s", cairo_status_to_string(st));
}

pq_status pq_chart_canvas_open(pq_chart_canvas *c, int width, int height, pq_error *err)
{
    memset(c, 0, sizeof *c);
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_status_t st = cairo_surface_status(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return pq_chart_cairo_fail(st, err);
    }
    cairo_t *cr = cairo_create(surface);
    st = cairo_status(cr);
    if (st == CAIRO_STATUS_SUCCESS) {
        cairo_font_options_t *fo = cairo_font_options_create();
        cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_ON);
        st = cairo_font_options_status(fo);
        if (st == CAIRO_STATUS_SUCCESS) cairo_set_font_options(cr, fo);
        cairo_font_options_destroy(fo);
    }
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        cairo_surface_destroy(surface);
        return pq_chart_cairo_fail(st, err);
    }
    c->surface = surface;
    c->cr = cr;
    c->width = width;
    c->height = height;
    double s = sqrt((double)width * height / ((double)PQ_CHART_DEFAULT_WIDTH * PQ_CHART_DEFAULT_HEIGHT));
    c->s = s < 0.55 ? 0.55 : s > 4.0 ? 4.0 : s;
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    pq_chart_set_rgb(cr, PQ_CHART_RGB_BACKGROUND);
    cairo_paint(cr);
    return PQ_OK;
}

pq_status pq_chart_canvas_check(pq_chart_canvas *c, pq_error *err)
{
    cairo_status_t st = cairo_status(c->cr);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(c->surface);
    return st == CAIRO_STATUS_SUCCESS ? PQ_OK : pq_chart_cairo_fail(st, err);
}

void pq_chart_canvas_close(pq_chart_canvas *c)
{
    if (c->cr) cairo_destroy(c->cr);
    if (c->surface) cairo_surface_destroy(c->surface);
    memset(c, 0, sizeof *c);
}

/* ---------------------------------------------------------------- text */

void pq_chart_set_rgb(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

void pq_chart_set_font(cairo_t *cr, double px, bool bold)
{
    cairo_select_font_face(cr, PQ_CHART_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, px);
}

double pq_chart_text_width(cairo_t *cr, const char *text)
{
    if (!text || !*text) return 0;
    cairo_text_extents_t te;
    cairo_text_extents(cr, text, &te);
    return te.x_advance;
}

double pq_chart_line_height(cairo_t *cr)
{
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    return fe.ascent + fe.descent;
}

double pq_chart_fit_font(cairo_t *cr, const char *text, double px, double min_px, bool bold, double max_w)
{
    pq_chart_set_font(cr, px, bold);
    double w = pq_chart_text_width(cr, text);
    if (w > max_w && max_w > 0) {
        px = px * max_w / w;
        if (px < min_px) px = min_px;
        pq_chart_set_font(cr, px, bold);
    }
    return px;
}

void pq_chart_text(cairo_t *cr, const char *text, double x, double y, double ax, double ay, double angle,
                   uint32_t rgb)
{
    if (!text || !*text) return;
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double w = pq_chart_text_width(cr, text);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    if (angle != 0) cairo_rotate(cr, angle);
    cairo_move_to(cr, -ax * w, -ay * (fe.ascent + fe.descent) + fe.ascent);
    pq_chart_set_rgb(cr, rgb);
    cairo_show_text(cr, text);
    cairo_new_path(cr);
    cairo_restore(cr);
}

/* -------------------------------------------------------------- titles */

/* Lay out (and with `draw`, draw) the title block; returns its height. */
static double titles(pq_chart_canvas *c, const char *title, const char *subtitle, double x, double w, bool draw)
{
    cairo_t *cr = c->cr;
    double s = c->s, y = 22 * s;
    bool any = false;
    if (title && *title) {
        pq_chart_fit_font(cr, title, 30 * s, 12 * s, true, w);
        if (draw) pq_chart_text(cr, title, x + w / 2, y, 0.5, 0, 0, PQ_CHART_RGB_TEXT);
        y += pq_chart_line_height(cr);
        any = true;
    }
    if (subtitle && *subtitle) {
        if (any) y += 6 * s;
        pq_chart_fit_font(cr, subtitle, 21 * s, 10 * s, false, w);
        if (draw) pq_chart_text(cr, subtitle, x + w / 2, y, 0.5, 0, 0, PQ_CHART_RGB_MUTED);
        y += pq_chart_line_height(cr);
        any = true;
    }
    return any ? y + 16 * s : y;
}

double pq_chart_titles_height(pq_chart_canvas *c, const char *title, const char *subtitle, double w)
{
    return titles(c, title, subtitle, 0, w, false);
}

double pq_chart_draw_titles(pq_chart_canvas *c, const char *title, const char *subtitle, double x, double w)
{
    return titles(c, title, subtitle, x, w, true);
}

/* -------------------------------------------------------------- y axis */

double pq_chart_tick_font(const pq_chart_canvas *c) { return 19 * c->s; }
double pq_chart_tick_len(const pq_chart_canvas *c) { return 7 * c->s; }
double pq_chart_tick_gap(const pq_chart_canvas *c) { return 6 * c->s; }

int pq_chart_max_y_ticks(const pq_chart_canvas *c, double h)
{
    int n = (int)(h / (pq_chart_tick_font(c) * 3.2));
    return n < 2 ? 2 : n > PQ_CHART_MAX_TICKS ? PQ_CHART_MAX_TICKS : n;
}

double pq_chart_y_labels_width(pq_chart_canvas *c, const pq_chart_ticks *t)
{
    char buf[64];
    double w = 0;
    pq_chart_set_font(c->cr, pq_chart_tick_font(c), false);
    for (int i = 0; i < t->n; i++) {
        pq_chart_tick_label(t, i, buf, sizeof buf);
        double tw = pq_chart_text_width(c->cr, buf);
        if (tw > w) w = tw;
    }
    return w;
}

void pq_chart_line1(cairo_t *cr, double x0, double y0, double x1, double y1, uint32_t rgb)
{
    pq_chart_set_rgb(cr, rgb);
    cairo_set_line_width(cr, 1.0);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
}

void pq_chart_draw_y_grid(pq_chart_canvas *c, const pq_chart_rect *r, const pq_chart_ticks *t)
{
    cairo_t *cr = c->cr;
    cairo_set_source_rgba(cr, 0, 0, 0, PQ_CHART_GRID_ALPHA);
    cairo_set_line_width(cr, 1.0);
    for (int i = 0; i < t->n; i++) {
        double y = pq_chart_crisp(pq_chart_y_px(r, t, pq_chart_tick_value(t, i)));
        cairo_move_to(cr, r->x, y);
        cairo_line_to(cr, r->x + r->w, y);
    }
    cairo_stroke(cr);
}

void pq_chart_draw_y_axis(pq_chart_canvas *c, const pq_chart_rect *r, const pq_chart_ticks *t)
{
    cairo_t *cr = c->cr;
    double len = pq_chart_tick_len(c), gap = pq_chart_tick_gap(c);
    double xl = pq_chart_crisp(r->x), yb = pq_chart_crisp(r->y + r->h);
    if (t->lo < 0 && 0 < t->hi) {
        double y0 = pq_chart_crisp(pq_chart_y_px(r, t, 0));
        pq_chart_line1(cr, r->x, y0, r->x + r->w, y0, PQ_CHART_RGB_ZERO);
    }
    pq_chart_line1(cr, xl, r->y, xl, yb, PQ_CHART_RGB_AXIS);
    pq_chart_line1(cr, r->x, yb, r->x + r->w, yb, PQ_CHART_RGB_AXIS);
    char buf[64];
    pq_chart_set_font(cr, pq_chart_tick_font(c), false);
    for (int i = 0; i < t->n; i++) {
        double y = pq_chart_crisp(pq_chart_y_px(r, t, pq_chart_tick_value(t, i)));
        pq_chart_line1(cr, xl - len, y, xl, y, PQ_CHART_RGB_AXIS);
        pq_chart_tick_label(t, i, buf, sizeof buf);
        pq_chart_text(cr, buf, xl - len - gap, y, 1, 0.5, 0, PQ_CHART_RGB_MUTED);
    }
}

/* ---------------------------------------------------- process-wide caches */

void pq_chart_release_caches(void)
{
    cairo_debug_reset_static_data();
    /* cairo loads fontconfig but its pkg-config entry does not link it for
     * us: look FcFini up in the process instead of adding a dependency. */
    void (*fc_fini)(void);
    void *sym = dlsym(RTLD_DEFAULT, "FcFini");
    memcpy(&fc_fini, &sym, sizeof fc_fini);
    if (fc_fini) fc_fini();
}
