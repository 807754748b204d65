/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_hostile.c - the whole reader against hostile input:
 * every damaged file must end in PQ_OK or a clean error (a status of the
 * "bad data" class with a message and the file name in err.path), never a
 * crash, a hang, PQ_ERR_INTERNAL or an allocation the file does not justify.
 *
 *  - mutants: every .parquet (and .parquet.encrypted) file of parquet-testing
 *    data/ is damaged in deterministic ways and each copy is read fully
 *    (open, page indexes of every leaf, every row group, arrays validated):
 *      truncations at every length of the last 64 bytes and at 32 lengths
 *      spread over the file; data cut short under an intact footer at page
 *      header and body boundaries; bit flips from a seeded PRNG spread over
 *      the whole file, concentrated in the footer and in the page headers;
 *      bytes set to 0xff in the footer (extends varints: huge counts/sizes);
 *      field surgery: one size or count field of a page header or of the
 *      footer set to a hostile value (2^29, INT32_MAX, 2^40...) in an
 *      otherwise valid file, the header re-encoded and the footer's offsets
 *      shifted to match, plus an unchanged re-encoding as a control.
 *    Half the mutants are read with verify_crc on, half with it off (so
 *    damage inside checksummed pages reaches the decompressors and decoders).
 *  - allocation bound: all memory goes through a metering pq_allocator that
 *    refuses any single request above cap(file) = 64 MiB + 16 x file size.
 *    Why this cap: a single buffer of a valid file is a page (decompressed),
 *    a dictionary or a column chunk's levels/values; on every original of the
 *    corpus the largest request is far below it (checked here, file by
 *    file), while a size field whose value is trusted before being checked
 *    (varint bit flipped to 2^30) exceeds it.  A mutant that ends in
 *    PQ_ERR_NOMEM therefore means the reader tried to allocate from an
 *    unchecked size field, and fails the test (set PQ_HOSTILE_VERBOSE=1 to
 *    get the allocation's stack under ASan).  Every mutant also frees
 *    everything it allocated.
 *  - bad_data/: each file ends in its exact status with a message naming the
 *    problem; ARROW-GH-43605 reads.
 *  - encrypted files: "encrypted Parquet is not supported" at open (PARE
 *    footer) or at read (plaintext footer with encrypted columns).
 *
 * large_string_map.brotli.parquet is skipped: valid, it decodes to > 2 GiB.
 * Hang guard: alarm(600) in main (and CTest's timeout).  About 37,000
 * mutants; ~17 s of CPU under ASan+UBSan.
 */
#include "parquant/parquet.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "harness.h"
#include "parquet/metadata.h"
#include "../../fuzz/fuzz_common.h" /* fuzz_clean_status: the statuses bad input may produce */

#ifndef PQ_SHARED_DIR
#define PQ_SHARED_DIR "/work/shared"
#endif
#define DATA_DIR PQ_SHARED_DIR "/parquet-testing/data"
#define BAD_DIR PQ_SHARED_DIR "/parquet-testing/bad_data"

/* Under ASan, print the stack of a refused allocation (PQ_HOSTILE_VERBOSE). */
extern void __sanitizer_print_stack_trace(void) __attribute__((weak));

/* ======================================================= metering allocator */

/* Every block carries its size in a header so that frees can be counted. */
#define METER_HDR 16

typedef struct meter {
    size_t live;      /* bytes currently allocated */
    size_t peak;      /* max of live */
    size_t largest;   /* largest single request granted */
    size_t cap;       /* requests above this are refused */
    size_t refused;   /* largest refused request, 0 = none */
    bool verbose;     /* print the stack of refused requests */
} meter;

static bool meter_admit(meter *m, size_t n)
{
    if (n <= m->cap) return true;
    if (n > m->refused) m->refused = n;
    if (m->verbose && __sanitizer_print_stack_trace) {
        fprintf(stderr, "  refused allocation of %zu bytes (cap %zu):\n", n, m->cap);
        __sanitizer_print_stack_trace();
    }
    return false;
}

static void meter_account(meter *m, size_t old_n, size_t new_n)
{
    m->live = m->live - old_n + new_n;
    if (m->live > m->peak) m->peak = m->live;
    if (new_n > m->largest) m->largest = new_n;
}

static void *meter_alloc(void *ctx, size_t n)
{
    meter *m = (meter *)ctx;
    if (!meter_admit(m, n)) return NULL;
    unsigned char *p = (unsigned char *)malloc(n + METER_HDR);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    meter_account(m, 0, n);
    return p + METER_HDR;
}

static void *meter_realloc(void *ctx, void *ptr, size_t n)
{
    meter *m = (meter *)ctx;
    if (!ptr) return meter_alloc(ctx, n);
    if (!meter_admit(m, n)) return NULL;
    unsigned char *base = (unsigned char *)ptr - METER_HDR;
    size_t old;
    memcpy(&old, base, sizeof old);
    unsigned char *q = (unsigned char *)realloc(base, n + METER_HDR);
    if (!q) return NULL;
    memcpy(q, &n, sizeof n);
    meter_account(m, old, n);
    return q + METER_HDR;
}

static void meter_free(void *ctx, void *ptr)
{
    meter *m = (meter *)ctx;
    if (!ptr) return;
    unsigned char *base = (unsigned char *)ptr - METER_HDR;
    size_t old;
    memcpy(&old, base, sizeof old);
    m->live -= old;
    free(base);
}

static void meter_init(meter *m, size_t cap)
{
    memset(m, 0, sizeof *m);
    m->cap = cap;
    const char *v = getenv("PQ_HOSTILE_VERBOSE");
    m->verbose = v && v[0] && v[0] != '0';
}

/* The bound on one allocation for a file of `len` bytes (see the header). */
#ifndef HOSTILE_CAP_BASE
#define HOSTILE_CAP_BASE ((size_t)64 << 20)
#endif
static size_t alloc_cap(size_t len) { return HOSTILE_CAP_BASE + 16 * len; }

/* ============================================================ read a file */

/* Outcome of one full read: the first failure, or PQ_OK. */
typedef struct outcome {
    pq_status status;
    pq_error err;
    int bad_msg;     /* failures with an empty message or a wrong err.path */
    int bad_status;  /* failures with a status outside the bad-data class */
    int bad_array;   /* PQ_OK tables that do not validate */
    pq_status worst; /* the first out-of-class status seen */
} outcome;

/* Record the status of one call into `o`. */
static void note(outcome *o, pq_status s, const pq_error *err, const char *name)
{
    if (s == PQ_OK) return;
    if (o->status == PQ_OK) {
        o->status = s;
        o->err = *err;
    }
    if (!fuzz_clean_status(s)) {
        if (!o->bad_status) {
            o->worst = s;
            o->err = *err;
        }
        o->bad_status++;
    }
    if (err->message[0] == 0 || strcmp(err->path, name) != 0) o->bad_msg++;
}

/* Open `data`, look up every page index, read every row group (continuing
 * after a failed one: the reader must stay usable), close. */
static outcome read_all(const uint8_t *data, size_t len, const char *name, bool crc, meter *m)
{
    outcome o;
    memset(&o, 0, sizeof o);
    pq_allocator a = {meter_alloc, meter_realloc, meter_free, m};
    pq_reader_options opts;
    pq_reader_options_init(&opts);
    opts.alloc = &a;
    opts.threads = 1;
    opts.verify_crc = crc;
    pq_reader *r = NULL;
    pq_error err;
    pq_error_clear(&err);
    pq_status s = pq_reader_open_memory(&r, data, len, name, &opts, &err);
    note(&o, s, &err, name);
    if (s != PQ_OK) return o;
    for (int64_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        for (int64_t leaf = 0; leaf < pq_reader_num_leaves(r); leaf++) {
            const pq_column_index *ci;
            const pq_offset_index *oi;
            note(&o, pq_reader_column_index(r, g, leaf, &ci, &err), &err, name);
            note(&o, pq_reader_offset_index(r, g, leaf, &oi, &err), &err, name);
        }
        pq_table t;
        s = pq_reader_read_row_group(r, g, &t, &err);
        note(&o, s, &err, name);
        for (int64_t c = 0; s == PQ_OK && c < t.schema.n_fields; c++)
            if (pq_array_validate(&t.columns[c], &err) != PQ_OK) o.bad_array++;
        pq_table_reset(&t);
    }
    pq_reader_close(r);
    return o;
}

/* ================================================================ mutants */

/* splitmix64: a fixed, seedable sequence. */
static uint64_t rng_next(uint64_t *st)
{
    uint64_t z = (*st += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static size_t rng_below(uint64_t *st, size_t n) { return n ? (size_t)(rng_next(st) % n) : 0; }

/* What is known of the original file. */
typedef struct original {
    const char *name;   /* relative to data/ */
    const uint8_t *data;
    size_t len;
    size_t footer_at;   /* first byte of the FileMetaData (len - 8 - footer length) */
    size_t *pages;      /* header start and body start of every page found, sorted by walk */
    size_t n_pages;     /* entries in pages */
    size_t chunk_end;   /* end of the last column chunk (0 when unknown) */
} original;

/* Totals over all mutants, for the summary line. */
typedef struct tally {
    long mutants, ok, failed_clean, refused_alloc, problems;
} tally;

static tally totals;

/* Read one mutant and check its outcome; `what` describes the mutation. */
static void check_mutant(const original *f, const uint8_t *bytes, size_t len, bool crc, const char *what)
{
    uint8_t *copy = (uint8_t *)malloc(len ? len : 1); /* exact size: ASan sees overreads */
    if (!copy) return;
    memcpy(copy, bytes, len);
    meter m;
    meter_init(&m, alloc_cap(f->len));
    outcome o = read_all(copy, len, f->name, crc, &m);
    free(copy);
    totals.mutants++;
    if (o.status == PQ_OK) totals.ok++;
    else totals.failed_clean++;
    bool fine = o.bad_status == 0 && o.bad_msg == 0 && o.bad_array == 0 && m.refused == 0 && m.live == 0;
    if (m.refused) totals.refused_alloc++;
    if (!fine) {
        totals.problems++;
        char msg[1024];
        fprintf(stderr, "  %s [%s, crc %s]: status %d%s%s%s%s: %s (%s:%d %s)\n", f->name, what, crc ? "on" : "off",
                (int)(o.bad_status ? o.worst : o.status), o.bad_status ? " (not a bad-data status)" : "",
                o.bad_msg ? " (empty message or wrong err.path)" : "", o.bad_array ? " (invalid array)" : "",
                m.live ? " (leak)" : "", pq_error_format(&o.err, msg, sizeof msg),
                o.err.src_file ? o.err.src_file : "?", o.err.src_line, o.err.src_func ? o.err.src_func : "?");
        if (m.refused)
            fprintf(stderr, "    refused a single allocation of %zu bytes (cap %zu, file %zu bytes)\n", m.refused,
                    m.cap, f->len);
    }
    CHECK(o.bad_status == 0);
    CHECK(o.bad_msg == 0);
    CHECK(o.bad_array == 0);
    CHECK(m.refused == 0);
    CHECK(m.live == 0);
}

/* (a) truncations: every length of the last 64 bytes, 32 spread lengths. */
static void mutate_truncate(const original *f)
{
    char what[64];
    size_t from = f->len > 64 ? f->len - 64 : 0;
    for (size_t n = from; n < f->len; n++) {
        snprintf(what, sizeof what, "truncated to %zu", n);
        check_mutant(f, f->data, n, n % 2 == 0, what);
    }
    for (size_t k = 0; k < 32; k++) {
        size_t n = f->len * k / 32;
        snprintf(what, sizeof what, "truncated to %zu", n);
        check_mutant(f, f->data, n, false, what);
    }
}

/* (a') data cut short at a page boundary while the footer stays: the file
 * becomes data[0..cut) + the footer's 8+N bytes, so offsets point past the
 * data or into the footer.  About 48 cuts, spread over the pages. */
static void mutate_cut_pages(const original *f)
{
    if (f->n_pages == 0 || f->footer_at > f->len) return;
    size_t foot = f->len - f->footer_at;
    uint8_t *buf = (uint8_t *)malloc(f->len);
    if (!buf) return;
    size_t step = f->n_pages / 24 + 1;
    for (size_t i = 0; i < f->n_pages; i += step) {
        for (int d = 0; d < 2; d++) {
            size_t cut = f->pages[i] + (size_t)d; /* at the boundary, and one byte into it */
            if (cut < 4 || cut >= f->footer_at) continue;
            memcpy(buf, f->data, cut);
            memcpy(buf + cut, f->data + f->footer_at, foot);
            char what[64];
            snprintf(what, sizeof what, "data cut at %zu under the footer", cut);
            check_mutant(f, buf, cut + foot, d == 1, what);
        }
    }
    free(buf);
}

/* Flip one bit at `pos` and read. */
static void flip_one(const original *f, uint8_t *buf, size_t pos, int bit, bool crc, const char *region)
{
    char what[96];
    buf[pos] ^= (uint8_t)(1u << bit);
    snprintf(what, sizeof what, "bit %d of byte %zu flipped (%s)", bit, pos, region);
    check_mutant(f, buf, f->len, crc, what);
    buf[pos] ^= (uint8_t)(1u << bit);
}

/* (b) bit flips: 96 anywhere, 96 in the footer, 64 in page headers, and 32
 * footer bytes set to 0xff.  The PRNG is seeded from the file's name so that
 * a failure reproduces. */
static void mutate_flips(const original *f)
{
    uint64_t st = UINT64_C(0x5eed);
    for (const char *p = f->name; *p; p++) st = st * 131 + (uint8_t)*p;
    uint8_t *buf = (uint8_t *)malloc(f->len);
    if (!buf) return;
    memcpy(buf, f->data, f->len);
    for (int i = 0; i < 96; i++) {
        size_t pos = rng_below(&st, f->len);
        flip_one(f, buf, pos, (int)rng_below(&st, 8), i % 2 == 0, "anywhere");
    }
    size_t flen = f->len - 8 > f->footer_at ? f->len - 8 - f->footer_at : 0;
    for (int i = 0; flen && i < 96; i++) {
        size_t pos = f->footer_at + rng_below(&st, flen);
        flip_one(f, buf, pos, (int)rng_below(&st, 8), i % 2 == 0, "footer");
    }
    for (int i = 0; f->n_pages && i < 64; i++) {
        /* a byte among the first 24 of a page header: sizes and counts live there */
        size_t hdr = f->pages[2 * rng_below(&st, f->n_pages / 2)];
        size_t pos = hdr + rng_below(&st, 24);
        if (pos >= f->len) continue;
        flip_one(f, buf, pos, (int)rng_below(&st, 8), i % 2 == 0, "page header");
    }
    for (int i = 0; flen && i < 32; i++) {
        size_t pos = f->footer_at + rng_below(&st, flen);
        uint8_t keep = buf[pos];
        buf[pos] = 0xff;
        char what[96];
        snprintf(what, sizeof what, "byte %zu set to 0xff (footer)", pos);
        check_mutant(f, buf, f->len, false, what);
        buf[pos] = keep;
    }
    free(buf);
}

/* ============================================================== surgery */

/* Field surgery: a size or count field set to a hostile value in a
 * structurally valid file.  Bit flips rarely produce a value like 2^30 in a
 * varint; here the page header (or the footer) is decoded, one field is
 * changed, the header re-encoded and spliced in, and every footer offset
 * past the splice shifted by the length difference, so that the reader
 * meets exactly one lie.  The file's own footer is re-encoded as well. */

typedef enum field_edit {
    ED_NONE,            /* control: re-encoded but unchanged, must still read */
    ED_USIZE_HUGE,      /* uncompressed_page_size = 2^29 */
    ED_USIZE_MAX,       /* uncompressed_page_size = INT32_MAX */
    ED_USIZE_PLUS1,     /* uncompressed_page_size + 1 */
    ED_CSIZE_MAX,       /* compressed_page_size = INT32_MAX */
    ED_NVALUES_MAX,     /* num_values (data, dictionary or v2 page) = INT32_MAX */
    ED_NVALUES_HUGE,    /* num_values = 2^26 */
    ED_V2_NULLS_MAX,    /* v2 num_nulls = INT32_MAX */
    ED_V2_ROWS_MAX,     /* v2 num_rows = INT32_MAX */
    ED_V2_DEFLEN_MAX,   /* v2 definition_levels_byte_length = INT32_MAX */
    ED_V2_REPLEN_BIG,   /* v2 repetition_levels_byte_length = uncompressed_page_size + 1 */
    ED_PAGE_EDITS,
    /* footer edits, applied to one column chunk / its row group / its leaf */
    ED_CHUNK_NVALUES = ED_PAGE_EDITS, /* ColumnMetaData.num_values = 2^40 */
    ED_CHUNK_NVALUES_I32,   /* num_values = INT32_MAX */
    ED_CHUNK_CSIZE,         /* total_compressed_size = 2^40 */
    ED_CHUNK_USIZE,         /* total_uncompressed_size = 2^40 */
    ED_CHUNK_OFFSET,        /* data_page_offset = 2^40 */
    ED_RG_ROWS,             /* RowGroup.num_rows = 2^40 */
    ED_RG_ROWS_I32,         /* num_rows = INT32_MAX */
    ED_TYPE_LENGTH,         /* the leaf's type_length = 2^30 (FIXED_LEN_BYTE_ARRAY only) */
    ED_INDEX_LEN,           /* column/offset index length = INT32_MAX */
    ED_EDITS
} field_edit;

static const char *const edit_names[ED_EDITS] = {
    "none", "uncompressed_page_size 2^29", "uncompressed_page_size INT32_MAX", "uncompressed_page_size + 1",
    "compressed_page_size INT32_MAX", "num_values INT32_MAX", "num_values 2^26", "v2 num_nulls INT32_MAX",
    "v2 num_rows INT32_MAX", "v2 definition_levels_byte_length INT32_MAX",
    "v2 repetition_levels_byte_length usize+1", "chunk num_values 2^40", "chunk num_values INT32_MAX",
    "chunk total_compressed_size 2^40", "chunk total_uncompressed_size 2^40", "chunk data_page_offset 2^40",
    "row group num_rows 2^40", "row group num_rows INT32_MAX", "leaf type_length 2^30", "page index length INT32_MAX",
};

/* Apply a page edit to h; false when it does not apply to this page kind. */
static bool edit_page(pq_page_header *h, field_edit e)
{
    int32_t *nv = h->has_data_page ? &h->data_page.num_values
                  : h->has_dictionary_page ? &h->dictionary_page.num_values
                  : h->has_data_page_v2 ? &h->data_page_v2.num_values : NULL;
    switch (e) {
    case ED_NONE: return true;
    case ED_USIZE_HUGE: h->uncompressed_page_size = 1 << 29; return true;
    case ED_USIZE_MAX: h->uncompressed_page_size = INT32_MAX; return true;
    case ED_USIZE_PLUS1: h->uncompressed_page_size++; return true;
    case ED_CSIZE_MAX: h->compressed_page_size = INT32_MAX; return true;
    case ED_NVALUES_MAX: if (nv) *nv = INT32_MAX; return nv != NULL;
    case ED_NVALUES_HUGE: if (nv) *nv = 1 << 26; return nv != NULL;
    case ED_V2_NULLS_MAX: h->data_page_v2.num_nulls = INT32_MAX; return h->has_data_page_v2;
    case ED_V2_ROWS_MAX: h->data_page_v2.num_rows = INT32_MAX; return h->has_data_page_v2;
    case ED_V2_DEFLEN_MAX: h->data_page_v2.definition_levels_byte_length = INT32_MAX; return h->has_data_page_v2;
    case ED_V2_REPLEN_BIG:
        h->data_page_v2.repetition_levels_byte_length = h->uncompressed_page_size + 1;
        return h->has_data_page_v2;
    default: return false;
    }
}

/* Apply a footer edit to chunk (g, c) of m; false when it does not apply. */
static bool edit_footer(pq_file_metadata *m, int32_t g, int32_t c, field_edit e)
{
    pq_row_group_meta *rg = &m->row_groups[g];
    pq_column_chunk *cc = &rg->columns[c];
    pq_column_meta *cm = &cc->meta_data;
    const int64_t big = (int64_t)1 << 40;
    switch (e) {
    case ED_CHUNK_NVALUES: cm->num_values = big; return true;
    case ED_CHUNK_NVALUES_I32: cm->num_values = INT32_MAX; return true;
    case ED_CHUNK_CSIZE: cm->total_compressed_size = big; return true;
    case ED_CHUNK_USIZE: cm->total_uncompressed_size = big; return true;
    case ED_CHUNK_OFFSET: cm->data_page_offset = big; return true;
    case ED_RG_ROWS: rg->num_rows = big; return true;
    case ED_RG_ROWS_I32: rg->num_rows = INT32_MAX; return true;
    case ED_TYPE_LENGTH:
        /* schema element of the leaf: the (c+1)-th element with a type */
        for (int32_t i = 0, leaf = -1; i < m->n_schema; i++)
            if (m->schema[i].has_type && ++leaf == c) {
                if (m->schema[i].type != PQ_PHYS_FIXED_LEN_BYTE_ARRAY) return false;
                m->schema[i].type_length = 1 << 30;
                return true;
            }
        return false;
    case ED_INDEX_LEN:
        if (!cc->has_offset_index && !cc->has_column_index) return false;
        if (cc->has_offset_index) cc->offset_index_length = INT32_MAX;
        if (cc->has_column_index) cc->column_index_length = INT32_MAX;
        return true;
    default: return false;
    }
}

/* Shift an offset that lies at or after `from` by delta. */
static void shift(int64_t *off, int64_t from, int64_t delta)
{
    if (*off >= from) *off += delta;
}

/* Footer offsets after a splice that replaced [at, at + old_len) with
 * new_len bytes: later offsets move, the chunk (and row group) holding the
 * splice changes size. */
static void shift_meta(pq_file_metadata *m, int64_t at, int64_t old_len, int64_t new_len)
{
    int64_t from = at + old_len, delta = new_len - old_len;
    for (int32_t g = 0; g < m->n_row_groups; g++) {
        pq_row_group_meta *rg = &m->row_groups[g];
        bool grew = false;
        for (int32_t c = 0; c < rg->n_columns; c++) {
            pq_column_chunk *cc = &rg->columns[c];
            pq_column_meta *cm = &cc->meta_data;
            int64_t start = cm->data_page_offset;
            if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 && cm->dictionary_page_offset < start)
                start = cm->dictionary_page_offset;
            if (at >= start && at < start + cm->total_compressed_size) {
                cm->total_compressed_size += delta;
                grew = true;
            }
            shift(&cm->data_page_offset, from, delta);
            if (cm->has_dictionary_page_offset) shift(&cm->dictionary_page_offset, from, delta);
            if (cm->has_index_page_offset) shift(&cm->index_page_offset, from, delta);
            if (cm->has_bloom_filter_offset) shift(&cm->bloom_filter_offset, from, delta);
            if (cc->has_offset_index) shift(&cc->offset_index_offset, from, delta);
            if (cc->has_column_index) shift(&cc->column_index_offset, from, delta);
            shift(&cc->file_offset, from, delta);
        }
        if (rg->has_file_offset) shift(&rg->file_offset, from, delta);
        if (grew && rg->has_total_compressed_size) rg->total_compressed_size += delta;
    }
}

/* The file with [at, at + old_len) replaced by rep (may be empty) and the
 * footer re-encoded from m; NULL on failure. */
static uint8_t *assemble_file(const original *f, size_t at, size_t old_len, const pq_buf *rep,
                              const pq_file_metadata *m, size_t *out_len)
{
    pq_buf foot;
    pq_buf_init(&foot, NULL);
    if (pq_meta_encode_file(m, &foot, NULL) != PQ_OK) {
        pq_buf_reset(&foot);
        return NULL;
    }
    size_t rl = rep ? rep->len : 0;
    size_t n = at + rl + (f->footer_at - at - old_len) + foot.len + 8;
    uint8_t *out = (uint8_t *)malloc(n);
    if (out) {
        uint8_t *p = out;
        memcpy(p, f->data, at);
        p += at;
        if (rl) memcpy(p, rep->data, rl);
        p += rl;
        memcpy(p, f->data + at + old_len, f->footer_at - at - old_len);
        p += f->footer_at - at - old_len;
        memcpy(p, foot.data, foot.len);
        p += foot.len;
        pq_store_u32le(p, (uint32_t)foot.len);
        memcpy(p + 4, "PAR1", 4);
        *out_len = n;
    }
    pq_buf_reset(&foot);
    return out;
}

/* Decode the original's footer into `a`. */
static bool decode_footer(const original *f, pq_arena *a, pq_file_metadata *m)
{
    pq_limits lim;
    pq_reader_options o;
    pq_reader_options_init(&o);
    lim = o.limits;
    size_t flen = f->len - 8 - f->footer_at;
    return pq_meta_decode_file(pq_bytes_make(f->data + f->footer_at, flen), a, &lim, m, NULL) == PQ_OK && !m->encrypted;
}

/* Read the file with page header at `at` edited by e.  The control edit
 * (ED_NONE) must read exactly as the original. */
static void surgery_page(const original *f, size_t at, field_edit e, pq_status orig_status)
{
    pq_page_header h;
    size_t hl = 0;
    if (pq_meta_decode_page_header(pq_bytes_make(f->data + at, f->len - at), &h, &hl, NULL) != PQ_OK) return;
    if (!edit_page(&h, e)) return;
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_file_metadata m;
    pq_buf rep;
    pq_buf_init(&rep, NULL);
    if (decode_footer(f, &a, &m) && pq_meta_encode_page_header(&h, &rep, NULL) == PQ_OK) {
        shift_meta(&m, (int64_t)at, (int64_t)hl, (int64_t)rep.len);
        size_t n = 0;
        uint8_t *bytes = assemble_file(f, at, hl, &rep, &m, &n);
        CHECK(bytes != NULL);
        if (bytes) {
            char what[128];
            snprintf(what, sizeof what, "page header at %zu: %s", at, edit_names[e]);
            if (e == ED_NONE) {
                meter mt;
                meter_init(&mt, alloc_cap(f->len));
                outcome o = read_all(bytes, n, f->name, false, &mt);
                if (o.status != orig_status) fprintf(stderr, "  %s [%s]: control read %d, original %d: %s\n", f->name,
                                                     what, (int)o.status, (int)orig_status, o.err.message);
                CHECK_EQ_I64(o.status, orig_status);
            } else {
                check_mutant(f, bytes, n, false, what);
            }
            free(bytes);
        }
    }
    pq_buf_reset(&rep);
    pq_arena_reset(&a);
}

/* Read the file with chunk (g, c)'s footer fields edited by e. */
static void surgery_footer(const original *f, int32_t g, int32_t c, field_edit e)
{
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_file_metadata m;
    if (decode_footer(f, &a, &m) && g < m.n_row_groups && c < m.row_groups[g].n_columns &&
        m.row_groups[g].columns[c].has_meta_data && edit_footer(&m, g, c, e)) {
        size_t n = 0;
        uint8_t *bytes = assemble_file(f, f->footer_at, 0, NULL, &m, &n);
        CHECK(bytes != NULL);
        if (bytes) {
            char what[128];
            snprintf(what, sizeof what, "row group %d column %d: %s", (int)g, (int)c, edit_names[e]);
            check_mutant(f, bytes, n, false, what);
            free(bytes);
        }
    }
    pq_arena_reset(&a);
}

/* (c) every page edit on up to 12 pages spread over the file, every footer
 * edit on up to 8 chunks. */
static void mutate_fields(const original *f, pq_status orig_status)
{
    size_t n_hdr = f->n_pages / 2, step = n_hdr / 12 + 1;
    for (size_t i = 0; i < n_hdr; i += step)
        for (int e = ED_NONE; e < ED_PAGE_EDITS; e++) surgery_page(f, f->pages[2 * i], (field_edit)e, orig_status);
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_file_metadata m;
    int64_t chunks = 0;
    if (decode_footer(f, &a, &m))
        for (int32_t g = 0; g < m.n_row_groups; g++) chunks += m.row_groups[g].n_columns;
    int64_t cstep = chunks / 8 + 1, k = 0;
    for (int32_t g = 0; g < m.n_row_groups && chunks; g++)
        for (int32_t c = 0; c < m.row_groups[g].n_columns; c++, k++)
            if (k % cstep == 0)
                for (int e = ED_PAGE_EDITS; e < ED_EDITS; e++) surgery_footer(f, g, c, (field_edit)e);
    pq_arena_reset(&a);
}

/* ============================================================ page walker */

/* Append v to the growing array *a. */
static void push_offset(size_t **a, size_t *n, size_t *cap, size_t v)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        size_t *na = (size_t *)realloc(*a, nc * sizeof **a);
        if (!na) return;
        *a = na;
        *cap = nc;
    }
    (*a)[(*n)++] = v;
}

/* Record header start and body start of each page of every column chunk
 * (a valid file; walking stops at the first header that does not decode). */
static void find_pages(original *f)
{
    pq_reader *r;
    pq_reader_options o;
    pq_reader_options_init(&o);
    o.threads = 1;
    if (pq_reader_open_memory(&r, f->data, f->len, f->name, &o, NULL) != PQ_OK) return;
    const pq_file_metadata *m = pq_reader_metadata(r);
    size_t cap = 0;
    for (int32_t g = 0; g < m->n_row_groups; g++)
        for (int32_t c = 0; c < m->row_groups[g].n_columns; c++) {
            const pq_column_chunk *cc = &m->row_groups[g].columns[c];
            if (!cc->has_meta_data) continue;
            const pq_column_meta *cm = &cc->meta_data;
            int64_t at = cm->data_page_offset;
            if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 && cm->dictionary_page_offset < at)
                at = cm->dictionary_page_offset;
            int64_t end = at + cm->total_compressed_size;
            if (at < 4 || end > (int64_t)f->footer_at || end < at) continue;
            if ((size_t)end > f->chunk_end) f->chunk_end = (size_t)end;
            while (at < end) {
                pq_page_header h;
                size_t hl = 0;
                pq_bytes b = pq_bytes_make(f->data + at, (size_t)(end - at));
                if (pq_meta_decode_page_header(b, &h, &hl, NULL) != PQ_OK) break;
                push_offset(&f->pages, &f->n_pages, &cap, (size_t)at);
                push_offset(&f->pages, &f->n_pages, &cap, (size_t)at + hl);
                at += (int64_t)hl + h.compressed_page_size;
            }
        }
    pq_reader_close(r);
}

