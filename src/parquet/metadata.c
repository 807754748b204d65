/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/metadata.c - decoders of the Parquet metadata structs
 * (parquet.thrift of apache/parquet-format, compact protocol via thrift.h):
 * FileMetaData with SchemaElement / LogicalType / RowGroup / ColumnChunk /
 * ColumnMetaData / Statistics / SortingColumn / ColumnOrder / KeyValue,
 * PageHeader with its three sub-headers, ColumnIndex and OffsetIndex.
 *
 * Decoding treats the bytes as hostile:
 *  - every struct is a field loop over a table of the accepted wire types
 *    per field id (integer fields accept any of i16/i32/i64, range-checked
 *    on read); unknown ids of any type, and known ids with an unexpected
 *    type, are skipped as Thrift-generated code does (depth-bounded,
 *    thrift.c), so a required field of the wrong type reads as missing;
 *  - required fields are tracked in a bit set and checked at STOP
 *    ("FileMetaData: required field schema missing at offset N");
 *  - enums that select code paths (physical type, repetition, page type,
 *    codec) are range-checked, others (encodings, converted type, boundary
 *    order) are kept raw for the consumer to judge;
 *  - counts, sizes and offsets must be >= 0.  Negative statistics counts
 *    are dropped (has_* = false) instead: they only disable pruning;
 *  - every list count is checked against the remaining bytes before the
 *    arena allocation for it (thrift.c), bounding memory by the input size.
 * Messages name the struct and field ("ColumnMetaData.codec: expected
 * 0..7, found 9 at offset 123"), the offset counted from the start of buf.
 *
 * The page header decoder is on the hot read path: it allocates nothing and
 * borrows statistics bytes from buf.  A buffer that ends before the header's
 * STOP gives PQ_ERR_EOF wherever it is cut (the thrift reader classifies
 * every "need more bytes" case as EOF), so callers can read headers from a
 * window and retry with a larger one.  For the footer and the page indexes
 * the buffer is the whole struct, so running out of bytes is CORRUPT.
 *
 * The encoders are in metadata_encode.c.
 */
#include "parquet/metadata.h"

#include <stdarg.h>
#include <stdio.h>

#include "parquet/thrift.h"

/* ============================================================ helpers */

/* Decoding context of the arena-backed decoders. */
typedef struct mdec {
    pq_thrift_reader r;
    pq_arena *arena;
    int64_t max_columns;   /* leaves / chunks per row group, > 0 */
    int64_t leaves;        /* schema elements with a physical type */
} mdec;

#define BIT(id) (1u << (id))

static bool is_int_type(uint8_t t) { return t == PQ_TT_I16 || t == PQ_TT_I32 || t == PQ_TT_I64; }

/* Does wire type `got` carry a value of kind `want`?  Integers are
 * interchangeable (range-checked on read); 1 and 2 both mean bool. */
static bool type_matches(uint8_t want, uint8_t got)
{
    if (is_int_type(want)) return is_int_type(got);
    if (want == PQ_TT_BOOL_TRUE || want == PQ_TT_BOOL_FALSE) return got == PQ_TT_BOOL_TRUE || got == PQ_TT_BOOL_FALSE;
    if (want == PQ_TT_LIST || want == PQ_TT_SET) return got == PQ_TT_LIST || got == PQ_TT_SET;
    return want == got;
}

/* Skip an unknown field (bool fields carry no bytes). */
static void skip_field(pq_thrift_reader *r, const pq_thrift_field *fh) { (void)pq_thrift_skip(r, fh->type); }

/* Accepted wire types of each known field, by id, per struct, as bit masks
 * over the type nibble (0 = no such field).  Integer fields accept any
 * integer width (range-checked on read); lists accept sets; ANY fields are
 * known but skipped whatever their type. */
#define M_BOOL ((1u << PQ_TT_BOOL_TRUE) | (1u << PQ_TT_BOOL_FALSE))
#define M_BYTE (1u << PQ_TT_BYTE)
#define M_INT ((1u << PQ_TT_I16) | (1u << PQ_TT_I32) | (1u << PQ_TT_I64))
#define M_BIN (1u << PQ_TT_BINARY)
#define M_LIST ((1u << PQ_TT_LIST) | (1u << PQ_TT_SET))
#define M_STRUCT (1u << PQ_TT_STRUCT)
#define M_ANY 0x1FFEu
static const uint16_t stats_types[] = {0, M_BIN, M_BIN, M_INT, M_INT, M_BIN, M_BIN, M_BOOL, M_BOOL};
static const uint16_t time_types[] = {0, M_BOOL, M_STRUCT};
static const uint16_t decimal_types[] = {0, M_INT, M_INT};
static const uint16_t int_types[] = {0, M_BYTE, M_BOOL};
static const uint16_t schema_types[] = {0, M_INT, M_INT, M_INT, M_BIN, M_INT, M_INT, M_INT, M_INT, M_INT, M_STRUCT};
static const uint16_t kv_types[] = {0, M_BIN, M_BIN};
static const uint16_t pes_types[] = {0, M_INT, M_INT, M_INT};
static const uint16_t cmd_types[] = {0,     M_INT, M_LIST, M_LIST, M_INT,    M_INT,  M_INT, M_INT,
                                     M_LIST, M_INT, M_INT,  M_INT,  M_STRUCT, M_LIST, M_INT, M_INT};
static const uint16_t chunk_types[] = {0, M_BIN, M_INT, M_STRUCT, M_INT, M_INT, M_INT, M_INT, M_ANY, M_ANY};
static const uint16_t sorting_types[] = {0, M_INT, M_BOOL, M_BOOL};
static const uint16_t rg_types[] = {0, M_LIST, M_INT, M_INT, M_LIST, M_INT, M_INT, M_INT};
static const uint16_t file_types[] = {0, M_INT, M_LIST, M_INT, M_LIST, M_LIST, M_BIN, M_LIST, M_ANY};
static const uint16_t dph_types[] = {0, M_INT, M_INT, M_INT, M_INT, M_STRUCT};
static const uint16_t dict_types[] = {0, M_INT, M_INT, M_BOOL};
static const uint16_t v2_types[] = {0, M_INT, M_INT, M_INT, M_INT, M_INT, M_INT, M_BOOL, M_STRUCT};
static const uint16_t ph_types[] = {0, M_INT, M_INT, M_INT, M_INT, M_STRUCT, 0, M_STRUCT, M_STRUCT};
static const uint16_t ci_types[] = {0, M_LIST, M_LIST, M_LIST, M_INT, M_LIST};
static const uint16_t loc_types[] = {0, M_INT, M_INT, M_INT};
static const uint16_t oi_types[] = {0, M_LIST};

/* Is fh a known field of this struct with an accepted wire type?  Unknown
 * ids, and known ids with another type, are skipped as Thrift-generated
 * code does (dict-page-offset-zero.parquet carries a list in ColumnMetaData
 * field 15); a required field skipped that way is then reported missing.
 * `types` has n entries of which entry 0 is 0. */
static inline bool known_field(pq_thrift_reader *r, const pq_thrift_field *fh, const uint16_t *types, size_t n)
{
    size_t id = (uint16_t)fh->id; /* negative ids become >= 32768: unknown */
    if (id < n && ((types[id] >> fh->type) & 1u)) return true;
    skip_field(r, fh);
    return false;
}
#define KNOWN(r, fh, table) known_field((r), (fh), (table), sizeof(table) / sizeof((table)[0]))

/* Name the field being read, for messages.  The getters below assume that
 * known_field() accepted the wire type. */
static inline void name_field(pq_thrift_reader *r, const char *name) { r->fname = name; }

static int32_t get_i32(pq_thrift_reader *r, const pq_thrift_field *fh, const char *name)
{
    name_field(r, name);
    return pq_thrift_read_i32(r);
}

static int64_t get_i64(pq_thrift_reader *r, const pq_thrift_field *fh, const char *name)
{
    name_field(r, name);
    return pq_thrift_read_i64(r);
}

/* An i32 that must lie in [lo, hi]. */
static int32_t get_i32_in(pq_thrift_reader *r, const pq_thrift_field *fh, const char *name, int32_t lo, int32_t hi)
{
    size_t at = pq_thrift_offset(r);
    int32_t v = get_i32(r, fh, name);
    if (v < lo || v > hi) {
        if (hi == INT32_MAX)
            pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected a value >= %d, found %d", (int)lo, (int)v);
        else
            pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected %d..%d, found %d", (int)lo, (int)hi, (int)v);
        return lo;
    }
    return v;
}

static int32_t get_nonneg_i32(pq_thrift_reader *r, const pq_thrift_field *fh, const char *name)
{
    return get_i32_in(r, fh, name, 0, INT32_MAX);
}

static int64_t get_nonneg_i64(pq_thrift_reader *r, const pq_thrift_field *fh, const char *name)
{
    size_t at = pq_thrift_offset(r);
    int64_t v = get_i64(r, fh, name);
    if (v < 0) {
        pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected a value >= 0, found %lld", (long long)v);
        return 0;
    }
    return v;
}

static bool get_bool(pq_thrift_reader *r, const pq_thrift_field *fh, const char *name)
{
    name_field(r, name);
    return fh->bval;
}

static pq_bytes get_binary(pq_thrift_reader *r, const pq_thrift_field *fh, const char *name)
{
    name_field(r, name);
    return pq_thrift_read_binary(r);
}

/* Open a list field whose elements must have wire type `elem`; *n gets the
 * (remaining-bytes-checked) count.  Returns false on error. */
static bool get_list(pq_thrift_reader *r, const pq_thrift_field *fh, const char *name, uint8_t elem, int32_t *n)
{
    *n = 0;
    name_field(r, name);
    size_t at = pq_thrift_offset(r);
    uint8_t et;
    if (!pq_thrift_read_list(r, &et, n)) return false;
    if (*n > 0 && !type_matches(elem, et)) {
        pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected list<%s>, found list<%s>", pq_thrift_type_name(elem),
                       pq_thrift_type_name(et));
        *n = 0;
        return false;
    }
    return true;
}

