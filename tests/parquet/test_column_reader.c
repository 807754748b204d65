/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_column_reader.c - page-level behaviour of the column
 * chunk reader (parquet/column_reader.c), through files built here page by
 * page: "PAR1", pages whose headers and bodies are encoded with the
 * metadata, encoding and codec units, a footer from pq_meta_encode_file.
 * Every case names one rule of the page layout and checks the exact status,
 * message and error location (row group, column, page, file offset, column
 * path) or the values read back:
 *  - PLAIN v1 pages around a skipped INDEX_PAGE; a chunk of 0 values;
 *  - dictionary pages: found through dictionary_page_offset, through
 *    data_page_offset when the former is 0, placed after data (refused),
 *    twice (refused), missing, too short, indices past it;
 *  - level counts: pages with more values than ColumnMetaData.num_values,
 *    chunks ending early, num_values != num_rows, short PLAIN values;
 *  - CRCs right and wrong, verified or not;
 *  - OPTIONAL columns: RLE and legacy BIT_PACKED v1 levels, bad level
 *    encodings and lengths, v2 num_nulls / level lengths, an all-null v2
 *    page whose empty values section must not reach the codec;
 *  - compressed pages (zstd, straight into the output and through the
 *    scratch buffer), limits.max_page_bytes, wrong uncompressed sizes,
 *    total_compressed_size too large / too small / PARQUET-816 allowance,
 *    bad data_page_offset, file_path, physical type mismatches;
 *  - in-place inflation of compressed OPTIONAL PLAIN v1 pages: level
 *    sections of changing length, trailing value bytes, all-null pages,
 *    equal to the same pages stored uncompressed;
 *  - threads: 8 columns (flat, and as one struct) read with 1 and 4
 *    threads give equal tables; damage in any column is located.
 */
#include "parquant/parquet.h"

#include <stdio.h>

#include "harness.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/metadata.h"

static pq_reader_options opts_threads(int threads, bool crc)
{
    pq_reader_options o;
    pq_reader_options_init(&o);
    o.threads = threads;
    o.verify_crc = crc;
    return o;
}

static int32_t i32_at(const pq_array *a, int64_t i)
{
    int32_t v;
    memcpy(&v, a->values + i * 4, 4);
    return v;
}

/* ============================================ hand-built single-column files */

/* A one-column file built page by page: "PAR1", pages, footer.  The column
 * is "x" of type INT32, REQUIRED or OPTIONAL. */
typedef struct synth {
    pq_buf file;
    bool optional;
    pq_codec codec;
    int64_t first_page;      /* offset of the first page */
    int64_t dict_page;       /* offset of the dictionary page, -1 none */
    int64_t data_page;       /* offset of the first data page, -1 none */
} synth;

static void synth_init(synth *s, bool optional, pq_codec codec)
{
    memset(s, 0, sizeof *s);
    pq_buf_init(&s->file, NULL);
    CHECK_OK(pq_buf_append(&s->file, "PAR1", 4, NULL), NULL);
    s->optional = optional;
    s->codec = codec;
    s->first_page = 4;
    s->dict_page = s->data_page = -1;
}

/* Append a page: header h (sizes filled here) and `body` (stored as given,
 * already compressed if the codec asks).  crc: 0 none, 1 right, 2 wrong. */
static void synth_page(synth *s, pq_page_header h, const pq_buf *body, int64_t uncompressed, int crc)
{
    h.compressed_page_size = (int32_t)body->len;
    h.uncompressed_page_size = (int32_t)(uncompressed >= 0 ? uncompressed : (int64_t)body->len);
    h.has_crc = crc != 0;
    h.crc = pq_crc32(0, body->data, body->len) ^ (crc == 2 ? 1u : 0u);
    if (h.type == PQ_PAGE_DICTIONARY && s->dict_page < 0) s->dict_page = (int64_t)s->file.len;
    if ((h.type == PQ_PAGE_DATA || h.type == PQ_PAGE_DATA_V2) && s->data_page < 0) s->data_page = (int64_t)s->file.len;
    CHECK_OK(pq_meta_encode_page_header(&h, &s->file, NULL), NULL);
    CHECK_OK(pq_buf_append(&s->file, body->data, body->len, NULL), NULL);
}

/* Footer knobs; zero = derive from the pages. */
typedef struct synth_meta {
    int64_t num_values, num_rows;
    bool dict_offset_zero;       /* write dictionary_page_offset = 0 */
    int64_t total_size_extra;    /* added to total_compressed_size */
    int64_t data_page_offset;    /* override when != 0 */
    const char *file_path;       /* ColumnChunk.file_path */
    pq_physical chunk_type;      /* ColumnMetaData.type (default INT32) */
    int ncols;                   /* columns x0..x{n-1}, copies of the pages (0 = one, "x") */
    int damage_col;              /* with ncols: flip the last data byte of this column's copy (-1 none) */
    const char *created_by;      /* FileMetaData.created_by */
    bool in_struct;              /* with ncols: the columns are the fields of one REQUIRED struct "s" */
} synth_meta;

#define SYNTH_MAX_COLS 16

