/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/reader.c - the public Parquet file reader (pq_reader_* in
 * parquant/parquet.h): footer, schema, projection, row groups, page indexes.
 *
 * File layout (parquet-format): "PAR1" | column chunks | page indexes |
 * FileMetaData (thrift compact) | u32 LE footer length | "PAR1".  A file
 * ending in "PARE" has an encrypted footer (Parquet Modular Encryption),
 * which is reported as unsupported.
 *
 * Open reads and checks everything that row-group reads rely on, so reads
 * never meet a structurally inconsistent footer: the magic bytes, the footer
 * length against the file and limits.max_footer_bytes, the FileMetaData, the
 * schema tree (pq_schema_map_from_elements) and, per row group, one column
 * chunk per leaf with the leaf's physical type and path.  Chunks stored in
 * other files (file_path) are refused.  Encrypted chunks (crypto metadata, or
 * a plaintext-footer file with encryption_algorithm) open fine and fail with
 * PQ_ERR_UNSUPPORTED when read.
 *
 * Reading a row group runs on up to `threads` workers: the calling thread
 * plus the helpers of a core/pool.h pool started by the first row group
 * that holds enough data to pay for them (items biggest first).  Each worker
 * reads column chunks into pq_leaf_data with its own pq_column_reader (its
 * own codec contexts and scratch) and assembles top-level fields from their
 * leaves into the output table (pq_assemble_field, zero copy where the
 * layout allows).  Normally one item is one top-level field, read and
 * assembled in one go; a row group with fewer fields than workers (a few
 * wide structs) reads all its leaves in parallel first and assembles the
 * fields after.  The allocator must be thread-safe when threads != 1.
 *
 * Read-ahead: row groups asked for in order (rg = previous + 1) queue the
 * next row group on the pool behind the current one (two slots, each with
 * its own leaf data and output table).  Without it every row group ends
 * with helpers idle while the last, unevenly sized columns finish, and all
 * of them idle while the caller uses the rows; with it that time goes to
 * the next row group.  Any other access pattern, a new selection or close
 * waits for and drops what is in flight; a failure of the row group read
 * ahead is kept and reported when (if) it is asked for.  Memory: up to two
 * row groups' columns at a time.
 *
 * Memory: footer structs, the schema map's borrowed elements and decoded
 * page indexes live in the reader's arena until close; footer bytes are
 * borrowed from the mapping (or kept in a buffer when the file is read with
 * pread), because statistics point into them.  The per-leaf level and value
 * buffers stay with the reader between row groups (emptied, capacity kept up
 * to 64 MiB each) since fresh memory costs a page fault and a page clear per
 * 4 KiB; most value buffers move into the output table, and
 * pq_reader_recycle moves them back when the caller is done with a table.
 *
 * Errors: every failure names the file in err->path; failures inside a
 * column chunk also carry row group, leaf column, page, absolute file offset
 * and the column path (see column_reader.h).
 */
#include "parquant/parquet.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "core/core.h"
#include "core/pool.h"
#include "io/source.h"
#include "parquet/column_reader.h"
#include "parquet/filter.h"
#include "parquet/levels.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

/* Cache slot of a decoded page index: `done` once looked up (ptr NULL when
 * the chunk has none). */
typedef struct index_slot {
    bool done;
    const void *ptr;
} index_slot;

/* Per-worker outcome of a parallel phase. */
typedef struct worker_slot {
    pq_status status;       /* first failure of this worker */
    int64_t item;           /* the item that failed */
    pq_error err;
} worker_slot;

/* What the items of a phase are. */
typedef enum rg_phase {
    PHASE_WHOLE,            /* item = top-level field: read its leaves, then assemble it */
    PHASE_LEAVES,           /* item = output leaf: read its chunk */
    PHASE_FIELDS            /* item = top-level field: assemble it from leaves read before */
} rg_phase;

/* One row-group read: what every worker needs. */
typedef struct rg_job {
    struct pq_reader *r;
    int64_t rg;
    const pq_schema_map *m;       /* output map */
    const pq_row_group_meta *meta;
    pq_leaf_data *leaves;         /* one per output leaf */
    pq_table *out;
    int64_t *order;               /* item -> leaf or field, biggest first */
    int64_t *key;                 /* sort keys (compressed bytes), same size */
    rg_phase phase;
    int max_workers;              /* workers worth starting for this row group */
    int64_t n_items;
    atomic_bool failed;           /* stop taking items */
    worker_slot *slots;           /* one per worker */
    pq_filter_rg *frg;            /* row filter state of this row group, NULL without a filter */
    int64_t n_rows;               /* rows the row group yields (fewer with a filter) */
} rg_job;

/* A row group being read, or read ahead of the caller: its job, its leaf
 * data and its output table until pq_reader_read_row_group hands it over.
 * job.rg < 0 when the slot is idle. */
typedef struct rg_slot {
    rg_job job;
    pq_pool_job pool_job;          /* the job's items on the pool, when submitted */
    bool submitted;                /* pool_job is queued and must be waited for */
    pq_status status;              /* outcome when the job ran at start */
    pq_error err;
    pq_leaf_data *leaves;          /* one per output leaf, kept between row groups */
    pq_table out;
} rg_slot;

/* Row groups in flight: the one asked for and up to RG_SLOTS - 1 read
 * ahead (one per worker at most).  A filter keeps state per slot. */
#define RG_SLOTS PQ_FILTER_SLOTS

struct pq_reader {
    const pq_allocator *alloc;     /* every allocation, NULL = libc */
    pq_reader_options opts;        /* as given, threads resolved */
    pq_source src;                 /* the file or memory */
    pq_buf footer;                 /* footer bytes when src is not direct */
    pq_arena arena;                /* metadata, page indexes */
    pq_file_metadata meta;         /* decoded footer */
    pq_schema_map map;             /* schema of the whole file */
    pq_schema_map proj;            /* selection, valid when has_proj */
    int64_t *proj_ids;             /* proj leaf -> file leaf (in proj.arena) */
    bool has_proj;
    int64_t num_rows;              /* sum of the row groups' num_rows */
    int64_t data_end;              /* footer start: column data lies before */
    int64_t dict_header_pad;       /* PARQUET-816 allowance, bytes */
    int n_workers;                 /* resolved thread count, >= 1 */
    pq_column_reader *workers;     /* n_workers column readers */
    pq_pool pool;                  /* n_workers - 1 helpers, started by the first
                                      row group worth more than one worker */
    bool pool_started;
    index_slot **col_index;        /* per row group: n_leaves slots (arena), lazily */
    index_slot **off_index;
    rg_slot slots[RG_SLOTS];       /* the row group asked for and those read ahead */
    int64_t n_leaves;              /* entries in each slot's `leaves` (0 = not allocated) */
    int64_t last_rg;               /* row group returned last, -1 before the first */
    _Atomic int64_t bytes_read;    /* bytes fetched from the source (src.counter) */
    pq_filter *filter;             /* row filter (pq_reader_set_filter), NULL = none;
                                      slot i uses its state pq_filter_slot(filter, i) */
};

static void free_leaves(pq_reader *r);
static void drain(pq_reader *r);

/* ----------------------------------------------------------- options */

