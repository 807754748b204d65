/* SPDX-License-Identifier: Apache-2.0
 *
 * io/json_pull.h - a streaming pull parser of one JSON document, token by
 * token, in bounded memory: the reader of `parquant migrate`, whose inputs
 * are single documents of up to many GB (a NECROZMA universe is one object
 * whose `ohlc_data` array holds every candle of a year).
 *
 * Grammar: RFC 8259, strict (UTF-8 validated per RFC 3629, all escapes
 * including surrogate pairs, a lone surrogate is an error, no leading zeros,
 * no trailing commas, no comments), plus, when `allow_nonfinite` is set,
 * the bare tokens NaN, Infinity and -Infinity that Python's json module
 * writes.  Exactly one top-level value (of any type), then only whitespace;
 * an optional UTF-8 BOM is skipped.  With `reject_duplicate_keys` an object
 * that repeats a key is an error (JSON leaves its meaning open; Python keeps
 * the last one, so data would be lost silently).
 *
 * Two ways to consume, freely mixed:
 *   - pq_jpull_next: the next token (begin/end of object or array, a key, a
 *     scalar).  Its strings stay valid until the next call.
 *   - pq_jpull_value: the whole next value as a small DOM (pq_json_node, the
 *     flat layout of io/json.h), valid until the next call of any function.
 *     For record-sized values (a candle, a trade, a result).
 * and pq_jpull_skip to pass over a value.
 *
 * Memory: the block buffer (grows only to hold one token, e.g. a long
 * string), the container stack, and for pq_jpull_value the DOM of that
 * value.  Limits: max_depth, max_token_bytes, max_value_bytes (DOM text).
 * A limit is judged by how far the scan got (a refill, a token's end, or
 * the byte an error names), so the outcome never depends on block_size.
 *
 * Errors: PQ_ERR_PARSE with a message "expected X, found Y at byte OFFSET
 * (line L, column C)" and err->where.offset/line set; invalid UTF-8, bad
 * escapes, duplicate keys ("duplicate key \"k\" at byte N (line L, column
 * C)"), truncation ("unexpected end of input at byte N (line L, column C):
 * expected X; K containers still open"), data after the top-level value are all
 * PQ_ERR_PARSE; limits PQ_ERR_LIMIT; source failures PQ_ERR_IO.  After a
 * failure every call returns the same status again.
 */
#ifndef PARQUANT_IO_JSON_PULL_H
#define PARQUANT_IO_JSON_PULL_H

#include "core/core.h"
#include "io/json.h"
#include "io/source.h"

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t by value */
#include <xxhash.h>

typedef enum pq_jtok_type {
    PQ_JTOK_END = 0,      /* after the top-level value (and trailing whitespace) */
    PQ_JTOK_OBJECT_BEGIN,
    PQ_JTOK_OBJECT_END,
    PQ_JTOK_ARRAY_BEGIN,
    PQ_JTOK_ARRAY_END,
    PQ_JTOK_KEY,          /* str/len: the unescaped key */
    PQ_JTOK_STRING,       /* str/len: unescaped UTF-8 (may hold NUL) */
    PQ_JTOK_INT,          /* integer that fits int64: i exact; str/len its text */
    PQ_JTOK_BIGINT,       /* integer beyond int64: str/len its text (d: strtod of it) */
    PQ_JTOK_DOUBLE,       /* fraction/exponent or NaN/Infinity/-Infinity: d (correctly
                             rounded, strtod), str/len the text as written */
    PQ_JTOK_NULL,
    PQ_JTOK_TRUE,
    PQ_JTOK_FALSE
} pq_jtok_type;

typedef struct pq_jtok {
    pq_jtok_type type;
    const char *str;      /* KEY, STRING, numbers: valid until the next call */
    uint32_t len;
    int64_t i;            /* INT */
    double d;             /* DOUBLE (also set for INT: (double)i) */
    int64_t offset;       /* source byte offset of the token's first byte */
    int32_t depth;        /* containers enclosing the token: a BEGIN and its END have the
                             depth of the container itself, its members one more */
} pq_jtok;