static void synth_finish(synth *s, const synth_meta *sm)
{
    int ncols = sm->ncols > 0 ? sm->ncols : 1;
    pq_schema_element els[SYNTH_MAX_COLS + 2];
    pq_column_chunk cc[SYNTH_MAX_COLS];
    char names[SYNTH_MAX_COLS][16];
    const char *paths[SYNTH_MAX_COLS][2];
    int nest = sm->in_struct ? 1 : 0;
    pq_encoding encs[] = {PQ_ENC_PLAIN, PQ_ENC_RLE};
    memset(els, 0, sizeof els);
    memset(cc, 0, sizeof cc);
    els[0].name = "schema";
    els[0].has_num_children = true;
    els[0].num_children = nest ? 1 : ncols;
    els[0].converted_type = PQ_CT_NONE;
    if (nest) {
        els[1].name = "s";
        els[1].has_num_children = true;
        els[1].num_children = ncols;
        els[1].has_repetition = true;
        els[1].repetition = PQ_REP_REQUIRED;
        els[1].converted_type = PQ_CT_NONE;
    }
    /* Replicate column 0's pages: page headers hold no absolute offsets. */
    int64_t span = (int64_t)s->file.len - s->first_page;
    for (int c = 1; c < ncols; c++) {
        CHECK_OK(pq_buf_reserve(&s->file, (size_t)span, NULL), NULL);
        memcpy(s->file.data + s->file.len, s->file.data + s->first_page, (size_t)span);
        s->file.len += (size_t)span;
        if (c == sm->damage_col) s->file.data[s->file.len - 1] ^= 0x40;
    }
    if (sm->ncols > 0 && sm->damage_col == 0) s->file.data[s->first_page + span - 1] ^= 0x40;
    for (int c = 0; c < ncols; c++) {
        int64_t shift = (int64_t)c * span;
        if (sm->ncols > 0) snprintf(names[c], sizeof names[c], "x%d", c);
        else snprintf(names[c], sizeof names[c], "x");
        paths[c][0] = "s";
        paths[c][nest] = names[c];
        pq_schema_element *el = &els[c + 1 + nest];
        el->name = names[c];
        el->has_type = true;
        el->type = PQ_PHYS_INT32;
        el->has_repetition = true;
        el->repetition = s->optional ? PQ_REP_OPTIONAL : PQ_REP_REQUIRED;
        el->converted_type = PQ_CT_NONE;
        cc[c].file_path = sm->file_path;
        cc[c].file_offset = s->first_page + shift;
        cc[c].has_meta_data = true;
        pq_column_meta *m = &cc[c].meta_data;
        m->type = sm->chunk_type ? sm->chunk_type : PQ_PHYS_INT32;
        m->encodings = encs;
        m->n_encodings = 2;
        m->path_in_schema = paths[c];
        m->n_path = 1 + nest;
        m->codec = s->codec;
        m->num_values = sm->num_values;
        m->total_compressed_size = span + sm->total_size_extra;
        m->total_uncompressed_size = m->total_compressed_size;
        m->data_page_offset = sm->data_page_offset ? sm->data_page_offset
                              : s->data_page >= 0  ? s->data_page + shift
                                                   : s->first_page + shift;
        if (sm->dict_offset_zero) {
            m->has_dictionary_page_offset = true;
            m->dictionary_page_offset = 0;
            m->data_page_offset = s->first_page + shift; /* the dictionary page is found by its type */
        } else if (s->dict_page >= 0) {
            m->has_dictionary_page_offset = true;
            m->dictionary_page_offset = s->dict_page + shift;
        }
    }
    pq_row_group_meta rg;
    memset(&rg, 0, sizeof rg);
    rg.columns = cc;
    rg.n_columns = ncols;
    rg.num_rows = sm->num_rows;
    rg.total_byte_size = span * ncols;
    pq_file_metadata fm;
    memset(&fm, 0, sizeof fm);
    fm.version = 1;
    fm.schema = els;
    fm.n_schema = ncols + 1 + nest;
    fm.num_rows = sm->num_rows;
    fm.row_groups = &rg;
    fm.n_row_groups = 1;
    fm.created_by = sm->created_by;
    size_t start = s->file.len;
    CHECK_OK(pq_meta_encode_file(&fm, &s->file, NULL), NULL);
    uint8_t tail[8];
    pq_store_u32le(tail, (uint32_t)(s->file.len - start));
    memcpy(tail + 4, "PAR1", 4);
    CHECK_OK(pq_buf_append(&s->file, tail, 8, NULL), NULL);
}

/* Read the synthesized file; on success copy up to `cap` values of x into
 * vals (INT32_MIN for nulls) and return the row count in *rows. */
static pq_status synth_read(synth *s, const pq_reader_options *o, int32_t *vals, int64_t cap, int64_t *rows,
                            pq_error *err)
{
    pq_reader *r;
    pq_error_clear(err);
    PQ_TRY(pq_reader_open_memory(&r, s->file.data, s->file.len, "synth", o, err));
    pq_table t;
    pq_status st = pq_reader_read_row_group(r, 0, &t, err);
    if (st == PQ_OK) {
        *rows = t.num_rows;
        for (int64_t i = 0; i < t.num_rows && i < cap; i++)
            vals[i] = pq_array_is_valid(&t.columns[0], i) ? i32_at(&t.columns[0], i) : INT32_MIN;
    }
    pq_table_reset(&t);
    pq_reader_close(r);
    return st;
}

