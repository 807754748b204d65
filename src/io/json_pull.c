/* SPDX-License-Identifier: Apache-2.0
 *
 * io/json_pull.c - the streaming JSON pull parser declared in
 * io/json_pull.h: one RFC 8259 document (plus NaN/Infinity/-Infinity when
 * allowed), token by token, in bounded memory.
 *
 * Buffering: the input is read in blocks by pq_textin (io/csv.h), which
 * keeps a zeroed pad past the buffered bytes.  The NUL at buf[len] is a
 * sentinel: no token accepts it outside a string and the string scanner
 * stops at it as a control byte, so the scanners never bounds-check byte by
 * byte; every "unexpected byte" path asks whether it stands at the end of
 * the buffer, and there, unless the source is exhausted, the token attempt
 * ends with PQ_NEED_MORE.  Whitespace and separators are committed as they
 * are passed (p->cur, p->line), so only the token itself is re-scanned
 * after a refill, which keeps the bytes from the token's first byte on
 * (from the value's first byte on inside pq_jpull_value, whose DOM points
 * into the buffer).  The buffer grows only when one token (or value) does
 * not fit, bounded by max_token_bytes / max_value_bytes.
 *
 * State: the expectation of the grammar (ST_*) and an explicit stack of
 * open containers (no recursion anywhere, so max_depth costs only memory).
 * Nothing changes state until a token is complete.
 *
 * Duplicate keys: each open object owns a run of entries in p->kents (key
 * bytes in p->kbytes), both used as stacks, so a closing object pops its
 * keys.  Up to KEY_LINEAR keys are compared linearly (hash, length, bytes);
 * past that the object gets an open-addressing table of its own (kept per
 * depth and reused), cleared lazily when it is next built.
 *
 * Strings without escapes are pointers into the buffer; escaped ones are
 * decoded into p->scratch.  UTF-8 is validated with core/utf8.  Numbers
 * follow json.c's grammar; doubles use Clinger's fast path (a significand
 * below 2^53 and a power of ten of at most 22, both exact, so one IEEE
 * operation rounds correctly), then Eisel-Lemire (core/strtod.c, ~7 ns for
 * the 17-digit values Python writes), and strtod only when neither can
 * decide (it assumes the "C" locale's decimal point, as parquant does).
 *
 * Lines: raw newlines occur only in whitespace, so the whitespace skipper
 * counts them; errors report byte offset, line and byte column of the
 * offending byte, and set err->where.offset and where.line.  After a
 * failure the parser keeps its error record and returns it on every call.
 */
#include "io/json_pull.h"

#include "core/strtod.h"
#include "io/json_scan.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define KEY_LINEAR 16          /* keys per object searched linearly before hashing */
#define NODE_BUF 1            /* DOM node str: buffer offset (relative to the pin) in `count` */
#define NODE_SCRATCH 2        /* DOM node str: scratch offset in `count` */

enum {
    ST_TOP,       /* before the top-level value */
    ST_OBJ_FIRST, /* after '{': a key or '}' */
    ST_OBJ_KEY,   /* after ',' in an object: a key */
    ST_OBJ_COLON, /* after a key: ':' */
    ST_VALUE,     /* after ':' or after ',' in an array: a value */
    ST_OBJ_NEXT,  /* after a member's value: ',' or '}' */
    ST_ARR_FIRST, /* after '[': a value or ']' */
    ST_ARR_NEXT,  /* after an element: ',' or ']' */
    ST_DONE,      /* after the top-level value: whitespace, then the end */
    ST_END        /* END returned */
};

/* One open container. */
typedef struct jlevel {
    bool is_object;
    size_t kent_start;        /* object: its first entry in p->kents */
    size_t kbyte_start;       /* object: its first byte in p->kbytes */
    uint32_t *slots;          /* hash slots: entry index - kent_start + 1, 0 = empty; owned, reused */
    uint32_t slot_alloc;      /* slots allocated */
    uint32_t slot_cap;        /* slots in use (power of two), 0 = linear search */
    uint32_t node;            /* pq_jpull_value: DOM index of this container */
} jlevel;

/* A key of an open object. */
typedef struct kent {
    size_t off;               /* bytes at p->kbytes.data + off */
    uint32_t len;
    uint32_t hash;
} kent;

/* A token plus where its string lives. */
typedef struct ptok {
    pq_jtok t;
    bool in_scratch;          /* str is at p->scratch.data + soff */
    size_t soff;
} ptok;

struct pq_jpull {
    pq_textin in;
    pq_jpull_options opt;
    const pq_allocator *alloc;
    size_t cur;               /* buffer index of the first byte not consumed */
    int state;                /* ST_* */
    int32_t depth;            /* open containers */
    jlevel *levels;           /* levels_cap entries, [0, depth) open */
    size_t levels_cap;
    pq_buf kbytes;            /* key bytes of the open objects */
    kent *kents;              /* keys of the open objects, n_kents used */
    size_t n_kents, kents_cap;
    pq_buf scratch;           /* unescaped strings (of one token, or of one value) */
    pq_buf numbuf;            /* NUL-terminated copy of a long number for strtod */
    int64_t line;             /* 1-based line of buf[cur] */
    int64_t line_start;       /* source offset of that line's first byte */
    bool started;             /* first block read, BOM skipped */
    bool has_peek;            /* `peek` holds the next token, already consumed */
    ptok peek;
    bool value_mode;          /* building a value: scratch accumulates */
    pq_jdigest *digest;       /* NULL, or where every scanned token goes */
    bool pinned;              /* refills keep bytes from `pin` */
    size_t pin;               /* buffer index of the value's first byte */
    int64_t pin_off, pin_line, pin_line_start; /* its source offset and line */
    pq_json_node *nodes;      /* DOM of the last pq_jpull_value */
    uint32_t n_nodes;
    size_t nodes_cap;
    size_t efront;            /* buffer index of the last byte examined for a failing token when
                                 it lies past the byte the error names; SIZE_MAX = that byte */
    pq_status failed;         /* status of the first failure, PQ_OK before */
    pq_error e;               /* its error record */
};

/* ------------------------------------------------------------- errors */

static inline int64_t off_of(const pq_jpull *p, const uint8_t *q) { return pq_textin_offset(&p->in, q); }

/* Report `code` at buffer position q (on the current line): the message
 * gets " at byte N (line L, column C)" and err->where offset and line. */
PQ_PRINTF(5, 6)
static pq_status jfail(const pq_jpull *p, const uint8_t *q, pq_status code, pq_error *err, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int64_t off = off_of(p, q);
    pq_status s = PQ_FAIL(err, code, "%s at byte %lld (line %lld, column %lld)", msg, (long long)off,
                          (long long)p->line, (long long)(off - p->line_start + 1));
    if (err) {
        err->where.offset = off;
        err->where.line = p->line;
    }
    return s;
}

