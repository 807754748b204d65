/* SPDX-License-Identifier: Apache-2.0
 *
 * chart/chart_png.c - a finished canvas to a PNG file: cairo's PNG encoder
 * writes through a callback into the file sink (io/sink.h), which fills a
 * temporary file beside the target and renames it over the target only on
 * a successful close.  A failed write keeps the sink's error (PQ_ERR_IO
 * naming the path) and aborts the sink, so nothing is left on disk.
 * cairo's PNG has no time stamp: the same pixels give the same bytes.
 */
#include "chart/chart_draw.h"

#include "io/sink.h"

typedef struct png_writer {
    pq_sink *sink;
    pq_error *err;
    pq_status status; /* of the first failed sink write */
} png_writer;

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int length)
{
    png_writer *w = closure;
    if (w->status != PQ_OK) return CAIRO_STATUS_WRITE_ERROR;
    w->status = pq_sink_write(w->sink, data, length, w->err);
    return w->status == PQ_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

pq_status pq_chart_canvas_write_png(pq_chart_canvas *c, const char *path, pq_error *err)
{
    if (!path || !*path) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "chart output path is empty");
    cairo_surface_flush(c->surface);
    PQ_TRY(pq_chart_canvas_check(c, err));
    png_writer w = {NULL, err, PQ_OK};
    PQ_TRY(pq_sink_open_file(&w.sink, path, NULL, err));
    cairo_status_t st = cairo_surface_write_to_png_stream(c->surface, write_cb, &w);
    if (st != CAIRO_STATUS_SUCCESS || w.status != PQ_OK) {
        pq_sink_abort(w.sink);
        return w.status != PQ_OK ? w.status : pq_chart_cairo_fail(st, err);
    }
    return pq_sink_close(w.sink, err);
}