static pq_buf plain_i32(const int32_t *v, int n)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_OK(pq_buf_resize(&b, (size_t)n * 4, NULL), NULL);
    for (int i = 0; i < n && b.data; i++) pq_store_u32le(b.data + (size_t)i * 4, (uint32_t)v[i]);
    return b;
}

/* v1 definition levels (u32 length + RLE, width 1) followed by `values`. */
static pq_buf with_def_levels(const uint16_t *def, int n, const pq_buf *values)
{
    pq_buf rle, b;
    pq_buf_init(&rle, NULL);
    pq_buf_init(&b, NULL);
    CHECK_OK(pq_rle_encode_u16(def, n, 1, &rle, NULL), NULL);
    uint8_t le[4];
    pq_store_u32le(le, (uint32_t)rle.len);
    CHECK_OK(pq_buf_append(&b, le, 4, NULL), NULL);
    CHECK_OK(pq_buf_append(&b, rle.data, rle.len, NULL), NULL);
    CHECK_OK(pq_buf_append(&b, values->data, values->len, NULL), NULL);
    pq_buf_reset(&rle);
    return b;
}

static pq_page_header v1_header(int32_t n, pq_encoding enc)
{
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DATA;
    h.has_data_page = true;
    h.data_page.num_values = n;
    h.data_page.encoding = enc;
    h.data_page.definition_level_encoding = PQ_ENC_RLE;
    h.data_page.repetition_level_encoding = PQ_ENC_RLE;
    return h;
}

static pq_page_header dict_header(int32_t n)
{
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DICTIONARY;
    h.has_dictionary_page = true;
    h.dictionary_page.num_values = n;
    h.dictionary_page.encoding = PQ_ENC_PLAIN;
    return h;
}

static pq_buf dict_indices(const uint32_t *idx, int n, uint32_t dict_size)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_OK(pq_dict_indices_encode(idx, n, dict_size, &b, NULL), NULL);
    return b;
}

static void synth_reset(synth *s) { pq_buf_reset(&s->file); }

/* Two PLAIN pages around an INDEX_PAGE; CRCs right. */
TEST(synth_plain_pages)
{
    synth s;
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    int32_t a[] = {10, 20, 30}, b[] = {40, 50};
    pq_buf pa = plain_i32(a, 3), pb = plain_i32(b, 2), empty;
    pq_buf_init(&empty, NULL);
    synth_page(&s, v1_header(3, PQ_ENC_PLAIN), &pa, -1, 1);
    pq_page_header ih;
    memset(&ih, 0, sizeof ih);
    ih.type = PQ_PAGE_INDEX;
    synth_page(&s, ih, &pa, -1, 0); /* skipped by size, whatever it holds */
    synth_page(&s, v1_header(2, PQ_ENC_PLAIN), &pb, -1, 1);
    synth_meta sm = {.num_values = 5, .num_rows = 5};
    synth_finish(&s, &sm);
    int32_t v[8];
    int64_t rows = 0;
    pq_error err;
    pq_reader_options o = opts_threads(1, true);
    CHECK_OK(synth_read(&s, &o, v, 8, &rows, &err), &err);
    CHECK_EQ_I64(rows, 5);
    for (int i = 0; i < 5 && rows == 5; i++) CHECK_EQ_I64(v[i], 10 * (i + 1));
    synth_reset(&s);

    /* Zero rows: a chunk with num_values 0 is not even looked at. */
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_meta sm0 = {.num_values = 0, .num_rows = 0, .data_page_offset = 4};
    synth_finish(&s, &sm0);
    rows = -1;
    CHECK_OK(synth_read(&s, &o, v, 8, &rows, &err), &err);
    CHECK_EQ_I64(rows, 0);
    synth_reset(&s);
    pq_buf_reset(&pa);
    pq_buf_reset(&pb);
}

/* Dictionary + RLE_DICTIONARY pages, with the dictionary offset written,
 * written as 0, and the dictionary placed wrongly. */
