/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/filter_parse.c - parse a row filter expression (grammar in
 * parquant/parquet.h, "row filter") into pq_filter_terms (filter.h).
 *
 * The text comes from a user: every failure is PQ_ERR_INVALID_ARG with a
 * message that quotes the offending part.  Each literal is converted once,
 * here, into the PHYSICAL value domain of its column (the form statistics,
 * the page index and decoded pages use): int32 days for DATE, int64 in the
 * column's unit for TIMESTAMP, the unscaled integer for DECIMAL (INT32 /
 * INT64, or big-endian two's complement for FLBA / BYTE_ARRAY), so that
 * comparing never converts a column value.  Conversions are exact: a
 * literal the column can't hold exactly (an integer out of the type's
 * range, more fraction digits than the decimal scale or the time unit) is
 * refused rather than rounded.
 */
#include "parquet/filter.h"

#include "core/calendar.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "parquet/filter_internal.h"

__extension__ typedef unsigned __int128 pq_u128;

/* Longest text of a token quoted in a message. */
#define QUOTE_MAX 60

/* A token: its text (quotes removed, doubled quotes undone) in `buf`. */
typedef struct token {
    pq_buf buf;       /* text + NUL */
    size_t start;     /* offset of the token in the expression */
    bool quoted;
} token;

typedef struct parser {
    const char *s;    /* the expression */
    size_t pos;       /* next character */
    const pq_schema_map *m;
    const pq_file_metadata *meta;
} parser;

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static bool is_op_char(char c) { return c == '=' || c == '!' || c == '<' || c == '>'; }
static const char *tok_text(const token *t) { return (const char *)t->buf.data; }

static void skip_spaces(parser *p)
{
    while (is_space(p->s[p->pos])) p->pos++;
}

/* "'text'" (cut) or "the end of the expression" for messages, into out[cap]. */
static const char *describe_at(const parser *p, size_t pos, char *out, size_t cap)
{
    const char *s = p->s + pos;
    if (!*s) return "the end of the expression";
    size_t n = 0;
    while (s[n] && !is_space(s[n]) && n < QUOTE_MAX) n++;
    snprintf(out, cap, "'%.*s'", (int)n, s);
    return out;
}

/* Read a quoted token ('...' or "...", the quote doubled inside stands
 * for itself) starting at p->pos. */
static pq_status read_quoted(parser *p, token *t, pq_error *err)
{
    char q = p->s[p->pos];
    size_t start = p->pos++;
    t->quoted = true;
    for (;;) {
        char c = p->s[p->pos];
        if (!c)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a closing %c for the quote starting at %.*s", q,
                           QUOTE_MAX, p->s + start);
        p->pos++;
        if (c == q) {
            if (p->s[p->pos] != q) break;
            p->pos++;
        }
        PQ_TRY(pq_buf_push(&t->buf, (uint8_t)c, err));
    }
    return pq_buf_push(&t->buf, 0, err);
}

/* Read a token at p->pos: quoted, or a bare run of characters ending at a
 * space (and at an operator character when stop_at_op). */
static pq_status read_token(parser *p, token *t, bool stop_at_op, pq_error *err)
{
    t->buf.len = 0;
    t->quoted = false;
    skip_spaces(p);
    t->start = p->pos;
    char c = p->s[p->pos];
    if (c == '\'' || c == '"') return read_quoted(p, t, err);
    while ((c = p->s[p->pos]) && !is_space(c) && !(stop_at_op && is_op_char(c))) {
        PQ_TRY(pq_buf_push(&t->buf, (uint8_t)c, err));
        p->pos++;
    }
    return pq_buf_push(&t->buf, 0, err);
}

/* ------------------------------------------------------------ columns */

/* True when `path` is `name` followed by '.' and more. */
static bool has_prefix(const char *path, const char *name)
{
    size_t n = strlen(name);
    return strncmp(path, name, n) == 0 && path[n] == '.';
}

