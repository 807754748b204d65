/* SPDX-License-Identifier: Apache-2.0
 *
 * bench/bench_nz_load.c - timings of the NECROZMA layer (include/parquant/necrozma.h)
 * for bench/migrate.sh, which runs it and puts the figures in its report.
 *
 *   bench_nz_load --json J --parquet P [--reps N] [--columns a,b,c]
 *       The load comparison of the issue: one universe's stats table read from
 *       its Parquet file (pq_nz_load_stats, all columns, then a projection,
 *       default level,direction,<first DOUBLE column>) against parsing its
 *       JSON (pq_nz_load_json, which reads the whole file, candles included,
 *       as any JSON reader must: the stats come before the candles in the
 *       file but a reader cannot know it has them all before the document
 *       ends).  Also the whole document from Parquet with and without the
 *       candle table.  Each figure is the median of N runs after one warm-up
 *       run (warm page cache).  The stats table loaded from Parquet is
 *       compared with the one parsed from JSON (pq_table_equal), so both sides
 *       are known to have produced the same rows.
 *
 *   bench_nz_load --phases --json J --kind universe|backtest|trades
 *                 [--dir D] [--codec C] [--reps N]
 *       Where one file's migration time goes, phase by phase, as
 *       migrate/migrate.c runs them: parse (pq_nz_load_json), write
 *       (pq_nz_write_parquet into a fresh folder under D, fsyncs included),
 *       read back (pq_nz_load_parquet with candles), compare (pq_nz_compare_json,
 *       which parses the JSON again) and, for reference, export
 *       (pq_nz_export_file to /dev/null).  Medians of N runs.  The folder is
 *       emptied after every write so each run writes the shared candle file
 *       again, as the first universe of an interval does.
 *
 * Output: one JSON object per line on stdout (seconds, bytes, ratios); a
 * human-readable line on stderr.  Exit status 1 on any library error.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parquant/necrozma.h"

#define MAX_REPS 101
#define MAX_COLS 64

typedef struct opts {
    const char *json, *parquet, *dir, *columns;
    bool phases;
    pq_nz_kind kind;
    pq_codec codec;
    int reps;
} opts;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static int fail(const char *what, const pq_error *err)
{
    char buf[1024];
    fprintf(stderr, "bench_nz_load: %s: %s\n", what, pq_error_format(err, buf, sizeof buf));
    return 1;
}

static int usage(const char *msg)
{
    if (msg) fprintf(stderr, "bench_nz_load: %s\n", msg);
    fprintf(stderr, "usage: bench_nz_load --json J --parquet P [--reps N] [--columns a,b,c]\n"
                    "       bench_nz_load --phases --json J --kind universe|backtest|trades [--dir D] [--codec C] [--reps N]\n");
    return 2;
}

static int parse_kind(const char *s, pq_nz_kind *k)
{
    if (strcmp(s, "universe") == 0) *k = PQ_NZ_UNIVERSE;
    else if (strcmp(s, "backtest") == 0) *k = PQ_NZ_BACKTEST;
    else if (strcmp(s, "trades") == 0) *k = PQ_NZ_TRADES;
    else return -1;
    return 0;
}

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->reps = 5;
    o->dir = "/tmp";
    o->codec = PQ_CODEC_SNAPPY;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        pq_error err;
        if (strcmp(a, "--phases") == 0) { o->phases = true; continue; }
        if (v == NULL) return usage("option without a value");
        i++;
        if (strcmp(a, "--json") == 0) o->json = v;
        else if (strcmp(a, "--parquet") == 0) o->parquet = v;
        else if (strcmp(a, "--dir") == 0) o->dir = v;
        else if (strcmp(a, "--columns") == 0) o->columns = v;
        else if (strcmp(a, "--reps") == 0) o->reps = atoi(v);
        else if (strcmp(a, "--kind") == 0) { if (parse_kind(v, &o->kind) != 0) return usage("bad --kind"); }
        else if (strcmp(a, "--codec") == 0) { if (pq_codec_parse(v, &o->codec, &err) != PQ_OK) return usage("bad --codec"); }
        else return usage("unknown option");
    }
    if (o->reps < 1 || o->reps > MAX_REPS) return usage("--reps expects 1..101");
    if (o->json == NULL || (!o->phases && o->parquet == NULL)) return usage("missing --json or --parquet");
    return 0;
}

/* ------------------------------------------------------- load comparison */

/* The default projection: level, direction and the first DOUBLE (stat)
 * column, as a comma-separated list (the caller frees it). */
