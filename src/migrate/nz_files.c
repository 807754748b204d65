/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_files.c - where a NECROZMA document lives on disk in its
 * Parquet form (see nz_doc.c for the list of files): writing them, reading
 * them back, and the load-by-name rule of NECROZMA's
 * load_universe_from_file, improved: the JSON wins when it is newer.
 *
 * Every table is written as one row group (the tables are small next to
 * their JSON, a year of candles is ~75k rows), so reading one back is one
 * read_row_group; a file with several row groups was not written here and
 * is refused.
 */
#include "migrate/nz_internal.h"

#include "io/sink.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ONE_ROW_GROUP ((int64_t)1 << 40)

/* ------------------------------------------------------------- names */

/* Folder part of `path` ("." when none) into out. */
static void dir_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) snprintf(out, cap, ".");
    else if (slash == path) snprintf(out, cap, "/");
    else snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

/* File name of `path` without `ext` (when it ends so). */
static void stem_of(const char *path, const char *ext, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(base), e = strlen(ext);
    if (n > e && strcmp(base + n - e, ext) == 0) n -= e;
    snprintf(out, cap, "%.*s", (int)n, base);
}

static bool is_doc_layout_key(const char *k)
{
    return strcmp(k, "parquant.layout") == 0 || strcmp(k, "parquant.kind") == 0 ||
           strcmp(k, "parquant.source") == 0 || strcmp(k, "parquant.candles") == 0 ||
           strcmp(k, "parquant.trades") == 0 || strcmp(k, "ARROW:schema") == 0;
}

/* ------------------------------------------------------------ writing */

static pq_status table_bytes(const pq_table *t, const pq_nz_write_options *o, const pq_kv *kv, size_t n_kv,
                             uint8_t **data, size_t *len, pq_error *err)
{
    pq_writer_options wo;
    pq_writer_options_init(&wo);
    wo.codec = o->codec;
    wo.row_group_size = ONE_ROW_GROUP;
    wo.threads = 1; /* migrate runs files in parallel instead */
    wo.kv = kv;
    wo.n_kv = n_kv;
    if (t->num_rows < 1024) {
        /* A stats table is 8 rows x up to ~570 columns: per-column statistics,
         * page indexes and dictionaries would cost more than the values. */
        wo.write_page_index = false;
        wo.write_statistics = false;
        wo.dictionary = t->schema.n_fields < 64;
    }
    pq_writer *w = NULL;
    PQ_TRY(pq_writer_open_memory(&w, &t->schema, &wo, err));
    pq_status st = pq_writer_write(w, t, err);
    if (st) {
        pq_writer_abort(w);
        return st;
    }
    return pq_writer_close_memory(w, data, len, err);
}

static pq_status write_file(const char *path, const void *data, size_t len, pq_error *err)
{
    pq_sink *s = NULL;
    PQ_TRY(pq_sink_open_file(&s, path, NULL, err));
    pq_status st = pq_sink_write(s, data, len, err);
    if (st) {
        pq_sink_abort(s);
        return st;
    }
    return pq_sink_close(s, err);
}

static pq_status note_written(char **written, const char *path, pq_error *err)
{
    if (written == NULL) return PQ_OK;
    size_t old = *written ? strlen(*written) : 0, n = strlen(path);
    char *w = realloc(*written, old + n + 2);
    if (w == NULL) return PQ_NOMEM(err);
    memcpy(w + old, path, n);
    w[old + n] = '\n';
    w[old + n + 1] = 0;
    *written = w;
    return PQ_OK;
}

static pq_status write_table(const pq_table *t, const char *path, const pq_nz_write_options *o, const pq_kv *kv,
                             size_t n_kv, char **written, pq_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    PQ_TRY(table_bytes(t, o, kv, n_kv, &data, &len, err));
    pq_status st = write_file(path, data, len, err);
    pq_free(NULL, data);
    if (st == PQ_OK) st = note_written(written, path, err);
    return st;
}