/* The leaf a term names: a non-repeated primitive leaf. */
static pq_status resolve_column(const parser *p, const char *name, int64_t *out, pq_error *err)
{
    const pq_schema_map *m = p->m;
    for (int64_t i = 0; i < m->n_leaves; i++) {
        const pq_leaf *l = &m->leaves[i];
        if (strcmp(l->path, name) != 0) continue;
        if (l->max_rep > 0)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG,
                           "column '%.*s' is inside a list or map: only columns outside lists and maps can be filtered",
                           QUOTE_MAX, name);
        *out = i;
        return PQ_OK;
    }
    for (int64_t i = 0; i < m->n_leaves; i++) {
        const pq_leaf *l = &m->leaves[i];
        if (!has_prefix(l->path, name)) continue;
        if (l->max_rep > 0)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG,
                           "column '%.*s' is or holds a list or map: only primitive columns outside lists and maps "
                           "can be filtered", QUOTE_MAX, name);
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column '%.*s' is a struct: name one of its fields, such as '%.*s'",
                       QUOTE_MAX, name, QUOTE_MAX, l->path);
    }
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "no column '%.*s' in the file", QUOTE_MAX, name);
}

/* ------------------------------------------------------------ numbers */

/* Parse [+-]digits into sign and magnitude (*huge: beyond 64 bits);
 * false when the text is not of that form. */
static bool parse_int_text(const char *s, bool *neg, uint64_t *mag, bool *huge)
{
    uint64_t v = 0;
    *neg = *huge = false;
    if (*s == '+' || *s == '-') *neg = *s++ == '-';
    if (!*s) return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10) *huge = true; /* keep checking the syntax */
        else v = v * 10 + d;
    }
    *mag = v;
    return true;
}

/* An integer literal for a column of `bits` bits, signed (*i_out) or
 * unsigned (*u_out).  False when the text is not an integer;
 * *out_of_range when the type can't hold it. */
static bool int_literal(const char *v, bool is_unsigned, int bits, int64_t *i_out, uint64_t *u_out,
                        bool *out_of_range)
{
    bool neg, huge;
    uint64_t mag = 0;
    if (!parse_int_text(v, &neg, &mag, &huge)) return false;
    if (is_unsigned) {
        uint64_t hi = bits >= 64 ? UINT64_MAX : (((uint64_t)1 << bits) - 1);
        *out_of_range = huge || (neg && mag != 0) || mag > hi;
        *u_out = neg ? 0 : mag;
        return true;
    }
    uint64_t lim = (uint64_t)1 << (bits - 1); /* |min| */
    *out_of_range = huge || (neg ? mag > lim : mag >= lim);
    *i_out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return true;
}

/* Parse a decimal literal [+-]digits[.digits] as the unscaled integer at
 * `scale`; *bad_scale when it has non-zero digits past the scale,
 * *out_of_range when it needs more than `precision` (<= 38) digits.  False
 * when the text is not a decimal number.  Never overflows: a digit is
 * added only while the result stays below 10^precision. */
static bool dec_literal(const char *s, int32_t precision, int32_t scale, bool *neg, pq_u128 *mag, bool *bad_scale,
                        bool *out_of_range)
{
    pq_u128 v = 0, lim = 1;
    int32_t frac = 0;
    bool any = false, dot = false;
    *neg = *bad_scale = *out_of_range = false;
    for (int32_t i = 0; i < precision && i < 38; i++) lim *= 10;
    if (*s == '+' || *s == '-') *neg = *s++ == '-';
    for (; *s; s++) {
        if (*s == '.' && !dot) {
            dot = true;
            continue;
        }
        if (*s < '0' || *s > '9') return false;
        any = true;
        if (dot && frac >= scale) {
            if (*s != '0') *bad_scale = true;
            continue;
        }
        frac += dot;
        pq_u128 d = (pq_u128)(*s - '0');
        if (d >= lim || v > (lim - 1 - d) / 10) *out_of_range = true;
        else v = v * 10 + d;
    }
    if (!any) return false;
    for (; frac < scale; frac++) {
        if (v > (lim - 1) / 10) *out_of_range = true;
        else v *= 10;
    }
    *mag = v;
    return true;
}

