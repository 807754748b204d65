/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/writer.c - pq_writer: tables in, a Parquet file out (parquet.h).
 *
 * File layout (parquet-format "File Format"):
 *   "PAR1" | row group 0 chunks | row group 1 chunks | ... |
 *   every ColumnIndex | every OffsetIndex | FileMetaData | u32 LE length | "PAR1"
 * The page indexes come after all row groups, column indexes first, then
 * offset indexes, each in row group then schema order, as parquet-cpp does.
 *
 * Row groups: rows accumulate in the leaves' column writers until
 * row_group_size rows (a table is split across row groups as needed; a row
 * group never holds more), or until pq_writer_flush / close.  Each write
 * runs jobs on a small persistent thread pool (the caller's thread is
 * worker 0; each worker has its own codec contexts and scratch).  A job's
 * work items are (row group segment, leaf) pairs: a write spanning several
 * row groups encodes up to max_segments of them at once, each in its own
 * "slot" of column writers, so that even a table of few columns keeps every
 * worker busy.  Finished row groups stay pending and are written out by the
 * first item of the next job (or by flush/close), overlapping the file
 * writes with encoding.  Chunks are written in row group then schema order
 * and each chunk's bytes depend only on its rows, so the file's bytes do not
 * depend on the number of threads or on how rows were batched into writes.
 * Memory: a row group's compressed chunks live in memory until written
 * out; up to 2 x max_segments row groups (one with a single worker).
 *
 * Tables are checked before any work: same field names, types and
 * nullability as the writer's schema, columns of num_rows slots, and no
 * null in a non-nullable field where its ancestors are valid
 * (PQ_ERR_INVALID_ARG naming the field and the row).
 *
 * FileMetaData: version 2 when pages are v2 or any leaf uses an encoding
 * newer than format 1.0 (DELTA_*, BYTE_STREAM_SPLIT, RLE booleans), else 1;
 * schema elements from pq_schema_map_from_schema; column_orders
 * TYPE_DEFINED_ORDER for every leaf; created_by "parquant version X.Y.Z"
 * unless given.
 *
 * Failure: any failed write, flush or close poisons the writer (later calls
 * return PQ_ERR_STATE) and close/abort remove the temporary file, so no file
 * ever appears under the final name unless every call succeeded.
 */
#include "parquant/parquet.h"

#include <stdio.h>
#include <unistd.h>

#include "core/pool.h"
#include "io/sink.h"
#include "parquet/column_writer.h"
#include "parquet/levels.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

#ifndef PQ_VERSION_STRING
#define PQ_VERSION_STRING "0.1.0"
#endif

/* Rows shredded per batch: bounds the level scratch of a worker; a multiple
 * of the default page's values, so pages rarely straddle batches. */
#define PQ_SHRED_ROWS ((int64_t)1 << 18)
#define PQ_MAX_THREADS 256
/* Row groups encoded by one job (each in its own slot of column writers);
 * twice as many slots exist so that the previous job's row groups can be
 * written out while the next ones are encoded. */
#define PQ_MAX_SEGMENTS 4
#define PQ_MAX_SLOTS (2 * PQ_MAX_SEGMENTS)
/* Leaves beyond which a single slot is used (no overlap of writes). */
#define PQ_WIDE_SCHEMA 10000

typedef struct wr_worker {
    pq_cw_scratch scratch;   /* codec contexts and page buffers */
    pq_leaf_batch batch;     /* shredded levels and values */
    pq_error err;            /* first failure of the current job */
    int64_t fail_item;       /* work item of that failure, -1 = none */
} wr_worker;

/* A finished row group waiting to be written: its slot and row count. */
typedef struct wr_done {
    int slot;
    int64_t rows;
} wr_done;

/* A range of rows of one row group, encoded by one job. */
typedef struct wr_segment {
    const pq_table *table;   /* NULL: nothing to add (flush) */
    int64_t row0, rows;      /* rows of `table` */
    bool finish;             /* the row group is complete after them */
    int slot;                /* column writers used */
} wr_segment;

typedef struct wr_leaf_opts {
    pq_kv *kv;               /* column-chunk key/value metadata (arena) */
    int32_t n_kv;
} wr_leaf_opts;

struct pq_writer {
    const pq_allocator *alloc;
    pq_arena arena;          /* copied options, footer metadata */
    pq_schema schema;        /* the caller's schema (copied): tables must match it */
    pq_schema_map map;       /* written schema, leaves, elements */
    pq_sink *sink;
    bool memory;             /* opened with pq_writer_open_memory */
    bool failed;             /* an earlier call failed */
    int32_t version;         /* FileMetaData.version */
    pq_kv *kv;               /* file key/value metadata (arena) */
    int32_t n_kv;
    const char *created_by;  /* arena */
    int64_t row_group_size;
    int64_t n_leaves;
    pq_column_writer_config *cfgs; /* per leaf (arena) */
    pq_column_writer **cols; /* n_slots x n_leaves, slot-major */
    int n_slots;             /* sets of column writers, 1..PQ_MAX_SLOTS */
    int max_segments;        /* row groups one job may encode, 1..PQ_MAX_SEGMENTS */
    int open_slot;           /* slot holding the open row group (possibly empty) */
    wr_done pend[PQ_MAX_SEGMENTS]; /* finished row groups not yet written, in order */
    int n_pend;
    wr_leaf_opts *leaf_opts;
    wr_worker *workers;      /* n_scratch entries initialised */
    int n_scratch;
    int n_workers;           /* used: helper threads + the caller, <= n_scratch */
    pq_pool pool;
    /* current job: item 0 writes out the pending row groups when `job_emit`,
     * then n_job segments x n_leaves encoding items */
    wr_segment job[PQ_MAX_SEGMENTS];
    int n_job;
    bool job_emit;
    int32_t job_rg0;         /* index of the job's first row group (error locations) */
    /* row groups */
    int64_t rg_rows;         /* rows in the open row group */
    int64_t total_rows;
    pq_row_group_meta *rgs;
    int32_t n_rgs, cap_rgs;
    pq_buf ci_blob, oi_blob; /* page indexes, offsets relative to the blobs */
};

