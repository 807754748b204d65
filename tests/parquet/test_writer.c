/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_writer.c - the Parquet writer (writer.c,
 * column_writer.c, stats.c), checked on the bytes it produces:
 *  - file structure: magic, footer, version, created_by, key/value metadata,
 *    column orders, row groups (split at row_group_size, flush, ordinals,
 *    offsets and sizes that tile the file), chunks walked page by page with
 *    every CRC recomputed and the page sizes / value counts summed against
 *    the column metadata;
 *  - pages: cut at page_size, always at a row start (rep level 0) in v1 and
 *    v2, v2 header fields, empty v2 value sections left uncompressed;
 *  - dictionary: kept for low cardinality, abandoned for high cardinality,
 *    the 70 % first-page threshold, fallback exactly when the dictionary
 *    crosses dictionary_size_limit, encodings lists and encoding_stats;
 *  - statistics of every sort order (signed/unsigned ints, float NaN and
 *    -0/+0, FLOAT16, big-endian decimals, binary, booleans, INT96), legacy
 *    fields only for signed orders, null counts, long binary bounds omitted;
 *  - column and offset indexes against the walked pages (null pages,
 *    boundary order, first rows);
 *  - requested encodings and per-column options; every codec decompresses;
 *  - table validation (schema mismatch, nulls in non-nullable fields, nested)
 *    and option errors with exact status codes; a failed writer poisons;
 *  - determinism: same bytes whatever the thread count or the batching;
 *  - file mode: temporary file, rename on close, nothing left on failure;
 *  - out of memory at every allocation: PQ_ERR_NOMEM and no leak.
 */
#include "parquant/parquet.h"

#include <dirent.h>
#include <math.h>
#include <unistd.h>

#include "core/core.h"
#include "harness.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/metadata.h"

/* ------------------------------------------------------------ fixtures */

static void add_field(pq_schema *s, const char *name, pq_type t, bool nullable)
{
    pq_error err;
    pq_field f;
    CHECK_OK(pq_field_init(&f, name, t, nullable, NULL, &err), &err);
    CHECK_OK(pq_schema_add(s, &f, &err), &err);
}

/* Add a LIST<element type> field. */
static void add_list(pq_schema *s, const char *name, pq_type elem, bool nullable, bool elem_nullable)
{
    pq_error err;
    pq_field e, l;
    CHECK_OK(pq_field_init(&e, "element", elem, elem_nullable, NULL, &err), &err);
    CHECK_OK(pq_field_list(&l, name, nullable, &e, NULL, &err), &err);
    CHECK_OK(pq_schema_add(s, &l, &err), &err);
}

/* Deterministic pseudo-random numbers (splitmix64). */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Write tables[0..n) with options o into memory; NULL on failure. */
static uint8_t *write_tables(const pq_schema *s, const pq_table *const *tables, int n, const pq_writer_options *o,
                             size_t *len)
{
    pq_error err;
    pq_writer *w;
    *len = 0;
    pq_status st = pq_writer_open_memory(&w, s, o, &err);
    CHECK_OK(st, &err);
    if (st) return NULL;
    for (int i = 0; i < n; i++) {
        st = pq_writer_write(w, tables[i], &err);
        CHECK_OK(st, &err);
        if (st) {
            pq_writer_abort(w);
            return NULL;
        }
    }
    uint8_t *data;
    st = pq_writer_close_memory(w, &data, len, &err);
    CHECK_OK(st, &err);
    return st ? NULL : data;
}

static uint8_t *write_one(const pq_schema *s, const pq_table *t, const pq_writer_options *o, size_t *len)
{
    const pq_table *ts[1] = {t};
    return write_tables(s, ts, 1, o, len);
}

/* A written file and its decoded footer. */
typedef struct wfile {
    uint8_t *data;
    size_t len;
    pq_arena arena;
    pq_file_metadata m;
    bool ok;
} wfile;

/* `plen` is read here, after the call that produced `data` has set it. */
static bool wfile_parse(wfile *f, uint8_t *data, const size_t *plen)
{
    size_t len = *plen;
    memset(f, 0, sizeof *f);
    f->data = data;
    f->len = len;
    pq_arena_init(&f->arena, NULL);
    if (!data) return false;
    CHECK(len >= 12);
    if (len < 12) return false;
    CHECK(memcmp(data, "PAR1", 4) == 0);
    CHECK(memcmp(data + len - 4, "PAR1", 4) == 0);
    uint32_t flen = pq_load_u32le(data + len - 8);
    CHECK(flen <= len - 12);
    if (flen > len - 12) return false;
    pq_limits lim = {(int64_t)1 << 28, (int64_t)1 << 30, 64, 100000};
    pq_error err;
    pq_status st = pq_meta_decode_file(pq_bytes_make(data + len - 8 - flen, flen), &f->arena, &lim, &f->m, &err);
    CHECK_OK(st, &err);
    f->ok = st == PQ_OK;
    return f->ok;
}

static void wfile_free(wfile *f)
{
    free(f->data);
    pq_arena_reset(&f->arena);
    memset(f, 0, sizeof *f);
}

/* One page of a chunk as stored. */
typedef struct wpage {
    pq_page_header h;
    int64_t offset;          /* file offset of the header */
    int64_t hdr_len;
    const uint8_t *body;     /* compressed_page_size bytes */
} wpage;

#define MAX_PAGES 2048

/* Walk the pages of chunk cc: they must tile [chunk start, start +
 * total_compressed_size), carry correct CRCs (when present), and add up to
 * the metadata's sizes and value count.  Returns the number of pages
 * (dictionary page included) or -1. */
static int walk_chunk(const wfile *f, const pq_column_chunk *cc, wpage *out)
{
    const pq_column_meta *cm = &cc->meta_data;
    int64_t start = cm->has_dictionary_page_offset ? cm->dictionary_page_offset : cm->data_page_offset;
    int64_t end = start + cm->total_compressed_size;
    CHECK(start >= 4 && end <= (int64_t)f->len);
    if (start < 4 || end > (int64_t)f->len) return -1;
    int64_t pos = start, unc = 0, nv = 0;
    int n = 0;
    while (pos < end && n < MAX_PAGES) {
        wpage *p = &out[n];
        size_t hl;
        pq_error err;
        pq_status st = pq_meta_decode_page_header(pq_bytes_make(f->data + pos, (size_t)(end - pos)), &p->h, &hl, &err);
        CHECK_OK(st, &err);
        if (st) return -1;
        p->offset = pos;
        p->hdr_len = (int64_t)hl;
        p->body = f->data + pos + hl;
        if (p->h.has_crc) CHECK(p->h.crc == pq_crc32(0, p->body, (size_t)p->h.compressed_page_size));
        unc += (int64_t)hl + p->h.uncompressed_page_size;
        if (p->h.type == PQ_PAGE_DATA) nv += p->h.data_page.num_values;
        if (p->h.type == PQ_PAGE_DATA_V2) nv += p->h.data_page_v2.num_values;
        if (p->h.type == PQ_PAGE_DICTIONARY) CHECK(n == 0 && pos == cm->dictionary_page_offset);
        if (n == (cm->has_dictionary_page_offset ? 1 : 0)) CHECK_EQ_I64(pos, cm->data_page_offset);
        pos += (int64_t)hl + p->h.compressed_page_size;
        n++;
    }
    CHECK_EQ_I64(pos, end);
    CHECK_EQ_I64(unc, cm->total_uncompressed_size);
    CHECK_EQ_I64(nv, cm->num_values);
    return n;
}

/* Uncompressed body of a page (v2: levels then the decompressed values);
 * malloc'd, *n receives its size. */
static uint8_t *page_plain(const wpage *p, pq_codec codec, size_t *n)
{
    size_t unc = (size_t)p->h.uncompressed_page_size, comp = (size_t)p->h.compressed_page_size;
    uint8_t *out = (uint8_t *)malloc(unc ? unc : 1);
    pq_codec_ctx *ctx;
    pq_error err;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, &err), &err);
    size_t lv = 0;
    bool compressed = true;
    if (p->h.type == PQ_PAGE_DATA_V2) {
        lv = (size_t)(p->h.data_page_v2.definition_levels_byte_length +
                      p->h.data_page_v2.repetition_levels_byte_length);
        compressed = p->h.data_page_v2.is_compressed;
        memcpy(out, p->body, lv);
    }
    if (compressed && codec != PQ_CODEC_UNCOMPRESSED)
        CHECK_OK(pq_codec_decompress(ctx, codec, pq_bytes_make(p->body + lv, comp - lv), out + lv, unc - lv, &err),
                 &err);
    else {
        CHECK_EQ_I64(comp, unc);
        memcpy(out + lv, p->body + lv, unc - lv);
    }
    pq_codec_ctx_destroy(ctx);
    *n = unc;
    return out;
}

static int data_page_encoding(const wpage *p)
{
    return p->h.type == PQ_PAGE_DATA ? (int)p->h.data_page.encoding : (int)p->h.data_page_v2.encoding;
}

static const pq_statistics *page_stats(const wpage *p)
{
    if (p->h.type == PQ_PAGE_DATA) return p->h.data_page.has_statistics ? &p->h.data_page.statistics : NULL;
    return p->h.data_page_v2.has_statistics ? &p->h.data_page_v2.statistics : NULL;
}

/* A table of one required INT64 column "id" holding start..start+n-1. */
static void make_ids(pq_schema *s, pq_table *t, int64_t n, bool nullable)
{
    pq_error err;
    pq_schema_init(s, NULL);
    add_field(s, "id", pq_type_int(64, true), nullable);
    CHECK_OK(pq_table_init(t, s, &err), &err);
    CHECK_OK(pq_array_reserve(&t->columns[0], n, &err), &err);
    for (int64_t i = 0; i < n; i++) CHECK_OK(pq_array_append_i64(&t->columns[0], i, &err), &err);
    CHECK_OK(pq_table_finish(t, &err), &err);
}

/* Five columns of every flavour, n rows. */
static void make_mixed(pq_schema *s, pq_table *t, int64_t n, uint64_t seed)
{
    pq_error err;
    pq_schema_init(s, NULL);
    add_field(s, "id", pq_type_int(64, true), false);
    add_field(s, "x", pq_type_make(PQ_KIND_DOUBLE), true);
    add_field(s, "name", pq_type_make(PQ_KIND_STRING), true);
    add_field(s, "cat", pq_type_int(32, true), false);
    add_list(s, "tags", pq_type_int(32, true), true, true);
    CHECK_OK(pq_table_init(t, s, &err), &err);
    pq_array *tags = &t->columns[4];
    for (int64_t i = 0; i < n; i++) {
        uint64_t r = rng_next(&seed);
        CHECK_OK(pq_array_append_i64(&t->columns[0], i, &err), &err);
        if (r % 11 == 0) CHECK_OK(pq_array_append_null(&t->columns[1], &err), &err);
        else CHECK_OK(pq_array_append_double(&t->columns[1], (double)(r >> 11) / 9007199254740992.0, &err), &err);
        char b[40];
        int len = snprintf(b, sizeof b, "name-%llu", (unsigned long long)(r % 500));
        if (r % 13 == 0) CHECK_OK(pq_array_append_null(&t->columns[2], &err), &err);
        else CHECK_OK(pq_array_append_bytes(&t->columns[2], b, (size_t)len, &err), &err);
        CHECK_OK(pq_array_append_i64(&t->columns[3], (int64_t)(r % 7), &err), &err);
        if (r % 17 == 0) {
            CHECK_OK(pq_array_append_null(tags, &err), &err);
        } else {
            int k = (int)(r % 5);
            for (int j = 0; j < k; j++) {
                if ((r >> (j + 8)) % 9 == 0) CHECK_OK(pq_array_append_null(&tags->children[0], &err), &err);
                else CHECK_OK(pq_array_append_i64(&tags->children[0], (int64_t)(i + j), &err), &err);
            }
            CHECK_OK(pq_array_append_valid(tags, &err), &err);
        }
    }
    CHECK_OK(pq_table_finish(t, &err), &err);
}