/* =================================================================== tests */

/* Files the mutation test leaves out (valid, but too big when decoded). */
static bool skipped(const char *rel) { return strstr(rel, "large_string_map") != NULL; }

/* Largest request and peak of the originals, for the report line. */
static size_t orig_largest_ratio_pct;

/* Mutate one file of data/ in every way above. */
static void mutate_file(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, rel);
    size_t len = 0;
    uint8_t *data = harness_read_file(path, &len);
    CHECK(data != NULL);
    if (!data) return;
    original f;
    memset(&f, 0, sizeof f);
    f.name = rel;
    f.data = data;
    f.len = len;
    f.footer_at = len;
    if (len >= 12) {
        uint32_t flen = pq_load_u32le(data + len - 8);
        if ((uint64_t)flen + 12 <= len) f.footer_at = len - 8 - flen;
    }
    /* The original stays within the cap (which is what makes the cap fair). */
    meter m;
    meter_init(&m, alloc_cap(len));
    outcome o = read_all(data, len, rel, false, &m);
    CHECK(fuzz_clean_status(o.status));
    if (m.largest > alloc_cap(len) / 4 || m.refused || m.verbose)
        fprintf(stderr, "  %s: original's largest allocation %zu, cap %zu\n", rel, m.largest, alloc_cap(len));
    CHECK(m.refused == 0);
    size_t pct = m.largest * 100 / alloc_cap(len);
    if (pct > orig_largest_ratio_pct) orig_largest_ratio_pct = pct;
    find_pages(&f);
    /* Mutant counts are fixed per file (not per byte), so big files cost no more mutants. */
    mutate_truncate(&f);
    mutate_flips(&f);
    mutate_cut_pages(&f);
    if (o.status == PQ_OK) mutate_fields(&f, o.status);
    free(f.pages);
    free(data);
}

