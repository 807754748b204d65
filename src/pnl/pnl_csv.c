/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl_csv.c - reads a strategy CSV (legacy, zone or enhanced layout)
 * into a pq_pnl.
 *
 * One streaming pass.  Strategy cells go into a row-major buffer (a CSV is
 * row-major) which is transposed into the strategy-major matrix at the end;
 * null cells travel through the buffer as a NaN with a payload no parser
 * produces.  Date cells are kept split (day, month, year as written) until
 * the whole column has been seen: only then is "02-01-2023" known to be
 * DD-MM-YYYY (some other row has a day past 12) or MM-DD-YYYY, and a column
 * that reads both ways is an error, not a guess.
 */
#include "pnl/pnl_internal.h"

#include "convert/infer.h"
#include "io/csv.h"
#include "io/source.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The null marker in the row-major buffer: a quiet NaN with a payload. */
static const uint64_t NULL_BITS = 0x7ff8dead0000a11full;

typedef struct csv_col {
    int role;            /* pq_pnl_role, or -1 for a strategy */
    int64_t index;       /* strategy index, or -1 */
    bool trailing_blank; /* no header name, after every named column */
    bool has_value;
} csv_col;

typedef struct csv_load {
    const char *path;
    pq_pnl *p;
    int64_t n_cols;
    csv_col *cols;
    double *rows;        /* rows_cap x n_strategies, row-major */
    int64_t rows_cap;
    pnl_date_parts *dates;
    int64_t *lines;      /* CSV line of each row */
    pnl_labels labels[PQ_PNL_ROLE_COUNT];
    pq_buf scratch;
} csv_load;

static void load_reset(csv_load *L)
{
    free(L->cols);
    free(L->rows);
    free(L->dates);
    free(L->lines);
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++) pnl_labels_reset(&L->labels[r]);
    pq_buf_reset(&L->scratch);
}

/* Fail with a location: line, field and column name. */
PQ_PRINTF(6, 7)
static pq_status cell_error(csv_load *L, pq_error *err, int64_t line, int64_t field, int64_t offset,
                            const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pq_error_clear(err);
    pq_status s = PQ_FAIL(err, PQ_ERR_PARSE, "%s", msg);
    if (err) {
        err->where.line = line;
        err->where.field = field;
        if (offset >= 0) err->where.offset = offset;
        snprintf(err->path, sizeof err->path, "%s", L->path);
    }
    return s;
}

static bool is_blank_name(const pq_csv_field *f) { return f->len == 0; }

