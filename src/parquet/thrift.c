/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/thrift.c - Thrift compact protocol reader and writer (see
 * thrift.h for the encoding rules and the error classes).
 *
 * Invariants of the reader: base <= p <= end at all times; every read checks
 * the bytes it needs against end - p before touching them; the first error
 * is the one reported and parks the cursor (end = p) so that later reads
 * return zeros without reading.  Counts and lengths are checked against the
 * remaining bytes before any caller can allocate for them, which bounds
 * allocations by the input size.  Skipping recurses at most skip_depth
 * levels, so hostile nesting cannot exhaust the stack.
 *
 * The writer never fails except for memory (pq_buf growth) or a struct
 * nesting deeper than PQ_THRIFT_WRITER_MAX_DEPTH (a bug in the caller).
 */
#include "parquet/thrift.h"

#include <stdarg.h>
#include <stdio.h>

/* ================================================================ reader */

void pq_thrift_reader_init(pq_thrift_reader *r, pq_bytes buf, int32_t skip_depth, pq_error *err)
{
    /* An empty view may have a NULL pointer: use a real one so that pointer
     * arithmetic stays defined. */
    static const uint8_t empty[1];
    if (!buf.ptr) buf = pq_bytes_make(empty, 0);
    r->base = buf.ptr;
    r->p = buf.ptr;
    r->end = buf.ptr + buf.len;
    r->status = PQ_OK;
    r->err = err;
    r->skip_depth = skip_depth > 0 ? skip_depth : PQ_THRIFT_DEFAULT_SKIP_DEPTH;
    r->ctx = NULL;
    r->field = -1;
    r->fname = NULL;
}

pq_status pq_thrift_fail(pq_thrift_reader *r, pq_status code, size_t offset, const char *fmt, ...)
{
    if (r->status != PQ_OK) return r->status;
    r->status = code;
    r->end = r->p; /* park: nothing more can be read */
    if (!r->err) return code;
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (r->ctx && r->fname)
        pq_error_set(r->err, code, __FILE__, __LINE__, __func__, "%s.%s: %s at offset %zu", r->ctx, r->fname,
                     what, offset);
    else if (r->ctx && r->field >= 0)
        pq_error_set(r->err, code, __FILE__, __LINE__, __func__, "%s field %d: %s at offset %zu", r->ctx,
                     (int)r->field, what, offset);
    else if (r->ctx)
        pq_error_set(r->err, code, __FILE__, __LINE__, __func__, "%s: %s at offset %zu", r->ctx, what, offset);
    else
        pq_error_set(r->err, code, __FILE__, __LINE__, __func__, "%s at offset %zu", what, offset);
    pq_error_at_offset(r->err, (int64_t)offset);
    return code;
}

const char *pq_thrift_type_name(uint8_t type)
{
    static const char *const names[] = {"stop", "bool", "bool", "byte",   "i16", "i32", "i64",
                                        "double", "binary", "list", "set", "map", "struct"};
    return type < sizeof names / sizeof names[0] ? names[type] : "unknown type";
}

/* Report the input ending inside a value of kind `what`. */
static void fail_eof(pq_thrift_reader *r, const char *what)
{
    pq_thrift_fail(r, PQ_ERR_EOF, pq_thrift_offset(r), "expected %s, found end of input", what);
}

uint64_t pq_thrift_read_varint_slow(pq_thrift_reader *r)
{
    const uint8_t *p = r->p;
    uint64_t v = 0;
    /* 10 bytes carry 70 bits; the 10th may only contribute bit 63. */
    for (unsigned i = 0; i < 10; i++) {
        if (p == r->end) {
            fail_eof(r, "varint");
            return 0;
        }
        uint8_t b = *p++;
        if (i == 9 && b > 1) break;
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (b < 0x80) {
            r->p = p;
            return v;
        }
    }
    pq_thrift_fail(r, PQ_ERR_CORRUPT, pq_thrift_offset(r), "expected a varint of at most 64 bits, found more");
    return 0;
}

int32_t pq_thrift_range_fail(pq_thrift_reader *r, size_t at, uint64_t zigzag, const char *type)
{
    if (r->status == PQ_OK)
        pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected an %s, found %lld", type,
                       (long long)pq_thrift_unzigzag(zigzag));
    return 0;
}

int8_t pq_thrift_read_byte(pq_thrift_reader *r)
{
    if (r->p == r->end) {
        fail_eof(r, "byte");
        return 0;
    }
    return (int8_t)*r->p++;
}

double pq_thrift_read_double(pq_thrift_reader *r)
{
    if (r->end - r->p < 8) {
        fail_eof(r, "8-byte double");
        return 0.0;
    }
    double d;
    memcpy(&d, r->p, 8); /* little-endian host (CMake checks) */
    r->p += 8;
    return d;
}