/* Every .parquet / .parquet.encrypted file of data/ (and data/geospatial/). */
static int walk(const char *prefix)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s%s%s", DATA_DIR, prefix[0] ? "/" : "", prefix);
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char rel[512], path[1024];
        struct stat st;
        snprintf(rel, sizeof rel, "%s%s%s", prefix, prefix[0] ? "/" : "", e->d_name);
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, rel);
        if (e->d_name[0] == '.' || stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (strcmp(e->d_name, "geospatial") == 0) n += walk(rel);
            continue;
        }
        size_t nl = strlen(e->d_name);
        bool parquet = (nl > 8 && strcmp(e->d_name + nl - 8, ".parquet") == 0) ||
                       (nl > 18 && strcmp(e->d_name + nl - 18, ".parquet.encrypted") == 0);
        if (!parquet || skipped(rel) || st.st_size > (2 << 20)) continue;
        mutate_file(rel);
        n++;
    }
    closedir(d);
    return n;
}

TEST(mutants)
{
    int n = walk("");
    CHECK(n >= 80); /* 74 data files + geospatial + encrypted ones, large_string_map skipped */
    fprintf(stderr, "  %d files, %ld mutants: %ld read, %ld failed cleanly, %ld refused allocations, %ld problems;"
                    " originals' largest allocation <= %zu%% of the cap\n",
            n, totals.mutants, totals.ok, totals.failed_clean, totals.refused_alloc, totals.problems,
            orig_largest_ratio_pct);
    CHECK(totals.mutants > 10000);
}