/* A list of n structs, each at least `min_bytes` long on the wire (its
 * required fields and STOP), must fit in the bytes left: checked before the
 * decoded array (tens of bytes per element) is allocated, so a tiny hostile
 * footer can't make the decoder allocate many times its own size. */
static bool fits_structs(pq_thrift_reader *r, int32_t n, unsigned min_bytes, size_t at, const char *what)
{
    if ((size_t)n <= pq_thrift_remaining(r) / min_bytes) return true;
    pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected at most %zu %s in the %zu bytes left, found a count of %d",
                   pq_thrift_remaining(r) / min_bytes, what, pq_thrift_remaining(r), (int)n);
    return false;
}

/* Record an allocation failure in the sticky state. */
static void fail_nomem(pq_thrift_reader *r, size_t bytes)
{
    pq_thrift_fail(r, PQ_ERR_NOMEM, pq_thrift_offset(r), "out of memory allocating %zu bytes", bytes);
}

/* Zeroed array of n elements in the arena; NULL (error recorded) on failure.
 * n == 0 still gives a non-NULL pointer: present-but-empty lists stay
 * distinguishable from absent ones. */
static void *alloc_array(mdec *d, int32_t n, size_t size)
{
    size_t bytes;
    if (n < 0 || pq_mul_overflow((size_t)n, size, &bytes)) {
        fail_nomem(&d->r, SIZE_MAX);
        return NULL;
    }
    void *p = pq_arena_alloc(d->arena, bytes, size >= 8 ? 8 : size >= 4 ? 4 : 1);
    if (!p) fail_nomem(&d->r, bytes);
    return p;
}

/* How to decode one list<struct> field: its name, what its elements are
 * called in messages, the smallest wire size of one element (its required
 * fields and STOP: 1 when that is not worth a check), the decoded element
 * size and the element decoder. */
typedef struct struct_list {
    const char *field;
    const char *what;
    unsigned min_bytes;
    size_t size;
    bool (*dec)(mdec *d, void *elem);
} struct_list;

/* Decode a list<struct> field into an arena array of *n elements (non-NULL
 * even when empty): the count is checked against `max` (PQ_ERR_LIMIT) and
 * against the bytes left (see fits_structs) before the array is allocated.
 * Returns NULL on error (recorded in the reader). */