/* Two's complement of (neg, mag) big-endian in `w` bytes; false when it
 * does not fit. */
static bool dec_to_be(bool neg, pq_u128 mag, uint8_t *out, size_t w)
{
    pq_u128 x = neg ? (pq_u128)0 - mag : mag;
    uint8_t le[16];
    for (int i = 0; i < 16; i++) le[i] = (uint8_t)(x >> (8 * i));
    uint8_t ext = neg && mag ? 0xff : 0x00;
    for (size_t i = 0; i < w; i++) out[w - 1 - i] = i < 16 ? le[i] : ext;
    if (w >= 16) return true;
    for (size_t i = w; i < 16; i++)
        if (le[i] != ext) return false;
    return w > 0 && ((out[0] & 0x80) != 0) == (ext == 0xff);
}

/* ---------------------------------------------------- dates and times */

/* n digits at s into *out; false unless all are digits. */
static bool digits(const char *s, int n, int64_t *out)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* YYYY-MM-DD at s (exactly 10 characters consumed) into days. */
static bool parse_date(const char *s, int64_t *days)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t y, mo, d;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap) return false;
    *days = pq_days_from_civil(y, mo, d);
    return true;
}

/* Units per second of `unit`. */
static int64_t unit_per_sec(pq_time_unit unit)
{
    return unit == PQ_UNIT_MILLIS ? 1000 : unit == PQ_UNIT_MICROS ? 1000000 : 1000000000;
}

/* HH:MM[:SS[.fraction]] at s, to the end of s (or a trailing Z when
 * allow_z), as units since midnight; *too_fine when the fraction has
 * non-zero digits the unit can't hold. */
static bool parse_time(const char *s, pq_time_unit unit, bool allow_z, int64_t *out, bool *too_fine)
{
    int64_t h, mi, sec = 0, nanos = 0;
    *too_fine = false;
    if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &mi)) return false;
    s += 5;
    if (*s == ':') {
        if (!digits(s + 1, 2, &sec)) return false;
        s += 3;
        if (*s == '.') {
            s++;
            int n = 0;
            int64_t scale = 100000000;
            for (; *s >= '0' && *s <= '9'; s++, n++) {
                if (n >= 9) return false;
                nanos += (*s - '0') * scale;
                scale /= 10;
            }
            if (n == 0) return false;
        }
    }
    if (allow_z && *s == 'Z') s++;
    if (*s || h > 23 || mi > 59 || sec > 59) return false;
    int64_t per = unit_per_sec(unit), div = 1000000000 / per;
    if (nanos % div) *too_fine = true;
    *out = ((h * 60 + mi) * 60 + sec) * per + nanos / div;
    return true;
}

/* YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][Z] as units since the epoch; false on
 * bad syntax or int64 overflow. */
static bool parse_timestamp(const char *s, pq_time_unit unit, int64_t *out, bool *too_fine)
{
    int64_t days, tod = 0;
    *too_fine = false;
    if (strlen(s) < 10 || !parse_date(s, &days)) return false;
    s += 10;
    if (*s == ' ' || *s == 'T') {
        if (!parse_time(s + 1, unit, true, &tod, too_fine)) return false;
    } else if (*s == 'Z') {
        if (s[1]) return false;
    } else if (*s) {
        return false;
    }
    int64_t v;
    if (pq_mul_overflow_i64(days, 86400 * unit_per_sec(unit), &v) || pq_add_overflow_i64(v, tod, &v)) return false;
    *out = v;
    return true;
}

