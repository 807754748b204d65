/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/column_writer.c - one leaf's column chunk (see column_writer.h).
 *
 * Data flow: a shredded batch (levels + dense physical values) is cut into
 * page slices at row starts.  A slice that completes a page while nothing is
 * pending is encoded straight from the batch (zero copy); otherwise it is
 * copied into the pending page, which is encoded once full or at finish.
 * Encoding assembles the uncompressed body in the thread's scratch
 * (levels, then values) and compresses it straight into the chunk's
 * `bodies` buffer; PLAIN fixed-width values that are not glued to levels
 * (v2 pages, or v1 pages of a flat REQUIRED column) are compressed from the
 * batch itself, without a copy.  Headers go to `headers`.  Both buffers keep
 * their capacity from row group to row group.  The dictionary page is built
 * at finish, from the final dictionary, and is emitted first.  Pages whose
 * entries all hold a value get their definition levels as one RLE run,
 * without a scan.
 *
 * Page formats (parquet-format, "Data Pages"):
 *   v1 body: [u32 len][RLE rep levels][u32 len][RLE def levels][values],
 *            compressed as a whole;
 *   v2 body: [RLE rep levels][RLE def levels] uncompressed, then the values
 *            compressed (is_compressed = false when there are no value bytes,
 *            so no reader has to inflate an empty stream);
 *   levels are omitted when their max level is 0;
 *   CRC-32 covers the body exactly as stored.
 *
 * Sizes: page bodies and the dictionary page must fit the i32 fields of the
 * page header (PQ_ERR_LIMIT otherwise); a page holds at most
 * max(page_size, 1024) level entries, so an all-null column still gets
 * bounded pages.
 */
#include "parquet/column_writer.h"

#include "parquet/metadata.h"

/* Dictionary state of the current chunk. */
enum {
    DICT_UNDECIDED = 0, /* no page with values yet */
    DICT_ACTIVE,        /* pages are dictionary-encoded */
    DICT_FALLBACK,      /* limit crossed: later pages use the value encoding */
    DICT_OFF            /* disabled or abandoned: no dictionary page */
};

/* Values the first page's dictionary probe adds between checks. */
#define PQ_DICT_PROBE 8192

typedef struct cw_page {
    int64_t hdr_off, body_off;  /* in cw->headers / cw->bodies */
    int32_t hdr_len, body_len;  /* bytes */
    int64_t pos;                /* offset of the header within the data pages */
    int64_t first_row;          /* row index within the row group */
    int64_t null_count;         /* level entries without a value */
    int64_t min_off, max_off;   /* bounds in cw->ci_data */
    int32_t min_len, max_len;
    bool null_page;             /* no value at all */
    bool has_bounds;            /* min/max usable in a column index */
    pq_encoding encoding;       /* value encoding */
} cw_page;

/* A run of whole rows to put in one page. */
typedef struct cw_slice {
    const uint16_t *def, *rep;  /* NULL when the max level is 0 */
    int64_t n_levels, n_rows;
    pq_values_view values;      /* the slice's dense values */
} cw_slice;

struct pq_column_writer {
    pq_column_writer_config cfg;
    const pq_allocator *alloc;
    int def_bw, rep_bw;          /* level bit widths */
    int32_t width;               /* bytes per value, 0 for BYTE_ARRAY */
    int64_t max_page_levels;     /* level entries per page, >= 1024 */
    /* pending page (copied rows) */
    pq_buf pdef, prep;           /* uint16 levels */
    pq_buf pdata, poff;          /* values; BYTE_ARRAY offsets (int64, p_values + 1) */
    int64_t p_levels, p_rows, p_values, p_bytes;
    /* dictionary */
    pq_dict_builder *dict;       /* created on first use */
    int dict_state;
    /* the chunk */
    pq_buf headers, bodies;      /* data pages */
    cw_page *pages;
    int64_t n_pages, cap_pages;
    pq_buf dict_hdr, dict_body;  /* dictionary page */
    bool has_dict_page;
    int64_t dict_unc;            /* dictionary page body, uncompressed */
    int64_t num_values;          /* level entries */
    int64_t rows;                /* rows in written pages */
    int64_t data_bytes;          /* data pages as stored, headers included */
    int64_t data_unc;            /* data pages uncompressed, headers included */
    pq_stats chunk_stats;
    pq_buf ci_data;              /* page bounds for the column index */
    bool ci_ok;                  /* every non-null page has usable bounds */
};

/* ------------------------------------------------------------ scratch */

pq_status pq_cw_scratch_init(pq_cw_scratch *s, const pq_allocator *a, pq_error *err)
{
    memset(s, 0, sizeof *s);
    pq_buf_init(&s->page, a);
    pq_buf_init(&s->idx, a);
    pq_stats_init(&s->stats, PQ_ORDER_NONE, a);
    return pq_codec_ctx_create(&s->codec, a, err);
}

void pq_cw_scratch_reset(pq_cw_scratch *s)
{
    if (!s) return;
    pq_codec_ctx_destroy(s->codec);
    s->codec = NULL;
    pq_buf_reset(&s->page);
    pq_buf_reset(&s->idx);
    pq_stats_reset(&s->stats);
}

/* ---------------------------------------------------------- lifecycle */

/* Empty the pending page; poff keeps its leading 0. */
static pq_status clear_pending(pq_column_writer *cw, pq_error *err)
{
    cw->pdef.len = cw->prep.len = cw->pdata.len = 0;
    cw->p_levels = cw->p_rows = cw->p_values = cw->p_bytes = 0;
    cw->poff.len = 0;
    if (cw->width == 0) {
        int64_t zero = 0;
        PQ_TRY(pq_buf_append(&cw->poff, &zero, sizeof zero, err));
    }
    /* Keep pdata non-NULL so views never carry a NULL data pointer. */
    return pq_buf_reserve(&cw->pdata, 1, err);
}