void pq_reader_options_init(pq_reader_options *o)
{
    memset(o, 0, sizeof *o);
    o->alloc = NULL;
    o->verify_crc = false;
    o->threads = 0;
    o->limits.max_footer_bytes = (int64_t)256 << 20;
    o->limits.max_page_bytes = (int64_t)1 << 30;
    o->limits.max_nesting_depth = 64;
    o->limits.max_columns = 100000;
}

/* Check the caller's options; fill in the number of workers. */
static pq_status resolve_options(pq_reader *r, const pq_reader_options *opts, pq_error *err)
{
    if (opts) r->opts = *opts;
    else pq_reader_options_init(&r->opts);
    const pq_limits *l = &r->opts.limits;
    if (r->opts.threads < 0 || l->max_footer_bytes <= 0 || l->max_page_bytes <= 0 || l->max_nesting_depth <= 0 ||
        l->max_columns <= 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG,
                       "expected threads >= 0 and positive limits, found threads %d, footer %lld, page %lld, depth %d, columns %lld",
                       r->opts.threads, (long long)l->max_footer_bytes, (long long)l->max_page_bytes,
                       (int)l->max_nesting_depth, (long long)l->max_columns);
    long n = r->opts.threads;
    if (n == 0) n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > 256) n = 256;
    r->n_workers = (int)n;
    return PQ_OK;
}

/* ------------------------------------------------------------ errors */

/* Name the file in err->path (once) and pass s through. */
static pq_status with_path(const pq_reader *r, pq_status s, pq_error *err)
{
    if (s != PQ_OK && err && !err->path[0]) snprintf(err->path, sizeof err->path, "%s", r->src.name);
    return s;
}

/* Record a chunk's location (row group, leaf, path) in a failure. */
static pq_status at_chunk(const pq_reader *r, int64_t rg, int64_t leaf, pq_status s, pq_error *err)
{
    if (s == PQ_OK || !err) return s;
    if (err->where.row_group < 0) err->where.row_group = rg;
    if (err->where.column < 0) err->where.column = leaf;
    if (!err->column_path[0] && leaf >= 0 && leaf < r->map.n_leaves && r->map.leaves[leaf].path)
        snprintf(err->column_path, sizeof err->column_path, "%s", r->map.leaves[leaf].path);
    return s;
}

/* ------------------------------------------------------------ footer */

/* Parse "parquet-mr version A.B.C" from created_by: true when older than
 * 1.2.9, whose writers left the dictionary page header out of
 * total_compressed_size (PARQUET-816 / IMPALA-694). */
static bool parquet_mr_before_1_2_9(const char *created_by)
{
    static const char prefix[] = "parquet-mr version ";
    /* a bare "parquet-mr" (no version: the oldest releases, e.g. TPC-H
     * nation.dict-malformed.parquet) counts as old, as in Arrow C++ */
    if (created_by && strcmp(created_by, "parquet-mr") == 0) return true;
    if (!created_by || strncmp(created_by, prefix, sizeof prefix - 1) != 0) return false;
    const char *p = created_by + sizeof prefix - 1;
    long v[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (*p < '0' || *p > '9') return false;
        while (*p >= '0' && *p <= '9' && v[i] < 100000) v[i] = v[i] * 10 + (*p++ - '0');
        if (i < 2 && *p++ != '.') return false;
    }
    return v[0] < 1 || (v[0] == 1 && (v[1] < 2 || (v[1] == 2 && v[2] < 9)));
}

/* Check the magic bytes and locate the footer: *start, *len. */
static pq_status find_footer(pq_reader *r, int64_t *start, int64_t *len, pq_error *err)
{
    int64_t size = r->src.size;
    uint8_t head[4], tail[8];
    if (size < 12)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a Parquet file of at least 12 bytes, found %lld", (long long)size);
    PQ_TRY(pq_source_copy(&r->src, 0, 4, head, err));
    PQ_TRY(pq_source_copy(&r->src, size - 8, 8, tail, err));
    if (memcmp(tail + 4, "PARE", 4) == 0)
        return PQ_FAIL(err, PQ_ERR_UNSUPPORTED,
                       "encrypted Parquet is not supported (Parquet Modular Encryption, encrypted footer)");
    if (memcmp(tail + 4, "PAR1", 4) != 0) {
        pq_status s = PQ_FAIL(err, PQ_ERR_CORRUPT, "expected magic \"PAR1\" at the end of the file, found %02x %02x %02x %02x",
                              tail[4], tail[5], tail[6], tail[7]);
        pq_error_at_offset(err, size - 4);
        return s;
    }
    if (memcmp(head, "PAR1", 4) != 0) {
        pq_status s = PQ_FAIL(err, PQ_ERR_CORRUPT, "expected magic \"PAR1\" at the start of the file, found %02x %02x %02x %02x",
                              head[0], head[1], head[2], head[3]);
        pq_error_at_offset(err, 0);
        return s;
    }
    int64_t flen = (int64_t)pq_load_u32le(tail);
    if (flen > size - 12) {
        pq_status s = PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a footer length of at most %lld bytes, found %lld",
                              (long long)(size - 12), (long long)flen);
        pq_error_at_offset(err, size - 8);
        return s;
    }
    if (flen > r->opts.limits.max_footer_bytes)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "expected a footer of at most %lld bytes (limits.max_footer_bytes), found %lld",
                       (long long)r->opts.limits.max_footer_bytes, (long long)flen);
    *start = size - 8 - flen;
    *len = flen;
    return PQ_OK;
}

/* Read and decode the footer into r->meta. */
static pq_status load_footer(pq_reader *r, pq_error *err)
{
    int64_t start = 0, len = 0;
    pq_bytes bytes;
    PQ_TRY(find_footer(r, &start, &len, err));
    /* pq_source_read keeps pread-mode bytes in r->footer, which lives as
     * long as the reader: statistics in the metadata point into them. */
    PQ_TRY(pq_source_read(&r->src, start, len, &r->footer, &bytes, err));
    pq_status s = pq_meta_decode_file(bytes, &r->arena, &r->opts.limits, &r->meta, err);
    if (s != PQ_OK) {
        /* Decoder offsets are relative to the footer: make them absolute. */
        if (err && err->where.offset >= 0) err->where.offset += start;
        return s;
    }
    r->data_end = start;
    r->dict_header_pad = parquet_mr_before_1_2_9(r->meta.created_by) ? 100 : 0;
    return PQ_OK;
}

/* True when the chunk's path_in_schema names `leaf`. */
static bool path_matches(const pq_column_meta *m, const pq_leaf *leaf)
{
    if (m->n_path != leaf->n_path) return false;
    for (int32_t i = 0; i < m->n_path; i++)
        if (!m->path_in_schema[i] || !leaf->path_parts[i] || strcmp(m->path_in_schema[i], leaf->path_parts[i]) != 0)
            return false;
    return true;
}