/* ------------------------------------------------------------ options */

void pq_writer_options_init(pq_writer_options *o)
{
    memset(o, 0, sizeof *o);
    o->codec = PQ_CODEC_SNAPPY;
    o->compression_level = 0;
    o->page_version = 1;
    o->page_size = (int64_t)1 << 20;
    o->row_group_size = (int64_t)1 << 17; /* 128 Ki rows: see docs/performance.md */
    o->dictionary = true;
    o->dictionary_size_limit = (int64_t)1 << 20;
    o->encoding = PQ_ENC_DEFAULT;
    o->write_crc = true;
    o->write_statistics = true;
    o->write_page_index = true;
    o->threads = 0;
}

/* True when `e` may be asked for as a value encoding. */
static bool encoding_requestable(pq_encoding e)
{
    return e == PQ_ENC_DEFAULT || e == PQ_ENC_PLAIN || e == PQ_ENC_RLE || e == PQ_ENC_DELTA_BINARY_PACKED ||
           e == PQ_ENC_DELTA_LENGTH_BYTE_ARRAY || e == PQ_ENC_DELTA_BYTE_ARRAY || e == PQ_ENC_BYTE_STREAM_SPLIT;
}

/* True when non-dictionary encoding e suits physical type t. */
static bool encoding_fits(pq_encoding e, pq_physical t)
{
    switch (e) {
    case PQ_ENC_PLAIN: return true;
    case PQ_ENC_RLE: return t == PQ_PHYS_BOOLEAN;
    case PQ_ENC_DELTA_BINARY_PACKED: return t == PQ_PHYS_INT32 || t == PQ_PHYS_INT64;
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return t == PQ_PHYS_BYTE_ARRAY;
    case PQ_ENC_DELTA_BYTE_ARRAY: return t == PQ_PHYS_BYTE_ARRAY || t == PQ_PHYS_FIXED_LEN_BYTE_ARRAY;
    case PQ_ENC_BYTE_STREAM_SPLIT:
        return t == PQ_PHYS_FLOAT || t == PQ_PHYS_DOUBLE || t == PQ_PHYS_INT32 || t == PQ_PHYS_INT64 ||
               t == PQ_PHYS_FIXED_LEN_BYTE_ARRAY;
    default: return false;
    }
}

/* The value encoding of a leaf: the requested one where the type allows,
 * else PLAIN (RLE for BOOLEAN in v2 pages). */
static pq_encoding resolve_encoding(pq_encoding req, pq_physical t, int page_version)
{
    if (req != PQ_ENC_DEFAULT && encoding_fits(req, t)) return req;
    return t == PQ_PHYS_BOOLEAN && page_version == 2 ? PQ_ENC_RLE : PQ_ENC_PLAIN;
}

static pq_status check_options(const pq_writer_options *o, pq_error *err)
{
    /* codec and level are checked here, at open, not at the first page */
    PQ_TRY(pq_codec_check_level(o->codec, o->compression_level, err));
    if (o->page_version != 1 && o->page_version != 2)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected page_version 1 or 2, found %d", o->page_version);
    if (o->page_size < 1 || o->page_size > ((int64_t)1 << 30))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected page_size 1..2^30, found %lld", (long long)o->page_size);
    if (o->row_group_size < 1)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected row_group_size >= 1, found %lld",
                       (long long)o->row_group_size);
    if (o->dictionary_size_limit < 0 || o->dictionary_size_limit > ((int64_t)1 << 30))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected dictionary_size_limit 0..2^30, found %lld",
                       (long long)o->dictionary_size_limit);
    if (!encoding_requestable(o->encoding))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "encoding %d is not a value encoding", (int)o->encoding);
    if (o->threads < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected threads >= 0, found %d", o->threads);
    if ((o->n_columns && !o->columns) || (o->n_kv && !o->kv))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected an array for n_columns/n_kv > 0, found NULL");
    for (size_t i = 0; i < o->n_columns; i++) {
        const pq_column_options *c = &o->columns[i];
        if (!c->path) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column option %zu has no path", i);
        if (!encoding_requestable(c->encoding))
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column '%s': encoding %d is not a value encoding", c->path,
                           (int)c->encoding);
        if (c->dictionary < -1 || c->dictionary > 1)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column '%s': expected dictionary -1, 0 or 1, found %d", c->path,
                           c->dictionary);
        if (c->n_kv && !c->kv) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column '%s': n_kv > 0 without kv", c->path);
    }
    return PQ_OK;
}

/* Copy n key/value pairs into the arena. */
static pq_status copy_kv(pq_arena *a, const pq_kv *src, size_t n, pq_kv **out, int32_t *n_out, pq_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (n == 0) return PQ_OK;
    if (n > INT32_MAX) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "too many key/value pairs: %zu", n);
    pq_kv *kv = (pq_kv *)pq_arena_alloc(a, n * sizeof(pq_kv), 8);
    if (!kv) return PQ_NOMEM(err);
    for (size_t i = 0; i < n; i++) {
        if (!src[i].key) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "key/value pair %zu has no key", i);
        kv[i].key = pq_arena_strndup(a, src[i].key, strlen(src[i].key));
        if (!kv[i].key) return PQ_NOMEM(err);
        if (src[i].value) {
            kv[i].value = pq_arena_strndup(a, src[i].value, strlen(src[i].value));
            if (!kv[i].value) return PQ_NOMEM(err);
        }
    }
    *out = kv;
    *n_out = (int32_t)n;
    return PQ_OK;
}