pq_bytes pq_thrift_read_binary(pq_thrift_reader *r)
{
    pq_bytes b = {NULL, 0};
    size_t at = pq_thrift_offset(r);
    uint64_t n = pq_thrift_read_varint(r);
    if (r->status != PQ_OK) return b;
    if (n > INT32_MAX) {
        pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected a binary length <= 2147483647, found %llu",
                       (unsigned long long)n);
        return b;
    }
    if (n > pq_thrift_remaining(r)) {
        pq_thrift_fail(r, PQ_ERR_EOF, at, "expected %llu bytes of binary, found %zu", (unsigned long long)n,
                       pq_thrift_remaining(r));
        return b;
    }
    b.ptr = r->p;
    b.len = (size_t)n;
    r->p += n;
    return b;
}

bool pq_thrift_read_list_bool(pq_thrift_reader *r)
{
    size_t at = pq_thrift_offset(r);
    uint8_t b = (uint8_t)pq_thrift_read_byte(r);
    if (b > 2) {
        pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected a bool (0, 1 or 2), found %u", (unsigned)b);
        return false;
    }
    return b == 1;
}

void pq_thrift_struct_begin(pq_thrift_reader *r, const char *name, pq_thrift_frame *f)
{
    f->last_id = 0;
    f->prev_ctx = r->ctx;
    f->prev_field = r->field;
    f->prev_fname = r->fname;
    r->ctx = name;
    r->field = -1;
    r->fname = NULL;
}

bool pq_thrift_read_field_slow(pq_thrift_reader *r, pq_thrift_frame *f, pq_thrift_field *out)
{
    size_t at = pq_thrift_offset(r);
    if (r->p == r->end) {
        fail_eof(r, "a field header");
        return false;
    }
    uint8_t b = *r->p++;
    uint8_t type = b & 0x0f;
    out->type = type;
    /* Like Apache Thrift, only the type nibble decides STOP. */
    if (type == PQ_TT_STOP) return false;
    if (type > PQ_TT_STRUCT) {
        pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected a field type 1..12, found %u", (unsigned)type);
        return false;
    }
    int32_t id;
    if (b >> 4) {
        id = (int32_t)f->last_id + (b >> 4);
        if (id > INT16_MAX) {
            pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected a field id <= 32767, found %d", (int)id);
            return false;
        }
    } else {
        id = pq_thrift_read_i16(r);
        if (r->status != PQ_OK) return false;
    }
    out->id = (int16_t)id;
    out->bval = type == PQ_TT_BOOL_TRUE;
    f->last_id = (int16_t)id;
    r->field = id;
    r->fname = NULL;
    return true;
}

/* Check a collection element type nibble. */
static bool check_elem_type(pq_thrift_reader *r, uint8_t t, size_t at)
{
    if (t == PQ_TT_STOP || t > PQ_TT_STRUCT) {
        pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected an element type 1..12, found %u", (unsigned)t);
        return false;
    }
    return true;
}

/* Check an element count (as read) against int32 and the bytes left, each
 * element needing at least `min_bytes`. */
static bool check_count(pq_thrift_reader *r, uint64_t n, unsigned min_bytes, size_t at, int32_t *count)
{
    if (n > INT32_MAX) {
        pq_thrift_fail(r, PQ_ERR_CORRUPT, at, "expected an element count <= 2147483647, found %llu",
                       (unsigned long long)n);
        return false;
    }
    if (n > pq_thrift_remaining(r) / min_bytes) {
        pq_thrift_fail(r, PQ_ERR_EOF, at, "expected %llu elements, found %zu bytes left", (unsigned long long)n,
                       pq_thrift_remaining(r));
        return false;
    }
    *count = (int32_t)n;
    return true;
}

bool pq_thrift_read_list(pq_thrift_reader *r, uint8_t *elem_type, int32_t *count)
{
    size_t at = pq_thrift_offset(r);
    *count = 0;
    *elem_type = 0;
    if (r->p == r->end) {
        fail_eof(r, "a list header");
        return false;
    }
    uint8_t b = *r->p++;
    uint8_t t = b & 0x0f;
    uint64_t n = b >> 4;
    if (n == 15) {
        n = pq_thrift_read_varint(r);
        if (r->status != PQ_OK) return false;
    }
    /* Some writers leave the element type 0 in empty lists: accept that. */
    if (n == 0) {
        *elem_type = t;
        return true;
    }
    if (!check_elem_type(r, t, at)) return false;
    /* Every element, bools included, takes at least one byte. */
    if (!check_count(r, n, 1, at, count)) return false;
    *elem_type = t;
    return true;
}