static int cmp_str_ptr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The header: names, roles, strategies. */
static pq_status read_header(csv_load *L, const pq_csv_record *rec, pq_error *err)
{
    pq_pnl *p = L->p;
    int64_t n = rec->n_fields;
    L->n_cols = n;
    if (!(L->cols = calloc((size_t)n, sizeof *L->cols))) return PQ_NOMEM(err);
    int64_t last_named = -1;
    for (int64_t i = 0; i < n; i++)
        if (!is_blank_name(&rec->fields[i])) last_named = i;
    int64_t n_strat = 0;
    for (int64_t i = 0; i < n; i++) {
        const pq_csv_field *f = &rec->fields[i];
        if (memchr(f->ptr, 0, f->len))
            return cell_error(L, err, rec->line, i + 1, -1, "column %lld: the header name contains a NUL byte",
                              (long long)(i + 1));
        char name[64];
        char *owned = NULL;
        if (f->len == 0) {
            snprintf(name, sizeof name, "column_%lld", (long long)(i + 1));
            L->cols[i].trailing_blank = i > last_named;
        } else {
            if (!(owned = malloc(f->len + 1))) return PQ_NOMEM(err);
            memcpy(owned, f->ptr, f->len);
            owned[f->len] = 0;
        }
        const char *nm = owned ? owned : name;
        int role = owned ? pnl_role_of(nm) : -1;
        if (role >= 0 && p->meta[role].present) role = -1; /* a second "Day": a strategy named Day */
        L->cols[i].role = role;
        L->cols[i].index = -1;
        if (role >= 0) {
            pq_status s = pnl_meta_alloc(&p->meta[role], (pq_pnl_role)role, nm, i, 0, err);
            free(owned);
            PQ_TRY(s);
            continue;
        }
        char **names = realloc(p->names, (size_t)(n_strat + 1) * sizeof *names);
        int64_t *pos = realloc(p->positions, (size_t)(n_strat + 1) * sizeof *pos);
        if (names) p->names = names;
        if (pos) p->positions = pos;
        if (!names || !pos || (!owned && !(owned = strdup(name)))) {
            free(owned);
            return PQ_NOMEM(err);
        }
        p->names[n_strat] = owned;
        p->positions[n_strat] = i;
        L->cols[i].index = n_strat++;
        p->n_strategies = n_strat;
    }
    if (!p->meta[PQ_PNL_DATE].present)
        return cell_error(L, err, rec->line, 1, rec->offset,
                          "no Date column: a strategy CSV needs one (header starts with '%.*s')",
                          (int)(rec->fields[0].len > 40 ? 40 : rec->fields[0].len), (const char *)rec->fields[0].ptr);
    if (n_strat == 0) return cell_error(L, err, rec->line, 1, rec->offset, "no strategy column after the row attributes");
    /* Names must be unique: a Parquet column and a matrix column per name. */
    const char **sorted = malloc((size_t)n * sizeof *sorted);
    if (!sorted) return PQ_NOMEM(err);
    int64_t k = 0;
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++)
        if (p->meta[r].present) sorted[k++] = p->meta[r].name;
    for (int64_t j = 0; j < n_strat; j++) sorted[k++] = p->names[j];
    qsort(sorted, (size_t)k, sizeof *sorted, cmp_str_ptr);
    for (int64_t j = 1; j < k; j++)
        if (strcmp(sorted[j - 1], sorted[j]) == 0) {
            char dup[80];
            snprintf(dup, sizeof dup, "%s", sorted[j]);
            free(sorted);
            return cell_error(L, err, rec->line, 0, rec->offset, "column name '%s' appears twice in the header", dup);
        }
    free(sorted);
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++) pnl_labels_init(&L->labels[r], &p->meta[r]);
    return PQ_OK;
}

/* Room for one more row in every per-row array. */
static pq_status grow_rows(csv_load *L, int64_t need, pq_error *err)
{
    if (need <= L->rows_cap) return PQ_OK;
    pq_pnl *p = L->p;
    int64_t cap = L->rows_cap ? L->rows_cap * 2 : 64;
    size_t cells;
    if (pq_mul_overflow((size_t)cap, (size_t)p->n_strategies, &cells) || cells > ((size_t)1 << 40))
        return PQ_FAIL(err, PQ_ERR_LIMIT, "%s: the P&L matrix is too large", L->path);
    double *rows = realloc(L->rows, cells * sizeof *rows);
    if (!rows) return PQ_NOMEM(err);
    L->rows = rows;
    pnl_date_parts *dates = realloc(L->dates, (size_t)cap * sizeof *dates);
    if (dates) L->dates = dates;
    int64_t *lines = realloc(L->lines, (size_t)cap * sizeof *lines);
    if (lines) L->lines = lines;
    if (!dates || !lines) return PQ_NOMEM(err);
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++)
        if (p->meta[r].present) PQ_TRY(pnl_meta_resize(&p->meta[r], L->rows_cap, cap, err));
    L->rows_cap = cap;
    return PQ_OK;
}