/* ---------------------------------------------------------------- bad_data */

typedef struct bad_expect {
    const char *name;
    pq_status status;
    const char *message; /* substring of err.message; NULL for PQ_OK */
} bad_expect;

TEST(bad_data_exact)
{
    static const bad_expect bad[] = {
        {"ARROW-GH-41317.parquet", PQ_ERR_CORRUPT, "path_in_schema"},
        {"ARROW-GH-41321.parquet", PQ_ERR_CORRUPT, "expected a run header for 3 more values"},
        {"ARROW-GH-43605.parquet", PQ_OK, NULL},
        {"ARROW-GH-45185.parquet", PQ_ERR_CORRUPT, "repetition level"},
        {"ARROW-GH-47662.parquet", PQ_ERR_CORRUPT, "expected 100 values of 4 bytes"},
        {"ARROW-RS-GH-6229-DICTHEADER.parquet", PQ_ERR_CORRUPT, "expected the column chunk to start within"},
        {"ARROW-RS-GH-6229-LEVELS.parquet", PQ_ERR_CORRUPT, "more values in the column chunk"},
        {"PARQUET-1481.parquet", PQ_ERR_CORRUPT, "type"},
    };
    int seen = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BAD_DIR, bad[i].name);
        size_t len = 0;
        uint8_t *data = harness_read_file(path, &len);
        CHECK(data != NULL);
        if (!data) continue;
        seen++;
        for (int crc = 0; crc < 2; crc++) {
            meter m;
            meter_init(&m, alloc_cap(len));
            outcome o = read_all(data, len, path, crc, &m);
            if (o.status != bad[i].status || (bad[i].message && !strstr(o.err.message, bad[i].message))) {
                char msg[1024];
                fprintf(stderr, "  %s: status %d: %s\n", bad[i].name, (int)o.status,
                        pq_error_format(&o.err, msg, sizeof msg));
            }
            CHECK_EQ_I64(o.status, bad[i].status);
            CHECK(o.bad_msg == 0 && o.bad_status == 0 && o.bad_array == 0);
            if (bad[i].message) {
                CHECK(strstr(o.err.message, bad[i].message) != NULL);
                CHECK_EQ_STR(o.err.path, path);
            }
            CHECK(m.refused == 0 && m.live == 0);
        }
        free(data);
    }
    /* Every file on disk is in the table. */
    DIR *d = opendir(BAD_DIR);
    int on_disk = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        on_disk++;
        bool known = false;
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) known |= strcmp(bad[i].name, e->d_name) == 0;
        if (!known) fprintf(stderr, "  bad_data/%s is not in the table\n", e->d_name);
        CHECK(known);
    }
    if (d) closedir(d);
    CHECK_EQ_I64(seen, 8);
    CHECK_EQ_I64(on_disk, 8);
}