bool pq_thrift_read_map(pq_thrift_reader *r, uint8_t *key_type, uint8_t *val_type, int32_t *count)
{
    size_t at = pq_thrift_offset(r);
    *count = 0;
    *key_type = *val_type = 0;
    uint64_t n = pq_thrift_read_varint(r);
    if (r->status != PQ_OK) return false;
    if (n == 0) return true;
    if (r->p == r->end) {
        fail_eof(r, "map key/value types");
        return false;
    }
    uint8_t b = *r->p++;
    if (!check_elem_type(r, b >> 4, at) || !check_elem_type(r, b & 0x0f, at)) return false;
    if (!check_count(r, n, 2, at, count)) return false;
    *key_type = b >> 4;
    *val_type = b & 0x0f;
    return true;
}

static bool skip_value(pq_thrift_reader *r, uint8_t type, bool in_list, int32_t depth);

/* Skip the fields of a struct up to and including its STOP. */
static bool skip_struct(pq_thrift_reader *r, int32_t depth)
{
    pq_thrift_frame f;
    f.last_id = 0;
    pq_thrift_field fh;
    /* Context (for messages) stays the outer struct's: the skipped one has no name. */
    int32_t saved = r->field;
    const char *saved_name = r->fname;
    while (pq_thrift_read_field(r, &f, &fh)) {
        if (!skip_value(r, fh.type, false, depth)) break;
    }
    r->field = saved;
    r->fname = saved_name;
    return r->status == PQ_OK;
}

/* Skip `n` elements of type `t` (collection contents). */
static bool skip_elems(pq_thrift_reader *r, uint8_t t, int32_t n, int32_t depth)
{
    for (int32_t i = 0; i < n; i++)
        if (!skip_value(r, t, true, depth)) return false;
    return true;
}

/* Skip one value; `depth` counts the containers entered so far. */
static bool skip_value(pq_thrift_reader *r, uint8_t type, bool in_list, int32_t depth)
{
    switch (type) {
    case PQ_TT_BOOL_TRUE:
    case PQ_TT_BOOL_FALSE:
        if (in_list) (void)pq_thrift_read_list_bool(r);
        break;
    case PQ_TT_BYTE: (void)pq_thrift_read_byte(r); break;
    case PQ_TT_I16:
    case PQ_TT_I32:
    case PQ_TT_I64: (void)pq_thrift_read_varint(r); break;
    case PQ_TT_DOUBLE: (void)pq_thrift_read_double(r); break;
    case PQ_TT_BINARY: (void)pq_thrift_read_binary(r); break;
    case PQ_TT_LIST:
    case PQ_TT_SET:
    case PQ_TT_MAP:
    case PQ_TT_STRUCT:
        if (depth >= r->skip_depth) {
            pq_thrift_fail(r, PQ_ERR_LIMIT, pq_thrift_offset(r),
                           "expected unknown values nested at most %d deep, found deeper", (int)r->skip_depth);
            return false;
        }
        if (type == PQ_TT_STRUCT) return skip_struct(r, depth + 1);
        if (type == PQ_TT_MAP) {
            uint8_t kt, vt;
            int32_t n;
            if (!pq_thrift_read_map(r, &kt, &vt, &n)) return false;
            for (int32_t i = 0; i < n; i++)
                if (!skip_value(r, kt, true, depth + 1) || !skip_value(r, vt, true, depth + 1)) return false;
            return true;
        } else {
            uint8_t et;
            int32_t n;
            if (!pq_thrift_read_list(r, &et, &n)) return false;
            return skip_elems(r, et, n, depth + 1);
        }
    default:
        pq_thrift_fail(r, PQ_ERR_CORRUPT, pq_thrift_offset(r), "expected a value type 1..12, found %u",
                       (unsigned)type);
        return false;
    }
    return r->status == PQ_OK;
}

bool pq_thrift_skip(pq_thrift_reader *r, uint8_t type) { return skip_value(r, type, false, 0); }

bool pq_thrift_skip_elem(pq_thrift_reader *r, uint8_t type) { return skip_value(r, type, true, 0); }

/* ================================================================ writer */

void pq_thrift_writer_init(pq_thrift_writer *w, pq_buf *out, pq_error *err)
{
    w->out = out;
    w->status = PQ_OK;
    w->err = err;
    w->depth = 0;
    w->last[0] = 0;
}

void pq_thrift_write_bytes_slow(pq_thrift_writer *w, const void *p, size_t n)
{
    if (w->status != PQ_OK) return;
    w->status = pq_buf_append(w->out, p, n, w->err);
}

void pq_thrift_write_varint(pq_thrift_writer *w, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    pq_thrift_write_bytes(w, tmp, n);
}