/* Check one column chunk against its leaf. */
static pq_status check_chunk(const pq_reader *r, const pq_column_chunk *c, const pq_leaf *leaf, pq_error *err)
{
    if (c->file_path && c->file_path[0])
        return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "column chunk stored in another file (\"%s\") is not supported",
                       c->file_path);
    if (!c->has_meta_data) {
        /* Encrypted column metadata: refused when the chunk is read. */
        if (c->encrypted || r->meta.encrypted) return PQ_OK;
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected ColumnMetaData in the column chunk, found none");
    }
    PQ_CHECK(err, c->meta_data.type == leaf->physical, "expected physical type %s (from the schema), found %s",
             pq_physical_name(leaf->physical), pq_physical_name(c->meta_data.type));
    if (path_matches(&c->meta_data, leaf)) return PQ_OK;
    char found[128];
    size_t n = 0;
    found[0] = 0;
    for (int32_t i = 0; i < c->meta_data.n_path && n < sizeof found; i++) {
        int w = snprintf(found + n, sizeof found - n, "%s%s", i ? "." : "",
                         c->meta_data.path_in_schema[i] ? c->meta_data.path_in_schema[i] : "");
        if (w < 0) break;
        n += (size_t)w;
    }
    return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected path_in_schema \"%s\", found \"%s\"", leaf->path ? leaf->path : "",
                   found);
}

/* Check every row group against the schema and sum the rows. */
static pq_status check_row_groups(pq_reader *r, pq_error *err)
{
    int64_t total = 0;
    for (int32_t g = 0; g < r->meta.n_row_groups; g++) {
        const pq_row_group_meta *rg = &r->meta.row_groups[g];
        if (rg->num_rows < 0 || pq_add_overflow_i64(total, rg->num_rows, &total))
            return at_chunk(r, g, -1, PQ_FAIL(err, PQ_ERR_CORRUPT, "expected num_rows >= 0 summing within int64, found %lld",
                                              (long long)rg->num_rows), err);
        if (rg->n_columns != r->map.n_leaves)
            return at_chunk(r, g, -1, PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %lld column chunks (one per leaf), found %d",
                                              (long long)r->map.n_leaves, (int)rg->n_columns), err);
        for (int32_t c = 0; c < rg->n_columns; c++)
            PQ_TRY(at_chunk(r, g, c, check_chunk(r, &rg->columns[c], &r->map.leaves[c], err), err));
    }
    r->num_rows = total;
    return PQ_OK;
}

/* Everything open does after the source is ready. */
static pq_status load(pq_reader *r, pq_error *err)
{
    PQ_TRY(load_footer(r, err));
    PQ_TRY(pq_schema_map_from_elements(r->meta.schema, r->meta.n_schema, &r->opts.limits, r->alloc, &r->map, err));
    PQ_TRY(check_row_groups(r, err));
    r->workers = (pq_column_reader *)pq_calloc(r->alloc, (size_t)r->n_workers, sizeof *r->workers);
    if (!r->workers) return PQ_NOMEM(err);
    for (int i = 0; i < r->n_workers; i++)
        pq_column_reader_init(&r->workers[i], r->alloc, &r->opts.limits, r->opts.verify_crc);
    return PQ_OK;
}

/* Allocate a reader with options applied; the source is not open yet. */
static pq_status reader_new(pq_reader **out, const pq_reader_options *opts, pq_error *err)
{
    const pq_allocator *a = opts ? opts->alloc : NULL;
    pq_reader *r = (pq_reader *)pq_calloc(a, 1, sizeof *r);
    if (!r) return PQ_NOMEM(err);
    r->alloc = a;
    r->src.fd = -1;
    pq_buf_init(&r->footer, a);
    pq_arena_init(&r->arena, a);
    for (int i = 0; i < RG_SLOTS; i++) r->slots[i].job.rg = -1;
    r->last_rg = -1;
    *out = r;
    return resolve_options(r, opts, err);
}

pq_status pq_reader_open(pq_reader **out, const char *path, const pq_reader_options *opts, pq_error *err)
{
    pq_reader *r = NULL;
    pq_error_clear(err);
    *out = NULL;
    if (!path) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a file path, found NULL");
    pq_status s = reader_new(&r, opts, err);
    if (s == PQ_OK) s = pq_source_open_file(&r->src, path, err);
    r->src.counter = &r->bytes_read;
    if (s == PQ_OK) s = load(r, err);
    if (s != PQ_OK) {
        if (err && !err->path[0]) snprintf(err->path, sizeof err->path, "%s", path);
        pq_reader_close(r);
        return s;
    }
    *out = r;
    return PQ_OK;
}

