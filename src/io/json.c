/* SPDX-License-Identifier: Apache-2.0
 *
 * io/json.c - the streaming JSON record reader declared in io/json.h: a
 * strict RFC 8259 recursive-descent parser producing a flat DOM per record.
 *
 * Streaming: a record is parsed from the reader's block buffer (pq_textin).
 * The parser never bounds-checks byte by byte: pq_textin keeps a NUL byte at
 * buf[len], which no JSON token accepts outside a string and which stops the
 * string scanner as a control character, so every "unexpected byte" path
 * checks whether it stands at the end of the buffered input.  There, if more
 * input may come, the attempt ends with PQ_NEED_MORE; the reader reads more
 * (keeping the record's bytes) and parses the record again from its start.
 * Nothing is committed before a record is complete.  Since the buffer grows
 * at least geometrically, a record of n bytes costs O(n) in total.
 *
 * Strings without escapes point into the block buffer; strings with escapes
 * are decoded into a per-record scratch buffer (never in place, so that a
 * re-parse sees the original bytes) and their pointers are fixed up once the
 * record is complete, because the scratch buffer may move as it grows.
 *
 * Line tracking: raw newlines can only occur in whitespace, so the
 * whitespace skipper counts lines and notes where the current line starts;
 * an error reports line, column (1-based byte column) and byte offset.
 */
#include "io/json.h"
#include "io/json_scan.h"

#include <stdio.h>

#define PQ_JSON_F_SCRATCH 1 /* node str lives in scratch at offset `i` until fix-up */

enum { AS_FIRST, AS_ELEM, AS_NEXT, AS_DONE }; /* top-level array states */

struct pq_json_reader {
    pq_textin in;
    pq_json_options opt;
    const pq_allocator *alloc;
    pq_json_node *nodes;       /* DOM of the current record */
    uint32_t n_nodes;
    size_t nodes_cap;
    pq_buf scratch;            /* unescaped strings of the current record */
    bool array_form;           /* top-level array (else whitespace-separated objects) */
    int state;                 /* AS_* in the array form */
    int64_t line;              /* line of buf[pos] */
    int64_t line_start;        /* source offset of that line's first byte */
    int64_t records;           /* records returned */
    bool failed;
};

/* One parse attempt over buf[pos, len). */
typedef struct jp {
    pq_json_reader *r;
    const uint8_t *p, *end;    /* *end == 0 */
    bool eof;                  /* nothing follows end */
    bool scratch_used;
    int64_t line, line_start;
    pq_error *err;
} jp;

/* ------------------------------------------------------------- errors */

static int64_t jp_offset(const jp *j) { return pq_textin_offset(&j->r->in, j->p); }

/* Attach line / record / offset to the error just reported. */
static pq_status jp_locate(const jp *j, pq_status s)
{
    if (j->err) {
        j->err->where.line = j->line;
        j->err->where.offset = jp_offset(j);
        j->err->where.record = j->r->records + 1;
    }
    return s;
}

#define JP_FAIL(j, code, fmt, ...)                                                                      \
    jp_locate((j), PQ_FAIL((j)->err, (code), fmt " at line %lld, column %lld", __VA_ARGS__,            \
                           (long long)(j)->line, (long long)(jp_offset(j) - (j)->line_start + 1)))

/* Describe the byte at j->p for a message. */
static const char *found(const jp *j, char buf[24])
{
    if (j->p >= j->end) return "end of input";
    uint8_t c = *j->p;
    if (c >= 0x20 && c < 0x7f) snprintf(buf, 24, "'%c'", c);
    else snprintf(buf, 24, "byte 0x%02X", c);
    return buf;
}

/* The byte at j->p is not what `expected` describes: more input may be
 * needed (at the end of the buffer), or it is a parse error. */
static pq_status unexpected(const jp *j, const char *expected)
{
    char b[24];
    if (j->p >= j->end && !j->eof) return PQ_NEED_MORE;
    return JP_FAIL(j, PQ_ERR_PARSE, "expected %s, found %s", expected, found(j, b));
}