static void *get_struct_list(mdec *d, const pq_thrift_field *fh, const struct_list *sl, int64_t max, int32_t *n)
{
    int32_t count;
    size_t at = pq_thrift_offset(&d->r);
    if (!get_list(&d->r, fh, sl->field, PQ_TT_STRUCT, &count)) return NULL;
    if (count > max) {
        pq_thrift_fail(&d->r, PQ_ERR_LIMIT, at, "expected at most %lld %s, found %d", (long long)max, sl->what,
                       (int)count);
        return NULL;
    }
    if (!fits_structs(&d->r, count, sl->min_bytes, at, sl->what)) return NULL;
    uint8_t *arr = (uint8_t *)alloc_array(d, count, sl->size);
    if (!arr) return NULL;
    for (int32_t i = 0; i < count; i++)
        if (!sl->dec(d, arr + (size_t)i * sl->size)) return NULL;
    *n = count;
    return arr;
}

/* NUL-terminated arena copy of a string field. */
static char *get_string(mdec *d, const pq_thrift_field *fh, const char *name)
{
    pq_bytes b = get_binary(&d->r, fh, name);
    if (!pq_thrift_ok(&d->r)) return NULL;
    char *s = pq_arena_strndup(d->arena, (const char *)b.ptr, b.len);
    if (!s) fail_nomem(&d->r, b.len + 1);
    return s;
}

/* Check the required fields at the end of a struct and close it.  names[id]
 * names field id for the message.  Returns false on any error. */
static bool end_struct(pq_thrift_reader *r, const pq_thrift_frame *f, uint32_t seen, uint32_t need,
                       const char *const *names)
{
    if (!pq_thrift_ok(r)) return false;
    uint32_t missing = need & ~seen;
    if (missing) {
        int id = __builtin_ctz(missing);
        r->field = -1;
        r->fname = NULL;
        pq_thrift_fail(r, PQ_ERR_CORRUPT, pq_thrift_offset(r) - 1, "required field %s missing", names[id]);
        return false;
    }
    pq_thrift_struct_end(r, f);
    return true;
}

/* Convert the reader's state into the unit's status.  When the buffer was
 * the whole struct, running out of bytes means the struct is corrupt. */
static pq_status finish(pq_thrift_reader *r, bool eof_is_corrupt)
{
    pq_status s = r->status;
    if (s == PQ_ERR_EOF && eof_is_corrupt) s = PQ_ERR_CORRUPT;
    if (s != PQ_OK && r->err) r->err->code = s;
    return s;
}

/* ============================================================ Statistics */

/* Names of required fields, by id, for structs that have none. */
static const char *const no_names[] = {"?"};

/* Statistics into `st` (zeroed by the caller); binaries borrowed from buf. */
static bool dec_statistics(pq_thrift_reader *r, pq_statistics *st)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    pq_bytes b;
    int64_t v;
    pq_thrift_struct_begin(r, "Statistics", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, stats_types)) continue;
        switch (fh.id) {
        case 1: b = get_binary(r, &fh, "max"); st->max = b.ptr; st->max_len = (int32_t)b.len; st->has_max = true; break;
        case 2: b = get_binary(r, &fh, "min"); st->min = b.ptr; st->min_len = (int32_t)b.len; st->has_min = true; break;
        case 3:
            v = get_i64(r, &fh, "null_count");
            st->null_count = v;
            st->has_null_count = v >= 0; /* a negative count is unusable, not fatal */
            break;
        case 4:
            v = get_i64(r, &fh, "distinct_count");
            st->distinct_count = v;
            st->has_distinct_count = v >= 0;
            break;
        case 5:
            b = get_binary(r, &fh, "max_value");
            st->max_value = b.ptr;
            st->max_value_len = (int32_t)b.len;
            st->has_max_value = true;
            break;
        case 6:
            b = get_binary(r, &fh, "min_value");
            st->min_value = b.ptr;
            st->min_value_len = (int32_t)b.len;
            st->has_min_value = true;
            break;
        case 7: st->is_max_value_exact = get_bool(r, &fh, "is_max_value_exact"); st->has_is_max_value_exact = true; break;
        case 8: st->is_min_value_exact = get_bool(r, &fh, "is_min_value_exact"); st->has_is_min_value_exact = true; break;
        default: break; /* unreachable: known_field() filtered */
        }
    }
    if (!pq_thrift_ok(r)) return false;
    if (!st->has_null_count) st->null_count = 0;
    if (!st->has_distinct_count) st->distinct_count = 0;
    return end_struct(r, &f, 0, 0, no_names);
}

/* A struct-typed field holding Statistics. */
static bool get_statistics(pq_thrift_reader *r, const pq_thrift_field *fh, const char *name, pq_statistics *st)
{
    memset(st, 0, sizeof *st);
    name_field(r, name);
    return dec_statistics(r, st);
}

/* ============================================================ LogicalType */

/* TimeUnit union: 1 MILLIS, 2 MICROS, 3 NANOS.  *known = false for a member
 * this version does not know (the logical type is then ignored). */
static bool dec_time_unit(pq_thrift_reader *r, pq_time_unit *unit, bool *known)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    *known = false;
    pq_thrift_struct_begin(r, "TimeUnit", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (fh.id >= 1 && fh.id <= 3 && fh.type == PQ_TT_STRUCT) {
            *unit = fh.id == 1 ? PQ_UNIT_MILLIS : fh.id == 2 ? PQ_UNIT_MICROS : PQ_UNIT_NANOS;
            *known = true;
        } else {
            *known = false;
        }
        skip_field(r, &fh); /* the members are empty structs */
    }
    return end_struct(r, &f, 0, 0, no_names);
}

static const char *const time_names[] = {"?", "isAdjustedToUTC", "unit"};

/* TimeType / TimestampType {1: isAdjustedToUTC, 2: unit}. */
static bool dec_time_type(pq_thrift_reader *r, const char *name, pq_logical_type *lt)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    bool known = true;
    pq_thrift_struct_begin(r, name, &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, time_types)) continue;
        if (fh.id == 1) {
            lt->utc = get_bool(r, &fh, "isAdjustedToUTC");
        } else {
            name_field(r, "unit");
            dec_time_unit(r, &lt->unit, &known);
        }
        seen |= BIT(fh.id);
    }
    if (!end_struct(r, &f, seen, BIT(1) | BIT(2), time_names)) return false;
    if (!known) lt->kind = PQ_LT_UNKNOWN_MEMBER;
    return true;
}