pq_status pq_reader_open_memory(pq_reader **out, const void *data, size_t len, const char *name,
                                const pq_reader_options *opts, pq_error *err)
{
    pq_reader *r = NULL;
    pq_error_clear(err);
    *out = NULL;
    if (!data && len > 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected %zu bytes, found NULL", len);
    pq_status s = reader_new(&r, opts, err);
    if (s == PQ_OK) {
        pq_source_open_memory(&r->src, data, len, name ? name : "<memory>");
        r->src.counter = &r->bytes_read;
        s = load(r, err);
    }
    if (s != PQ_OK) {
        if (err && !err->path[0]) snprintf(err->path, sizeof err->path, "%s", name ? name : "<memory>");
        pq_reader_close(r);
        return s;
    }
    *out = r;
    return PQ_OK;
}

void pq_reader_close(pq_reader *r)
{
    if (!r) return;
    drain(r);
    pq_pool_stop(&r->pool);
    if (r->workers)
        for (int i = 0; i < r->n_workers; i++) pq_column_reader_reset(&r->workers[i]);
    pq_free(r->alloc, r->workers);
    free_leaves(r);
    pq_filter_destroy(r->filter);
    if (r->has_proj) pq_schema_map_reset(&r->proj);
    pq_schema_map_reset(&r->map);
    pq_arena_reset(&r->arena);
    pq_buf_reset(&r->footer);
    pq_source_close(&r->src);
    pq_free(r->alloc, r);
}

/* ---------------------------------------------------------- getters */

const pq_file_metadata *pq_reader_metadata(const pq_reader *r) { return r ? &r->meta : NULL; }
const pq_schema *pq_reader_schema(const pq_reader *r) { return r ? &r->map.schema : NULL; }
int64_t pq_reader_num_rows(const pq_reader *r) { return r ? r->num_rows : 0; }
int64_t pq_reader_num_row_groups(const pq_reader *r) { return r ? r->meta.n_row_groups : 0; }
int64_t pq_reader_num_leaves(const pq_reader *r) { return r ? r->map.n_leaves : 0; }
int64_t pq_reader_bytes_read(const pq_reader *r) { return r ? atomic_load(&r->bytes_read) : 0; }

const char *pq_reader_leaf_path(const pq_reader *r, int64_t leaf)
{
    if (!r || leaf < 0 || leaf >= r->map.n_leaves) return NULL;
    return r->map.leaves[leaf].path;
}

const pq_schema_element *pq_reader_leaf_element(const pq_reader *r, int64_t leaf)
{
    if (!r || leaf < 0 || leaf >= r->map.n_leaves) return NULL;
    return r->map.leaves[leaf].element;
}

/* The map row groups are read with: the selection, or the whole file. */
static const pq_schema_map *out_map(const pq_reader *r) { return r->has_proj ? &r->proj : &r->map; }

const pq_schema *pq_reader_output_schema(const pq_reader *r) { return r ? &out_map(r)->schema : NULL; }

pq_status pq_reader_select(pq_reader *r, const char *const *paths, size_t n, pq_error *err)
{
    pq_error_clear(err);
    if (!r) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a reader, found NULL");
    drain(r);
    if (n == 0) {
        free_leaves(r);
        if (r->has_proj) pq_schema_map_reset(&r->proj);
        r->has_proj = false;
        r->proj_ids = NULL;
        return PQ_OK;
    }
    if (!paths) return with_path(r, PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected %zu paths, found NULL", n), err);
    pq_schema_map m;
    int64_t *ids = NULL;
    memset(&m, 0, sizeof m);
    pq_status s = pq_schema_map_project(&r->map, paths, n, &m, &ids, err);
    if (s != PQ_OK) {
        pq_schema_map_reset(&m);
        return with_path(r, s, err);
    }
    free_leaves(r);
    if (r->has_proj) pq_schema_map_reset(&r->proj);
    r->proj = m;
    r->proj_ids = ids;
    r->has_proj = true;
    return PQ_OK;
}

/* ------------------------------------------------------ row groups */

/* File leaf index of output leaf k. */
static int64_t file_leaf(const pq_reader *r, int64_t k) { return r->has_proj ? r->proj_ids[k] : k; }

/* Stored bytes of output leaf k's chunk in the job's row group (sort key). */
static int64_t chunk_bytes(const rg_job *j, int64_t k)
{
    const pq_column_chunk *c = &j->meta->columns[file_leaf(j->r, k)];
    int64_t n = c->has_meta_data ? c->meta_data.total_compressed_size : 0;
    return n > 0 ? n : 0;
}

/* The chunk of file leaf fl in row group rg (metadata `meta`). */
static pq_chunk_ref chunk_ref(const pq_reader *r, const pq_row_group_meta *meta, int64_t rg, int64_t fl)
{
    pq_chunk_ref ref;
    ref.chunk = &meta->columns[fl];
    ref.leaf = &r->map.leaves[fl];
    ref.row_group = rg;
    ref.column = fl;
    ref.num_rows = meta->num_rows;
    ref.data_end = r->data_end;
    ref.dict_header_pad = r->dict_header_pad;
    return ref;
}

/* Read output leaf k's chunk with worker w's column reader. */
static pq_status read_leaf(rg_job *j, int w, int64_t k, pq_error *err)
{
    pq_reader *r = j->r;
    pq_chunk_ref ref = chunk_ref(r, j->meta, j->rg, file_leaf(r, k));
    if (j->frg) return pq_filter_read_leaf(j->frg, &r->workers[w], &r->src, &ref, k, &j->leaves[k], err);
    return pq_column_reader_read(&r->workers[w], &r->src, &ref, &j->leaves[k], err);
}

/* Assemble top-level field `top` into the output table. */
static pq_status assemble_top(rg_job *j, int64_t top, pq_error *err)
{
    const pq_schema_node *node = &j->m->nodes[top];
    pq_status s = pq_assemble_field(j->m, top, j->leaves + node->first_leaf, j->n_rows, &j->out->columns[top], err);
    if (s != PQ_OK && err) {
        if (err->where.row_group < 0) err->where.row_group = j->rg;
        if (!err->column_path[0]) snprintf(err->column_path, sizeof err->column_path, "%s", node->field->name);
    }
    return s;
}

/* Read every leaf of field `top`, then assemble it while its data is hot in
 * this worker's cache. */
static pq_status whole_field(rg_job *j, int w, int64_t top, pq_error *err)
{
    const pq_schema_node *node = &j->m->nodes[top];
    for (int64_t k = node->first_leaf; k < node->first_leaf + node->n_leaves; k++)
        PQ_TRY(read_leaf(j, w, k, err));
    return assemble_top(j, top, err);
}

/* Run one item of the job's phase on worker w. */
static pq_status run_item(rg_job *j, int w, int64_t id, pq_error *err)
{
    switch (j->phase) {
    case PHASE_LEAVES: return read_leaf(j, w, id, err);
    case PHASE_FIELDS: return assemble_top(j, id, err);
    default: return whole_field(j, w, id, err);
    }
}

/* The bookkeeping of every pool job's items: an item is skipped once any
 * worker failed (or this one did); a failure is kept in the worker's slot
 * with its item number, and the earliest failing item is the one reported. */
static bool item_skipped(atomic_bool *failed, const worker_slot *slot)
{
    return atomic_load_explicit(failed, memory_order_relaxed) || slot->status != PQ_OK;
}

static void item_done(atomic_bool *failed, worker_slot *slot, int64_t i, pq_status s)
{
    if (s == PQ_OK) return;
    slot->status = s;
    slot->item = i;
    atomic_store(failed, true);
}

static pq_status earliest_failure(const worker_slot *slots, int n_workers, pq_error *err)
{
    int best = -1;
    for (int w = 0; w < n_workers; w++)
        if (slots[w].status != PQ_OK && (best < 0 || slots[w].item < slots[best].item)) best = w;
    if (best < 0) return PQ_OK;
    if (err) *err = slots[best].err;
    return slots[best].status;
}

/* Pool callback: run item i of the job's phase on worker w unless a worker
 * failed already; a failure is kept in the worker's slot. */
static void pool_item(void *ctx, int w, int64_t i)
{
    rg_job *j = (rg_job *)ctx;
    worker_slot *slot = &j->slots[w];
    if (item_skipped(&j->failed, slot)) return;
    item_done(&j->failed, slot, i, run_item(j, w, j->order[i], &slot->err));
}

/* Sort order[0..n) by key[order[i]], largest first (Shell sort: C11 has no
 * qsort with a context; n is small next to the work per item). */
static void sort_by_key(int64_t *order, const int64_t *key, int64_t n)
{
    for (int64_t gap = n / 2; gap > 0; gap /= 2)
        for (int64_t i = gap; i < n; i++) {
            int64_t v = order[i], x = i;
            for (; x >= gap && key[order[x - gap]] < key[v]; x -= gap) order[x] = order[x - gap];
            order[x] = v;
        }
}

/* Set up the items of `phase`: leaves or top-level fields, biggest first. */
static void plan_items(rg_job *j, rg_phase phase)
{
    const pq_schema_map *m = j->m;
    j->phase = phase;
    j->n_items = phase == PHASE_LEAVES ? m->n_leaves : m->schema.n_fields;
    for (int64_t i = 0; i < j->n_items; i++) {
        j->order[i] = i;
        j->key[i] = 0;
        if (phase == PHASE_LEAVES) {
            j->key[i] = chunk_bytes(j, i);
            continue;
        }
        const pq_schema_node *node = &m->nodes[i];
        for (int64_t k = node->first_leaf; k < node->first_leaf + node->n_leaves; k++) {
            int64_t b = chunk_bytes(j, k);
            j->key[i] = b > INT64_MAX - j->key[i] ? INT64_MAX : j->key[i] + b;
        }
    }
    sort_by_key(j->order, j->key, j->n_items);
}

/* Reset the per-worker outcomes before the items of a phase run. */
static void reset_outcomes(rg_job *j)
{
    atomic_store(&j->failed, false);
    for (int w = 0; w < j->r->n_workers; w++) {
        j->slots[w].status = PQ_OK;
        j->slots[w].item = -1;
        pq_error_clear(&j->slots[w].err);
    }
}

/* The failure of the earliest failing item of the phase that ran, if any. */
static pq_status phase_outcome(const rg_job *j, pq_error *err)
{
    return earliest_failure(j->slots, j->r->n_workers, err);
}

/* Start the pool's helpers the first time a row group is worth them (a
 * pool that cannot start threads runs everything on the caller). */
static pq_status ensure_pool(pq_reader *r, pq_error *err)
{
    if (r->pool_started) return PQ_OK;
    r->pool_started = true;
    if (pq_pool_start(&r->pool, r->n_workers - 1, r->alloc, err) != PQ_OK) {
        pq_pool_stop(&r->pool);
        return with_path(r, PQ_ERR_NOMEM, err);
    }
    return PQ_OK;
}

/* Run the items of `phase` on the reader's pool (the calling thread is
 * worker 0), or on the calling thread alone when one worker is worth it.
 * Reports the failure of the earliest failing item. */
static pq_status run_phase(rg_job *j, rg_phase phase, pq_error *err)
{
    pq_reader *r = j->r;
    plan_items(j, phase);
    reset_outcomes(j);
    if (j->max_workers > 1) {
        PQ_TRY(ensure_pool(r, err));
        pq_pool_run(&r->pool, pool_item, j, j->n_items);
    } else
        for (int64_t i = 0; i < j->n_items; i++) pool_item(j, 0, i);
    return phase_outcome(j, err);
}

/* Waking helpers costs microseconds and spreads small work thin: a row
 * group gets one worker per WORK_PER_WORKER bytes of (uncompressed) column
 * data it will decode, up to the reader's thread count; a row group worth
 * one worker runs on the caller alone. */
#define WORK_PER_WORKER ((int64_t)512 << 10)

static int workers_for(const rg_job *j)
{
    int64_t work = 0;
    for (int64_t k = 0; k < j->m->n_leaves; k++) {
        const pq_column_chunk *c = &j->meta->columns[file_leaf(j->r, k)];
        int64_t sz = c->has_meta_data ? c->meta_data.total_uncompressed_size : 0;
        if (sz > 0 && pq_add_overflow_i64(work, sz, &work)) {
            work = INT64_MAX;
            break;
        }
    }
    int64_t nw = work / WORK_PER_WORKER + 1;
    return nw < j->r->n_workers ? (int)nw : j->r->n_workers;
}

/* Free the leaf data of both slots (the output leaves changed, or close);
 * no row group is in flight. */
static void free_leaves(pq_reader *r)
{
    for (int i = 0; i < RG_SLOTS; i++) {
        rg_slot *sl = &r->slots[i];
        for (int64_t k = 0; sl->leaves && k < r->n_leaves; k++) pq_leaf_data_reset(&sl->leaves[k]);
        pq_free(r->alloc, sl->leaves);
        sl->leaves = NULL;
    }
    r->n_leaves = 0;
}

/* Leaf data of slot `sl` for the output leaves, allocated on first use. */
static pq_status prepare_leaves(pq_reader *r, rg_slot *sl, const pq_schema_map *m, pq_error *err)
{
    if (sl->leaves) return PQ_OK;
    size_t n = (size_t)m->n_leaves;
    sl->leaves = (pq_leaf_data *)pq_calloc(r->alloc, n ? n : 1, sizeof *sl->leaves);
    if (!sl->leaves) return PQ_NOMEM(err);
    r->n_leaves = m->n_leaves;
    for (size_t k = 0; k < n; k++)
        pq_leaf_data_init(&sl->leaves[k], m->leaves[k].physical, m->leaves[k].type_length, r->alloc);
    return PQ_OK;
}

/* Empty the leaf data after a row group.  Buffers up to LEAF_KEEP_BYTES keep
 * their capacity for the next row group (fresh pages cost the kernel a
 * fault and a clear each); larger ones are freed so a reader does not hold
 * a big row group's worth of memory. */
#define LEAF_KEEP_BYTES ((size_t)64 << 20)

static void clear_buf(pq_buf *b)
{
    if (b->cap > LEAF_KEEP_BYTES) pq_buf_reset(b);
    b->len = 0;
}

static void clear_leaves(pq_reader *r, rg_slot *sl)
{
    for (int64_t k = 0; sl->leaves && k < r->n_leaves; k++) {
        pq_leaf_data *d = &sl->leaves[k];
        d->n_levels = 0;
        d->def_counted = false;
        clear_buf(&d->def);
        clear_buf(&d->rep);
        clear_buf(&d->values.data);
        clear_buf(&d->values.offsets);
        d->values.n = 0;
    }
}

/* Whether each top-level field is read and assembled by one worker in one
 * go: enough fields for the workers, one worker, or fields of one leaf
 * each (reading leaves apart would not give more items). */
static bool one_phase(const rg_job *j)
{
    return j->max_workers == 1 || j->m->schema.n_fields >= j->max_workers || j->m->schema.n_fields == j->m->n_leaves;
}

/* Read and assemble the job's row group on the calling thread and the
 * pool: one phase (see one_phase), or else (a few wide nested fields) all
 * leaves read in parallel first, then the fields assembled in parallel. */
static pq_status run_job(rg_job *j, pq_error *err)
{
    if (one_phase(j)) return run_phase(j, PHASE_WHOLE, err);
    PQ_TRY(run_phase(j, PHASE_LEAVES, err));
    return run_phase(j, PHASE_FIELDS, err);
}

/* Set up slot `sl` to read row group rg: output table, leaf data, item
 * arrays.  The slot is idle. */
static pq_status setup_slot(pq_reader *r, rg_slot *sl, int64_t rg, pq_error *err)
{
    const pq_schema_map *m = out_map(r);
    rg_job *j = &sl->job;
    memset(j, 0, sizeof *j);
    j->r = r;
    j->rg = rg;
    j->m = m;
    j->meta = &r->meta.row_groups[rg];
    j->out = &sl->out;
    j->n_rows = j->meta->num_rows;
    j->frg = r->filter ? pq_filter_slot(r->filter, (int)(sl - r->slots)) : NULL;
    memset(&sl->out, 0, sizeof sl->out);
    sl->submitted = false;
    sl->status = PQ_OK;
    pq_error_clear(&sl->err);
    if (r->meta.encrypted && m->n_leaves > 0)
        return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "encrypted Parquet is not supported (Parquet Modular Encryption, "
                                                "plaintext footer with encrypted columns)");
    PQ_TRY(pq_table_init(&sl->out, &m->schema, err));
    PQ_TRY(prepare_leaves(r, sl, m, err));
    j->leaves = sl->leaves;
    size_t n = (size_t)(m->n_leaves > m->schema.n_fields ? m->n_leaves : m->schema.n_fields);
    j->order = (int64_t *)pq_calloc(r->alloc, 2 * (n ? n : 1), sizeof *j->order);
    j->slots = (worker_slot *)pq_calloc(r->alloc, (size_t)r->n_workers, sizeof *j->slots);
    if (!j->order || !j->slots) return PQ_NOMEM(err);
    j->key = j->order + (n ? n : 1);
    j->max_workers = workers_for(j);
    return PQ_OK;
}

/* Row filter: decide which rows of the job's row group match (statistics,
 * page index, the filter columns read and evaluated here, on the calling
 * thread with worker 0's column reader, which no helper uses). */
static pq_status begin_filter(pq_reader *r, rg_job *j, pq_error *err)
{
    pq_filter_rg_ctx c;
    memset(&c, 0, sizeof c);
    c.reader = r;
    c.map = &r->map;
    c.meta = j->meta;
    c.ref.row_group = j->rg;
    c.ref.num_rows = j->meta->num_rows;
    c.ref.data_end = r->data_end;
    c.ref.dict_header_pad = r->dict_header_pad;
    c.out_leaves = r->has_proj ? r->proj_ids : NULL;
    c.n_out = j->m->n_leaves;
    c.cr = &r->workers[0];
    c.src = &r->src;
    PQ_TRY(pq_filter_begin_rg(j->frg, &c, err));
    j->n_rows = pq_filter_rg_rows(j->frg);
    return PQ_OK;
}

/* Whether the job can run in the background: one phase, worth the pool
 * (a one-column projection too: its row groups then run side by side). */
static bool runs_in_background(const rg_job *j)
{
    return j->max_workers > 1 && one_phase(j);
}

static pq_status finish_slot(pq_reader *r, rg_slot *sl, pq_table *out, pq_error *err);

/* Start reading row group rg in idle slot `sl`.  Now (ahead false): a job
 * worth the pool is queued on it, any other runs to the end here.  Ahead:
 * only a job that can run in the background is queued, on helpers left
 * idle by the row group being read; otherwise the slot stays idle.  A
 * failure is kept in the slot and reported when the row group is asked
 * for. */
static void start_slot(pq_reader *r, rg_slot *sl, int64_t rg, bool ahead)
{
    pq_status s = setup_slot(r, sl, rg, &sl->err);
    bool background = s == PQ_OK && runs_in_background(&sl->job);
    if (s == PQ_OK && background) s = ensure_pool(r, &sl->err);
    if (s == PQ_OK && ahead && (!background || r->pool.n_threads == 0)) {
        /* not worth reading ahead: undo the set-up, the slot stays idle */
        pq_table t;
        memset(&t, 0, sizeof t);
        (void)finish_slot(r, sl, &t, NULL);
        pq_table_reset(&t);
        return;
    }
    if (s == PQ_OK && sl->job.frg) s = begin_filter(r, &sl->job, &sl->err);
    if (s == PQ_OK && background) {
        plan_items(&sl->job, PHASE_WHOLE);
        reset_outcomes(&sl->job);
        pq_pool_submit(&r->pool, &sl->pool_job, pool_item, &sl->job, sl->job.n_items);
        sl->submitted = true;
    } else if (s == PQ_OK)
        s = run_job(&sl->job, &sl->err);
    sl->status = s; /* (job.rg, set up first, marks the slot busy) */
}

/* Wait for slot `sl`'s row group and move its table to *out (on failure
 * *out stays empty); the slot becomes idle. */
static pq_status finish_slot(pq_reader *r, rg_slot *sl, pq_table *out, pq_error *err)
{
    pq_status s = sl->status;
    if (err) *err = sl->err;
    if (sl->submitted) {
        pq_pool_wait(&r->pool, &sl->pool_job);
        sl->submitted = false;
        if (s == PQ_OK) s = phase_outcome(&sl->job, err);
    }
    clear_leaves(r, sl);
    pq_free(r->alloc, sl->job.order);
    pq_free(r->alloc, sl->job.slots);
    sl->job.order = NULL;
    sl->job.slots = NULL;
    sl->job.rg = -1;
    if (s == PQ_OK) *out = sl->out;
    else pq_table_reset(&sl->out);
    memset(&sl->out, 0, sizeof sl->out);
    return s;
}

/* Wait for and drop every row group in flight (a read that is not the one
 * read ahead, a new selection, close). */
static void drain(pq_reader *r)
{
    for (int i = 0; i < RG_SLOTS; i++)
        if (r->slots[i].job.rg >= 0) {
            pq_table t;
            memset(&t, 0, sizeof t);
            if (finish_slot(r, &r->slots[i], &t, NULL) == PQ_OK) pq_table_reset(&t);
        }
}

/* The slot holding row group rg, or NULL. */
static rg_slot *slot_of(pq_reader *r, int64_t rg)
{
    for (int i = 0; i < RG_SLOTS; i++)
        if (r->slots[i].job.rg == rg) return &r->slots[i];
    return NULL;
}

/* An idle slot, or NULL. */
static rg_slot *idle_slot(pq_reader *r)
{
    return slot_of(r, -1);
}

/* The chunks of row group rg that were read are consumed: a big mapped
 * file lets their pages go (pq_source_done_with), so a scan holds about a
 * row group of the file resident, not all of it. */
static void done_with_chunk(pq_reader *r, const pq_column_chunk *c)
{
    if (!c->has_meta_data) return;
    int64_t start = c->meta_data.data_page_offset;
    if (c->meta_data.has_dictionary_page_offset && c->meta_data.dictionary_page_offset > 0 &&
        c->meta_data.dictionary_page_offset < start)
        start = c->meta_data.dictionary_page_offset;
    pq_source_done_with(&r->src, start, c->meta_data.total_compressed_size);
}

static void done_with_chunks(pq_reader *r, int64_t rg)
{
    if (r->src.size < PQ_SOURCE_DROP_MIN || !r->src.mapped) return;
    const pq_schema_map *m = out_map(r);
    for (int64_t k = 0; k < m->n_leaves; k++) done_with_chunk(r, &r->meta.row_groups[rg].columns[file_leaf(r, k)]);
}

pq_status pq_reader_read_row_group(pq_reader *r, int64_t rg, pq_table *out, pq_error *err)
{
    pq_error_clear(err);
    memset(out, 0, sizeof *out);
    if (!r) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a reader, found NULL");
    if (rg < 0 || rg >= r->meta.n_row_groups)
        return with_path(r, PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a row group index in [0, %d), found %lld",
                                    (int)r->meta.n_row_groups, (long long)rg), err);
    rg_slot *cur = slot_of(r, rg);
    if (!cur) {
        drain(r);
        cur = &r->slots[0];
        start_slot(r, cur, rg, false);
    }
    /* Reading in order: queue the next row groups (as many as workers)
     * behind this one, so the helpers this one leaves idle (its last,
     * unevenly sized columns, or all but one for a one-column projection)
     * and the time the caller spends on this one's rows go to the next
     * ones. */
    int depth = r->n_workers < RG_SLOTS - 1 ? r->n_workers : RG_SLOTS - 1;
    if (r->n_workers == 1) depth = 0; /* nobody to read ahead */
    for (int64_t k = 1; rg == r->last_rg + 1 && k <= depth && rg + k < r->meta.n_row_groups; k++) {
        rg_slot *sl = slot_of(r, rg + k);
        if (sl) continue;
        if (!(sl = idle_slot(r))) break;
        start_slot(r, sl, rg + k, true);
        if (sl->job.rg < 0) break; /* not worth it: neither are the next */
    }
    pq_status s = finish_slot(r, cur, out, err);
    r->last_rg = rg;
    done_with_chunks(r, rg);
    int64_t want = cur->job.n_rows; /* fewer than the row group's with a filter */
    if (s == PQ_OK) {
        out->num_rows = want;
        s = pq_table_finish(out, err);
    }
    if (s == PQ_OK && out->num_rows != want)
        s = PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %lld rows in row group %lld, assembled %lld", (long long)want,
                    (long long)rg, (long long)out->num_rows);
    if (s != PQ_OK) pq_table_reset(out);
    return with_path(r, s, err);
}