void pq_thrift_write_byte(pq_thrift_writer *w, int8_t v)
{
    uint8_t b = (uint8_t)v;
    pq_thrift_write_bytes(w, &b, 1);
}

void pq_thrift_write_double(pq_thrift_writer *w, double v)
{
    uint8_t tmp[8];
    memcpy(tmp, &v, 8);
    pq_thrift_write_bytes(w, tmp, 8);
}

void pq_thrift_write_binary(pq_thrift_writer *w, const void *p, size_t n)
{
    pq_thrift_write_varint(w, n);
    pq_thrift_write_bytes(w, p, n);
}

void pq_thrift_write_list_bool(pq_thrift_writer *w, bool v)
{
    pq_thrift_write_byte(w, v ? PQ_TT_BOOL_TRUE : PQ_TT_BOOL_FALSE);
}

void pq_thrift_write_field(pq_thrift_writer *w, uint8_t type, int16_t id)
{
    if (w->status != PQ_OK) return;
    int16_t *last = &w->last[w->depth > 0 ? w->depth - 1 : 0];
    int32_t delta = (int32_t)id - *last;
    if (delta > 0 && delta <= 15) {
        uint8_t b = (uint8_t)((delta << 4) | type);
        pq_thrift_write_bytes(w, &b, 1);
    } else {
        uint8_t b = type;
        pq_thrift_write_bytes(w, &b, 1);
        pq_thrift_write_i64(w, id);
    }
    *last = id;
}

void pq_thrift_write_bool_field(pq_thrift_writer *w, int16_t id, bool v)
{
    pq_thrift_write_field(w, v ? PQ_TT_BOOL_TRUE : PQ_TT_BOOL_FALSE, id);
}

void pq_thrift_write_i16_field(pq_thrift_writer *w, int16_t id, int16_t v)
{
    pq_thrift_write_field(w, PQ_TT_I16, id);
    pq_thrift_write_i64(w, v);
}

void pq_thrift_write_i32_field(pq_thrift_writer *w, int16_t id, int32_t v)
{
    pq_thrift_write_field(w, PQ_TT_I32, id);
    pq_thrift_write_i64(w, v);
}

void pq_thrift_write_i64_field(pq_thrift_writer *w, int16_t id, int64_t v)
{
    pq_thrift_write_field(w, PQ_TT_I64, id);
    pq_thrift_write_i64(w, v);
}

void pq_thrift_write_binary_field(pq_thrift_writer *w, int16_t id, const void *p, size_t n)
{
    pq_thrift_write_field(w, PQ_TT_BINARY, id);
    pq_thrift_write_binary(w, p, n);
}

void pq_thrift_write_list(pq_thrift_writer *w, uint8_t elem_type, int32_t count)
{
    if (count < 0) {
        if (w->status == PQ_OK)
            w->status = PQ_FAIL(w->err, PQ_ERR_INTERNAL, "expected a list count >= 0, found %d", (int)count);
        return;
    }
    if (count < 15) {
        uint8_t b = (uint8_t)((count << 4) | elem_type);
        pq_thrift_write_bytes(w, &b, 1);
    } else {
        uint8_t b = (uint8_t)(0xF0 | elem_type);
        pq_thrift_write_bytes(w, &b, 1);
        pq_thrift_write_varint(w, (uint64_t)count);
    }
}

void pq_thrift_write_map(pq_thrift_writer *w, uint8_t key_type, uint8_t val_type, int32_t count)
{
    if (count < 0) {
        if (w->status == PQ_OK)
            w->status = PQ_FAIL(w->err, PQ_ERR_INTERNAL, "expected a map count >= 0, found %d", (int)count);
        return;
    }
    pq_thrift_write_varint(w, (uint64_t)count);
    if (count > 0) {
        uint8_t b = (uint8_t)((key_type << 4) | val_type);
        pq_thrift_write_bytes(w, &b, 1);
    }
}

void pq_thrift_write_struct_begin(pq_thrift_writer *w)
{
    if (w->status != PQ_OK) return;
    if (w->depth >= PQ_THRIFT_WRITER_MAX_DEPTH) {
        w->status = PQ_FAIL(w->err, PQ_ERR_INTERNAL, "expected structs nested at most %d deep, found deeper",
                            PQ_THRIFT_WRITER_MAX_DEPTH);
        return;
    }
    w->last[w->depth++] = 0;
}

void pq_thrift_write_struct_end(pq_thrift_writer *w)
{
    if (w->status != PQ_OK) return;
    if (w->depth == 0) {
        w->status = PQ_FAIL(w->err, PQ_ERR_INTERNAL, "expected an open struct, found none");
        return;
    }
    uint8_t stop = PQ_TT_STOP;
    pq_thrift_write_bytes(w, &stop, 1);
    w->depth--;
}