static const char *const decimal_names[] = {"?", "scale", "precision"};

/* DecimalType {1: scale, 2: precision}. */
static bool dec_decimal_type(pq_thrift_reader *r, pq_logical_type *lt)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "DecimalType", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, decimal_types)) continue;
        if (fh.id == 1) lt->scale = get_i32(r, &fh, "scale");
        else lt->precision = get_i32(r, &fh, "precision");
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2), decimal_names);
}

static const char *const int_names[] = {"?", "bitWidth", "isSigned"};

/* IntType {1: i8 bitWidth, 2: isSigned}. */
static bool dec_int_type(pq_thrift_reader *r, pq_logical_type *lt)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "IntType", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, int_types)) continue;
        if (fh.id == 1) {
            name_field(r, "bitWidth");
            lt->bit_width = pq_thrift_read_byte(r);
        } else {
            lt->is_signed = get_bool(r, &fh, "isSigned");
        }
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2), int_names);
}

/* One LogicalType union member (its field header read) into lt. */
static bool dec_logical_member(pq_thrift_reader *r, const pq_thrift_field *fh, pq_logical_type *lt)
{
    memset(lt, 0, sizeof *lt);
    int id = fh->id;
    /* A newer member (unknown-logical-type.parquet), or a known id that is
     * not a struct, is ignored rather than fatal. */
    if (id < 1 || id > 18 || id == 9 || fh->type != PQ_TT_STRUCT) {
        lt->kind = PQ_LT_UNKNOWN_MEMBER;
        return pq_thrift_skip(r, fh->type);
    }
    lt->kind = (pq_logical_kind)id;
    switch (id) {
    case PQ_LT_DECIMAL: return dec_decimal_type(r, lt);
    case PQ_LT_TIME: return dec_time_type(r, "TimeType", lt);
    case PQ_LT_TIMESTAMP: return dec_time_type(r, "TimestampType", lt);
    case PQ_LT_INTEGER: return dec_int_type(r, lt);
    default: return pq_thrift_skip(r, PQ_TT_STRUCT); /* empty, or only crs/algorithm/version */
    }
}

/* LogicalType union.  The last member read wins; an empty union leaves
 * PQ_LT_NONE. */
static bool dec_logical_type(pq_thrift_reader *r, pq_logical_type *lt)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    pq_thrift_struct_begin(r, "LogicalType", &f);
    while (pq_thrift_read_field(r, &f, &fh))
        if (!dec_logical_member(r, &fh, lt)) break;
    return end_struct(r, &f, 0, 0, no_names);
}

/* ============================================================ schema */

static const char *const schema_names[] = {"?", "type", "type_length", "repetition_type", "name"};

static bool dec_schema_element(mdec *d, pq_schema_element *e)
{
    pq_thrift_reader *r = &d->r;
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    e->converted_type = PQ_CT_NONE;
    pq_thrift_struct_begin(r, "SchemaElement", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, schema_types)) continue;
        switch (fh.id) {
        case 1: e->type = (pq_physical)get_i32_in(r, &fh, "type", 0, 7); e->has_type = true; break;
        case 2: e->type_length = get_nonneg_i32(r, &fh, "type_length"); break;
        case 3:
            e->repetition = (pq_repetition)get_i32_in(r, &fh, "repetition_type", 0, 2);
            e->has_repetition = true;
            break;
        case 4: e->name = get_string(d, &fh, "name"); break;
        case 5: e->num_children = get_nonneg_i32(r, &fh, "num_children"); e->has_num_children = true; break;
        case 6: e->converted_type = (pq_converted_type)get_i32(r, &fh, "converted_type"); break;
        case 7: e->scale = get_i32(r, &fh, "scale"); e->has_scale = true; break;
        case 8: e->precision = get_i32(r, &fh, "precision"); e->has_precision = true; break;
        case 9: e->field_id = get_i32(r, &fh, "field_id"); e->has_field_id = true; break;
        case 10:
            name_field(r, "logicalType");
            dec_logical_type(r, &e->logical);
            break;
        default: continue; /* unreachable: known_field() filtered */
        }
        seen |= BIT(fh.id);
    }
    if (!end_struct(r, &f, seen, BIT(4), schema_names)) return false;
    if (e->has_type && ++d->leaves > d->max_columns) {
        pq_thrift_fail(r, PQ_ERR_LIMIT, pq_thrift_offset(r), "expected at most %lld leaf columns, found more",
                       (long long)d->max_columns);
        return false;
    }
    return true;
}

static const char *const kv_names[] = {"?", "key"};

static bool dec_key_value(mdec *d, pq_kv *kv)
{
    pq_thrift_reader *r = &d->r;
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "KeyValue", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, kv_types)) continue;
        if (fh.id == 1) kv->key = get_string(d, &fh, "key");
        else if (fh.id == 2) kv->value = get_string(d, &fh, "value");
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1), kv_names);
}

static bool el_kv(mdec *d, void *e) { return dec_key_value(d, (pq_kv *)e); }

/* list<KeyValue> field into *out / *n. */
static bool get_kv_list(mdec *d, const pq_thrift_field *fh, const char *name, pq_kv **out, int32_t *n)
{
    const struct_list sl = {name, "KeyValue entries", 3, sizeof(pq_kv), el_kv};
    *out = get_struct_list(d, fh, &sl, INT32_MAX, n);
    return *out != NULL;
}

/* ============================================================ column chunk */

static const char *const pes_names[] = {"?", "page_type", "encoding", "count"};

static bool dec_page_encoding_stats(pq_thrift_reader *r, pq_page_encoding_stats *s)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "PageEncodingStats", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, pes_types)) continue;
        if (fh.id == 1) s->page_type = (pq_page_type)get_i32_in(r, &fh, "page_type", 0, 3);
        else if (fh.id == 2) s->encoding = (pq_encoding)get_i32(r, &fh, "encoding");
        else if (fh.id == 3) s->count = get_nonneg_i32(r, &fh, "count");
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2) | BIT(3), pes_names);
}