/* True when option path `p` names leaf path `leaf` or a group above it. */
static bool path_matches(const char *p, const char *leaf)
{
    size_t n = strlen(p);
    return strncmp(p, leaf, n) == 0 && (leaf[n] == 0 || leaf[n] == '.');
}

/* The most specific column option for a leaf, or NULL. */
static const pq_column_options *leaf_option(const pq_writer_options *o, const char *leaf)
{
    const pq_column_options *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < o->n_columns; i++) {
        size_t n = strlen(o->columns[i].path);
        if (path_matches(o->columns[i].path, leaf) && (!best || n > best_len)) {
            best = &o->columns[i];
            best_len = n;
        }
    }
    return best;
}

/* ------------------------------------------------------------ jobs */

static pq_status emit_row_group(pq_writer *w, int slot, int64_t rows, pq_error *err);

/* Record the first failure of a worker (items are taken in increasing
 * order, so it is the worker's lowest failing item). */
static void note_failure(wr_worker *wk, int64_t item, pq_status st, pq_error *e)
{
    if (wk->fail_item >= 0) return;
    e->code = st;
    wk->err = *e;
    wk->fail_item = item;
}

/* Work item: item 0 of an emitting job writes out the pending row groups
 * (the only item touching the sink, the footer metadata and the pending
 * slots); every other item is a (segment, leaf) pair: shred the segment's
 * rows of the leaf into the segment's column writer, and close the chunk
 * when the segment completes its row group. */
static void task_item(void *ctx, int worker, int64_t item)
{
    pq_writer *w = (pq_writer *)ctx;
    wr_worker *wk = &w->workers[worker];
    pq_error e;
    pq_error_clear(&e);
    pq_status st = PQ_OK;
    if (w->job_emit && item == 0) {
        for (int i = 0; i < w->n_pend && st == PQ_OK; i++) st = emit_row_group(w, w->pend[i].slot, w->pend[i].rows, &e);
        if (st != PQ_OK) note_failure(wk, item, st, &e);
        return;
    }
    int64_t k = item - (w->job_emit ? 1 : 0);
    const wr_segment *sg = &w->job[k / w->n_leaves];
    int64_t leaf = k % w->n_leaves;
    pq_column_writer *cw = w->cols[(int64_t)sg->slot * w->n_leaves + leaf];
    const pq_leaf *lf = &w->map.leaves[leaf];
    if (sg->table) {
        const pq_array *col = &sg->table->columns[lf->top];
        for (int64_t r = 0; r < sg->rows && st == PQ_OK; r += PQ_SHRED_ROWS) {
            int64_t nr = sg->rows - r < PQ_SHRED_ROWS ? sg->rows - r : PQ_SHRED_ROWS;
            st = pq_shred_leaf(&w->map, leaf, col, sg->row0 + r, nr, &wk->batch, &e);
            if (st == PQ_OK) st = pq_column_writer_write(cw, &wk->batch, &wk->scratch, &e);
        }
    }
    if (st == PQ_OK && sg->finish) st = pq_column_writer_finish(cw, &wk->scratch, &e);
    if (st != PQ_OK) {
        if (!e.column_path[0]) snprintf(e.column_path, sizeof e.column_path, "%s", lf->path);
        if (e.where.row_group < 0) e.where.row_group = w->job_rg0 + k / w->n_leaves;
        note_failure(wk, item, st, &e);
    }
}

/* Run the current job (emission, then every segment x leaf); report the
 * failure of the lowest item.  The pending row groups are written out
 * (emptying the pending list) when job_emit is set. */
static pq_status run_job(pq_writer *w, pq_error *err)
{
    for (int i = 0; i < w->n_workers; i++) w->workers[i].fail_item = -1;
    w->job_rg0 = w->n_rgs + w->n_pend;
    w->job_emit = w->n_pend > 0;
    pq_pool_run(&w->pool, task_item, w, (int64_t)w->n_job * w->n_leaves + (w->job_emit ? 1 : 0));
    w->job_emit = false;
    w->n_pend = 0; /* written out, or the writer is poisoned */
    const wr_worker *bad = NULL;
    for (int i = 0; i < w->n_workers; i++)
        if (w->workers[i].fail_item >= 0 && (!bad || w->workers[i].fail_item < bad->fail_item)) bad = &w->workers[i];
    if (!bad) return PQ_OK;
    if (err) *err = bad->err;
    return bad->err.code;
}

/* ------------------------------------------------------------ open/free */

static void writer_free(pq_writer *w)
{
    pq_pool_stop(&w->pool);
    if (w->workers)
        for (int i = 0; i < w->n_scratch; i++) {
            pq_cw_scratch_reset(&w->workers[i].scratch);
            pq_leaf_batch_reset(&w->workers[i].batch);
        }
    pq_free(w->alloc, w->workers);
    if (w->cols)
        for (int64_t i = 0; i < (int64_t)w->n_slots * w->n_leaves; i++) pq_column_writer_destroy(w->cols[i]);
    pq_free(w->alloc, w->cols);
    pq_free(w->alloc, w->rgs);
    pq_buf_reset(&w->ci_blob);
    pq_buf_reset(&w->oi_blob);
    pq_sink_abort(w->sink);
    pq_schema_map_reset(&w->map);
    pq_schema_reset(&w->schema);
    pq_arena_reset(&w->arena);
    pq_free(w->alloc, w);
}