TEST(synth_dictionary)
{
    int32_t d[] = {100, 200, 300};
    uint32_t idx[] = {2, 0, 1, 1};
    pq_buf pd = plain_i32(d, 3), pi = dict_indices(idx, 4, 3);
    pq_reader_options o = opts_threads(1, true);
    int32_t v[8];
    int64_t rows = 0;
    pq_error err;
    static const int32_t want[] = {300, 100, 200, 200};
    for (int zero = 0; zero < 2; zero++) {
        synth s;
        synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
        synth_page(&s, dict_header(3), &pd, -1, 1);
        synth_page(&s, v1_header(4, PQ_ENC_RLE_DICTIONARY), &pi, -1, 1);
        synth_meta sm = {.num_values = 4, .num_rows = 4, .dict_offset_zero = zero == 1};
        synth_finish(&s, &sm);
        CHECK_OK(synth_read(&s, &o, v, 8, &rows, &err), &err);
        CHECK_EQ_I64(rows, 4);
        for (int i = 0; i < 4 && rows == 4; i++) CHECK_EQ_I64(v[i], want[i]);
        synth_reset(&s);
    }
    /* Dictionary after a data page. */
    synth s;
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    int32_t p1[] = {1};
    pq_buf pp = plain_i32(p1, 1);
    synth_page(&s, v1_header(1, PQ_ENC_PLAIN), &pp, -1, 0);
    int64_t second = (int64_t)s.file.len;
    synth_page(&s, dict_header(3), &pd, -1, 0);
    synth_page(&s, v1_header(4, PQ_ENC_RLE_DICTIONARY), &pi, -1, 0);
    synth_meta sm = {.num_values = 5, .num_rows = 5, .data_page_offset = 4};
    s.dict_page = -1;
    synth_finish(&s, &sm);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "dictionary page before the data pages") != NULL);
    CHECK_EQ_I64(err.where.page, 1);
    CHECK_EQ_I64(err.where.offset, second);
    CHECK_EQ_I64(err.where.row_group, 0);
    CHECK_EQ_I64(err.where.column, 0);
    CHECK_EQ_STR(err.column_path, "x");
    CHECK_EQ_STR(err.path, "synth");
    synth_reset(&s);
    /* Two dictionary pages. */
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, dict_header(3), &pd, -1, 0);
    synth_page(&s, dict_header(3), &pd, -1, 0);
    synth_page(&s, v1_header(4, PQ_ENC_RLE_DICTIONARY), &pi, -1, 0);
    synth_meta sm2 = {.num_values = 4, .num_rows = 4};
    synth_finish(&s, &sm2);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "at most one dictionary page") != NULL);
    synth_reset(&s);
    /* Dictionary-encoded page without a dictionary. */
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(4, PQ_ENC_RLE_DICTIONARY), &pi, -1, 0);
    synth_finish(&s, &sm2);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    synth_reset(&s);
    /* An index past the dictionary. */
    uint32_t bad_idx[] = {0, 1, 3, 2};
    pq_buf pbad = dict_indices(bad_idx, 4, 4);
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, dict_header(3), &pd, -1, 0);
    synth_page(&s, v1_header(4, PQ_ENC_RLE_DICTIONARY), &pbad, -1, 0);
    synth_finish(&s, &sm2);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    synth_reset(&s);
    /* A dictionary page claiming more values than its bytes hold. */
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, dict_header(4), &pd, -1, 0);
    synth_page(&s, v1_header(4, PQ_ENC_RLE_DICTIONARY), &pi, -1, 0);
    synth_finish(&s, &sm2);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    synth_reset(&s);
    pq_buf_reset(&pbad);
    pq_buf_reset(&pp);
    pq_buf_reset(&pd);
    pq_buf_reset(&pi);
}

/* Level-count faults: a page with more values than the chunk, a chunk
 * whose pages end early, num_values != num_rows for a flat column. */
TEST(synth_counts)
{
    int32_t a[] = {1, 2, 3, 4, 5};
    pq_buf pa = plain_i32(a, 5);
    pq_reader_options o = opts_threads(1, true);
    int32_t v[8];
    int64_t rows;
    pq_error err;
    synth s;

    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(5, PQ_ENC_PLAIN), &pa, -1, 0);
    synth_meta more = {.num_values = 3, .num_rows = 3};
    synth_finish(&s, &more);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "at most 3 more values") != NULL);
    CHECK_EQ_I64(err.where.page, 0);
    CHECK_EQ_I64(err.where.offset, 4);
    synth_reset(&s);

    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(3, PQ_ENC_PLAIN), &pa, -1, 0);
    synth_meta fewer = {.num_values = 6, .num_rows = 6};
    synth_finish(&s, &fewer);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "expected 3 more values, found the end of the column chunk") != NULL);
    synth_reset(&s);

    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(5, PQ_ENC_PLAIN), &pa, -1, 0);
    synth_meta rowsdiff = {.num_values = 5, .num_rows = 4};
    synth_finish(&s, &rowsdiff);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "row group's 4 rows") != NULL);
    synth_reset(&s);

    /* A PLAIN page shorter than its values. */
    pq_buf short_body = plain_i32(a, 2);
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(3, PQ_ENC_PLAIN), &short_body, -1, 0);
    synth_meta three = {.num_values = 3, .num_rows = 3};
    synth_finish(&s, &three);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    CHECK_EQ_I64(err.where.offset, 4);
    synth_reset(&s);
    pq_buf_reset(&short_body);
    pq_buf_reset(&pa);
}

/* Page CRCs: right, wrong (verified and not). */
TEST(synth_crc)
{
    int32_t a[] = {7, 8};
    pq_buf pa = plain_i32(a, 2);
    int32_t v[4];
    int64_t rows;
    pq_error err;
    synth s;
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(1, PQ_ENC_PLAIN), &pa, -1, 1);
    int64_t second = (int64_t)s.file.len;
    synth_page(&s, v1_header(1, PQ_ENC_PLAIN), &pa, -1, 2);
    synth_meta sm = {.num_values = 2, .num_rows = 2};
    synth_finish(&s, &sm);
    pq_reader_options o = opts_threads(1, true);
    CHECK_STATUS(synth_read(&s, &o, v, 4, &rows, &err), PQ_ERR_CHECKSUM);
    char want[64];
    uint32_t crc = pq_crc32(0, pa.data, pa.len);
    snprintf(want, sizeof want, "page CRC mismatch: expected 0x%08x, computed 0x%08x", crc ^ 1u, crc);
    CHECK_EQ_STR(err.message, want);
    CHECK_EQ_I64(err.where.page, 1);
    CHECK_EQ_I64(err.where.offset, second);
    o.verify_crc = false;
    CHECK_OK(synth_read(&s, &o, v, 4, &rows, &err), &err);
    CHECK(rows == 2 && v[0] == 7 && v[1] == 7);
    synth_reset(&s);
    pq_buf_reset(&pa);
}