/* Copy rows [from, to) of a make_mixed table into dst (initialised here). */
static void slice_mixed(const pq_table *src, int64_t from, int64_t to, pq_table *dst)
{
    pq_error err;
    CHECK_OK(pq_table_init(dst, &src->schema, &err), &err);
    for (int64_t r = from; r < to; r++)
        for (int c = 0; c < 5; c++) {
            pq_array *d = &dst->columns[c];
            const pq_array *a = &src->columns[c];
            if (!pq_array_is_valid(a, r)) {
                CHECK_OK(pq_array_append_null(d, &err), &err);
            } else if (c == 0) {
                CHECK_OK(pq_array_append_i64(d, ((const int64_t *)(const void *)a->values)[r], &err), &err);
            } else if (c == 3) {
                CHECK_OK(pq_array_append_i64(d, ((const int32_t *)(const void *)a->values)[r], &err), &err);
            } else if (c == 1) {
                CHECK_OK(pq_array_append_double(d, ((const double *)(const void *)a->values)[r], &err), &err);
            } else if (c == 2) {
                size_t bl;
                const uint8_t *bp = pq_array_bytes(a, r, &bl);
                CHECK_OK(pq_array_append_bytes(d, bp, bl, &err), &err);
            } else {
                const pq_array *e = &a->children[0];
                for (int64_t j = a->offsets[r]; j < a->offsets[r + 1]; j++) {
                    int32_t ev = ((const int32_t *)(const void *)e->values)[j];
                    if (pq_array_is_valid(e, j)) CHECK_OK(pq_array_append_i64(&d->children[0], ev, &err), &err);
                    else CHECK_OK(pq_array_append_null(&d->children[0], &err), &err);
                }
                CHECK_OK(pq_array_append_valid(d, &err), &err);
            }
        }
    CHECK_OK(pq_table_finish(dst, &err), &err);
}

static void drop(pq_schema *s, pq_table *t)
{
    pq_table_reset(t);
    pq_schema_reset(s);
}

/* ------------------------------------------------------------ structure */

TEST(footer_basics)
{
    pq_schema s;
    pq_table t;
    pq_error err;
    pq_schema_init(&s, NULL);
    add_field(&s, "id", pq_type_int(64, true), false);
    add_field(&s, "name", pq_type_make(PQ_KIND_STRING), true);
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    for (int i = 0; i < 100; i++) {
        CHECK_OK(pq_array_append_i64(&t.columns[0], i * 3, &err), &err);
        if (i % 10 == 9) CHECK_OK(pq_array_append_null(&t.columns[1], &err), &err);
        else CHECK_OK(pq_array_append_bytes(&t.columns[1], "abc", 1 + (size_t)(i % 3), &err), &err);
    }
    CHECK_OK(pq_table_finish(&t, &err), &err);
    pq_kv kv[2] = {{(char *)"k1", (char *)"v1"}, {(char *)"k2", NULL}};
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.kv = kv;
    o.n_kv = 2;
    size_t len;
    wfile f;
    if (!wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) goto out;
    const pq_file_metadata *m = &f.m;
    CHECK_EQ_I64(m->version, 1);
    CHECK_EQ_I64(m->num_rows, 100);
    CHECK_EQ_STR(m->created_by, "parquant version 0.1.0");
    CHECK_EQ_I64(m->n_schema, 3);
    CHECK_EQ_STR(m->schema[1].name, "id");
    CHECK_EQ_I64(m->n_column_orders, 2);
    CHECK(m->column_orders[0] == 1 && m->column_orders[1] == 1);
    CHECK_EQ_I64(m->n_kv, 2);
    CHECK_EQ_STR(m->kv[0].key, "k1");
    CHECK_EQ_STR(m->kv[0].value, "v1");
    CHECK_EQ_STR(m->kv[1].key, "k2");
    CHECK(m->kv[1].value == NULL);
    CHECK_EQ_I64(m->n_row_groups, 1);
    const pq_row_group_meta *rg = &m->row_groups[0];
    CHECK_EQ_I64(rg->num_rows, 100);
    CHECK(rg->has_ordinal && rg->ordinal == 0);
    CHECK(rg->has_file_offset && rg->file_offset == 4);
    CHECK_EQ_I64(rg->n_columns, 2);
    int64_t pos = 4, unc = 0, comp = 0;
    static wpage pages[MAX_PAGES];
    for (int c = 0; c < 2; c++) {
        const pq_column_chunk *cc = &rg->columns[c];
        const pq_column_meta *cm = &cc->meta_data;
        int64_t start = cm->has_dictionary_page_offset ? cm->dictionary_page_offset : cm->data_page_offset;
        CHECK_EQ_I64(start, pos); /* chunks are contiguous, in schema order */
        CHECK_EQ_I64(cc->file_offset, start);
        CHECK_EQ_I64(cm->num_values, 100);
        CHECK_EQ_I64(cm->codec, PQ_CODEC_SNAPPY);
        CHECK_EQ_I64(cm->n_path, 1);
        CHECK_EQ_STR(cm->path_in_schema[0], c == 0 ? "id" : "name");
        CHECK(walk_chunk(&f, cc, pages) > 0);
        pos = start + cm->total_compressed_size;
        unc += cm->total_uncompressed_size;
        comp += cm->total_compressed_size;
        CHECK(cc->has_offset_index && cc->has_column_index);
    }
    CHECK_EQ_I64(rg->total_byte_size, unc);
    CHECK_EQ_I64(rg->total_compressed_size, comp);
    /* page indexes follow the data: column indexes, then offset indexes */
    CHECK_EQ_I64(rg->columns[0].column_index_offset, pos);
    CHECK_EQ_I64(rg->columns[1].column_index_offset, pos + rg->columns[0].column_index_length);
    int64_t oi = rg->columns[1].column_index_offset + rg->columns[1].column_index_length;
    CHECK_EQ_I64(rg->columns[0].offset_index_offset, oi);
    CHECK_EQ_I64(rg->columns[1].offset_index_offset, oi + rg->columns[0].offset_index_length);
    int64_t footer = rg->columns[1].offset_index_offset + rg->columns[1].offset_index_length;
    CHECK_EQ_I64((int64_t)len - 8 - (int64_t)pq_load_u32le(f.data + len - 8), footer);
    /* the id column is unique: no dictionary; names repeat: dictionary */
    CHECK(!rg->columns[0].meta_data.has_dictionary_page_offset);
    CHECK(rg->columns[1].meta_data.has_dictionary_page_offset);
    CHECK_EQ_I64(rg->columns[1].meta_data.statistics.null_count, 10);
out:
    wfile_free(&f);
    drop(&s, &t);
}

TEST(empty_file)
{
    pq_schema s;
    pq_table t;
    make_ids(&s, &t, 0, false);
    size_t len;
    wfile f;
    const pq_table *none[1] = {&t};
    /* no write at all, then one empty table: both give an empty file */
    for (int k = 0; k < 2; k++) {
        if (wfile_parse(&f, write_tables(&s, none, k, NULL, &len), &len)) {
            CHECK_EQ_I64(f.m.num_rows, 0);
            CHECK_EQ_I64(f.m.n_row_groups, 0);
            CHECK_EQ_I64(f.m.n_schema, 2);
        }
        wfile_free(&f);
    }
    drop(&s, &t);
}

TEST(row_groups_split_and_batching)
{
    pq_schema s;
    pq_table t;
    make_mixed(&s, &t, 1000, 7);
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.row_group_size = 300;
    o.page_size = 512;
    o.threads = 3; /* one write: several row groups encoded at once */
    size_t len;
    uint8_t *one = write_one(&s, &t, &o, &len);
    o.threads = 1;
    wfile f;
    if (wfile_parse(&f, one, &len)) {
        CHECK_EQ_I64(f.m.num_rows, 1000);
        CHECK_EQ_I64(f.m.n_row_groups, 4);
        int64_t want[4] = {300, 300, 300, 100}, prev_end = 4;
        static wpage pages[MAX_PAGES];
        for (int g = 0; g < 4 && g < f.m.n_row_groups; g++) {
            const pq_row_group_meta *rg = &f.m.row_groups[g];
            CHECK_EQ_I64(rg->num_rows, want[g]);
            CHECK_EQ_I64(rg->ordinal, g);
            CHECK_EQ_I64(rg->file_offset, prev_end);
            for (int c = 0; c < rg->n_columns; c++) {
                CHECK(walk_chunk(&f, &rg->columns[c], pages) > 0);
                prev_end += rg->columns[c].meta_data.total_compressed_size;
            }
        }
    }
    /* the same rows in batches of 250, 1 and 37 give the same bytes */
    int sizes[3] = {250, 1, 37};
    for (int k = 0; k < 3; k++) {
        int b = sizes[k], n = (1000 + b - 1) / b;
        pq_table *parts = (pq_table *)calloc((size_t)n, sizeof(pq_table));
        const pq_table **ptrs = (const pq_table **)calloc((size_t)n, sizeof(pq_table *));
        for (int i = 0; i < n; i++) {
            slice_mixed(&t, (int64_t)i * b, (int64_t)(i + 1) * b < 1000 ? (int64_t)(i + 1) * b : 1000, &parts[i]);
            ptrs[i] = &parts[i];
        }
        size_t len2;
        uint8_t *many = write_tables(&s, ptrs, n, &o, &len2);
        CHECK(many && len2 == len && f.data && memcmp(many, f.data, len) == 0);
        free(many);
        for (int i = 0; i < n; i++) pq_table_reset(&parts[i]);
        free(parts);
        free(ptrs);
    }
    wfile_free(&f);
    drop(&s, &t);
}

TEST(flush_ends_row_groups)
{
    pq_schema s;
    pq_table a, b;
    make_ids(&s, &a, 10, false);
    pq_schema s2;
    make_ids(&s2, &b, 5, false);
    pq_error err;
    pq_writer *w;
    CHECK_OK(pq_writer_open_memory(&w, &s, NULL, &err), &err);
    CHECK_OK(pq_writer_flush(w, &err), &err); /* empty: no-op */
    CHECK_OK(pq_writer_write(w, &a, &err), &err);
    CHECK_OK(pq_writer_flush(w, &err), &err);
    CHECK_OK(pq_writer_flush(w, &err), &err);
    CHECK_OK(pq_writer_write(w, &b, &err), &err);
    uint8_t *data;
    size_t len;
    CHECK_OK(pq_writer_close_memory(w, &data, &len, &err), &err);
    wfile f;
    if (wfile_parse(&f, data, &len)) {
        CHECK_EQ_I64(f.m.n_row_groups, 2);
        CHECK_EQ_I64(f.m.row_groups[0].num_rows, 10);
        CHECK_EQ_I64(f.m.row_groups[1].num_rows, 5);
        CHECK_EQ_I64(f.m.num_rows, 15);
        /* row group 1 restarts at id 0: its statistics are its own */
        const pq_statistics *st = &f.m.row_groups[1].columns[0].meta_data.statistics;
        int64_t mx;
        CHECK(st->has_max_value && st->max_value_len == 8);
        if (st->has_max_value) {
            memcpy(&mx, st->max_value, 8);
            CHECK_EQ_I64(mx, 4);
        }
    }
    wfile_free(&f);
    drop(&s, &a);
    drop(&s2, &b);
}

/* ------------------------------------------------------------ pages */

TEST(pages_cut_at_page_size)
{
    pq_schema s;
    pq_table t;
    make_ids(&s, &t, 10000, false);
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.page_size = 8000;
    o.dictionary = false;
    o.codec = PQ_CODEC_UNCOMPRESSED;
    size_t len;
    wfile f;
    static wpage pages[MAX_PAGES];
    if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
        const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
        int n = walk_chunk(&f, cc, pages);
        CHECK_EQ_I64(n, 10);
        for (int i = 0; i < n; i++) {
            CHECK_EQ_I64(pages[i].h.type, PQ_PAGE_DATA);
            CHECK_EQ_I64(pages[i].h.data_page.num_values, 1000);
            CHECK_EQ_I64(pages[i].h.uncompressed_page_size, 8000);
            CHECK_EQ_I64(pages[i].h.data_page.encoding, PQ_ENC_PLAIN);
            int64_t first;
            memcpy(&first, pages[i].body, 8);
            CHECK_EQ_I64(first, i * 1000);
            const pq_statistics *ps = page_stats(&pages[i]);
            CHECK(ps && ps->has_min_value && ps->has_null_count && ps->null_count == 0);
        }
        CHECK_EQ_I64(cc->meta_data.n_encodings, 1);
        CHECK_EQ_I64(cc->meta_data.encodings[0], PQ_ENC_PLAIN);
    }
    wfile_free(&f);
    drop(&s, &t);
}