/* The input ended where `expected` was due. */
static pq_status eof_error(const pq_jpull *p, const char *expected, pq_error *err)
{
    const uint8_t *end = p->in.buf + p->in.len;
    int64_t off = off_of(p, end);
    pq_status s = PQ_FAIL(err, PQ_ERR_PARSE,
                          "unexpected end of input at byte %lld (line %lld, column %lld): expected %s; %d "
                          "container%s still open",
                          (long long)off, (long long)p->line, (long long)(off - p->line_start + 1), expected,
                          (int)p->depth, p->depth == 1 ? "" : "s");
    if (err) {
        err->where.offset = off;
        err->where.line = p->line;
    }
    return s;
}

/* The byte at q is not what `expected` describes: at the end of the buffer
 * more input may be needed (or the input is truncated), else a parse error
 * naming the byte. */
static pq_status unexpected(const pq_jpull *p, const uint8_t *q, const char *expected, pq_error *err)
{
    if (q >= p->in.buf + p->in.len) return p->in.eof ? eof_error(p, expected, err) : PQ_NEED_MORE;
    uint8_t c = *q;
    if (c >= 0x20 && c < 0x7f) return jfail(p, q, PQ_ERR_PARSE, err, "expected %s, found '%c'", expected, c);
    return jfail(p, q, PQ_ERR_PARSE, err, "expected %s, found byte 0x%02X", expected, c);
}

/* -------------------------------------------------------------- buffer */

/* The value being built (pq_jpull_value) is longer than max_value_bytes;
 * reported at its first byte, the same whether found while reading more
 * input or once it is complete. */
static pq_status value_limit(const pq_jpull *p, pq_error *err)
{
    pq_status s = PQ_FAIL(err, PQ_ERR_LIMIT, "expected a value of at most %zu bytes, found a longer one at byte "
                          "%lld (line %lld, column %lld)", p->opt.max_value_bytes, (long long)p->pin_off,
                          (long long)p->pin_line, (long long)(p->pin_off - p->pin_line_start + 1));
    if (err) {
        err->where.offset = p->pin_off;
        err->where.line = p->pin_line;
    }
    return s;
}

/* The token at q (its first byte) is longer than max_token_bytes; the same
 * message whether found while reading more input or once it is complete. */
static pq_status token_limit(const pq_jpull *p, const uint8_t *q, pq_error *err)
{
    return jfail(p, q, PQ_ERR_LIMIT, err, "expected a token of at most %zu bytes, found a longer one",
                 p->opt.max_token_bytes);
}

/* The scan of the token starting at buffer index `tok` got as far as
 * index `c` (the end of the buffered bytes, the end of the token, or the
 * byte found in error): a limit error if that passes the token limit or,
 * inside pq_jpull_value, the value limit (the one passed first wins).
 * Applying this one rule at refills, at token ends and at errors makes the
 * outcome independent of the block size. */
static pq_status crossed_slow(const pq_jpull *p, size_t tok, size_t c, pq_error *err)
{
    size_t tlim = tok + p->opt.max_token_bytes, vlim = p->pin + p->opt.max_value_bytes; /* both <= 2^32 + buffer */
    bool over_t = c > tlim, over_v = p->pinned && c > vlim;
    if (!over_t && !over_v) return PQ_OK;
    if (over_t && (!over_v || tlim <= vlim)) return token_limit(p, p->in.buf + tok, err);
    return value_limit(p, err);
}

static inline pq_status crossed(const pq_jpull *p, size_t tok, size_t c, pq_error *err)
{
    if (!p->pinned && c - tok <= p->opt.max_token_bytes) return PQ_OK; /* the common case, once per token */
    return crossed_slow(p, tok, c, err);
}

/* Read more input, keeping the bytes from the current token (p->cur) or,
 * inside pq_jpull_value, from the value's first byte.  Called only when a
 * scan reached the end of the buffer and the source has more, so
 * everything kept belongs to the unfinished token / value: the limits are
 * checked first. */
static pq_status refill(pq_jpull *p, pq_error *err)
{
    size_t from = p->pinned ? p->pin : p->cur, got;
    PQ_TRY(crossed(p, p->cur, p->in.len, err));
    p->in.pos = from;
    PQ_TRY(pq_textin_fill(&p->in, &got, err));
    p->cur -= from;
    p->pin = 0;
    return PQ_OK;
}

/* First read: at least 3 bytes (or all there is) to recognise a BOM. */
static pq_status start(pq_jpull *p, pq_error *err)
{
    size_t got;
    do PQ_TRY(pq_textin_fill(&p->in, &got, err));
    while (p->in.len < 3 && !p->in.eof);
    if (p->in.len >= 3 && memcmp(p->in.buf, "\xEF\xBB\xBF", 3) == 0) p->cur = 3;
    p->started = true;
    return PQ_OK;
}

/* ------------------------------------------------------------ scanning */

static inline bool is_digit(uint8_t c) { return (unsigned)(c - '0') < 10u; }

/* First byte at or after q that is not a space; the NUL sentinel stops it
 * within the pad. */
static inline const uint8_t *skip_spaces(const uint8_t *q)
{
#if defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(' ');
    for (;;) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp)) ^ 0xFFFFu;
        if (bits) return q + __builtin_ctz(bits);
        q += 16;
    }
#else
    while (*q == ' ') q++;
    return q;
#endif
}

/* Skip JSON whitespace from q, counting lines. */
static inline const uint8_t *skip_ws(pq_jpull *p, const uint8_t *q)
{
    for (;;) {
        uint8_t c = *q;
        if (c > ' ') return q;
        if (c == ' ') q = skip_spaces(q);
        else if (c == '\n') {
            q++;
            p->line++;
            p->line_start = off_of(p, q);
        } else if (c == '\t' || c == '\r') q++;
        else return q;
    }
}

/* State after a complete value. */
static inline int after_value(const pq_jpull *p)
{
    if (p->depth == 0) return ST_DONE;
    return p->levels[p->depth - 1].is_object ? ST_OBJ_NEXT : ST_ARR_NEXT;
}

/* ------------------------------------------------------------- strings */

/* Step over the UTF-8 character at *qp (>= 0x80), appending it to scratch
 * when `copy`. */
