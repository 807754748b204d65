/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/column_reader.c - read one column chunk into a pq_leaf_data (see
 * column_reader.h).  Follows the page layout of parquet-format
 * (PageHeader, DataPageHeader, DataPageHeaderV2, DictionaryPageHeader):
 *
 *   chunk   = page*   (first byte: min of the trustworthy offsets)
 *   page    = PageHeader (thrift compact) + compressed_page_size bytes
 *   DICTIONARY_PAGE  at most one, before any data page; PLAIN values
 *   DATA_PAGE (v1)   body compressed as a whole:
 *                    [rep levels: u32 LE len + RLE | BIT_PACKED]
 *                    [def levels: same][values]
 *   DATA_PAGE_V2     [rep levels RLE][def levels RLE] never compressed,
 *                    byte lengths in the header; then values, compressed
 *                    only when is_compressed and non-empty
 *   INDEX_PAGE and page types this version does not know are skipped.
 *
 * Invariants kept while reading: the page being read lies inside the chunk
 * bytes, which lie inside the file before the footer; the level entries read
 * so far never exceed ColumnMetaData.num_values, and reading stops when they
 * reach it; every page adds exactly its num_values level entries and exactly
 * as many values as it has entries at the maximum definition level.
 *
 * Memory: uncompressed pages are decoded straight from the source bytes
 * (zero copy from the mapping); compressed ones are inflated into one
 * scratch buffer reused by every page, except PLAIN fixed-width values
 * without levels in the compressed part (leaves without levels, or any
 * v2 page, whose levels are stored apart), which are inflated straight
 * onto the end of the output values; values are decoded straight into the output pq_values
 * (appending), levels straight into the output level buffers.  Nothing is
 * allocated per value or per page once the buffers have grown.
 *
 * Selected rows (pq_column_reader_read_rows, for row filters): with the
 * chunk's OffsetIndex, only the data pages holding a wanted row are
 * fetched (each page's own byte range: pread reads nothing else, a mapping
 * touches nothing else), plus the pages before the first located one (the
 * dictionary page) when any is read.  The offset index is untrusted: it is
 * used only when its pages lie in order inside the chunk with first rows
 * increasing from 0, and each page read must hold exactly its rows.
 */
#include "parquet/column_reader.h"

#include <stdio.h>

#include "parquet/metadata.h"

/* State of the chunk being read. */
typedef struct chunk_state {
    pq_column_reader *cr;
    const pq_chunk_ref *ref;
    const pq_leaf *leaf;
    const pq_column_meta *meta;
    pq_leaf_data *out;
    pq_bytes bytes;          /* the chunk as stored */
    int64_t start;           /* file offset of bytes.ptr[0] */
    size_t pos;              /* next page header, relative to start */
    int64_t page;            /* index of the current page in the chunk, -1 before the first */
    int64_t page_offset;     /* file offset of the current page header, -1 before the first */
    int64_t levels_left;     /* level entries still expected, >= 0 */
    int def_bw, rep_bw;      /* level bit widths for max_def / max_rep */
    bool has_dict;           /* the dictionary page was read */
    bool seen_data;          /* a data page was read */
    size_t level_bytes;      /* level prefix of the last in-place v1 page (guess for the next) */
    int64_t data_pages;      /* non-empty data pages read */
    int32_t def_uniform;     /* the current page's def levels are all this value, or -1 */
    int32_t rep_uniform;     /* same for its rep levels */
} chunk_state;

void pq_column_reader_init(pq_column_reader *cr, const pq_allocator *a, const pq_limits *limits, bool verify_crc)
{
    memset(cr, 0, sizeof *cr);
    cr->alloc = a;
    cr->limits = *limits;
    cr->verify_crc = verify_crc;
    pq_buf_init(&cr->page, a);
    pq_buf_init(&cr->io, a);
}

void pq_column_reader_reset(pq_column_reader *cr)
{
    if (!cr) return;
    pq_codec_ctx_destroy(cr->codec);
    pq_buf_reset(&cr->page);
    pq_buf_reset(&cr->io);
    if (cr->dict_ready) pq_values_reset(&cr->dict);
    memset(cr, 0, sizeof *cr);
}

/* A lower unit's error offsets are relative to the buffer it was given (a
 * decompressed page, a level section), not file offsets: drop them so the
 * page's own offset is recorded instead.  Returns s. */
static pq_status drop_rel_offset(pq_status s, pq_error *err)
{
    if (s != PQ_OK && err) err->where.offset = -1;
    return s;
}

/* Sub-view of b from `pos` to its end; pos <= b.len. */
static pq_bytes tail(pq_bytes b, size_t pos)
{
    return pq_bytes_make(pos < b.len ? b.ptr + pos : NULL, b.len - pos);
}

/* Fail with PQ_ERR_LIMIT when a page size exceeds limits.max_page_bytes. */
static pq_status check_page_limit(const chunk_state *st, int64_t size, const char *what, pq_error *err)
{
    if (size <= st->cr->limits.max_page_bytes) return PQ_OK;
    return PQ_FAIL(err, PQ_ERR_LIMIT, "expected a page of at most %lld bytes %s (limits.max_page_bytes), found %lld",
                   (long long)st->cr->limits.max_page_bytes, what, (long long)size);
}

/* ---------------------------------------------------------- page bodies */

/* Most bytes `n` stored bytes can inflate to with codec c: each format's
 * best possible ratio, so that a page header's uncompressed_page_size is
 * checked before a buffer of that size is allocated for it.  Snappy copies
 * at most 64 bytes per 3-byte element, deflate 258 bytes per 2 bits
 * (1032:1), an LZ4 length byte adds 255, a zstd RLE block turns 4 bytes into
 * 128 KiB.  Brotli has no useful bound (one command copies up to 16 MiB), so
 * it is held to limits.max_page_bytes only. */
static int64_t max_inflated(pq_codec c, size_t n)
{
    int64_t ratio;
    switch (c) {
    case PQ_CODEC_SNAPPY: ratio = 22; break;
    case PQ_CODEC_GZIP: ratio = 1032; break;
    case PQ_CODEC_LZ4:
    case PQ_CODEC_LZ4_RAW: ratio = 256; break;
    case PQ_CODEC_ZSTD: ratio = 32768; break;
    default: return INT64_MAX;
    }
    return n > (size_t)(INT64_MAX / ratio) - 64 ? INT64_MAX : (int64_t)n * ratio + 64;
}