/* list<Encoding> (raw values). */
static bool get_encodings(mdec *d, const pq_thrift_field *fh, pq_column_meta *m)
{
    int32_t n;
    if (!get_list(&d->r, fh, "encodings", PQ_TT_I32, &n)) return false;
    pq_encoding *e = alloc_array(d, n, sizeof *e);
    if (!e) return false;
    for (int32_t i = 0; i < n && pq_thrift_ok(&d->r); i++) e[i] = (pq_encoding)pq_thrift_read_i32(&d->r);
    m->encodings = e;
    m->n_encodings = n;
    return pq_thrift_ok(&d->r);
}

/* list<string> path_in_schema. */
static bool get_path(mdec *d, const pq_thrift_field *fh, pq_column_meta *m)
{
    int32_t n;
    if (!get_list(&d->r, fh, "path_in_schema", PQ_TT_BINARY, &n)) return false;
    const char **p = alloc_array(d, n, sizeof *p);
    if (!p) return false;
    for (int32_t i = 0; i < n && pq_thrift_ok(&d->r); i++) {
        pq_bytes b = pq_thrift_read_binary(&d->r);
        if (!pq_thrift_ok(&d->r)) break;
        p[i] = pq_arena_strndup(d->arena, (const char *)b.ptr, b.len);
        if (!p[i]) fail_nomem(&d->r, b.len + 1);
    }
    m->path_in_schema = p;
    m->n_path = n;
    return pq_thrift_ok(&d->r);
}

static bool el_pes(mdec *d, void *e) { return dec_page_encoding_stats(&d->r, (pq_page_encoding_stats *)e); }

static bool get_encoding_stats(mdec *d, const pq_thrift_field *fh, pq_column_meta *m)
{
    const struct_list sl = {"encoding_stats", "PageEncodingStats", 1, sizeof(pq_page_encoding_stats), el_pes};
    m->encoding_stats = get_struct_list(d, fh, &sl, INT32_MAX, &m->n_encoding_stats);
    return m->encoding_stats != NULL;
}

static const char *const cmd_names[] = {"?", "type", "encodings", "path_in_schema", "codec", "num_values",
                                        "total_uncompressed_size", "total_compressed_size", "?",
                                        "data_page_offset"};

/* One ColumnMetaData field (header read).  Returns false on error. */
static bool dec_column_meta_field(mdec *d, const pq_thrift_field *fh, pq_column_meta *m)
{
    pq_thrift_reader *r = &d->r;
    switch (fh->id) {
    case 1: m->type = (pq_physical)get_i32_in(r, fh, "type", 0, 7); break;
    case 2: return get_encodings(d, fh, m);
    case 3: return get_path(d, fh, m);
    case 4: m->codec = (pq_codec)get_i32_in(r, fh, "codec", 0, 7); break;
    case 5: m->num_values = get_nonneg_i64(r, fh, "num_values"); break;
    case 6: m->total_uncompressed_size = get_nonneg_i64(r, fh, "total_uncompressed_size"); break;
    case 7: m->total_compressed_size = get_nonneg_i64(r, fh, "total_compressed_size"); break;
    case 8: return get_kv_list(d, fh, "key_value_metadata", &m->kv, &m->n_kv);
    case 9: m->data_page_offset = get_nonneg_i64(r, fh, "data_page_offset"); break;
    case 10:
        m->index_page_offset = get_nonneg_i64(r, fh, "index_page_offset");
        m->has_index_page_offset = true;
        break;
    case 11:
        m->dictionary_page_offset = get_nonneg_i64(r, fh, "dictionary_page_offset");
        m->has_dictionary_page_offset = true;
        break;
    case 12: m->has_statistics = get_statistics(r, fh, "statistics", &m->statistics); break;
    case 13: return get_encoding_stats(d, fh, m);
    case 14:
        m->bloom_filter_offset = get_nonneg_i64(r, fh, "bloom_filter_offset");
        m->has_bloom_filter_offset = true;
        break;
    case 15:
        m->bloom_filter_length = get_nonneg_i32(r, fh, "bloom_filter_length");
        m->has_bloom_filter_length = true;
        break;
    default: break; /* 16 size_statistics, 17 geospatial_statistics: skipped by known_field() */
    }
    return pq_thrift_ok(r);
}

static bool dec_column_meta(mdec *d, pq_column_meta *m)
{
    pq_thrift_reader *r = &d->r;
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "ColumnMetaData", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, cmd_types)) continue;
        if (!dec_column_meta_field(d, &fh, m)) return false;
        if (fh.id >= 1 && fh.id <= 31) seen |= BIT(fh.id);
    }
    const uint32_t need = BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(9);
    return end_struct(r, &f, seen, need, cmd_names);
}

static bool dec_column_chunk(mdec *d, pq_column_chunk *c)
{
    pq_thrift_reader *r = &d->r;
    pq_thrift_frame f;
    pq_thrift_field fh;
    bool has_oi_len = false, has_ci_len = false;
    pq_thrift_struct_begin(r, "ColumnChunk", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, chunk_types)) continue;
        switch (fh.id) {
        case 1: c->file_path = get_string(d, &fh, "file_path"); break;
        /* 2 file_offset is "required ... = 0": some writers omit it. */
        case 2: c->file_offset = get_i64(r, &fh, "file_offset"); break;
        case 3:
            name_field(r, "meta_data");
            c->has_meta_data = dec_column_meta(d, &c->meta_data);
            break;
        case 4: c->offset_index_offset = get_nonneg_i64(r, &fh, "offset_index_offset"); c->has_offset_index = true; break;
        case 5: c->offset_index_length = get_nonneg_i32(r, &fh, "offset_index_length"); has_oi_len = true; break;
        case 6: c->column_index_offset = get_nonneg_i64(r, &fh, "column_index_offset"); c->has_column_index = true; break;
        case 7: c->column_index_length = get_nonneg_i32(r, &fh, "column_index_length"); has_ci_len = true; break;
        case 8: /* crypto_metadata */
        case 9: /* encrypted_column_metadata */
            c->encrypted = true;
            skip_field(r, &fh);
            break;
        default: break; /* unreachable: known_field() filtered */
        }
    }
    /* An index is usable only with both its offset and its length. */
    c->has_offset_index = c->has_offset_index && has_oi_len;
    c->has_column_index = c->has_column_index && has_ci_len;
    return end_struct(r, &f, 0, 0, no_names);
}