/* OPTIONAL column: v1 definition levels, v2 pages and their counts. */
TEST(synth_optional)
{
    uint16_t def[] = {1, 0, 1, 1, 0};
    int32_t a[] = {7, 8, 9};
    pq_buf pa = plain_i32(a, 3), body = with_def_levels(def, 5, &pa);
    pq_reader_options o = opts_threads(1, true);
    int32_t v[8];
    int64_t rows = 0;
    pq_error err;
    synth s;
    synth_init(&s, true, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(5, PQ_ENC_PLAIN), &body, -1, 1);
    synth_meta sm = {.num_values = 5, .num_rows = 5};
    synth_finish(&s, &sm);
    CHECK_OK(synth_read(&s, &o, v, 8, &rows, &err), &err);
    static const int32_t want[] = {7, INT32_MIN, 8, 9, INT32_MIN};
    CHECK_EQ_I64(rows, 5);
    for (int i = 0; i < 5 && rows == 5; i++) CHECK_EQ_I64(v[i], want[i]);
    synth_reset(&s);

    /* Levels that are one RLE run (counted without a scan): all present
     * with a run longer than the page (8 for 5: the decoder takes 5), all
     * null, and all present over too few values. */
    static const struct { uint8_t count, value; int n_vals; pq_status want; } runs[] = {
        {8, 1, 5, PQ_OK}, {5, 1, 5, PQ_OK}, {5, 0, 0, PQ_OK}, {5, 1, 3, PQ_ERR_CORRUPT},
    };
    int32_t five[] = {1, 2, 3, 4, 5};
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        pq_buf rb, pv = plain_i32(five, runs[k].n_vals);
        pq_buf_init(&rb, NULL);
        const uint8_t lv[] = {2, 0, 0, 0, (uint8_t)(runs[k].count << 1), runs[k].value};
        CHECK_OK(pq_buf_append(&rb, lv, sizeof lv, NULL), NULL);
        CHECK_OK(pq_buf_append(&rb, pv.data, pv.len, NULL), NULL);
        synth_init(&s, true, PQ_CODEC_UNCOMPRESSED);
        synth_page(&s, v1_header(5, PQ_ENC_PLAIN), &rb, -1, 1);
        synth_finish(&s, &sm);
        pq_status st = synth_read(&s, &o, v, 8, &rows, &err);
        CHECK_STATUS(st, runs[k].want);
        for (int i = 0; st == PQ_OK && i < 5; i++) CHECK_EQ_I64(v[i], runs[k].value ? five[i] : INT32_MIN);
        synth_reset(&s);
        pq_buf_reset(&rb);
        pq_buf_reset(&pv);
    }

    /* Legacy BIT_PACKED levels: MSB first, no length prefix (1 0 1 1 0 -> 0xb0). */
    pq_buf bp;
    pq_buf_init(&bp, NULL);
    const uint8_t packed = 0xb0;
    CHECK_OK(pq_buf_append(&bp, &packed, 1, NULL), NULL);
    CHECK_OK(pq_buf_append(&bp, pa.data, pa.len, NULL), NULL);
    pq_page_header hb = v1_header(5, PQ_ENC_PLAIN);
    hb.data_page.definition_level_encoding = PQ_ENC_BIT_PACKED;
    synth_init(&s, true, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, hb, &bp, -1, 1);
    synth_finish(&s, &sm);
    CHECK_OK(synth_read(&s, &o, v, 8, &rows, &err), &err);
    CHECK_EQ_I64(rows, 5);
    for (int i = 0; i < 5 && rows == 5; i++) CHECK_EQ_I64(v[i], want[i]);
    synth_reset(&s);
    pq_buf_reset(&bp);

    /* Levels with an invalid encoding. */
    pq_page_header h = v1_header(5, PQ_ENC_PLAIN);
    h.data_page.definition_level_encoding = PQ_ENC_PLAIN;
    synth_init(&s, true, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, h, &body, -1, 0);
    synth_finish(&s, &sm);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "RLE or BIT_PACKED definition level encoding") != NULL);
    synth_reset(&s);

    /* A level length past the page. */
    pq_buf cut;
    pq_buf_init(&cut, NULL);
    CHECK_OK(pq_buf_append(&cut, body.data, 4, NULL), NULL);
    pq_store_u32le(cut.data, 1000);
    synth_init(&s, true, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(5, PQ_ENC_PLAIN), &cut, -1, 0);
    synth_finish(&s, &sm);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    synth_reset(&s);
    pq_buf_reset(&cut);

    /* v2: levels outside the (compressed) values section; num_nulls checked. */
    pq_buf lv, v2body;
    pq_buf_init(&lv, NULL);
    pq_buf_init(&v2body, NULL);
    CHECK_OK(pq_rle_encode_u16(def, 5, 1, &lv, NULL), NULL);
    CHECK_OK(pq_buf_append(&v2body, lv.data, lv.len, NULL), NULL);
    CHECK_OK(pq_buf_append(&v2body, pa.data, pa.len, NULL), NULL);
    for (int nulls = 1; nulls <= 3; nulls++) {
        pq_page_header h2;
        memset(&h2, 0, sizeof h2);
        h2.type = PQ_PAGE_DATA_V2;
        h2.has_data_page_v2 = true;
        h2.data_page_v2.num_values = 5;
        h2.data_page_v2.num_nulls = nulls;
        h2.data_page_v2.num_rows = 5;
        h2.data_page_v2.encoding = PQ_ENC_PLAIN;
        h2.data_page_v2.definition_levels_byte_length = (int32_t)lv.len;
        h2.data_page_v2.is_compressed = false;
        synth_init(&s, true, PQ_CODEC_UNCOMPRESSED);
        synth_page(&s, h2, &v2body, -1, 1);
        synth_finish(&s, &sm);
        pq_status st = synth_read(&s, &o, v, 8, &rows, &err);
        if (nulls == 2) {
            CHECK_OK(st, &err);
            for (int i = 0; i < 5 && st == PQ_OK; i++) CHECK_EQ_I64(v[i], want[i]);
        } else {
            CHECK_STATUS(st, PQ_ERR_CORRUPT);
            CHECK(strstr(err.message, "num_nulls") != NULL);
        }
        synth_reset(&s);
    }
    /* v2 with level lengths past the page. */
    pq_page_header h3;
    memset(&h3, 0, sizeof h3);
    h3.type = PQ_PAGE_DATA_V2;
    h3.has_data_page_v2 = true;
    h3.data_page_v2.num_values = 5;
    h3.data_page_v2.num_nulls = 2;
    h3.data_page_v2.num_rows = 5;
    h3.data_page_v2.definition_levels_byte_length = (int32_t)v2body.len + 1;
    synth_init(&s, true, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, h3, &v2body, -1, 0);
    synth_finish(&s, &sm);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    synth_reset(&s);

    /* v2, SNAPPY, every value null: the empty values section must not reach
     * the codec (datapage_v2_empty_datapage.snappy.parquet). */
    uint16_t nulls5[] = {0, 0, 0, 0, 0};
    pq_buf_reset(&lv);
    CHECK_OK(pq_rle_encode_u16(nulls5, 5, 1, &lv, NULL), NULL);
    h3.data_page_v2.num_nulls = 5;
    h3.data_page_v2.definition_levels_byte_length = (int32_t)lv.len;
    h3.data_page_v2.is_compressed = true;
    synth_init(&s, true, PQ_CODEC_SNAPPY);
    synth_page(&s, h3, &lv, (int64_t)lv.len, 0);
    synth_finish(&s, &sm);
    CHECK_OK(synth_read(&s, &o, v, 8, &rows, &err), &err);
    CHECK_EQ_I64(rows, 5);
    for (int i = 0; i < 5 && rows == 5; i++) CHECK_EQ_I64(v[i], INT32_MIN);
    synth_reset(&s);

    pq_buf_reset(&lv);
    pq_buf_reset(&v2body);
    pq_buf_reset(&pa);
    pq_buf_reset(&body);
}