/* UUID text 8-4-4-4-12 hex into 16 bytes. */
static bool parse_uuid(const char *s, uint8_t out[16])
{
    if (strlen(s) != 36) return false;
    int k = 0;
    for (int i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i++] != '-') return false;
            continue;
        }
        int v = 0;
        for (int j = 0; j < 2; j++, i++) {
            char c = s[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) return false;
            v = v * 16 + d;
        }
        out[k++] = (uint8_t)v;
    }
    return true;
}

/* ------------------------------------------------------------ literals */

/* Context of a literal's conversion, for messages. */
typedef struct lit_ctx {
    const char *text;     /* the literal */
    const char *column;   /* the column as written */
    char type[64];        /* the column's type name */
} lit_ctx;

static pq_status bad_value(const lit_ctx *c, pq_error *err)
{
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value of type %s for column '%.*s', found '%.*s'", c->type, QUOTE_MAX,
                   c->column, QUOTE_MAX, c->text);
}

static pq_status out_of_range(const lit_ctx *c, pq_error *err)
{
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "value '%.*s' is out of range for column '%.*s' (%s)", QUOTE_MAX, c->text,
                   QUOTE_MAX, c->column, c->type);
}

static pq_status too_precise(const lit_ctx *c, pq_error *err)
{
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "value '%.*s' has more fraction digits than column '%.*s' (%s) holds",
                   QUOTE_MAX, c->text, QUOTE_MAX, c->column, c->type);
}

/* Keep a copy of n bytes as the term's byte literal. */
static pq_status set_bytes(pq_filter *f, pq_filter_term *t, const void *p, size_t n, pq_error *err)
{
    t->bytes = (uint8_t *)pq_alloc(f->alloc, n ? n : 1);
    if (!t->bytes) return PQ_NOMEM(err);
    if (n) memcpy(t->bytes, p, n);
    t->n_bytes = n;
    return PQ_OK;
}

/* Integer kinds: INT32 or INT64 by physical type. */
static pq_status lit_int(const lit_ctx *c, const pq_type *ty, pq_physical phys, pq_filter_term *t, pq_error *err)
{
    bool is_u = !ty->is_signed, oor = false;
    int bits = ty->bit_width ? ty->bit_width : (phys == PQ_PHYS_INT64 ? 64 : 32);
    if (!int_literal(c->text, is_u, bits, &t->i64, &t->u64, &oor)) return bad_value(c, err);
    if (oor) return out_of_range(c, err);
    if (phys == PQ_PHYS_INT64) t->cls = is_u ? PQ_FCLS_U64 : PQ_FCLS_I64;
    else t->cls = is_u ? PQ_FCLS_U32 : PQ_FCLS_I32;
    return PQ_OK;
}

static pq_status lit_decimal(pq_filter *f, const lit_ctx *c, const pq_type *ty, const pq_leaf *leaf,
                             pq_filter_term *t, pq_error *err)
{
    bool neg, bad_scale, oor;
    pq_u128 mag;
    if (!dec_literal(c->text, ty->precision, ty->scale, &neg, &mag, &bad_scale, &oor)) return bad_value(c, err);
    if (bad_scale) return too_precise(c, err);
    if (oor) return out_of_range(c, err);
    uint8_t be[16];
    dec_to_be(neg, mag, be, 16);
    switch (leaf->physical) {
    case PQ_PHYS_INT32:
    case PQ_PHYS_INT64: {
        bool w32 = leaf->physical == PQ_PHYS_INT32;
        pq_u128 lim = w32 ? ((pq_u128)1 << 31) : ((pq_u128)1 << 63);
        if ((neg && mag > lim) || (!neg && mag >= lim)) return out_of_range(c, err);
        t->i64 = neg ? (int64_t)(0 - (uint64_t)mag) : (int64_t)(uint64_t)mag;
        t->cls = w32 ? PQ_FCLS_I32 : PQ_FCLS_I64;
        return PQ_OK;
    }
    case PQ_PHYS_FIXED_LEN_BYTE_ARRAY: {
        size_t w = (size_t)leaf->type_length;
        uint8_t *out = (uint8_t *)pq_alloc(f->alloc, w ? w : 1);
        if (!out) return PQ_NOMEM(err);
        if (!dec_to_be(neg, mag, out, w)) {
            pq_free(f->alloc, out);
            return out_of_range(c, err);
        }
        t->bytes = out;
        t->n_bytes = w;
        t->cls = PQ_FCLS_DEC_BE;
        return PQ_OK;
    }
    case PQ_PHYS_BYTE_ARRAY:
        t->cls = PQ_FCLS_DEC_BE;
        return set_bytes(f, t, be, 16, err);
    default: return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column '%.*s' (%s) can't be filtered", QUOTE_MAX, c->column, c->type);
    }
}