/* Fail with PQ_ERR_CORRUPT when `stored` cannot inflate to ulen bytes. */
static pq_status check_inflated_size(const chunk_state *st, pq_bytes stored, int64_t ulen, pq_error *err)
{
    int64_t most = max_inflated(st->meta->codec, stored.len);
    if (ulen <= most) return PQ_OK;
    return PQ_FAIL(err, PQ_ERR_CORRUPT,
                   "expected uncompressed_page_size at most %lld (%zu bytes of %s), found %lld", (long long)most,
                   stored.len, pq_codec_name(st->meta->codec), (long long)ulen);
}

/* The decompressed body of a page stored as `stored`, `ulen` bytes long:
 * `stored` itself for UNCOMPRESSED chunks (zero copy; ulen is then not
 * trusted), else the scratch buffer.  Valid until the next call. */
static pq_status page_body(chunk_state *st, pq_bytes stored, int64_t ulen, pq_bytes *body, pq_error *err)
{
    pq_column_reader *cr = st->cr;
    if (st->meta->codec == PQ_CODEC_UNCOMPRESSED) {
        *body = stored;
        return PQ_OK;
    }
    PQ_CHECK(err, ulen >= 0, "expected uncompressed_page_size >= 0, found %lld", (long long)ulen);
    PQ_TRY(check_page_limit(st, ulen, "uncompressed", err));
    PQ_TRY(check_inflated_size(st, stored, ulen, err));
    if (!cr->codec) PQ_TRY(pq_codec_ctx_create(&cr->codec, cr->alloc, err));
    cr->page.len = 0;
    /* One byte at least so that the output pointer is never NULL. */
    PQ_TRY(pq_buf_reserve(&cr->page, ulen ? (size_t)ulen : 1, err));
    PQ_TRY(drop_rel_offset(pq_codec_decompress(cr->codec, st->meta->codec, stored, cr->page.data, (size_t)ulen, err),
                           err));
    *body = pq_bytes_make(cr->page.data, (size_t)ulen);
    return PQ_OK;
}

/* ---------------------------------------------------------------- levels */

/* Room for n more uint16 level entries at the end of dst. */
static pq_status level_space(pq_buf *dst, int64_t n, uint16_t **out, pq_error *err)
{
    PQ_TRY(pq_buf_reserve(dst, (size_t)n * sizeof(uint16_t), err));
    *out = (uint16_t *)(void *)(dst->data + dst->len);
    return PQ_OK;
}

/* The value of the RLE/bit-packed hybrid stream `in` (width bw) when it
 * opens with one RLE run of at least n entries - a page without nulls, or
 * of flat rows - else -1.  A hint for counting, taken only after the
 * decoder accepted the stream: its first n entries are then this value. */
static int32_t uniform_run(pq_bytes in, int bw, int64_t n)
{
    uint64_t h = 0;
    size_t i = 0;
    for (int shift = 0;; shift += 7) {
        if (i >= in.len || i >= 5) return -1;
        uint8_t b = in.ptr[i++];
        h |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
    }
    size_t vb = ((size_t)bw + 7) / 8;
    if ((h & 1) || (int64_t)(h >> 1) < n || in.len - i < vb) return -1;
    uint32_t v = 0;
    for (size_t k = 0; k < vb; k++) v |= (uint32_t)in.ptr[i + k] << (8 * k);
    return v <= UINT16_MAX ? (int32_t)v : -1;
}

/* Decode n v1 levels of width bw starting at body[*pos] with encoding enc
 * (RLE with its u32 LE byte length, or legacy BIT_PACKED), appending to dst
 * and advancing *pos past them. */
static pq_status levels_v1(pq_bytes body, size_t *pos, pq_encoding enc, int bw, int64_t n, pq_buf *dst,
                           int32_t *uniform, const char *what, pq_error *err)
{
    pq_bytes in = tail(body, *pos);
    uint16_t *lv;
    size_t used = 0;
    pq_status s;
    *uniform = -1;
    PQ_TRY(level_space(dst, n, &lv, err));
    if (enc == PQ_ENC_RLE) {
        PQ_CHECK(err, in.len >= 4, "expected a 4-byte %s level length, found %zu bytes left in the page", what,
                 in.len);
        uint32_t len = pq_load_u32le(in.ptr);
        PQ_CHECK(err, len <= in.len - 4, "expected %s levels of %u bytes, found %zu bytes left in the page", what,
                 (unsigned)len, in.len - 4);
        s = pq_rle_decode_u16(pq_bytes_make(in.ptr + 4, len), bw, n, lv, NULL, err);
        if (s == PQ_OK) *uniform = uniform_run(pq_bytes_make(in.ptr + 4, len), bw, n);
        used = 4 + (size_t)len;
    } else if (enc == PQ_ENC_BIT_PACKED) {
        s = pq_bitpacked_levels_decode(in, bw, n, lv, &used, err);
    } else {
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected RLE or BIT_PACKED %s level encoding, found %s", what,
                       pq_encoding_name(enc));
    }
    PQ_TRY(drop_rel_offset(s, err));
    PQ_CHECK(err, used <= in.len, "%s levels used %zu bytes, only %zu in the page", what, used, in.len);
    dst->len += (size_t)n * sizeof(uint16_t);
    *pos += used;
    return PQ_OK;
}

/* Decode n v2 levels (RLE, no length prefix) from exactly `in`, appending
 * to dst; *uniform as for levels_v1. */
static pq_status levels_v2(pq_bytes in, int bw, int64_t n, pq_buf *dst, int32_t *uniform, pq_error *err)
{
    uint16_t *lv;
    *uniform = -1;
    PQ_TRY(level_space(dst, n, &lv, err));
    PQ_TRY(drop_rel_offset(pq_rle_decode_u16(in, bw, n, lv, NULL, err), err));
    *uniform = uniform_run(in, bw, n);
    dst->len += (size_t)n * sizeof(uint16_t);
    return PQ_OK;
}