/* ------------------------------------------------ doubles into caller memory */

/* pq_reader_read_doubles: one item per column, each worker with its own
 * scratch leaf data (reused from column to column: no allocation per
 * column) and column reader. */
typedef struct dbl_job {
    pq_reader *r;
    int64_t rg;
    const pq_row_group_meta *meta;
    const int64_t *leaves;
    double *const *dst;
    int64_t *nulls;
    pq_leaf_data *scratch;   /* one per worker */
    worker_slot *slots;      /* one per worker */
    atomic_bool failed;
} dbl_job;

static pq_status read_double_column(dbl_job *j, int w, int64_t i, pq_error *err)
{
    pq_reader *r = j->r;
    int64_t fl = j->leaves[i];
    pq_chunk_ref ref = chunk_ref(r, j->meta, j->rg, fl);
    pq_leaf_data *d = &j->scratch[w];
    d->n_levels = 0;
    d->def_counted = false;
    d->def.len = d->rep.len = d->values.data.len = 0;
    d->values.n = 0;
    PQ_TRY(pq_column_reader_read(&r->workers[w], &r->src, &ref, d, err));
    int64_t n = j->meta->num_rows;
    double *out = j->dst[i];
    const uint8_t *v = d->values.data.data;
    if (ref.leaf->max_def > 0 && d->n_levels != n)
        return at_chunk(r, j->rg, fl,
                        PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %lld levels (the row group's rows), found %lld",
                                (long long)n, (long long)d->n_levels), err);
    if (d->values.n == n) { /* no null: the values are the column */
        if (n > 0) memcpy(out, v, (size_t)n * sizeof(double));
        j->nulls[i] = 0;
        return PQ_OK;
    }
    if (ref.leaf->max_def == 0)
        return at_chunk(r, j->rg, fl,
                        PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %lld values in a required column, found %lld",
                                (long long)n, (long long)d->values.n), err);
    const uint16_t *def = (const uint16_t *)d->def.data;
    int64_t k = 0, nulls = 0;
    for (int64_t row = 0; row < n; row++) {
        if (def[row] == ref.leaf->max_def && k < d->values.n) {
            memcpy(&out[row], v + (size_t)k * sizeof(double), sizeof(double));
            k++;
        } else {
            out[row] = NAN;
            nulls++;
        }
    }
    if (k != d->values.n || k + nulls != n)
        return at_chunk(r, j->rg, fl,
                        PQ_FAIL(err, PQ_ERR_CORRUPT, "%lld values for %lld non-null levels", (long long)d->values.n,
                                (long long)(n - nulls)), err);
    j->nulls[i] = nulls;
    return PQ_OK;
}

