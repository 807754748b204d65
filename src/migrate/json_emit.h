/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/json_emit.h - writes a JSON document event by event the way
 * Python's json.dump(obj, f, indent=2) writes it (NECROZMA's files): a
 * newline and 2 spaces per level before each member/element, "," between
 * items, ": " after keys, "[]" / "{}" for empty containers, no trailing
 * newline; strings with ensure_ascii escapes, floats as float.__repr__,
 * NaN/Infinity/-Infinity bare (pq_canon_python_string/_double).  With
 * indent < 0 the compact form json.dumps(obj) writes: ", " and ": "
 * separators, no newlines.
 *
 * Three modes share the events, so one exporter prints a document, checks
 * it against a source, or digests it (pq_jdigest, io/json_pull.h):
 *   - text: the bytes go to a pq_buf and, when a sink is set, are flushed to
 *     it in pieces of about 1 MiB (so an export of any size uses bounded
 *     memory);
 *   - compare (migrate/json_compare.c): each event is checked against the
 *     next token of a JSON pull parser over the original file; the first
 *     difference fails with the JSON path and the byte offset in the source.
 *
 * The emitter checks the event grammar (a key only inside an object before
 * a value, balanced ends): a violation is PQ_ERR_STATE, a bug of the caller.
 */
#ifndef PARQUANT_MIGRATE_JSON_EMIT_H
#define PARQUANT_MIGRATE_JSON_EMIT_H

#include "core/core.h"
#include "io/json_pull.h"
#include "io/sink.h"

#define PQ_JEMIT_MAX_DEPTH 512

typedef struct pq_jemit {
    /* text mode */
    pq_buf *out;                 /* bytes are appended here */
    pq_sink *sink;               /* NULL, or where `out` is flushed past 1 MiB */
    int indent;                  /* 2 for NECROZMA files; < 0 compact */
    /* compare mode (json_compare.h): non-NULL selects it */
    struct pq_jcompare *against;
    /* digest mode: non-NULL selects it; the tokens go to a pq_jdigest */
    pq_jdigest *digest;
    /* state */
    int depth;
    bool after_key;              /* a key was written, its value is next */
    bool done;                   /* the top-level value is complete */
    uint64_t count[PQ_JEMIT_MAX_DEPTH]; /* items written in each open container */
    bool is_object[PQ_JEMIT_MAX_DEPTH];
} pq_jemit;

/** Text mode into `out` (borrowed), flushing to `sink` when not NULL. */
void pq_jemit_init_text(pq_jemit *e, pq_buf *out, pq_sink *sink, int indent);
/** Digest mode: the tokens of the document go to `d` (borrowed); the
 *  digest equals the one a pq_jpull computes over the same document. */
void pq_jemit_init_digest(pq_jemit *e, pq_jdigest *d);

PQ_NODISCARD pq_status pq_jemit_object_begin(pq_jemit *e, pq_error *err);
PQ_NODISCARD pq_status pq_jemit_object_end(pq_jemit *e, pq_error *err);
PQ_NODISCARD pq_status pq_jemit_array_begin(pq_jemit *e, pq_error *err);
PQ_NODISCARD pq_status pq_jemit_array_end(pq_jemit *e, pq_error *err);
/** A member's key (n bytes of UTF-8). */
PQ_NODISCARD pq_status pq_jemit_key(pq_jemit *e, const char *s, size_t n, pq_error *err);
PQ_NODISCARD pq_status pq_jemit_string(pq_jemit *e, const char *s, size_t n, pq_error *err);
PQ_NODISCARD pq_status pq_jemit_int(pq_jemit *e, int64_t v, pq_error *err);
PQ_NODISCARD pq_status pq_jemit_double(pq_jemit *e, double v, pq_error *err);
/** An integer written as `text` (beyond int64, kept as the source wrote it). */
PQ_NODISCARD pq_status pq_jemit_bigint(pq_jemit *e, const char *text, size_t n, pq_error *err);
PQ_NODISCARD pq_status pq_jemit_bool(pq_jemit *e, bool v, pq_error *err);
PQ_NODISCARD pq_status pq_jemit_null(pq_jemit *e, pq_error *err);
/** The subtree of DOM node `i` of a pq_jpull_value DOM, event by event. */
PQ_NODISCARD pq_status pq_jemit_node(pq_jemit *e, const pq_json_node *nodes, uint32_t i, pq_error *err);
/** End of document: PQ_ERR_STATE unless exactly one complete value was
 *  written; text mode flushes to the sink (it does not close it). */
PQ_NODISCARD pq_status pq_jemit_finish(pq_jemit *e, pq_error *err);

#endif /* PARQUANT_MIGRATE_JSON_EMIT_H */