/* Number of entries of lv[0..n) equal to eq; *over tells whether any exceeds max. */
static int64_t count_levels(const uint16_t *lv, int64_t n, uint16_t eq, uint16_t max, bool *over)
{
    int64_t c = 0;
    unsigned bad = 0;
    for (int64_t i = 0; i < n; i++) {
        c += lv[i] == eq;
        bad |= lv[i] > max;
    }
    *over = bad != 0;
    return c;
}

/* count_levels for n entries that all hold `value` (>= 0). */
static int64_t count_uniform(int32_t value, int64_t n, int eq, int max, bool *over)
{
    *over = value > max;
    return value == eq ? n : 0;
}

/* Check the n level entries the current page appended and count its
 * non-null values (*nn: entries at max_def) and records (*rows: entries
 * with rep 0).  Without levels every entry is a non-null value and a row. */
static pq_status scan_page_levels(const chunk_state *st, int64_t n, int64_t *nn, int64_t *rows, pq_error *err)
{
    const pq_leaf *leaf = st->leaf;
    bool over;
    *nn = *rows = n;
    if (n == 0) return PQ_OK;
    if (leaf->max_def > 0) {
        const uint16_t *def = (const uint16_t *)(const void *)st->out->def.data + (st->out->def.len / 2 - (size_t)n);
        *nn = st->def_uniform >= 0 ? count_uniform(st->def_uniform, n, leaf->max_def, leaf->max_def, &over)
                                   : count_levels(def, n, (uint16_t)leaf->max_def, (uint16_t)leaf->max_def, &over);
        PQ_CHECK(err, !over, "expected definition levels <= %d, found a larger one", leaf->max_def);
    }
    if (leaf->max_rep > 0) {
        const uint16_t *rep = (const uint16_t *)(const void *)st->out->rep.data + (st->out->rep.len / 2 - (size_t)n);
        *rows = st->rep_uniform >= 0 ? count_uniform(st->rep_uniform, n, 0, leaf->max_rep, &over)
                                     : count_levels(rep, n, 0, (uint16_t)leaf->max_rep, &over);
        PQ_CHECK(err, !over, "expected repetition levels <= %d, found a larger one", leaf->max_rep);
    }
    return PQ_OK;
}

/* ---------------------------------------------------------------- pages */

/* Check a data page's level count against what the chunk still expects. */
static pq_status check_page_count(const chunk_state *st, int32_t n, pq_error *err)
{
    PQ_CHECK(err, n >= 0, "expected a data page num_values >= 0, found %d", (int)n);
    PQ_CHECK(err, n <= st->levels_left,
             "expected at most %lld more values in the column chunk (ColumnMetaData.num_values %lld), found a page of %d",
             (long long)st->levels_left, (long long)st->meta->num_values, (int)n);
    return PQ_OK;
}

/* Decode the nn non-null values of a data page from `in` with encoding enc. */
static pq_status page_values(chunk_state *st, pq_encoding enc, pq_bytes in, int64_t nn, pq_error *err)
{
    if (nn == 0) return PQ_OK;
    const pq_values *dict = st->has_dict ? &st->cr->dict : NULL;
    return drop_rel_offset(pq_decode_values(enc, in, nn, dict, &st->out->values, err), err);
}

/* Account for a data page of n level entries that was read completely. */
static void page_done(chunk_state *st, int64_t n)
{
    st->out->n_levels += n;
    st->levels_left -= n;
    st->seen_data = true;
    st->data_pages++;
}

/* True when a compressed page section of `ulen` bytes is exactly the PLAIN
 * encoding of n values, so it can be decompressed straight into the output
 * values (their dense layout is the PLAIN one for every fixed-width type
 * but BOOLEAN), skipping the scratch buffer.  The section must hold only
 * values: `levels_apart` (v2 pages keep their levels outside the compressed
 * part, already decoded) or a leaf without levels. */
static bool direct_plain(const chunk_state *st, pq_encoding enc, int64_t n, int64_t ulen, bool levels_apart)
{
    const pq_values *v = &st->out->values;
    return st->meta->codec != PQ_CODEC_UNCOMPRESSED && enc == PQ_ENC_PLAIN &&
           (levels_apart || (st->leaf->max_def == 0 && st->leaf->max_rep == 0)) && v->width > 0 &&
           v->type != PQ_PHYS_BOOLEAN && n > 0 && ulen == n * (int64_t)v->width;
}

/* Decompress `stored` (ulen bytes of n PLAIN values, see direct_plain)
 * onto the end of the output values. */
static pq_status decode_direct(chunk_state *st, pq_bytes stored, int64_t n, int64_t ulen, pq_error *err)
{
    pq_column_reader *cr = st->cr;
    pq_values *v = &st->out->values;
    PQ_TRY(check_page_limit(st, ulen, "uncompressed", err));
    PQ_TRY(check_inflated_size(st, stored, ulen, err));
    if (!cr->codec) PQ_TRY(pq_codec_ctx_create(&cr->codec, cr->alloc, err));
    PQ_TRY(pq_buf_reserve(&v->data, (size_t)ulen, err));
    PQ_TRY(drop_rel_offset(
        pq_codec_decompress(cr->codec, st->meta->codec, stored, v->data.data + v->data.len, (size_t)ulen, err), err));
    v->data.len += (size_t)ulen;
    v->n += n;
    return PQ_OK;
}

/* Smallest number of PLAIN bytes n values of the leaf's type can take. */
static bool plain_fits(const pq_leaf *leaf, int64_t n, size_t avail)
{
    uint64_t need;
    switch (leaf->physical) {
    case PQ_PHYS_BOOLEAN: need = ((uint64_t)n + 7) / 8; break;
    case PQ_PHYS_BYTE_ARRAY: need = (uint64_t)n * 4; break;
    default: {
        int32_t w = pq_physical_width(leaf->physical, leaf->type_length);
        need = (uint64_t)n * (uint64_t)(w > 0 ? w : 1);
    }
    }
    return need <= avail;
}