static void double_item(void *ctx, int w, int64_t i)
{
    dbl_job *j = (dbl_job *)ctx;
    worker_slot *slot = &j->slots[w];
    if (item_skipped(&j->failed, slot)) return;
    item_done(&j->failed, slot, i, read_double_column(j, w, i, &slot->err));
}

pq_status pq_reader_read_doubles(pq_reader *r, int64_t rg, const int64_t *leaves, double *const *dst, int64_t *nulls,
                                 size_t n, pq_error *err)
{
    pq_error_clear(err);
    if (!r) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a reader, found NULL");
    if (rg < 0 || rg >= r->meta.n_row_groups)
        return with_path(r, PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a row group index in [0, %d), found %lld",
                                    (int)r->meta.n_row_groups, (long long)rg), err);
    const pq_row_group_meta *meta = &r->meta.row_groups[rg];
    int64_t work = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t fl = leaves[i];
        if (fl < 0 || fl >= r->map.n_leaves)
            return with_path(r, PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a leaf index in [0, %lld), found %lld",
                                        (long long)r->map.n_leaves, (long long)fl), err);
        const pq_leaf *leaf = &r->map.leaves[fl];
        if (leaf->physical != PQ_PHYS_DOUBLE || leaf->max_rep != 0 || leaf->max_def > 1 || leaf->node->n_leaves != 1)
            return with_path(r, PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column '%s' is not a flat DOUBLE column",
                                        leaf->path), err);
        const pq_column_chunk *c = &meta->columns[fl];
        int64_t sz = c->has_meta_data ? c->meta_data.total_uncompressed_size : 0;
        if (sz > 0 && pq_add_overflow_i64(work, sz, &work)) work = INT64_MAX;
    }
    drain(r); /* the column readers are the workers': nothing may be in flight */
    int nw = (int)(work / WORK_PER_WORKER + 1 < r->n_workers ? work / WORK_PER_WORKER + 1 : r->n_workers);
    dbl_job j;
    memset(&j, 0, sizeof j);
    j.r = r;
    j.rg = rg;
    j.meta = meta;
    j.leaves = leaves;
    j.dst = dst;
    j.nulls = nulls;
    j.scratch = (pq_leaf_data *)pq_calloc(r->alloc, (size_t)r->n_workers, sizeof *j.scratch);
    j.slots = (worker_slot *)pq_calloc(r->alloc, (size_t)r->n_workers, sizeof *j.slots);
    pq_status s = PQ_OK;
    if (!j.scratch || !j.slots) s = PQ_NOMEM(err);
    for (int w = 0; j.scratch && w < r->n_workers; w++) {
        pq_leaf_data_init(&j.scratch[w], PQ_PHYS_DOUBLE, 0, r->alloc);
        j.slots[w].item = -1;
    }
    atomic_store(&j.failed, false);
    if (s == PQ_OK && nw > 1) s = ensure_pool(r, err);
    if (s == PQ_OK) {
        if (nw > 1) pq_pool_run(&r->pool, double_item, &j, (int64_t)n);
        else
            for (size_t i = 0; i < n; i++) double_item(&j, 0, (int64_t)i);
        s = earliest_failure(j.slots, r->n_workers, err);
    }
    for (size_t i = 0; s == PQ_OK && r->src.mapped && r->src.size >= PQ_SOURCE_DROP_MIN && i < n; i++)
        done_with_chunk(r, &meta->columns[leaves[i]]);
    for (int w = 0; j.scratch && w < r->n_workers; w++) pq_leaf_data_reset(&j.scratch[w]);
    pq_free(r->alloc, j.scratch);
    pq_free(r->alloc, j.slots);
    return with_path(r, s, err);
}