static pq_status utf8_char(pq_jpull *p, const uint8_t **qp, bool copy, pq_error *err)
{
    const uint8_t *q = *qp;
    const uint8_t *end = p->in.buf + p->in.len;
    int n = pq_utf8_seq(q, end);
    if (n < 0 && !p->in.eof) return PQ_NEED_MORE;
    if (n <= 0) {
        /* the byte that decided it: the end of input, or the end of the
         * shortest prefix found invalid */
        int m = 1;
        while (n == 0 && q + m < end && pq_utf8_seq(q, q + m) != 0) m++;
        p->efront = (size_t)((n < 0 ? end : q + m - 1) - p->in.buf);
        return jfail(p, q, PQ_ERR_PARSE, err, "invalid UTF-8 in string");
    }
    if (copy) PQ_TRY(pq_buf_append(&p->scratch, q, (size_t)n, err));
    *qp = q + n;
    return PQ_OK;
}

/* A control byte (or the end of the buffer) at q inside a string. */
static pq_status string_control(const pq_jpull *p, const uint8_t *q, pq_error *err)
{
    if (q >= p->in.buf + p->in.len) return unexpected(p, q, "'\"' to close a string", err);
    return jfail(p, q, PQ_ERR_PARSE, err, "expected '\"' to close a string or a character other than a control "
                 "character, found byte 0x%02X", *q);
}

/* Four hex digits at q into *out; errors name the first bad one. */
static pq_status hex4(const pq_jpull *p, const uint8_t *q, uint32_t *out, pq_error *err)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        uint8_t c = q[k];
        uint32_t d;
        if (c >= '0' && c <= '9') d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (uint32_t)(c - 'A' + 10);
        else return unexpected(p, q + k, "4 hex digits after \\u", err);
        v = v << 4 | d;
    }
    *out = v;
    return PQ_OK;
}

/* Append code point cp as UTF-8 to scratch. */
static pq_status put_utf8(pq_jpull *p, uint32_t cp, pq_error *err)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) { b[0] = (uint8_t)cp; n = 1; }
    else if (cp < 0x800) { b[0] = (uint8_t)(0xC0 | (cp >> 6)); b[1] = (uint8_t)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | (cp >> 12)); b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | (cp >> 18)); b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (uint8_t)(0x80 | (cp & 0x3F)); n = 4;
    }
    return pq_buf_append(&p->scratch, b, n, err);
}

/* The \u escape at *qp (a backslash), with its low surrogate when it is a
 * high one; appends the code point and advances. */
static pq_status unicode_escape(pq_jpull *p, const uint8_t **qp, pq_error *err)
{
    const uint8_t *q = *qp;
    uint32_t cp = 0, lo = 0;
    PQ_TRY(hex4(p, q + 2, &cp, err));
    p->efront = (size_t)(q + 5 - p->in.buf); /* errors below are decided by the last hex digit read */
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return jfail(p, q, PQ_ERR_PARSE, err, "expected a high surrogate before \\u%04X, found a lone low surrogate",
                     (unsigned)cp);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        const char *want = "a low surrogate \\uDC00-\\uDFFF after a high one";
        p->efront = SIZE_MAX; /* the errors name the byte they examine */
        if (q[6] != '\\') return unexpected(p, q + 6, want, err);
        if (q[7] != 'u') return unexpected(p, q + 7, want, err);
        PQ_TRY(hex4(p, q + 8, &lo, err));
        p->efront = (size_t)(q + 11 - p->in.buf);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return jfail(p, q, PQ_ERR_PARSE, err, "expected a low surrogate \\uDC00-\\uDFFF after \\u%04X, found "
                         "\\u%04X", (unsigned)cp, (unsigned)lo);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        q += 6;
    }
    p->efront = SIZE_MAX;
    *qp = q + 6;
    return put_utf8(p, cp, err);
}

/* The escape at *qp (a backslash): decode into scratch, advance. */
static pq_status escape(pq_jpull *p, const uint8_t **qp, pq_error *err)
{
    const uint8_t *q = *qp;
    uint8_t out;
    switch (q[1]) {
    case '"': out = '"'; break;
    case '\\': out = '\\'; break;
    case '/': out = '/'; break;
    case 'b': out = '\b'; break;
    case 'f': out = '\f'; break;
    case 'n': out = '\n'; break;
    case 'r': out = '\r'; break;
    case 't': out = '\t'; break;
    case 'u': return unicode_escape(p, qp, err);
    default: return unexpected(p, q + 1, "an escape (\" \\ / b f n r t u) after '\\'", err);
    }
    *qp = q + 2;
    return pq_buf_push(&p->scratch, out, err);
}

/* The rest of a string with escapes, from q (its first backslash); s is
 * its first byte.  Decodes into scratch; on failure scratch is as before. */
static pq_status string_escaped(pq_jpull *p, const uint8_t *s, const uint8_t *q, const uint8_t **qend, ptok *t,
                                pq_error *err)
{
    pq_buf *sc = &p->scratch;
    size_t start = sc->len;
    pq_status st = pq_buf_append(sc, s, (size_t)(q - s), err);
    while (st == PQ_OK) {
        uint8_t c = *q;
        if (c == '"') break;
        if (c == '\\') st = escape(p, &q, err);
        else if (c >= 0x80) st = utf8_char(p, &q, true, err);
        else if (c < 0x20) st = string_control(p, q, err);
        else {
            const uint8_t *r = pq_json_scan_str(q);
            st = pq_buf_append(sc, q, (size_t)(r - q), err);
            q = r;
        }
    }
    if (st != PQ_OK) {
        sc->len = start;
        return st;
    }
    t->in_scratch = true;
    t->soff = start;
    t->t.str = (const char *)sc->data + start;
    t->t.len = (uint32_t)(sc->len - start); /* decoded <= raw <= max_token_bytes <= UINT32_MAX */
    *qend = q;
    return PQ_OK;
}

/* The string at q (a quote) into t (str/len); *qend = past its closing quote. */
static inline pq_status scan_string(pq_jpull *p, const uint8_t *q, const uint8_t **qend, ptok *t, pq_error *err)
{
    const uint8_t *s = q + 1, *r = s;
    for (;;) {
        r = pq_json_scan_str(r);
        uint8_t c = *r;
        if (c == '"') break;
        if (c == '\\') {
            PQ_TRY(string_escaped(p, s, r, &r, t, err));
            goto done;
        }
        if (c >= 0x80) PQ_TRY(utf8_char(p, &r, false, err));
        else return string_control(p, r, err);
    }
    t->in_scratch = false;
    t->t.str = (const char *)s;
    t->t.len = (uint32_t)(r - s);
done:
    *qend = r + 1;
    return PQ_OK;
}

/* ---------------------------------------------------------------- keys */

/* Hash of a key (any bytes).  Short keys, the common case, are read with
 * at most two overlapping loads, no loop and no library call. */
