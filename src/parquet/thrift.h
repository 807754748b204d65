/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/thrift.h - primitives of the Thrift compact protocol, the wire
 * format of every Parquet metadata structure (footer, page headers, page
 * indexes).  A leaf unit below metadata.c: it knows value types, not structs.
 *
 * Reader: a cursor over a borrowed pq_bytes with a STICKY error.  Read
 * functions return a value (0 / false / empty after an error) and record the
 * first problem only; callers check pq_thrift_ok() where it matters (loop
 * heads, before using a value) and convert the state to a pq_status at the
 * unit boundary.  After an error the cursor is parked at the end, so every
 * later read fails fast without touching memory.  Nothing ever reads past
 * the end of the buffer.
 *
 * Error classes, chosen so that a reader fed a PREFIX of a valid structure
 * always sees PQ_ERR_EOF (page headers are read from windows of unknown
 * length and retried with more bytes):
 *   PQ_ERR_EOF      the input ends inside a value, or a length / element
 *                   count is larger than the bytes that remain;
 *   PQ_ERR_CORRUPT  bytes that no valid encoding produces: a varint longer
 *                   than 10 bytes, an integer out of its type's range, an
 *                   unknown type nibble, a field id outside i16, a length
 *                   that does not fit an int32;
 *   PQ_ERR_LIMIT    an unknown value nested deeper than the skip budget.
 * Messages read "<Struct> field <id>: expected X, found Y at offset N", N
 * relative to the start of the buffer; the offset also goes to
 * err->where.offset (pq_error_at_offset).
 *
 * Writer: appends to a pq_buf, also with a sticky status (only
 * PQ_ERR_NOMEM from the buffer, or PQ_ERR_INTERNAL on misuse).  Field
 * headers use the short delta form when the id grows by 1..15 and the long
 * form otherwise; lists use the short header below 15 elements.
 *
 * Encoding rules followed (thrift compact protocol spec):
 *  - field header: (delta << 4) | type, or type byte + zigzag i16 id;
 *  - bool fields carry the value in the type nibble (1 true, 2 false); a bool
 *    inside a list is one byte (written 1/2, read 1 true, 0 or 2 false);
 *  - i16/i32/i64: zigzag ULEB128; byte: one raw byte; double: 8 bytes LE;
 *  - binary: ULEB128 length + bytes;
 *  - list/set: (count << 4) | elem when count < 15, else 0xF0 | elem + ULEB;
 *  - map: ULEB count, then (key << 4) | value when count > 0;
 *  - STOP = 0 ends a struct.
 */
#ifndef PARQUANT_PARQUET_THRIFT_H
#define PARQUANT_PARQUET_THRIFT_H

#include "core/core.h"

/** Compact-protocol type nibbles. */
enum {
    PQ_TT_STOP = 0,
    PQ_TT_BOOL_TRUE = 1,
    PQ_TT_BOOL_FALSE = 2,
    PQ_TT_BYTE = 3,
    PQ_TT_I16 = 4,
    PQ_TT_I32 = 5,
    PQ_TT_I64 = 6,
    PQ_TT_DOUBLE = 7,
    PQ_TT_BINARY = 8,
    PQ_TT_LIST = 9,
    PQ_TT_SET = 10,
    PQ_TT_MAP = 11,
    PQ_TT_STRUCT = 12
};

/** Default bound on how deep an unknown value may nest when skipped. */
#define PQ_THRIFT_DEFAULT_SKIP_DEPTH 64

/* ================================================================ reader */

typedef struct pq_thrift_reader {
    const uint8_t *base;   /* start of the buffer (offsets are relative to it) */
    const uint8_t *p;      /* cursor, base <= p <= end */
    const uint8_t *end;    /* one past the last byte; == p after an error */
    pq_status status;      /* PQ_OK, or the first error */
    pq_error *err;         /* may be NULL */
    int32_t skip_depth;    /* most levels an unknown value may nest, >= 1 */
    const char *ctx;       /* struct being decoded, for messages */
    int32_t field;         /* id of the field being decoded, -1 = none */
    const char *fname;     /* its name when the caller set one, else NULL */
} pq_thrift_reader;

/** Field header as read. */
typedef struct pq_thrift_field {
    int16_t id;            /* field id */
    uint8_t type;          /* PQ_TT_* (PQ_TT_STOP at the end of a struct) */
    bool bval;             /* the value of a bool field (type BOOL_TRUE/FALSE) */
} pq_thrift_field;

/** Per-struct decoding state: the last field id (ids are delta-coded) and
 *  the message context of the enclosing struct, restored at the end. */
typedef struct pq_thrift_frame {
    int16_t last_id;
    const char *prev_ctx;
    int32_t prev_field;
    const char *prev_fname;
} pq_thrift_frame;

/** Start reading `buf`.  skip_depth <= 0 selects PQ_THRIFT_DEFAULT_SKIP_DEPTH.
 *  Can't fail. */
void pq_thrift_reader_init(pq_thrift_reader *r, pq_bytes buf, int32_t skip_depth, pq_error *err);