/* Floats: the literal stays a double (a FLOAT column's values widen
 * exactly, so the comparison is exact). */
static pq_status lit_float(const lit_ctx *c, pq_filter_term *t, pq_error *err)
{
    const char *s = c->text;
    char *end;
    if (!*s || is_space(*s)) return bad_value(c, err);
    errno = 0;
    double d = strtod(s, &end);
    if (*end || end == s) return bad_value(c, err);
    if (isnan(d))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "NaN can't be compared (it never matches), found '%.*s' for column '%.*s'",
                       QUOTE_MAX, s, QUOTE_MAX, c->column);
    t->f64 = d;
    return PQ_OK;
}

/* Time-like kinds: DATE, TIME, TIMESTAMP. */
static pq_status lit_temporal(const lit_ctx *c, const pq_type *ty, const pq_leaf *leaf, pq_filter_term *t,
                              pq_error *err)
{
    bool fine = false, ok;
    int64_t v = 0;
    if (ty->kind == PQ_KIND_DATE) ok = strlen(c->text) == 10 && parse_date(c->text, &v);
    else if (ty->kind == PQ_KIND_TIME) ok = parse_time(c->text, ty->unit, false, &v, &fine);
    else ok = parse_timestamp(c->text, leaf->physical == PQ_PHYS_INT96 ? PQ_UNIT_NANOS : ty->unit, &v, &fine);
    if (!ok) return bad_value(c, err);
    if (fine) return too_precise(c, err);
    t->i64 = v;
    if (leaf->physical == PQ_PHYS_INT96) t->cls = PQ_FCLS_INT96;
    else if (leaf->physical == PQ_PHYS_INT32) t->cls = PQ_FCLS_I32;
    else if (leaf->physical == PQ_PHYS_INT64) t->cls = PQ_FCLS_I64;
    else return bad_value(c, err);
    if (t->cls == PQ_FCLS_I32 && (v < INT32_MIN || v > INT32_MAX)) return out_of_range(c, err);
    return PQ_OK;
}

