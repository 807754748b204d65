/* SPDX-License-Identifier: Apache-2.0
 *
 * bench/pq_bench.c - parquant's side of the Parquet benchmark against DuckDB
 * (bench/bench.mjs runs both and prints the comparison; bench/run.sh builds and
 * runs everything).
 *
 * Tables are the presets of the DuckDB side, value for value: column k of row i
 * holds a function of h = lowbias32((2*i + 1000003*k) mod 2^32):
 *   numeric: c0_id int64 = i, c1_i64 int64 = h - 2^31, c2_f64 double = h / 2^32 * 1000,
 *            c3_i32 int32 = h % 1000
 *   strings: c0_id int64 = i, c1_str = "v" + (h % 100000),
 *            c2_text = "item-" + (h % 1000000) + "-" + "x" * (h % 32), c3_f64 as above
 * All columns are nullable (as DuckDB writes them) and hold no NULL.
 *
 * Per case and codec, with `threads` worker threads:
 *   write = pq_writer_open .. pq_writer_close of the in-memory table (built
 *           once, not timed), median of `reps` runs;
 *   read  = pq_reader_open, every row group of every column into memory, a sum
 *           over every value (string lengths for strings), pq_reader_close;
 *           median of `reps` runs.  The sums are printed so the driver can check
 *           that both engines hold the same rows.
 *   proj  = the same for the third column alone (pq_reader_select), with the
 *           bytes the reader fetched next to the size of that column's chunks;
 *   where = the same for the rows of a filter on the sorted first column that
 *           keeps 0.1 % of them (pq_reader_set_filter), with its counters.
 * Output: one JSON object per line on stdout; progress on stderr.
 *
 *   pq_bench [--case numeric:ROWS|strings:ROWS]... [--codecs snappy,zstd] [--reps N]
 *            [--threads N] [--dir DIR] [--keep] [--only write|read]
 *   pq_bench --read-file FILE [--column PATH] [--where EXPR] [--reps N] [--threads N]   time reading any file
 *   pq_bench --version                                       build information (JSON)
 * Experiments: PQ_BENCH_ROW_GROUP, PQ_BENCH_PAGE and PQ_BENCH_LEVEL set the writer's
 * row_group_size, page_size and compression_level (defaults otherwise).
 * One case, one codec and --only make a run short enough to profile with perf:
 *   perf record -g build/bench/pq_bench --case numeric:10000000 --codecs zstd --reps 1 --only write
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parquant/parquet.h"
#include "parquant/table.h"

#include "gen_hash.h"

#ifndef PQ_VERSION_STRING
#define PQ_VERSION_STRING "unknown"
#endif
#ifndef PQ_BENCH_BUILD_TYPE
#define PQ_BENCH_BUILD_TYPE "unknown"
#endif
#ifndef PQ_BENCH_C_FLAGS
#define PQ_BENCH_C_FLAGS "unknown"
#endif
#ifndef PQ_BENCH_COMPILER
#define PQ_BENCH_COMPILER "unknown"
#endif

/* Return the status of `expr` when it is not PQ_OK (public API only: no core.h). */
#define TRY(expr)                          \
    do {                                   \
        pq_status try_s_ = (expr);         \
        if (try_s_ != PQ_OK) return try_s_; \
    } while (0)

#define MAX_REPS 25
#define MAX_CASES 8
#define MAX_COLS 4

/* ------------------------------------------------------------ data */

static uint32_t cell_hash(int64_t i, int k)
{
    return gen_lowbias32((uint32_t)((2 * (uint64_t)i + 1000003ULL * (uint64_t)k) & 0xffffffffULL));
}

typedef enum kind { K_ID, K_I64, K_I32, K_F64, K_STR, K_TEXT } kind;

typedef struct preset {
    const char *name;
    kind cols[MAX_COLS];
    const char *names[MAX_COLS];
} preset;

static const preset PRESETS[] = {
    {"numeric", {K_ID, K_I64, K_F64, K_I32}, {"c0_id", "c1_i64", "c2_f64", "c3_i32"}},
    {"strings", {K_ID, K_STR, K_TEXT, K_F64}, {"c0_id", "c1_str", "c2_text", "c3_f64"}},
};