static inline uint32_t key_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, w;
    if (n > 8) {
        for (; n > 8; s += 8, n -= 8) {
            memcpy(&w, s, 8);
            h = (h ^ w) * 0xFF51AFD7ED558CCDull;
            h ^= h >> 32;
        }
        memcpy(&w, s + n - 8, 8); /* the last 8 bytes, overlapping the previous chunk */
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        w = (uint64_t)a | (uint64_t)b << 32;
    } else if (n > 0) {
        w = (uint64_t)(uint8_t)s[0] | (uint64_t)(uint8_t)s[n >> 1] << 8 | (uint64_t)(uint8_t)s[n - 1] << 16;
    } else w = 0;
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return (uint32_t)h;
}

static inline bool key_equal(const pq_jpull *p, const kent *k, const char *s, uint32_t n, uint32_t h)
{
    return k->hash == h && k->len == n && (n == 0 || memcmp(p->kbytes.data + k->off, s, n) == 0);
}

/* Insert entry index `rel` (relative to the level's first) into its table. */
static void slot_insert(jlevel *lv, const kent *k, uint32_t rel)
{
    uint32_t mask = lv->slot_cap - 1, i = k->hash & mask;
    while (lv->slots[i]) i = (i + 1) & mask;
    lv->slots[i] = rel + 1;
}

/* (Re)build the level's hash table with `cap` slots from its entries. */
static pq_status build_table(pq_jpull *p, jlevel *lv, uint32_t cap, pq_error *err)
{
    if (lv->slot_alloc < cap) {
        uint32_t *s = (uint32_t *)pq_realloc(p->alloc, lv->slots, (size_t)cap * sizeof *s);
        if (!s) return PQ_NOMEM(err);
        lv->slots = s;
        lv->slot_alloc = cap;
    }
    memset(lv->slots, 0, (size_t)cap * sizeof *lv->slots);
    lv->slot_cap = cap;
    for (size_t k = lv->kent_start; k < p->n_kents; k++) slot_insert(lv, &p->kents[k], (uint32_t)(k - lv->kent_start));
    return PQ_OK;
}

/* The key at q (its quote) repeats one of its object. */
static pq_status duplicate(const pq_jpull *p, const uint8_t *q, const char *s, uint32_t n, pq_error *err)
{
    char shown[64];
    size_t k = 0, max = n < 60 ? n : 60;
    if (n > 60)
        while (max > 0 && ((uint8_t)s[max] & 0xC0) == 0x80) max--; /* don't cut a UTF-8 sequence */
    for (; k < max; k++) shown[k] = (uint8_t)s[k] < 0x20 ? '?' : s[k];
    shown[k] = 0;
    return jfail(p, q, PQ_ERR_PARSE, err, "duplicate key \"%s%s\"", shown, n > max ? "..." : "");
}

/* Record key s[0, n) (token at q) in the innermost object; a repeat fails. */
static pq_status key_add(pq_jpull *p, const uint8_t *q, const char *s, uint32_t n, pq_error *err)
{
    jlevel *lv = &p->levels[p->depth - 1];
    uint32_t h = key_hash(s, n);
    size_t count = p->n_kents - lv->kent_start;
    if (lv->slot_cap == 0) {
        for (size_t k = lv->kent_start; k < p->n_kents; k++)
            if (key_equal(p, &p->kents[k], s, n, h)) return duplicate(p, q, s, n, err);
    } else {
        uint32_t mask = lv->slot_cap - 1, i = h & mask;
        for (; lv->slots[i]; i = (i + 1) & mask)
            if (key_equal(p, &p->kents[lv->kent_start + lv->slots[i] - 1], s, n, h)) return duplicate(p, q, s, n, err);
    }
    if (count >= UINT32_MAX / 4) return jfail(p, q, PQ_ERR_LIMIT, err, "expected fewer than %u keys in an object",
                                              (unsigned)(UINT32_MAX / 4));
    if (p->n_kents == p->kents_cap) {
        size_t ncap = p->kents_cap ? p->kents_cap * 2 : 64, bytes;
        if (pq_mul_overflow(ncap, sizeof(kent), &bytes)) return PQ_NOMEM(err);
        kent *k = (kent *)pq_realloc(p->alloc, p->kents, bytes);
        if (!k) return PQ_NOMEM(err);
        p->kents = k;
        p->kents_cap = ncap;
    }
    if (p->kbytes.cap - p->kbytes.len < n) PQ_TRY(pq_buf_reserve(&p->kbytes, n, err));
    kent *k = &p->kents[p->n_kents++];
    k->off = p->kbytes.len;
    k->len = n;
    k->hash = h;
    if (n) memcpy(p->kbytes.data + p->kbytes.len, s, n);
    p->kbytes.len += n;
    count++;
    if (lv->slot_cap == 0) return count > KEY_LINEAR ? build_table(p, lv, 32, err) : PQ_OK;
    if (count * 2 > lv->slot_cap) return build_table(p, lv, lv->slot_cap * 2, err);
    slot_insert(lv, k, (uint32_t)(count - 1));
    return PQ_OK;
}

/* ------------------------------------------------------------- numbers */

static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtod of s[0, n) (a valid JSON number), on a NUL-terminated copy. */
static pq_status slow_double(pq_jpull *p, const uint8_t *s, size_t n, double *out, pq_error *err)
{
    char local[64];
    char *c = local;
    if (n >= sizeof local) {
        p->numbuf.len = 0;
        PQ_TRY(pq_buf_reserve(&p->numbuf, n + 1, err));
        c = (char *)p->numbuf.data;
    }
    memcpy(c, s, n);
    c[n] = 0;
    *out = strtod(c, NULL);
    return PQ_OK;
}

/* Decimal digits of a number as scanned: m holds the first 19 significant
 * digits, the value is m * 10^e10 exactly when `exact`. */
typedef struct numscan {
    uint64_t m;
    int nd;          /* significant digits seen (leading zeros excluded) */
    int64_t e10;
    bool exact;
} numscan;

static inline void int_digit(numscan *ns, uint8_t c)
{
    if (ns->nd < 19) ns->m = ns->m * 10 + (uint64_t)(c - '0');
    else {
        ns->e10++;
        ns->exact = false;
    }
    ns->nd++;
}

static inline void frac_digit(numscan *ns, uint8_t c)
{
    if (ns->nd == 0 && c == '0') { ns->e10--; return; } /* leading zeros of 0.000x */
    if (ns->nd < 19) {
        ns->m = ns->m * 10 + (uint64_t)(c - '0');
        ns->e10--;
    } else if (c != '0') ns->exact = false;
    ns->nd++;
}

/* The value of a fraction/exponent number s[0, n) into *d: Clinger's fast
 * path where it is exact, strtod otherwise. */