/* Decode the rep levels of an uncompressed v1 page of a LIST leaf (max rep
 * 1, max def 3): returns the number of level entries starting a row and
 * checks that the first one does. */
static int64_t rows_in_v1_page(const wpage *p)
{
    int64_t n = p->h.data_page.num_values;
    uint16_t *rep = (uint16_t *)malloc((size_t)n * sizeof(uint16_t) + 2);
    uint32_t rl = pq_load_u32le(p->body);
    pq_error err;
    CHECK_OK(pq_rle_decode_u16(pq_bytes_make(p->body + 4, rl), 1, n, rep, NULL, &err), &err);
    CHECK_EQ_I64(rep[0], 0);
    int64_t rows = 0;
    for (int64_t i = 0; i < n; i++) rows += rep[i] == 0;
    free(rep);
    return rows;
}

TEST(nested_pages_start_at_rows)
{
    for (int version = 1; version <= 2; version++) {
        pq_schema s;
        pq_table t;
        make_mixed(&s, &t, 3000, 99);
        pq_writer_options o;
        pq_writer_options_init(&o);
        o.page_size = 200;
        o.page_version = version;
        o.codec = PQ_CODEC_UNCOMPRESSED;
        size_t len;
        wfile f;
        static wpage pages[MAX_PAGES];
        if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
            CHECK_EQ_I64(f.m.version, version);
            const pq_column_chunk *cc = &f.m.row_groups[0].columns[4]; /* tags.list.element */
            CHECK_EQ_I64(cc->meta_data.n_path, 3);
            int n = walk_chunk(&f, cc, pages);
            CHECK(n > 10);
            int64_t rows = 0;
            pq_arena a;
            pq_arena_init(&a, NULL);
            pq_offset_index oi;
            pq_error err;
            CHECK_OK(pq_meta_decode_offset_index(pq_bytes_make(f.data + cc->offset_index_offset,
                                                               (size_t)cc->offset_index_length),
                                                 &a, &oi, &err),
                     &err);
            int d = cc->meta_data.has_dictionary_page_offset ? 1 : 0;
            CHECK_EQ_I64(oi.n_pages, n - d);
            for (int i = d; i < n; i++) {
                CHECK_EQ_I64(oi.page_locations[i - d].first_row_index, rows);
                if (version == 1) {
                    CHECK_EQ_I64(pages[i].h.type, PQ_PAGE_DATA);
                    rows += rows_in_v1_page(&pages[i]);
                } else {
                    CHECK_EQ_I64(pages[i].h.type, PQ_PAGE_DATA_V2);
                    const pq_data_page_header_v2 *h2 = &pages[i].h.data_page_v2;
                    /* the v2 rep levels are the first bytes of the body */
                    uint16_t first;
                    CHECK_OK(pq_rle_decode_u16(pq_bytes_make(pages[i].body, (size_t)h2->repetition_levels_byte_length),
                                               1, 1, &first, NULL, &err),
                             &err);
                    CHECK_EQ_I64(first, 0);
                    rows += h2->num_rows;
                }
            }
            CHECK_EQ_I64(rows, 3000);
            pq_arena_reset(&a);
        }
        wfile_free(&f);
        drop(&s, &t);
    }
}

TEST(v2_page_headers)
{
    pq_schema s;
    pq_table t;
    pq_error err;
    pq_schema_init(&s, NULL);
    add_field(&s, "v", pq_type_int(32, true), true);
    add_field(&s, "b", pq_type_make(PQ_KIND_BOOL), false);
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    for (int i = 0; i < 5000; i++) {
        /* rows 1000..3999 are null: all-null pages in the middle */
        if (i >= 1000 && i < 4000) CHECK_OK(pq_array_append_null(&t.columns[0], &err), &err);
        else if (i % 3 == 0) CHECK_OK(pq_array_append_null(&t.columns[0], &err), &err);
        else CHECK_OK(pq_array_append_i64(&t.columns[0], i, &err), &err);
        CHECK_OK(pq_array_append_bool(&t.columns[1], i % 5 == 0, &err), &err);
    }
    CHECK_OK(pq_table_finish(&t, &err), &err);
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.page_version = 2;
    o.page_size = 1000;
    o.dictionary = false;
    o.codec = PQ_CODEC_ZSTD;
    size_t len;
    wfile f;
    static wpage pages[MAX_PAGES];
    if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
        CHECK_EQ_I64(f.m.version, 2);
        const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
        int n = walk_chunk(&f, cc, pages);
        int64_t rows = 0, nulls = 0;
        bool saw_null_page = false;
        for (int i = 0; i < n; i++) {
            const pq_data_page_header_v2 *h = &pages[i].h.data_page_v2;
            CHECK_EQ_I64(pages[i].h.type, PQ_PAGE_DATA_V2);
            CHECK_EQ_I64(h->num_rows, h->num_values); /* flat: one level per row */
            CHECK_EQ_I64(h->repetition_levels_byte_length, 0);
            CHECK(h->definition_levels_byte_length > 0);
            /* count the nulls from the def levels */
            uint16_t *def = (uint16_t *)malloc((size_t)h->num_values * 2);
            CHECK_OK(pq_rle_decode_u16(pq_bytes_make(pages[i].body, (size_t)h->definition_levels_byte_length), 1,
                                       h->num_values, def, NULL, &err),
                     &err);
            int64_t z = 0;
            for (int32_t j = 0; j < h->num_values; j++) z += def[j] == 0;
            free(def);
            CHECK_EQ_I64(h->num_nulls, z);
            if (h->num_nulls == h->num_values) {
                saw_null_page = true;
                CHECK(!h->is_compressed); /* no value bytes: nothing to inflate */
                CHECK_EQ_I64(pages[i].h.compressed_page_size, h->definition_levels_byte_length);
            } else {
                CHECK(h->is_compressed);
            }
            size_t pn;
            free(page_plain(&pages[i], PQ_CODEC_ZSTD, &pn));
            rows += h->num_rows;
            nulls += h->num_nulls;
        }
        CHECK(saw_null_page);
        CHECK_EQ_I64(rows, 5000);
        CHECK_EQ_I64(nulls, cc->meta_data.statistics.null_count);
        /* BOOLEAN in v2 pages: RLE */
        const pq_column_chunk *bc = &f.m.row_groups[0].columns[1];
        n = walk_chunk(&f, bc, pages);
        for (int i = 0; i < n; i++) CHECK_EQ_I64(pages[i].h.data_page_v2.encoding, PQ_ENC_RLE);
        CHECK_EQ_I64(bc->meta_data.n_encodings, 1);
        CHECK_EQ_I64(bc->meta_data.encodings[0], PQ_ENC_RLE);
    }
    wfile_free(&f);
    drop(&s, &t);
}

/* ------------------------------------------------------------ dictionary */

TEST(dictionary_low_cardinality)
{
    pq_schema s;
    pq_table t;
    pq_error err;
    pq_schema_init(&s, NULL);
    add_field(&s, "c", pq_type_int(32, true), true);
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    for (int i = 0; i < 50000; i++) {
        if (i % 5 == 4) CHECK_OK(pq_array_append_null(&t.columns[0], &err), &err);
        else CHECK_OK(pq_array_append_i64(&t.columns[0], i % 10, &err), &err);
    }
    CHECK_OK(pq_table_finish(&t, &err), &err);
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.page_size = 40000;
    size_t len;
    wfile f;
    static wpage pages[MAX_PAGES];
    if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
        const pq_column_meta *cm = &f.m.row_groups[0].columns[0].meta_data;
        CHECK(cm->has_dictionary_page_offset);
        int n = walk_chunk(&f, &f.m.row_groups[0].columns[0], pages);
        CHECK(n >= 3);
        CHECK_EQ_I64(pages[0].h.type, PQ_PAGE_DICTIONARY);
        CHECK_EQ_I64(pages[0].h.dictionary_page.num_values, 8); /* 0..9 minus the null slots' 4 and 9 */
        CHECK_EQ_I64(pages[0].h.dictionary_page.encoding, PQ_ENC_PLAIN);
        for (int i = 1; i < n; i++) CHECK_EQ_I64(data_page_encoding(&pages[i]), PQ_ENC_RLE_DICTIONARY);
        CHECK_EQ_I64(cm->n_encodings, 3);
        CHECK_EQ_I64(cm->encodings[0], PQ_ENC_PLAIN);
        CHECK_EQ_I64(cm->encodings[1], PQ_ENC_RLE);
        CHECK_EQ_I64(cm->encodings[2], PQ_ENC_RLE_DICTIONARY);
        CHECK_EQ_I64(cm->n_encoding_stats, 2);
        if (cm->n_encoding_stats == 2) {
            CHECK(cm->encoding_stats[0].page_type == PQ_PAGE_DICTIONARY &&
                  cm->encoding_stats[0].encoding == PQ_ENC_PLAIN && cm->encoding_stats[0].count == 1);
            CHECK(cm->encoding_stats[1].page_type == PQ_PAGE_DATA &&
                  cm->encoding_stats[1].encoding == PQ_ENC_RLE_DICTIONARY && cm->encoding_stats[1].count == n - 1);
        }
        /* the dictionary page holds the values in first-seen order */
        size_t pn;
        uint8_t *plain = page_plain(&pages[0], PQ_CODEC_SNAPPY, &pn);
        CHECK_EQ_I64(pn, 32);
        int32_t want[8] = {0, 1, 2, 3, 5, 6, 7, 8};
        CHECK(memcmp(plain, want, 32) == 0);
        free(plain);
    }
    wfile_free(&f);
    drop(&s, &t);
}

TEST(dictionary_high_cardinality)
{
    pq_schema s;
    pq_table t;
    pq_error err;
    pq_schema_init(&s, NULL);
    add_field(&s, "id", pq_type_int(64, true), true);
    add_field(&s, "r", pq_type_int(64, true), false);
    add_field(&s, "x", pq_type_make(PQ_KIND_DOUBLE), false);
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    uint64_t seed = 5;
    for (int i = 0; i < 200000; i++) {
        CHECK_OK(pq_array_append_i64(&t.columns[0], i, &err), &err);
        CHECK_OK(pq_array_append_i64(&t.columns[1], (int64_t)rng_next(&seed), &err), &err);
        CHECK_OK(pq_array_append_double(&t.columns[2], (double)rng_next(&seed) / 1e19, &err), &err);
    }
    CHECK_OK(pq_table_finish(&t, &err), &err);
    size_t len;
    wfile f;
    if (wfile_parse(&f, write_one(&s, &t, NULL, &len), &len)) {
        for (int c = 0; c < 3; c++) {
            const pq_column_meta *cm = &f.m.row_groups[0].columns[c].meta_data;
            CHECK(!cm->has_dictionary_page_offset);
            CHECK_EQ_I64(cm->encodings[cm->n_encodings - 1], PQ_ENC_PLAIN);
            for (int e = 0; e < cm->n_encodings; e++) CHECK(cm->encodings[e] != PQ_ENC_RLE_DICTIONARY);
        }
    }
    wfile_free(&f);
    drop(&s, &t);
}

/* 100 Ki distinct values drawn 400 Ki times: the first 16 Ki draws are 92 %
 * distinct, but the first page's dictionary is 56 % of its values: kept
 * (uncompressed: with a codec the first page is also judged compressed,
 * see dictionary_judged_compressed). */