static pq_type kind_type(kind k)
{
    switch (k) {
    case K_I32: return pq_type_int(32, true);
    case K_F64: return pq_type_make(PQ_KIND_DOUBLE);
    case K_STR: case K_TEXT: return pq_type_make(PQ_KIND_STRING);
    default: return pq_type_int(64, true);
    }
}

/* Appends rows [0, rows) of column k (of kind `kd`) to `a`. */
static pq_status fill_column(pq_array *a, kind kd, int k, int64_t rows, pq_error *err)
{
    char buf[64];
    pq_status s = pq_array_reserve(a, rows, err);
    for (int64_t i = 0; i < rows && s == PQ_OK; i++) {
        uint32_t h = cell_hash(i, k);
        switch (kd) {
        case K_ID: s = pq_array_append_i64(a, i, err); break;
        case K_I64: s = pq_array_append_i64(a, (int64_t)h - 2147483648LL, err); break;
        case K_I32: s = pq_array_append_i64(a, (int64_t)(h % 1000U), err); break;
        case K_F64: s = pq_array_append_double(a, (double)h / 4294967296.0 * 1000.0, err); break;
        case K_STR: {
            int n = snprintf(buf, sizeof buf, "v%u", (unsigned)(h % 100000U));
            s = pq_array_append_bytes(a, buf, (size_t)n, err);
            break;
        }
        case K_TEXT: {
            int n = snprintf(buf, sizeof buf, "item-%u-", (unsigned)(h % 1000000U));
            int x = (int)(h % 32U);
            memset(buf + n, 'x', (size_t)x);
            s = pq_array_append_bytes(a, buf, (size_t)(n + x), err);
            break;
        }
        }
    }
    return s;
}

/* Builds the table of preset `p` with `rows` rows into `t` (initialised here). */
static pq_status build_table(const preset *p, int64_t rows, pq_table *t, pq_error *err)
{
    pq_schema sc;
    pq_status s = PQ_OK;
    pq_schema_init(&sc, NULL);
    for (int k = 0; k < MAX_COLS && s == PQ_OK; k++) {
        pq_field f;
        s = pq_field_init(&f, p->names[k], kind_type(p->cols[k]), true, NULL, err);
        if (s == PQ_OK) s = pq_schema_add(&sc, &f, err);
        pq_field_reset(&f, NULL);
    }
    if (s == PQ_OK) s = pq_table_init(t, &sc, err);
    pq_schema_reset(&sc);
    if (s) return s;
    for (int k = 0; k < MAX_COLS && s == PQ_OK; k++) s = fill_column(&t->columns[k], p->cols[k], k, rows, err);
    if (s == PQ_OK) s = pq_table_finish(t, err);
    if (s) pq_table_reset(t);
    return s;
}

/* ----------------------------------------------------------- timing */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAX_REPS];
    memcpy(s, v, sizeof(double) * (size_t)n);
    qsort(s, (size_t)n, sizeof s[0], cmp_double);
    return s[n / 2];
}

/* Times one write of `t` to `path`. */
static pq_status timed_write(const pq_table *t, const char *path, pq_codec codec, int threads, double *secs,
                             pq_error *err)
{
    pq_writer_options o;
    pq_writer *w = NULL;
    pq_writer_options_init(&o);
    o.codec = codec;
    o.threads = threads;
    if (getenv("PQ_BENCH_ROW_GROUP")) o.row_group_size = atoll(getenv("PQ_BENCH_ROW_GROUP"));
    if (getenv("PQ_BENCH_PAGE")) o.page_size = atoll(getenv("PQ_BENCH_PAGE"));
    if (getenv("PQ_BENCH_LEVEL")) o.compression_level = atoi(getenv("PQ_BENCH_LEVEL"));
    unlink(path);
    double t0 = now_s();
    pq_status s = pq_writer_open(&w, path, &t->schema, &o, err);
    if (s) return s;
    s = pq_writer_write(w, t, err);
    if (s) {
        pq_writer_abort(w);
        return s;
    }
    s = pq_writer_close(w, err);
    *secs = now_s() - t0;
    return s;
}