/* Configure every leaf (column options resolved) and copy its kv metadata. */
static pq_status create_columns(pq_writer *w, const pq_writer_options *o, pq_error *err)
{
    size_t n = (size_t)w->n_leaves;
    w->cfgs = (pq_column_writer_config *)pq_arena_alloc(&w->arena, n * sizeof *w->cfgs, 8);
    w->leaf_opts = (wr_leaf_opts *)pq_arena_alloc(&w->arena, n * sizeof *w->leaf_opts, 8);
    if (!w->cfgs || !w->leaf_opts) return PQ_NOMEM(err);
    w->version = o->page_version == 2 ? 2 : 1;
    for (size_t i = 0; i < n; i++) {
        const pq_leaf *lf = &w->map.leaves[i];
        const pq_column_options *co = leaf_option(o, lf->path);
        pq_column_writer_config c;
        memset(&c, 0, sizeof c);
        c.physical = lf->physical;
        c.type_length = lf->type_length;
        c.max_def = lf->max_def;
        c.max_rep = lf->max_rep;
        c.order = pq_stat_order_of(lf->physical, &lf->field->type);
        c.codec = o->codec;
        c.compression_level = o->compression_level;
        c.page_version = o->page_version;
        c.page_size = o->page_size;
        c.dictionary = co && co->dictionary >= 0 ? co->dictionary == 1 : o->dictionary;
        c.dictionary_size_limit = o->dictionary_size_limit;
        pq_encoding req = co && co->encoding != PQ_ENC_DEFAULT ? co->encoding : o->encoding;
        c.value_encoding = resolve_encoding(req, lf->physical, o->page_version);
        if (c.value_encoding != PQ_ENC_PLAIN) w->version = 2;
        c.write_crc = o->write_crc;
        c.write_statistics = o->write_statistics;
        c.write_page_index = o->write_page_index;
        w->cfgs[i] = c;
        w->leaf_opts[i].kv = NULL;
        w->leaf_opts[i].n_kv = 0;
        if (co) PQ_TRY(copy_kv(&w->arena, co->kv, co->n_kv, &w->leaf_opts[i].kv, &w->leaf_opts[i].n_kv, err));
    }
    for (size_t k = 0; k < o->n_columns; k++) {
        bool used = false;
        for (size_t i = 0; i < n && !used; i++) used = path_matches(o->columns[k].path, w->map.leaves[i].path);
        if (!used)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column option '%s' matches no column", o->columns[k].path);
    }
    return PQ_OK;
}

static pq_status create_workers(pq_writer *w, int threads, pq_error *err)
{
    if (threads == 0) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        threads = ncpu > 0 ? (int)(ncpu < PQ_MAX_THREADS ? ncpu : PQ_MAX_THREADS) : 1;
    }
    if (threads > PQ_MAX_THREADS) threads = PQ_MAX_THREADS;
    /* more workers than a job's items would idle */
    if ((int64_t)threads > w->n_leaves * PQ_MAX_SEGMENTS) threads = (int)(w->n_leaves * PQ_MAX_SEGMENTS);
    w->workers = (wr_worker *)pq_calloc(w->alloc, (size_t)threads, sizeof(wr_worker));
    if (!w->workers) return PQ_NOMEM(err);
    for (int i = 0; i < threads; i++) {
        pq_leaf_batch_init(&w->workers[i].batch, w->alloc);
        w->n_scratch = i + 1;
        PQ_TRY(pq_cw_scratch_init(&w->workers[i].scratch, w->alloc, err));
    }
    PQ_TRY(pq_pool_start(&w->pool, threads - 1, w->alloc, err));
    /* workers without a thread behind them are never used */
    w->n_workers = w->pool.n_threads + 1;
    return PQ_OK;
}

/* Decide how many row groups one job may encode (enough work items for the
 * workers: about 3 per worker, when a write spans several row groups) and
 * create the sets of column writers: twice that many with helper threads,
 * so that a job can write out the previous job's row groups. */
static pq_status create_slots(pq_writer *w, pq_error *err)
{
    int64_t want = ((int64_t)3 * w->n_workers + w->n_leaves - 1) / w->n_leaves;
    if (w->n_workers == 1) want = 1;
    w->max_segments = (int)(want < 1 ? 1 : want > PQ_MAX_SEGMENTS ? PQ_MAX_SEGMENTS : want);
    /* very wide schemas keep one set: column writers are not free */
    w->n_slots = w->n_workers > 1 && w->n_leaves <= PQ_WIDE_SCHEMA ? 2 * w->max_segments : 1;
    if (w->n_slots == 1) w->max_segments = 1;
    size_t n = (size_t)w->n_slots * (size_t)w->n_leaves;
    w->cols = (pq_column_writer **)pq_calloc(w->alloc, n, sizeof *w->cols);
    if (!w->cols) {
        w->n_slots = 0;
        return PQ_NOMEM(err);
    }
    for (size_t i = 0; i < n; i++)
        PQ_TRY(pq_column_writer_create(&w->cols[i], &w->cfgs[i % (size_t)w->n_leaves], w->alloc, err));
    return PQ_OK;
}