/* Convert the literal `v` for leaf `leaf` into t's class and value. */
static pq_status parse_literal(pq_filter *f, const lit_ctx *c, const pq_leaf *leaf, pq_filter_term *t, pq_error *err)
{
    const pq_type *ty = &leaf->field->type;
    pq_physical ph = leaf->physical;
    switch (ty->kind) {
    case PQ_KIND_BOOL:
        if (ph != PQ_PHYS_BOOLEAN) break;
        t->cls = PQ_FCLS_BOOL;
        if (!strcasecmp(c->text, "true")) t->i64 = 1;
        else if (!strcasecmp(c->text, "false")) t->i64 = 0;
        else return bad_value(c, err);
        return PQ_OK;
    case PQ_KIND_INT:
        if (ph != PQ_PHYS_INT32 && ph != PQ_PHYS_INT64) break;
        return lit_int(c, ty, ph, t, err);
    case PQ_KIND_DECIMAL: return lit_decimal(f, c, ty, leaf, t, err);
    case PQ_KIND_FLOAT16:
    case PQ_KIND_FLOAT:
    case PQ_KIND_DOUBLE:
        if (ph == PQ_PHYS_FLOAT) t->cls = PQ_FCLS_FLOAT;
        else if (ph == PQ_PHYS_DOUBLE) t->cls = PQ_FCLS_DOUBLE;
        else if (ph == PQ_PHYS_FIXED_LEN_BYTE_ARRAY && leaf->type_length == 2) t->cls = PQ_FCLS_HALF;
        else break;
        return lit_float(c, t, err);
    case PQ_KIND_DATE:
    case PQ_KIND_TIME:
    case PQ_KIND_TIMESTAMP: return lit_temporal(c, ty, leaf, t, err);
    case PQ_KIND_STRING:
    case PQ_KIND_JSON:
    case PQ_KIND_BINARY:
    case PQ_KIND_FIXED:
        if (ph != PQ_PHYS_BYTE_ARRAY && ph != PQ_PHYS_FIXED_LEN_BYTE_ARRAY) break;
        t->cls = PQ_FCLS_BYTES;
        return set_bytes(f, t, c->text, strlen(c->text), err);
    case PQ_KIND_UUID: {
        uint8_t u[16];
        if (ph != PQ_PHYS_FIXED_LEN_BYTE_ARRAY) break;
        if (!parse_uuid(c->text, u)) return bad_value(c, err);
        t->cls = PQ_FCLS_BYTES;
        return set_bytes(f, t, u, 16, err);
    }
    default: break;
    }
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column '%.*s' (%s) can't be filtered", QUOTE_MAX, c->column, c->type);
}

/* ------------------------------------------------------------ terms */

/* Read the operator at p->pos. */
static pq_status parse_op(parser *p, const char *column, pq_filter_op *op, pq_error *err)
{
    static const struct { const char *s; pq_filter_op op; } ops[] = {
        {"=", PQ_FOP_EQ}, {"!=", PQ_FOP_NE}, {"<", PQ_FOP_LT}, {"<=", PQ_FOP_LE}, {">", PQ_FOP_GT}, {">=", PQ_FOP_GE}};
    char what[QUOTE_MAX + 8];
    skip_spaces(p);
    size_t start = p->pos, n = 0;
    while (is_op_char(p->s[start + n])) n++;
    for (size_t i = 0; n > 0 && i < sizeof ops / sizeof ops[0]; i++)
        if (strlen(ops[i].s) == n && !strncmp(ops[i].s, p->s + start, n)) {
            *op = ops[i].op;
            p->pos += n;
            return PQ_OK;
        }
    if (n > 0) snprintf(what, sizeof what, "'%.*s'", (int)n, p->s + start);
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected an operator (= != < <= > >=) after '%.*s', found %s", QUOTE_MAX,
                   column, n > 0 ? what : describe_at(p, start, what, sizeof what));
}

/* Parse one term at p->pos into t. */
static pq_status parse_term(pq_filter *f, parser *p, token *tk, pq_filter_term *t, pq_error *err)
{
    char what[QUOTE_MAX + 8];
    char column[256];
    PQ_TRY(read_token(p, tk, true, err));
    size_t term_start = tk->start;
    if (!tk->quoted && tk->buf.len <= 1)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a column name, found %s",
                       describe_at(p, tk->start, what, sizeof what));
    snprintf(column, sizeof column, "%s", tok_text(tk));
    PQ_TRY(resolve_column(p, tok_text(tk), &t->leaf, err));
    PQ_TRY(parse_op(p, column, &t->op, err));
    size_t op_end = p->pos;
    PQ_TRY(read_token(p, tk, false, err));
    if (!tk->quoted && tk->buf.len <= 1)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value after '%.*s', found %s",
                       (int)(op_end - term_start < QUOTE_MAX ? op_end - term_start : QUOTE_MAX), p->s + term_start,
                       describe_at(p, tk->start, what, sizeof what));
    const pq_leaf *leaf = &p->m->leaves[t->leaf];
    lit_ctx c;
    c.text = tok_text(tk);
    c.column = column;
    pq_type_name(&leaf->field->type, c.type, sizeof c.type);
    PQ_TRY(parse_literal(f, &c, leaf, t, err));
    t->minmax_ok = t->cls != PQ_FCLS_INT96;
    /* ColumnOrder: statistics follow TYPE_DEFINED_ORDER (1) or, for
     * floats, IEEE_754_TOTAL_ORDER (2); an order this version does not
     * know forbids using them (parquet.thrift). */
    if (p->meta && p->meta->n_column_orders > t->leaf) {
        int32_t o = p->meta->column_orders[t->leaf];
        if (o != 1 && o != 2) t->minmax_ok = false;
    }
    return PQ_OK;
}