/* Per-column sums that prove every value was read: integers exactly, doubles,
 * byte lengths of strings. */
typedef struct sums {
    int64_t n_cols;
    int64_t rows;
    bool is_double[64];
    int64_t i[64];
    double d[64];
} sums;

/* Adds every valid value of `a` to slot k of `s`. */
static void touch(const pq_array *a, sums *s, int64_t k)
{
    const uint8_t *valid = a->validity;
    int64_t n = a->length;
    switch (a->type.kind) {
    case PQ_KIND_INT: {
        int64_t acc = 0;
        if (a->type.bit_width == 64) {
            const int64_t *v = (const int64_t *)a->values;
            for (int64_t r = 0; r < n; r++) acc += valid && !pq_bit_get(valid, r) ? 0 : v[r];
        } else if (a->type.bit_width == 32) {
            const int32_t *v = (const int32_t *)a->values;
            for (int64_t r = 0; r < n; r++) acc += valid && !pq_bit_get(valid, r) ? 0 : v[r];
        }
        s->i[k] += acc;
        break;
    }
    case PQ_KIND_DOUBLE: {
        const double *v = (const double *)a->values;
        double acc = 0;
        for (int64_t r = 0; r < n; r++) acc += valid && !pq_bit_get(valid, r) ? 0.0 : v[r];
        s->is_double[k] = true;
        s->d[k] += acc;
        break;
    }
    case PQ_KIND_STRING: case PQ_KIND_BINARY: case PQ_KIND_JSON: {
        const int64_t *off = a->offsets;
        int64_t acc = 0;
        for (int64_t r = 0; r < n; r++) acc += valid && !pq_bit_get(valid, r) ? 0 : off[r + 1] - off[r];
        s->i[k] += acc;
        break;
    }
    default: break;
    }
}

/* Sums of an in-memory table (the rows handed to the writer). */
static void table_sums(const pq_table *t, sums *s)
{
    memset(s, 0, sizeof *s);
    s->rows = t->num_rows;
    s->n_cols = t->schema.n_fields < 64 ? t->schema.n_fields : 64;
    for (int64_t k = 0; k < s->n_cols; k++) touch(&t->columns[k], s, k);
}

/* What one timed read reads: every column, or one (`column`), of the rows
 * matching `where` (NULL: all). */
typedef struct read_spec {
    const char *column;
    const char *where;
} read_spec;

/* What a read measured besides its time. */
typedef struct read_result {
    double secs;
    sums s;
    int64_t row_groups;
    int64_t bytes_read;      /* pq_reader_bytes_read after the last row group */
    int64_t footer_bytes;    /* of which fetched by pq_reader_open */
    int64_t chunk_bytes;     /* compressed size of the selected columns' chunks */
    pq_filter_stats filter;
} read_result;

/* Compressed bytes of every chunk of the leaves named `column` (or of all
 * leaves for NULL). */
static int64_t selected_chunk_bytes(const pq_reader *r, const char *column)
{
    const pq_file_metadata *m = pq_reader_metadata(r);
    int64_t n = 0;
    for (int64_t g = 0; g < m->n_row_groups; g++)
        for (int64_t c = 0; c < m->row_groups[g].n_columns; c++)
            if (!column || strcmp(pq_reader_leaf_path(r, c), column) == 0)
                n += m->row_groups[g].columns[c].meta_data.total_compressed_size;
    return n;
}