pq_status pq_column_writer_create(pq_column_writer **out, const pq_column_writer_config *cfg,
                                  const pq_allocator *a, pq_error *err)
{
    *out = NULL;
    pq_column_writer *cw = (pq_column_writer *)pq_calloc(a, 1, sizeof *cw);
    if (!cw) return PQ_NOMEM(err);
    cw->cfg = *cfg;
    if (cw->cfg.physical == PQ_PHYS_BOOLEAN) cw->cfg.dictionary = false;
    cw->alloc = a;
    cw->def_bw = pq_bit_width_of((uint64_t)cfg->max_def);
    cw->rep_bw = pq_bit_width_of((uint64_t)cfg->max_rep);
    cw->width = pq_physical_width(cfg->physical, cfg->type_length);
    cw->max_page_levels = cfg->page_size > 1024 ? cfg->page_size : 1024;
    pq_buf *bufs[] = {&cw->pdef, &cw->prep, &cw->pdata, &cw->poff, &cw->headers, &cw->bodies,
                      &cw->dict_hdr, &cw->dict_body, &cw->ci_data};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) pq_buf_init(bufs[i], a);
    pq_stats_init(&cw->chunk_stats, cfg->order, a);
    pq_column_writer_reset(cw);
    pq_status st = clear_pending(cw, err);
    if (st) {
        pq_column_writer_destroy(cw);
        return st;
    }
    *out = cw;
    return PQ_OK;
}

void pq_column_writer_destroy(pq_column_writer *cw)
{
    if (!cw) return;
    pq_buf *bufs[] = {&cw->pdef, &cw->prep, &cw->pdata, &cw->poff, &cw->headers, &cw->bodies,
                      &cw->dict_hdr, &cw->dict_body, &cw->ci_data};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) pq_buf_reset(bufs[i]);
    pq_dict_builder_destroy(cw->dict);
    pq_stats_reset(&cw->chunk_stats);
    pq_free(cw->alloc, cw->pages);
    pq_free(cw->alloc, cw);
}

void pq_column_writer_reset(pq_column_writer *cw)
{
    cw->headers.len = cw->bodies.len = 0;
    cw->dict_hdr.len = cw->dict_body.len = 0;
    cw->ci_data.len = 0;
    cw->n_pages = 0;
    cw->has_dict_page = false;
    cw->dict_unc = 0;
    cw->num_values = cw->rows = cw->data_bytes = cw->data_unc = 0;
    if (cw->dict) pq_dict_builder_clear(cw->dict);
    cw->dict_state = cw->cfg.dictionary ? DICT_UNDECIDED : DICT_OFF;
    pq_stats_clear(&cw->chunk_stats);
    cw->ci_ok = cw->cfg.write_page_index && cw->cfg.order != PQ_ORDER_NONE;
    /* the pending page is empty between row groups: finish flushed it */
}

/* ------------------------------------------------------------ values */

/* View of values [start, start + n) of v. */
static pq_values_view view_slice(const pq_values_view *v, int64_t start, int64_t n)
{
    pq_values_view s = *v;
    s.n = n;
    if (v->type == PQ_PHYS_BYTE_ARRAY) s.offsets = v->offsets + start;
    else if (v->data) s.data = v->data + (size_t)start * (size_t)v->width;
    return s;
}

/* PLAIN size of the values of v. */
static int64_t plain_bytes(const pq_values_view *v)
{
    if (v->type == PQ_PHYS_BYTE_ARRAY) return 4 * v->n + (v->offsets[v->n] - v->offsets[0]);
    return v->n * v->width;
}

/* Encode v with a non-dictionary encoding. */
static pq_status encode_values(pq_encoding e, const pq_values_view *v, pq_buf *out, pq_error *err)
{
    if (e == PQ_ENC_PLAIN) return pq_plain_encode(v, out, err);
    if (e == PQ_ENC_RLE) return pq_rle_bool_encode(v, out, err);
    return pq_encode_values(e, v, out, err);
}

/* ---------------------------------------------------------- dictionary */

/* Turn the dictionary off for the rest of the chunk. */
static void dict_abandon(pq_column_writer *cw)
{
    cw->dict_state = DICT_OFF;
    pq_dict_builder_clear(cw->dict);
}

/* First page holding values: insert them in probes of PQ_DICT_PROBE and give
 * up as soon as 98 % of at least 2 probes' values are new (unique ids,
 * random numbers: the indices would cost as much as the values and the
 * PLAIN pages compress better), else decide on the page's whole ratio.  The
 * early bar is high on purpose: 16 Ki draws from 100 Ki distinct values are
 * still 92 % distinct, and such a column gains a lot from a dictionary. */
static pq_status dict_first_page(pq_column_writer *cw, const pq_values_view *v, uint32_t *idx, bool *use,
                                 pq_error *err)
{
    if (!cw->dict) PQ_TRY(pq_dict_builder_create(&cw->dict, cw->cfg.physical, cw->cfg.type_length, cw->alloc, err));
    int64_t seen = 0, seen_bytes = 0, dsize = 0;
    for (int64_t at = 0; at < v->n; at += PQ_DICT_PROBE) {
        int64_t k = v->n - at < PQ_DICT_PROBE ? v->n - at : PQ_DICT_PROBE;
        pq_values_view part = view_slice(v, at, k);
        PQ_TRY(pq_dict_builder_add(cw->dict, &part, idx + at, err));
        seen += k;
        seen_bytes += plain_bytes(&part);
        dsize = pq_dict_builder_plain_size(cw->dict);
        if (seen >= 2 * PQ_DICT_PROBE && dsize * 50 > seen_bytes * 49) {
            dict_abandon(cw);
            return PQ_OK;
        }
    }
    if (dsize * 10 > seen_bytes * 7) {
        dict_abandon(cw);
        return PQ_OK;
    }
    cw->dict_state = dsize > cw->cfg.dictionary_size_limit ? DICT_FALLBACK : DICT_ACTIVE;
    *use = true;
    return PQ_OK;
}