typedef struct pq_jpull_options {
    size_t block_size;        /* bytes per read, 0 = 1 MiB */
    size_t max_token_bytes;   /* longest string/number/key in source bytes (quotes included),
                                 default 256 MiB, 0 = default, at most UINT32_MAX */
    size_t max_value_bytes;   /* pq_jpull_value: source bytes of one value, default 256 MiB,
                                 0 = default, at most UINT32_MAX */
    int max_depth;            /* default 512, >= 1 (no recursion: only memory grows) */
    bool allow_nonfinite;     /* accept NaN, Infinity, -Infinity (default true) */
    bool reject_duplicate_keys; /* default true */
} pq_jpull_options;

typedef struct pq_jpull pq_jpull;

void pq_jpull_options_init(pq_jpull_options *o);

/** Open a parser over `src` (borrowed until close).  `o` may be NULL.
 *  Reads nothing yet.  @return PQ_ERR_NOMEM, PQ_ERR_INVALID_ARG. */
PQ_NODISCARD pq_status pq_jpull_open(pq_jpull **out, const pq_source *src, const pq_jpull_options *o,
                                     const pq_allocator *a, pq_error *err);
/** Free.  Accepts NULL. */
void pq_jpull_close(pq_jpull *p);

/** The next token into *t (END once, and again on later calls). */
PQ_NODISCARD pq_status pq_jpull_next(pq_jpull *p, pq_jtok *t, pq_error *err);

/** Type of the next token without consuming it (its other fields are not
 *  returned); PQ_JTOK_END at the end. */
PQ_NODISCARD pq_status pq_jpull_peek(pq_jpull *p, pq_jtok_type *type, pq_error *err);

/** Parse the next value (where a value may start: not after a BEGIN of an
 *  object before its key, not at an END) into a DOM: *nodes[0] is the value,
 *  layout as io/json.h (containers followed by their children, `next`
 *  index past the subtree, object children alternate key/value; numbers
 *  keep their text in str/len, PQ_JSON_INT also `i`; NaN/Infinity are
 *  PQ_JSON_DOUBLE with their text; a PQ_JSON_DOUBLE node's `i` holds the
 *  bits of its correctly rounded value: use pq_jpull_node_double).  Valid until the next call on `p`.
 *  @return PQ_ERR_STATE at a wrong place, parse errors as pq_jpull_next. */
PQ_NODISCARD pq_status pq_jpull_value(pq_jpull *p, const pq_json_node **nodes, uint32_t *n_nodes,
                                      pq_error *err);

/** The value of a PQ_JSON_DOUBLE node made by pq_jpull_value. */
static inline double pq_jpull_node_double(const pq_json_node *n)
{
    double d;
    memcpy(&d, &n->i, sizeof d);
    return d;
}

/** Pass over the next value (same places as pq_jpull_value), checking it. */
PQ_NODISCARD pq_status pq_jpull_skip(pq_jpull *p, pq_error *err);

/* ------------------------------------------------------------ digest */

/** A 128-bit hash (XXH3, libxxhash) of a token stream: each token's type
 *  and content (key and string bytes, an integer's value, a float's bits
 *  with one NaN, a big integer's text), not its spelling or the whitespace
 *  around it.  Two documents have the same digest when a token-by-token
 *  comparison (migrate/json_compare.h) finds them equal, and different ones
 *  otherwise but with probability 2^-128: a migration proves its copy by
 *  digesting the source while converting it and the copy while reading it
 *  back, without parsing the source twice.  XXH3 rather than SHA-256: this
 *  guards against bugs and corruption, not against an adversary who would
 *  also control parquant's output, and SHA-256 took a quarter of a
 *  verified migration (docs/migrate.md). */
typedef struct pq_jdigest {
    XXH3_state_t state;
    size_t n;
    uint8_t buf[4096]; /* tokens are hashed in blocks: per-token updates cost more */
} pq_jdigest;

void pq_jdigest_init(pq_jdigest *d);
void pq_jdigest_token(pq_jdigest *d, const pq_jtok *t);
void pq_jdigest_final(pq_jdigest *d, uint8_t out[16]);

/** Digest every token the parser reads from now on into `d` (borrowed;
 *  NULL stops). */
void pq_jpull_set_digest(pq_jpull *p, pq_jdigest *d);

/** Source bytes consumed so far (for progress). */
int64_t pq_jpull_offset(const pq_jpull *p);

#endif /* PARQUANT_IO_JSON_PULL_H */