/* --------------------------------------------------------------- encrypted */

TEST(encrypted_message)
{
    DIR *d = opendir(DATA_DIR);
    CHECK(d != NULL);
    if (!d) return;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl <= 18 || strcmp(e->d_name + nl - 18, ".parquet.encrypted") != 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, e->d_name);
        size_t len = 0;
        uint8_t *data = harness_read_file(path, &len);
        CHECK(data != NULL);
        if (!data) continue;
        n++;
        bool pare = len >= 4 && memcmp(data + len - 4, "PARE", 4) == 0;
        meter m;
        meter_init(&m, alloc_cap(len));
        outcome o = read_all(data, len, path, true, &m);
        CHECK_EQ_I64(o.status, PQ_ERR_UNSUPPORTED);
        CHECK(strstr(o.err.message, "encrypted Parquet is not supported") != NULL);
        CHECK_EQ_STR(o.err.path, path);
        if (!pare) CHECK(strstr(e->d_name, "plaintext_footer") != NULL);
        /* The file-level path too (pq_reader_open, not only memory). */
        pq_reader *r = (pq_reader *)data;
        pq_error err;
        pq_status s = pq_reader_open(&r, path, NULL, &err);
        if (pare) {
            CHECK_EQ_I64(s, PQ_ERR_UNSUPPORTED);
            CHECK(r == NULL);
            CHECK(strstr(err.message, "encrypted Parquet is not supported") != NULL);
        } else {
            CHECK_OK(s, &err);
            pq_reader_close(r);
        }
        free(data);
    }
    closedir(d);
    CHECK(n >= 8);
}