/* The candles of a universe go to candles/<base>_candles_<sha256:12>.parquet;
 * an existing file of that name has the same content and is reused. */
static pq_status write_candles(const pq_nz_doc *d, const char *dir, const char *stem, const pq_nz_write_options *o,
                               char *rel, size_t rel_cap, char **written, pq_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    PQ_TRY(table_bytes(&d->candles, o, NULL, 0, &data, &len, err));
    struct sha256_ctx h;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, len, data);
    sha256_digest(&h, sizeof digest, digest);
    char base[512];
    snprintf(base, sizeof base, "%s", stem);
    char *lb = strrchr(base, '_'); /* "<prefix>universe_5m_10lb" -> "<prefix>universe_5m" */
    if (lb && strlen(lb) > 3 && strcmp(lb + strlen(lb) - 2, "lb") == 0 && strspn(lb + 1, "0123456789") == strlen(lb) - 3)
        *lb = 0;
    char hex[13];
    for (int i = 0; i < 6; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    snprintf(rel, rel_cap, "candles/%s_candles_%s.parquet", base, hex);
    char folder[4200], path[4200 + 700];
    pq_status st = PQ_OK;
    if (snprintf(folder, sizeof folder, "%s/candles", dir) >= (int)sizeof folder ||
        snprintf(path, sizeof path, "%s/%s", dir, rel) >= (int)sizeof path)
        st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "path too long: %s", dir);
    if (st == PQ_OK && mkdir(folder, 0777) != 0 && errno != EEXIST)
        st = PQ_FAIL(err, PQ_ERR_IO, "cannot create %s: %s", folder, strerror(errno));
    struct stat sb;
    if (st == PQ_OK && !(stat(path, &sb) == 0 && (size_t)sb.st_size == len)) {
        st = write_file(path, data, len, err);
        if (st == PQ_OK) st = note_written(written, path, err);
    }
    pq_free(NULL, data);
    return st;
}

/* The sidecar the NECROZMA tools read: the listed members, with defaults. */
static pq_status write_sidecar(const pq_nz_doc *d, const char *path, char **written, pq_error *err)
{
    static const char *const universe_keys[] = { "name", "config", "processing_time", "total_patterns", "metadata" };
    static const char *const universe_defaults[] = { "\"\"", "{}", "0", "0", "{}" };
    static const char *const backtest_keys[] = { "universe_name", "universe_metadata", "backtest_timestamp", "statistics" };
    bool universe = d->kind == PQ_NZ_UNIVERSE;
    size_t n = universe ? 5 : 4;
    pq_sink *s = NULL;
    PQ_TRY(pq_sink_open_file(&s, path, NULL, err));
    pq_buf out;
    pq_buf_init(&out, NULL);
    pq_jemit e;
    pq_jemit_init_text(&e, &out, s, 2);
    pq_status st = pq_jemit_object_begin(&e, err);
    char kv_key[128];
    for (size_t i = 0; i < n && st == PQ_OK; i++) {
        const char *k = universe ? universe_keys[i] : backtest_keys[i];
        snprintf(kv_key, sizeof kv_key, "necrozma.%s", k);
        const char *v = pq_nz_doc_get(d, kv_key);
        if (v == NULL) v = universe ? universe_defaults[i] : "null";
        st = pq_jemit_key(&e, k, strlen(k), err);
        if (st == PQ_OK) st = nz_emit_json_text(&e, v, strlen(v), err);
    }
    if (st == PQ_OK) st = pq_jemit_object_end(&e, err);
    if (st == PQ_OK) st = pq_jemit_finish(&e, err);
    pq_buf_reset(&out);
    if (st) {
        pq_sink_abort(s);
        return st;
    }
    PQ_TRY(pq_sink_close(s, err));
    return note_written(written, path, err);
}