/* After a term: the end, or "and" and another term. */
static pq_status parse_joiner(parser *p, token *tk, size_t term_start, bool *more, pq_error *err)
{
    char what[QUOTE_MAX + 8];
    skip_spaces(p);
    *more = false;
    if (!p->s[p->pos]) return PQ_OK;
    size_t at = p->pos;
    PQ_TRY(read_token(p, tk, false, err));
    if (!tk->quoted && !strcasecmp(tok_text(tk), "and")) {
        *more = true;
        return PQ_OK;
    }
    if (!tk->quoted && !strcasecmp(tok_text(tk), "or"))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "'%s' is not supported: comparisons can only be combined with 'and'",
                       tok_text(tk));
    size_t end = at;
    while (end > term_start && is_space(p->s[end - 1])) end--;
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected 'and' or the end of the expression after '%.*s', found %s",
                   (int)(end - term_start < QUOTE_MAX ? end - term_start : QUOTE_MAX), p->s + term_start,
                   describe_at(p, at, what, sizeof what));
}

/* Append a zeroed term to f. */
static pq_status add_term(pq_filter *f, pq_filter_term **out, pq_error *err)
{
    if (f->n_terms == f->cap_terms) {
        int64_t cap = f->cap_terms ? f->cap_terms * 2 : 4;
        pq_filter_term *n = (pq_filter_term *)pq_realloc(f->alloc, f->terms, (size_t)cap * sizeof *n);
        if (!n) return PQ_NOMEM(err);
        f->terms = n;
        f->cap_terms = cap;
    }
    *out = &f->terms[f->n_terms++];
    memset(*out, 0, sizeof **out);
    return PQ_OK;
}

static pq_status parse_all(pq_filter *f, parser *p, token *tk, pq_error *err)
{
    bool more = true;
    while (more) {
        pq_filter_term *t = NULL;
        skip_spaces(p);
        size_t start = p->pos;
        PQ_TRY(add_term(f, &t, err));
        PQ_TRY(parse_term(f, p, tk, t, err));
        PQ_TRY(parse_joiner(p, tk, start, &more, err));
    }
    return PQ_OK;
}

pq_status pq_filter_parse(const pq_schema_map *m, const pq_file_metadata *meta, const char *text,
                          const pq_allocator *a, pq_filter **out, pq_error *err)
{
    *out = NULL;
    if (!text) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a filter expression, found NULL");
    pq_filter *f = (pq_filter *)pq_calloc(a, 1, sizeof *f);
    if (!f) return PQ_NOMEM(err);
    f->alloc = a;
    pq_filter_state_init(f);
    parser p = {text, 0, m, meta};
    token tk;
    pq_buf_init(&tk.buf, a);
    tk.start = 0;
    tk.quoted = false;
    pq_status s = parse_all(f, &p, &tk, err);
    pq_buf_reset(&tk.buf);
    if (s == PQ_OK) s = pq_filter_state_prepare(f, m, err);
    if (s != PQ_OK) {
        pq_filter_destroy(f);
        return s;
    }
    *out = f;
    return PQ_OK;
}

const pq_filter_term *pq_filter_terms(const pq_filter *f, int64_t *n)
{
    *n = f ? f->n_terms : 0;
    return f ? f->terms : NULL;
}