static inline pq_status number_double(pq_jpull *p, const numscan *ns, bool neg, const uint8_t *s, size_t n,
                                      double *d, pq_error *err)
{
#if FLT_EVAL_METHOD == 0
    if (ns->exact && ns->m <= ((uint64_t)1 << 53) && ns->e10 >= -22 && ns->e10 <= 22) {
        double x = (double)ns->m;
        x = ns->e10 < 0 ? x / POW10[-ns->e10] : x * POW10[ns->e10];
        *d = neg ? -x : x;
        return PQ_OK;
    }
#endif
    /* Eisel-Lemire (core/strtod.c): m x 10^e10 when exact; otherwise the
     * value lies in [m, m + 1] x 10^e10 (nonzero digits or integer zeros
     * dropped after the 19th), decided when both ends round alike. */
    if (ns->exact ? pq_decimal_to_double(ns->m, ns->e10, neg, d)
                  : pq_decimal_to_double_truncated(ns->m, ns->e10, neg, d))
        return PQ_OK;
    return slow_double(p, s, n, d, err);
}

static pq_status scan_literal(pq_jpull *p, const uint8_t *q, const char *lit, size_t n, const uint8_t **qend,
                              pq_error *err);

/* The number at q ('-' or a digit) into t; *qend = past it. */
static inline pq_status scan_number(pq_jpull *p, const uint8_t *q, const uint8_t **qend, ptok *t, pq_error *err)
{
    const uint8_t *s = q;
    numscan ns = {0, 0, 0, true};
    bool neg = *q == '-', is_int = true;
    q += neg;
    if (*q == '0') q++;
    else if (is_digit(*q)) {
        do int_digit(&ns, *q++);
        while (is_digit(*q));
    } else if (neg && *q == 'I' && p->opt.allow_nonfinite) {
        PQ_TRY(scan_literal(p, s, "-Infinity", 9, qend, err));
        t->t.type = PQ_JTOK_DOUBLE;
        t->t.d = -INFINITY;
        t->t.str = (const char *)s;
        t->t.len = 9;
        return PQ_OK;
    } else return unexpected(p, q, "a digit after '-'", err);
    int int_digits = ns.nd;
    if (*q == '.') {
        q++;
        if (!is_digit(*q)) return unexpected(p, q, "a digit after '.'", err);
        do frac_digit(&ns, *q++);
        while (is_digit(*q));
        is_int = false;
    }
    if ((*q | 0x20) == 'e') {
        q++;
        bool eneg = *q == '-';
        if (*q == '+' || *q == '-') q++;
        if (!is_digit(*q)) return unexpected(p, q, "a digit in the exponent", err);
        int64_t ev = 0;
        do {
            if (ev < ((int64_t)1 << 50)) ev = ev * 10 + (*q - '0'); /* saturates far beyond any digit count */
            q++;
        } while (is_digit(*q));
        ns.e10 += eneg ? -ev : ev;
        is_int = false;
    }
    if (q >= p->in.buf + p->in.len && !p->in.eof) return PQ_NEED_MORE; /* it may go on */
    size_t n = (size_t)(q - s); /* <= max_token_bytes <= UINT32_MAX once crossed() passed */
    t->in_scratch = false;
    t->t.str = (const char *)s;
    t->t.len = (uint32_t)n;
    *qend = q;
    if (!is_int) {
        t->t.type = PQ_JTOK_DOUBLE;
        return number_double(p, &ns, neg, s, n, &t->t.d, err);
    }
    /* an integer: int_digits <= 19 means m holds it exactly */
    if (int_digits <= 19 && (neg ? ns.m <= (uint64_t)INT64_MAX + 1 : ns.m <= (uint64_t)INT64_MAX)) {
        t->t.type = PQ_JTOK_INT;
        t->t.i = neg ? (int64_t)(0 - ns.m) : (int64_t)ns.m;
        t->t.d = (double)t->t.i;
        return PQ_OK;
    }
    t->t.type = PQ_JTOK_BIGINT;
    return slow_double(p, s, n, &t->t.d, err);
}

/* The literal lit[0, n) at q; *qend = past it. */
static pq_status scan_literal(pq_jpull *p, const uint8_t *q, const char *lit, size_t n, const uint8_t **qend,
                              pq_error *err)
{
    for (size_t k = 0; k < n; k++) {
        if (q[k] != (uint8_t)lit[k]) {
            char what[16];
            snprintf(what, sizeof what, "'%s'", lit);
            return unexpected(p, q + k, what, err);
        }
    }
    *qend = q + n;
    return PQ_OK;
}

/* ---------------------------------------------------------- containers */

/* Open a container at q ('{' or '['). */
static pq_status open_container(pq_jpull *p, const uint8_t *q, bool object, ptok *t, pq_error *err)
{
    if (p->depth >= p->opt.max_depth)
        return jfail(p, q, PQ_ERR_LIMIT, err, "expected at most %d levels of nesting, found %d", p->opt.max_depth,
                     p->depth + 1);
    if ((size_t)p->depth == p->levels_cap) {
        size_t ncap = p->levels_cap ? p->levels_cap * 2 : 16;
        jlevel *l = (jlevel *)pq_realloc(p->alloc, p->levels, ncap * sizeof *l);
        if (!l) return PQ_NOMEM(err);
        memset(l + p->levels_cap, 0, (ncap - p->levels_cap) * sizeof *l);
        p->levels = l;
        p->levels_cap = ncap;
    }
    jlevel *lv = &p->levels[p->depth];
    lv->is_object = object;
    lv->kent_start = p->n_kents;
    lv->kbyte_start = p->kbytes.len;
    lv->slot_cap = 0;
    t->t.type = object ? PQ_JTOK_OBJECT_BEGIN : PQ_JTOK_ARRAY_BEGIN;
    t->t.depth = p->depth++;
    p->state = object ? ST_OBJ_FIRST : ST_ARR_FIRST;
    p->cur = (size_t)(q + 1 - p->in.buf);
    return PQ_OK;
}

/* Close the innermost container at q ('}' or ']', already matched to it). */
static pq_status close_container(pq_jpull *p, const uint8_t *q, ptok *t)
{
    jlevel *lv = &p->levels[--p->depth];
    if (lv->is_object) {
        p->n_kents = lv->kent_start;
        p->kbytes.len = lv->kbyte_start;
        lv->slot_cap = 0;
    }
    t->t.type = lv->is_object ? PQ_JTOK_OBJECT_END : PQ_JTOK_ARRAY_END;
    t->t.depth = p->depth;
    p->state = after_value(p);
    p->cur = (size_t)(q + 1 - p->in.buf);
    return PQ_OK;
}

/* ------------------------------------------------------------- tokens */