/* Give the memory of *p (cap bytes, from allocator a) to the reader's
 * buffer dst when it is bigger than what dst holds and small enough to
 * keep; *p becomes NULL when taken.  dst is empty (clear_leaves ran). */
static void take_memory(pq_buf *dst, const pq_allocator *a, uint8_t **p, size_t cap)
{
    if (!*p || a != dst->alloc || dst->len != 0 || cap <= dst->cap || cap > LEAF_KEEP_BYTES) return;
    pq_buf_reset(dst);
    dst->data = *p;
    dst->cap = cap;
    *p = NULL;
}

/* Hand the value and offset buffers of `a` and its children to leaf data d.
 * A buffer is plain memory to the reader: it does not matter which leaf or
 * selection it came from, only that the allocator is the reader's. */
static void take_array(pq_leaf_data *d, pq_array *a)
{
    uint8_t *off = (uint8_t *)a->offsets;
    take_memory(&d->values.data, a->alloc, &a->values, a->values_cap);
    if (!a->values) a->values_cap = a->values_len = 0;
    if (a->offsets_cap <= SIZE_MAX / sizeof(int64_t))
        take_memory(&d->values.offsets, a->alloc, &off, a->offsets_cap * sizeof(int64_t));
    if (!off) {
        a->offsets = NULL;
        a->offsets_cap = 0;
    }
    for (int64_t c = 0; c < a->n_children; c++) take_array(d, &a->children[c]);
}

