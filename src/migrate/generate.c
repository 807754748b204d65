/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/generate.c - the driver of `parquant generate necrozma`
 * (generate.h): checks the options, creates the folders, builds the five
 * candle lists, then writes the 25 universes, each followed by its backtest
 * file (the trade logs come after the last one), counting files and bytes.
 * Also the shared pieces: the seeded random streams and the output files
 * (emitter -> 1 MiB buffer -> io/sink.h temporary file, renamed when whole).
 *
 * Determinism: every random value comes from a stream seeded by (seed, what
 * it is for, which universe/strategy), so one file's content does not
 * depend on the order in which others were made.
 */
#include "migrate/generate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const int pq_nzg_intervals[NZG_N_INTERVALS] = {1, 5, 15, 30, 60};
const int pq_nzg_lookbacks[NZG_N_LOOKBACKS] = {5, 10, 15, 20, 30};
const double pq_nzg_lots[NZG_N_LOTS] = {0.01, 0.1, 1.0};

/* ------------------------------------------------------------ random */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void pq_nzg_rng_seed(pq_nzg_rng *r, uint64_t seed, uint64_t tag, uint64_t a, uint64_t b)
{
    /* each identifier goes through the mixer, so nearby ids give unrelated streams */
    uint64_t x = seed;
    uint64_t k = splitmix64(&x) ^ tag;
    k = splitmix64(&k) ^ a;
    k = splitmix64(&k) ^ b;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&k);
}

double pq_nzg_normal(pq_nzg_rng *r)
{
    double u1 = 1.0 - pq_nzg_unit(r); /* (0, 1]: log is finite */
    double u2 = pq_nzg_unit(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ------------------------------------------------------------- files */

pq_status pq_nzg_file_begin(pq_nzg_ctx *g, pq_nzg_file *f, const char *path, pq_error *err)
{
    pq_buf_init(&f->buf, g->alloc);
    f->sink = NULL;
    pq_status st = pq_sink_open_file(&f->sink, path, g->alloc, err);
    if (st != PQ_OK) return st;
    pq_jemit_init_text(&f->e, &f->buf, f->sink, 2);
    return PQ_OK;
}

void pq_nzg_file_abort(pq_nzg_file *f)
{
    pq_sink_abort(f->sink);
    f->sink = NULL;
    pq_buf_reset(&f->buf);
}

pq_status pq_nzg_file_end(pq_nzg_ctx *g, pq_nzg_file *f, pq_error *err)
{
    pq_status st = pq_jemit_finish(&f->e, err);
    if (st != PQ_OK) {
        pq_nzg_file_abort(f);
        return st;
    }
    int64_t size = pq_sink_offset(f->sink);
    st = pq_sink_close(f->sink, err); /* frees the sink whatever happens */
    f->sink = NULL;
    pq_buf_reset(&f->buf);
    if (st != PQ_OK) return st;
    g->files++;
    g->bytes += size;
    if (g->progress) g->progress(g->progress_ctx, g->files, g->files_total, g->bytes);
    return PQ_OK;
}

/* ----------------------------------------------------------- options */

void pq_nz_generate_options_init(pq_nz_generate_options *o)
{
    memset(o, 0, sizeof *o);
    o->scale = PQ_NZ_SCALE_SMALL;
    o->pair = "EURUSD";
    o->year = 2025;
}

/* The pair becomes part of file names: letters and digits only. */
static pq_status check_options(const pq_nz_generate_options *o, const char *pair, int year, pq_error *err)
{
    if (o->root == NULL || o->root[0] == 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "generate: no root folder given");
    if (strlen(o->root) > 3800)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "generate: root path of %zu bytes is too long", strlen(o->root));
    size_t n = strlen(pair);
    if (n == 0 || n > 16) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "generate: expected a pair of 1..16 characters, found %zu", n);
    for (size_t i = 0; i < n; i++) {
        char c = pair[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "generate: expected letters and digits in the pair, found '%c' in '%s'", c, pair);
    }
    if (year < 1971 || year > 9998) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "generate: expected a year in 1971..9998, found %d", year);
    if (o->scale != PQ_NZ_SCALE_SMALL && o->scale != PQ_NZ_SCALE_PRODUCTION)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "generate: unknown scale %d", (int)o->scale);
    return PQ_OK;
}

/* Create one folder; an existing folder is fine, an existing file is PQ_ERR_IO. */
static pq_status make_dir(const char *path, pq_error *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) {
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) return PQ_OK;
        return PQ_FAIL(err, PQ_ERR_IO, "generate: %s exists and is not a folder", path);
    }
    return PQ_FAIL(err, PQ_ERR_IO, "generate: cannot create folder %s: %s", path, strerror(errno));
}

/* ROOT, ROOT/universes, ROOT/backtest_results and its detailed_trades, paths kept in g. */
static pq_status make_dirs(pq_nzg_ctx *g, const char *root, pq_error *err)
{
    snprintf(g->dir_universes, sizeof g->dir_universes, "%s/universes", root);
    snprintf(g->dir_backtest, sizeof g->dir_backtest, "%s/backtest_results", root);
    snprintf(g->dir_trades, sizeof g->dir_trades, "%s/backtest_results/detailed_trades", root);
    PQ_TRY(make_dir(root, err));
    PQ_TRY(make_dir(g->dir_universes, err));
    PQ_TRY(make_dir(g->dir_backtest, err));
    return make_dir(g->dir_trades, err);
}

/* --------------------------------------------------------------- run */

/* The candle lists, then each universe followed by its backtest (the trade
 * logs come with the last one). */
static pq_status generate_all(pq_nzg_ctx *g, pq_error *err)
{
    for (int k = 0; k < NZG_N_INTERVALS; k++) PQ_TRY(pq_nzg_series_make(g, k, &g->series[k], err));
    for (int k = 0; k < NZG_N_INTERVALS; k++) {
        for (int j = 0; j < NZG_N_LOOKBACKS; j++) {
            int64_t total_patterns = 0;
            PQ_TRY(pq_nzg_write_universe(g, k, j, &total_patterns, err));
            PQ_TRY(pq_nzg_write_backtest(g, k, j, total_patterns, err));
        }
    }
    return PQ_OK;
}

pq_status pq_nz_generate(const pq_nz_generate_options *o, pq_nz_generate_result *res, pq_error *err)
{
    if (res) memset(res, 0, sizeof *res);
    const char *pair = o->pair ? o->pair : "EURUSD";
    int year = o->year ? o->year : 2025;
    PQ_TRY(check_options(o, pair, year, err));

    pq_nzg_ctx *g = pq_calloc(o->alloc, 1, sizeof *g);
    if (g == NULL) return PQ_NOMEM(err);
    g->alloc = o->alloc;
    g->scale = o->scale;
    g->seed = o->seed;
    g->year = year;
    snprintf(g->pair, sizeof g->pair, "%s", pair);
    snprintf(g->prefix, sizeof g->prefix, "%s_%d_", pair, year);
    g->progress = o->progress;
    g->progress_ctx = o->progress_ctx;
    g->files_total = 2 * NZG_N_INTERVALS * NZG_N_LOOKBACKS + pq_nzg_strategy_count(g);

    pq_status st = make_dirs(g, o->root, err);
    if (st == PQ_OK) st = generate_all(g, err);
    if (res) {
        res->files = g->files;
        res->bytes = g->bytes;
    }
    for (int k = 0; k < NZG_N_INTERVALS; k++) pq_nzg_series_free(g, &g->series[k]);
    pq_free(o->alloc, g);
    return st;
}