/* A value token at q (not an end). */
static inline pq_status scan_value(pq_jpull *p, const uint8_t *q, ptok *t, pq_error *err)
{
    const uint8_t *e = q;
    pq_jtok_type type;
    switch (*q) {
    case '{': return open_container(p, q, true, t, err);
    case '[': return open_container(p, q, false, t, err);
    case '"':
        PQ_TRY(scan_string(p, q, &e, t, err));
        t->t.type = PQ_JTOK_STRING;
        goto scalar;
    case 't': PQ_TRY(scan_literal(p, q, "true", 4, &e, err)); type = PQ_JTOK_TRUE; break;
    case 'f': PQ_TRY(scan_literal(p, q, "false", 5, &e, err)); type = PQ_JTOK_FALSE; break;
    case 'n': PQ_TRY(scan_literal(p, q, "null", 4, &e, err)); type = PQ_JTOK_NULL; break;
    case 'N':
    case 'I':
        if (!p->opt.allow_nonfinite) return unexpected(p, q, "a value", err);
        if (*q == 'N') PQ_TRY(scan_literal(p, q, "NaN", 3, &e, err));
        else PQ_TRY(scan_literal(p, q, "Infinity", 8, &e, err));
        t->in_scratch = false;
        t->t.type = PQ_JTOK_DOUBLE;
        t->t.d = *q == 'N' ? (double)NAN : (double)INFINITY;
        t->t.str = (const char *)q;
        t->t.len = (uint32_t)(e - q);
        goto scalar;
    default:
        if (*q == '-' || is_digit(*q)) {
            PQ_TRY(scan_number(p, q, &e, t, err));
            goto scalar;
        }
        return unexpected(p, q, "a value", err);
    }
    t->t.type = type;
scalar:
    t->t.depth = p->depth;
    p->state = after_value(p);
    p->cur = (size_t)(e - p->in.buf);
    return PQ_OK;
}

/* A key at q (a quote). */
static inline pq_status scan_key(pq_jpull *p, const uint8_t *q, ptok *t, pq_error *err)
{
    const uint8_t *e = q;
    PQ_TRY(scan_string(p, q, &e, t, err));
    /* limits before a duplicate: the scan got to the key's end */
    PQ_TRY(crossed(p, (size_t)(q - p->in.buf), (size_t)(e - p->in.buf), err));
    if (p->opt.reject_duplicate_keys) PQ_TRY(key_add(p, q, t->t.str, t->t.len, err));
    t->t.type = PQ_JTOK_KEY;
    t->t.depth = p->depth;
    p->state = ST_OBJ_COLON;
    p->cur = (size_t)(e - p->in.buf);
    return PQ_OK;
}

/* What the state expects, for an end-of-input message. */
static const char *expected_in(int state)
{
    switch (state) {
    case ST_OBJ_FIRST: return "'\"' or '}'";
    case ST_OBJ_KEY: return "'\"' to start an object key";
    case ST_OBJ_COLON: return "':' after an object key";
    case ST_OBJ_NEXT: return "',' or '}'";
    case ST_ARR_FIRST: return "a value or ']'";
    case ST_ARR_NEXT: return "',' or ']'";
    default: return "a value";
    }
}

/* One attempt at the next token; PQ_NEED_MORE when the buffer ends inside
 * it (whitespace and separators before it are consumed already). */
static pq_status scan_once(pq_jpull *p, ptok *t, pq_error *err)
{
    const uint8_t *buf = p->in.buf, *end = buf + p->in.len, *q = buf + p->cur;
    t->t.str = NULL;
    t->t.len = 0;
    t->t.i = 0;
    t->t.d = 0;
    t->in_scratch = false;
    for (;;) {
        q = skip_ws(p, q);
        p->cur = (size_t)(q - buf);
        t->t.offset = off_of(p, q);
        if (q >= end) {
            if (!p->in.eof) return PQ_NEED_MORE;
            if (p->state != ST_DONE && p->state != ST_END) return eof_error(p, expected_in(p->state), err);
            p->state = ST_END;
            t->t.type = PQ_JTOK_END;
            t->t.depth = 0;
            return PQ_OK;
        }
        uint8_t c = *q;
        switch (p->state) {
        case ST_OBJ_COLON:
            if (c != ':') return unexpected(p, q, "':' after an object key", err);
            q++;
            p->state = ST_VALUE;
            continue;
        case ST_OBJ_NEXT:
            if (c == ',') {
                q++;
                p->state = ST_OBJ_KEY;
                continue;
            }
            if (c == '}') return close_container(p, q, t);
            return unexpected(p, q, "',' or '}'", err);
        case ST_ARR_NEXT:
            if (c == ',') {
                q++;
                p->state = ST_VALUE;
                continue;
            }
            if (c == ']') return close_container(p, q, t);
            return unexpected(p, q, "',' or ']'", err);
        case ST_OBJ_FIRST:
            if (c == '}') return close_container(p, q, t);
            if (c != '"') return unexpected(p, q, "'\"' or '}'", err);
            return scan_key(p, q, t, err);
        case ST_OBJ_KEY:
            if (c != '"') return unexpected(p, q, "'\"' to start an object key", err);
            return scan_key(p, q, t, err);
        case ST_ARR_FIRST:
            if (c == ']') return close_container(p, q, t);
            return scan_value(p, q, t, err);
        case ST_TOP:
        case ST_VALUE: return scan_value(p, q, t, err);
        default: return unexpected(p, q, "end of input after the top-level value", err);
        }
    }
}

/* The next token, reading more input as needed.  Limits are checked where
 * the scan stopped (see crossed): at the token's end, or at the last byte
 * examined before an error (a limit error takes its place when that byte
 * lies past a limit). */
static pq_status scan(pq_jpull *p, ptok *t, pq_error *err)
{
    if (!p->started) PQ_TRY(start(p, err));
    if (!p->value_mode) p->scratch.len = 0;
    for (;;) {
        p->efront = SIZE_MAX;
        pq_status s = scan_once(p, t, err);
        if (s == PQ_OK) {
            if (p->digest) pq_jdigest_token(p->digest, &t->t); /* each token is scanned once */
            return crossed(p, (size_t)(t->t.offset - p->in.base), p->cur, err);
        }
        if (s == PQ_NEED_MORE) {
            PQ_TRY(refill(p, err));
            continue;
        }
        if ((s == PQ_ERR_PARSE || s == PQ_ERR_LIMIT) && err && err->where.offset >= p->in.base + (int64_t)p->cur &&
            err->where.offset <= p->in.base + (int64_t)p->in.len) {
            /* scan_once moved p->cur past whitespace only: the token began there */
            size_t at = p->efront != SIZE_MAX ? p->efront : (size_t)(err->where.offset - p->in.base);
            pq_status l = crossed(p, p->cur, at, err);
            if (l != PQ_OK) return l;
        }
        return s;
    }
}

/* ------------------------------------------------------------- digest */