static const char *const sorting_names[] = {"?", "column_idx", "descending", "nulls_first"};

static bool dec_sorting_column(pq_thrift_reader *r, pq_sorting_column *s)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "SortingColumn", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, sorting_types)) continue;
        if (fh.id == 1) s->column_idx = get_nonneg_i32(r, &fh, "column_idx");
        else if (fh.id == 2) s->descending = get_bool(r, &fh, "descending");
        else if (fh.id == 3) s->nulls_first = get_bool(r, &fh, "nulls_first");
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2) | BIT(3), sorting_names);
}

static bool el_chunk(mdec *d, void *e) { return dec_column_chunk(d, (pq_column_chunk *)e); }

/* RowGroup.columns: the count is bounded by max_columns before allocating. */
static bool get_chunks(mdec *d, const pq_thrift_field *fh, pq_row_group_meta *g)
{
    const struct_list sl = {"columns", "column chunks", 3, sizeof(pq_column_chunk), el_chunk};
    g->columns = get_struct_list(d, fh, &sl, d->max_columns, &g->n_columns);
    return g->columns != NULL;
}

static bool el_sorting(mdec *d, void *e) { return dec_sorting_column(&d->r, (pq_sorting_column *)e); }

static bool get_sorting_columns(mdec *d, const pq_thrift_field *fh, pq_row_group_meta *g)
{
    const struct_list sl = {"sorting_columns", "SortingColumns", 1, sizeof(pq_sorting_column), el_sorting};
    g->sorting_columns = get_struct_list(d, fh, &sl, INT32_MAX, &g->n_sorting_columns);
    return g->sorting_columns != NULL;
}

static const char *const rg_names[] = {"?", "columns", "total_byte_size", "num_rows"};

static bool dec_row_group(mdec *d, pq_row_group_meta *g)
{
    pq_thrift_reader *r = &d->r;
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "RowGroup", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, rg_types)) continue;
        switch (fh.id) {
        case 1: get_chunks(d, &fh, g); break;
        case 2: g->total_byte_size = get_nonneg_i64(r, &fh, "total_byte_size"); break;
        case 3: g->num_rows = get_nonneg_i64(r, &fh, "num_rows"); break;
        case 4: get_sorting_columns(d, &fh, g); break;
        case 5: g->file_offset = get_nonneg_i64(r, &fh, "file_offset"); g->has_file_offset = true; break;
        case 6:
            g->total_compressed_size = get_nonneg_i64(r, &fh, "total_compressed_size");
            g->has_total_compressed_size = true;
            break;
        case 7:
            name_field(r, "ordinal");
            g->ordinal = pq_thrift_read_i16(r);
            g->has_ordinal = true;
            break;
        default: continue; /* unreachable: known_field() filtered */
        }
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2) | BIT(3), rg_names);
}

/* ============================================================ FileMetaData */

/* ColumnOrder union: 1 TYPE_ORDER, 2 IEEE_754_TOTAL_ORDER, anything else
 * (INT96_TIMESTAMP_ORDER, newer members, an empty union) 0 = unknown. */
static bool dec_column_order(pq_thrift_reader *r, int32_t *order)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    *order = 0;
    pq_thrift_struct_begin(r, "ColumnOrder", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        *order = (fh.id == 1 || fh.id == 2) && fh.type == PQ_TT_STRUCT ? fh.id : 0;
        skip_field(r, &fh);
    }
    return end_struct(r, &f, 0, 0, no_names);
}

static bool el_schema(mdec *d, void *e) { return dec_schema_element(d, (pq_schema_element *)e); }

static bool get_schema(mdec *d, const pq_thrift_field *fh, pq_file_metadata *m)
{
    const struct_list sl = {"schema", "SchemaElements", 3, sizeof(pq_schema_element), el_schema};
    size_t at = pq_thrift_offset(&d->r);
    int32_t n;
    pq_schema_element *e = get_struct_list(d, fh, &sl, INT32_MAX, &n);
    if (!e) return false;
    if (n == 0) {
        pq_thrift_fail(&d->r, PQ_ERR_CORRUPT, at, "expected at least the root element, found an empty list");
        return false;
    }
    m->schema = e;
    m->n_schema = n;
    return true;
}

static bool el_row_group(mdec *d, void *e) { return dec_row_group(d, (pq_row_group_meta *)e); }

static bool get_row_groups(mdec *d, const pq_thrift_field *fh, pq_file_metadata *m)
{
    const struct_list sl = {"row_groups", "RowGroups", 7, sizeof(pq_row_group_meta), el_row_group};
    m->row_groups = get_struct_list(d, fh, &sl, INT32_MAX, &m->n_row_groups);
    return m->row_groups != NULL;
}

static bool el_order(mdec *d, void *e) { return dec_column_order(&d->r, (int32_t *)e); }

static bool get_column_orders(mdec *d, const pq_thrift_field *fh, pq_file_metadata *m)
{
    const struct_list sl = {"column_orders", "ColumnOrders", 1, sizeof(int32_t), el_order};
    m->column_orders = get_struct_list(d, fh, &sl, INT32_MAX, &m->n_column_orders);
    return m->column_orders != NULL;
}

static const char *const file_names[] = {"?", "version", "schema", "num_rows", "row_groups"};

static bool dec_file(mdec *d, pq_file_metadata *m)
{
    pq_thrift_reader *r = &d->r;
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "FileMetaData", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, file_types)) continue;
        switch (fh.id) {
        case 1: m->version = get_i32(r, &fh, "version"); break;
        case 2: get_schema(d, &fh, m); break;
        case 3: m->num_rows = get_nonneg_i64(r, &fh, "num_rows"); break;
        case 4: get_row_groups(d, &fh, m); break;
        case 5: get_kv_list(d, &fh, "key_value_metadata", &m->kv, &m->n_kv); break;
        case 6: m->created_by = get_string(d, &fh, "created_by"); break;
        case 7: get_column_orders(d, &fh, m); break;
        case 8: m->encrypted = true; skip_field(r, &fh); break; /* encryption_algorithm */
        default: continue; /* unreachable: 9 footer_signing_key_metadata and newer are skipped */
        }
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2) | BIT(3) | BIT(4), file_names);
}