static pq_status writer_setup(pq_writer *w, const pq_schema *schema, const pq_writer_options *o, pq_error *err)
{
    PQ_TRY(check_options(o, err));
    if (!schema) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a schema, found NULL");
    PQ_TRY(pq_schema_map_from_schema(schema, w->alloc, &w->map, err));
    /* The map renames nested parts ("element", "key_value"...): tables are
     * checked against the caller's own names. */
    pq_schema src = *schema;
    src.alloc = w->alloc; /* copy with the writer's allocator */
    PQ_TRY(pq_schema_copy(&w->schema, &src, err));
    w->n_leaves = w->map.n_leaves;
    if (w->n_leaves == 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a schema with columns, found none");
    w->row_group_size = o->row_group_size;
    PQ_TRY(copy_kv(&w->arena, o->kv, o->n_kv, &w->kv, &w->n_kv, err));
    const char *cb = o->created_by ? o->created_by : "parquant version " PQ_VERSION_STRING;
    w->created_by = pq_arena_strndup(&w->arena, cb, strlen(cb));
    if (!w->created_by) return PQ_NOMEM(err);
    PQ_TRY(create_columns(w, o, err));
    PQ_TRY(create_workers(w, o->threads, err));
    return create_slots(w, err);
}

/* Create a writer; the sink is opened by the caller. */
static pq_status writer_create(pq_writer **out, const pq_schema *schema, const pq_writer_options *opts,
                               pq_error *err)
{
    *out = NULL;
    pq_writer_options defaults;
    if (!opts) {
        pq_writer_options_init(&defaults);
        opts = &defaults;
    }
    pq_writer *w = (pq_writer *)pq_calloc(opts->alloc, 1, sizeof *w);
    if (!w) return PQ_NOMEM(err);
    w->alloc = opts->alloc;
    pq_schema_init(&w->schema, w->alloc);
    pq_arena_init(&w->arena, w->alloc);
    pq_buf_init(&w->ci_blob, w->alloc);
    pq_buf_init(&w->oi_blob, w->alloc);
    pq_status st = writer_setup(w, schema, opts, err);
    if (st) {
        writer_free(w);
        return st;
    }
    *out = w;
    return PQ_OK;
}

pq_status pq_writer_open(pq_writer **out, const char *path, const pq_schema *schema, const pq_writer_options *opts,
                         pq_error *err)
{
    if (!out) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected an output pointer, found NULL");
    pq_writer *w;
    PQ_TRY(writer_create(&w, schema, opts, err));
    pq_status st = pq_sink_open_file(&w->sink, path, w->alloc, err);
    if (st == PQ_OK) st = pq_sink_write(w->sink, "PAR1", 4, err);
    if (st) {
        writer_free(w);
        return st;
    }
    *out = w;
    return PQ_OK;
}

pq_status pq_writer_open_memory(pq_writer **out, const pq_schema *schema, const pq_writer_options *opts,
                                pq_error *err)
{
    if (!out) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected an output pointer, found NULL");
    pq_writer *w;
    PQ_TRY(writer_create(&w, schema, opts, err));
    w->memory = true;
    pq_status st = pq_sink_open_memory(&w->sink, w->alloc, err);
    if (st == PQ_OK) st = pq_sink_write(w->sink, "PAR1", 4, err);
    if (st) {
        writer_free(w);
        return st;
    }
    *out = w;
    return PQ_OK;
}

/* ------------------------------------------------------------ validation */

static bool type_same(const pq_type *a, const pq_type *b)
{
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case PQ_KIND_INT: return a->bit_width == b->bit_width && a->is_signed == b->is_signed;
    case PQ_KIND_TIME: return a->unit == b->unit && a->utc == b->utc;
    case PQ_KIND_TIMESTAMP: return a->unit == b->unit && a->utc == b->utc && a->from_int96 == b->from_int96;
    case PQ_KIND_DECIMAL: return a->precision == b->precision && a->scale == b->scale;
    case PQ_KIND_FIXED: return a->byte_width == b->byte_width;
    default: return true;
    }
}

/* Compare field `got` of the table with the writer's `want`; `path` holds
 * the dotted path of the parent (plen bytes). */
static pq_status check_field(const pq_field *want, const pq_field *got, char *path, size_t cap, size_t plen,
                             pq_error *err)
{
    int w = snprintf(path + plen, cap - plen, "%s%s", plen ? "." : "", want->name);
    size_t len = w < 0 ? plen : (plen + (size_t)w < cap ? plen + (size_t)w : cap - 1);
    if (strcmp(want->name, got->name) != 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected field '%s', found '%s'", path, got->name);
    if (!type_same(&want->type, &got->type) || want->n_children != got->n_children) {
        char a[64], b[64];
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': expected type %s, found %s", path,
                       pq_type_name(&want->type, a, sizeof a), pq_type_name(&got->type, b, sizeof b));
    }
    /* NULL columns are written OPTIONAL whatever they say */
    if (want->nullable != got->nullable && want->type.kind != PQ_KIND_NULL)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': expected %s, found %s", path,
                       want->nullable ? "nullable" : "not nullable", got->nullable ? "nullable" : "not nullable");
    for (int64_t i = 0; i < want->n_children; i++)
        PQ_TRY(check_field(&want->children[i], &got->children[i], path, cap, len, err));
    path[plen] = 0;
    return PQ_OK;
}

/* Nulls that matter: a NULL column holds nothing but nulls and is always
 * written OPTIONAL, so it never violates. */
static bool array_has_nulls(const pq_field *f, const pq_array *a)
{
    if (f->type.kind == PQ_KIND_NULL) return false;
    return a->validity && a->null_count > 0;
}

/* True when some non-nullable field at or below f holds a null slot
 * (reachable or not): only then is a scan needed. */