TEST(dictionary_mid_cardinality)
{
    pq_schema s;
    pq_table t;
    pq_error err;
    pq_schema_init(&s, NULL);
    add_field(&s, "v", pq_type_int(64, true), true);
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    uint64_t seed = 9;
    for (int i = 0; i < 400000; i++)
        CHECK_OK(pq_array_append_i64(&t.columns[0], (int64_t)(rng_next(&seed) % 100000), &err), &err);
    CHECK_OK(pq_table_finish(&t, &err), &err);
    size_t len;
    wfile f;
    static wpage pages[MAX_PAGES];
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.row_group_size = 400000; /* one row group: every distinct value in one dictionary */
    o.codec = PQ_CODEC_UNCOMPRESSED;
    if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
        const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
        CHECK(cc->meta_data.has_dictionary_page_offset);
        int n = walk_chunk(&f, cc, pages);
        CHECK(n >= 2 && pages[0].h.dictionary_page.num_values > 95000);
        for (int i = 1; i < n; i++) CHECK_EQ_I64(data_page_encoding(&pages[i]), PQ_ENC_RLE_DICTIONARY);
    }
    wfile_free(&f);
    drop(&s, &t);
}

/* The first page decides: a dictionary over 70 % of the PLAIN size of the
 * page's values is abandoned (uncompressed, so that only this rule
 * decides). */
TEST(dictionary_first_page_ratio)
{
    struct { int distinct; bool dict; } cases[] = {{65, true}, {75, false}, {1, true}, {100, false}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pq_schema s;
        pq_table t;
        pq_error err;
        pq_schema_init(&s, NULL);
        add_field(&s, "v", pq_type_int(32, true), false);
        CHECK_OK(pq_table_init(&t, &s, &err), &err);
        for (int i = 0; i < 1000; i++) CHECK_OK(pq_array_append_i64(&t.columns[0], i % cases[k].distinct, &err), &err);
        CHECK_OK(pq_table_finish(&t, &err), &err);
        pq_writer_options o;
        pq_writer_options_init(&o);
        o.page_size = 400; /* 100 values per page */
        o.codec = PQ_CODEC_UNCOMPRESSED;
        size_t len;
        wfile f;
        if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len))
            CHECK(f.m.row_groups[0].columns[0].meta_data.has_dictionary_page_offset == cases[k].dict);
        wfile_free(&f);
        drop(&s, &t);
    }
}

/* Whether column "v" of a one-page file written with `codec` (and the
 * dictionary allowed or not) has a dictionary; *bytes receives the chunk's
 * compressed size. */
static bool written_with_dict(const pq_schema *s, const pq_table *t, pq_codec codec, bool allow, int64_t *bytes)
{
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.codec = codec;
    o.dictionary = allow;
    o.page_size = (int64_t)8 << 20;
    size_t len;
    wfile f;
    bool dict = false;
    *bytes = 0;
    if (wfile_parse(&f, write_one(s, t, &o, &len), &len)) {
        dict = f.m.row_groups[0].columns[0].meta_data.has_dictionary_page_offset;
        *bytes = f.m.row_groups[0].columns[0].meta_data.total_compressed_size;
    }
    wfile_free(&f);
    return dict;
}

/* With a codec, a first-page dictionary that is not an obvious win is
 * judged on compressed sizes.  Short numeric strings, 56 % distinct (a
 * dictionary of about 0.56 x the PLAIN bytes, plus 17-bit indices): the
 * uncompressed rule keeps the dictionary, but with zstd PLAIN is smaller
 * and is chosen; with either codec the chosen chunk is never larger than
 * the PLAIN one (beyond the dictionary page's header).  1000 distinct
 * values (an obvious win) keep the dictionary. */
TEST(dictionary_judged_compressed)
{
    static const int distinct[] = {100000, 1000};
    for (size_t k = 0; k < 2; k++) {
        pq_schema s;
        pq_table t;
        pq_error err;
        pq_schema_init(&s, NULL);
        add_field(&s, "v", pq_type_make(PQ_KIND_STRING), true);
        CHECK_OK(pq_table_init(&t, &s, &err), &err);
        uint64_t seed = 5;
        for (int i = 0; i < 131072; i++) {
            char txt[16];
            int n = snprintf(txt, sizeof txt, "v%u", (unsigned)(rng_next(&seed) % (uint64_t)distinct[k]));
            CHECK_OK(pq_array_append_bytes(&t.columns[0], txt, (size_t)n, &err), &err);
        }
        CHECK_OK(pq_table_finish(&t, &err), &err);
        int64_t raw, chosen, plain;
        CHECK(written_with_dict(&s, &t, PQ_CODEC_UNCOMPRESSED, true, &raw)); /* the raw rule keeps it */
        for (int c = 0; c < 2; c++) {
            pq_codec codec = c ? PQ_CODEC_SNAPPY : PQ_CODEC_ZSTD;
            harness_case = c ? "snappy" : "zstd";
            bool dict = written_with_dict(&s, &t, codec, true, &chosen);
            CHECK(!written_with_dict(&s, &t, codec, false, &plain));
            CHECK(chosen > 0 && chosen <= plain + 64);
            if (distinct[k] == 1000) CHECK(dict && chosen < plain);
            if (distinct[k] == 100000 && codec == PQ_CODEC_ZSTD) CHECK(!dict && chosen == plain);
        }
        drop(&s, &t);
    }
}

TEST(dictionary_fallback_at_limit)
{
    pq_schema s;
    pq_table t;
    pq_error err;
    pq_schema_init(&s, NULL);
    add_field(&s, "v", pq_type_int(32, true), false);
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    for (int i = 0; i < 10000; i++) CHECK_OK(pq_array_append_i64(&t.columns[0], i / 4, &err), &err);
    CHECK_OK(pq_table_finish(&t, &err), &err);
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.page_size = 400;             /* 100 values = 25 new entries (100 bytes) per page */
    o.dictionary_size_limit = 1000; /* crossed by page 11 (1100 bytes) */
    o.codec = PQ_CODEC_UNCOMPRESSED;
    size_t len;
    wfile f;
    static wpage pages[MAX_PAGES];
    if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
        const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
        int n = walk_chunk(&f, cc, pages);
        CHECK_EQ_I64(n, 101);
        CHECK_EQ_I64(pages[0].h.type, PQ_PAGE_DICTIONARY);
        CHECK_EQ_I64(pages[0].h.dictionary_page.num_values, 275);
        CHECK_EQ_I64(pages[0].h.uncompressed_page_size, 1100);
        for (int i = 1; i < n; i++)
            CHECK_EQ_I64(data_page_encoding(&pages[i]), i <= 11 ? PQ_ENC_RLE_DICTIONARY : PQ_ENC_PLAIN);
        const pq_column_meta *cm = &cc->meta_data;
        CHECK_EQ_I64(cm->n_encodings, 2);
        CHECK(cm->encodings[0] == PQ_ENC_PLAIN && cm->encodings[1] == PQ_ENC_RLE_DICTIONARY);
        CHECK_EQ_I64(cm->n_encoding_stats, 3);
        int dict_pages = 0, plain_pages = 0;
        for (int i = 0; i < cm->n_encoding_stats; i++) {
            if (cm->encoding_stats[i].page_type != PQ_PAGE_DATA) continue;
            if (cm->encoding_stats[i].encoding == PQ_ENC_PLAIN) plain_pages = cm->encoding_stats[i].count;
            if (cm->encoding_stats[i].encoding == PQ_ENC_RLE_DICTIONARY) dict_pages = cm->encoding_stats[i].count;
        }
        CHECK_EQ_I64(dict_pages, 11);
        CHECK_EQ_I64(plain_pages, 89);
        /* a PLAIN page after the fallback holds the raw values */
        int32_t v;
        memcpy(&v, pages[12].body, 4);
        CHECK_EQ_I64(v, 1100 / 4);
    }
    wfile_free(&f);
    drop(&s, &t);
}

/* ------------------------------------------------------------ statistics */

typedef struct stat_case {
    const char *name;
    pq_type type;
    int n;                    /* values; */
    const void *values;       /* n values of the array's width (bytes: NUL-terminated strings) */
    const bool *nulls;        /* NULL = none */
    bool has_minmax;
    const void *min, *max;    /* expected PLAIN bytes */
    int minmax_len;           /* bytes (for strings: of min; max uses max_len) */
    int max_len;
    bool legacy;
    int64_t null_count;
} stat_case;

static void append_case_value(pq_array *a, const stat_case *c, int i, pq_error *err)
{
    switch (c->type.kind) {
    case PQ_KIND_STRING: {
        const char *sv = ((const char *const *)c->values)[i];
        CHECK_OK(pq_array_append_bytes(a, sv, strlen(sv), err), err);
        break;
    }
    case PQ_KIND_BOOL: CHECK_OK(pq_array_append_bool(a, ((const bool *)c->values)[i], err), err); break;
    default: {
        size_t w = pq_type_value_size(&c->type);
        CHECK_OK(pq_array_append_fixed(a, (const uint8_t *)c->values + (size_t)i * w, err), err);
    }
    }
}

static void run_stat_case(const stat_case *c)
{
    pq_schema s;
    pq_table t;
    pq_error err;
    pq_schema_init(&s, NULL);
    add_field(&s, "v", c->type, true);
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    for (int i = 0; i < c->n; i++) {
        if (c->nulls && c->nulls[i]) CHECK_OK(pq_array_append_null(&t.columns[0], &err), &err);
        else append_case_value(&t.columns[0], c, i, &err);
    }
    CHECK_OK(pq_table_finish(&t, &err), &err);
    size_t len;
    wfile f;
    static wpage pages[MAX_PAGES];
    harness_case = c->name;
    if (wfile_parse(&f, write_one(&s, &t, NULL, &len), &len)) {
        const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
        const pq_statistics *st = &cc->meta_data.statistics;
        CHECK(cc->meta_data.has_statistics);
        CHECK(st->has_null_count);
        CHECK_EQ_I64(st->null_count, c->null_count);
        CHECK(st->has_min_value == c->has_minmax && st->has_max_value == c->has_minmax);
        if (c->has_minmax && st->has_min_value) {
            int ml = c->max_len ? c->max_len : c->minmax_len;
            CHECK(st->min_value_len == c->minmax_len && memcmp(st->min_value, c->min, (size_t)c->minmax_len) == 0);
            CHECK(st->max_value_len == ml && memcmp(st->max_value, c->max, (size_t)ml) == 0);
        }
        CHECK(st->has_min == (c->legacy && c->has_minmax) && st->has_max == (c->legacy && c->has_minmax));
        if (st->has_min && st->has_min_value)
            CHECK(st->min_len == st->min_value_len && memcmp(st->min, st->min_value, (size_t)st->min_len) == 0);
        /* a single page: its header carries the same statistics */
        int n = walk_chunk(&f, cc, pages);
        const pq_statistics *ps = n > 0 ? page_stats(&pages[n - 1]) : NULL;
        CHECK(ps && ps->null_count == c->null_count && ps->has_min_value == st->has_min_value);
        /* the column index exists exactly when the page has usable bounds */
        CHECK(cc->has_column_index == c->has_minmax);
        CHECK(cc->has_offset_index);
    }
    wfile_free(&f);
    drop(&s, &t);
}