/* ------------------------------------------------------------- scanning */

static inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* Skip JSON whitespace, counting lines. */
static inline void skip_ws(jp *j)
{
    const uint8_t *p = j->p;
    for (;;) {
        uint8_t c = *p;
        if (c == ' ' || c == '\t' || c == '\r') p++;
        else if (c == '\n') {
            p++;
            j->line++;
            j->line_start = pq_textin_offset(&j->r->in, p);
        } else break;
    }
    j->p = p;
}

/* ---------------------------------------------------------------- DOM */

/* Append a node of `type`; *out = its index. */
static pq_status push(jp *j, uint8_t type, uint32_t *out)
{
    pq_json_reader *r = j->r;
    if (r->n_nodes == r->nodes_cap) {
        size_t ncap = r->nodes_cap ? r->nodes_cap * 2 : 256, bytes;
        if (ncap > UINT32_MAX) ncap = UINT32_MAX;
        if (r->n_nodes >= ncap) return JP_FAIL(j, PQ_ERR_LIMIT, "expected at most %u values in a record, found more",
                                                (unsigned)UINT32_MAX);
        if (pq_mul_overflow(ncap, sizeof(pq_json_node), &bytes)) return PQ_NOMEM(j->err);
        pq_json_node *n = (pq_json_node *)pq_realloc(r->alloc, r->nodes, bytes);
        if (!n) return PQ_NOMEM(j->err);
        r->nodes = n;
        r->nodes_cap = ncap;
    }
    uint32_t i = r->n_nodes++;
    pq_json_node *n = &r->nodes[i];
    memset(n, 0, sizeof *n);
    n->type = type;
    n->next = i + 1;
    *out = i;
    return PQ_OK;
}

/* ------------------------------------------------------------ strings */

/* Append code point cp as UTF-8 to the scratch buffer. */
static pq_status put_utf8(jp *j, uint32_t cp)
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
    return pq_buf_append(&j->r->scratch, b, n, j->err);
}