pq_status pq_meta_decode_file(pq_bytes buf, pq_arena *arena, const pq_limits *limits, pq_file_metadata *out,
                              pq_error *err)
{
    memset(out, 0, sizeof *out);
    int64_t max_footer = limits && limits->max_footer_bytes > 0 ? limits->max_footer_bytes : INT64_MAX;
    if ((uint64_t)buf.len > (uint64_t)max_footer) {
        PQ_FAIL(err, PQ_ERR_LIMIT, "expected a footer of at most %lld bytes, found %zu", (long long)max_footer,
                buf.len);
        return PQ_ERR_LIMIT;
    }
    mdec d;
    pq_thrift_reader_init(&d.r, buf, limits ? limits->max_nesting_depth : 0, err);
    d.arena = arena;
    d.max_columns = limits && limits->max_columns > 0 ? limits->max_columns : INT64_MAX;
    d.leaves = 0;
    dec_file(&d, out);
    return finish(&d.r, true);
}

/* ============================================================ page header */

static const char *const dph_names[] = {"?", "num_values", "encoding", "definition_level_encoding",
                                        "repetition_level_encoding"};

static bool dec_data_page_header(pq_thrift_reader *r, pq_data_page_header *h)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "DataPageHeader", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, dph_types)) continue;
        switch (fh.id) {
        case 1: h->num_values = get_nonneg_i32(r, &fh, "num_values"); break;
        case 2: h->encoding = (pq_encoding)get_i32(r, &fh, "encoding"); break;
        case 3: h->definition_level_encoding = (pq_encoding)get_i32(r, &fh, "definition_level_encoding"); break;
        case 4: h->repetition_level_encoding = (pq_encoding)get_i32(r, &fh, "repetition_level_encoding"); break;
        case 5: h->has_statistics = get_statistics(r, &fh, "statistics", &h->statistics); break;
        default: continue; /* unreachable: known_field() filtered */
        }
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2) | BIT(3) | BIT(4), dph_names);
}

static const char *const dict_names[] = {"?", "num_values", "encoding"};

static bool dec_dictionary_page_header(pq_thrift_reader *r, pq_dictionary_page_header *h)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "DictionaryPageHeader", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, dict_types)) continue;
        switch (fh.id) {
        /* negative: bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet */
        case 1: h->num_values = get_nonneg_i32(r, &fh, "num_values"); break;
        case 2: h->encoding = (pq_encoding)get_i32(r, &fh, "encoding"); break;
        case 3: h->is_sorted = get_bool(r, &fh, "is_sorted"); h->has_is_sorted = true; break;
        default: continue; /* unreachable: known_field() filtered */
        }
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2), dict_names);
}

static const char *const v2_names[] = {"?", "num_values", "num_nulls", "num_rows", "encoding",
                                       "definition_levels_byte_length", "repetition_levels_byte_length"};

static bool dec_data_page_header_v2(pq_thrift_reader *r, pq_data_page_header_v2 *h)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    h->is_compressed = true; /* thrift default */
    pq_thrift_struct_begin(r, "DataPageHeaderV2", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, v2_types)) continue;
        switch (fh.id) {
        case 1: h->num_values = get_nonneg_i32(r, &fh, "num_values"); break;
        case 2: h->num_nulls = get_nonneg_i32(r, &fh, "num_nulls"); break;
        case 3: h->num_rows = get_nonneg_i32(r, &fh, "num_rows"); break;
        case 4: h->encoding = (pq_encoding)get_i32(r, &fh, "encoding"); break;
        case 5: h->definition_levels_byte_length = get_nonneg_i32(r, &fh, "definition_levels_byte_length"); break;
        case 6: h->repetition_levels_byte_length = get_nonneg_i32(r, &fh, "repetition_levels_byte_length"); break;
        case 7: h->is_compressed = get_bool(r, &fh, "is_compressed"); break;
        case 8: h->has_statistics = get_statistics(r, &fh, "statistics", &h->statistics); break;
        default: continue; /* unreachable: known_field() filtered */
        }
        seen |= BIT(fh.id);
    }
    const uint32_t need = BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6);
    return end_struct(r, &f, seen, need, v2_names);
}

static const char *const ph_names[] = {"?", "type", "uncompressed_page_size", "compressed_page_size"};

static bool dec_page_header(pq_thrift_reader *r, pq_page_header *h)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "PageHeader", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, ph_types)) continue;
        switch (fh.id) {
        case 1: h->type = (pq_page_type)get_i32_in(r, &fh, "type", 0, 3); break;
        case 2: h->uncompressed_page_size = get_nonneg_i32(r, &fh, "uncompressed_page_size"); break;
        case 3: h->compressed_page_size = get_nonneg_i32(r, &fh, "compressed_page_size"); break;
        case 4: h->crc = (uint32_t)get_i32(r, &fh, "crc"); h->has_crc = true; break;
        case 5:
            name_field(r, "data_page_header");
            h->has_data_page = dec_data_page_header(r, &h->data_page);
            break;
        case 7:
            name_field(r, "dictionary_page_header");
            h->has_dictionary_page = dec_dictionary_page_header(r, &h->dictionary_page);
            break;
        case 8:
            name_field(r, "data_page_header_v2");
            h->has_data_page_v2 = dec_data_page_header_v2(r, &h->data_page_v2);
            break;
        default: continue; /* unreachable: 6 index_page_header and newer are skipped */
        }
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2) | BIT(3), ph_names);
}

pq_status pq_meta_decode_page_header(pq_bytes buf, pq_page_header *out, size_t *out_len, pq_error *err)
{
    memset(out, 0, sizeof *out);
    *out_len = 0;
    pq_thrift_reader r;
    pq_thrift_reader_init(&r, buf, 0, err);
    if (dec_page_header(&r, out)) {
        *out_len = pq_thrift_offset(&r);
        return PQ_OK;
    }
    /* Too-deep unknown nesting has no limit to raise here: it is corruption. */
    if (r.status == PQ_ERR_LIMIT) {
        r.status = PQ_ERR_CORRUPT;
        if (err) err->code = PQ_ERR_CORRUPT;
    }
    return finish(&r, false);
}

/* ============================================================ page indexes */

static const char *const ci_names[] = {"?", "null_pages", "min_values", "max_values", "boundary_order"};

