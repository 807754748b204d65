/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_universe.c - the tabular members of a universe (necrozma.md
 * §1): `results` becomes the stats table, one row per (level, direction)
 * cell in file order; `ohlc_data` becomes the candle table.
 *
 * Stats table columns: level, direction, total_occurrences,
 * unique_patterns, top_patterns (list of struct signature/count), then one
 * DOUBLE per feature statistic, the union over cells sorted by feature name
 * and then mean/std/min/max (the source's order is a Python set's, random
 * per run, §9.18), then feature_stats_order (each cell's own key order as
 * indexes into the stat columns; null when the cell has no feature_stats
 * member) and json_extra.  A stat value that is not a float token, or a
 * stat named like a fixed column, keeps that cell's whole feature_stats as
 * JSON in json_extra.  `results` itself is taken only when it is an object
 * of non-empty objects of cells; any other shape stays a file-level member.
 */
#include "migrate/nz_internal.h"

#include <stdlib.h>
#include <string.h>

static const nz_field pattern_fields[] = {
    { "signature", NZ_STR, NULL, false },
    { "count", NZ_I64, NULL, false },
};
static const nz_spec pattern_spec = { pattern_fields, 2 };

enum { CELL_FEATURE_STATS = 3 };
static const nz_field cell_fields[] = {
    { "total_occurrences", NZ_I64, NULL, false },
    { "unique_patterns", NZ_I64, NULL, false },
    { "top_patterns", NZ_LIST_REC, &pattern_spec, false },
    { "feature_stats", NZ_CUSTOM, NULL, false },
};
static const nz_spec cell_spec = { cell_fields, 4 };

static const nz_field candle_fields[] = {
    { "timestamp", NZ_TS, NULL, false },   { "open", NZ_F64, NULL, false },
    { "high", NZ_F64, NULL, false },       { "low", NZ_F64, NULL, false },
    { "close", NZ_F64, NULL, false },      { "spread_avg", NZ_F64, NULL, false },
    { "tick_volume", NZ_I64, NULL, false }, { "body", NZ_F64, NULL, false },
    { "body_pips", NZ_F64, NULL, false },  { "range_pips", NZ_F64, NULL, false },
    { "upper_wick", NZ_F64, NULL, false }, { "lower_wick", NZ_F64, NULL, false },
    { "direction", NZ_STR, NULL, false },
};
static const nz_spec candle_spec = { candle_fields, 13 };

#define STATS_FIRST 5 /* level, direction, 3 cell columns */
static const char *const fixed_names[] = { "level", "direction", "total_occurrences", "unique_patterns",
                                           "top_patterns", "feature_stats_order", NZ_EXTRA };

/* ------------------------------------------------------- stat ordering */

static int stat_rank(const char *k, size_t n, size_t *feature_len)
{
    static const char *const stats[] = { "mean", "std", "min", "max" };
    for (int r = 0; r < 4; r++) {
        size_t sl = strlen(stats[r]);
        if (n > sl + 1 && k[n - sl - 1] == '_' && memcmp(k + n - sl, stats[r], sl) == 0) {
            *feature_len = n - sl - 1;
            return r;
        }
    }
    *feature_len = n;
    return 4;
}

/* Order of stat columns: feature name, then mean/std/min/max, then the whole key. */
static int stat_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t fa, fb;
    int ra = stat_rank(a, an, &fa), rb = stat_rank(b, bn, &fb);
    size_t m = fa < fb ? fa : fb;
    int c = memcmp(a, b, m);
    if (c) return c;
    if (fa != fb) return fa < fb ? -1 : 1;
    if (ra != rb) return ra < rb ? -1 : 1;
    m = an < bn ? an : bn;
    c = memcmp(a, b, m);
    return c ? c : (an < bn ? -1 : an > bn);
}

typedef struct stat_key {
    const char *s;
    uint32_t n;
} stat_key;

static int stat_key_cmp(const void *x, const void *y)
{
    const stat_key *a = x, *b = y;
    return stat_cmp(a->s, a->n, b->s, b->n);
}