/* One row attribute cell. */
static pq_status meta_cell(csv_load *L, const pq_csv_record *rec, int64_t i, int64_t row, pq_error *err)
{
    pq_pnl *p = L->p;
    const pq_csv_field *f = &rec->fields[i];
    int role = L->cols[i].role;
    pq_pnl_meta *m = &p->meta[role];
    int64_t off = rec->offset + (int64_t)(f->ptr - rec->fields[0].ptr);
    if (role == PQ_PNL_DATE) {
        if (f->len == 0) return cell_error(L, err, rec->line, i + 1, off, "column %s: empty date", m->name);
        if (!pnl_date_split(f->ptr, f->len, &L->dates[row]))
            return cell_error(L, err, rec->line, i + 1, off,
                              "column %s: '%.*s' is not a date (YYYY-MM-DD or DD-MM-YYYY)", m->name,
                              (int)(f->len > 40 ? 40 : f->len), (const char *)f->ptr);
        return PQ_OK;
    }
    if (f->len == 0) {
        if (m->kind == PQ_PNL_META_STRING) {
            m->codes[row] = -1;
            return PQ_OK;
        }
        return pnl_meta_set_null(m, row, L->rows_cap, err);
    }
    switch (m->kind) {
    case PQ_PNL_META_TIME:
        if (!pnl_time_parse(f->ptr, f->len, &m->micros[row]))
            return cell_error(L, err, rec->line, i + 1, off, "column %s: '%.*s' is not a time of day (HH:MM:SS)",
                              m->name, (int)(f->len > 40 ? 40 : f->len), (const char *)f->ptr);
        return PQ_OK;
    case PQ_PNL_META_DOUBLE: {
        pq_error e2;
        pq_error_clear(&e2);
        if (pq_text_double(f->ptr, f->len, &L->scratch, &m->doubles[row], &e2) != PQ_OK)
            return cell_error(L, err, rec->line, i + 1, off, "column %s: '%.*s' is not a number", m->name,
                              (int)(f->len > 40 ? 40 : f->len), (const char *)f->ptr);
        return PQ_OK;
    }
    case PQ_PNL_META_STRING:
        if (memchr(f->ptr, 0, f->len))
            return cell_error(L, err, rec->line, i + 1, off, "column %s: a NUL byte in the value", m->name);
        return pnl_labels_code(&L->labels[role], f->ptr, f->len, &m->codes[row], err);
    case PQ_PNL_META_DATE: break;
    }
    return PQ_OK;
}

static pq_status read_row(csv_load *L, const pq_csv_record *rec, int64_t row, pq_error *err)
{
    pq_pnl *p = L->p;
    if (rec->n_fields != L->n_cols)
        return cell_error(L, err, rec->line, rec->n_fields < L->n_cols ? rec->n_fields : L->n_cols + 1, rec->offset,
                          "expected %lld fields (as the header has), found %lld", (long long)L->n_cols,
                          (long long)rec->n_fields);
    PQ_TRY(grow_rows(L, row + 1, err));
    L->lines[row] = rec->line;
    double *out = L->rows + (size_t)row * (size_t)p->n_strategies;
    for (int64_t i = 0; i < L->n_cols; i++) {
        const csv_col *c = &L->cols[i];
        const pq_csv_field *f = &rec->fields[i];
        if (c->role >= 0) {
            PQ_TRY(meta_cell(L, rec, i, row, err));
            continue;
        }
        double *v = out + c->index;
        if (f->len == 0) {
            memcpy(v, &NULL_BITS, 8);
            continue;
        }
        L->cols[i].has_value = true;
        pq_error e2;
        pq_error_clear(&e2);
        if (pq_text_double(f->ptr, f->len, &L->scratch, v, &e2) != PQ_OK)
            return cell_error(L, err, rec->line, i + 1, rec->offset + (int64_t)(f->ptr - rec->fields[0].ptr),
                              "strategy column '%s': '%.*s' is not a number", p->names[c->index],
                              (int)(f->len > 40 ? 40 : f->len), (const char *)f->ptr);
    }
    return PQ_OK;
}