static bool may_violate(const pq_field *f, const pq_array *a)
{
    if (!f->nullable && array_has_nulls(f, a)) return true;
    for (int64_t i = 0; i < f->n_children && i < a->n_children; i++)
        if (may_violate(&f->children[i], &a->children[i])) return true;
    return false;
}

/* Largest i in [lo, hi) with off[i] <= x. */
static int64_t owner_slot(const int64_t *off, int64_t lo, int64_t hi, int64_t x)
{
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (off[mid] <= x) lo = mid;
        else hi = mid;
    }
    return lo;
}

static bool find_bad_null(const pq_field *f, const pq_array *a, int64_t lo, int64_t hi, int64_t *slot,
                          const pq_field **bad);

/* Search child c of f over the children of the valid slots of a in
 * [lo, hi); *slot receives the slot of `a` that holds the violation. */
static bool child_bad_null(const pq_field *f, const pq_array *a, int64_t c, int64_t lo, int64_t hi, int64_t *slot,
                           const pq_field **bad)
{
    const pq_field *cf = &f->children[c];
    const pq_array *ca = &a->children[c];
    bool listy = f->type.kind == PQ_KIND_LIST || f->type.kind == PQ_KIND_MAP;
    bool all_valid = !a->validity || a->null_count == 0;
    int64_t s = lo;
    while (s < hi) {
        while (s < hi && !all_valid && !pq_bit_get(a->validity, s)) s++;
        int64_t e = s;
        while (e < hi && (all_valid || pq_bit_get(a->validity, e))) e++;
        if (s >= e) break;
        int64_t cs = listy ? a->offsets[s] : s, ce = listy ? a->offsets[e] : e, cslot;
        if (find_bad_null(cf, ca, cs, ce, &cslot, bad)) {
            *slot = listy ? owner_slot(a->offsets, s, e, cslot) : cslot;
            return true;
        }
        s = e;
    }
    return false;
}

/* Lowest slot in [lo, hi) of a (every slot reachable through valid
 * ancestors) that is, or holds below it, a null in a non-nullable field. */
static bool find_bad_null(const pq_field *f, const pq_array *a, int64_t lo, int64_t hi, int64_t *slot,
                          const pq_field **bad)
{
    if (lo >= hi || !may_violate(f, a)) return false;
    int64_t best = -1;
    if (!f->nullable && array_has_nulls(f, a)) {
        for (int64_t i = lo; i < hi; i++)
            if (!pq_bit_get(a->validity, i)) {
                best = i;
                *bad = f;
                break;
            }
    }
    if (f->type.kind != PQ_KIND_NULL)
        for (int64_t c = 0; c < f->n_children && c < a->n_children; c++) {
            int64_t s;
            const pq_field *b = NULL;
            if (child_bad_null(f, a, c, lo, best >= 0 ? best : hi, &s, &b) && (best < 0 || s < best)) {
                best = s;
                *bad = b;
            }
        }
    if (best < 0) return false;
    *slot = best;
    return true;
}

/* The table must have the writer's schema, consistent lengths and no null
 * in a non-nullable field. */
static pq_status validate_table(const pq_writer *w, const pq_table *t, pq_error *err)
{
    const pq_schema *s = &w->schema;
    if (t->schema.n_fields != s->n_fields)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a table of %lld fields, found %lld", (long long)s->n_fields,
                       (long long)t->schema.n_fields);
    if (t->num_rows < 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected num_rows >= 0, found %lld", (long long)t->num_rows);
    char path[256];
    for (int64_t i = 0; i < s->n_fields; i++) {
        path[0] = 0;
        PQ_TRY(check_field(&s->fields[i], &t->schema.fields[i], path, sizeof path, 0, err));
        if (t->columns[i].length != t->num_rows)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': expected %lld rows, found %lld", s->fields[i].name,
                           (long long)t->num_rows, (long long)t->columns[i].length);
        int64_t row;
        const pq_field *bad = NULL;
        if (find_bad_null(&s->fields[i], &t->columns[i], 0, t->num_rows, &row, &bad))
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': null at row %lld in non-nullable field '%s'",
                           s->fields[i].name, (long long)row, bad->name);
    }
    return PQ_OK;
}

/* ------------------------------------------------------------ row groups */

/* Write the finished chunks of the row group of `rows` rows in `slot`,
 * record its metadata and reset the slot's column writers. */