/* Times one read of `path` as `spec` says; fills `res`. */
static pq_status timed_read(const char *path, int threads, const read_spec *spec, read_result *res, pq_error *err)
{
    pq_reader_options o;
    pq_reader *r = NULL;
    pq_reader_options_init(&o);
    o.threads = threads;
    memset(res, 0, sizeof *res);
    sums *s = &res->s;
    double t0 = now_s();
    pq_status st = pq_reader_open(&r, path, &o, err);
    if (st) return st;
    res->footer_bytes = pq_reader_bytes_read(r);
    if (spec->column) st = pq_reader_select(r, &spec->column, 1, err);
    if (st == PQ_OK && spec->where) st = pq_reader_set_filter(r, spec->where, err);
    res->row_groups = pq_reader_num_row_groups(r);
    for (int64_t g = 0; g < res->row_groups && st == PQ_OK; g++) {
        pq_table t;
        st = pq_reader_read_row_group(r, g, &t, err);
        if (st == PQ_OK) {
            s->n_cols = t.schema.n_fields < 64 ? t.schema.n_fields : 64;
            s->rows += t.num_rows;
            for (int64_t k = 0; k < s->n_cols; k++) touch(&t.columns[k], s, k);
        }
        /* Streaming: the reader reuses the buffers for the next row group. */
        pq_reader_recycle(r, &t);
    }
    res->bytes_read = pq_reader_bytes_read(r);
    res->chunk_bytes = selected_chunk_bytes(r, spec->column);
    pq_reader_filter_stats(r, &res->filter);
    pq_reader_close(r);
    res->secs = now_s() - t0;
    return st;
}

/* ------------------------------------------------------------ output */

static void print_times(const char *key, const double *v, int n)
{
    printf(",\"%s\":[", key);
    for (int i = 0; i < n; i++) printf("%s%.4f", i ? "," : "", v[i]);
    printf("]");
}

/* Prints `s` as ,"<prefix>rows":N,"<prefix>sums":[...] (strings: exact integers, %.17g doubles). */
static void print_sums(const char *prefix, const sums *s)
{
    printf(",\"%srows\":%lld,\"%ssums\":[", prefix, (long long)s->rows, prefix);
    for (int64_t k = 0; k < s->n_cols; k++) {
        if (s->is_double[k]) printf("%s\"%.17g\"", k ? "," : "", s->d[k]);
        else printf("%s\"%lld\"", k ? "," : "", (long long)s->i[k]);
    }
    printf("]");
}

/* Runs `reps` reads of `path`; prints their JSON fields under `key`:
 * ,"<key>_s":median,"<key>_all":[...], sums, bytes read and filter counters. */