/* ------------------------------------------------------- allocation bound */

/* The meter itself: a request over the cap is refused and recorded, the
 * accounting follows realloc and free. */
TEST(meter_accounting)
{
    meter m;
    meter_init(&m, 1000);
    pq_allocator a = {meter_alloc, meter_realloc, meter_free, &m};
    void *p = pq_alloc(&a, 100);
    CHECK(p != NULL);
    CHECK_EQ_I64(m.live, 100);
    p = pq_realloc(&a, p, 900);
    CHECK(p != NULL);
    CHECK_EQ_I64(m.live, 900);
    CHECK(pq_realloc(&a, p, 1001) == NULL);
    CHECK_EQ_I64(m.refused, 1001);
    CHECK(pq_alloc(&a, 5000) == NULL);
    CHECK_EQ_I64(m.refused, 5000);
    pq_free(&a, p);
    CHECK_EQ_I64(m.live, 0);
    CHECK_EQ_I64(m.peak, 900);
    CHECK_EQ_I64(m.largest, 900);
    CHECK_EQ_I64(alloc_cap(1000), (64 << 20) + 16000);
}

/* uncompressed_page_size is checked against what the stored bytes can
 * inflate to before a buffer is allocated for it (column_reader.c
 * check_inflated_size): a SNAPPY page of alltypes_plain.snappy claiming
 * 2^29 bytes fails with PQ_ERR_CORRUPT naming the field, with no large
 * allocation; found by the field surgery above. */