void pq_reader_recycle(pq_reader *r, pq_table *t)
{
    if (!t) return;
    /* the buffers go to an idle slot (one is: the caller holds no slot) */
    rg_slot *sl = r ? idle_slot(r) : NULL;
    if (sl && t->columns && prepare_leaves(r, sl, out_map(r), NULL) == PQ_OK && r->n_leaves > 0) {
        const pq_schema_map *m = out_map(r);
        bool same = t->schema.n_fields == m->schema.n_fields;
        for (int64_t i = 0; i < t->schema.n_fields; i++) {
            /* Same shape: column i's buffers go back to its own first leaf,
             * which needs the same sizes next time. */
            int64_t k = same ? m->nodes[i].first_leaf : i % r->n_leaves;
            if (k < 0 || k >= r->n_leaves) k = 0;
            take_array(&sl->leaves[k], &t->columns[i]);
        }
    }
    pq_table_reset(t);
}

/* ------------------------------------------------------ page indexes */

/* The cache slot of (rg, leaf) in `table` (allocated on first use). */
static pq_status index_slot_of(pq_reader *r, index_slot ***table, int64_t rg, int64_t leaf, index_slot **out,
                               pq_error *err)
{
    if (!*table) {
        *table = (index_slot **)pq_arena_alloc(&r->arena, (size_t)r->meta.n_row_groups * sizeof(index_slot *), 8);
        if (!*table) return PQ_NOMEM(err);
    }
    if (!(*table)[rg]) {
        (*table)[rg] = (index_slot *)pq_arena_alloc(&r->arena, (size_t)r->map.n_leaves * sizeof(index_slot), 8);
        if (!(*table)[rg]) return PQ_NOMEM(err);
    }
    *out = &(*table)[rg][leaf];
    return PQ_OK;
}

/* Bytes [offset, offset + len) that stay valid until close: borrowed from
 * a direct source, else copied into the arena. */
static pq_status lasting_bytes(pq_reader *r, int64_t offset, int64_t len, pq_bytes *out, pq_error *err)
{
    if (pq_source_is_direct(&r->src)) return pq_source_view(&r->src, offset, len, out, err);
    PQ_TRY(pq_source_check_range(&r->src, offset, len, err));
    uint8_t *p = (uint8_t *)pq_arena_alloc(&r->arena, (size_t)len, 1);
    if (!p) return PQ_NOMEM(err);
    PQ_TRY(pq_source_copy(&r->src, offset, len, p, err));
    *out = pq_bytes_make(p, (size_t)len);
    return PQ_OK;
}

/* Check the arguments of a page-index call. */
static pq_status check_index_args(const pq_reader *r, int64_t rg, int64_t leaf, pq_error *err)
{
    if (!r) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a reader, found NULL");
    if (rg < 0 || rg >= r->meta.n_row_groups || leaf < 0 || leaf >= r->map.n_leaves)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG,
                       "expected row group in [0, %d) and leaf in [0, %lld), found %lld and %lld",
                       (int)r->meta.n_row_groups, (long long)r->map.n_leaves, (long long)rg, (long long)leaf);
    return PQ_OK;
}

/* Decode one page index kind (column: true = ColumnIndex) of (rg, leaf). */
static pq_status load_index(pq_reader *r, bool column, int64_t rg, int64_t leaf, const void **out, pq_error *err)
{
    const pq_column_chunk *c = &r->meta.row_groups[rg].columns[leaf];
    bool has = column ? c->has_column_index : c->has_offset_index;
    int64_t off = column ? c->column_index_offset : c->offset_index_offset;
    int64_t len = column ? c->column_index_length : c->offset_index_length;
    index_slot *slot = NULL;
    *out = NULL;
    PQ_TRY(index_slot_of(r, column ? &r->col_index : &r->off_index, rg, leaf, &slot, err));
    if (slot->done) {
        *out = slot->ptr;
        return PQ_OK;
    }
    if (!has || len == 0) {
        slot->done = true;
        return PQ_OK;
    }
    /* The page indexes of an encrypted column are encrypted modules too. */
    if (c->encrypted)
        return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "encrypted Parquet is not supported (Parquet Modular Encryption, "
                                                "page index of an encrypted column)");
    PQ_CHECK(err, len > 0, "expected a page index length >= 0, found %lld", (long long)len);
    pq_bytes b;
    PQ_TRY(lasting_bytes(r, off, len, &b, err));
    void *dst = pq_arena_alloc(&r->arena, column ? sizeof(pq_column_index) : sizeof(pq_offset_index), 8);
    if (!dst) return PQ_NOMEM(err);
    pq_status s = column ? pq_meta_decode_column_index(b, &r->arena, (pq_column_index *)dst, err)
                         : pq_meta_decode_offset_index(b, &r->arena, (pq_offset_index *)dst, err);
    if (s != PQ_OK) {
        if (err && err->where.offset >= 0) err->where.offset += off;
        return s;
    }
    slot->done = true;
    slot->ptr = dst;
    *out = dst;
    return PQ_OK;
}

pq_status pq_reader_column_index(pq_reader *r, int64_t rg, int64_t leaf, const pq_column_index **out, pq_error *err)
{
    const void *p = NULL;
    pq_error_clear(err);
    *out = NULL;
    PQ_TRY(check_index_args(r, rg, leaf, err));
    pq_status s = at_chunk(r, rg, leaf, load_index(r, true, rg, leaf, &p, err), err);
    *out = (const pq_column_index *)p;
    return with_path(r, s, err);
}

pq_status pq_reader_offset_index(pq_reader *r, int64_t rg, int64_t leaf, const pq_offset_index **out, pq_error *err)
{
    const void *p = NULL;
    pq_error_clear(err);
    *out = NULL;
    PQ_TRY(check_index_args(r, rg, leaf, err));
    pq_status s = at_chunk(r, rg, leaf, load_index(r, false, rg, leaf, &p, err), err);
    *out = (const pq_offset_index *)p;
    return with_path(r, s, err);
}

/* ------------------------------------------------------ row filter */

pq_status pq_reader_set_filter(pq_reader *r, const char *expr, pq_error *err)
{
    pq_error_clear(err);
    if (!r) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a reader, found NULL");
    pq_filter *f = NULL;
    if (expr) PQ_TRY(pq_filter_parse(&r->map, &r->meta, expr, r->alloc, &f, err));
    drain(r); /* row groups in flight were started with the old filter */
    pq_filter_destroy(r->filter);
    r->filter = f;
    return PQ_OK;
}

void pq_reader_filter_stats(const pq_reader *r, pq_filter_stats *out)
{
    pq_filter_get_stats(r ? r->filter : NULL, out);
}