static pq_status compress_into(const pq_column_writer *cw, pq_cw_scratch *s, const uint8_t *p, size_t n,
                               pq_buf *out, pq_error *err)
{
    return pq_codec_compress(s->codec, cw->cfg.codec, cw->cfg.compression_level, pq_bytes_make(p, n), out, err);
}

/* Bytes of `p` (n) once compressed with the chunk's codec; `tmp` is
 * scratch. */
static pq_status compressed_size(const pq_column_writer *cw, pq_cw_scratch *s, const uint8_t *p, size_t n,
                                 pq_buf *tmp, size_t *out, pq_error *err)
{
    tmp->len = 0;
    PQ_TRY(compress_into(cw, s, p, n, tmp, err));
    *out = tmp->len;
    return PQ_OK;
}

/* Whether the first page v, dictionary-encoded (its indices `idx`, the
 * dictionary built from it), compresses to no more than its values in
 * the chunk's value encoding.  A dictionary's indices are close to random
 * bits that no codec shrinks, while the codec finds the repeats of PLAIN
 * values on its own: with many distinct values that compress well (short
 * numeric strings, say) PLAIN ends smaller, even when the dictionary is
 * smaller before compression.  Measured, not guessed: both are compressed
 * (the first page of a chunk only). */
static pq_status dict_wins_compressed(pq_column_writer *cw, pq_cw_scratch *s, const pq_values_view *v,
                                      const uint32_t *idx, bool *wins, pq_error *err)
{
    pq_buf tmp;
    pq_buf_init(&tmp, cw->alloc);
    size_t dict_c = 0, idx_c = 0, plain_c = 0;
    pq_values_view dv = pq_dict_builder_values(cw->dict);
    s->page.len = 0;
    pq_status st = pq_plain_encode(&dv, &s->page, err);
    if (st == PQ_OK) st = compressed_size(cw, s, s->page.data, s->page.len, &tmp, &dict_c, err);
    s->page.len = 0;
    if (st == PQ_OK)
        st = pq_dict_indices_encode(idx, v->n, (uint32_t)pq_dict_builder_count(cw->dict), &s->page, err);
    if (st == PQ_OK) st = compressed_size(cw, s, s->page.data, s->page.len, &tmp, &idx_c, err);
    s->page.len = 0;
    if (st == PQ_OK) st = encode_values(cw->cfg.value_encoding, v, &s->page, err);
    if (st == PQ_OK) st = compressed_size(cw, s, s->page.data, s->page.len, &tmp, &plain_c, err);
    s->page.len = 0;
    pq_buf_reset(&tmp);
    *wins = dict_c + idx_c <= plain_c;
    return st;
}

/* A first-page dictionary is an obvious win (no compression trial) when
 * the dictionary plus the indices take at most this share of the PLAIN
 * bytes, in percent: low-cardinality columns. */
#define DICT_CLEAR_WIN_PCT 40

/* Decide whether the page of values v is dictionary-encoded; if so, s->idx
 * holds its indices. */
static pq_status choose_dict(pq_column_writer *cw, pq_cw_scratch *s, const pq_values_view *v, bool *use,
                             pq_error *err)
{
    *use = false;
    if (cw->dict_state == DICT_OFF || cw->dict_state == DICT_FALLBACK) return PQ_OK;
    size_t need;
    if (pq_mul_overflow((size_t)(v->n ? v->n : 1), sizeof(uint32_t), &need)) return PQ_NOMEM(err);
    s->idx.len = 0;
    PQ_TRY(pq_buf_reserve(&s->idx, need, err)); /* never NULL, even for 0 indices */
    if (v->n == 0) {
        /* An all-null page keeps the encoding of its neighbours once the
         * dictionary is in use (zero indices). */
        *use = cw->dict_state == DICT_ACTIVE;
        return PQ_OK;
    }
    uint32_t *idx = (uint32_t *)(void *)s->idx.data;
    if (cw->dict_state == DICT_UNDECIDED) {
        PQ_TRY(dict_first_page(cw, v, idx, use, err));
        if (!*use || cw->cfg.codec == PQ_CODEC_UNCOMPRESSED) return PQ_OK;
        int64_t n_dict = pq_dict_builder_count(cw->dict), bw = 1;
        while (bw < 32 && ((int64_t)1 << bw) < n_dict) bw++;
        int64_t est = pq_dict_builder_plain_size(cw->dict) + (v->n * bw + 7) / 8;
        if (est * 100 <= plain_bytes(v) * DICT_CLEAR_WIN_PCT) return PQ_OK;
        bool wins;
        PQ_TRY(dict_wins_compressed(cw, s, v, idx, &wins, err));
        if (!wins) {
            dict_abandon(cw);
            *use = false;
        }
        return PQ_OK;
    }
    PQ_TRY(pq_dict_builder_add(cw->dict, v, idx, err));
    if (pq_dict_builder_plain_size(cw->dict) > cw->cfg.dictionary_size_limit) cw->dict_state = DICT_FALLBACK;
    *use = true;
    return PQ_OK;
}

/* -------------------------------------------------------------- pages */

/* Append one RLE run of n (1 .. 2^31-1) copies of `value` at bit width bw
 * (1..16): ULEB128 header n << 1, then the value in ceil(bw/8) bytes LE. */
static pq_status append_rle_run(pq_buf *out, int64_t n, uint16_t value, int bw, pq_error *err)
{
    uint8_t tmp[8];
    size_t k = 0;
    uint64_t h = (uint64_t)n << 1;
    while (h >= 0x80) {
        tmp[k++] = (uint8_t)(h | 0x80);
        h >>= 7;
    }
    tmp[k++] = (uint8_t)h;
    tmp[k++] = (uint8_t)value;
    if (bw > 8) tmp[k++] = (uint8_t)(value >> 8);
    return pq_buf_append(out, tmp, k, err);
}