static pq_status emit_row_group(pq_writer *w, int slot, int64_t rows, pq_error *err)
{
    if (w->n_rgs == w->cap_rgs) {
        int32_t cap = w->cap_rgs ? w->cap_rgs * 2 : 8;
        if (w->cap_rgs > INT32_MAX / 2) return PQ_FAIL(err, PQ_ERR_LIMIT, "too many row groups");
        pq_row_group_meta *p = (pq_row_group_meta *)pq_realloc(w->alloc, w->rgs, (size_t)cap * sizeof *p);
        if (!p) return PQ_NOMEM(err);
        w->rgs = p;
        w->cap_rgs = cap;
    }
    pq_row_group_meta *rg = &w->rgs[w->n_rgs];
    memset(rg, 0, sizeof *rg);
    rg->columns = (pq_column_chunk *)pq_arena_alloc(&w->arena, (size_t)w->n_leaves * sizeof(pq_column_chunk), 8);
    if (!rg->columns) return PQ_NOMEM(err);
    int64_t start = pq_sink_offset(w->sink), unc = 0, comp = 0;
    for (int64_t i = 0; i < w->n_leaves; i++) {
        pq_column_writer *cw = w->cols[(int64_t)slot * w->n_leaves + i];
        pq_column_chunk *cc = &rg->columns[i];
        const pq_leaf *lf = &w->map.leaves[i];
        int64_t off = pq_sink_offset(w->sink);
        PQ_TRY(pq_column_writer_emit(cw, w->sink, err));
        PQ_TRY(pq_column_writer_describe(cw, off, &w->arena, &cc->meta_data, err));
        cc->has_meta_data = true;
        cc->file_offset = off;
        cc->meta_data.path_in_schema = lf->path_parts;
        cc->meta_data.n_path = lf->n_path;
        cc->meta_data.kv = w->leaf_opts[i].kv;
        cc->meta_data.n_kv = w->leaf_opts[i].n_kv;
        unc += cc->meta_data.total_uncompressed_size;
        comp += cc->meta_data.total_compressed_size;
        size_t ci0 = w->ci_blob.len, oi0 = w->oi_blob.len;
        bool has_ci;
        PQ_TRY(pq_column_writer_page_index(cw, off, &w->ci_blob, &has_ci, &w->oi_blob, err));
        if (w->ci_blob.len - ci0 > INT32_MAX || w->oi_blob.len - oi0 > INT32_MAX)
            return PQ_FAIL(err, PQ_ERR_LIMIT, "page index larger than 2 GiB");
        cc->has_column_index = has_ci;
        cc->column_index_offset = (int64_t)ci0;
        cc->column_index_length = (int32_t)(w->ci_blob.len - ci0);
        cc->has_offset_index = w->oi_blob.len > oi0;
        cc->offset_index_offset = (int64_t)oi0;
        cc->offset_index_length = (int32_t)(w->oi_blob.len - oi0);
        pq_column_writer_reset(cw);
    }
    rg->n_columns = (int32_t)w->n_leaves;
    rg->num_rows = rows;
    rg->total_byte_size = unc;
    rg->has_file_offset = rg->has_total_compressed_size = true;
    rg->file_offset = start;
    rg->total_compressed_size = comp;
    rg->has_ordinal = w->n_rgs <= INT16_MAX;
    rg->ordinal = (int16_t)(rg->has_ordinal ? w->n_rgs : 0);
    w->n_rgs++;
    w->total_rows += rows;
    return PQ_OK;
}

/* Write out the pending row groups on the calling thread. */
static pq_status emit_pending(pq_writer *w, pq_error *err)
{
    int n = w->n_pend;
    w->n_pend = 0;
    for (int i = 0; i < n; i++) PQ_TRY(emit_row_group(w, w->pend[i].slot, w->pend[i].rows, err));
    return PQ_OK;
}

/* Close the open row group (if it has rows) and write out everything. */
static pq_status flush_row_group(pq_writer *w, pq_error *err)
{
    if (w->rg_rows > 0) {
        w->job[0] = (wr_segment){NULL, 0, 0, true, w->open_slot};
        w->n_job = 1;
        int slot = w->open_slot;
        int64_t rows = w->rg_rows;
        PQ_TRY(run_job(w, err));
        w->pend[w->n_pend++] = (wr_done){slot, rows};
        w->rg_rows = 0;
    }
    return emit_pending(w, err);
}

/* True when `slot` holds the open or a pending row group. */
static bool slot_busy(const pq_writer *w, int slot)
{
    if (slot == w->open_slot) return true;
    for (int i = 0; i < w->n_pend; i++)
        if (w->pend[i].slot == slot) return true;
    return false;
}

/* Plan a job from row `pos` of t: the rest of the open row group, then up
 * to max_segments - 1 further row groups, each in a free slot (neither open
 * nor pending).  Returns the row after the job's last. */
static int64_t plan_job(pq_writer *w, const pq_table *t, int64_t pos)
{
    for (int s = 0; s < w->n_slots && w->open_slot < 0; s++)
        if (!slot_busy(w, s)) w->open_slot = s;
    int slot = w->open_slot, next = 0;
    w->n_job = 0;
    for (;;) {
        int64_t room = w->row_group_size - (w->n_job == 0 ? w->rg_rows : 0);
        int64_t take = t->num_rows - pos < room ? t->num_rows - pos : room;
        w->job[w->n_job++] = (wr_segment){t, pos, take, take == room, slot};
        pos += take;
        if (w->n_job == w->max_segments || pos == t->num_rows || !w->job[w->n_job - 1].finish) break;
        /* the next free slot not already in this job */
        for (slot = -1; next < w->n_slots && slot < 0; next++) {
            bool used = slot_busy(w, next);
            for (int i = 0; i < w->n_job && !used; i++) used = w->job[i].slot == next;
            if (!used) slot = next;
        }
        if (slot < 0) break;
    }
    return pos;
}

/* After a job: completed row groups become pending (in order) and the open
 * row group moves to the unfinished segment or to a free slot. */
static void commit_job(pq_writer *w)
{
    for (int i = 0; i < w->n_job; i++) {
        const wr_segment *sg = &w->job[i];
        int64_t rows = (i == 0 ? w->rg_rows : 0) + sg->rows;
        if (sg->finish) {
            w->pend[w->n_pend++] = (wr_done){sg->slot, rows};
            w->rg_rows = 0;
        } else {
            w->rg_rows = rows;
            w->open_slot = sg->slot;
        }
    }
    if (w->job[w->n_job - 1].finish) {
        w->open_slot = -1;
        for (int s = 0; s < w->n_slots && w->open_slot < 0; s++)
            if (!slot_busy(w, s)) w->open_slot = s;
    }
}