/* Compressed pages, limits, and bad chunk offsets / sizes. */
TEST(synth_chunks)
{
    int32_t a[] = {11, 22, 33, 44};
    pq_buf pa = plain_i32(a, 4), z;
    pq_buf_init(&z, NULL);
    pq_codec_ctx *ctx;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, NULL), NULL);
    CHECK_OK(pq_codec_compress(ctx, PQ_CODEC_ZSTD, 0, pq_bytes_make(pa.data, pa.len), &z, NULL), NULL);
    pq_reader_options o = opts_threads(1, true);
    int32_t v[8];
    int64_t rows;
    pq_error err;
    synth s;
    synth_meta sm = {.num_values = 4, .num_rows = 4};

    synth_init(&s, false, PQ_CODEC_ZSTD);
    synth_page(&s, v1_header(4, PQ_ENC_PLAIN), &z, (int64_t)pa.len, 1);
    synth_finish(&s, &sm);
    CHECK_OK(synth_read(&s, &o, v, 8, &rows, &err), &err);
    CHECK(rows == 4 && v[0] == 11 && v[3] == 44);
    o.limits.max_page_bytes = 15; /* the page is 16 bytes uncompressed */
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_LIMIT);
    o.limits.max_page_bytes = (int64_t)1 << 30;
    synth_reset(&s);

    /* The same values in a v2 page, and in a v2 page stored uncompressed. */
    for (int compressed = 0; compressed < 2; compressed++) {
        pq_page_header h2;
        memset(&h2, 0, sizeof h2);
        h2.type = PQ_PAGE_DATA_V2;
        h2.has_data_page_v2 = true;
        h2.data_page_v2.num_values = 4;
        h2.data_page_v2.num_rows = 4;
        h2.data_page_v2.encoding = PQ_ENC_PLAIN;
        h2.data_page_v2.is_compressed = compressed == 1;
        synth_init(&s, false, PQ_CODEC_ZSTD);
        synth_page(&s, h2, compressed ? &z : &pa, (int64_t)pa.len, 1);
        synth_finish(&s, &sm);
        CHECK_OK(synth_read(&s, &o, v, 8, &rows, &err), &err);
        CHECK(rows == 4 && v[0] == 11 && v[1] == 22 && v[2] == 33 && v[3] == 44);
        synth_reset(&s);
    }

    /* Wrong uncompressed size: the codec must produce exactly that many bytes. */
    synth_init(&s, false, PQ_CODEC_ZSTD);
    synth_page(&s, v1_header(4, PQ_ENC_PLAIN), &z, (int64_t)pa.len + 1, 0);
    synth_finish(&s, &sm);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    synth_reset(&s);

    /* total_compressed_size running into the footer. */
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(4, PQ_ENC_PLAIN), &pa, -1, 0);
    synth_meta big = {.num_values = 4, .num_rows = 4, .total_size_extra = 1};
    synth_finish(&s, &big);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "to end before the footer") != NULL);
    CHECK_EQ_I64(err.where.offset, 4);
    synth_reset(&s);

    /* total_compressed_size too small: the page runs past the chunk. */
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(4, PQ_ENC_PLAIN), &pa, -1, 0);
    synth_meta small = {.num_values = 4, .num_rows = 4, .total_size_extra = -1};
    synth_finish(&s, &small);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    synth_reset(&s);

    /* ... unless the writer is parquet-mr before 1.2.9 (PARQUET-816), which
     * left the dictionary page header out: up to 100 bytes are allowed. */
    const char *writers[] = {"parquet-mr version 1.2.8 (build abc)", "parquet-mr version 1.2.9 (build abc)",
                             "parquet-mr version 1.10.0", "impala version 1.2.8"};
    for (int w = 0; w < 4; w++) {
        synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
        synth_page(&s, v1_header(4, PQ_ENC_PLAIN), &pa, -1, 0);
        synth_meta old = {.num_values = 4, .num_rows = 4, .total_size_extra = -10, .created_by = writers[w]};
        synth_finish(&s, &old);
        pq_status st = synth_read(&s, &o, v, 8, &rows, &err);
        if (w == 0) {
            CHECK_OK(st, &err);
            CHECK(rows == 4 && v[3] == 44);
        } else {
            CHECK_STATUS(st, PQ_ERR_CORRUPT);
        }
        synth_reset(&s);
    }

    /* data_page_offset before the first page / past the data. */
    const int64_t offs[] = {3, 1, -7, 1 << 20};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
        synth_page(&s, v1_header(4, PQ_ENC_PLAIN), &pa, -1, 0);
        synth_meta off = {.num_values = 4, .num_rows = 4, .data_page_offset = offs[i]};
        synth_finish(&s, &off);
        CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
        synth_reset(&s);
    }

    /* Chunks in other files, and physical types that disagree with the schema. */
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(4, PQ_ENC_PLAIN), &pa, -1, 0);
    synth_meta ext = {.num_values = 4, .num_rows = 4, .file_path = "other.parquet"};
    synth_finish(&s, &ext);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "other.parquet") != NULL);
    CHECK_EQ_I64(err.where.row_group, 0);
    CHECK_EQ_I64(err.where.column, 0);
    synth_reset(&s);
    synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
    synth_page(&s, v1_header(4, PQ_ENC_PLAIN), &pa, -1, 0);
    synth_meta ty = {.num_values = 4, .num_rows = 4, .chunk_type = PQ_PHYS_INT64};
    synth_finish(&s, &ty);
    CHECK_STATUS(synth_read(&s, &o, v, 8, &rows, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "INT32") != NULL);
    synth_reset(&s);

    pq_codec_ctx_destroy(ctx);
    pq_buf_reset(&z);
    pq_buf_reset(&pa);
}