static inline bool pq_thrift_ok(const pq_thrift_reader *r) { return r->status == PQ_OK; }
/** Offset of the cursor from the start of the buffer. */
static inline size_t pq_thrift_offset(const pq_thrift_reader *r) { return (size_t)(r->p - r->base); }
static inline size_t pq_thrift_remaining(const pq_thrift_reader *r) { return (size_t)(r->end - r->p); }

/** Record an error (first one wins): formats "<ctx>.<fname>: <message>"
 *  (or "<ctx> field <id>: " when the field has no name set, "<ctx>: " outside
 *  any field) plus " at offset N", sets err->where.offset and parks the cursor.
 *  Returns the reader's status (the first error's code). */
PQ_PRINTF(4, 5)
pq_status pq_thrift_fail(pq_thrift_reader *r, pq_status code, size_t offset, const char *fmt, ...);

/** Short name of a type nibble ("i32", "struct", ...), "unknown type" beyond 12. */
const char *pq_thrift_type_name(uint8_t type);

/** Unsigned LEB128 of at most 10 bytes; records EOF / CORRUPT. */
uint64_t pq_thrift_read_varint_slow(pq_thrift_reader *r);

/** Unsigned LEB128.  One- and two-byte values (nearly all metadata) take the
 *  inline path; the rest goes to the checked loop. */
static inline uint64_t pq_thrift_read_varint(pq_thrift_reader *r)
{
    const uint8_t *p = r->p;
    if (r->end - p >= 2) {
        if (p[0] < 0x80) { r->p = p + 1; return p[0]; }
        if (p[1] < 0x80) { r->p = p + 2; return (uint64_t)(p[0] & 0x7f) | ((uint64_t)p[1] << 7); }
    }
    return pq_thrift_read_varint_slow(r);
}

static inline int64_t pq_thrift_unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

/** Report an integer out of the range of its type (read at `at`); returns 0. */
int32_t pq_thrift_range_fail(pq_thrift_reader *r, size_t at, uint64_t zigzag, const char *type);

/** Zigzag varints range-checked for their width (CORRUPT when out of range).
 *  The zigzag form of an i32 (i16) fits 32 (16) bits exactly. */
static inline int32_t pq_thrift_read_i32(pq_thrift_reader *r)
{
    size_t at = (size_t)(r->p - r->base);
    uint64_t v = pq_thrift_read_varint(r);
    if (v <= UINT32_MAX) return (int32_t)pq_thrift_unzigzag(v);
    return pq_thrift_range_fail(r, at, v, "i32");
}
static inline int16_t pq_thrift_read_i16(pq_thrift_reader *r)
{
    size_t at = (size_t)(r->p - r->base);
    uint64_t v = pq_thrift_read_varint(r);
    if (v <= UINT16_MAX) return (int16_t)pq_thrift_unzigzag(v);
    return (int16_t)pq_thrift_range_fail(r, at, v, "i16");
}
static inline int64_t pq_thrift_read_i64(pq_thrift_reader *r) { return pq_thrift_unzigzag(pq_thrift_read_varint(r)); }
/** One raw byte (thrift "byte"/i8). */
int8_t pq_thrift_read_byte(pq_thrift_reader *r);
/** 8 bytes little-endian. */
double pq_thrift_read_double(pq_thrift_reader *r);
/** Length-prefixed bytes, borrowed from the buffer.  The length must fit an
 *  int32 (else CORRUPT) and the remaining bytes (else EOF). */
pq_bytes pq_thrift_read_binary(pq_thrift_reader *r);
/** A bool list element: 1 true, 0 or 2 false, anything else CORRUPT. */
bool pq_thrift_read_list_bool(pq_thrift_reader *r);

/** Begin a struct: remembers the enclosing context and names this one. */
void pq_thrift_struct_begin(pq_thrift_reader *r, const char *name, pq_thrift_frame *f);
/** End a struct (after its STOP was read): restores the enclosing context. */
static inline void pq_thrift_struct_end(pq_thrift_reader *r, const pq_thrift_frame *f)
{
    r->ctx = f->prev_ctx;
    r->field = f->prev_field;
    r->fname = f->prev_fname;
}

/** Read the next field header of the struct of frame `f`.  Returns false at
 *  STOP or on error (check pq_thrift_ok()).  Bool values are decoded into
 *  out->bval; ids must stay within i16. */
bool pq_thrift_read_field_slow(pq_thrift_reader *r, pq_thrift_frame *f, pq_thrift_field *out);
static inline bool pq_thrift_read_field(pq_thrift_reader *r, pq_thrift_frame *f, pq_thrift_field *out)
{
    /* Fast path: the short (delta) form of a valid type, no id overflow. */
    if (r->p < r->end) {
        uint8_t b = *r->p, t = b & 0x0f;
        if ((b >> 4) != 0 && t != PQ_TT_STOP && t <= PQ_TT_STRUCT && f->last_id <= INT16_MAX - 15) {
            r->p++;
            f->last_id = (int16_t)(f->last_id + (b >> 4));
            out->id = f->last_id;
            out->type = t;
            out->bval = t == PQ_TT_BOOL_TRUE;
            r->field = f->last_id;
            r->fname = NULL;
            return true;
        }
    }
    return pq_thrift_read_field_slow(r, f, out);
}