static pq_status write_rows(pq_writer *w, const pq_table *t, pq_error *err)
{
    PQ_TRY(validate_table(w, t, err));
    int64_t pos = 0;
    while (pos < t->num_rows) {
        /* one slot only (no helper threads): write out before reusing it */
        if (w->n_slots == 1) PQ_TRY(emit_pending(w, err));
        pos = plan_job(w, t, pos);
        PQ_TRY(run_job(w, err));
        commit_job(w);
    }
    if (w->n_slots == 1) PQ_TRY(emit_pending(w, err));
    return PQ_OK;
}

pq_status pq_writer_write(pq_writer *w, const pq_table *t, pq_error *err)
{
    if (!w || !t) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a writer and a table, found NULL");
    if (w->failed) return PQ_FAIL(err, PQ_ERR_STATE, "writer unusable after an earlier failure");
    pq_status st = write_rows(w, t, err);
    if (st) w->failed = true;
    return st;
}

pq_status pq_writer_flush(pq_writer *w, pq_error *err)
{
    if (!w) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a writer, found NULL");
    if (w->failed) return PQ_FAIL(err, PQ_ERR_STATE, "writer unusable after an earlier failure");
    pq_status st = flush_row_group(w, err);
    if (st) w->failed = true;
    return st;
}

/* ------------------------------------------------------------ footer */

/* Write the page index blobs and make the chunks' offsets absolute. */
static pq_status write_page_indexes(pq_writer *w, pq_error *err)
{
    int64_t ci_base = pq_sink_offset(w->sink);
    PQ_TRY(pq_sink_write(w->sink, w->ci_blob.data, w->ci_blob.len, err));
    int64_t oi_base = pq_sink_offset(w->sink);
    PQ_TRY(pq_sink_write(w->sink, w->oi_blob.data, w->oi_blob.len, err));
    for (int32_t r = 0; r < w->n_rgs; r++)
        for (int32_t c = 0; c < w->rgs[r].n_columns; c++) {
            pq_column_chunk *cc = &w->rgs[r].columns[c];
            if (cc->has_column_index) cc->column_index_offset += ci_base;
            else cc->column_index_offset = cc->column_index_length = 0;
            if (cc->has_offset_index) cc->offset_index_offset += oi_base;
            else cc->offset_index_offset = cc->offset_index_length = 0;
        }
    return PQ_OK;
}

static pq_status write_footer(pq_writer *w, pq_error *err)
{
    pq_file_metadata m;
    memset(&m, 0, sizeof m);
    m.version = w->version;
    m.schema = w->map.elements;
    m.n_schema = w->map.n_elements;
    m.num_rows = w->total_rows;
    m.row_groups = w->rgs;
    m.n_row_groups = w->n_rgs;
    m.kv = w->kv;
    m.n_kv = w->n_kv;
    m.created_by = w->created_by;
    m.column_orders = (int32_t *)pq_arena_alloc(&w->arena, (size_t)w->n_leaves * sizeof(int32_t), 8);
    if (!m.column_orders) return PQ_NOMEM(err);
    for (int64_t i = 0; i < w->n_leaves; i++) m.column_orders[i] = 1; /* TYPE_DEFINED_ORDER */
    m.n_column_orders = (int32_t)w->n_leaves;
    pq_buf footer;
    pq_buf_init(&footer, w->alloc);
    pq_status st = pq_meta_encode_file(&m, &footer, err);
    if (st == PQ_OK && footer.len > UINT32_MAX)
        st = PQ_FAIL(err, PQ_ERR_LIMIT, "footer of %zu bytes exceeds 4 GiB", footer.len);
    if (st == PQ_OK) {
        uint8_t tail[8];
        pq_store_u32le(tail, (uint32_t)footer.len);
        memcpy(tail + 4, "PAR1", 4);
        st = pq_sink_write(w->sink, footer.data, footer.len, err);
        if (st == PQ_OK) st = pq_sink_write(w->sink, tail, 8, err);
    }
    pq_buf_reset(&footer);
    return st;
}

/* Everything after the last write: last row group, indexes, footer. */
static pq_status finish_file(pq_writer *w, pq_error *err)
{
    if (w->failed) return PQ_FAIL(err, PQ_ERR_STATE, "writer unusable after an earlier failure; file discarded");
    PQ_TRY(flush_row_group(w, err));
    PQ_TRY(write_page_indexes(w, err));
    return write_footer(w, err);
}

pq_status pq_writer_close(pq_writer *w, pq_error *err)
{
    if (!w) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a writer, found NULL");
    pq_status st = w->memory ? PQ_FAIL(err, PQ_ERR_STATE, "in-memory writer: use pq_writer_close_memory")
                             : finish_file(w, err);
    if (st == PQ_OK) {
        pq_sink *s = w->sink;
        w->sink = NULL;
        st = pq_sink_close(s, err);
    }
    writer_free(w); /* aborts the sink when still open: removes the temporary file */
    return st;
}

pq_status pq_writer_close_memory(pq_writer *w, uint8_t **out_data, size_t *out_len, pq_error *err)
{
    if (out_data) *out_data = NULL;
    if (out_len) *out_len = 0;
    if (!w || !out_data || !out_len) {
        pq_writer_abort(w);
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a writer and output pointers, found NULL");
    }
    pq_status st = !w->memory ? PQ_FAIL(err, PQ_ERR_STATE, "file writer: use pq_writer_close") : finish_file(w, err);
    if (st == PQ_OK) {
        pq_sink *s = w->sink;
        w->sink = NULL;
        st = pq_sink_close_memory(s, out_data, out_len, err);
    }
    writer_free(w);
    return st;
}

void pq_writer_abort(pq_writer *w)
{
    if (!w) return;
    writer_free(w);
}