/* list<binary> into arrays of pointers into buf and lengths. */
static bool get_bounds(mdec *d, const pq_thrift_field *fh, const char *name, const uint8_t ***vals,
                       int32_t **lens, int32_t *n)
{
    if (!get_list(&d->r, fh, name, PQ_TT_BINARY, n)) return false;
    const uint8_t **v = alloc_array(d, *n, sizeof *v);
    int32_t *l = v ? alloc_array(d, *n, sizeof *l) : NULL;
    if (!l) return false;
    for (int32_t i = 0; i < *n && pq_thrift_ok(&d->r); i++) {
        pq_bytes b = pq_thrift_read_binary(&d->r);
        v[i] = b.ptr;
        l[i] = (int32_t)b.len;
    }
    *vals = v;
    *lens = l;
    return pq_thrift_ok(&d->r);
}

static bool get_null_pages(mdec *d, const pq_thrift_field *fh, pq_column_index *ci)
{
    if (!get_list(&d->r, fh, "null_pages", PQ_TT_BOOL_TRUE, &ci->n_pages)) return false;
    bool *np = alloc_array(d, ci->n_pages, sizeof *np);
    if (!np) return false;
    for (int32_t i = 0; i < ci->n_pages && pq_thrift_ok(&d->r); i++) np[i] = pq_thrift_read_list_bool(&d->r);
    ci->null_pages = np;
    return pq_thrift_ok(&d->r);
}

static bool get_null_counts(mdec *d, const pq_thrift_field *fh, pq_column_index *ci, int32_t *n)
{
    if (!get_list(&d->r, fh, "null_counts", PQ_TT_I64, n)) return false;
    int64_t *c = alloc_array(d, *n, sizeof *c);
    if (!c) return false;
    for (int32_t i = 0; i < *n && pq_thrift_ok(&d->r); i++) c[i] = pq_thrift_read_i64(&d->r);
    ci->null_counts = c;
    ci->has_null_counts = true;
    return pq_thrift_ok(&d->r);
}

/* All per-page lists must have one entry per page. */
static bool check_pages(pq_thrift_reader *r, const char *name, int32_t n, int32_t pages)
{
    if (n == pages) return true;
    r->ctx = "ColumnIndex";
    r->fname = name;
    r->field = -1;
    pq_thrift_fail(r, PQ_ERR_CORRUPT, pq_thrift_offset(r), "expected %d entries (one per page), found %d",
                   (int)pages, (int)n);
    return false;
}

static bool dec_column_index(mdec *d, pq_column_index *ci)
{
    pq_thrift_reader *r = &d->r;
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    int32_t n_min = 0, n_max = 0, n_nc = 0;
    pq_thrift_struct_begin(r, "ColumnIndex", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, ci_types)) continue;
        switch (fh.id) {
        case 1: get_null_pages(d, &fh, ci); break;
        case 2: get_bounds(d, &fh, "min_values", &ci->min_values, &ci->min_lens, &n_min); break;
        case 3: get_bounds(d, &fh, "max_values", &ci->max_values, &ci->max_lens, &n_max); break;
        case 4: ci->boundary_order = get_i32(r, &fh, "boundary_order"); break;
        case 5: get_null_counts(d, &fh, ci, &n_nc); break;
        default: continue; /* unreachable: level histograms, nan_counts are skipped */
        }
        seen |= BIT(fh.id);
    }
    if (!end_struct(r, &f, seen, BIT(1) | BIT(2) | BIT(3) | BIT(4), ci_names)) return false;
    return check_pages(r, "min_values", n_min, ci->n_pages) && check_pages(r, "max_values", n_max, ci->n_pages) &&
           (!ci->has_null_counts || check_pages(r, "null_counts", n_nc, ci->n_pages));
}

pq_status pq_meta_decode_column_index(pq_bytes buf, pq_arena *arena, pq_column_index *out, pq_error *err)
{
    memset(out, 0, sizeof *out);
    mdec d;
    pq_thrift_reader_init(&d.r, buf, 0, err);
    d.arena = arena;
    d.max_columns = INT64_MAX;
    d.leaves = 0;
    dec_column_index(&d, out);
    return finish(&d.r, true);
}

static const char *const loc_names[] = {"?", "offset", "compressed_page_size", "first_row_index"};

static bool dec_page_location(pq_thrift_reader *r, pq_page_location *l)
{
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "PageLocation", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!KNOWN(r, &fh, loc_types)) continue;
        if (fh.id == 1) l->offset = get_nonneg_i64(r, &fh, "offset");
        else if (fh.id == 2) l->compressed_page_size = get_nonneg_i32(r, &fh, "compressed_page_size");
        else if (fh.id == 3) l->first_row_index = get_nonneg_i64(r, &fh, "first_row_index");
        seen |= BIT(fh.id);
    }
    return end_struct(r, &f, seen, BIT(1) | BIT(2) | BIT(3), loc_names);
}

static const char *const oi_names[] = {"?", "page_locations"};

static bool dec_offset_index(mdec *d, pq_offset_index *oi)
{
    pq_thrift_reader *r = &d->r;
    pq_thrift_frame f;
    pq_thrift_field fh;
    uint32_t seen = 0;
    pq_thrift_struct_begin(r, "OffsetIndex", &f);
    while (pq_thrift_read_field(r, &f, &fh)) {
        /* only 1 is known: 2 unencoded_byte_array_data_bytes is skipped */
        if (!KNOWN(r, &fh, oi_types)) continue;
        int32_t n;
        if (!get_list(r, &fh, "page_locations", PQ_TT_STRUCT, &n)) break;
        pq_page_location *l = alloc_array(d, n, sizeof *l);
        if (!l) break;
        for (int32_t i = 0; i < n; i++)
            if (!dec_page_location(r, &l[i])) break;
        oi->page_locations = l;
        oi->n_pages = n;
        seen |= BIT(1);
    }
    return end_struct(r, &f, seen, BIT(1), oi_names);
}

pq_status pq_meta_decode_offset_index(pq_bytes buf, pq_arena *arena, pq_offset_index *out, pq_error *err)
{
    memset(out, 0, sizeof *out);
    mdec d;
    pq_thrift_reader_init(&d.r, buf, 0, err);
    d.arena = arena;
    d.max_columns = INT64_MAX;
    d.leaves = 0;
    dec_offset_index(&d, out);
    return finish(&d.r, true);
}
