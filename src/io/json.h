/* SPDX-License-Identifier: Apache-2.0
 *
 * io/json.h - streaming reader of JSON records: JSON Lines (one object per
 * line; more generally objects separated by whitespace, so a single
 * pretty-printed object is one record) or one top-level array of objects,
 * streamed element by element.  The form is chosen by the first byte that
 * is not whitespace (after an optional UTF-8 BOM): '[' for the array form,
 * '{' for records.  Blank lines are skipped.
 *
 * The parser is strict RFC 8259: UTF-8 validated (RFC 3629), all string
 * escapes including surrogate pairs (a lone surrogate is an error), no
 * leading zeros, no trailing commas, no comments, no NaN.  Each record is
 * parsed into a flat DOM (an array of nodes in document order, reused from
 * record to record, so there is no per-value allocation) that stays valid
 * until the next call:
 *   - a container node is followed by its children; `next` is the index just
 *     past its subtree, so siblings are reached by following `next`;
 *   - an object's children alternate key (STRING) and value nodes;
 *   - strings are unescaped UTF-8 (they may contain NUL: use `len`);
 *   - numbers keep their original text; integers that fit int64 also carry
 *     the exact value (PQ_JSON_INT); other integers are PQ_JSON_BIGINT and
 *     numbers with a fraction or an exponent PQ_JSON_DOUBLE.
 * Duplicate keys are kept in the DOM as written; consumers that map keys to
 * fields let the last one win.
 *
 * Errors: PQ_ERR_PARSE "expected X, found Y at line L, column C" with
 * err->where.line, where.offset (source byte offset) and where.record (the
 * 1-based record number); nesting deeper than max_depth is PQ_ERR_LIMIT, as
 * is a record longer than max_record_bytes.
 */
#ifndef PARQUANT_IO_JSON_H
#define PARQUANT_IO_JSON_H

#include "core/core.h"
#include "io/csv.h"
#include "io/source.h"

typedef enum pq_json_type {
    PQ_JSON_NULL = 0,
    PQ_JSON_FALSE,
    PQ_JSON_TRUE,
    PQ_JSON_INT,    /* integer that fits int64: `i` exact, `str` its text */
    PQ_JSON_BIGINT, /* integer beyond int64: `str` only */
    PQ_JSON_DOUBLE, /* fraction and/or exponent: `str` only */
    PQ_JSON_STRING,
    PQ_JSON_ARRAY,
    PQ_JSON_OBJECT
} pq_json_type;

/** One DOM node; 32 bytes. */
typedef struct pq_json_node {
    uint8_t type;              /* pq_json_type */
    uint8_t flags;             /* internal */
    uint32_t next;             /* index of the first node after this subtree */
    uint32_t count;            /* ARRAY: elements; OBJECT: members */
    uint32_t len;              /* STRING: bytes; numbers: text bytes */
    const char *str;           /* STRING: unescaped bytes; numbers: original text */
    int64_t i;                 /* INT: value */
} pq_json_node;

typedef struct pq_json_record {
    const pq_json_node *nodes; /* nodes[0] is the record's object; NULL at the end */
    uint32_t n_nodes;
    int64_t line;              /* 1-based line of the record's first byte */
    int64_t offset;            /* source offset of the record's first byte */
    int64_t index;             /* 1-based record number */
} pq_json_record;

#define PQ_JSON_MAX_DEPTH 4096 /* largest accepted max_depth (the parser recurses) */

typedef struct pq_json_options {
    size_t block_size;         /* bytes per read, 0 = PQ_TEXTIN_BLOCK */
    size_t max_record_bytes;   /* default 128 MiB */
    int max_depth;             /* nesting limit, default 512, at most PQ_JSON_MAX_DEPTH */
} pq_json_options;

typedef struct pq_json_reader pq_json_reader;

void pq_json_options_init(pq_json_options *o);

/** Open a reader over `src` (borrowed until close); reads far enough to
 *  detect the form.  `o` may be NULL.  @return PQ_ERR_PARSE (first byte
 *  neither '{' nor '['), PQ_ERR_IO, PQ_ERR_NOMEM, PQ_ERR_INVALID_ARG. */
PQ_NODISCARD pq_status pq_json_open(pq_json_reader **out, const pq_source *src, const pq_json_options *o,
                                    const pq_allocator *a, pq_error *err);
/** Free the reader.  Accepts NULL. */
void pq_json_close(pq_json_reader *r);
/** True for the top-level array form. */
bool pq_json_is_array(const pq_json_reader *r);

/** Parse the next record into *rec (valid until the next call); rec->nodes
 *  is NULL at the end.  A record that is not an object is PQ_ERR_PARSE.
 *  After a failure the reader is unusable.  @return PQ_ERR_PARSE,
 *  PQ_ERR_LIMIT, PQ_ERR_IO, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_json_next(pq_json_reader *r, pq_json_record *rec, pq_error *err);

/** Source bytes read so far (for progress). */
int64_t pq_json_bytes_read(const pq_json_reader *r);

/** Append the compact JSON text of node `i` (and its subtree) to `out`:
 *  no whitespace, numbers as written, strings re-escaped (", \, control
 *  characters; everything else as UTF-8).  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_json_write(const pq_json_node *nodes, uint32_t i, pq_buf *out, pq_error *err);

#endif /* PARQUANT_IO_JSON_H */