TEST(statistics_by_sort_order)
{
    static const int32_t i32v[] = {5, -3, 7, 0};
    static const bool i32n[] = {false, false, false, true};
    static const int32_t i32min = -3, i32max = 7;
    static const uint32_t u32v[] = {5, 0xffffffffu, 0, 7};
    static const uint32_t u32min = 0, u32max = 0xffffffffu;
    static const uint64_t u64v[] = {1, 0x8000000000000000ull, 2};
    static const uint64_t u64min = 1, u64max = 0x8000000000000000ull;
    static const int8_t i8v[] = {-128, 127, 0};
    static const int32_t i8min = -128, i8max = 127;
    static const int64_t tsv[] = {-5, 100, 3};
    static const int64_t tsmin = -5, tsmax = 100;
    static const double dnan[] = {NAN, 0.0, 1.5, -0.0, NAN};
    static const double dmin1 = -0.0, dmax1 = 1.5;
    static const double dz[] = {0.0, 0.0};
    static const double dzmin = -0.0, dzmax = 0.0;
    static const double dallnan[] = {NAN, NAN, 0};
    static const bool dallnan_n[] = {false, false, true};
    static const float fv[] = {-INFINITY, 2.5f, NAN};
    static const float fmin = -INFINITY, fmax = 2.5f;
    static const float fz[] = {-0.0f, 3.0f};
    static const float fzmin = -0.0f, fzmax = 3.0f;
    static const char *const sv[] = {"b", "\xff", "a", "", "ab"};
    static const bool bv1[] = {true, true};
    static const bool bv2[] = {true, false, true};
    static const uint8_t b0 = 0, b1 = 1;
    static const uint16_t hv[] = {0x3c00, 0xc000, 0x7e00, 0x0000}; /* 1.0, -2.0, NaN, +0 */
    static const uint8_t hmin[2] = {0x00, 0xc0}, hmax[2] = {0x00, 0x3c};
    static const uint16_t hz[] = {0x0000, 0x8000};                 /* +0, -0 */
    static const uint8_t hzmin[2] = {0x00, 0x80}, hzmax[2] = {0x00, 0x00};
    /* decimal(20,2) as decimal128 LE: -5 and 3 -> FLBA(9) big-endian */
    static uint8_t decv[2][16];
    memset(decv[0], 0xff, 16);
    decv[0][0] = 0xfb;
    memset(decv[1], 0, 16);
    decv[1][0] = 3;
    static const uint8_t decmin[9] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb};
    static const uint8_t decmax[9] = {0, 0, 0, 0, 0, 0, 0, 0, 3};
    pq_type u32t = pq_type_int(32, false), u64t = pq_type_int(64, false), i8t = pq_type_int(8, true);
    pq_type ts = pq_type_timestamp(PQ_UNIT_MICROS, true);
    stat_case cases[] = {
        {"int32", pq_type_int(32, true), 4, i32v, i32n, true, &i32min, &i32max, 4, 0, true, 1},
        {"uint32", u32t, 4, u32v, NULL, true, &u32min, &u32max, 4, 0, false, 0},
        {"uint64", u64t, 3, u64v, NULL, true, &u64min, &u64max, 8, 0, false, 0},
        {"int8", i8t, 3, i8v, NULL, true, &i8min, &i8max, 4, 0, true, 0},
        {"timestamp", ts, 3, tsv, NULL, true, &tsmin, &tsmax, 8, 0, true, 0},
        {"double_nan_zero", pq_type_make(PQ_KIND_DOUBLE), 5, dnan, NULL, true, &dmin1, &dmax1, 8, 0, true, 0},
        {"double_zeros", pq_type_make(PQ_KIND_DOUBLE), 2, dz, NULL, true, &dzmin, &dzmax, 8, 0, true, 0},
        {"double_all_nan", pq_type_make(PQ_KIND_DOUBLE), 3, dallnan, dallnan_n, false, NULL, NULL, 0, 0, true, 1},
        {"float_inf", pq_type_make(PQ_KIND_FLOAT), 3, fv, NULL, true, &fmin, &fmax, 4, 0, true, 0},
        {"float_negzero", pq_type_make(PQ_KIND_FLOAT), 2, fz, NULL, true, &fzmin, &fzmax, 4, 0, true, 0},
        {"string", pq_type_make(PQ_KIND_STRING), 5, sv, NULL, true, "", "\xff", 0, 1, false, 0},
        {"bool_true", pq_type_make(PQ_KIND_BOOL), 2, bv1, NULL, true, &b1, &b1, 1, 0, true, 0},
        {"bool_both", pq_type_make(PQ_KIND_BOOL), 3, bv2, NULL, true, &b0, &b1, 1, 0, true, 0},
        {"float16", pq_type_make(PQ_KIND_FLOAT16), 4, hv, NULL, true, hmin, hmax, 2, 0, false, 0},
        {"float16_zeros", pq_type_make(PQ_KIND_FLOAT16), 2, hz, NULL, true, hzmin, hzmax, 2, 0, false, 0},
        {"decimal_flba", pq_type_decimal(20, 2), 2, decv, NULL, true, decmin, decmax, 9, 0, false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_stat_case(&cases[i]);
    harness_case = "statistics_by_sort_order";
}

/* INT96 has no order; binary bounds over 1 KiB are not written. */
TEST(statistics_without_bounds)
{
    pq_schema s;
    pq_table t;
    pq_error err;
    pq_schema_init(&s, NULL);
    pq_type i96 = pq_type_timestamp(PQ_UNIT_NANOS, false);
    i96.from_int96 = true;
    add_field(&s, "t", i96, true);
    add_field(&s, "s", pq_type_make(PQ_KIND_BINARY), false);
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    char big[2000];
    memset(big, 'z', sizeof big);
    for (int i = 0; i < 3; i++) {
        if (i == 1) CHECK_OK(pq_array_append_null(&t.columns[0], &err), &err);
        else CHECK_OK(pq_array_append_i64(&t.columns[0], 1000000000LL * i, &err), &err);
        CHECK_OK(pq_array_append_bytes(&t.columns[1], i == 2 ? big : "a", i == 2 ? sizeof big : 1, &err), &err);
    }
    CHECK_OK(pq_table_finish(&t, &err), &err);
    size_t len;
    wfile f;
    if (wfile_parse(&f, write_one(&s, &t, NULL, &len), &len)) {
        const pq_column_chunk *c0 = &f.m.row_groups[0].columns[0], *c1 = &f.m.row_groups[0].columns[1];
        CHECK_EQ_I64(c0->meta_data.type, PQ_PHYS_INT96);
        CHECK(c0->meta_data.statistics.has_null_count && c0->meta_data.statistics.null_count == 1);
        CHECK(!c0->meta_data.statistics.has_min_value && !c0->meta_data.statistics.has_min);
        CHECK(!c0->has_column_index && c0->has_offset_index);
        CHECK(!c1->meta_data.statistics.has_min_value && !c1->meta_data.statistics.has_max_value);
        CHECK(c1->meta_data.statistics.has_null_count && c1->meta_data.statistics.null_count == 0);
        CHECK(!c1->has_column_index && c1->has_offset_index);
    }
    wfile_free(&f);
    drop(&s, &t);
    /* statistics off: no chunk or page statistics, page index still there */
    make_ids(&s, &t, 100, false);
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.write_statistics = false;
    o.write_crc = false;
    static wpage pages[MAX_PAGES];
    if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
        const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
        CHECK(!cc->meta_data.has_statistics);
        int n = walk_chunk(&f, cc, pages);
        CHECK(n == 1 && !pages[0].h.has_crc && page_stats(&pages[0]) == NULL);
        CHECK(cc->has_column_index && cc->has_offset_index);
    }
    wfile_free(&f);
    o.write_statistics = true;
    o.write_page_index = false;
    if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
        const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
        CHECK(!cc->has_column_index && !cc->has_offset_index);
        CHECK(cc->meta_data.has_statistics);
    }
    wfile_free(&f);
    drop(&s, &t);
}

/* ------------------------------------------------------------ page index */

static void check_page_index(const wfile *f, const pq_column_chunk *cc, int32_t want_order)
{
    static wpage pages[MAX_PAGES];
    int n = walk_chunk(f, cc, pages);
    int d = cc->meta_data.has_dictionary_page_offset ? 1 : 0;
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_error err;
    pq_offset_index oi;
    pq_column_index ci;
    CHECK(cc->has_offset_index && cc->has_column_index);
    CHECK_OK(pq_meta_decode_offset_index(
                 pq_bytes_make(f->data + cc->offset_index_offset, (size_t)cc->offset_index_length), &a, &oi, &err),
             &err);
    CHECK_OK(pq_meta_decode_column_index(
                 pq_bytes_make(f->data + cc->column_index_offset, (size_t)cc->column_index_length), &a, &ci, &err),
             &err);
    CHECK_EQ_I64(oi.n_pages, n - d);
    CHECK_EQ_I64(ci.n_pages, n - d);
    CHECK_EQ_I64(ci.boundary_order, want_order);
    CHECK(ci.has_null_counts);
    int64_t row = 0;
    for (int i = d; i < n && i - d < oi.n_pages && i - d < ci.n_pages; i++) {
        int k = i - d;
        const pq_statistics *st = page_stats(&pages[i]);
        int32_t nv = pages[i].h.type == PQ_PAGE_DATA ? pages[i].h.data_page.num_values
                                                     : pages[i].h.data_page_v2.num_values;
        CHECK(st != NULL);
        if (!st) break;
        CHECK_EQ_I64(oi.page_locations[k].offset, pages[i].offset);
        CHECK_EQ_I64(oi.page_locations[k].compressed_page_size, pages[i].hdr_len + pages[i].h.compressed_page_size);
        CHECK_EQ_I64(oi.page_locations[k].first_row_index, row);
        row += nv; /* flat column: one level per row */
        CHECK_EQ_I64(ci.null_counts[k], st->null_count);
        bool all_null = st->null_count == nv;
        CHECK(ci.null_pages[k] == all_null);
        if (all_null) {
            CHECK(ci.min_lens[k] == 0 && ci.max_lens[k] == 0);
        } else {
            CHECK(ci.min_lens[k] == st->min_value_len &&
                  memcmp(ci.min_values[k], st->min_value, (size_t)ci.min_lens[k]) == 0);
            CHECK(ci.max_lens[k] == st->max_value_len &&
                  memcmp(ci.max_values[k], st->max_value, (size_t)ci.max_lens[k]) == 0);
        }
    }
    pq_arena_reset(&a);
}

TEST(page_index_matches_pages)
{
    /* ascending with an all-null stretch, descending, unordered */
    for (int mode = 0; mode < 3; mode++) {
        pq_schema s;
        pq_table t;
        pq_error err;
        pq_schema_init(&s, NULL);
        add_field(&s, "v", pq_type_int(64, true), true);
        CHECK_OK(pq_table_init(&t, &s, &err), &err);
        uint64_t seed = 11;
        for (int i = 0; i < 6000; i++) {
            if (mode == 0 && i >= 2000 && i < 4200) CHECK_OK(pq_array_append_null(&t.columns[0], &err), &err);
            else if (mode == 0) CHECK_OK(pq_array_append_i64(&t.columns[0], i, &err), &err);
            else if (mode == 1) CHECK_OK(pq_array_append_i64(&t.columns[0], -i, &err), &err);
            else CHECK_OK(pq_array_append_i64(&t.columns[0], (int64_t)(rng_next(&seed) % 1000000), &err), &err);
        }
        CHECK_OK(pq_table_finish(&t, &err), &err);
        pq_writer_options o;
        pq_writer_options_init(&o);
        o.page_size = 800;
        o.dictionary = false;
        size_t len;
        wfile f;
        if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len))
            check_page_index(&f, &f.m.row_groups[0].columns[0], mode == 0 ? 1 : mode == 1 ? 2 : 0);
        wfile_free(&f);
        drop(&s, &t);
    }
}

/* ------------------------------------------------------------ encodings */