/** List or set header: element type and count.  The count must fit an int32
 *  (else CORRUPT) and every element takes at least one byte (a bool in a
 *  list is one byte too), so a count above the remaining bytes is EOF.  The
 *  element type must be a value type (1..12; 1 and 2 both mean bool), except
 *  in an empty list, where some writers leave it 0.  Returns false on error. */
bool pq_thrift_read_list(pq_thrift_reader *r, uint8_t *elem_type, int32_t *count);

/** Map header: count, key and value types (0 when the map is empty).
 *  Every entry takes at least two bytes.  Returns false on error. */
bool pq_thrift_read_map(pq_thrift_reader *r, uint8_t *key_type, uint8_t *val_type, int32_t *count);

/** Skip one value of wire type `type` (a field's value, bool fields have
 *  none), recursing into structs, lists, sets and maps at most skip_depth
 *  levels deep (deeper is PQ_ERR_LIMIT).  Returns false on error. */
bool pq_thrift_skip(pq_thrift_reader *r, uint8_t type);
/** Skip one list element (bools take one byte there). */
bool pq_thrift_skip_elem(pq_thrift_reader *r, uint8_t type);

/* ================================================================ writer */

#define PQ_THRIFT_WRITER_MAX_DEPTH 32

typedef struct pq_thrift_writer {
    pq_buf *out;           /* appended to; owned by the caller */
    pq_status status;      /* PQ_OK, or the first error */
    pq_error *err;         /* may be NULL */
    int32_t depth;         /* open structs */
    int16_t last[PQ_THRIFT_WRITER_MAX_DEPTH]; /* last field id per open struct */
} pq_thrift_writer;

/** Start writing at the end of `out`.  Can't fail.  The writer opens no
 *  struct: call pq_thrift_write_struct_begin for the outermost one. */
void pq_thrift_writer_init(pq_thrift_writer *w, pq_buf *out, pq_error *err);
static inline bool pq_thrift_writer_ok(const pq_thrift_writer *w) { return w->status == PQ_OK; }

/** Raw bytes / varints (value encodings without a field header). */
void pq_thrift_write_bytes_slow(pq_thrift_writer *w, const void *p, size_t n);
static inline void pq_thrift_write_bytes(pq_thrift_writer *w, const void *p, size_t n)
{
    pq_buf *b = w->out;
    if (n > 0 && w->status == PQ_OK && b->cap - b->len >= n) { /* room reserved: no call */
        memcpy(b->data + b->len, p, n);
        b->len += n;
        return;
    }
    pq_thrift_write_bytes_slow(w, p, n);
}
void pq_thrift_write_varint(pq_thrift_writer *w, uint64_t v);
static inline void pq_thrift_write_i64(pq_thrift_writer *w, int64_t v)
{
    pq_thrift_write_varint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}
static inline void pq_thrift_write_i32(pq_thrift_writer *w, int32_t v) { pq_thrift_write_i64(w, v); }
void pq_thrift_write_byte(pq_thrift_writer *w, int8_t v);
void pq_thrift_write_double(pq_thrift_writer *w, double v);
void pq_thrift_write_binary(pq_thrift_writer *w, const void *p, size_t n);
/** A bool list element: one byte, 1 true / 2 false. */
void pq_thrift_write_list_bool(pq_thrift_writer *w, bool v);

/** Field header of the innermost open struct; ids must increase for the
 *  short form to apply but any order is encoded correctly. */
void pq_thrift_write_field(pq_thrift_writer *w, uint8_t type, int16_t id);
/** A bool field (value in the type nibble). */
void pq_thrift_write_bool_field(pq_thrift_writer *w, int16_t id, bool v);
/** Convenience: field header + value. */
void pq_thrift_write_i16_field(pq_thrift_writer *w, int16_t id, int16_t v);
void pq_thrift_write_i32_field(pq_thrift_writer *w, int16_t id, int32_t v);
void pq_thrift_write_i64_field(pq_thrift_writer *w, int16_t id, int64_t v);
void pq_thrift_write_binary_field(pq_thrift_writer *w, int16_t id, const void *p, size_t n);
/** List/set header (count >= 0). */
void pq_thrift_write_list(pq_thrift_writer *w, uint8_t elem_type, int32_t count);
/** Map header. */
void pq_thrift_write_map(pq_thrift_writer *w, uint8_t key_type, uint8_t val_type, int32_t count);
/** Open a struct value (the field header, if any, was written already). */
void pq_thrift_write_struct_begin(pq_thrift_writer *w);
/** Write STOP and close the innermost struct. */
void pq_thrift_write_struct_end(pq_thrift_writer *w);

#endif /* PARQUANT_PARQUET_THRIFT_H */