/* Four hex digits at p into *out; false when one is not a hex digit. */
static bool hex4(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        uint8_t c = p[k];
        uint32_t d;
        if (c >= '0' && c <= '9') d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (uint32_t)(c - 'A' + 10);
        else return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

/* Decode the \u escape at j->p (a backslash), with its low surrogate when
 * it is a high one, and append it; advances j->p. */
static pq_status unicode_escape(jp *j)
{
    uint32_t cp, lo;
    if (j->end - j->p < 6) return j->eof ? JP_FAIL(j, PQ_ERR_PARSE, "expected %s, found end of input",
                                                   "4 hex digits after \\u") : PQ_NEED_MORE;
    if (!hex4(j->p + 2, &cp)) return JP_FAIL(j, PQ_ERR_PARSE, "expected %s, found '%.6s'", "4 hex digits after \\u",
                                             (const char *)j->p);
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return JP_FAIL(j, PQ_ERR_PARSE, "expected a high surrogate before \\u%04X, found %s", (unsigned)cp,
                       "a lone low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (j->end - j->p < 12 && !j->eof) return PQ_NEED_MORE;
        if (j->end - j->p < 12 || j->p[6] != '\\' || j->p[7] != 'u' || !hex4(j->p + 8, &lo) || lo < 0xDC00 ||
            lo > 0xDFFF)
            return JP_FAIL(j, PQ_ERR_PARSE, "expected a low surrogate \\uDC00-\\uDFFF after \\u%04X, found %s",
                           (unsigned)cp, "a lone high surrogate");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        j->p += 6;
    }
    j->p += 6;
    return put_utf8(j, cp);
}

/* Decode the escape at j->p (a backslash) into scratch; advances j->p. */
static pq_status escape(jp *j)
{
    uint8_t c = j->p[1], out;
    switch (c) {
    case '"': out = '"'; break;
    case '\\': out = '\\'; break;
    case '/': out = '/'; break;
    case 'b': out = '\b'; break;
    case 'f': out = '\f'; break;
    case 'n': out = '\n'; break;
    case 'r': out = '\r'; break;
    case 't': out = '\t'; break;
    case 'u': return unicode_escape(j);
    default: {
        char b[24];
        if (j->p + 1 >= j->end) return j->eof ? JP_FAIL(j, PQ_ERR_PARSE, "expected %s, found end of input",
                                                        "an escape after '\\'") : PQ_NEED_MORE;
        const jp at = {j->r, j->p + 1, j->end, j->eof, false, j->line, j->line_start, j->err};
        return JP_FAIL(&at, PQ_ERR_PARSE, "expected an escape (\" \\ / b f n r t u) after '\\', found %s",
                       found(&at, b));
    }
    }
    j->p += 2;
    return pq_buf_push(&j->r->scratch, out, j->err);
}

/* Step over the UTF-8 character at j->p (>= 0x80); copy it to scratch when
 * `copy`. */
static pq_status string_utf8(jp *j, bool copy)
{
    int n = pq_utf8_seq(j->p, j->end);
    if (n < 0 && !j->eof) return PQ_NEED_MORE;
    if (n <= 0)
        return JP_FAIL(j, PQ_ERR_PARSE, "expected UTF-8 text in a string, found %s 0x%02X",
                       n < 0 ? "a sequence cut short by the end of input at" : "invalid byte", j->p[0]);
    if (copy) PQ_TRY(pq_buf_append(&j->r->scratch, j->p, (size_t)n, j->err));
    j->p += n;
    return PQ_OK;
}

/* A control byte (or the end) inside a string. */
static pq_status string_control(jp *j)
{
    if (j->p >= j->end) return unexpected(j, "'\"' to close a string");
    return JP_FAIL(j, PQ_ERR_PARSE, "expected a closing '\"' or a character other than a control character in a "
                   "string, found byte 0x%02X", j->p[0]);
}

/* Record the finished string [s, e) or scratch range in node `idx`. */
static pq_status string_done(jp *j, uint32_t idx, size_t len)
{
    if (len > UINT32_MAX) return JP_FAIL(j, PQ_ERR_LIMIT, "expected a string of at most %u bytes, found %zu",
                                         (unsigned)UINT32_MAX, len);
    j->r->nodes[idx].len = (uint32_t)len;
    j->p++; /* closing quote */
    return PQ_OK;
}

/* The rest of a string that contains escapes: decode into scratch from
 * j->p (at the first backslash); s is the string's first byte. */
static pq_status string_slow(jp *j, uint32_t idx, const uint8_t *s)
{
    pq_buf *sc = &j->r->scratch;
    size_t start = sc->len;
    PQ_TRY(pq_buf_append(sc, s, (size_t)(j->p - s), j->err));
    for (;;) {
        uint8_t c = *j->p;
        if (c == '"') break;
        if (c == '\\') PQ_TRY(escape(j));
        else if (c >= 0x80) PQ_TRY(string_utf8(j, true));
        else if (c < 0x20) return string_control(j);
        else {
            const uint8_t *q = pq_json_scan_str(j->p);
            PQ_TRY(pq_buf_append(sc, j->p, (size_t)(q - j->p), j->err));
            j->p = q;
        }
    }
    pq_json_node *n = &j->r->nodes[idx];
    n->flags = PQ_JSON_F_SCRATCH;
    n->i = (int64_t)start;
    j->scratch_used = true;
    return string_done(j, idx, sc->len - start);
}

/* Parse the string at j->p (a quote) into node `idx`. */
static pq_status parse_string(jp *j, uint32_t idx)
{
    const uint8_t *s = ++j->p;
    for (;;) {
        j->p = pq_json_scan_str(j->p);
        uint8_t c = *j->p;
        if (c == '"') break;
        if (c == '\\') return string_slow(j, idx, s);
        if (c >= 0x80) PQ_TRY(string_utf8(j, false));
        else return string_control(j);
    }
    j->r->nodes[idx].str = (const char *)s;
    return string_done(j, idx, (size_t)(j->p - s));
}

/* ----------------------------------------------------- numbers, literals */

/* Exact int64 of the integer text [s, e) (optional '-', digits without
 * leading zeros); false when it does not fit. */
static bool int_value(const uint8_t *s, const uint8_t *e, int64_t *out)
{
    bool neg = *s == '-';
    if (neg) s++;
    if (e - s > 19) return false;
    uint64_t v = 0;
    for (; s < e; s++) v = v * 10 + (uint64_t)(*s - '0'); /* 19 digits fit uint64 */
    if (!neg && v > (uint64_t)INT64_MAX) return false;
    if (neg && v > (uint64_t)INT64_MAX + 1) return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* Skip a run of digits; at least one is required (`what` names it). */
static pq_status digits(jp *j, const char *what)
{
    if (!is_digit(*j->p)) return unexpected(j, what);
    while (is_digit(*j->p)) j->p++;
    return PQ_OK;
}

static pq_status parse_number(jp *j)
{
    const uint8_t *s = j->p;
    if (*j->p == '-') j->p++;
    if (*j->p == '0') j->p++;
    else PQ_TRY(digits(j, "a digit"));
    const uint8_t *int_end = j->p;
    bool frac = false;
    if (*j->p == '.') {
        j->p++;
        PQ_TRY(digits(j, "a digit after '.'"));
        frac = true;
    }
    if (*j->p == 'e' || *j->p == 'E') {
        j->p++;
        if (*j->p == '+' || *j->p == '-') j->p++;
        PQ_TRY(digits(j, "a digit in the exponent"));
        frac = true;
    }
    /* The number may continue in bytes not read yet. */
    if (j->p >= j->end && !j->eof) return PQ_NEED_MORE;
    if ((size_t)(j->p - s) > UINT32_MAX)
        return JP_FAIL(j, PQ_ERR_LIMIT, "expected a number of at most %u characters, found %zu", (unsigned)UINT32_MAX,
                       (size_t)(j->p - s));
    uint32_t idx;
    PQ_TRY(push(j, PQ_JSON_DOUBLE, &idx));
    pq_json_node *n = &j->r->nodes[idx];
    n->str = (const char *)s;
    n->len = (uint32_t)(j->p - s);
    if (!frac) n->type = int_value(s, int_end, &n->i) ? PQ_JSON_INT : PQ_JSON_BIGINT;
    return PQ_OK;
}

static pq_status parse_literal(jp *j, const char *lit, size_t n, uint8_t type)
{
    size_t avail = (size_t)(j->end - j->p), k = 0;
    while (k < n && k < avail && j->p[k] == (uint8_t)lit[k]) k++;
    if (k < n) {
        char what[16];
        snprintf(what, sizeof what, "'%s'", lit);
        const jp at = {j->r, j->p + k, j->end, j->eof, false, j->line, j->line_start, j->err};
        pq_status s = unexpected(&at, what);
        return s;
    }
    j->p += n;
    uint32_t idx;
    return push(j, type, &idx);
}

/* ----------------------------------------------------------- containers */

static pq_status parse_value(jp *j, int depth);

/* Close container `idx` with `count` children. */
static void close_container(jp *j, uint32_t idx, uint32_t count)
{
    j->r->nodes[idx].count = count;
    j->r->nodes[idx].next = j->r->n_nodes;
}

static pq_status check_depth(jp *j, int depth)
{
    if (depth <= j->r->opt.max_depth) return PQ_OK;
    return JP_FAIL(j, PQ_ERR_LIMIT, "expected at most %d levels of nesting, found %d", j->r->opt.max_depth, depth);
}

/* Parse the object at j->p ('{'); `depth` is its nesting level (1 = record). */
static pq_status parse_object(jp *j, int depth)
{
    uint32_t idx, key, count = 0;
    PQ_TRY(check_depth(j, depth));
    PQ_TRY(push(j, PQ_JSON_OBJECT, &idx));
    j->p++;
    skip_ws(j);
    if (*j->p == '}') {
        j->p++;
        close_container(j, idx, 0);
        return PQ_OK;
    }
    for (;;) {
        if (*j->p != '"') return unexpected(j, "'\"' to start an object key");
        PQ_TRY(push(j, PQ_JSON_STRING, &key));
        PQ_TRY(parse_string(j, key));
        skip_ws(j);
        if (*j->p != ':') return unexpected(j, "':' after an object key");
        j->p++;
        PQ_TRY(parse_value(j, depth + 1));
        count++;
        skip_ws(j);
        if (*j->p == ',') {
            j->p++;
            skip_ws(j);
            continue;
        }
        if (*j->p == '}') break;
        return unexpected(j, "',' or '}' after an object member");
    }
    j->p++;
    close_container(j, idx, count);
    return PQ_OK;
}

/* Parse the array at j->p ('['); `depth` is its nesting level. */
static pq_status parse_array(jp *j, int depth)
{
    uint32_t idx, count = 0;
    PQ_TRY(check_depth(j, depth));
    PQ_TRY(push(j, PQ_JSON_ARRAY, &idx));
    j->p++;
    skip_ws(j);
    if (*j->p == ']') {
        j->p++;
        close_container(j, idx, 0);
        return PQ_OK;
    }
    for (;;) {
        PQ_TRY(parse_value(j, depth + 1));
        count++;
        skip_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p == ']') break;
        return unexpected(j, "',' or ']' after an array element");
    }
    j->p++;
    close_container(j, idx, count);
    return PQ_OK;
}

/* Parse any value at j->p (after whitespace); `depth` is the level it
 * would have as a container. */
static pq_status parse_value(jp *j, int depth)
{
    skip_ws(j);
    uint32_t idx;
    switch (*j->p) {
    case '{': return parse_object(j, depth);
    case '[': return parse_array(j, depth);
    case '"':
        PQ_TRY(push(j, PQ_JSON_STRING, &idx));
        return parse_string(j, idx);
    case 't': return parse_literal(j, "true", 4, PQ_JSON_TRUE);
    case 'f': return parse_literal(j, "false", 5, PQ_JSON_FALSE);
    case 'n': return parse_literal(j, "null", 4, PQ_JSON_NULL);
    default:
        if (*j->p == '-' || is_digit(*j->p)) return parse_number(j);
        return unexpected(j, "a value");
    }
}

/* ------------------------------------------------------------ records */

static jp jp_begin(pq_json_reader *r, pq_error *err)
{
    jp j = {r, r->in.buf + r->in.pos, r->in.buf + r->in.len, r->in.eof, false, r->line, r->line_start, err};
    return j;
}

/* Remember that everything before j->p is consumed. */
static void commit(pq_json_reader *r, const jp *j)
{
    r->in.pos = (size_t)(j->p - r->in.buf);
    r->line = j->line;
    r->line_start = j->line_start;
}

/* Array form: consume the separator before the next element, updating
 * r->state (committed).  PQ_NEED_MORE when the buffer ends first. */
static pq_status array_separator(pq_json_reader *r, jp *j)
{
    for (;;) {
        skip_ws(j);
        if (r->state == AS_DONE || r->state == AS_ELEM) return PQ_OK;
        uint8_t c = *j->p;
        if (c == ']') r->state = AS_DONE;
        else if (r->state == AS_NEXT && c == ',') r->state = AS_ELEM;
        else if (r->state == AS_FIRST && j->p < j->end) return PQ_OK; /* the first element */
        else return unexpected(j, r->state == AS_FIRST ? "'{' or ']'" : "',' or ']' after an array element");
        j->p++;
        commit(r, j);
    }
}

/* Point the strings decoded into scratch at their final bytes. */
static void fix_scratch(pq_json_reader *r)
{
    for (uint32_t i = 0; i < r->n_nodes; i++) {
        pq_json_node *n = &r->nodes[i];
        if (!(n->flags & PQ_JSON_F_SCRATCH)) continue;
        n->str = (const char *)r->scratch.data + n->i;
        n->i = 0;
        n->flags = 0;
    }
}

/* One attempt at the next record (see pq_json_next). */
static pq_status attempt(pq_json_reader *r, pq_json_record *rec, pq_error *err)
{
    jp j = jp_begin(r, err);
    r->n_nodes = 0;
    r->scratch.len = 0;
    memset(rec, 0, sizeof *rec);
    if (r->array_form) PQ_TRY(array_separator(r, &j));
    else skip_ws(&j);
    commit(r, &j);
    if (r->array_form && r->state == AS_DONE) {
        if (j.p < j.end) return unexpected(&j, "end of input after the top-level array");
        return j.eof ? PQ_OK : PQ_NEED_MORE;
    }
    if (j.p >= j.end) {
        if (!j.eof) return PQ_NEED_MORE;
        if (!r->array_form) return PQ_OK; /* end of the records */
    }
    if (*j.p != '{') return unexpected(&j, "'{' to start a record");
    const uint8_t *start = j.p;
    int64_t line = j.line;
    PQ_TRY(parse_object(&j, 1));
    if (j.scratch_used) fix_scratch(r);
    rec->nodes = r->nodes;
    rec->n_nodes = r->n_nodes;
    rec->line = line;
    rec->offset = pq_textin_offset(&r->in, start);
    rec->index = r->records + 1;
    if (r->array_form) r->state = AS_NEXT;
    commit(r, &j);
    return PQ_OK;
}

/* Read more input for a record that ran past the buffer. */
static pq_status read_more(pq_json_reader *r, pq_error *err)
{
    size_t kept = r->in.len - r->in.pos, got;
    if (kept > r->opt.max_record_bytes) {
        if (err) {
            err->where.line = r->line;
            err->where.offset = pq_textin_offset(&r->in, r->in.buf + r->in.pos);
            err->where.record = r->records + 1;
        }
        return PQ_FAIL(err, PQ_ERR_LIMIT, "expected a record of at most %zu bytes, found a longer one",
                       r->opt.max_record_bytes);
    }
    return pq_textin_fill(&r->in, &got, err);
}

/* ---------------------------------------------------------------- API */

void pq_json_options_init(pq_json_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_record_bytes = (size_t)128 << 20;
    o->max_depth = 512;
}

/* Skip a BOM and whitespace, then choose the form from the first byte. */
static pq_status detect_form(pq_json_reader *r, pq_error *err)
{
    size_t got;
    do PQ_TRY(pq_textin_fill(&r->in, &got, err));
    while (r->in.len < 3 && !r->in.eof);
    if (r->in.len >= 3 && memcmp(r->in.buf, "\xEF\xBB\xBF", 3) == 0) r->in.pos = 3;
    for (;;) {
        jp j = jp_begin(r, err);
        skip_ws(&j);
        commit(r, &j);
        if (j.p < j.end) {
            if (*j.p == '[') {
                r->array_form = true;
                r->state = AS_FIRST;
                j.p++;
                commit(r, &j);
            } else if (*j.p != '{')
                return unexpected(&j, "'{' or '[' at the start of JSON input");
            return PQ_OK;
        }
        if (j.eof) return PQ_OK; /* nothing but whitespace: no records */
        PQ_TRY(read_more(r, err));
    }
}

pq_status pq_json_open(pq_json_reader **out, const pq_source *src, const pq_json_options *o, const pq_allocator *a,
                       pq_error *err)
{
    *out = NULL;
    pq_json_options opt;
    if (o) opt = *o;
    else pq_json_options_init(&opt);
    /* the parser recurses once per level: the cap keeps the stack small */
    if (opt.max_depth < 1 || opt.max_depth > PQ_JSON_MAX_DEPTH || opt.max_record_bytes == 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a nesting limit in 1..%d and a positive record size, "
                       "found %d and %zu", PQ_JSON_MAX_DEPTH, opt.max_depth, opt.max_record_bytes);
    pq_json_reader *r = (pq_json_reader *)pq_calloc(a, 1, sizeof *r);
    if (!r) return PQ_NOMEM(err);
    r->opt = opt;
    r->alloc = a;
    r->line = 1;
    pq_buf_init(&r->scratch, a);
    pq_textin_init(&r->in, src, opt.block_size, a);
    pq_status s = detect_form(r, err);
    if (s != PQ_OK) {
        pq_json_close(r);
        return s;
    }
    *out = r;
    return PQ_OK;
}

void pq_json_close(pq_json_reader *r)
{
    if (!r) return;
    pq_free(r->alloc, r->nodes);
    pq_buf_reset(&r->scratch);
    pq_textin_reset(&r->in);
    pq_free(r->alloc, r);
}

bool pq_json_is_array(const pq_json_reader *r) { return r->array_form; }

int64_t pq_json_bytes_read(const pq_json_reader *r) { return r->in.next; }

pq_status pq_json_next(pq_json_reader *r, pq_json_record *rec, pq_error *err)
{
    if (r->failed) return PQ_FAIL(err, PQ_ERR_STATE, "expected a usable JSON reader, found one that failed before");
    pq_status s;
    while ((s = attempt(r, rec, err)) == PQ_NEED_MORE)
        if ((s = read_more(r, err)) != PQ_OK) break;
    if (s == PQ_OK && rec->nodes) r->records++;
    if (s != PQ_OK) {
        r->failed = true;
        memset(rec, 0, sizeof *rec);
    }
    return s;
}

/* ------------------------------------------------------------ writing */

/* Append s[0, n) as a JSON string literal. */
static pq_status write_string(const uint8_t *s, size_t n, pq_buf *out, pq_error *err)
{
    static const char hex[] = "0123456789abcdef";
    PQ_TRY(pq_buf_push(out, '"', err));
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        PQ_TRY(pq_buf_append(out, s + run, i - run, err));
        run = i + 1;
        char e[6] = {'\\', 0, 0, 0, 0, 0};
        size_t en = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            e[1] = 'u'; e[2] = '0'; e[3] = '0'; e[4] = hex[c >> 4]; e[5] = hex[c & 15];
            en = 6;
        }
        PQ_TRY(pq_buf_append(out, e, en, err));
    }
    PQ_TRY(pq_buf_append(out, s + run, n - run, err));
    return pq_buf_push(out, '"', err);
}