static pq_status read_dict_page(chunk_state *st, const pq_page_header *h, pq_bytes stored, pq_error *err)
{
    const pq_dictionary_page_header *d = &h->dictionary_page;
    PQ_CHECK(err, h->has_dictionary_page, "expected a DictionaryPageHeader in a DICTIONARY_PAGE header");
    PQ_CHECK(err, !st->has_dict, "expected at most one dictionary page per column chunk, found a second one");
    PQ_CHECK(err, !st->seen_data, "expected the dictionary page before the data pages, found it after them");
    PQ_CHECK(err, d->num_values >= 0, "expected dictionary num_values >= 0, found %d", (int)d->num_values);
    PQ_CHECK(err, d->encoding == PQ_ENC_PLAIN || d->encoding == PQ_ENC_PLAIN_DICTIONARY,
             "expected a PLAIN or PLAIN_DICTIONARY dictionary page, found encoding %s",
             pq_encoding_name(d->encoding));
    pq_bytes body;
    PQ_TRY(page_body(st, stored, h->uncompressed_page_size, &body, err));
    PQ_CHECK(err, plain_fits(st->leaf, d->num_values, body.len),
             "expected room for %d dictionary values, found a page of %zu bytes", (int)d->num_values, body.len);
    PQ_TRY(drop_rel_offset(pq_plain_decode(body, d->num_values, &st->cr->dict, NULL, err), err));
    st->has_dict = true;
    return PQ_OK;
}

/* True when a compressed v1 page of a flat nullable leaf with PLAIN
 * fixed-width values can be inflated in place (see inflate_in_place). */
static bool in_place_v1(const chunk_state *st, pq_encoding enc, int64_t ulen)
{
    const pq_values *v = &st->out->values;
    return st->meta->codec != PQ_CODEC_UNCOMPRESSED && enc == PQ_ENC_PLAIN && st->leaf->max_rep == 0 &&
           st->leaf->max_def > 0 && v->width > 0 && v->type != PQ_PHYS_BOOLEAN && ulen > 0;
}

/* Decode the levels and values of a v1 page of n entries, `stored` inflated
 * (ulen bytes) straight into the output values instead of the scratch
 * buffer.  The page starts with its definition levels, whose length is
 * guessed from the previous page (st->level_bytes): the page is inflated to
 * that many bytes before the end of the values, so that a right guess puts
 * its values exactly where they belong.  The bytes of earlier values it
 * overwrites are saved and put back; a wrong guess costs one memmove. */
static pq_status inflate_in_place(chunk_state *st, pq_encoding enc, pq_encoding def_enc, pq_bytes stored, int64_t n,
                                  int64_t ulen, pq_error *err)
{
    pq_column_reader *cr = st->cr;
    pq_values *v = &st->out->values;
    uint8_t saved[64];
    size_t guess = st->level_bytes <= v->data.len && st->level_bytes <= sizeof saved ? st->level_bytes : 0;
    size_t pos = 0;
    int64_t nn, rows;
    PQ_TRY(check_page_limit(st, ulen, "uncompressed", err));
    PQ_TRY(check_inflated_size(st, stored, ulen, err));
    if (!cr->codec) PQ_TRY(pq_codec_ctx_create(&cr->codec, cr->alloc, err));
    PQ_TRY(pq_buf_reserve(&v->data, (size_t)ulen, err));
    uint8_t *end = v->data.data + v->data.len, *body = end - guess;
    memcpy(saved, body, guess);
    pq_status s = drop_rel_offset(pq_codec_decompress(cr->codec, st->meta->codec, stored, body, (size_t)ulen, err), err);
    pq_bytes page = pq_bytes_make(body, (size_t)ulen);
    if (s == PQ_OK)
        s = levels_v1(page, &pos, def_enc, st->def_bw, n, &st->out->def, &st->def_uniform, "definition", err);
    if (s == PQ_OK) s = scan_page_levels(st, n, &nn, &rows, err);
    size_t vbytes = (size_t)ulen - pos;
    if (s == PQ_OK && vbytes == (size_t)nn * (size_t)v->width) {
        if (pos != guess) memmove(end, body + pos, vbytes);
        memcpy(body, saved, guess);
        v->data.len += vbytes;
        v->n += nn;
        st->level_bytes = pos;
        return PQ_OK;
    }
    if (s == PQ_OK) {
        /* Not exactly nn PLAIN values: let the general decoder judge them,
         * from the scratch buffer (they overlap the output here). */
        cr->page.len = 0;
        s = pq_buf_reserve(&cr->page, vbytes ? vbytes : 1, err);
        if (s == PQ_OK) memcpy(cr->page.data, body + pos, vbytes);
    }
    memcpy(body, saved, guess);
    PQ_TRY(s);
    return page_values(st, enc, pq_bytes_make(cr->page.data, vbytes), nn, err);
}

static pq_status read_data_page_v1(chunk_state *st, const pq_page_header *h, pq_bytes stored, pq_error *err)
{
    const pq_data_page_header *d = &h->data_page;
    PQ_CHECK(err, h->has_data_page, "expected a DataPageHeader in a DATA_PAGE header");
    PQ_TRY(check_page_count(st, d->num_values, err));
    int64_t n = d->num_values, nn, rows;
    if (n == 0) return PQ_OK; /* an empty page: nothing to decode */
    if (direct_plain(st, d->encoding, n, h->uncompressed_page_size, false)) {
        PQ_TRY(decode_direct(st, stored, n, h->uncompressed_page_size, err));
        page_done(st, n);
        return PQ_OK;
    }
    if (in_place_v1(st, d->encoding, h->uncompressed_page_size)) {
        PQ_TRY(inflate_in_place(st, d->encoding, d->definition_level_encoding, stored, n, h->uncompressed_page_size,
                                err));
        page_done(st, n);
        return PQ_OK;
    }
    pq_bytes body;
    size_t pos = 0;
    PQ_TRY(page_body(st, stored, h->uncompressed_page_size, &body, err));
    if (st->leaf->max_rep > 0)
        PQ_TRY(levels_v1(body, &pos, d->repetition_level_encoding, st->rep_bw, n, &st->out->rep, &st->rep_uniform,
                         "repetition", err));
    if (st->leaf->max_def > 0)
        PQ_TRY(levels_v1(body, &pos, d->definition_level_encoding, st->def_bw, n, &st->out->def, &st->def_uniform,
                         "definition", err));
    PQ_TRY(scan_page_levels(st, n, &nn, &rows, err));
    PQ_TRY(page_values(st, d->encoding, tail(body, pos), nn, err));
    page_done(st, n);
    return PQ_OK;
}