/* Many columns of one big row group: the parallel path (threads 4) gives the
 * same table as one thread, and a damaged column is reported wherever it is. */
TEST(synth_threads)
{
    enum { N = 100000, COLS = 8 };
    int32_t *a = (int32_t *)malloc(N * sizeof *a);
    for (int i = 0; i < N; i++) a[i] = i * 7 - 3;
    pq_buf pa = plain_i32(a, N);
    free(a);
    pq_reader_options o1 = opts_threads(1, true), o4 = opts_threads(4, true);
    for (int damage = -1; damage < 2 * COLS; damage += 3) {
        /* Second half: the columns are the fields of one struct, so the
         * leaves are read in parallel first and the struct assembled after. */
        bool nest = damage >= COLS;
        if (nest) damage -= COLS;
        synth s;
        synth_init(&s, false, PQ_CODEC_UNCOMPRESSED);
        synth_page(&s, v1_header(N, PQ_ENC_PLAIN), &pa, -1, 1);
        synth_meta sm = {.num_values = N, .num_rows = N, .ncols = COLS, .damage_col = damage, .in_struct = nest};
        synth_finish(&s, &sm);
        pq_reader *r1, *r4;
        pq_error err;
        CHECK_OK(pq_reader_open_memory(&r1, s.file.data, s.file.len, "t1", &o1, &err), &err);
        CHECK_OK(pq_reader_open_memory(&r4, s.file.data, s.file.len, "t4", &o4, &err), &err);
        pq_table t1, t4;
        pq_status s1 = pq_reader_read_row_group(r1, 0, &t1, &err);
        pq_error err4;
        pq_status s4 = pq_reader_read_row_group(r4, 0, &t4, &err4);
        if (damage < 0) {
            CHECK_OK(s1, &err);
            CHECK_OK(s4, &err4);
            CHECK_EQ_I64(t4.num_rows, N);
            CHECK_EQ_I64(t4.schema.n_fields, nest ? 1 : COLS);
            CHECK(pq_table_equal(&t1, &t4));
            for (int c = 0; c < COLS && t4.num_rows == N; c++) {
                const pq_array *col = nest ? &t4.columns[0].children[c] : &t4.columns[c];
                CHECK(i32_at(col, N - 1) == (N - 1) * 7 - 3);
            }
        } else {
            CHECK_STATUS(s1, PQ_ERR_CHECKSUM);
            CHECK_STATUS(s4, PQ_ERR_CHECKSUM);
            CHECK_EQ_I64(err.where.column, damage);
            CHECK_EQ_I64(err4.where.column, damage);
            char want[8];
            snprintf(want, sizeof want, nest ? "s.x%d" : "x%d", damage);
            CHECK_EQ_STR(err4.column_path, want);
            CHECK_EQ_STR(err4.path, "t4");
        }
        pq_table_reset(&t1);
        pq_table_reset(&t4);
        /* The reader stays usable after a failed row group. */
        if (damage >= 0) {
            CHECK_STATUS(pq_reader_read_row_group(r4, 0, &t4, &err4), PQ_ERR_CHECKSUM);
            pq_table_reset(&t4);
        }
        pq_reader_close(r1);
        pq_reader_close(r4);
        synth_reset(&s);
        if (nest) damage += COLS;
    }
    pq_buf_reset(&pa);
}