pq_status pq_json_write(const pq_json_node *nodes, uint32_t i, pq_buf *out, pq_error *err)
{
    const pq_json_node *n = &nodes[i];
    switch ((pq_json_type)n->type) {
    case PQ_JSON_NULL: return pq_buf_append(out, "null", 4, err);
    case PQ_JSON_FALSE: return pq_buf_append(out, "false", 5, err);
    case PQ_JSON_TRUE: return pq_buf_append(out, "true", 4, err);
    case PQ_JSON_INT: case PQ_JSON_BIGINT: case PQ_JSON_DOUBLE: return pq_buf_append(out, n->str, n->len, err);
    case PQ_JSON_STRING: return write_string((const uint8_t *)n->str, n->len, out, err);
    case PQ_JSON_ARRAY: {
        PQ_TRY(pq_buf_push(out, '[', err));
        uint32_t c = i + 1;
        for (uint32_t k = 0; k < n->count; k++, c = nodes[c].next) {
            if (k) PQ_TRY(pq_buf_push(out, ',', err));
            PQ_TRY(pq_json_write(nodes, c, out, err));
        }
        return pq_buf_push(out, ']', err);
    }
    case PQ_JSON_OBJECT: {
        PQ_TRY(pq_buf_push(out, '{', err));
        uint32_t c = i + 1;
        for (uint32_t k = 0; k < n->count; k++, c = nodes[c + 1].next) {
            if (k) PQ_TRY(pq_buf_push(out, ',', err));
            PQ_TRY(write_string((const uint8_t *)nodes[c].str, nodes[c].len, out, err));
            PQ_TRY(pq_buf_push(out, ':', err));
            PQ_TRY(pq_json_write(nodes, c + 1, out, err));
        }
        return pq_buf_push(out, '}', err);
    }
    }
    return PQ_FAIL(err, PQ_ERR_INTERNAL, "unknown JSON node type %d", n->type);
}