void pq_jdigest_init(pq_jdigest *d)
{
    (void)XXH3_128bits_reset(&d->state);
    d->n = 0;
}

void pq_jdigest_token(pq_jdigest *d, const pq_jtok *t)
{
    /* type byte, then a string's 4-byte length and bytes, or a number's 8
     * bytes, stored straight into the block (building the record in a
     * small array first and copying it stalled on store forwarding) */
    bool text = t->type == PQ_JTOK_KEY || t->type == PQ_JTOK_STRING || t->type == PQ_JTOK_BIGINT;
    size_t len = text ? t->len : 0;
    if (d->n + 9 + len > sizeof d->buf) {
        (void)XXH3_128bits_update(&d->state, d->buf, d->n);
        d->n = 0;
        if (9 + len > sizeof d->buf) { /* a long string: its bytes go in directly */
            uint8_t head[5] = { (uint8_t)t->type };
            uint32_t l = (uint32_t)len;
            memcpy(head + 1, &l, 4);
            (void)XXH3_128bits_update(&d->state, head, 5);
            (void)XXH3_128bits_update(&d->state, t->str, len);
            return;
        }
    }
    uint8_t *w = d->buf + d->n;
    w[0] = (uint8_t)t->type;
    if (text) {
        uint32_t l = (uint32_t)len;
        memcpy(w + 1, &l, 4);
        memcpy(w + 5, t->str, len);
        d->n += 5 + len;
    } else if (t->type == PQ_JTOK_INT || t->type == PQ_JTOK_DOUBLE) {
        uint64_t v;
        if (t->type == PQ_JTOK_INT) v = (uint64_t)t->i;
        else if (isnan(t->d)) v = UINT64_C(0x7ff8000000000000); /* every NaN is the token NaN */
        else memcpy(&v, &t->d, 8);
        memcpy(w + 1, &v, 8);
        d->n += 9;
    } else {
        d->n += 1;
    }
}

void pq_jdigest_final(pq_jdigest *d, uint8_t out[16])
{
    if (d->n) (void)XXH3_128bits_update(&d->state, d->buf, d->n);
    d->n = 0;
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(&d->state));
    memcpy(out, c.digest, 16);
}

void pq_jpull_set_digest(pq_jpull *p, pq_jdigest *d) { p->digest = d; }

/* ---------------------------------------------------------------- API */

void pq_jpull_options_init(pq_jpull_options *o)
{
    memset(o, 0, sizeof *o);
    o->block_size = 0;
    o->max_token_bytes = (size_t)256 << 20;
    o->max_value_bytes = (size_t)256 << 20;
    o->max_depth = 512;
    o->allow_nonfinite = true;
    o->reject_duplicate_keys = true;
}

pq_status pq_jpull_open(pq_jpull **out, const pq_source *src, const pq_jpull_options *o, const pq_allocator *a,
                        pq_error *err)
{
    *out = NULL;
    pq_jpull_options opt;
    if (o) opt = *o;
    else pq_jpull_options_init(&opt);
    if (!opt.max_token_bytes) opt.max_token_bytes = (size_t)256 << 20;
    if (!opt.max_value_bytes) opt.max_value_bytes = (size_t)256 << 20;
    if (!src || opt.max_depth < 1 || opt.max_token_bytes > UINT32_MAX || opt.max_value_bytes > UINT32_MAX)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a source, max_depth >= 1 and token/value limits of at most "
                       "%u bytes, found max_depth %d, %zu and %zu", (unsigned)UINT32_MAX, opt.max_depth,
                       opt.max_token_bytes, opt.max_value_bytes);
    pq_jpull *p = (pq_jpull *)pq_calloc(a, 1, sizeof *p);
    if (!p) return PQ_NOMEM(err);
    p->opt = opt;
    p->alloc = a;
    p->line = 1;
    /* a small source is read in one block: no buffer larger than it */
    size_t block = opt.block_size ? opt.block_size : PQ_TEXTIN_BLOCK;
    if ((uint64_t)block > (uint64_t)src->size) block = src->size > 0 ? (size_t)src->size : 1;
    pq_textin_init(&p->in, src, block, a);
    pq_buf_init(&p->kbytes, a);
    pq_buf_init(&p->scratch, a);
    pq_buf_init(&p->numbuf, a);
    pq_error_clear(&p->e);
    *out = p;
    return PQ_OK;
}

void pq_jpull_close(pq_jpull *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->levels_cap; i++) pq_free(p->alloc, p->levels[i].slots);
    pq_free(p->alloc, p->levels);
    pq_free(p->alloc, p->kents);
    pq_free(p->alloc, p->nodes);
    pq_buf_reset(&p->kbytes);
    pq_buf_reset(&p->scratch);
    pq_buf_reset(&p->numbuf);
    pq_textin_reset(&p->in);
    pq_free(p->alloc, p);
}

int64_t pq_jpull_offset(const pq_jpull *p) { return p->started ? off_of(p, p->in.buf + p->cur) : 0; }

/* Remember the first failure; hand its record to the caller. */
static pq_status settle(pq_jpull *p, pq_status s, pq_error *err)
{
    if (s == PQ_OK) return s;
    p->failed = s;
    p->pinned = false;
    p->value_mode = false;
    if (err) *err = p->e;
    return s;
}

/* A call after a failure: the same status and record again. */
static pq_status replay(const pq_jpull *p, pq_error *err)
{
    if (err) *err = p->e;
    return p->failed;
}

pq_status pq_jpull_next(pq_jpull *p, pq_jtok *t, pq_error *err)
{
    if (p->failed) return replay(p, err);
    if (p->has_peek) {
        p->has_peek = false;
        *t = p->peek.t;
        return PQ_OK;
    }
    ptok pt;
    pq_status s = scan(p, &pt, &p->e);
    if (s != PQ_OK) return settle(p, s, err);
    *t = pt.t;
    return PQ_OK;
}

pq_status pq_jpull_peek(pq_jpull *p, pq_jtok_type *type, pq_error *err)
{
    if (p->failed) return replay(p, err);
    if (!p->has_peek) {
        pq_status s = scan(p, &p->peek, &p->e);
        if (s != PQ_OK) return settle(p, s, err);
        p->has_peek = true;
    }
    *type = p->peek.t.type;
    return PQ_OK;
}

/* Make p->peek the next token and check that it starts a value. */
static pq_status value_start(pq_jpull *p, pq_error *err)
{
    pq_jtok_type type;
    PQ_TRY(pq_jpull_peek(p, &type, err));
    switch (type) {
    case PQ_JTOK_KEY:
    case PQ_JTOK_OBJECT_END:
    case PQ_JTOK_ARRAY_END:
    case PQ_JTOK_END:
        return PQ_FAIL(err, PQ_ERR_STATE, "expected the start of a value, found %s at byte %lld",
                       type == PQ_JTOK_KEY ? "an object key" : type == PQ_JTOK_END ? "the end of input"
                                                                                    : "the end of a container",
                       (long long)p->peek.t.offset);
    default: return PQ_OK;
    }
}