pq_status pq_nz_write_parquet(const pq_nz_doc *d, const char *parquet_path, const pq_nz_write_options *o,
                              char **written, pq_error *err)
{
    pq_nz_write_options defaults = { PQ_CODEC_SNAPPY, NULL };
    if (o == NULL) o = &defaults;
    char dir[4096], stem[512], rel[700], path[4096 + 700];
    dir_of(parquet_path, dir, sizeof dir);
    stem_of(parquet_path, ".parquet", stem, sizeof stem);
    pq_kv *kv = calloc(d->n_kv + 8, sizeof *kv);
    if (kv == NULL) return PQ_NOMEM(err);
    size_t n = 0;
    kv[n++] = (pq_kv){ "parquant.layout", NZ_LAYOUT };
    kv[n++] = (pq_kv){ "parquant.kind", (char *)pq_nz_kind_name(d->kind) };
    if (o->source_info) kv[n++] = (pq_kv){ "parquant.source", (char *)o->source_info };
    pq_status st = PQ_OK;
    if (d->kind == PQ_NZ_UNIVERSE) {
        st = write_candles(d, dir, stem, o, rel, sizeof rel, written, err);
        kv[n++] = (pq_kv){ "parquant.candles", rel };
    } else if (d->kind == PQ_NZ_BACKTEST && d->trades.num_rows > 0) {
        snprintf(rel, sizeof rel, "%s_trades.parquet", stem);
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        st = write_table(&d->trades, path, o, NULL, 0, written, err);
        kv[n++] = (pq_kv){ "parquant.trades", rel };
    }
    if (st == PQ_OK && d->kind != PQ_NZ_TRADES) {
        snprintf(path, sizeof path, "%s/%s_metadata.json", dir, stem);
        st = write_sidecar(d, path, written, err);
    }
    for (size_t i = 0; i < d->n_kv; i++)
        if (!is_doc_layout_key(d->kv[i].key)) kv[n++] = d->kv[i];
    if (st == PQ_OK) st = write_table(&d->main, parquet_path, o, kv, n, written, err);
    free(kv);
    return st;
}

/* ------------------------------------------------------------ reading */

static pq_status read_table(const char *path, const char *const *columns, size_t n_columns, pq_table *out,
                            pq_nz_doc *kv_into, pq_error *err)
{
    pq_reader_options ro;
    pq_reader_options_init(&ro);
    ro.threads = 1;
    pq_reader *r = NULL;
    PQ_TRY(pq_reader_open(&r, path, &ro, err));
    pq_status st = PQ_OK;
    if (columns) st = pq_reader_select(r, columns, n_columns, err);
    int64_t groups = pq_reader_num_row_groups(r);
    if (st == PQ_OK && groups > 1)
        st = PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "%lld row groups: not a table written by parquant migrate", (long long)groups);
    if (st == PQ_OK) {
        if (groups == 1) st = pq_reader_read_row_group(r, 0, out, err);
        else st = pq_table_init(out, pq_reader_output_schema(r), err);
    }
    if (st == PQ_OK && kv_into) {
        const pq_file_metadata *m = pq_reader_metadata(r);
        for (int32_t i = 0; i < m->n_kv && st == PQ_OK; i++)
            if (m->kv[i].key && m->kv[i].value)
                st = nz_doc_put_kv(kv_into, m->kv[i].key, m->kv[i].value, err);
    }
    pq_reader_close(r);
    if (st) {
        pq_table_reset(out);
        if (err && err->path[0] == 0) snprintf(err->path, sizeof err->path, "%s", path);
    }
    return st;
}