/* ----------------------------------------------------------- results */

typedef struct stats_ctx {
    nz_import *im;
    stat_key *keys;      /* sorted union of stat keys (pointing into the DOM) */
    size_t n_keys;
    double *row_val;     /* per stat column for the current cell */
    bool *row_has;
    pq_table *t;
} stats_ctx;

static bool fixed_name(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof fixed_names / sizeof *fixed_names; i++)
        if (nz_key_eq(s, n, fixed_names[i])) return true;
    return false;
}

/* Can this feature_stats value go to the stat columns? */
static bool stats_fit(const pq_json_node *nodes, uint32_t v)
{
    if (nodes[v].type != PQ_JSON_OBJECT) return false;
    for (uint32_t c = v + 1; c < nodes[v].next; c = nodes[nodes[c].next].next) {
        if (nodes[nodes[c].next].type != PQ_JSON_DOUBLE || fixed_name(nodes[c].str, nodes[c].len)) return false;
    }
    return true;
}

static int64_t find_stat(const stats_ctx *c, const char *s, size_t n)
{
    size_t lo = 0, hi = c->n_keys;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = stat_cmp(c->keys[mid].s, c->keys[mid].n, s, n);
        if (r == 0) return (int64_t)mid;
        if (r < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

static pq_array *order_col(stats_ctx *c) { return &c->t->columns[STATS_FIRST + c->n_keys]; }

static pq_status stats_take(void *ctx, int field, const pq_json_node *nodes, uint32_t v, bool *taken, pq_error *err)
{
    stats_ctx *c = ctx;
    *taken = stats_fit(nodes, v);
    if (!*taken) return PQ_OK;
    pq_array *order = order_col(c);
    for (uint32_t k = v + 1; k < nodes[v].next; k = nodes[nodes[k].next].next) {
        int64_t idx = find_stat(c, nodes[k].str, nodes[k].len);
        if (idx < 0) return PQ_FAIL(err, PQ_ERR_STATE, "stat key missing from the union");
        c->row_has[idx] = true;
        c->row_val[idx] = pq_jpull_node_double(&nodes[nodes[k].next]);
        PQ_TRY(pq_array_append_i64(&order->children[0], idx, err));
    }
    return pq_array_append_valid(order, err);
}

static pq_status stats_absent(void *ctx, int field, pq_error *err)
{
    stats_ctx *c = ctx;
    return pq_array_append_null(order_col(c), err);
}

/* The union of stat keys over the cells whose stats fit, sorted. */
static pq_status collect_keys(stats_ctx *c, const pq_json_node *nodes, pq_error *err)
{
    size_t cap = 0;
    for (uint32_t l = 1; l < nodes[0].next; l = nodes[nodes[l].next].next)
        for (uint32_t d = nodes[l].next + 1; d < nodes[nodes[l].next].next; d = nodes[nodes[d].next].next) {
            uint32_t cell = nodes[d].next;
            if (nodes[cell].type != PQ_JSON_OBJECT) continue;
            for (uint32_t m = cell + 1; m < nodes[cell].next; m = nodes[nodes[m].next].next) {
                uint32_t v = nodes[m].next;
                if (!nz_key_eq(nodes[m].str, nodes[m].len, "feature_stats") || !stats_fit(nodes, v)) continue;
                for (uint32_t k = v + 1; k < nodes[v].next; k = nodes[nodes[k].next].next) {
                    if (c->n_keys == cap) {
                        cap = cap ? cap * 2 : 256;
                        stat_key *nk = realloc(c->keys, cap * sizeof *nk);
                        if (nk == NULL) return PQ_NOMEM(err);
                        c->keys = nk;
                    }
                    c->keys[c->n_keys++] = (stat_key){ nodes[k].str, nodes[k].len };
                }
            }
        }
    if (c->n_keys) qsort(c->keys, c->n_keys, sizeof *c->keys, stat_key_cmp);
    size_t u = 0;
    for (size_t i = 0; i < c->n_keys; i++)
        if (u == 0 || stat_key_cmp(&c->keys[u - 1], &c->keys[i]) != 0) c->keys[u++] = c->keys[i];
    c->n_keys = u;
    return PQ_OK;
}

static pq_status stats_schema(const stats_ctx *c, pq_schema *s, pq_error *err)
{
    pq_field f;
    memset(&f, 0, sizeof f);
    PQ_TRY(pq_field_init(&f, "level", pq_type_make(PQ_KIND_STRING), true, NULL, err));
    PQ_TRY(pq_schema_add(s, &f, err));
    PQ_TRY(pq_field_init(&f, "direction", pq_type_make(PQ_KIND_STRING), true, NULL, err));
    PQ_TRY(pq_schema_add(s, &f, err));
    PQ_TRY(nz_spec_schema(&cell_spec, s, err));
    char name[1024];
    for (size_t i = 0; i < c->n_keys; i++) {
        size_t n = c->keys[i].n < sizeof name - 1 ? c->keys[i].n : sizeof name - 1;
        memcpy(name, c->keys[i].s, n);
        name[n] = 0;
        PQ_TRY(pq_field_init(&f, name, pq_type_make(PQ_KIND_DOUBLE), true, NULL, err));
        PQ_TRY(pq_schema_add(s, &f, err));
    }
    pq_field e;
    memset(&e, 0, sizeof e);
    PQ_TRY(pq_field_init(&e, "element", pq_type_int(32, true), true, NULL, err));
    pq_status st = pq_field_list(&f, "feature_stats_order", true, &e, NULL, err);
    pq_field_reset(&e, NULL);
    PQ_TRY(st);
    PQ_TRY(pq_schema_add(s, &f, err));
    PQ_TRY(pq_field_init(&f, NZ_EXTRA, pq_type_make(PQ_KIND_STRING), true, NULL, err));
    return pq_schema_add(s, &f, err);
}

static pq_status stats_table_init(stats_ctx *c, pq_error *err)
{
    pq_schema s;
    pq_schema_init(&s, NULL);
    pq_status st = stats_schema(c, &s, err);
    if (st == PQ_OK) st = pq_table_init(c->t, &s, err);
    pq_schema_reset(&s);
    return st;
}

static bool results_shape_ok(const pq_json_node *nodes)
{
    if (nodes[0].type != PQ_JSON_OBJECT) return false;
    for (uint32_t l = 1; l < nodes[0].next; l = nodes[nodes[l].next].next) {
        uint32_t lv = nodes[l].next;
        if (nodes[lv].type != PQ_JSON_OBJECT || nodes[lv].count == 0) return false;
        for (uint32_t d = lv + 1; d < nodes[lv].next; d = nodes[nodes[d].next].next)
            if (nodes[nodes[d].next].type != PQ_JSON_OBJECT) return false;
    }
    return true;
}

static pq_status import_cells(stats_ctx *c, const pq_json_node *nodes, pq_error *err)
{
    pq_table *t = c->t;
    nz_custom cu = { c, stats_take, stats_absent, NULL, NULL };
    for (uint32_t l = 1; l < nodes[0].next; l = nodes[nodes[l].next].next) {
        uint32_t lv = nodes[l].next;
        for (uint32_t d = lv + 1; d < nodes[lv].next; d = nodes[nodes[d].next].next) {
            memset(c->row_has, 0, c->n_keys * sizeof *c->row_has);
            PQ_TRY(pq_array_append_bytes(&t->columns[0], nodes[l].str, nodes[l].len, err));
            PQ_TRY(pq_array_append_bytes(&t->columns[1], nodes[d].str, nodes[d].len, err));
            PQ_TRY(nz_row_import(&cell_spec, &t->columns[2], &t->columns[STATS_FIRST + c->n_keys + 1], &cu, nodes,
                                 nodes[d].next, &c->im->scratch, err));
            for (size_t k = 0; k < c->n_keys; k++) {
                pq_array *col = &t->columns[STATS_FIRST + k];
                if (c->row_has[k]) PQ_TRY(pq_array_append_double(col, c->row_val[k], err));
                else PQ_TRY(pq_array_append_null(col, err));
            }
        }
    }
    return pq_table_finish(t, err);
}

static pq_status import_results(nz_import *im, pq_jpull *p, pq_buf *kept, pq_error *err)
{
    const pq_json_node *nodes;
    uint32_t n;
    PQ_TRY(pq_jpull_value(p, &nodes, &n, err));
    if (!results_shape_ok(nodes)) return pq_json_write(nodes, 0, kept, err);
    stats_ctx c = { .im = im, .t = &im->doc->main };
    pq_status st = collect_keys(&c, nodes, err);
    if (st == PQ_OK) {
        c.row_val = calloc(c.n_keys + 1, sizeof *c.row_val);
        c.row_has = calloc(c.n_keys + 1, sizeof *c.row_has);
        st = c.row_val && c.row_has ? stats_table_init(&c, err) : PQ_NOMEM(err);
    }
    if (st == PQ_OK) st = import_cells(&c, nodes, err);
    free(c.keys);
    free(c.row_val);
    free(c.row_has);
    return st;
}

/* ------------------------------------------------------------ candles */

static pq_status candle_row(nz_import *im, const pq_json_node *nodes, void *ctx, pq_error *err)
{
    pq_table *t = ctx;
    return nz_row_import(&candle_spec, t->columns, &t->columns[candle_spec.n], NULL, nodes, 0, &im->scratch, err);
}

static pq_status import_candles(nz_import *im, pq_jpull *p, pq_buf *kept, pq_error *err)
{
    pq_table *t = &im->doc->candles;
    PQ_TRY(nz_table_for_spec(t, NULL, NULL, &candle_spec, NULL, err));
    bool taken;
    PQ_TRY(nz_stream_array(im, p, kept, &taken, candle_row, t, err));
    return pq_table_finish(t, err);
}

/* ------------------------------------------------------------- hooks */

static bool universe_is_part(const char *key, size_t len)
{
    return nz_key_eq(key, len, "results") || nz_key_eq(key, len, "ohlc_data");
}

static pq_status universe_import(nz_import *im, const char *key, size_t len, pq_jpull *p, pq_buf *kept, pq_error *err)
{
    if (nz_key_eq(key, len, "results")) return import_results(im, p, kept, err);
    return import_candles(im, p, kept, err);
}

static pq_status universe_finish(nz_import *im, pq_error *err)
{
    if (im->doc->main.schema.n_fields == 0) { /* no tabular results: an empty stats table */
        stats_ctx c = { .im = im, .t = &im->doc->main };
        PQ_TRY(stats_table_init(&c, err));
    }
    if (im->doc->candles.schema.n_fields == 0) PQ_TRY(nz_table_for_spec(&im->doc->candles, NULL, NULL, &candle_spec, NULL, err));
    return PQ_OK;
}

/* Export side: the stat columns of a read-back table are those between
 * top_patterns and feature_stats_order. */
typedef struct emit_ctx {
    const pq_table *t;
    int64_t order_col;
} emit_ctx;

static bool stats_present(void *ctx, int field, int64_t row)
{
    const emit_ctx *c = ctx;
    return pq_array_is_valid(&c->t->columns[c->order_col], row);
}

static pq_status stats_emit(void *ctx, int field, int64_t row, pq_jemit *e, pq_error *err)
{
    const emit_ctx *c = ctx;
    const pq_array *order = &c->t->columns[c->order_col];
    const pq_array *idx = &order->children[0];
    int64_t n_stats = c->order_col - STATS_FIRST;
    PQ_TRY(pq_jemit_object_begin(e, err));
    for (int64_t k = order->offsets[row]; k < order->offsets[row + 1]; k++) {
        int32_t s = ((const int32_t *)idx->values)[k];
        if (s < 0 || s >= n_stats) return PQ_FAIL(err, PQ_ERR_CORRUPT, "feature_stats_order: index %d out of range", s);
        const pq_array *col = &c->t->columns[STATS_FIRST + s];
        if (!pq_array_is_valid(col, row)) return PQ_FAIL(err, PQ_ERR_CORRUPT, "stat %s: null in row %lld", c->t->schema.fields[STATS_FIRST + s].name, (long long)row);
        const char *name = c->t->schema.fields[STATS_FIRST + s].name;
        PQ_TRY(pq_jemit_key(e, name, strlen(name), err));
        PQ_TRY(pq_jemit_double(e, ((const double *)col->values)[row], err));
    }
    return pq_jemit_object_end(e, err);
}

/* The fixed columns (a stats table without stats) and every stat a DOUBLE. */
static pq_status check_stats_layout(const pq_table *t, int64_t *order_col, pq_error *err)
{
    int64_t n = t->schema.n_fields;
    if (n < STATS_FIRST + 2) return PQ_FAIL(err, PQ_ERR_CORRUPT, "stats table: %lld columns, not the necrozma layout", (long long)n);
    pq_table want;
    stats_ctx c = { .t = &want };
    PQ_TRY(stats_table_init(&c, err));
    pq_status st = nz_check_fields(t->schema.fields, want.schema.fields, STATS_FIRST, "stats", err);
    if (st == PQ_OK) st = nz_check_fields(t->schema.fields + n - 2, want.schema.fields + STATS_FIRST, 2, "stats", err);
    pq_table_reset(&want);
    PQ_TRY(st);
    for (int64_t i = STATS_FIRST; i < n - 2; i++)
        if (t->schema.fields[i].type.kind != PQ_KIND_DOUBLE)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "stats table: stat column %s is not DOUBLE", t->schema.fields[i].name);
    *order_col = n - 2;
    return PQ_OK;
}

static pq_status emit_results(const pq_nz_doc *d, pq_jemit *e, pq_error *err)
{
    const pq_table *t = &d->main;
    emit_ctx c = { t, 0 };
    PQ_TRY(check_stats_layout(t, &c.order_col, err));
    nz_custom cu = { &c, NULL, NULL, stats_present, stats_emit };
    PQ_TRY(pq_jemit_object_begin(e, err));
    const uint8_t *prev = NULL;
    size_t prev_n = 0;
    for (int64_t r = 0; r < t->num_rows; r++) {
        size_t ln, dn;
        const uint8_t *level = pq_array_bytes(&t->columns[0], r, &ln);
        const uint8_t *dir = pq_array_bytes(&t->columns[1], r, &dn);
        if (prev == NULL || ln != prev_n || memcmp(level, prev, ln) != 0) {
            if (prev != NULL) PQ_TRY(pq_jemit_object_end(e, err));
            PQ_TRY(pq_jemit_key(e, (const char *)level, ln, err));
            PQ_TRY(pq_jemit_object_begin(e, err));
            prev = level;
            prev_n = ln;
        }
        PQ_TRY(pq_jemit_key(e, (const char *)dir, dn, err));
        PQ_TRY(nz_row_export(&cell_spec, &t->columns[2], &t->columns[c.order_col + 1], &cu, r, e, err));
    }
    if (prev != NULL) PQ_TRY(pq_jemit_object_end(e, err));
    return pq_jemit_object_end(e, err);
}

static pq_status emit_candles(const pq_nz_doc *d, pq_jemit *e, pq_error *err)
{
    const pq_table *t = &d->candles;
    PQ_TRY(nz_check_spec_table(t, NULL, NULL, &candle_spec, NULL, "candle", err));
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (int64_t r = 0; r < t->num_rows; r++)
        PQ_TRY(nz_row_export(&candle_spec, t->columns, &t->columns[candle_spec.n], NULL, r, e, err));
    return pq_jemit_array_end(e, err);
}

static pq_status universe_emit(const pq_nz_doc *d, const char *key, size_t len, pq_jemit *e, pq_error *err)
{
    if (nz_key_eq(key, len, "results")) return emit_results(d, e, err);
    return emit_candles(d, e, err);
}

const nz_kind_ops nz_universe_ops = { universe_is_part, universe_import, universe_finish, universe_emit };