TEST(requested_encodings_and_column_options)
{
    pq_schema s;
    pq_table t;
    make_mixed(&s, &t, 5000, 3);
    pq_kv ckv[1] = {{(char *)"origin", (char *)"test"}};
    pq_column_options cols[] = {
        {"x", PQ_ENC_BYTE_STREAM_SPLIT, 0, NULL, 0},
        {"name", PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, 0, ckv, 1},
        {"tags", PQ_ENC_DELTA_BINARY_PACKED, -1, NULL, 0},
        {"tags.list.element", PQ_ENC_BYTE_STREAM_SPLIT, 0, NULL, 0}, /* more specific: wins */
    };
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.encoding = PQ_ENC_DELTA_BINARY_PACKED;
    o.dictionary = false;
    o.columns = cols;
    o.n_columns = 4;
    o.codec = PQ_CODEC_ZSTD;
    size_t len;
    wfile f;
    static wpage pages[MAX_PAGES];
    pq_encoding want[5] = {PQ_ENC_DELTA_BINARY_PACKED, PQ_ENC_BYTE_STREAM_SPLIT, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY,
                           PQ_ENC_DELTA_BINARY_PACKED, PQ_ENC_BYTE_STREAM_SPLIT};
    if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
        CHECK_EQ_I64(f.m.version, 2);
        for (int c = 0; c < 5; c++) {
            const pq_column_chunk *cc = &f.m.row_groups[0].columns[c];
            int n = walk_chunk(&f, cc, pages);
            CHECK(n >= 1 && !cc->meta_data.has_dictionary_page_offset);
            for (int i = 0; i < n; i++) CHECK_EQ_I64(data_page_encoding(&pages[i]), want[c]);
            CHECK_EQ_I64(cc->meta_data.encodings[cc->meta_data.n_encodings - 1], want[c]);
            CHECK_EQ_I64(cc->meta_data.n_kv, c == 2 ? 1 : 0);
        }
        const pq_column_meta *nm = &f.m.row_groups[0].columns[2].meta_data;
        if (nm->n_kv == 1) {
            CHECK_EQ_STR(nm->kv[0].key, "origin");
            CHECK_EQ_STR(nm->kv[0].value, "test");
        }
    }
    wfile_free(&f);
    /* a requested encoding the type cannot take falls back to PLAIN */
    pq_column_options bad_type[] = {{"name", PQ_ENC_BYTE_STREAM_SPLIT, 0, NULL, 0}};
    pq_writer_options_init(&o);
    o.columns = bad_type;
    o.n_columns = 1;
    if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
        CHECK_EQ_I64(f.m.version, 1);
        const pq_column_chunk *cc = &f.m.row_groups[0].columns[2];
        int n = walk_chunk(&f, cc, pages);
        for (int i = 0; i < n; i++) CHECK_EQ_I64(data_page_encoding(&pages[i]), PQ_ENC_PLAIN);
    }
    wfile_free(&f);
    drop(&s, &t);
}

TEST(every_codec_decompresses)
{
    pq_codec codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP, PQ_CODEC_BROTLI, PQ_CODEC_ZSTD,
                         PQ_CODEC_LZ4_RAW};
    pq_schema s;
    pq_table t;
    make_ids(&s, &t, 5000, false);
    static wpage pages[MAX_PAGES];
    for (size_t k = 0; k < sizeof codecs / sizeof codecs[0]; k++)
        for (int v = 1; v <= 2; v++) {
            pq_writer_options o;
            pq_writer_options_init(&o);
            o.codec = codecs[k];
            o.page_version = v;
            o.page_size = 8000;
            o.compression_level = k == 4 ? 9 : 0;
            size_t len;
            wfile f;
            if (wfile_parse(&f, write_one(&s, &t, &o, &len), &len)) {
                const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
                CHECK_EQ_I64(cc->meta_data.codec, codecs[k]);
                int n = walk_chunk(&f, cc, pages);
                CHECK_EQ_I64(n, 5);
                int64_t next = 0;
                for (int i = 0; i < n; i++) {
                    size_t pn;
                    uint8_t *plain = page_plain(&pages[i], codecs[k], &pn);
                    CHECK_EQ_I64(pn, 8000);
                    for (size_t j = 0; j + 8 <= pn; j += 8) {
                        int64_t x;
                        memcpy(&x, plain + j, 8);
                        if (x != next) {
                            CHECK_EQ_I64(x, next);
                            break;
                        }
                        next++;
                    }
                    free(plain);
                }
                CHECK_EQ_I64(next, 5000);
            }
            wfile_free(&f);
        }
    drop(&s, &t);
}

/* ------------------------------------------------------------ determinism */

TEST(same_bytes_for_any_thread_count)
{
    pq_schema s;
    pq_table t;
    make_mixed(&s, &t, 30000, 42);
    pq_codec codecs[2] = {PQ_CODEC_SNAPPY, PQ_CODEC_ZSTD};
    for (int c = 0; c < 2; c++) {
        uint8_t *ref = NULL;
        size_t ref_len = 0;
        int threads[4] = {1, 2, 4, 0};
        for (int k = 0; k < 4; k++) {
            pq_writer_options o;
            pq_writer_options_init(&o);
            o.threads = threads[k];
            o.codec = codecs[c];
            o.row_group_size = 12000;
            o.page_size = 20000;
            size_t len;
            const pq_table *twice[2] = {&t, &t}; /* row groups still pending between the writes */
            uint8_t *d = write_tables(&s, twice, 2, &o, &len);
            if (k == 0) {
                ref = d;
                ref_len = len;
            } else {
                CHECK(d && ref && len == ref_len && memcmp(d, ref, len) == 0);
                free(d);
            }
        }
        wfile f;
        if (wfile_parse(&f, ref, &ref_len)) {
            CHECK_EQ_I64(f.m.n_row_groups, 5);
            int64_t want[5] = {12000, 12000, 12000, 12000, 12000};
            for (int g = 0; g < f.m.n_row_groups && g < 5; g++) CHECK_EQ_I64(f.m.row_groups[g].num_rows, want[g]);
        }
        wfile_free(&f);
    }
    drop(&s, &t);
}

/* ------------------------------------------------------------ round trips */

/* Field helpers for the all-types schema. */
static pq_field leaf(const char *name, pq_type t, bool nullable)
{
    pq_error err;
    pq_field f;
    CHECK_OK(pq_field_init(&f, name, t, nullable, NULL, &err), &err);
    return f;
}

static void add_moved(pq_schema *s, pq_field f)
{
    pq_error err;
    CHECK_OK(pq_schema_add(s, &f, &err), &err);
}

static pq_field list_of(const char *name, pq_field elem, bool nullable)
{
    pq_error err;
    pq_field l;
    CHECK_OK(pq_field_list(&l, name, nullable, &elem, NULL, &err), &err);
    return l;
}

/* Every logical type parquant writes, nullable and not, flat and nested. */
static void all_types_schema(pq_schema *s)
{
    pq_error err;
    pq_schema_init(s, NULL);
    pq_type i96 = pq_type_timestamp(PQ_UNIT_NANOS, false);
    i96.from_int96 = true;
    pq_type flat[] = {
        pq_type_make(PQ_KIND_BOOL), pq_type_int(8, true), pq_type_int(16, true), pq_type_int(32, true),
        pq_type_int(64, true), pq_type_int(8, false), pq_type_int(16, false), pq_type_int(32, false),
        pq_type_int(64, false), pq_type_make(PQ_KIND_FLOAT16), pq_type_make(PQ_KIND_FLOAT),
        pq_type_make(PQ_KIND_DOUBLE), pq_type_make(PQ_KIND_DATE), pq_type_time(PQ_UNIT_MILLIS, true),
        pq_type_time(PQ_UNIT_MICROS, false), pq_type_time(PQ_UNIT_NANOS, true),
        pq_type_timestamp(PQ_UNIT_MILLIS, true), pq_type_timestamp(PQ_UNIT_MICROS, false),
        pq_type_timestamp(PQ_UNIT_NANOS, true), i96, pq_type_decimal(5, 2), pq_type_decimal(15, 3),
        pq_type_decimal(30, 4), pq_type_make(PQ_KIND_STRING), pq_type_make(PQ_KIND_JSON),
        pq_type_make(PQ_KIND_BINARY), pq_type_fixed(5), pq_type_make(PQ_KIND_UUID), pq_type_make(PQ_KIND_NULL),
    };
    for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%02zu", i);
        add_moved(s, leaf(name, flat[i], true));
    }
    add_moved(s, leaf("req_i64", pq_type_int(64, true), false));
    add_moved(s, leaf("req_str", pq_type_make(PQ_KIND_STRING), false));
    add_moved(s, leaf("req_bool", pq_type_make(PQ_KIND_BOOL), false));
    add_moved(s, list_of("l_i32", leaf("item", pq_type_int(32, true), true), true));
    add_moved(s, list_of("l_str", leaf("element", pq_type_make(PQ_KIND_STRING), false), false));
    add_moved(s, list_of("l_l_i64", list_of("inner", leaf("element", pq_type_int(64, true), true), true), true));
    pq_field st = leaf("st", pq_type_make(PQ_KIND_STRUCT), true), a = leaf("a", pq_type_int(32, true), true),
             b = leaf("b", pq_type_make(PQ_KIND_STRING), false), in = leaf("in", pq_type_make(PQ_KIND_STRUCT), true),
             x = leaf("x", pq_type_make(PQ_KIND_DOUBLE), true);
    CHECK_OK(pq_field_add_child(&st, &a, NULL, &err), &err);
    CHECK_OK(pq_field_add_child(&st, &b, NULL, &err), &err);
    CHECK_OK(pq_field_add_child(&in, &x, NULL, &err), &err);
    CHECK_OK(pq_field_add_child(&st, &in, NULL, &err), &err);
    add_moved(s, st);
    pq_field m, k = leaf("key", pq_type_make(PQ_KIND_STRING), false), v = leaf("value", pq_type_int(64, true), true);
    CHECK_OK(pq_field_map(&m, "m", true, &k, &v, NULL, &err), &err);
    add_moved(s, m);
}

/* Append one random slot for field f.  `low` picks few distinct values so
 * that dictionaries are kept. */
static void append_random(pq_array *arr, const pq_field *f, uint64_t *seed, bool low, pq_error *err)
{
    uint64_t r = rng_next(seed);
    if (f->nullable && r % 7 == 0) {
        CHECK_OK(pq_array_append_null(arr, err), err);
        return;
    }
    uint64_t v = low ? (r >> 8) % 37 : rng_next(seed);
    const pq_type *t = &f->type;
    switch (t->kind) {
    case PQ_KIND_NULL: CHECK_OK(pq_array_append_null(arr, err), err); break;
    case PQ_KIND_BOOL: CHECK_OK(pq_array_append_bool(arr, (v >> 3) & 1, err), err); break;
    case PQ_KIND_INT: {
        int64_t x = (int64_t)v;
        if (t->bit_width < 64) {
            uint64_t mask = ((uint64_t)1 << t->bit_width) - 1;
            x = (int64_t)(v & mask);
            if (t->is_signed && (x >> (t->bit_width - 1))) x -= (int64_t)((uint64_t)1 << t->bit_width);
        }
        CHECK_OK(pq_array_append_i64(arr, x, err), err);
        break;
    }
    case PQ_KIND_FLOAT16: {
        uint16_t h = (uint16_t)(low ? 0x3c00 + v : v);
        CHECK_OK(pq_array_append_fixed(arr, &h, err), err);
        break;
    }
    case PQ_KIND_FLOAT:
    case PQ_KIND_DOUBLE: {
        double d = low ? (double)v * 0.5 : (double)(int64_t)v / 1e6;
        if (r % 29 == 1) d = NAN;
        if (r % 31 == 1) d = -0.0;
        CHECK_OK(pq_array_append_double(arr, d, err), err);
        break;
    }
    case PQ_KIND_DATE: CHECK_OK(pq_array_append_i64(arr, (int64_t)(v % 40000) - 20000, err), err); break;
    case PQ_KIND_TIME: {
        int64_t day = t->unit == PQ_UNIT_MILLIS   ? 86400000LL
                      : t->unit == PQ_UNIT_MICROS ? 86400000000LL
                                                  : 86400000000000LL;
        CHECK_OK(pq_array_append_i64(arr, (int64_t)(v % (uint64_t)day), err), err);
        break;
    }
    case PQ_KIND_TIMESTAMP:
        CHECK_OK(pq_array_append_i64(arr, (int64_t)(v % 4000000000000000000ULL) - 2000000000000000000LL, err), err);
        break;
    case PQ_KIND_DECIMAL: {
        uint64_t lim = t->precision <= 9 ? 99999ULL : t->precision <= 18 ? 999999999999999ULL : UINT64_MAX / 2;
        int64_t x = (int64_t)(v % lim) * ((r >> 40) & 1 ? -1 : 1);
        uint8_t b[16];
        memcpy(b, &x, 8);
        memset(b + 8, x < 0 ? 0xff : 0, 8);
        CHECK_OK(pq_array_append_fixed(arr, b, err), err);
        break;
    }
    case PQ_KIND_STRING:
    case PQ_KIND_JSON:
    case PQ_KIND_BINARY: {
        char buf[32];
        size_t n = (size_t)(v % 12);
        for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + (v >> (i * 4)) % 26);
        if (t->kind == PQ_KIND_JSON) n = (size_t)snprintf(buf, sizeof buf, "{\"k\":%u}", (unsigned)(v % 1000));
        if (t->kind == PQ_KIND_BINARY && n) buf[0] = (char)0xff;
        CHECK_OK(pq_array_append_bytes(arr, buf, n, err), err);
        break;
    }
    case PQ_KIND_FIXED:
    case PQ_KIND_UUID: {
        uint8_t b[16];
        uint64_t w2 = rng_next(seed);
        memcpy(b, &v, 8);
        memcpy(b + 8, &w2, 8);
        CHECK_OK(pq_array_append_bytes(arr, b, (size_t)t->byte_width, err), err);
        break;
    }
    case PQ_KIND_LIST: {
        int n = (int)(r % 4);
        for (int i = 0; i < n; i++) append_random(&arr->children[0], &f->children[0], seed, low, err);
        CHECK_OK(pq_array_append_valid(arr, err), err);
        break;
    }
    case PQ_KIND_MAP: {
        int n = (int)(r % 4);
        pq_array *kv = &arr->children[0];
        const pq_field *kvf = &f->children[0];
        for (int i = 0; i < n; i++) {
            append_random(&kv->children[0], &kvf->children[0], seed, low, err);
            append_random(&kv->children[1], &kvf->children[1], seed, low, err);
            CHECK_OK(pq_array_append_valid(kv, err), err);
        }
        CHECK_OK(pq_array_append_valid(arr, err), err);
        break;
    }
    case PQ_KIND_STRUCT:
        for (int64_t i = 0; i < f->n_children; i++)
            append_random(&arr->children[i], &f->children[i], seed, low, err);
        CHECK_OK(pq_array_append_valid(arr, err), err);
        break;
    default: CHECK(0);
    }
}