/* Check the counts of a v2 header against each other and the levels read. */
static pq_status check_v2_counts(const chunk_state *st, const pq_data_page_header_v2 *v, int64_t nn, int64_t rows,
                                 pq_error *err)
{
    PQ_CHECK(err, (int64_t)v->num_values - v->num_nulls == nn,
             "expected num_values %d - num_nulls %d = %lld non-null values, found %lld entries at the maximum definition level",
             (int)v->num_values, (int)v->num_nulls, (long long)v->num_values - v->num_nulls, (long long)nn);
    PQ_CHECK(err, v->num_rows == rows, "expected num_rows %d in a DATA_PAGE_V2 header, found %lld records in its levels",
             (int)v->num_rows, (long long)rows);
    return PQ_OK;
}

static pq_status read_data_page_v2(chunk_state *st, const pq_page_header *h, pq_bytes stored, pq_error *err)
{
    const pq_data_page_header_v2 *v = &h->data_page_v2;
    PQ_CHECK(err, h->has_data_page_v2, "expected a DataPageHeaderV2 in a DATA_PAGE_V2 header");
    PQ_TRY(check_page_count(st, v->num_values, err));
    int64_t n = v->num_values, nn, rows;
    int64_t rl = v->repetition_levels_byte_length, dl = v->definition_levels_byte_length;
    PQ_CHECK(err, v->num_nulls >= 0 && v->num_nulls <= n, "expected 0 <= num_nulls <= %lld, found %d", (long long)n,
             (int)v->num_nulls);
    PQ_CHECK(err, rl >= 0 && dl >= 0 && rl + dl <= (int64_t)stored.len && rl + dl <= h->uncompressed_page_size,
             "expected level sections (%lld + %lld bytes) within the page of %zu bytes stored, %d uncompressed",
             (long long)rl, (long long)dl, stored.len, (int)h->uncompressed_page_size);
    if (n == 0) return PQ_OK; /* an empty page: nothing to decode */
    if (st->leaf->max_rep > 0)
        PQ_TRY(levels_v2(pq_bytes_make(stored.ptr, (size_t)rl), st->rep_bw, n, &st->out->rep, &st->rep_uniform, err));
    if (st->leaf->max_def > 0)
        PQ_TRY(levels_v2(pq_bytes_make(stored.ptr + rl, (size_t)dl), st->def_bw, n, &st->out->def, &st->def_uniform,
                         err));
    PQ_TRY(scan_page_levels(st, n, &nn, &rows, err));
    PQ_TRY(check_v2_counts(st, v, nn, rows, err));
    pq_bytes values = tail(stored, (size_t)(rl + dl));
    int64_t ulen = (int64_t)h->uncompressed_page_size - rl - dl;
    /* A zero-length values section is never handed to the codec
     * (datapage_v2_empty_datapage.snappy.parquet): it decodes to nothing. */
    if (v->is_compressed && values.len > 0 && direct_plain(st, v->encoding, nn, ulen, true)) {
        PQ_TRY(decode_direct(st, values, nn, ulen, err));
        page_done(st, n);
        return PQ_OK;
    }
    if (v->is_compressed && values.len > 0) PQ_TRY(page_body(st, values, ulen, &values, err));
    PQ_TRY(page_values(st, v->encoding, values, nn, err));
    page_done(st, n);
    return PQ_OK;
}

/* Decode the header of the page at st->pos; EOF inside the chunk is corruption. */
static pq_status read_header(chunk_state *st, pq_page_header *h, size_t *hlen, pq_error *err)
{
    pq_bytes rest = tail(st->bytes, st->pos);
    pq_status s = pq_meta_decode_page_header(rest, h, hlen, err);
    if (s == PQ_ERR_EOF) {
        if (err) err->where.offset = -1;
        return PQ_FAIL(err, PQ_ERR_CORRUPT,
                       "expected a complete page header before the end of the column chunk at offset %lld, found %zu bytes",
                       (long long)(st->start + (int64_t)st->bytes.len), rest.len);
    }
    if (s != PQ_OK) {
        /* Header offsets are relative to the header: make them absolute. */
        if (err && err->where.offset >= 0) err->where.offset += st->page_offset;
        return s;
    }
    if (*hlen > rest.len) return PQ_FAIL(err, PQ_ERR_INTERNAL, "page header decoder overran its input");
    return PQ_OK;
}

/* The stored bytes of the page whose header (hlen bytes) is at st->pos. */
static pq_status page_bytes(chunk_state *st, const pq_page_header *h, size_t hlen, pq_bytes *out, pq_error *err)
{
    size_t left = st->bytes.len - st->pos - hlen;
    PQ_CHECK(err, h->compressed_page_size >= 0, "expected compressed_page_size >= 0, found %d",
             (int)h->compressed_page_size);
    PQ_TRY(check_page_limit(st, h->compressed_page_size, "compressed", err));
    PQ_TRY(check_page_limit(st, h->uncompressed_page_size, "uncompressed", err));
    PQ_CHECK(err, (size_t)h->compressed_page_size <= left,
             "expected a page of %d bytes after its header, found %zu bytes left in the column chunk ending at offset %lld",
             (int)h->compressed_page_size, left, (long long)(st->start + (int64_t)st->bytes.len));
    *out = pq_bytes_make(st->bytes.ptr + st->pos + hlen, (size_t)h->compressed_page_size);
    return PQ_OK;
}

static pq_status check_crc(const chunk_state *st, const pq_page_header *h, pq_bytes stored, pq_error *err)
{
    if (!st->cr->verify_crc || !h->has_crc) return PQ_OK;
    uint32_t c = pq_crc32(0, stored.ptr, stored.len);
    if (c == h->crc) return PQ_OK;
    return PQ_FAIL(err, PQ_ERR_CHECKSUM, "page CRC mismatch: expected 0x%08x, computed 0x%08x", (unsigned)h->crc,
                   (unsigned)c);
}

