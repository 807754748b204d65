/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/migrate.c - one file's migration: up-to-date check, convert,
 * verify, delete (see migrate.h for the order and why it is safe).
 */
#include "migrate/migrate.h"

#include "migrate/nz_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

pq_status nz_output_path(const char *json_path, const char *out_dir, char *out, size_t cap, pq_error *err)
{
    const char *slash = strrchr(json_path, '/');
    const char *base = slash ? slash + 1 : json_path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0) n -= 5;
    if (snprintf(out, cap, "%s/%.*s.parquet", out_dir, (int)n, base) >= (int)cap)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "output path too long for %s", json_path);
    return PQ_OK;
}

/* "size=N mtime=S.NNNNNNNNN" of the source, kept in the footer. */
static pq_status source_info(const char *path, char *out, size_t cap, int64_t *size, pq_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) return PQ_FAIL(err, PQ_ERR_IO, "%s: %s", path, strerror(errno));
    *size = (int64_t)sb.st_size;
    snprintf(out, cap, "size=%lld mtime=%lld.%09ld", (long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
             (long)sb.st_mtim.tv_nsec);
    return PQ_OK;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

/* Is the Parquet form of this source complete and current? */
static bool up_to_date(const char *pq_path, pq_nz_kind kind, const char *info)
{
    pq_reader *r = NULL;
    pq_error err;
    if (pq_reader_open(&r, pq_path, NULL, &err) != PQ_OK) return false;
    const pq_file_metadata *m = pq_reader_metadata(r);
    bool source_ok = false, layout_ok = false, side_ok = true;
    char dir[4096];
    const char *slash = strrchr(pq_path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - pq_path) : 1, slash ? pq_path : ".");
    for (int32_t i = 0; i < m->n_kv; i++) {
        const char *k = m->kv[i].key, *v = m->kv[i].value;
        if (k == NULL || v == NULL) continue;
        if (strcmp(k, "parquant.source") == 0) source_ok = strcmp(v, info) == 0;
        if (strcmp(k, "parquant.layout") == 0) layout_ok = strcmp(v, NZ_LAYOUT) == 0;
        if (strcmp(k, "parquant.candles") == 0 || strcmp(k, "parquant.trades") == 0) {
            char side[4096 + 1024];
            snprintf(side, sizeof side, "%s/%s", dir, v);
            side_ok &= access(side, R_OK) == 0;
        }
    }
    pq_reader_close(r);
    /* the sidecar NECROZMA's loaders read (universes and backtests) */
    char sidecar[4200];
    size_t n = strlen(pq_path);
    if (n > 8 && snprintf(sidecar, sizeof sidecar, "%.*s_metadata.json", (int)(n - 8), pq_path) < (int)sizeof sidecar &&
        kind != PQ_NZ_TRADES)
        side_ok &= access(sidecar, R_OK) == 0;
    return source_ok && layout_ok && side_ok;
}

/* Read the written files back and compare them with the source: by digest
 * when the conversion digested the source (one parse of the source in
 * all), token by token otherwise, and token by token after a digest
 * mismatch too, to name the first difference. */
static pq_status verify(const char *pq_path, const char *json_path, const uint8_t *source_digest, pq_error *err)
{
    pq_nz_doc back;
    PQ_TRY(pq_nz_load_parquet(pq_path, true, &back, err));
    pq_status st = PQ_OK;
    bool compare = source_digest == NULL;
    if (!compare) {
        uint8_t copy[16];
        st = nz_digest_doc(&back, copy, err);
        compare = st == PQ_OK && memcmp(copy, source_digest, 16) != 0;
    }
    if (compare) {
        st = pq_nz_compare_json(&back, json_path, err);
        if (st == PQ_OK && source_digest) /* cannot happen unless the source changed meanwhile */
            st = PQ_FAIL(err, PQ_ERR_CORRUPT, "the Parquet copy's digest differs from the source's");
    }
    pq_nz_doc_reset(&back);
    return st;
}

/* Call fn for each path of a newline-separated list (pq_nz_write_parquet's). */
static void each_path(const char *list, void (*fn)(const char *path, void *ctx), void *ctx)
{
    char path[8192];
    for (const char *p = list; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n < sizeof path) {
            memcpy(path, p, n);
            path[n] = 0;
            fn(path, ctx);
        }
        p += n + (nl != NULL);
    }
}

static void add_size(const char *path, void *ctx) { *(int64_t *)ctx += file_size(path); }

static int64_t written_bytes(const char *list)
{
    int64_t total = 0;
    each_path(list, add_size, &total);
    return total;
}

static bool expected_member(pq_nz_kind kind, const char *key)
{
    static const char *const u[] = { "name", "config", "processing_time", "total_patterns", "results", "ohlc_data", "metadata", NULL };
    static const char *const b[] = { "universe_name", "universe_metadata", "backtest_timestamp", "statistics", "results", NULL };
    static const char *const t[] = { "strategy_name", "universe", "rank", "metrics", "trades", "trades_detailed",
                                     "equity_curve", "drawdown_curve", NULL };
    const char *const *list = kind == PQ_NZ_UNIVERSE ? u : kind == PQ_NZ_BACKTEST ? b : t;
    for (; *list; list++)
        if (strcmp(*list, key) == 0) return true;
    return false;
}

static int64_t extra_rows(const pq_table *t)
{
    int64_t i = t->schema.n_fields ? pq_schema_find(&t->schema, NZ_EXTRA) : -1;
    return i < 0 ? 0 : t->columns[i].length - t->columns[i].null_count;
}