TEST(huge_claimed_page)
{
    size_t len = 0;
    uint8_t *data = harness_read_file(DATA_DIR "/alltypes_plain.snappy.parquet", &len);
    CHECK(data != NULL);
    if (!data) return;
    original f;
    memset(&f, 0, sizeof f);
    f.name = "alltypes_plain.snappy.parquet";
    f.data = data;
    f.len = len;
    f.footer_at = len - 8 - pq_load_u32le(data + len - 8);
    find_pages(&f);
    CHECK(f.n_pages >= 2);
    pq_page_header h;
    size_t hl = 0;
    pq_buf rep;
    pq_buf_init(&rep, NULL);
    if (f.n_pages >= 2 &&
        pq_meta_decode_page_header(pq_bytes_make(data + f.pages[0], len - f.pages[0]), &h, &hl, NULL) == PQ_OK) {
        int32_t claimed[2] = {1 << 29, h.uncompressed_page_size};
        for (int i = 0; i < 2; i++) {
            pq_page_header h2 = h;
            h2.uncompressed_page_size = claimed[i];
            rep.len = 0;
            CHECK_OK(pq_meta_encode_page_header(&h2, &rep, NULL), NULL);
            pq_arena a;
            pq_arena_init(&a, NULL);
            pq_file_metadata m;
            CHECK(decode_footer(&f, &a, &m));
            shift_meta(&m, (int64_t)f.pages[0], (int64_t)hl, (int64_t)rep.len);
            size_t n = 0;
            uint8_t *bytes = assemble_file(&f, f.pages[0], hl, &rep, &m, &n);
            pq_arena_reset(&a);
            CHECK(bytes != NULL);
            if (!bytes) continue;
            meter mt;
            meter_init(&mt, alloc_cap(len));
            outcome o = read_all(bytes, n, "huge_page", false, &mt);
            if (i == 0) {
                CHECK_EQ_I64(o.status, PQ_ERR_CORRUPT);
                CHECK(strstr(o.err.message, "expected uncompressed_page_size at most") != NULL);
                CHECK(strstr(o.err.message, "found 536870912") != NULL);
                CHECK_EQ_I64(o.err.where.row_group, 0);
                CHECK_EQ_I64(o.err.where.page, 0);
                CHECK(mt.largest < ((size_t)1 << 20));
            } else {
                CHECK_OK(o.status, &o.err); /* the control: same length header, file reads */
            }
            CHECK_EQ_I64(mt.refused, 0);
            CHECK_EQ_I64(mt.live, 0);
            free(bytes);
        }
    }
    pq_buf_reset(&rep);
    free(f.pages);
    free(data);
}

int main(void)
{
    alarm(600); /* hang guard: a reader stuck in a loop kills the test (SIGALRM) */
    RUN(meter_accounting);
    RUN(huge_claimed_page);
    RUN(encrypted_message);
    RUN(bad_data_exact);
    RUN(mutants);
    return harness_done();
}