/* True when token t (of a value starting at depth `base`) completes it. */
static inline bool value_done(const pq_jtok *t, int32_t base)
{
    return t->depth == base && t->type != PQ_JTOK_OBJECT_BEGIN && t->type != PQ_JTOK_ARRAY_BEGIN;
}

pq_status pq_jpull_skip(pq_jpull *p, pq_error *err)
{
    PQ_TRY(value_start(p, err));
    ptok t = p->peek;
    p->has_peek = false;
    int32_t base = t.t.depth;
    while (!value_done(&t.t, base)) {
        pq_status s = scan(p, &t, &p->e);
        if (s != PQ_OK) return settle(p, s, err);
    }
    return PQ_OK;
}

/* ----------------------------------------------------------------- DOM */

/* Append a node of `type`; *out = its index. */
static pq_status push_node(pq_jpull *p, uint8_t type, uint32_t *out, pq_error *err)
{
    if (p->n_nodes == p->nodes_cap) {
        size_t ncap = p->nodes_cap ? p->nodes_cap * 2 : 64, bytes;
        if (ncap > UINT32_MAX) ncap = UINT32_MAX;
        if (p->n_nodes >= ncap) return PQ_FAIL(err, PQ_ERR_LIMIT, "expected at most %u values in one value",
                                               (unsigned)UINT32_MAX);
        if (pq_mul_overflow(ncap, sizeof(pq_json_node), &bytes)) return PQ_NOMEM(err);
        pq_json_node *n = (pq_json_node *)pq_realloc(p->alloc, p->nodes, bytes);
        if (!n) return PQ_NOMEM(err);
        p->nodes = n;
        p->nodes_cap = ncap;
    }
    uint32_t i = p->n_nodes++;
    pq_json_node *n = &p->nodes[i];
    memset(n, 0, sizeof *n);
    n->type = type;
    n->next = i + 1;
    *out = i;
    return PQ_OK;
}

/* Node type of a scalar token. */
static uint8_t node_type(pq_jtok_type t)
{
    switch (t) {
    case PQ_JTOK_KEY:
    case PQ_JTOK_STRING: return PQ_JSON_STRING;
    case PQ_JTOK_INT: return PQ_JSON_INT;
    case PQ_JTOK_BIGINT: return PQ_JSON_BIGINT;
    case PQ_JTOK_DOUBLE: return PQ_JSON_DOUBLE;
    case PQ_JTOK_TRUE: return PQ_JSON_TRUE;
    case PQ_JTOK_FALSE: return PQ_JSON_FALSE;
    default: return PQ_JSON_NULL;
    }
}

/* Add token t (of the value that began at depth `base`) to the DOM.  Its
 * text is recorded as an offset (the buffer may move before the value is
 * complete) and pointed at in fix_nodes. */
static pq_status add_node(pq_jpull *p, const ptok *t, int32_t base, pq_error *err)
{
    uint32_t idx;
    switch (t->t.type) {
    case PQ_JTOK_OBJECT_END:
    case PQ_JTOK_ARRAY_END: p->nodes[p->levels[t->t.depth].node].next = p->n_nodes; return PQ_OK;
    case PQ_JTOK_OBJECT_BEGIN:
    case PQ_JTOK_ARRAY_BEGIN:
        PQ_TRY(push_node(p, t->t.type == PQ_JTOK_OBJECT_BEGIN ? PQ_JSON_OBJECT : PQ_JSON_ARRAY, &idx, err));
        p->levels[t->t.depth].node = idx;
        break;
    default: {
        PQ_TRY(push_node(p, node_type(t->t.type), &idx, err));
        pq_json_node *n = &p->nodes[idx];
        if (t->t.type == PQ_JTOK_INT) n->i = t->t.i;
        if (t->t.type == PQ_JTOK_DOUBLE) memcpy(&n->i, &t->t.d, sizeof n->i); /* see json_pull.h */
        if (t->t.str) {
            n->len = t->t.len;
            n->flags = t->in_scratch ? NODE_SCRATCH : NODE_BUF;
            n->count = t->in_scratch ? (uint32_t)t->soff
                                     : (uint32_t)(off_of(p, (const uint8_t *)t->t.str) - p->pin_off);
        }
        if (t->t.type == PQ_JTOK_KEY) return PQ_OK; /* members are counted at their value */
    }
    }
    if (t->t.depth > base) p->nodes[p->levels[t->t.depth - 1].node].count++;
    return PQ_OK;
}

/* Point the DOM's strings at their bytes, now that nothing moves. */
static void fix_nodes(pq_jpull *p)
{
    const char *buf = (const char *)p->in.buf + p->pin, *sc = (const char *)p->scratch.data;
    for (uint32_t i = 0; i < p->n_nodes; i++) {
        pq_json_node *n = &p->nodes[i];
        if (!n->flags) continue;
        n->str = (n->flags == NODE_SCRATCH ? sc : buf) + n->count;
        n->flags = 0;
        n->count = 0;
    }
}

/* Build the DOM of the value whose first token is in p->peek. */
static pq_status build_value(pq_jpull *p, pq_error *err)
{
    ptok t = p->peek;
    p->has_peek = false;
    int32_t base = t.t.depth;
    p->pinned = true;
    p->value_mode = true;
    p->pin_off = t.t.offset;
    p->pin = (size_t)(t.t.offset - p->in.base);
    p->pin_line = p->line; /* a token never spans lines */
    p->pin_line_start = p->line_start;
    p->n_nodes = 0;
    /* the first token was read (by peek) before the value limit applied */
    PQ_TRY(crossed(p, p->pin, p->cur, err));
    PQ_TRY(add_node(p, &t, base, err));
    while (!value_done(&t.t, base)) {
        PQ_TRY(scan(p, &t, err));
        PQ_TRY(add_node(p, &t, base, err));
    }
    fix_nodes(p);
    p->pinned = false;
    p->value_mode = false;
    return PQ_OK;
}

pq_status pq_jpull_value(pq_jpull *p, const pq_json_node **nodes, uint32_t *n_nodes, pq_error *err)
{
    *nodes = NULL;
    *n_nodes = 0;
    PQ_TRY(value_start(p, err));
    pq_status s = build_value(p, &p->e);
    if (s != PQ_OK) return settle(p, s, err);
    *nodes = p->nodes;
    *n_nodes = p->n_nodes;
    return PQ_OK;
}