/* RLE-encode n levels of bit width bw, with a 4-byte length prefix when
 * `prefix` (v1); *len receives the bytes written without the prefix.  When
 * `all_max` every level equals `max` (a page without nulls): one run,
 * without scanning the levels. */
static pq_status encode_levels(const uint16_t *lv, int64_t n, int bw, bool all_max, uint16_t max, bool prefix,
                               pq_buf *out, size_t *len, pq_error *err)
{
    size_t at = out->len;
    if (prefix) PQ_TRY(pq_buf_append(out, "\0\0\0\0", 4, err));
    size_t start = out->len;
    if (all_max) PQ_TRY(append_rle_run(out, n, max, bw, err));
    else PQ_TRY(pq_rle_encode_u16(lv, n, bw, out, err));
    *len = out->len - start;
    if (*len > INT32_MAX) return PQ_FAIL(err, PQ_ERR_LIMIT, "levels of %zu bytes exceed a page's 2 GiB", *len);
    if (prefix) pq_store_u32le(out->data + at, (uint32_t)*len);
    return PQ_OK;
}

static pq_status add_page_slot(pq_column_writer *cw, pq_error *err)
{
    if (cw->n_pages < cw->cap_pages) return PQ_OK;
    int64_t cap = cw->cap_pages ? cw->cap_pages * 2 : 16;
    size_t bytes;
    if (pq_mul_overflow((size_t)cap, sizeof(cw_page), &bytes)) return PQ_NOMEM(err);
    cw_page *p = (cw_page *)pq_realloc(cw->alloc, cw->pages, bytes);
    if (!p) return PQ_NOMEM(err);
    cw->pages = p;
    cw->cap_pages = cap;
    return PQ_OK;
}

/* Record the page's bounds for the column index. */
static pq_status record_bounds(pq_column_writer *cw, cw_page *pg, const pq_stats *ps, pq_error *err)
{
    pg->has_bounds = false;
    if (!cw->ci_ok) return PQ_OK;
    if (pg->null_page) return PQ_OK;
    if (!pq_stats_minmax_writable(ps)) {
        cw->ci_ok = false;
        return PQ_OK;
    }
    pg->min_off = (int64_t)cw->ci_data.len;
    pg->min_len = (int32_t)ps->min.len;
    PQ_TRY(pq_buf_append(&cw->ci_data, ps->min.data, ps->min.len, err));
    pg->max_off = (int64_t)cw->ci_data.len;
    pg->max_len = (int32_t)ps->max.len;
    PQ_TRY(pq_buf_append(&cw->ci_data, ps->max.data, ps->max.len, err));
    pg->has_bounds = true;
    return PQ_OK;
}

/* Page statistics into s->stats (and the chunk's), when wanted. */
static pq_status page_stats(pq_column_writer *cw, pq_cw_scratch *s, const cw_slice *sl, pq_error *err)
{
    pq_stats_clear(&s->stats);
    s->stats.order = cw->cfg.order;
    if (!cw->cfg.write_statistics && !cw->cfg.write_page_index) return PQ_OK;
    PQ_TRY(pq_stats_update(&s->stats, &sl->values, sl->n_levels - sl->values.n, err));
    if (cw->cfg.write_statistics) PQ_TRY(pq_stats_merge(&cw->chunk_stats, &s->stats, err));
    return PQ_OK;
}

/* An assembled page body: the levels in s->page[0, levels), then `vlen`
 * value bytes at `vals`, which is either s->page.data + levels (encoded) or
 * the caller's values themselves (PLAIN fixed-width values need no
 * encoding: they are compressed straight from the batch). */
typedef struct cw_body {
    size_t rep_len, def_len;    /* level sections (no v1 length prefix) */
    size_t levels;              /* bytes of s->page before the values */
    const uint8_t *vals;
    size_t vlen;
} cw_body;

/* True when the values can be compressed from the batch: PLAIN fixed-width
 * values (not bit-packed booleans) that are not glued to levels in a v1
 * body. */
static bool values_direct(const pq_column_writer *cw, pq_encoding enc)
{
    bool glued = cw->cfg.page_version == 1 && (cw->cfg.max_def > 0 || cw->cfg.max_rep > 0);
    return enc == PQ_ENC_PLAIN && cw->width > 0 && cw->cfg.physical != PQ_PHYS_BOOLEAN && !glued;
}

/* Encode the levels and values of a page (see cw_body). */
static pq_status assemble_body(pq_column_writer *cw, pq_cw_scratch *s, const cw_slice *sl, bool use_dict,
                               pq_encoding enc, cw_body *b, pq_error *err)
{
    bool v1 = cw->cfg.page_version == 1;
    s->page.len = 0;
    b->rep_len = b->def_len = 0;
    if (cw->cfg.max_rep > 0)
        PQ_TRY(encode_levels(sl->rep, sl->n_levels, cw->rep_bw, false, 0, v1, &s->page, &b->rep_len, err));
    if (cw->cfg.max_def > 0) {
        /* every level entry holds a value: all def levels are max_def */
        bool full = sl->values.n == sl->n_levels;
        PQ_TRY(encode_levels(sl->def, sl->n_levels, cw->def_bw, full, (uint16_t)cw->cfg.max_def, v1, &s->page,
                             &b->def_len, err));
    }
    b->levels = s->page.len;
    if (!use_dict && values_direct(cw, enc)) {
        b->vals = sl->values.data;
        b->vlen = (size_t)sl->values.n * (size_t)cw->width;
    } else {
        if (use_dict) {
            uint32_t dict_n = (uint32_t)pq_dict_builder_count(cw->dict);
            PQ_TRY(pq_dict_indices_encode((const uint32_t *)(const void *)s->idx.data, sl->values.n, dict_n,
                                          &s->page, err));
        } else {
            PQ_TRY(encode_values(enc, &sl->values, &s->page, err));
        }
        b->vals = s->page.data + b->levels;
        b->vlen = s->page.len - b->levels;
    }
    if (b->levels + b->vlen > INT32_MAX)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "page of %zu bytes exceeds the format's 2 GiB", b->levels + b->vlen);
    return PQ_OK;
}