pq_status pq_nz_load_parquet(const char *path, bool with_candles, pq_nz_doc *out, pq_error *err)
{
    memset(out, 0, sizeof *out);
    PQ_TRY(read_table(path, NULL, 0, &out->main, out, err));
    const char *layout = pq_nz_doc_get(out, "parquant.layout"), *kind = pq_nz_doc_get(out, "parquant.kind");
    pq_status st = PQ_OK;
    if (layout == NULL || strcmp(layout, NZ_LAYOUT) != 0 || kind == NULL)
        st = PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "not a NECROZMA file written by parquant migrate (layout %s)",
                     layout ? layout : "missing");
    else if (strcmp(kind, "universe") == 0) out->kind = PQ_NZ_UNIVERSE;
    else if (strcmp(kind, "backtest") == 0) out->kind = PQ_NZ_BACKTEST;
    else if (strcmp(kind, "trades") == 0) out->kind = PQ_NZ_TRADES;
    else st = PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "unknown document kind \"%s\"", kind);
    char dir[4096], side[4096 + 700];
    dir_of(path, dir, sizeof dir);
    const char *candles = pq_nz_doc_get(out, "parquant.candles"), *trades = pq_nz_doc_get(out, "parquant.trades");
    if (st == PQ_OK && out->kind == PQ_NZ_UNIVERSE && candles && with_candles) {
        snprintf(side, sizeof side, "%s/%s", dir, candles);
        st = read_table(side, NULL, 0, &out->candles, NULL, err);
        if (st == PQ_OK && (out->candles_file = strdup(side)) == NULL) st = PQ_NOMEM(err);
    }
    if (st == PQ_OK && out->kind == PQ_NZ_BACKTEST && trades) {
        snprintf(side, sizeof side, "%s/%s", dir, trades);
        st = read_table(side, NULL, 0, &out->trades, NULL, err);
    }
    if (st) {
        if (err && err->path[0] == 0) snprintf(err->path, sizeof err->path, "%s", path);
        pq_nz_doc_reset(out);
    }
    return st;
}

pq_status pq_nz_load_stats(const char *parquet_path, const char *const *columns, size_t n, pq_table *out,
                           pq_error *err)
{
    memset(out, 0, sizeof *out);
    return read_table(parquet_path, columns, columns ? n : 0, out, NULL, err);
}

/* ------------------------------------------------------- load by name */

static bool file_time(const char *path, struct timespec *t)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return false;
    *t = sb.st_mtim;
    return true;
}

pq_status pq_nz_load(const char *path, pq_nz_kind kind, pq_nz_doc *out, char **loaded_from, bool *stale,
                     pq_error *err)
{
    memset(out, 0, sizeof *out);
    *loaded_from = NULL;
    *stale = false;
    char base[4096], pq_path[4200], json_path[4200];
    size_t n = strlen(path);
    if (n >= sizeof base) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "path too long");
    memcpy(base, path, n + 1);
    if (n > 8 && strcmp(base + n - 8, ".parquet") == 0) base[n - 8] = 0;
    else if (n > 5 && strcmp(base + n - 5, ".json") == 0) base[n - 5] = 0;
    snprintf(pq_path, sizeof pq_path, "%s.parquet", base);
    snprintf(json_path, sizeof json_path, "%s.json", base);
    struct timespec tp, tj;
    bool has_pq = file_time(pq_path, &tp), has_json = file_time(json_path, &tj);
    if (!has_pq && !has_json)
        return PQ_FAIL(err, PQ_ERR_NOT_FOUND, "no %s file found at %s (.parquet or .json)", pq_nz_kind_name(kind), base);
    bool use_json = !has_pq || (has_json && (tj.tv_sec > tp.tv_sec || (tj.tv_sec == tp.tv_sec && tj.tv_nsec > tp.tv_nsec)));
    *stale = has_pq && use_json;
    const char *chosen = use_json ? json_path : pq_path;
    pq_status st = use_json ? pq_nz_load_json(chosen, kind, out, err) : pq_nz_load_parquet(chosen, true, out, err);
    if (st) return st;
    if ((*loaded_from = strdup(chosen)) == NULL) {
        pq_nz_doc_reset(out);
        return PQ_NOMEM(err);
    }
    return PQ_OK;
}