static void all_types_table(const pq_schema *s, pq_table *t, int64_t n, uint64_t seed)
{
    pq_error err;
    CHECK_OK(pq_table_init(t, s, &err), &err);
    for (int64_t r = 0; r < n; r++)
        for (int64_t c = 0; c < s->n_fields; c++) append_random(&t->columns[c], &s->fields[c], &seed, c % 2 == 0, &err);
    CHECK_OK(pq_table_finish(t, &err), &err);
}

/* Read every row group of `data` and compare each with `want`. */
static void check_reads_back(const uint8_t *data, size_t len, const pq_table *want, int64_t n_groups, const char *what)
{
    pq_error err;
    pq_reader *r;
    pq_status st = pq_reader_open_memory(&r, data, len, "mem", NULL, &err);
    CHECK_OK(st, &err);
    if (st) return;
    CHECK_EQ_I64(pq_reader_num_row_groups(r), n_groups);
    for (int64_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        pq_table out;
        st = pq_reader_read_row_group(r, g, &out, &err);
        CHECK_OK(st, &err);
        if (st == PQ_OK) {
            bool eq = pq_table_equal(want, &out);
            CHECK(eq);
            if (!eq) {
                for (int64_t c = 0; c < want->schema.n_fields && c < out.schema.n_fields; c++)
                    if (!pq_array_equal(&want->columns[c], &out.columns[c]))
                        fprintf(stderr, "  %s: row group %lld: column %s differs\n", what, (long long)g,
                                want->schema.fields[c].name);
            }
        }
        pq_table_reset(&out);
    }
    pq_reader_close(r);
}

/* All-null pages inside a dictionary-encoded chunk keep RLE_DICTIONARY
 * (zero indices) and read back, in v1 and v2. */
TEST(round_trip_dictionary_null_pages)
{
    for (int v = 1; v <= 2; v++) {
        pq_schema s;
        pq_table t;
        pq_error err;
        pq_schema_init(&s, NULL);
        add_field(&s, "c", pq_type_int(32, true), true);
        CHECK_OK(pq_table_init(&t, &s, &err), &err);
        for (int i = 0; i < 6000; i++) {
            if (i >= 1000 && i < 5000) CHECK_OK(pq_array_append_null(&t.columns[0], &err), &err);
            else CHECK_OK(pq_array_append_i64(&t.columns[0], i % 5, &err), &err);
        }
        CHECK_OK(pq_table_finish(&t, &err), &err);
        pq_writer_options o;
        pq_writer_options_init(&o);
        o.page_size = 400;
        o.page_version = v;
        size_t len;
        uint8_t *data = write_one(&s, &t, &o, &len);
        wfile f;
        static wpage pages[MAX_PAGES];
        if (data) check_reads_back(data, len, &t, 1, "dictionary null pages");
        if (wfile_parse(&f, data, &len)) {
            const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
            int n = walk_chunk(&f, cc, pages);
            int null_pages = 0;
            CHECK(n > 3 && pages[0].h.type == PQ_PAGE_DICTIONARY);
            for (int i = 1; i < n; i++) {
                CHECK_EQ_I64(data_page_encoding(&pages[i]), PQ_ENC_RLE_DICTIONARY);
                const pq_statistics *ps = page_stats(&pages[i]);
                int32_t nv = v == 1 ? pages[i].h.data_page.num_values : pages[i].h.data_page_v2.num_values;
                if (ps && ps->null_count == nv) null_pages++;
            }
            CHECK(null_pages >= 2);
            check_page_index(&f, cc, 1); /* every non-null page spans 0..4 */
        }
        wfile_free(&f);
        drop(&s, &t);
    }
}

/* Every type x value encoding x codec x page version: written twice (two
 * row groups), read back equal, value by value. */
TEST(round_trip_all_types)
{
    pq_schema s;
    pq_table t;
    all_types_schema(&s);
    all_types_table(&s, &t, 600, 1234);
    struct {
        const char *name;
        bool dict;
        pq_encoding enc;
        int64_t dict_limit;
    } modes[] = {
        {"dict+plain", true, PQ_ENC_DEFAULT, 1 << 20},
        {"dict-fallback", true, PQ_ENC_DEFAULT, 64},
        {"plain", false, PQ_ENC_PLAIN, 0},
        {"delta_bp", false, PQ_ENC_DELTA_BINARY_PACKED, 0},
        {"delta_lba", false, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, 0},
        {"delta_ba", true, PQ_ENC_DELTA_BYTE_ARRAY, 100},
        {"bss", false, PQ_ENC_BYTE_STREAM_SPLIT, 0},
        {"rle", false, PQ_ENC_RLE, 0},
    };
    pq_codec codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP, PQ_CODEC_BROTLI, PQ_CODEC_ZSTD,
                         PQ_CODEC_LZ4_RAW};
    const pq_table *twice[2] = {&t, &t};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        for (size_t c = 0; c < sizeof codecs / sizeof codecs[0]; c++)
            for (int v = 1; v <= 2; v++) {
                pq_writer_options o;
                pq_writer_options_init(&o);
                o.dictionary = modes[m].dict;
                o.encoding = modes[m].enc;
                o.dictionary_size_limit = modes[m].dict_limit;
                o.codec = codecs[c];
                o.page_version = v;
                o.page_size = codecs[c] == PQ_CODEC_BROTLI ? 4000 : 700; /* brotli is slow on tiny pages */
                o.row_group_size = 600; /* each write is one row group */
                o.threads = 2;
                size_t len;
                uint8_t *data = write_tables(&s, twice, 2, &o, &len);
                char what[96];
                snprintf(what, sizeof what, "%s codec %d v%d", modes[m].name, (int)codecs[c], v);
                if (data) check_reads_back(data, len, &t, 2, what);
                /* the requested encoding was used by some chunk */
                wfile f;
                bool owned = modes[m].enc != PQ_ENC_DEFAULT && data; /* f owns data */
                bool parsed = owned && wfile_parse(&f, data, &len);
                if (owned) data = NULL;
                if (parsed) {
                    int used = 0;
                    for (int g = 0; g < f.m.n_row_groups; g++)
                        for (int k = 0; k < f.m.row_groups[g].n_columns; k++) {
                            const pq_column_meta *cm = &f.m.row_groups[g].columns[k].meta_data;
                            for (int e = 0; e < cm->n_encodings; e++) used += cm->encodings[e] == modes[m].enc;
                        }
                    CHECK(used > 0);
                }
                if (owned) wfile_free(&f);
                free(data);
            }
    drop(&s, &t);
}

/* Bigger chunks through the default path: dictionary kept, abandoned and
 * fallen back from, pages cut inside write batches and across them. */
TEST(round_trip_mixed_batches)
{
    pq_schema s;
    pq_table t;
    make_mixed(&s, &t, 40000, 77);
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.page_size = 4096;
    o.dictionary_size_limit = 2000;
    o.row_group_size = 1 << 20;
    pq_table parts[3];
    slice_mixed(&t, 0, 12345, &parts[0]);
    slice_mixed(&t, 12345, 12346, &parts[1]);
    slice_mixed(&t, 12346, 40000, &parts[2]);
    const pq_table *ptrs[3] = {&parts[0], &parts[1], &parts[2]};
    size_t len;
    uint8_t *data = write_tables(&s, ptrs, 3, &o, &len);
    if (data) check_reads_back(data, len, &t, 1, "mixed");
    free(data);
    for (int i = 0; i < 3; i++) pq_table_reset(&parts[i]);
    drop(&s, &t);
}

/* ------------------------------------------------------------ errors */