static char *default_columns(const pq_table *t)
{
    const char *stat = NULL;
    for (int64_t i = 0; i < t->schema.n_fields && stat == NULL; i++)
        if (t->schema.fields[i].type.kind == PQ_KIND_DOUBLE) stat = t->schema.fields[i].name;
    char buf[1024];
    snprintf(buf, sizeof buf, "level,direction%s%s", stat ? "," : "", stat ? stat : "");
    return strdup(buf);
}

static int split_columns(char *list, const char **cols)
{
    int n = 0;
    for (char *s = strtok(list, ","); s && n < MAX_COLS; s = strtok(NULL, ",")) cols[n++] = s;
    return n;
}

typedef struct load_times {
    double json, stats_all, stats_proj, doc_no_candles, doc_all;
} load_times;

/* One run of every load; the tables of the last run are kept in *json_main and *stats. */
static int load_once(const opts *o, const char *const *cols, int n_cols, load_times *t, pq_nz_doc *json_doc,
                     pq_table *stats)
{
    pq_error err;
    pq_nz_doc doc;
    pq_table proj;
    pq_error_clear(&err);
    double t0 = now_s();
    if (pq_nz_load_json(o->json, PQ_NZ_UNIVERSE, json_doc, &err) != PQ_OK) return fail(o->json, &err);
    double t1 = now_s();
    if (pq_nz_load_stats(o->parquet, NULL, 0, stats, &err) != PQ_OK) return fail(o->parquet, &err);
    double t2 = now_s();
    if (pq_nz_load_stats(o->parquet, cols, (size_t)n_cols, &proj, &err) != PQ_OK) return fail(o->parquet, &err);
    double t3 = now_s();
    pq_table_reset(&proj);
    double t4 = now_s();
    if (pq_nz_load_parquet(o->parquet, false, &doc, &err) != PQ_OK) return fail(o->parquet, &err);
    double t5 = now_s();
    pq_nz_doc_reset(&doc);
    double t6 = now_s();
    if (pq_nz_load_parquet(o->parquet, true, &doc, &err) != PQ_OK) return fail(o->parquet, &err);
    double t7 = now_s();
    pq_nz_doc_reset(&doc);
    *t = (load_times){ t1 - t0, t2 - t1, t3 - t2, t5 - t4, t7 - t6 };
    return 0;
}

static int run_load(const opts *o)
{
    const char *cols[MAX_COLS];
    char *list = o->columns ? strdup(o->columns) : NULL;
    int n_cols = 0;
    pq_nz_doc jd;
    pq_table stats;
    load_times t;
    /* Warm-up (page cache, allocator), and the schema for the default projection. */
    if (load_once(o, (const char *const[]){ "level" }, 1, &t, &jd, &stats) != 0) return 1;
    if (list == NULL && (list = default_columns(&stats)) == NULL) return 1;
    n_cols = split_columns(list, cols);
    bool equal = pq_table_equal(&jd.main, &stats);
    int64_t rows = stats.num_rows, ncol = stats.schema.n_fields, candles = jd.candles.num_rows;
    pq_nz_doc_reset(&jd);
    pq_table_reset(&stats);
    double v[5][MAX_REPS];
    for (int r = 0; r < o->reps; r++) {
        if (load_once(o, cols, n_cols, &t, &jd, &stats) != 0) return 1;
        pq_nz_doc_reset(&jd);
        pq_table_reset(&stats);
        v[0][r] = t.json, v[1][r] = t.stats_all, v[2][r] = t.stats_proj, v[3][r] = t.doc_no_candles, v[4][r] = t.doc_all;
    }
    double m[5];
    for (int k = 0; k < 5; k++) m[k] = median(v[k], o->reps);
    printf("{\"mode\":\"load\",\"json\":\"%s\",\"parquet\":\"%s\",\"json_bytes\":%lld,\"parquet_bytes\":%lld,"
           "\"rows\":%lld,\"columns\":%lld,\"candles\":%lld,\"proj_columns\":[",
           o->json, o->parquet, (long long)file_size(o->json), (long long)file_size(o->parquet), (long long)rows,
           (long long)ncol, (long long)candles);
    for (int i = 0; i < n_cols; i++) printf("%s\"%s\"", i ? "," : "", cols[i]);
    printf("],\"reps\":%d,\"json_s\":%.6f,\"stats_all_s\":%.6f,\"stats_proj_s\":%.6f,\"doc_no_candles_s\":%.6f,"
           "\"doc_all_s\":%.6f,\"ratio_all\":%.2f,\"ratio_proj\":%.2f,\"equal\":%s}\n",
           o->reps, m[0], m[1], m[2], m[3], m[4], m[0] / m[1], m[0] / m[2], equal ? "true" : "false");
    fprintf(stderr, "bench_nz_load: JSON %.1f ms, stats (all %lld columns) %.2f ms = %.0fx, %d columns %.2f ms = %.0fx%s\n",
            m[0] * 1e3, (long long)ncol, m[1] * 1e3, m[0] / m[1], n_cols, m[2] * 1e3, m[0] / m[2],
            equal ? "" : " (WARNING: the stats tables differ)");
    free(list);
    return 0;
}