/* Compress the assembled page into cw->bodies; *compressed tells whether
 * the v2 values section went through the codec. */
static pq_status store_body(pq_column_writer *cw, pq_cw_scratch *s, const cw_body *b, bool *compressed,
                            pq_error *err)
{
    *compressed = true;
    if (cw->cfg.page_version == 1) /* levels and values are contiguous, or there are no levels */
        return compress_into(cw, s, b->levels ? s->page.data : b->vals, b->levels + b->vlen, &cw->bodies, err);
    PQ_TRY(pq_buf_append(&cw->bodies, s->page.data, b->levels, err));
    if (b->vlen == 0 || cw->cfg.codec == PQ_CODEC_UNCOMPRESSED) {
        *compressed = false;
        return pq_buf_append(&cw->bodies, b->vals, b->vlen, err);
    }
    return compress_into(cw, s, b->vals, b->vlen, &cw->bodies, err);
}

/* Encode, compress and record one data page. */
static pq_status write_page(pq_column_writer *cw, pq_cw_scratch *s, const cw_slice *sl, pq_error *err)
{
    if (sl->n_levels > INT32_MAX)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "a page of %lld level entries exceeds the format's 2^31-1",
                       (long long)sl->n_levels);
    bool use_dict;
    PQ_TRY(choose_dict(cw, s, &sl->values, &use_dict, err));
    pq_encoding enc = use_dict ? PQ_ENC_RLE_DICTIONARY : cw->cfg.value_encoding;
    cw_body b;
    PQ_TRY(assemble_body(cw, s, sl, use_dict, enc, &b, err));
    size_t body_off = cw->bodies.len, unc = b.levels + b.vlen;
    bool compressed;
    PQ_TRY(store_body(cw, s, &b, &compressed, err));
    size_t body_len = cw->bodies.len - body_off;
    if (body_len > INT32_MAX)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "compressed page of %zu bytes exceeds the format's 2 GiB", body_len);
    PQ_TRY(page_stats(cw, s, sl, err));

    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.uncompressed_page_size = (int32_t)unc;
    h.compressed_page_size = (int32_t)body_len;
    h.has_crc = cw->cfg.write_crc;
    if (h.has_crc) h.crc = pq_crc32(0, cw->bodies.data + body_off, body_len);
    int64_t n_nulls = sl->n_levels - sl->values.n;
    if (cw->cfg.page_version == 1) {
        h.type = PQ_PAGE_DATA;
        h.has_data_page = true;
        h.data_page.num_values = (int32_t)sl->n_levels;
        h.data_page.encoding = enc;
        h.data_page.definition_level_encoding = PQ_ENC_RLE;
        h.data_page.repetition_level_encoding = PQ_ENC_RLE;
        h.data_page.has_statistics = cw->cfg.write_statistics;
        if (cw->cfg.write_statistics) pq_stats_to_thrift(&s->stats, &h.data_page.statistics);
    } else {
        h.type = PQ_PAGE_DATA_V2;
        h.has_data_page_v2 = true;
        h.data_page_v2.num_values = (int32_t)sl->n_levels;
        h.data_page_v2.num_nulls = (int32_t)n_nulls;
        h.data_page_v2.num_rows = (int32_t)sl->n_rows;
        h.data_page_v2.encoding = enc;
        h.data_page_v2.definition_levels_byte_length = (int32_t)b.def_len;
        h.data_page_v2.repetition_levels_byte_length = (int32_t)b.rep_len;
        h.data_page_v2.is_compressed = compressed;
        h.data_page_v2.has_statistics = cw->cfg.write_statistics;
        if (cw->cfg.write_statistics) pq_stats_to_thrift(&s->stats, &h.data_page_v2.statistics);
    }
    size_t hdr_off = cw->headers.len;
    PQ_TRY(pq_meta_encode_page_header(&h, &cw->headers, err));

    PQ_TRY(add_page_slot(cw, err));
    cw_page *pg = &cw->pages[cw->n_pages];
    memset(pg, 0, sizeof *pg);
    pg->hdr_off = (int64_t)hdr_off;
    pg->hdr_len = (int32_t)(cw->headers.len - hdr_off);
    pg->body_off = (int64_t)body_off;
    pg->body_len = (int32_t)body_len;
    pg->pos = cw->data_bytes;
    pg->first_row = cw->rows;
    pg->null_count = n_nulls;
    pg->null_page = sl->values.n == 0;
    pg->encoding = enc;
    PQ_TRY(record_bounds(cw, pg, &s->stats, err));
    cw->n_pages++;
    cw->data_bytes += pg->hdr_len + pg->body_len;
    cw->data_unc += pg->hdr_len + (int64_t)unc;
    cw->rows += sl->n_rows;
    cw->num_values += sl->n_levels;
    return PQ_OK;
}

/* ------------------------------------------------------- page cutting */

/* Find the page slice starting at level `pos` (value `vpos`) of b: whole rows
 * until the slice's PLAIN size reaches `budget` bytes or it holds
 * `lvl_budget` levels.  Returns true when the page is complete (else the
 * slice ends with the batch, which always ends at a row boundary). */