/* Read pages until the chunk's num_values level entries are in. */
static pq_status read_pages(chunk_state *st, pq_error *err)
{
    while (st->levels_left > 0) {
        st->page++;
        st->page_offset = st->start + (int64_t)st->pos;
        PQ_CHECK(err, st->pos < st->bytes.len,
                 "expected %lld more values, found the end of the column chunk (ColumnMetaData.num_values %lld)",
                 (long long)st->levels_left, (long long)st->meta->num_values);
        pq_page_header h;
        size_t hlen;
        pq_bytes stored;
        PQ_TRY(read_header(st, &h, &hlen, err));
        PQ_TRY(page_bytes(st, &h, hlen, &stored, err));
        PQ_TRY(check_crc(st, &h, stored, err));
        switch (h.type) {
        case PQ_PAGE_DICTIONARY: PQ_TRY(read_dict_page(st, &h, stored, err)); break;
        case PQ_PAGE_DATA: PQ_TRY(read_data_page_v1(st, &h, stored, err)); break;
        case PQ_PAGE_DATA_V2: PQ_TRY(read_data_page_v2(st, &h, stored, err)); break;
        default: break; /* INDEX_PAGE and unknown page types: skipped by size */
        }
        st->pos += hlen + stored.len;
    }
    return PQ_OK;
}

/* ---------------------------------------------------------------- chunks */

/* Where the chunk's pages are: the minimum of the trustworthy offsets,
 * bounded by total_compressed_size and the start of the footer.  A
 * dictionary_page_offset is trusted only when it is >= 4 and before the
 * first data page (some writers store 0: dict-page-offset-zero.parquet). */
static pq_status chunk_bounds(const pq_chunk_ref *ref, int64_t *start, int64_t *len, pq_error *err)
{
    const pq_column_meta *m = &ref->chunk->meta_data;
    int64_t s = m->data_page_offset, end;
    if (m->has_dictionary_page_offset && m->dictionary_page_offset >= 4 && m->dictionary_page_offset < s)
        s = m->dictionary_page_offset;
    if (s < 4 || s >= ref->data_end) {
        pq_status st = PQ_FAIL(err, PQ_ERR_CORRUPT,
                               "expected the column chunk to start within [4, %lld), found data_page_offset %lld",
                               (long long)ref->data_end, (long long)m->data_page_offset);
        if (s >= 0) pq_error_at_offset(err, s);
        return st;
    }
    PQ_CHECK(err, m->total_compressed_size >= 0, "expected total_compressed_size >= 0, found %lld",
             (long long)m->total_compressed_size);
    if (pq_add_overflow_i64(s, m->total_compressed_size, &end) || end > ref->data_end) {
        pq_status st = PQ_FAIL(err, PQ_ERR_CORRUPT,
                               "expected column chunk [%lld, %lld + %lld) to end before the footer at offset %lld",
                               (long long)s, (long long)s, (long long)m->total_compressed_size,
                               (long long)ref->data_end);
        pq_error_at_offset(err, s);
        return st;
    }
    /* PARQUET-816: old parquet-mr left the dictionary page header out of
     * total_compressed_size; allow the pages to run that far past it. */
    end += ref->dict_header_pad < ref->data_end - end ? ref->dict_header_pad : ref->data_end - end;
    *start = s;
    *len = end - s;
    return PQ_OK;
}

/* Initialise the reusable dictionary for the leaf's type, keeping capacity
 * when the type is unchanged. */
static void dict_prepare(pq_column_reader *cr, const pq_leaf *leaf)
{
    if (cr->dict_ready && cr->dict.type == leaf->physical &&
        cr->dict.width == pq_physical_width(leaf->physical, leaf->type_length)) {
        pq_values_clear(&cr->dict);
        return;
    }
    if (cr->dict_ready) pq_values_reset(&cr->dict);
    pq_values_init(&cr->dict, leaf->physical, leaf->type_length, cr->alloc);
    cr->dict_ready = true;
}

/* min(a, b) for sizes. */
static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Reserve the output buffers for the chunk's num_values entries so pages
 * append without regrowing.  The counts are untrusted: the reservation is
 * capped by what the chunk's bytes can plausibly expand to, beyond which the
 * buffers simply grow on demand. */
static pq_status reserve_outputs(chunk_state *st, pq_error *err)
{
    size_t n = (size_t)st->meta->num_values;
    size_t cap = st->bytes.len > (SIZE_MAX - 65536) / 64 ? SIZE_MAX / 2 : st->bytes.len * 64 + 65536;
    pq_leaf_data *out = st->out;
    size_t nb;
    if (st->leaf->max_def > 0 && !pq_mul_overflow(n, 2, &nb)) PQ_TRY(pq_buf_reserve(&out->def, min_size(nb, cap), err));
    if (st->leaf->max_rep > 0 && !pq_mul_overflow(n, 2, &nb)) PQ_TRY(pq_buf_reserve(&out->rep, min_size(nb, cap), err));
    if (out->values.width > 0 && !pq_mul_overflow(n, (size_t)out->values.width, &nb))
        PQ_TRY(pq_buf_reserve(&out->values.data, min_size(nb, cap), err));
    if (st->leaf->physical == PQ_PHYS_BYTE_ARRAY && !pq_mul_overflow(n + 1, sizeof(int64_t), &nb))
        PQ_TRY(pq_buf_reserve(&out->values.offsets, min_size(nb, cap), err));
    return PQ_OK;
}

/* Check the chunk's metadata against the leaf and the row group. */
static pq_status check_chunk_meta(const pq_chunk_ref *ref, pq_error *err)
{
    const pq_column_chunk *c = ref->chunk;
    const pq_column_meta *m = &c->meta_data;
    if (c->encrypted)
        return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "encrypted column chunk (Parquet Modular Encryption) is not supported");
    PQ_CHECK(err, c->has_meta_data, "expected ColumnMetaData in the column chunk, found none");
    PQ_CHECK(err, m->type == ref->leaf->physical, "expected physical type %s for the column chunk, found %s",
             pq_physical_name(ref->leaf->physical), pq_physical_name(m->type));
    PQ_CHECK(err, m->num_values >= 0, "expected num_values >= 0, found %lld", (long long)m->num_values);
    /* Without repetition every row is exactly one level entry. */
    PQ_CHECK(err, ref->leaf->max_rep > 0 || m->num_values == ref->num_rows,
             "expected num_values %lld to equal the row group's %lld rows", (long long)m->num_values,
             (long long)ref->num_rows);
    return PQ_OK;
}