TEST(table_must_match_schema)
{
    pq_schema s;
    pq_table t;
    make_ids(&s, &t, 10, false);
    struct {
        const char *name;
        pq_type type;
        bool nullable;
        const char *needle;
    } cases[] = {
        {"id", pq_type_int(32, true), false, "field 'id'"},
        {"id", pq_type_int(64, false), false, "field 'id'"},
        {"id", pq_type_int(64, true), true, "nullable"},
        {"other", pq_type_int(64, true), false, "'other'"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pq_schema s2;
        pq_table t2;
        pq_error err;
        pq_schema_init(&s2, NULL);
        add_field(&s2, cases[k].name, cases[k].type, cases[k].nullable);
        CHECK_OK(pq_table_init(&t2, &s2, &err), &err);
        CHECK_OK(pq_table_finish(&t2, &err), &err);
        pq_writer *w;
        CHECK_OK(pq_writer_open_memory(&w, &s, NULL, &err), &err);
        pq_error_clear(&err);
        CHECK_STATUS(pq_writer_write(w, &t2, &err), PQ_ERR_INVALID_ARG);
        CHECK(strstr(err.message, cases[k].needle) != NULL);
        /* the writer is poisoned */
        CHECK_STATUS(pq_writer_write(w, &t, &err), PQ_ERR_STATE);
        CHECK_STATUS(pq_writer_flush(w, &err), PQ_ERR_STATE);
        uint8_t *data = (uint8_t *)1;
        size_t len = 1;
        CHECK_STATUS(pq_writer_close_memory(w, &data, &len, &err), PQ_ERR_STATE);
        CHECK(data == NULL && len == 0);
        drop(&s2, &t2);
    }
    /* a different number of fields */
    pq_schema s3;
    pq_table t3;
    make_mixed(&s3, &t3, 3, 1);
    pq_writer *w;
    pq_error err;
    CHECK_OK(pq_writer_open_memory(&w, &s, NULL, &err), &err);
    CHECK_STATUS(pq_writer_write(w, &t3, &err), PQ_ERR_INVALID_ARG);
    pq_writer_abort(w);
    drop(&s3, &t3);
    drop(&s, &t);
}

TEST(null_in_non_nullable_field)
{
    pq_error err;
    /* top level: the table's schema says nullable=false but its array has a null */
    {
        pq_schema s;
        pq_table t;
        make_ids(&s, &t, 5, false);
        pq_array *a = &t.columns[0];
        CHECK_OK(pq_array_append_null(a, &err), &err); /* row 5 */
        CHECK_OK(pq_array_append_i64(a, 9, &err), &err);
        CHECK_OK(pq_table_finish(&t, &err), &err);
        pq_writer *w;
        CHECK_OK(pq_writer_open_memory(&w, &s, NULL, &err), &err);
        CHECK_STATUS(pq_writer_write(w, &t, &err), PQ_ERR_INVALID_ARG);
        CHECK(strstr(err.message, "'id'") && strstr(err.message, "row 5"));
        pq_writer_abort(w);
        drop(&s, &t);
    }
    /* struct s (nullable) { x: int32 not null }: a null x under a null s is
     * fine, under a valid s it is not */
    for (int bad = 0; bad < 2; bad++) {
        pq_schema s;
        pq_table t;
        pq_field st, x;
        pq_schema_init(&s, NULL);
        CHECK_OK(pq_field_init(&st, "s", pq_type_make(PQ_KIND_STRUCT), true, NULL, &err), &err);
        CHECK_OK(pq_field_init(&x, "x", pq_type_int(32, true), false, NULL, &err), &err);
        CHECK_OK(pq_field_add_child(&st, &x, NULL, &err), &err);
        CHECK_OK(pq_schema_add(&s, &st, &err), &err);
        CHECK_OK(pq_table_init(&t, &s, &err), &err);
        pq_array *sa = &t.columns[0], *xa = &t.columns[0].children[0];
        for (int i = 0; i < 4; i++) {
            if (i == 2 && bad) {
                CHECK_OK(pq_array_append_null(xa, &err), &err);
                CHECK_OK(pq_array_append_valid(sa, &err), &err);
            } else if (i == 2) {
                CHECK_OK(pq_array_append_null(sa, &err), &err); /* appends a null x too */
            } else {
                CHECK_OK(pq_array_append_i64(xa, i, &err), &err);
                CHECK_OK(pq_array_append_valid(sa, &err), &err);
            }
        }
        CHECK_OK(pq_table_finish(&t, &err), &err);
        size_t len;
        if (!bad) {
            wfile f;
            if (wfile_parse(&f, write_one(&s, &t, NULL, &len), &len))
                CHECK_EQ_I64(f.m.row_groups[0].columns[0].meta_data.statistics.null_count, 1);
            wfile_free(&f);
        } else {
            pq_writer *w;
            CHECK_OK(pq_writer_open_memory(&w, &s, NULL, &err), &err);
            CHECK_STATUS(pq_writer_write(w, &t, &err), PQ_ERR_INVALID_ARG);
            CHECK(strstr(err.message, "'x'") && strstr(err.message, "row 2"));
            pq_writer_abort(w);
        }
        drop(&s, &t);
    }
    /* list<int32 not null>: a null element inside row 3's list */
    {
        pq_schema s;
        pq_table t;
        pq_schema_init(&s, NULL);
        add_list(&s, "l", pq_type_int(32, true), true, false);
        CHECK_OK(pq_table_init(&t, &s, &err), &err);
        pq_array *l = &t.columns[0], *e = &l->children[0];
        for (int i = 0; i < 5; i++) {
            CHECK_OK(pq_array_append_i64(e, i, &err), &err);
            if (i == 3) CHECK_OK(pq_array_append_null(e, &err), &err);
            if (i == 1) CHECK_OK(pq_array_append_null(l, &err), &err);
            else CHECK_OK(pq_array_append_valid(l, &err), &err);
        }
        CHECK_OK(pq_table_finish(&t, &err), &err);
        pq_writer *w;
        CHECK_OK(pq_writer_open_memory(&w, &s, NULL, &err), &err);
        CHECK_STATUS(pq_writer_write(w, &t, &err), PQ_ERR_INVALID_ARG);
        CHECK(strstr(err.message, "'l'") && strstr(err.message, "row 3") && strstr(err.message, "'element'"));
        pq_writer_abort(w);
        drop(&s, &t);
    }
}

TEST(option_errors)
{
    pq_schema s;
    pq_table t;
    make_ids(&s, &t, 1, false);
    pq_writer_options o;
    pq_writer *w = (pq_writer *)1;
    pq_error err;
#define BAD_OPTION(stmt, code)                                                   \
    do {                                                                         \
        pq_writer_options_init(&o);                                              \
        stmt;                                                                    \
        w = (pq_writer *)1;                                                      \
        CHECK_STATUS(pq_writer_open_memory(&w, &s, &o, &err), code);             \
    } while (0)
    BAD_OPTION(o.page_version = 3, PQ_ERR_INVALID_ARG);
    BAD_OPTION(o.page_size = 0, PQ_ERR_INVALID_ARG);
    BAD_OPTION(o.page_size = (int64_t)1 << 31, PQ_ERR_INVALID_ARG);
    BAD_OPTION(o.row_group_size = 0, PQ_ERR_INVALID_ARG);
    BAD_OPTION(o.dictionary_size_limit = -1, PQ_ERR_INVALID_ARG);
    BAD_OPTION(o.codec = PQ_CODEC_LZ4, PQ_ERR_UNSUPPORTED);
    BAD_OPTION(o.codec = PQ_CODEC_LZO, PQ_ERR_UNSUPPORTED);
    BAD_OPTION(o.codec = (pq_codec)42, PQ_ERR_INVALID_ARG);
    /* levels are checked at open, not when the first page is compressed */
    BAD_OPTION((o.codec = PQ_CODEC_GZIP, o.compression_level = 13), PQ_ERR_INVALID_ARG);
    BAD_OPTION((o.codec = PQ_CODEC_ZSTD, o.compression_level = 23), PQ_ERR_INVALID_ARG);
    BAD_OPTION((o.codec = PQ_CODEC_SNAPPY, o.compression_level = 5), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "no compression levels") != NULL);
    BAD_OPTION(o.encoding = PQ_ENC_RLE_DICTIONARY, PQ_ERR_INVALID_ARG);
    BAD_OPTION(o.threads = -1, PQ_ERR_INVALID_ARG);
    pq_column_options nomatch[] = {{"nope", PQ_ENC_DEFAULT, -1, NULL, 0}};
    BAD_OPTION((o.columns = nomatch, o.n_columns = 1), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "nope") != NULL);
    pq_column_options badenc[] = {{"id", PQ_ENC_PLAIN_DICTIONARY, -1, NULL, 0}};
    BAD_OPTION((o.columns = badenc, o.n_columns = 1), PQ_ERR_INVALID_ARG);
    pq_column_options prefix[] = {{"i", PQ_ENC_DEFAULT, -1, NULL, 0}}; /* not a path component */
    BAD_OPTION((o.columns = prefix, o.n_columns = 1), PQ_ERR_INVALID_ARG);
#undef BAD_OPTION
    /* a schema with no columns */
    pq_schema empty;
    pq_schema_init(&empty, NULL);
    CHECK_STATUS(pq_writer_open_memory(&w, &empty, NULL, &err), PQ_ERR_INVALID_ARG);
    pq_schema_reset(&empty);
    /* close of the wrong kind */
    CHECK_OK(pq_writer_open_memory(&w, &s, NULL, &err), &err);
    CHECK_STATUS(pq_writer_close(w, &err), PQ_ERR_STATE);
    pq_writer_abort(NULL);
    drop(&s, &t);
}

/* ------------------------------------------------------------ file mode */

static int folder_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    if (d) closedir(d);
    return n;
}

TEST(file_mode_temp_then_rename)
{
    char dir[64], path[128];
    snprintf(dir, sizeof dir, "/tmp/pq_writer_test_XXXXXX");
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof path, "%s/out.parquet", dir);
    pq_schema s;
    pq_table t;
    make_mixed(&s, &t, 2000, 8);
    pq_error err;
    pq_writer *w;
    CHECK_OK(pq_writer_open(&w, path, &s, NULL, &err), &err);
    CHECK_OK(pq_writer_write(w, &t, &err), &err);
    CHECK(access(path, F_OK) != 0);
    CHECK_EQ_I64(folder_entries(dir), 1);
    CHECK_OK(pq_writer_close(w, &err), &err);
    CHECK_EQ_I64(folder_entries(dir), 1);
    size_t flen = 0, mlen = 0;
    unsigned char *fdata = harness_read_file(path, &flen);
    uint8_t *mdata = write_one(&s, &t, NULL, &mlen);
    CHECK(fdata && mdata && flen == mlen && memcmp(fdata, mdata, flen) == 0);
    free(fdata);
    free(mdata);
    unlink(path);
    /* abort: nothing left */
    CHECK_OK(pq_writer_open(&w, path, &s, NULL, &err), &err);
    CHECK_OK(pq_writer_write(w, &t, &err), &err);
    pq_writer_abort(w);
    CHECK_EQ_I64(folder_entries(dir), 0);
    /* a failed write: close fails and removes the temporary file */
    pq_schema s2;
    pq_table t2;
    make_ids(&s2, &t2, 3, false);
    CHECK_OK(pq_writer_open(&w, path, &s, NULL, &err), &err);
    CHECK_OK(pq_writer_write(w, &t, &err), &err);
    CHECK_STATUS(pq_writer_write(w, &t2, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_writer_close(w, &err), PQ_ERR_STATE);
    CHECK_EQ_I64(folder_entries(dir), 0);
    /* close_memory on a file writer is refused and cleans up */
    CHECK_OK(pq_writer_open(&w, path, &s, NULL, &err), &err);
    uint8_t *d;
    size_t dl;
    CHECK_STATUS(pq_writer_close_memory(w, &d, &dl, &err), PQ_ERR_STATE);
    CHECK_EQ_I64(folder_entries(dir), 0);
    /* an unwritable destination fails at open, naming the path */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.parquet", dir);
    pq_error_clear(&err);
    CHECK_STATUS(pq_writer_open(&w, bad, &s, NULL, &err), PQ_ERR_IO);
    CHECK_EQ_STR(err.path, bad);
    drop(&s2, &t2);
    drop(&s, &t);
    rmdir(dir);
}

/* ------------------------------------------------------------ faults */

/* Out of memory at every allocation of open + write + close: NOMEM (never
 * a crash or another code) and nothing leaked. */
TEST(allocation_failures)
{
    pq_schema s;
    pq_table t;
    make_mixed(&s, &t, 600, 4);
    long n;
    for (n = 1; n < 100000; n++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, n);
        pq_writer_options o;
        pq_writer_options_init(&o);
        o.alloc = &a;
        o.threads = 1; /* the fault counter is not thread-safe */
        o.row_group_size = 400;
        o.page_size = 1000;
        pq_error err;
        pq_writer *w;
        pq_status st = pq_writer_open_memory(&w, &s, &o, &err);
        if (st == PQ_OK) {
            st = pq_writer_write(w, &t, &err);
            uint8_t *data;
            size_t len;
            pq_status c = pq_writer_close_memory(w, &data, &len, &err);
            if (st == PQ_OK) st = c;
            if (c == PQ_OK) pq_free(&a, data);
        }
        if (st != PQ_OK && st != PQ_ERR_NOMEM) {
            CHECK_STATUS(st, PQ_ERR_NOMEM);
            fprintf(stderr, "  at allocation %ld: %s\n", n, err.message);
        }
        CHECK_EQ_I64(f.live, 0);
        if (!f.failed) {
            CHECK_OK(st, &err);
            break;
        }
    }
    CHECK(n > 50 && n < 100000);
    drop(&s, &t);
}

int main(void)
{
    RUN(footer_basics);
    RUN(empty_file);
    RUN(row_groups_split_and_batching);
    RUN(flush_ends_row_groups);
    RUN(pages_cut_at_page_size);
    RUN(nested_pages_start_at_rows);
    RUN(v2_page_headers);
    RUN(dictionary_low_cardinality);
    RUN(dictionary_high_cardinality);
    RUN(dictionary_mid_cardinality);
    RUN(dictionary_first_page_ratio);
    RUN(dictionary_judged_compressed);
    RUN(dictionary_fallback_at_limit);
    RUN(statistics_by_sort_order);
    RUN(statistics_without_bounds);
    RUN(page_index_matches_pages);
    RUN(requested_encodings_and_column_options);
    RUN(every_codec_decompresses);
    RUN(same_bytes_for_any_thread_count);
    RUN(round_trip_all_types);
    RUN(round_trip_dictionary_null_pages);
    RUN(round_trip_mixed_batches);
    RUN(table_must_match_schema);
    RUN(null_in_non_nullable_field);
    RUN(option_errors);
    RUN(file_mode_temp_then_rename);
    RUN(allocation_failures);
    return harness_done();
}