static pq_status print_reads(const char *key, const char *path, int threads, int reps, const read_spec *spec,
                             pq_error *err)
{
    double t[MAX_REPS];
    read_result res;
    char name[64];
    memset(&res, 0, sizeof res);
    for (int k = 0; k < reps; k++) {
        TRY(timed_read(path, threads, spec, &res, err));
        t[k] = res.secs;
    }
    printf(",\"%s_s\":%.4f,\"%s_row_groups\":%lld", key, median(t, reps), key, (long long)res.row_groups);
    snprintf(name, sizeof name, "%s_all", key);
    print_times(name, t, reps);
    snprintf(name, sizeof name, "%s_", key);
    print_sums(name, &res.s);
    printf(",\"%s_bytes_read\":%lld,\"%s_footer_bytes\":%lld,\"%s_chunk_bytes\":%lld", key,
           (long long)res.bytes_read, key, (long long)res.footer_bytes, key, (long long)res.chunk_bytes);
    if (spec->where)
        printf(",\"%s_filter\":{\"row_groups_read\":%lld,\"row_groups_skipped\":%lld,\"pages_read\":%lld,"
               "\"pages_skipped\":%lld,\"rows_decoded\":%lld,\"rows_matched\":%lld}",
               key, (long long)res.filter.row_groups_read, (long long)res.filter.row_groups_skipped,
               (long long)res.filter.pages_read, (long long)res.filter.pages_skipped,
               (long long)res.filter.rows_decoded, (long long)res.filter.rows_matched);
    return PQ_OK;
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

static void print_version(void)
{
    printf("{\"parquant\":\"%s\",\"build_type\":\"%s\",\"c_flags\":\"%s\",\"compiler\":\"%s\"}\n", PQ_VERSION_STRING,
           PQ_BENCH_BUILD_TYPE, PQ_BENCH_C_FLAGS, PQ_BENCH_COMPILER);
}

/* -------------------------------------------------------------- runs */

typedef struct config {
    const preset *presets[MAX_CASES];
    int64_t rows[MAX_CASES];
    int n_cases;
    pq_codec codecs[8];
    const char *codec_names[8];
    int n_codecs;
    int reps;
    int threads;
    const char *dir;
    bool keep;
    const char *only;      /* NULL, "write" or "read" */
    const char *read_file; /* --read-file */
    const char *column;    /* --column (with --read-file) */
    const char *where;     /* --where (with --read-file) */
} config;

/* The reads of a case: full ("read"), one-column projection ("proj": the
 * third column) and, for tables whose first column is the sorted id, a
 * selective filter on it ("where": 0.1 % of the rows, from the middle). */
static pq_status print_case_reads(const config *c, const preset *p, int64_t rows, const char *path, pq_error *err)
{
    read_spec all = {NULL, NULL}, proj = {p->names[2], NULL}, where = {NULL, NULL};
    char expr[128];
    fprintf(stderr, "pq_bench: %s:%lld reads\n", p->name, (long long)rows);
    TRY(print_reads("read", path, c->threads, c->reps, &all, err));
    TRY(print_reads("proj", path, c->threads, c->reps, &proj, err));
    if (p->cols[0] == K_ID) {
        snprintf(expr, sizeof expr, "%s >= %lld and %s < %lld", p->names[0], (long long)(rows / 2), p->names[0],
                 (long long)(rows / 2 + (rows + 999) / 1000));
        where.where = expr;
        printf(",\"where_expr\":\"%s\"", expr);
        TRY(print_reads("where", path, c->threads, c->reps, &where, err));
    }
    return PQ_OK;
}

/* Writes and reads one case with one codec `reps` times; prints a JSON line. */
static pq_status run_one(const config *c, const preset *p, int64_t rows, const pq_table *t, int ci, pq_error *err)
{
    char path[4096];
    double w[MAX_REPS];
    sums s;
    bool do_write = !c->only || strcmp(c->only, "write") == 0;
    bool do_read = !c->only || strcmp(c->only, "read") == 0;
    snprintf(path, sizeof path, "%s/pq_%s_%lld_%s.parquet", c->dir, p->name, (long long)rows, c->codec_names[ci]);
    if (!do_write) TRY(timed_write(t, path, c->codecs[ci], c->threads, &w[0], err)); /* untimed setup */
    for (int k = 0; k < c->reps; k++) {
        if (do_write) TRY(timed_write(t, path, c->codecs[ci], c->threads, &w[k], err));
        fprintf(stderr, "pq_bench: %s:%lld %s rep %d%s\n", p->name, (long long)rows, c->codec_names[ci], k + 1,
                do_write ? " write" : "");
    }
    printf("{\"engine\":\"parquant\",\"case\":\"%s:%lld\",\"codec\":\"%s\",\"threads\":%d,\"rows\":%lld,\"reps\":%d",
           p->name, (long long)rows, c->codec_names[ci], c->threads, (long long)rows, c->reps);
    if (do_write) {
        printf(",\"write_s\":%.4f", median(w, c->reps));
        print_times("write_all", w, c->reps);
    }
    if (do_read) TRY(print_case_reads(c, p, rows, path, err));
    table_sums(t, &s);
    print_sums("table_", &s);
    printf(",\"bytes\":%lld,\"file\":\"%s\"}\n", (long long)file_size(path), path);
    fflush(stdout);
    if (!c->keep) unlink(path);
    return PQ_OK;
}

static pq_status run_cases(const config *c, pq_error *err)
{
    for (int i = 0; i < c->n_cases; i++) {
        pq_table t;
        fprintf(stderr, "pq_bench: building %s:%lld (not timed)\n", c->presets[i]->name, (long long)c->rows[i]);
        TRY(build_table(c->presets[i], c->rows[i], &t, err));
        pq_status s = PQ_OK;
        for (int ci = 0; ci < c->n_codecs && s == PQ_OK; ci++) s = run_one(c, c->presets[i], c->rows[i], &t, ci, err);
        pq_table_reset(&t);
        TRY(s);
    }
    return PQ_OK;
}

static pq_status run_read_file(const config *c, pq_error *err)
{
    read_spec spec = {c->column, c->where};
    printf("{\"engine\":\"parquant\",\"read_file\":\"%s\",\"threads\":%d,\"reps\":%d", c->read_file, c->threads,
           c->reps);
    TRY(print_reads("read", c->read_file, c->threads, c->reps, &spec, err));
    printf(",\"bytes\":%lld}\n", (long long)file_size(c->read_file));
    return PQ_OK;
}

/* ----------------------------------------------------------- options */

static int usage(void)
{
    fprintf(stderr,
            "usage: pq_bench [--case numeric:ROWS|strings:ROWS]... [--codecs snappy,zstd] [--reps N]\n"
            "                [--threads N] [--dir DIR] [--keep] [--only write|read]\n"
            "       pq_bench --read-file FILE [--column PATH] [--where EXPR] [--reps N] [--threads N]\n"
            "       pq_bench --version\n");
    return 2;
}

static bool parse_case(config *c, const char *arg)
{
    const char *colon = strchr(arg, ':');
    if (!colon || c->n_cases == MAX_CASES) return false;
    for (size_t i = 0; i < sizeof PRESETS / sizeof PRESETS[0]; i++) {
        if (strlen(PRESETS[i].name) == (size_t)(colon - arg) && strncmp(arg, PRESETS[i].name, (size_t)(colon - arg)) == 0) {
            char *end;
            long long n = strtoll(colon + 1, &end, 10);
            if (*end || n < 0) return false;
            c->presets[c->n_cases] = &PRESETS[i];
            c->rows[c->n_cases++] = n;
            return true;
        }
    }
    return false;
}

/* Parses a comma-separated codec list in place: the names point into `list`. */
static bool parse_codecs(config *c, char *list)
{
    c->n_codecs = 0;
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        pq_error err;
        pq_codec codec;
        if (c->n_codecs == 8 || pq_codec_parse(tok, &codec, &err) != PQ_OK) return false;
        c->codecs[c->n_codecs] = codec;
        c->codec_names[c->n_codecs++] = tok;
    }
    return c->n_codecs > 0;
}