/* The body of pq_column_reader_read, before error locations are added. */
static pq_status read_chunk(chunk_state *st, const pq_source *src, pq_error *err)
{
    const pq_chunk_ref *ref = st->ref;
    int64_t start = 0, len = 0;
    PQ_TRY(check_chunk_meta(ref, err));
    st->levels_left = st->meta->num_values;
    if (st->levels_left == 0) return PQ_OK;
    PQ_TRY(chunk_bounds(ref, &start, &len, err));
    pq_source_will_need(src, start, len);
    PQ_TRY(pq_source_read(src, start, len, &st->cr->io, &st->bytes, err));
    st->start = start;
    st->def_bw = pq_bit_width_of((uint64_t)st->leaf->max_def);
    st->rep_bw = pq_bit_width_of((uint64_t)st->leaf->max_rep);
    dict_prepare(st->cr, st->leaf);
    PQ_TRY(reserve_outputs(st, err));
    return read_pages(st, err);
}

/* Add the chunk's data location to a failure. */
static pq_status locate(const chunk_state *st, pq_status s, pq_error *err)
{
    if (s == PQ_OK || !err) return s;
    err->where.row_group = st->ref->row_group;
    err->where.column = st->ref->column;
    if (st->page >= 0) err->where.page = st->page;
    if (err->where.offset < 0) {
        if (st->page_offset >= 0) err->where.offset = st->page_offset;
        else if (st->ref->chunk->has_meta_data && st->meta->data_page_offset >= 0)
            err->where.offset = st->meta->data_page_offset;
    }
    snprintf(err->column_path, sizeof err->column_path, "%s", st->leaf->path ? st->leaf->path : "");
    return s;
}

/* A fresh chunk state for reading ref's chunk into out. */
static void chunk_start(chunk_state *st, pq_column_reader *cr, const pq_chunk_ref *ref, pq_leaf_data *out)
{
    memset(st, 0, sizeof *st);
    st->cr = cr;
    st->ref = ref;
    st->leaf = ref->leaf;
    st->meta = &ref->chunk->meta_data;
    st->out = out;
    st->page = -1;
    st->page_offset = -1;
}

pq_status pq_column_reader_read(pq_column_reader *cr, const pq_source *src, const pq_chunk_ref *ref,
                                pq_leaf_data *out, pq_error *err)
{
    chunk_state st;
    bool fresh = out->n_levels == 0;
    chunk_start(&st, cr, ref, out);
    pq_status s = locate(&st, read_chunk(&st, src, err), err);
    out->def_counted = s == PQ_OK && fresh; /* every page went through scan_page_levels */
    return s;
}

/* ------------------------------------------------------ selected rows */

/* Append the rows [first, first + count) to spans, merged with the last
 * span when adjacent. */
static pq_status add_span(pq_buf *spans, int64_t first, int64_t count, pq_error *err)
{
    if (count <= 0) return PQ_OK;
    if (spans->len >= sizeof(pq_row_span)) {
        pq_row_span *last = (pq_row_span *)(void *)(spans->data + spans->len - sizeof *last);
        if (last->first + last->count == first) {
            last->count += count;
            return PQ_OK;
        }
    }
    pq_row_span sp = {first, count};
    return pq_buf_append(spans, &sp, sizeof sp, err);
}

/* True when a row of [lo, hi) is set in the bitmap. */
static bool any_wanted(const uint64_t *want, int64_t lo, int64_t hi)
{
    while (lo < hi) {
        uint64_t x = want[lo >> 6] >> (lo & 63);
        if (x) return lo + __builtin_ctzll(x) < hi;
        lo = (lo | 63) + 1;
    }
    return false;
}

/* True when oi can be trusted to locate the data pages of a chunk stored
 * in [start, end) holding num_rows rows: pages in file order inside the
 * chunk without overlap, first rows starting at 0 and increasing strictly
 * below num_rows.  Anything else is read as a whole chunk instead. */
static bool locations_ok(const pq_offset_index *oi, int64_t start, int64_t end, int64_t num_rows)
{
    if (!oi || oi->n_pages <= 0 || !oi->page_locations) return false;
    int64_t prev_end = start, prev_row = -1;
    for (int32_t p = 0; p < oi->n_pages; p++) {
        const pq_page_location *loc = &oi->page_locations[p];
        int64_t e;
        if (loc->offset < prev_end || loc->compressed_page_size <= 0 ||
            pq_add_overflow_i64(loc->offset, loc->compressed_page_size, &e) || e > end)
            return false;
        if ((p == 0 && loc->first_row_index != 0) || loc->first_row_index <= prev_row ||
            loc->first_row_index >= num_rows)
            return false;
        prev_end = e;
        prev_row = loc->first_row_index;
    }
    return true;
}

/* Point st->bytes at [off, off + len) of the source: the only bytes of
 * the chunk fetched for the next page(s). */
static pq_status load_range(chunk_state *st, const pq_source *src, int64_t off, int64_t len, pq_error *err)
{
    pq_source_will_need(src, off, len);
    PQ_TRY(pq_source_read(src, off, len, &st->cr->io, &st->bytes, err));
    st->start = off;
    st->pos = 0;
    return PQ_OK;
}

/* Read the pages in [start, end), before the first data page the offset
 * index lists: the dictionary page (index pages are skipped).  A data page
 * there means the offset index left it out: corruption. */