static bool cut_slice(const pq_column_writer *cw, const pq_leaf_batch *b, int64_t pos, int64_t vpos,
                      int64_t budget, int64_t lvl_budget, int64_t *end, int64_t *nv, int64_t *rows,
                      int64_t *bytes)
{
    int64_t n = b->n_levels, w = cw->width;
    const pq_values_view *v = &b->values;
    if (!b->rep && w > 0 && (!b->def || b->n_nulls == 0)) {
        /* flat fixed-width column without nulls: rows = levels = values */
        int64_t k = (budget + w - 1) / w;
        if (k > lvl_budget) k = lvl_budget;
        if (k > n - pos) k = n - pos;
        *end = pos + k;
        *nv = *rows = k;
        *bytes = k * w;
        return *bytes >= budget || k >= lvl_budget;
    }
    int16_t md = cw->cfg.max_def;
    int64_t i = pos, cnt = 0, r = 0, sz = 0;
    for (; i < n; i++) {
        if (!b->rep || b->rep[i] == 0) {
            if (sz >= budget || i - pos >= lvl_budget) break;
            r++;
        }
        if (!b->def || b->def[i] == md) {
            sz += w > 0 ? w : 4 + (v->offsets[vpos + cnt + 1] - v->offsets[vpos + cnt]);
            cnt++;
        }
    }
    *end = i;
    *nv = cnt;
    *rows = r;
    *bytes = sz;
    return sz >= budget || i - pos >= lvl_budget;
}

/* Copy levels [pos, end) and values [vpos, vpos + nv) of b to the pending page. */
static pq_status pend(pq_column_writer *cw, const pq_leaf_batch *b, int64_t pos, int64_t end, int64_t vpos,
                      int64_t nv, pq_error *err)
{
    size_t nl = (size_t)(end - pos);
    if (b->def) PQ_TRY(pq_buf_append(&cw->pdef, b->def + pos, nl * sizeof(uint16_t), err));
    if (b->rep) PQ_TRY(pq_buf_append(&cw->prep, b->rep + pos, nl * sizeof(uint16_t), err));
    const pq_values_view *v = &b->values;
    if (nv == 0) return PQ_OK;
    if (cw->width > 0) return pq_buf_append(&cw->pdata, v->data + (size_t)vpos * (size_t)cw->width,
                                            (size_t)nv * (size_t)cw->width, err);
    int64_t base = (int64_t)cw->pdata.len - v->offsets[vpos];
    size_t n_off = (size_t)nv * sizeof(int64_t);
    PQ_TRY(pq_buf_reserve(&cw->poff, n_off, err));
    int64_t *dst = (int64_t *)(void *)(cw->poff.data + cw->poff.len);
    for (int64_t j = 1; j <= nv; j++) dst[j - 1] = base + v->offsets[vpos + j];
    cw->poff.len += n_off;
    return pq_buf_append(&cw->pdata, v->data + v->offsets[vpos], (size_t)(v->offsets[vpos + nv] - v->offsets[vpos]),
                         err);
}

/* Encode the pending page and empty it. */
static pq_status flush_pending(pq_column_writer *cw, pq_cw_scratch *s, pq_error *err)
{
    cw_slice sl;
    sl.def = cw->cfg.max_def > 0 ? (const uint16_t *)(const void *)cw->pdef.data : NULL;
    sl.rep = cw->cfg.max_rep > 0 ? (const uint16_t *)(const void *)cw->prep.data : NULL;
    sl.n_levels = cw->p_levels;
    sl.n_rows = cw->p_rows;
    sl.values.type = cw->cfg.physical;
    sl.values.width = cw->width;
    sl.values.data = cw->pdata.data;
    sl.values.offsets = cw->width > 0 ? NULL : (const int64_t *)(const void *)cw->poff.data;
    sl.values.n = cw->p_values;
    PQ_TRY(write_page(cw, s, &sl, err));
    return clear_pending(cw, err);
}

pq_status pq_column_writer_write(pq_column_writer *cw, const pq_leaf_batch *b, pq_cw_scratch *s, pq_error *err)
{
    int64_t pos = 0, vpos = 0, n = b->n_levels;
    while (pos < n) {
        int64_t end, nv, rows, bytes;
        bool full = cut_slice(cw, b, pos, vpos, cw->cfg.page_size - cw->p_bytes, cw->max_page_levels - cw->p_levels,
                              &end, &nv, &rows, &bytes);
        if (full && cw->p_levels == 0) {
            cw_slice sl;
            sl.def = b->def ? b->def + pos : NULL;
            sl.rep = b->rep ? b->rep + pos : NULL;
            sl.n_levels = end - pos;
            sl.n_rows = rows;
            sl.values = view_slice(&b->values, vpos, nv);
            PQ_TRY(write_page(cw, s, &sl, err));
        } else {
            PQ_TRY(pend(cw, b, pos, end, vpos, nv, err));
            cw->p_levels += end - pos;
            cw->p_rows += rows;
            cw->p_values += nv;
            cw->p_bytes += bytes;
            if (full) PQ_TRY(flush_pending(cw, s, err));
        }
        pos = end;
        vpos += nv;
    }
    return PQ_OK;
}

/* ------------------------------------------------------------ finish */

static pq_status write_dict_page(pq_column_writer *cw, pq_cw_scratch *s, pq_error *err)
{
    pq_values_view dv = pq_dict_builder_values(cw->dict);
    s->page.len = 0;
    PQ_TRY(pq_plain_encode(&dv, &s->page, err));
    if (s->page.len > INT32_MAX)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "dictionary page of %zu bytes exceeds the format's 2 GiB", s->page.len);
    cw->dict_body.len = 0;
    PQ_TRY(compress_into(cw, s, s->page.data, s->page.len, &cw->dict_body, err));
    if (cw->dict_body.len > INT32_MAX)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "dictionary page of %zu bytes exceeds the format's 2 GiB",
                       cw->dict_body.len);
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DICTIONARY;
    h.uncompressed_page_size = (int32_t)s->page.len;
    h.compressed_page_size = (int32_t)cw->dict_body.len;
    h.has_crc = cw->cfg.write_crc;
    if (h.has_crc) h.crc = pq_crc32(0, cw->dict_body.data, cw->dict_body.len);
    h.has_dictionary_page = true;
    h.dictionary_page.num_values = (int32_t)dv.n;
    h.dictionary_page.encoding = PQ_ENC_PLAIN;
    cw->dict_hdr.len = 0;
    PQ_TRY(pq_meta_encode_page_header(&h, &cw->dict_hdr, err));
    cw->has_dict_page = true;
    cw->dict_unc = (int64_t)s->page.len;
    return PQ_OK;
}