int main(int argc, char **argv)
{
    config c;
    memset(&c, 0, sizeof c);
    c.reps = 3;
    c.threads = 2;
    c.dir = "/tmp";
    static char codec_store[256];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--version") == 0) { print_version(); return 0; }
        else if (strcmp(a, "--keep") == 0) c.keep = true;
        else if (!v) return usage();
        else if (strcmp(a, "--case") == 0) { if (!parse_case(&c, v)) return usage(); i++; }
        else if (strcmp(a, "--codecs") == 0) {
            snprintf(codec_store, sizeof codec_store, "%s", v);
            if (!parse_codecs(&c, codec_store)) return usage();
            i++;
        }
        else if (strcmp(a, "--reps") == 0) { c.reps = atoi(v); i++; }
        else if (strcmp(a, "--threads") == 0) { c.threads = atoi(v); i++; }
        else if (strcmp(a, "--dir") == 0) { c.dir = v; i++; }
        else if (strcmp(a, "--only") == 0) { c.only = v; i++; }
        else if (strcmp(a, "--read-file") == 0) { c.read_file = v; i++; }
        else if (strcmp(a, "--column") == 0) { c.column = v; i++; }
        else if (strcmp(a, "--where") == 0) { c.where = v; i++; }
        else return usage();
    }
    if (c.reps < 1 || c.reps > MAX_REPS || c.threads < 0) return usage();
    if (c.only && strcmp(c.only, "write") != 0 && strcmp(c.only, "read") != 0) return usage();
    if (c.n_codecs == 0) {
        snprintf(codec_store, sizeof codec_store, "snappy,zstd");
        parse_codecs(&c, codec_store);
    }
    if (c.n_cases == 0) {
        parse_case(&c, "numeric:10000000");
        parse_case(&c, "strings:1000000");
    }
    pq_error err;
    pq_error_clear(&err);
    pq_status s = c.read_file ? run_read_file(&c, &err) : run_cases(&c, &err);
    if (s) {
        char msg[1024];
        fprintf(stderr, "pq_bench: %s\n", pq_error_format(&err, msg, sizeof msg));
        return 1;
    }
    return 0;
}