static pq_status read_dict_area(chunk_state *st, const pq_source *src, int64_t start, int64_t end, pq_error *err)
{
    if (end <= start) return PQ_OK;
    PQ_TRY(load_range(st, src, start, end - start, err));
    while (st->pos < st->bytes.len) {
        pq_page_header h;
        size_t hlen;
        pq_bytes stored;
        st->page++;
        st->page_offset = st->start + (int64_t)st->pos;
        PQ_TRY(read_header(st, &h, &hlen, err));
        PQ_TRY(page_bytes(st, &h, hlen, &stored, err));
        PQ_TRY(check_crc(st, &h, stored, err));
        PQ_CHECK(err, h.type != PQ_PAGE_DATA && h.type != PQ_PAGE_DATA_V2,
                 "expected the offset index to list every data page, found one before its first page at offset %lld",
                 (long long)end);
        if (h.type == PQ_PAGE_DICTIONARY) PQ_TRY(read_dict_page(st, &h, stored, err));
        st->pos += hlen + stored.len;
    }
    return PQ_OK;
}

/* Number of entries of lv[0..n) equal to 0 (rows started). */
static int64_t count_row_starts(const uint16_t *lv, int64_t n)
{
    int64_t c = 0;
    for (int64_t i = 0; i < n; i++) c += lv[i] == 0;
    return c;
}

/* Read the data page at `loc`, which the offset index says holds `rows`
 * rows, and check that it does.  Exactly the located bytes are fetched
 * (header included), so pq_reader_bytes_read shows what skipping saved; a
 * page header that claims more than its location is corrupt.  A location
 * size that is not positive or runs past the chunk is not trusted: then
 * the page header alone decides, up to the chunk end. */
static pq_status read_located_page(chunk_state *st, const pq_source *src, const pq_page_location *loc,
                                   int64_t chunk_end, int64_t rows, pq_error *err)
{
    int64_t len = loc->compressed_page_size;
    if (len <= 0 || len > chunk_end - loc->offset) len = chunk_end - loc->offset;
    pq_page_header h;
    size_t hlen;
    pq_bytes stored;
    PQ_TRY(load_range(st, src, loc->offset, len, err));
    st->page_offset = loc->offset;
    PQ_TRY(read_header(st, &h, &hlen, err));
    PQ_TRY(page_bytes(st, &h, hlen, &stored, err));
    PQ_TRY(check_crc(st, &h, stored, err));
    int64_t before = st->out->n_levels;
    size_t rep0 = st->out->rep.len / 2;
    if (h.type == PQ_PAGE_DATA) PQ_TRY(read_data_page_v1(st, &h, stored, err));
    else if (h.type == PQ_PAGE_DATA_V2) PQ_TRY(read_data_page_v2(st, &h, stored, err));
    else
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a data page where the offset index locates one, found page type %d",
                       (int)h.type);
    int64_t n = st->out->n_levels - before, got = n;
    if (st->leaf->max_rep > 0 && n > 0) {
        const uint16_t *rep = (const uint16_t *)(const void *)st->out->rep.data + rep0;
        PQ_CHECK(err, rep[0] == 0, "expected the page to start a row (repetition level 0), found %u", rep[0]);
        got = count_row_starts(rep, n);
    }
    PQ_CHECK(err, got == rows, "expected %lld rows in the page (offset index), found %lld", (long long)rows,
             (long long)got);
    return PQ_OK;
}

/* Read the located data pages holding a wanted row (and the dictionary
 * area before them when any is read). */
static pq_status read_selected(chunk_state *st, const pq_source *src, const pq_offset_index *oi, int64_t start,
                               int64_t end, const uint64_t *want, pq_buf *spans, pq_page_counts *counts,
                               pq_error *err)
{
    int64_t num_rows = st->ref->num_rows;
    int32_t np = oi->n_pages;
    const pq_page_location *locs = oi->page_locations;
    bool any = false;
    for (int32_t p = 0; p < np && !any; p++)
        any = any_wanted(want, locs[p].first_row_index, p + 1 < np ? locs[p + 1].first_row_index : num_rows);
    if (!any) {
        counts->skipped += np;
        return PQ_OK;
    }
    st->def_bw = pq_bit_width_of((uint64_t)st->leaf->max_def);
    st->rep_bw = pq_bit_width_of((uint64_t)st->leaf->max_rep);
    dict_prepare(st->cr, st->leaf);
    PQ_TRY(read_dict_area(st, src, start, locs[0].offset, err));
    int64_t base = st->page + 1;
    for (int32_t p = 0; p < np; p++) {
        int64_t lo = locs[p].first_row_index, hi = p + 1 < np ? locs[p + 1].first_row_index : num_rows;
        if (!any_wanted(want, lo, hi)) {
            counts->skipped++;
            continue;
        }
        st->page = base + p;
        PQ_TRY(read_located_page(st, src, &locs[p], end, hi - lo, err));
        counts->read++;
        PQ_TRY(add_span(spans, lo, hi - lo, err));
    }
    return PQ_OK;
}

/* The body of pq_column_reader_read_rows, before error locations are added. */
static pq_status read_rows(chunk_state *st, const pq_source *src, const pq_offset_index *oi, const uint64_t *want,
                           pq_buf *spans, pq_page_counts *counts, pq_error *err)
{
    const pq_chunk_ref *ref = st->ref;
    if (want && oi) {
        int64_t start = 0, len = 0;
        PQ_TRY(check_chunk_meta(ref, err));
        st->levels_left = st->meta->num_values;
        if (st->levels_left > 0) {
            PQ_TRY(chunk_bounds(ref, &start, &len, err));
            if (locations_ok(oi, start, start + len, ref->num_rows))
                return read_selected(st, src, oi, start, start + len, want, spans, counts, err);
        }
    }
    PQ_TRY(read_chunk(st, src, err));
    counts->read += st->data_pages;
    return add_span(spans, 0, ref->num_rows, err);
}

pq_status pq_column_reader_read_rows(pq_column_reader *cr, const pq_source *src, const pq_chunk_ref *ref,
                                     const pq_offset_index *oi, const uint64_t *want, pq_leaf_data *out,
                                     pq_buf *spans, pq_page_counts *counts, pq_error *err)
{
    chunk_state st;
    bool fresh = out->n_levels == 0;
    chunk_start(&st, cr, ref, out);
    pq_status s = locate(&st, read_rows(&st, src, oi, want, spans, counts, err), err);
    out->def_counted = s == PQ_OK && fresh; /* every page read went through scan_page_levels */
    return s;
}