pq_status pq_column_writer_finish(pq_column_writer *cw, pq_cw_scratch *s, pq_error *err)
{
    if (cw->p_levels > 0) PQ_TRY(flush_pending(cw, s, err));
    bool dict_used = cw->dict_state == DICT_ACTIVE || cw->dict_state == DICT_FALLBACK;
    if (dict_used && pq_dict_builder_count(cw->dict) > 0) PQ_TRY(write_dict_page(cw, s, err));
    return PQ_OK;
}

int64_t pq_column_writer_chunk_bytes(const pq_column_writer *cw)
{
    int64_t d = cw->has_dict_page ? (int64_t)(cw->dict_hdr.len + cw->dict_body.len) : 0;
    return d + cw->data_bytes;
}

int64_t pq_column_writer_num_pages(const pq_column_writer *cw) { return cw->n_pages; }

pq_status pq_column_writer_emit(pq_column_writer *cw, pq_sink *sink, pq_error *err)
{
    if (cw->has_dict_page) {
        PQ_TRY(pq_sink_write(sink, cw->dict_hdr.data, cw->dict_hdr.len, err));
        PQ_TRY(pq_sink_write(sink, cw->dict_body.data, cw->dict_body.len, err));
    }
    for (int64_t i = 0; i < cw->n_pages; i++) {
        const cw_page *pg = &cw->pages[i];
        PQ_TRY(pq_sink_write(sink, cw->headers.data + pg->hdr_off, (size_t)pg->hdr_len, err));
        PQ_TRY(pq_sink_write(sink, cw->bodies.data + pg->body_off, (size_t)pg->body_len, err));
    }
    return PQ_OK;
}

/* ------------------------------------------------------------ metadata */

static void add_encoding(pq_encoding *list, int32_t *n, pq_encoding e)
{
    for (int32_t i = 0; i < *n; i++)
        if (list[i] == e) return;
    list[(*n)++] = e;
}

/* Encodings of the chunk in order of first use: the dictionary page's PLAIN,
 * the levels' RLE, then the data pages' value encodings. */
static int32_t chunk_encodings(const pq_column_writer *cw, pq_encoding list[16])
{
    int32_t n = 0;
    if (cw->has_dict_page) add_encoding(list, &n, PQ_ENC_PLAIN);
    if (cw->cfg.max_def > 0 || cw->cfg.max_rep > 0) add_encoding(list, &n, PQ_ENC_RLE);
    for (int64_t i = 0; i < cw->n_pages && n < 16; i++) add_encoding(list, &n, cw->pages[i].encoding);
    return n;
}

static const uint8_t *arena_copy(pq_arena *a, const uint8_t *p, size_t n)
{
    uint8_t *q = (uint8_t *)pq_arena_alloc(a, n ? n : 1, 1);
    if (q && n) memcpy(q, p, n);
    return q;
}

static pq_status describe_stats(const pq_column_writer *cw, pq_arena *arena, pq_column_meta *out, pq_error *err)
{
    if (!cw->cfg.write_statistics) return PQ_OK;
    pq_statistics *st = &out->statistics;
    pq_stats_to_thrift(&cw->chunk_stats, st);
    out->has_statistics = true;
    /* copy the bounds: the chunk's buffers are reused by the next row group */
    if (st->has_min_value) {
        st->min_value = arena_copy(arena, st->min_value, (size_t)st->min_value_len);
        st->max_value = arena_copy(arena, st->max_value, (size_t)st->max_value_len);
        if (!st->min_value || !st->max_value) return PQ_NOMEM(err);
        if (st->has_min) {
            st->min = st->min_value;
            st->max = st->max_value;
        }
    }
    return PQ_OK;
}

static pq_status describe_encoding_stats(const pq_column_writer *cw, const pq_encoding *encs, int32_t n_encs,
                                         pq_arena *arena, pq_column_meta *out, pq_error *err)
{
    pq_page_encoding_stats *es =
        (pq_page_encoding_stats *)pq_arena_alloc(arena, sizeof(pq_page_encoding_stats) * (size_t)(n_encs + 1), 8);
    if (!es) return PQ_NOMEM(err);
    int32_t n = 0;
    if (cw->has_dict_page) es[n++] = (pq_page_encoding_stats){PQ_PAGE_DICTIONARY, PQ_ENC_PLAIN, 1};
    pq_page_type pt = cw->cfg.page_version == 1 ? PQ_PAGE_DATA : PQ_PAGE_DATA_V2;
    for (int32_t k = 0; k < n_encs; k++) {
        int32_t count = 0;
        for (int64_t i = 0; i < cw->n_pages; i++) count += cw->pages[i].encoding == encs[k];
        if (count > 0) es[n++] = (pq_page_encoding_stats){pt, encs[k], count};
    }
    out->encoding_stats = es;
    out->n_encoding_stats = n;
    return PQ_OK;
}