/* Decide the date order from the whole column and convert. */
static pq_status resolve_dates(csv_load *L, const char *want, pq_error *err)
{
    pq_pnl *p = L->p;
    pq_pnl_meta *m = &p->meta[PQ_PNL_DATE];
    int64_t n = p->n_rows;
    const char *order = want;
    if (!order) {
        int64_t first_ymd = -1, first_other = -1;
        bool dmy = true, mdy = true;
        int32_t d;
        for (int64_t r = 0; r < n; r++) {
            const pnl_date_parts *x = &L->dates[r];
            if (x->ymd) {
                if (first_ymd < 0) first_ymd = r;
                continue;
            }
            if (first_other < 0) first_other = r;
            if (dmy && !pnl_date_days(x, "dmy", &d)) dmy = false;
            if (mdy && !pnl_date_days(x, "mdy", &d)) mdy = false;
        }
        if (first_ymd >= 0 && first_other >= 0)
            return cell_error(L, err, L->lines[first_other], m->position + 1, -1,
                              "column %s mixes YYYY-MM-DD (line %lld) with DD-MM-YYYY-shaped dates (line %lld)", m->name,
                              (long long)L->lines[first_ymd], (long long)L->lines[first_other]);
        if (first_other < 0) order = "ymd";
        else if (dmy && mdy)
            return cell_error(L, err, L->lines[first_other], m->position + 1, -1,
                              "column %s is ambiguous: every date reads both as DD-MM-YYYY and as MM-DD-YYYY "
                              "(no day above 12); say which with --date-format dmy or mdy",
                              m->name);
        else if (dmy) order = "dmy";
        else if (mdy) order = "mdy";
        else {
            order = "dmy"; /* report the first date invalid as DD-MM-YYYY below */
        }
    }
    for (int64_t r = 0; r < n; r++)
        if (!pnl_date_days(&L->dates[r], order, &m->days[r])) {
            const pnl_date_parts *x = &L->dates[r];
            return cell_error(L, err, L->lines[r], m->position + 1, -1, "column %s: %d-%d-%d is not a valid %s date",
                              m->name, x->a, x->b, x->c,
                              strcmp(order, "ymd") == 0 ? "YYYY-MM-DD" : strcmp(order, "dmy") == 0 ? "DD-MM-YYYY"
                                                                                                    : "MM-DD-YYYY");
        }
    snprintf(p->date_format, sizeof p->date_format, "%s", order);
    return PQ_OK;
}

/* Drop trailing unnamed columns that never hold a value; returns how many. */
static int64_t drop_blank_tail(csv_load *L)
{
    pq_pnl *p = L->p;
    int64_t dropped = 0;
    for (int64_t i = L->n_cols - 1; i >= 0; i--) {
        const csv_col *c = &L->cols[i];
        if (!c->trailing_blank || c->has_value || c->index != p->n_strategies - 1) break;
        free(p->names[c->index]);
        p->n_strategies--;
        dropped++;
    }
    return dropped;
}

/* Row-major buffer (stride `stride`) into the strategy-major matrix. */
static pq_status transpose(csv_load *L, int64_t stride, pq_error *err)
{
    pq_pnl *p = L->p;
    int64_t R = p->n_rows, S = p->n_strategies;
    size_t cells = (size_t)R * (size_t)S;
    if (!(p->values = malloc((cells ? cells : 1) * sizeof(double)))) return PQ_NOMEM(err);
    const int64_t B = 32;
    for (int64_t r0 = 0; r0 < R; r0 += B)
        for (int64_t s0 = 0; s0 < S; s0 += B) {
            int64_t r1 = r0 + B < R ? r0 + B : R, s1 = s0 + B < S ? s0 + B : S;
            for (int64_t s = s0; s < s1; s++)
                for (int64_t r = r0; r < r1; r++) {
                    double v = L->rows[(size_t)r * (size_t)stride + (size_t)s];
                    uint64_t bits;
                    memcpy(&bits, &v, 8);
                    if (bits == NULL_BITS) PQ_TRY(pnl_set_null(p, s, r, err));
                    else p->values[(size_t)s * (size_t)R + (size_t)r] = v;
                }
        }
    return PQ_OK;
}