/* ---------------------------------------------------------------- phases */

/* Remove every file of the newline-separated list (what pq_nz_write_parquet wrote). */
static void remove_written(char *list)
{
    for (char *s = list ? strtok(list, "\n") : NULL; s; s = strtok(NULL, "\n")) unlink(s);
}

typedef struct phase_times {
    double parse, write, read, compare, export_;
    int64_t out_bytes;
} phase_times;

static int64_t written_size(const char *list)
{
    int64_t total = 0;
    char *copy = list ? strdup(list) : NULL;
    for (char *s = copy ? strtok(copy, "\n") : NULL; s; s = strtok(NULL, "\n")) total += file_size(s);
    free(copy);
    return total;
}

static int phases_once(const opts *o, const char *pq_path, phase_times *t)
{
    pq_error err;
    pq_nz_doc d, back;
    pq_error_clear(&err);
    char *written = NULL;
    pq_nz_write_options wo = { o->codec, NULL };
    double t0 = now_s();
    if (pq_nz_load_json(o->json, o->kind, &d, &err) != PQ_OK) return fail(o->json, &err);
    double t1 = now_s();
    pq_status st = pq_nz_write_parquet(&d, pq_path, &wo, &written, &err);
    double t2 = now_s();
    pq_nz_doc_reset(&d);
    if (st != PQ_OK) return fail(pq_path, &err);
    double t3 = now_s();
    if (pq_nz_load_parquet(pq_path, true, &back, &err) != PQ_OK) return fail(pq_path, &err);
    double t4 = now_s();
    st = pq_nz_compare_json(&back, o->json, &err);
    double t5 = now_s();
    if (st == PQ_OK) st = pq_nz_export_file(&back, "/dev/null", &err);
    double t6 = now_s();
    pq_nz_doc_reset(&back);
    t->out_bytes = written_size(written);
    remove_written(written);
    free(written);
    if (st != PQ_OK) return fail(o->json, &err);
    *t = (phase_times){ t1 - t0, t2 - t1, t4 - t3, t5 - t4, t6 - t5, t->out_bytes };
    return 0;
}

static int run_phases(const opts *o)
{
    char dir[4096], candles[4200], pq_path[4200];
    snprintf(dir, sizeof dir, "%s/bench_nz_load.%ld", o->dir, (long)getpid());
    snprintf(candles, sizeof candles, "%s/candles", dir);
    const char *name = strrchr(o->json, '/') ? strrchr(o->json, '/') + 1 : o->json;
    snprintf(pq_path, sizeof pq_path, "%s/%.*s.parquet", dir, (int)(strlen(name) > 5 ? strlen(name) - 5 : strlen(name)), name);
    if (mkdir(dir, 0777) != 0) {
        perror(dir);
        return 1;
    }
    phase_times t;
    double v[5][MAX_REPS];
    int rc = phases_once(o, pq_path, &t); /* warm-up */
    for (int r = 0; rc == 0 && r < o->reps; r++) {
        rc = phases_once(o, pq_path, &t);
        v[0][r] = t.parse, v[1][r] = t.write, v[2][r] = t.read, v[3][r] = t.compare, v[4][r] = t.export_;
    }
    rmdir(candles);
    rmdir(dir);
    if (rc != 0) return rc;
    double m[5];
    for (int k = 0; k < 5; k++) m[k] = median(v[k], o->reps);
    int64_t in = file_size(o->json);
    printf("{\"mode\":\"phases\",\"kind\":\"%s\",\"json\":\"%s\",\"json_bytes\":%lld,\"out_bytes\":%lld,\"reps\":%d,"
           "\"parse_s\":%.6f,\"write_s\":%.6f,\"read_s\":%.6f,\"compare_s\":%.6f,\"export_s\":%.6f}\n",
           pq_nz_kind_name(o->kind), o->json, (long long)in, (long long)t.out_bytes, o->reps, m[0], m[1], m[2], m[3], m[4]);
    double mb = (double)in / 1e6;
    fprintf(stderr, "bench_nz_load: %s %.1f MB: parse %.3f s (%.0f MB/s), write %.3f s, read back %.3f s, compare %.3f s "
                    "(%.0f MB/s), export %.3f s\n",
            name, mb, m[0], mb / m[0], m[1], m[2], m[3], mb / m[3], m[4]);
    return 0;
}

int main(int argc, char **argv)
{
    opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) return rc;
    return o.phases ? run_phases(&o) : run_load(&o);
}