pq_status pq_column_writer_describe(const pq_column_writer *cw, int64_t chunk_offset, pq_arena *arena,
                                    pq_column_meta *out, pq_error *err)
{
    memset(out, 0, sizeof *out);
    out->type = cw->cfg.physical;
    pq_encoding encs[16];
    int32_t n_encs = chunk_encodings(cw, encs);
    out->encodings = (pq_encoding *)pq_arena_alloc(arena, sizeof(pq_encoding) * (size_t)(n_encs ? n_encs : 1), 8);
    if (!out->encodings) return PQ_NOMEM(err);
    memcpy(out->encodings, encs, sizeof(pq_encoding) * (size_t)n_encs);
    out->n_encodings = n_encs;
    out->codec = cw->cfg.codec;
    out->num_values = cw->num_values;
    int64_t dict_len = cw->has_dict_page ? (int64_t)(cw->dict_hdr.len + cw->dict_body.len) : 0;
    int64_t dict_unc = cw->has_dict_page ? (int64_t)cw->dict_hdr.len + cw->dict_unc : 0;
    out->total_uncompressed_size = dict_unc + cw->data_unc;
    out->total_compressed_size = dict_len + cw->data_bytes;
    out->data_page_offset = chunk_offset + dict_len;
    if (cw->has_dict_page) {
        out->has_dictionary_page_offset = true;
        out->dictionary_page_offset = chunk_offset;
    }
    PQ_TRY(describe_stats(cw, arena, out, err));
    return describe_encoding_stats(cw, encs, n_encs, arena, out, err);
}

/* ------------------------------------------------------------ page index */

/* BoundaryOrder of the non-null pages: 1 ascending, 2 descending, 0 neither. */
static int32_t boundary_order(const pq_column_writer *cw)
{
    bool asc = true, desc = true;
    const cw_page *prev = NULL;
    const uint8_t *d = cw->ci_data.data;
    for (int64_t i = 0; i < cw->n_pages; i++) {
        const cw_page *p = &cw->pages[i];
        if (p->null_page) continue;
        if (prev) {
            int cmin = pq_stats_compare(cw->cfg.order, d + p->min_off, (size_t)p->min_len, d + prev->min_off,
                                        (size_t)prev->min_len);
            int cmax = pq_stats_compare(cw->cfg.order, d + p->max_off, (size_t)p->max_len, d + prev->max_off,
                                        (size_t)prev->max_len);
            if (cmin < 0 || cmax < 0) asc = false;
            if (cmin > 0 || cmax > 0) desc = false;
        }
        prev = p;
    }
    return asc ? 1 : desc ? 2 : 0;
}

static pq_status encode_column_index(const pq_column_writer *cw, pq_arena *tmp, pq_buf *ci, pq_error *err)
{
    size_t n = (size_t)cw->n_pages;
    static const uint8_t empty[1] = {0};
    pq_column_index x;
    memset(&x, 0, sizeof x);
    x.n_pages = (int32_t)n;
    x.null_pages = (bool *)pq_arena_alloc(tmp, n * sizeof(bool), 8);
    x.min_values = (const uint8_t **)pq_arena_alloc(tmp, n * sizeof(uint8_t *), 8);
    x.max_values = (const uint8_t **)pq_arena_alloc(tmp, n * sizeof(uint8_t *), 8);
    x.min_lens = (int32_t *)pq_arena_alloc(tmp, n * sizeof(int32_t), 8);
    x.max_lens = (int32_t *)pq_arena_alloc(tmp, n * sizeof(int32_t), 8);
    x.null_counts = (int64_t *)pq_arena_alloc(tmp, n * sizeof(int64_t), 8);
    if (!x.null_pages || !x.min_values || !x.max_values || !x.min_lens || !x.max_lens || !x.null_counts)
        return PQ_NOMEM(err);
    for (size_t i = 0; i < n; i++) {
        const cw_page *p = &cw->pages[i];
        x.null_pages[i] = p->null_page;
        x.null_counts[i] = p->null_count;
        if (p->null_page) {
            x.min_values[i] = x.max_values[i] = empty;
            x.min_lens[i] = x.max_lens[i] = 0;
        } else {
            x.min_values[i] = cw->ci_data.data + p->min_off;
            x.min_lens[i] = p->min_len;
            x.max_values[i] = cw->ci_data.data + p->max_off;
            x.max_lens[i] = p->max_len;
        }
    }
    x.boundary_order = boundary_order(cw);
    x.has_null_counts = true;
    return pq_meta_encode_column_index(&x, ci, err);
}

static pq_status encode_offset_index(const pq_column_writer *cw, int64_t chunk_offset, pq_arena *tmp, pq_buf *oi,
                                     pq_error *err)
{
    int64_t base = chunk_offset + (cw->has_dict_page ? (int64_t)(cw->dict_hdr.len + cw->dict_body.len) : 0);
    pq_offset_index x;
    x.n_pages = (int32_t)cw->n_pages;
    x.page_locations = (pq_page_location *)pq_arena_alloc(tmp, (size_t)cw->n_pages * sizeof(pq_page_location), 8);
    if (!x.page_locations) return PQ_NOMEM(err);
    for (int64_t i = 0; i < cw->n_pages; i++) {
        const cw_page *p = &cw->pages[i];
        x.page_locations[i].offset = base + p->pos;
        x.page_locations[i].compressed_page_size = p->hdr_len + p->body_len;
        x.page_locations[i].first_row_index = p->first_row;
    }
    return pq_meta_encode_offset_index(&x, oi, err);
}

pq_status pq_column_writer_page_index(const pq_column_writer *cw, int64_t chunk_offset, pq_buf *ci, bool *has_ci,
                                      pq_buf *oi, pq_error *err)
{
    *has_ci = false;
    if (!cw->cfg.write_page_index || cw->n_pages == 0) return PQ_OK;
    if (cw->n_pages > INT32_MAX) return PQ_FAIL(err, PQ_ERR_LIMIT, "more than 2^31-1 pages in a column chunk");
    pq_arena tmp;
    pq_arena_init(&tmp, cw->alloc);
    pq_status st = PQ_OK;
    if (cw->ci_ok) {
        st = encode_column_index(cw, &tmp, ci, err);
        *has_ci = st == PQ_OK;
    }
    if (st == PQ_OK) st = encode_offset_index(cw, chunk_offset, &tmp, oi, err);
    pq_arena_reset(&tmp);
    return st;
}