/* Compressed OPTIONAL v1 pages inflated in place (column_reader.c
 * inflate_in_place): definition level sections of changing lengths (the
 * guess from the previous page wrong both ways), a page whose values have
 * trailing bytes (the fallback through the scratch buffer) and an all-null
 * page must read exactly like the same pages stored uncompressed. */
TEST(synth_in_place)
{
    enum { PAGES = 5, PER = 40 };
    /* def patterns: alternating (long RLE), all set (short RLE), ... */
    static const int kinds[PAGES] = {0, 1, 0, 2, 1};
    pq_codec_ctx *ctx;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, NULL), NULL);
    int32_t want[PAGES * PER], got[PAGES * PER];
    pq_reader_options o = opts_threads(1, true);
    pq_error err;
    for (int trailing = 0; trailing < 2; trailing++) {
        for (int codec = 0; codec < 2; codec++) {
            synth s;
            synth_init(&s, true, codec ? PQ_CODEC_ZSTD : PQ_CODEC_UNCOMPRESSED);
            int row = 0;
            int32_t next = 1000;
            for (int p = 0; p < PAGES; p++) {
                uint16_t def[PER];
                int32_t vals[PER];
                int nn = 0;
                for (int i = 0; i < PER; i++) {
                    def[i] = (uint16_t)(kinds[p] == 0 ? (i % 2) : kinds[p] == 1 ? 1 : 0);
                    if (def[i]) vals[nn++] = next++;
                    want[row++] = def[i] ? vals[nn - 1] : INT32_MIN;
                }
                pq_buf pv = plain_i32(vals, nn + (trailing && p == 2 ? 1 : 0));
                pq_buf body = with_def_levels(def, PER, &pv);
                pq_buf z;
                pq_buf_init(&z, NULL);
                if (codec)
                    CHECK_OK(pq_codec_compress(ctx, PQ_CODEC_ZSTD, 0, pq_bytes_make(body.data, body.len), &z, NULL),
                             NULL);
                else
                    CHECK_OK(pq_buf_append(&z, body.data, body.len, NULL), NULL);
                synth_page(&s, v1_header(PER, PQ_ENC_PLAIN), &z, (int64_t)body.len, 1);
                pq_buf_reset(&z);
                pq_buf_reset(&body);
                pq_buf_reset(&pv);
            }
            synth_meta sm = {.num_values = PAGES * PER, .num_rows = PAGES * PER};
            synth_finish(&s, &sm);
            int64_t rows = 0;
            for (int i = 0; i < PAGES * PER; i++) got[i] = -1;
            CHECK_OK(synth_read(&s, &o, got, PAGES * PER, &rows, &err), &err);
            CHECK_EQ_I64(rows, PAGES * PER);
            for (int i = 0; i < PAGES * PER; i++) CHECK_EQ_I64(got[i], want[i]);
            synth_reset(&s);
        }
    }
    pq_codec_ctx_destroy(ctx);
}

int main(void)
{
    RUN(synth_plain_pages);
    RUN(synth_dictionary);
    RUN(synth_counts);
    RUN(synth_crc);
    RUN(synth_optional);
    RUN(synth_chunks);
    RUN(synth_threads);
    RUN(synth_in_place);
    return harness_done();
}