/* What the layout did not foresee, kept as JSON: one line for the report. */
static void note_unforeseen(const pq_nz_doc *d, nz_migrate_result *res)
{
    size_t n = 0;
    res->note[0] = 0;
    for (size_t i = 0; i < d->n_kv; i++) {
        const char *k = d->kv[i].key;
        if (strncmp(k, "necrozma.", 9) != 0) continue;
        bool part = strcmp(k + 9, "results") == 0 || strcmp(k + 9, "ohlc_data") == 0 || strncmp(k + 9, "trades", 6) == 0;
        if (expected_member(d->kind, k + 9) && !part) continue;
        res->warnings++;
        if (n < sizeof res->note)
            n += (size_t)snprintf(res->note + n, sizeof res->note - n, "%smember \"%s\"%s", n ? ", " : "", k + 9,
                                  part ? " (unexpected shape)" : "");
    }
    if (d->n_kv && pq_nz_doc_get(d, "parquant.json.document") && n < sizeof res->note) {
        res->warnings++;
        n += (size_t)snprintf(res->note + n, sizeof res->note - n, "%sthe document is not an object", n ? ", " : "");
    }
    int64_t rows = extra_rows(&d->main) + extra_rows(&d->candles) + extra_rows(&d->trades);
    if (rows > 0 && n < sizeof res->note) {
        res->warnings++;
        snprintf(res->note + n, sizeof res->note - n, "%s%lld rows with members kept in json_extra", n ? ", " : "",
                 (long long)rows);
    }
}

static pq_status remove_source(const char *json_path, pq_error *err)
{
    if (unlink(json_path) != 0) return PQ_FAIL(err, PQ_ERR_IO, "cannot delete %s: %s", json_path, strerror(errno));
    char dir[4096];
    const char *slash = strrchr(json_path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - json_path) : 1, slash ? json_path : ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) { /* make the removal durable like the renames before it */
        (void)fsync(fd);
        close(fd);
    }
    return PQ_OK;
}

static pq_status convert(const char *json_path, const char *pq_path, pq_nz_kind kind, const nz_migrate_options *o,
                         const char *info, nz_migrate_result *res, uint8_t digest[16], char **written, pq_error *err)
{
    pq_nz_doc d;
    pq_jdigest *dg = malloc(sizeof *dg);
    if (dg == NULL) return PQ_NOMEM(err);
    pq_jdigest_init(dg);
    pq_status ld = nz_load_json_file(json_path, kind, &d, dg, err);
    pq_jdigest_final(dg, digest);
    free(dg);
    PQ_TRY(ld);
    note_unforeseen(&d, res);
    pq_nz_write_options wo = { o->codec, info };
    pq_status st = pq_nz_write_parquet(&d, pq_path, &wo, written, err);
    pq_nz_doc_reset(&d);
    res->bytes_out = written_bytes(*written);
    return st;
}

/* After a failed verification: remove what this file's conversion wrote,
 * main file included, so that nothing would prefer it over the JSON; not
 * candle files, which other universes may share. */
static void unlink_unshared(const char *path, void *ctx)
{
    (void)ctx;
    if (strstr(path, "/candles/") == NULL) unlink(path);
}

static void remove_written(const char *list) { each_path(list, unlink_unshared, NULL); }

pq_status nz_migrate_file(const char *json_path, const char *out_dir, pq_nz_kind kind, const nz_migrate_options *o,
                          nz_migrate_result *res, pq_error *err)
{
    memset(res, 0, sizeof *res);
    res->outcome = NZ_FAILED;
    char pq_path[4200], info[128];
    pq_status st = nz_output_path(json_path, out_dir, pq_path, sizeof pq_path, err);
    if (st == PQ_OK) st = source_info(json_path, info, sizeof info, &res->bytes_in, err);
    if (st) return st;
    bool skip = !o->force && up_to_date(pq_path, kind, info);
    uint8_t digest[16];
    char *written = NULL;
    if (!skip) st = convert(json_path, pq_path, kind, o, info, res, digest, &written, err);
    if (st == PQ_OK && ((o->verify && !skip) || o->delete_json)) {
        st = verify(pq_path, json_path, skip ? NULL : digest, err);
        if (st != PQ_OK && !skip) remove_written(written); /* never leave a copy that differs */
    }
    free(written);
    if (st == PQ_OK && o->delete_json) {
        st = remove_source(json_path, err);
        res->deleted = st == PQ_OK;
    }
    if (st == PQ_OK) res->outcome = skip ? NZ_SKIPPED : NZ_DONE;
    if (st && err && err->path[0] == 0) snprintf(err->path, sizeof err->path, "%s", json_path);
    return st;
}

int nz_remove_stale_temps(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) return 0;
    int removed = 0;
    struct dirent *e;
    char path[4096 + 256];
    while ((e = readdir(d)) != NULL) {
        const char *t = strstr(e->d_name, ".tmp-");
        if (t == NULL || strlen(t) != 11) continue; /* ".tmp-" + 6 characters, as io/sink.c names them */
        size_t stem = (size_t)(t - e->d_name);
        bool ours = (stem > 8 && strncmp(t - 8, ".parquet", 8) == 0) || (stem > 5 && strncmp(t - 5, ".json", 5) == 0);
        if (!ours) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) == 0) removed++;
    }
    closedir(d);
    return removed;
}