pq_status pq_pnl_read_csv(const char *path, const pq_pnl_csv_options *o, pq_pnl *out, int64_t *dropped_columns,
                          pq_error *err)
{
    memset(out, 0, sizeof *out);
    if (dropped_columns) *dropped_columns = 0;
    const char *want = o && o->date_format && strcmp(o->date_format, "auto") != 0 ? o->date_format : NULL;
    if (want && strcmp(want, "ymd") && strcmp(want, "dmy") && strcmp(want, "mdy"))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "date format '%s': expected auto, ymd, dmy or mdy", want);
    pq_source src;
    PQ_TRY(pq_source_open_file(&src, path, err));
    csv_load L;
    memset(&L, 0, sizeof L);
    L.path = path;
    L.p = out;
    pq_buf_init(&L.scratch, NULL);
    pq_csv_options co;
    pq_csv_options_init(&co);
    co.header = false;
    co.max_columns = (int64_t)1 << 23;
    if (o && o->delimiter) co.delimiter = (uint8_t)o->delimiter;
    pq_csv_reader *r = NULL;
    pq_status s = pq_csv_open(&r, &src, &co, NULL, err);
    pq_csv_record rec;
    if (s == PQ_OK) s = pq_csv_next(r, &rec, err);
    if (s == PQ_OK && rec.n_fields == 0) s = PQ_FAIL(err, PQ_ERR_PARSE, "empty file: expected a header row");
    if (s == PQ_OK) s = read_header(&L, &rec, err);
    int64_t row = 0;
    while (s == PQ_OK) {
        s = pq_csv_next(r, &rec, err);
        if (s != PQ_OK || rec.n_fields == 0) break;
        s = read_row(&L, &rec, row, err);
        row++;
    }
    out->n_rows = row;
    int64_t stride = out->n_strategies;
    if (s == PQ_OK && row == 0) s = PQ_FAIL(err, PQ_ERR_PARSE, "no data row after the header");
    if (s == PQ_OK) s = resolve_dates(&L, want, err);
    if (s == PQ_OK) {
        int64_t d = drop_blank_tail(&L);
        if (dropped_columns) *dropped_columns = d;
        s = transpose(&L, stride, err);
    }
    if (s == PQ_OK) out->layout = pnl_layout_of(out);
    pq_csv_close(r);
    pq_source_close(&src);
    load_reset(&L);
    if (s != PQ_OK) {
        if (err && !err->path[0]) snprintf(err->path, sizeof err->path, "%s", path);
        pq_pnl_free(out);
    }
    return s;
}

bool pq_pnl_csv_sniff(const char *path, char delimiter)
{
    pq_source src;
    pq_error err;
    if (pq_source_open_file(&src, path, &err) != PQ_OK) return false;
    pq_csv_options co;
    pq_csv_options_init(&co);
    co.header = false;
    co.max_columns = (int64_t)1 << 23;
    if (delimiter) co.delimiter = (uint8_t)delimiter;
    pq_csv_reader *r = NULL;
    pq_csv_record rec;
    bool yes = false;
    if (pq_csv_open(&r, &src, &co, NULL, &err) == PQ_OK && pq_csv_next(r, &rec, &err) == PQ_OK && rec.n_fields >= 2) {
        char a[64], b[64];
        const pq_csv_field *f0 = &rec.fields[0], *f1 = &rec.fields[1];
        snprintf(a, sizeof a, "%.*s", (int)(f0->len < 63 ? f0->len : 63), (const char *)f0->ptr);
        snprintf(b, sizeof b, "%.*s", (int)(f1->len < 63 ? f1->len : 63), (const char *)f1->ptr);
        const char *names[2] = {a, b};
        yes = pq_pnl_header_matches(names, 2);
    }
    pq_csv_close(r);
    pq_source_close(&src);
    return yes;
}
