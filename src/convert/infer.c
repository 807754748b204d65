/* SPDX-License-Identifier: Apache-2.0
 *
 * convert/infer.c - text value parsers and the CSV / JSON type inference of
 * `parquant convert` (rules in convert/infer.h).
 *
 * The parsers are shared by both passes so that a value classified as type
 * T in pass 1 is guaranteed to convert to T in pass 2.  They work on
 * (pointer, length) views, never on NUL-terminated strings, and never
 * allocate, except pq_text_double's rare strtod fallback, which uses the
 * caller's scratch buffer.
 *
 * Doubles: Clinger's fast path (a mantissa of at most 2^53 scaled by an
 * exact power of ten up to 1e22 is one correctly rounded IEEE operation)
 * covers the usual short decimals; everything else goes to strtod, which is
 * correctly rounded in glibc and musl.
 *
 * Dates use the proleptic Gregorian calendar and H. Hinnant's
 * days_from_civil algorithm.
 */
#include "convert/infer.h"

#include "core/calendar.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ---------------------------------------------------------- small helpers */

static inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* ASCII case-insensitive equality of p[0, n) with lower-case `lit`. */
static bool eq_nocase(const uint8_t *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n != k) return false;
    for (size_t i = 0; i < n; i++)
        if ((p[i] | 0x20) != (uint8_t)lit[i]) return false;
    return true;
}

/* Value of the `n` decimal digits at p, or -1 when one is not a digit. */
static int64_t digits_value(const uint8_t *p, int n)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(p[i])) return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* ---------------------------------------------------------------- integers */

pq_text_int_kind pq_text_int(const uint8_t *p, size_t n, int64_t *out)
{
    const uint8_t *e = p + n;
    bool neg = false;
    if (p < e && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++;
    }
    size_t nd = (size_t)(e - p);
    if (nd == 0 || (p[0] == '0' && nd > 1)) return PQ_TEXT_NOT_INT;
    if (nd > 19) {
        for (const uint8_t *q = p; q < e; q++)
            if (!is_digit(*q)) return PQ_TEXT_NOT_INT;
        return nd <= 38 ? PQ_TEXT_INT128 : PQ_TEXT_INT_HUGE;
    }
    uint64_t v = 0; /* 19 digits fit uint64 */
    for (const uint8_t *q = p; q < e; q++) {
        unsigned c = (unsigned)(*q - '0'); /* a non-digit wraps past 9 */
        if (c > 9) return PQ_TEXT_NOT_INT;
        v = v * 10 + c;
    }
    if (v > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) return PQ_TEXT_INT128;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return PQ_TEXT_INT64;
}

bool pq_text_int128(const uint8_t *p, size_t n, uint8_t out[16])
{
    const uint8_t *e = p + n;
    bool neg = false;
    if (p < e && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++;
    }
    if (p == e || e - p > 38) return false;
    uint64_t hi = 0, lo = 0;
    for (; p < e; p++) {
        if (!is_digit(*p)) return false;
        /* (hi, lo) = (hi, lo) * 10 + d, in 32-bit halves; < 10^38 < 2^127 */
        uint64_t ll = (lo & 0xffffffffu) * 10 + (uint64_t)(*p - '0');
        uint64_t lh = (lo >> 32) * 10 + (ll >> 32);
        lo = (lh << 32) | (ll & 0xffffffffu);
        hi = hi * 10 + (lh >> 32);
    }
    if (neg) {
        lo = ~lo + 1;
        hi = ~hi + (lo == 0 ? 1u : 0u);
    }
    pq_store_u64le(out, lo);
    pq_store_u64le(out + 8, hi);
    return true;
}

bool pq_text_bool(const uint8_t *p, size_t n, bool *out)
{
    if (eq_nocase(p, n, "true")) *out = true;
    else if (eq_nocase(p, n, "false")) *out = false;
    else return false;
    return true;
}

/* ----------------------------------------------------------------- doubles */

/* nan, inf, infinity (any case) after an optional sign; *neg = sign. */
static bool special_float(const uint8_t *p, size_t n, bool *is_nan, bool *neg)
{
    *neg = false;
    if (n && (*p == '+' || *p == '-')) {
        *neg = *p == '-';
        p++;
        n--;
    }
    *is_nan = eq_nocase(p, n, "nan");
    return *is_nan || eq_nocase(p, n, "inf") || eq_nocase(p, n, "infinity");
}

/* One pass over a decimal float text: the syntax check and, on the way,
 * the inputs of Clinger's fast path. */
typedef struct dec_text {
    bool neg;
    uint64_t m;            /* all the digits, when there are at most 19 */
    int64_t e10;           /* value = m * 10^e10 when !inexact */
    bool inexact;          /* more than 19 digits or a huge exponent */
} dec_text;

/* [+-](d+[.d*]|.d+)([eE][+-]d+) without a leading zero before more digits.
 * Every digit goes into m (unsigned, so more than 19 digits merely wrap);
 * with more than 19 digits in all the result is marked inexact.  Locals,
 * not struct fields, so the compiler keeps them in registers (stores
 * through d could alias the uint8_t input). */
static bool dec_scan(const uint8_t *p, size_t n, dec_text *d)
{
    size_t i = 0;
    unsigned c;
    uint64_t m = 0;
    int64_t e10 = 0;
    bool neg = false, inexact = false;
    if (i < n && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
    size_t int_start = i;
    for (; i < n && (c = (unsigned)(p[i] - '0')) <= 9; i++) m = m * 10 + c;
    size_t n_int = i - int_start, n_frac = 0;
    if (n_int > 1 && p[int_start] == '0') return false; /* leading zero: text */
    if (i < n && p[i] == '.') {
        size_t frac_start = ++i;
        for (; i < n && (c = (unsigned)(p[i] - '0')) <= 9; i++) m = m * 10 + c;
        n_frac = i - frac_start;
    }
    if (n_int + n_frac == 0) return false;
    if (n_int + n_frac > 19) inexact = true;
    e10 = -(int64_t)n_frac;
    if (i < n && (p[i] | 0x20) == 'e') {
        bool eneg = false;
        if (++i < n && (p[i] == '+' || p[i] == '-')) eneg = p[i++] == '-';
        size_t exp_start = i;
        int64_t x = 0;
        for (; i < n && (c = (unsigned)(p[i] - '0')) <= 9; i++)
            if (x < 100000) x = x * 10 + c;
        if (i == exp_start) return false;
        if (x >= 100000) inexact = true;
        e10 += eneg ? -x : x;
    }
    d->neg = neg;
    d->m = m;
    d->e10 = e10;
    d->inexact = inexact; /* then m and e10 are meaningless and strtod takes over */
    return i == n;
}

bool pq_text_is_double(const uint8_t *p, size_t n)
{
    dec_text d;
    bool is_nan, neg;
    return dec_scan(p, n, &d) || special_float(p, n, &is_nan, &neg);
}

pq_status pq_text_double(const uint8_t *p, size_t n, pq_buf *scratch, double *out, pq_error *err)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    dec_text d;
    bool is_nan, neg;
    if (!dec_scan(p, n, &d)) {
        if (!special_float(p, n, &is_nan, &neg))
            return PQ_FAIL(err, PQ_ERR_TYPE, "expected a number, found '%.*s'", (int)(n > 40 ? 40 : n),
                           (const char *)p);
        *out = is_nan ? (neg ? -NAN : NAN) : (neg ? -INFINITY : INFINITY);
        return PQ_OK;
    }
    /* Clinger: an exact mantissa times an exact power of ten is one
     * correctly rounded operation. */
    if (!d.inexact && d.m <= ((uint64_t)1 << 53) && d.e10 >= -22 && d.e10 <= 22) {
        double v = (double)d.m;
        v = d.e10 < 0 ? v / pow10[-d.e10] : v * pow10[d.e10];
        *out = d.neg ? -v : v;
        return PQ_OK;
    }
    scratch->len = 0;
    PQ_TRY(pq_buf_reserve(scratch, n + 1, err));
    memcpy(scratch->data, p, n);
    scratch->data[n] = 0;
    *out = strtod((const char *)scratch->data, NULL);
    return PQ_OK;
}

/* ---------------------------------------------------------- dates, times */

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* True when both unsigned digit differences are <= 9 (a non-digit wraps
 * past 9); branch-free, so the date shapes cost one test. */
#define ALL_DIGITS2(a, b) (((a) > 9) + ((b) > 9) == 0)

/* YYYY-MM-DD at p (10 bytes available) into days since the epoch. */
static bool date10(const uint8_t *p, int64_t *days)
{
    unsigned y0 = p[0] - '0', y1 = p[1] - '0', y2 = p[2] - '0', y3 = p[3] - '0';
    unsigned m0 = p[5] - '0', m1 = p[6] - '0', d0 = p[8] - '0', d1 = p[9] - '0';
    if (!(ALL_DIGITS2(y0, y1) & ALL_DIGITS2(y2, y3) & ALL_DIGITS2(m0, m1) & ALL_DIGITS2(d0, d1)) || p[4] != '-' ||
        p[7] != '-')
        return false;
    int64_t y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
    unsigned m = m0 * 10 + m1, d = d0 * 10 + d1;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return false;
    *days = pq_days_from_civil(y, m, d);
    return true;
}

bool pq_text_date(const uint8_t *p, size_t n, int32_t *out)
{
    int64_t days;
    if (n != 10 || !date10(p, &days)) return false;
    *out = (int32_t)days; /* years 0000-9999: |days| < 2.2 million */
    return true;
}

/* The zone suffix at p[0, n): Z, or +-HH, +-HHMM, +-HH:MM; *secs = offset. */
static bool zone_suffix(const uint8_t *p, size_t n, int64_t *secs)
{
    if (n == 1 && (p[0] == 'Z' || p[0] == 'z')) {
        *secs = 0;
        return true;
    }
    if (n < 3 || (p[0] != '+' && p[0] != '-')) return false;
    int64_t h = digits_value(p + 1, 2), m = 0;
    if (n == 6 && p[3] == ':') m = digits_value(p + 4, 2);
    else if (n == 5) m = digits_value(p + 3, 2);
    else if (n != 3) return false;
    if (h < 0 || h > 23 || m < 0 || m > 59) return false;
    *secs = (p[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return true;
}

/* ".d{1,9}" at p[0, n) (n >= 1, p[0] == '.'); returns digits consumed + 1. */
static size_t fraction(const uint8_t *p, size_t n, int32_t *nanos)
{
    size_t i = 1;
    int32_t v = 0;
    while (i < n && i <= 9 && is_digit(p[i])) v = v * 10 + (p[i++] - '0');
    if (i == 1) return 0;
    for (size_t k = i; k <= 9; k++) v *= 10;
    *nanos = v;
    return i;
}

bool pq_text_timestamp(const uint8_t *p, size_t n, pq_text_ts *out)
{
    int64_t days, zone = 0;
    memset(out, 0, sizeof *out);
    if (n < 10 || !date10(p, &days)) return false;
    if (n == 10) {
        out->seconds = days * 86400;
        out->date_only = true;
        return true;
    }
    if (n < 19 || (p[10] != 'T' && p[10] != 't' && p[10] != ' ') || p[13] != ':' || p[16] != ':') return false;
    unsigned h0 = p[11] - '0', h1 = p[12] - '0', m0 = p[14] - '0', m1 = p[15] - '0', s0 = p[17] - '0',
             s1 = p[18] - '0';
    if (!(ALL_DIGITS2(h0, h1) & ALL_DIGITS2(m0, m1) & ALL_DIGITS2(s0, s1))) return false;
    int64_t h = h0 * 10 + h1, mi = m0 * 10 + m1, s = s0 * 10 + s1;
    if (h > 23 || mi > 59 || s > 59) return false;
    size_t i = 19;
    if (i < n && p[i] == '.') {
        size_t k = fraction(p + i, n - i, &out->nanos);
        if (k == 0) return false;
        i += k;
    }
    if (i < n) {
        if (!zone_suffix(p + i, n - i, &zone)) return false;
        out->zoned = true;
    }
    out->seconds = days * 86400 + h * 3600 + mi * 60 + s - zone;
    out->sub_micro = out->nanos % 1000 != 0;
    return true;
}

bool pq_text_ts_value(const pq_text_ts *ts, pq_time_unit unit, int64_t *out)
{
    int64_t scale = unit == PQ_UNIT_NANOS ? 1000000000 : unit == PQ_UNIT_MICROS ? 1000000 : 1000;
    int64_t sub = ts->nanos / (1000000000 / scale), secs = ts->seconds, v;
    /* Borrow a second before the epoch so that the product cannot overflow
     * when the sum still fits (the int64-ns minimum is -9223372037 s plus
     * 145224192 ns). */
    if (secs < 0 && sub > 0) {
        secs++;
        sub -= scale;
    }
    if (pq_mul_overflow_i64(secs, scale, &v) || pq_add_overflow_i64(v, sub, &v)) return false;
    *out = v;
    return true;
}

/* ------------------------------------------------------- CSV inference */

enum { TS_ZONED = 1, TS_NANOS = 2, TS_NS_OVERFLOW = 4 };

/* Classify a cell that starts like a number or a date. */
static pq_csv_class classify_numeric(const uint8_t *p, size_t n, unsigned *ts_flags)
{
    int64_t v;
    /* a '-' at [4] after a digit rules out numbers: try the date shapes first */
    if (n >= 10 && p[4] == '-' && is_digit(p[0])) {
        pq_text_ts ts;
        if (!pq_text_timestamp(p, n, &ts)) return PQ_CSV_STRING;
        if (ts.date_only) return PQ_CSV_DATE;
        int64_t ns;
        *ts_flags = (ts.zoned ? TS_ZONED : 0u) | (ts.sub_micro ? TS_NANOS : 0u) |
                    (pq_text_ts_value(&ts, PQ_UNIT_NANOS, &ns) ? 0u : TS_NS_OVERFLOW);
        return PQ_CSV_TIMESTAMP;
    }
    switch (pq_text_int(p, n, &v)) {
    case PQ_TEXT_INT64: return PQ_CSV_INT;
    case PQ_TEXT_INT128: return PQ_CSV_DECIMAL;
    case PQ_TEXT_INT_HUGE: return PQ_CSV_STRING;
    case PQ_TEXT_NOT_INT: break;
    }
    return pq_text_is_double(p, n) ? PQ_CSV_DOUBLE : PQ_CSV_STRING;
}

pq_csv_class pq_csv_classify(const uint8_t *p, size_t n, unsigned *ts_flags)
{
    *ts_flags = 0;
    if (n == 0) return PQ_CSV_NULL;
    bool b;
    switch (p[0]) {
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
    case '+': case '-': case '.':
        return classify_numeric(p, n, ts_flags);
    case 't': case 'T': case 'f': case 'F':
        return pq_text_bool(p, n, &b) ? PQ_CSV_BOOL : PQ_CSV_STRING;
    case 'n': case 'N': case 'i': case 'I':
        return pq_text_is_double(p, n) ? PQ_CSV_DOUBLE : PQ_CSV_STRING;
    default:
        return PQ_CSV_STRING;
    }
}

static bool class_numeric(pq_csv_class c) { return c == PQ_CSV_INT || c == PQ_CSV_DECIMAL || c == PQ_CSV_DOUBLE; }

pq_csv_class pq_csv_join(pq_csv_class a, pq_csv_class b)
{
    if (a == b || b == PQ_CSV_NULL) return a;
    if (a == PQ_CSV_NULL) return b;
    /* INT < DECIMAL < DOUBLE and DATE < TIMESTAMP are chains in the enum order */
    if (class_numeric(a) && class_numeric(b)) return a > b ? a : b;
    if ((a == PQ_CSV_DATE || a == PQ_CSV_TIMESTAMP) && (b == PQ_CSV_DATE || b == PQ_CSV_TIMESTAMP))
        return PQ_CSV_TIMESTAMP;
    return PQ_CSV_STRING;
}

/* True when a cell certainly leaves a column of class `cls` unchanged:
 * the cheap test for the column's own class (timestamps always take the
 * full classification, which yields their flags).  For DOUBLE, cells of at
 * most 38 characters with double syntax are numbers that join to DOUBLE;
 * longer ones may be >38-digit integers, which are text. */
static inline bool keeps_class(pq_csv_class cls, const uint8_t *p, size_t n)
{
    int64_t v;
    int32_t d;
    bool b;
    pq_text_int_kind k;
    switch (cls) {
    case PQ_CSV_INT: return pq_text_int(p, n, &v) == PQ_TEXT_INT64;
    case PQ_CSV_DECIMAL: k = pq_text_int(p, n, &v); return k == PQ_TEXT_INT64 || k == PQ_TEXT_INT128;
    case PQ_CSV_DOUBLE: return n <= 38 && pq_text_is_double(p, n);
    case PQ_CSV_BOOL: return pq_text_bool(p, n, &b);
    case PQ_CSV_DATE: return pq_text_date(p, n, &d);
    default: return false;
    }
}

void pq_csv_infer_record(pq_csv_column *cols, const pq_csv_record *rec)
{
    for (int64_t i = 0; i < rec->n_fields; i++) {
        pq_csv_column *c = &cols[i];
        const pq_csv_field *f = &rec->fields[i];
        if (c->cls == PQ_CSV_STRING || f->len == 0) continue;
        if (keeps_class((pq_csv_class)c->cls, f->ptr, f->len)) continue;
        unsigned fl;
        pq_csv_class k = pq_csv_classify(f->ptr, f->len, &fl);
        if (k != c->cls) c->cls = (uint8_t)pq_csv_join((pq_csv_class)c->cls, k);
        if (k == PQ_CSV_TIMESTAMP) {
            c->ts_zoned |= (fl & TS_ZONED) != 0;
            c->ts_nanos |= (fl & TS_NANOS) != 0;
            c->ts_ns_overflow |= (fl & TS_NS_OVERFLOW) != 0;
        }
    }
}

pq_type pq_csv_column_type(const pq_csv_column *c)
{
    switch ((pq_csv_class)c->cls) {
    case PQ_CSV_BOOL: return pq_type_make(PQ_KIND_BOOL);
    case PQ_CSV_INT: return pq_type_int(64, true);
    case PQ_CSV_DECIMAL: return pq_type_decimal(38, 0);
    case PQ_CSV_DOUBLE: return pq_type_make(PQ_KIND_DOUBLE);
    case PQ_CSV_DATE: return pq_type_make(PQ_KIND_DATE);
    case PQ_CSV_TIMESTAMP:
        if (c->ts_nanos && c->ts_ns_overflow) break; /* no lossless unit: text */
        return pq_type_timestamp(c->ts_nanos ? PQ_UNIT_NANOS : PQ_UNIT_MICROS, c->ts_zoned);
    case PQ_CSV_NULL: case PQ_CSV_STRING: break;
    }
    return pq_type_make(PQ_KIND_STRING);
}

/* ------------------------------------------------------ JSON inference */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

/* Free everything below t and make it an empty node of kind NULL. */
static void jnode_free(pq_jnode *t, const pq_allocator *a)
{
    if (t->elem) {
        jnode_free(t->elem, a);
        pq_free(a, t->elem);
    }
    for (uint32_t i = 0; i < t->n_fields; i++) {
        pq_free(a, t->fields[i].name);
        jnode_free(&t->fields[i].type, a);
    }
    pq_free(a, t->fields);
    pq_free(a, t->index);
    pq_free(a, t->slots);
    memset(t, 0, sizeof *t);
}

/* A conflict: from now on t holds each value's text. */
static void to_text(pq_jnode *t, const pq_allocator *a)
{
    jnode_free(t, a);
    t->kind = PQ_J_TEXT;
}

/* Widen t to also hold scalars of kind k. */
static void unify(pq_jnode *t, pq_jkind k, const pq_allocator *a)
{
    if (t->kind == k || t->kind == PQ_J_TEXT) return;
    if (t->kind == PQ_J_NULL) t->kind = (uint8_t)k;
    else if ((t->kind == PQ_J_INT || t->kind == PQ_J_DECIMAL || t->kind == PQ_J_DOUBLE) &&
             (k == PQ_J_INT || k == PQ_J_DECIMAL || k == PQ_J_DOUBLE))
        t->kind = (uint8_t)(t->kind > k ? t->kind : k); /* INT < DECIMAL < DOUBLE */
    else to_text(t, a);
}

/* Rebuild the name index of STRUCT t with room for `want` fields. */
static pq_status reindex(pq_jnode *t, uint32_t want, const pq_allocator *a, pq_error *err)
{
    uint32_t size = 16;
    while (size < want * 2u) {
        if (size > UINT32_MAX / 4) return PQ_FAIL(err, PQ_ERR_LIMIT, "expected fewer object keys, found %u", want);
        size *= 2;
    }
    uint32_t *ix = (uint32_t *)pq_calloc(a, size, sizeof(uint32_t));
    if (!ix) return PQ_NOMEM(err);
    for (uint32_t f = 0; f < t->n_fields; f++) {
        uint32_t i = (uint32_t)t->fields[f].hash & (size - 1);
        while (ix[i]) i = (i + 1) & (size - 1);
        ix[i] = f + 1;
    }
    pq_free(a, t->index);
    t->index = ix;
    t->index_mask = size - 1;
    return PQ_OK;
}

int64_t pq_jnode_find(pq_jnode *t, const char *key, size_t len)
{
    if (t->hint < t->n_fields) {
        const pq_jfield *f = &t->fields[t->hint];
        if (f->name_len == len && memcmp(f->name, key, len) == 0) return t->hint++;
    }
    if (!t->index) return -1;
    uint64_t h = hash_bytes(key, len);
    for (uint32_t i = (uint32_t)h & t->index_mask;; i = (i + 1) & t->index_mask) {
        uint32_t s = t->index[i];
        if (!s) return -1;
        const pq_jfield *f = &t->fields[s - 1];
        if (f->hash == h && f->name_len == len && memcmp(f->name, key, len) == 0) {
            t->hint = s;
            return s - 1;
        }
    }
}

/* Append a field named key[0, len) of kind NULL to STRUCT t. */
static pq_status add_field(pq_jnode *t, const char *key, size_t len, const pq_allocator *a, pq_error *err)
{
    if (t->n_fields == t->cap_fields) {
        uint32_t ncap = t->cap_fields ? t->cap_fields * 2 : 8;
        size_t bytes;
        if (ncap < t->cap_fields || pq_mul_overflow(ncap, sizeof(pq_jfield), &bytes)) return PQ_NOMEM(err);
        pq_jfield *f = (pq_jfield *)pq_realloc(a, t->fields, bytes);
        if (!f) return PQ_NOMEM(err);
        t->fields = f;
        t->cap_fields = ncap;
    }
    if ((t->n_fields + 1u) * 2u > t->index_mask) PQ_TRY(reindex(t, t->n_fields + 1, a, err));
    pq_jfield *f = &t->fields[t->n_fields];
    memset(f, 0, sizeof *f);
    f->name = (char *)pq_alloc(a, len + 1);
    if (!f->name) return PQ_NOMEM(err);
    if (len) memcpy(f->name, key, len);
    f->name[len] = 0;
    f->name_len = (uint32_t)len;
    f->hash = hash_bytes(key, len);
    uint32_t i = (uint32_t)f->hash & t->index_mask;
    while (t->index[i]) i = (i + 1) & t->index_mask;
    t->index[i] = ++t->n_fields;
    return PQ_OK;
}

static pq_status merge(pq_jnode *t, const pq_json_node *nodes, uint32_t vi, int depth, const pq_allocator *a,
                       pq_error *err);

/* Merge the elements of array node vi into LIST t. */
static pq_status merge_array(pq_jnode *t, const pq_json_node *nodes, uint32_t vi, int depth, const pq_allocator *a,
                             pq_error *err)
{
    if (t->kind == PQ_J_NULL) {
        t->elem = (pq_jnode *)pq_calloc(a, 1, sizeof(pq_jnode));
        if (!t->elem) return PQ_NOMEM(err);
        t->kind = PQ_J_LIST;
    } else if (t->kind != PQ_J_LIST) {
        to_text(t, a);
        return PQ_OK;
    }
    uint32_t c = vi + 1;
    for (uint32_t k = 0; k < nodes[vi].count; k++, c = nodes[c].next)
        PQ_TRY(merge(t->elem, nodes, c, depth + 1, a, err));
    return PQ_OK;
}

/* Merge the members of object node vi into STRUCT t. */
static pq_status merge_object(pq_jnode *t, const pq_json_node *nodes, uint32_t vi, int depth, const pq_allocator *a,
                              pq_error *err)
{
    if (t->kind == PQ_J_NULL) t->kind = PQ_J_STRUCT;
    else if (t->kind != PQ_J_STRUCT) {
        to_text(t, a);
        return PQ_OK;
    }
    t->hint = 0;
    uint32_t c = vi + 1;
    for (uint32_t k = 0; k < nodes[vi].count; k++, c = nodes[c + 1].next) {
        const pq_json_node *key = &nodes[c];
        int64_t f = pq_jnode_find(t, key->str, key->len);
        if (f < 0) {
            if (t->n_fields >= PQ_JSON_MAX_FIELDS)
                return PQ_FAIL(err, PQ_ERR_LIMIT, "expected at most %d distinct keys in an object, found more "
                               "(an object used as a map?)", PQ_JSON_MAX_FIELDS);
            PQ_TRY(add_field(t, key->str, key->len, a, err));
            f = t->n_fields - 1;
            t->hint = t->n_fields;
        }
        PQ_TRY(merge(&t->fields[f].type, nodes, c + 1, depth + 1, a, err));
    }
    return PQ_OK;
}

/* Merge value vi (at nesting `depth`) into t. */
static pq_status merge(pq_jnode *t, const pq_json_node *nodes, uint32_t vi, int depth, const pq_allocator *a,
                       pq_error *err)
{
    const pq_json_node *v = &nodes[vi];
    if (t->kind == PQ_J_TEXT) return PQ_OK;
    switch ((pq_json_type)v->type) {
    case PQ_JSON_NULL: return PQ_OK;
    case PQ_JSON_FALSE: case PQ_JSON_TRUE: unify(t, PQ_J_BOOL, a); return PQ_OK;
    case PQ_JSON_INT: unify(t, PQ_J_INT, a); return PQ_OK;
    case PQ_JSON_BIGINT:
        if (v->len - (v->str[0] == '-' ? 1u : 0u) <= 38) unify(t, PQ_J_DECIMAL, a);
        else to_text(t, a);
        return PQ_OK;
    case PQ_JSON_DOUBLE: unify(t, PQ_J_DOUBLE, a); return PQ_OK;
    case PQ_JSON_STRING: unify(t, PQ_J_STRING, a); return PQ_OK;
    case PQ_JSON_ARRAY: case PQ_JSON_OBJECT:
        if (depth > PQ_JSON_SCHEMA_DEPTH) {
            to_text(t, a);
            return PQ_OK;
        }
        return v->type == PQ_JSON_ARRAY ? merge_array(t, nodes, vi, depth, a, err)
                                        : merge_object(t, nodes, vi, depth, a, err);
    }
    return PQ_FAIL(err, PQ_ERR_INTERNAL, "unknown JSON node type %d", v->type);
}

void pq_json_infer_init(pq_json_infer *ji, const pq_allocator *a)
{
    memset(ji, 0, sizeof *ji);
    ji->alloc = a;
    ji->root.kind = PQ_J_STRUCT;
}

void pq_json_infer_reset(pq_json_infer *ji)
{
    if (!ji) return;
    jnode_free(&ji->root, ji->alloc);
    ji->records = 0;
}

pq_status pq_json_infer_record(pq_json_infer *ji, const pq_json_record *rec, pq_error *err)
{
    ji->records++;
    return merge_object(&ji->root, rec->nodes, 0, 0, ji->alloc, err);
}

/* Settle t after the last record: structs without fields become text;
 * structs get their pass-2 slot arrays. */
static pq_status settle(pq_jnode *t, const pq_allocator *a, pq_error *err)
{
    if (t->kind == PQ_J_LIST) return settle(t->elem, a, err);
    if (t->kind != PQ_J_STRUCT) return PQ_OK;
    if (t->n_fields == 0) {
        to_text(t, a);
        return PQ_OK;
    }
    for (uint32_t i = 0; i < t->n_fields; i++) PQ_TRY(settle(&t->fields[i].type, a, err));
    pq_free(a, t->slots);
    t->slots = (uint32_t *)pq_calloc(a, t->n_fields, sizeof(uint32_t));
    return t->slots ? PQ_OK : PQ_NOMEM(err);
}

static pq_status build_field(pq_field *out, const char *name, const pq_jnode *t, const pq_allocator *a,
                             pq_error *err);

/* True when key f can be a column name as it is: not empty and without a
 * NUL (names are C strings; a NUL would cut the name short). */
static bool key_is_name(const pq_jfield *f) { return f->name_len > 0 && strlen(f->name) == f->name_len; }

/* True when `name` equals the name of a sibling: a key usable as it is
 * (those are unique: the keys are), or an already built field out[0, built). */
static bool sibling_has(const pq_jnode *t, const pq_field *out, uint32_t built, const char *name)
{
    for (uint32_t k = 0; k < t->n_fields; k++)
        if (key_is_name(&t->fields[k]) && strcmp(t->fields[k].name, name) == 0) return true;
    for (uint32_t k = 0; k < built; k++)
        if (!key_is_name(&t->fields[k]) && strcmp(out[k].name, name) == 0) return true;
    return false;
}

/* The column name of a key that is empty or holds a NUL, as for CSV
 * headers: cut at the NUL, "column_<i+1>" when empty, then "_<k>" added
 * until it differs from every sibling's name. */
static pq_status fixed_name(const pq_jnode *t, const pq_field *out, uint32_t i, const pq_allocator *a, char **name,
                            pq_error *err)
{
    size_t n = strlen(t->fields[i].name), cap;
    if (pq_add_overflow(n, 48, &cap)) return PQ_NOMEM(err);
    char *s = (char *)pq_alloc(a, cap);
    if (!s) return PQ_NOMEM(err);
    memcpy(s, t->fields[i].name, n + 1);
    if (n == 0) n = (size_t)snprintf(s, cap, "column_%u", i + 1);
    for (unsigned k = 2; sibling_has(t, out, i, s); k++) snprintf(s + n, cap - n, "_%u", k);
    *name = s;
    return PQ_OK;
}

/* Build the fields of STRUCT t into one array allocated at its final size
 * (appending one by one would copy the array for every field).  On failure
 * *out and *n describe what was built, for the caller to reset. */
static pq_status build_fields(pq_field **out, int64_t *n, const pq_jnode *t, const pq_allocator *a, pq_error *err)
{
    *n = 0;
    *out = (pq_field *)pq_calloc(a, t->n_fields, sizeof(pq_field));
    if (!*out) return PQ_NOMEM(err);
    for (uint32_t i = 0; i < t->n_fields; i++) {
        char *fixed = NULL;
        if (!key_is_name(&t->fields[i])) PQ_TRY(fixed_name(t, *out, i, a, &fixed, err));
        pq_status s = build_field(&(*out)[i], fixed ? fixed : t->fields[i].name, &t->fields[i].type, a, err);
        pq_free(a, fixed);
        PQ_TRY(s);
        *n = i + 1;
    }
    return PQ_OK;
}

/* Build the pq_field named `name` for node t (out is initialised here). */
static pq_status build_field(pq_field *out, const char *name, const pq_jnode *t, const pq_allocator *a,
                             pq_error *err)
{
    pq_type ty;
    switch ((pq_jkind)t->kind) {
    case PQ_J_BOOL: ty = pq_type_make(PQ_KIND_BOOL); break;
    case PQ_J_INT: ty = pq_type_int(64, true); break;
    case PQ_J_DECIMAL: ty = pq_type_decimal(38, 0); break;
    case PQ_J_DOUBLE: ty = pq_type_make(PQ_KIND_DOUBLE); break;
    case PQ_J_LIST: {
        pq_field el;
        PQ_TRY(build_field(&el, "element", t->elem, a, err));
        pq_status s = pq_field_list(out, name, true, &el, a, err);
        if (s) pq_field_reset(&el, a);
        return s;
    }
    case PQ_J_STRUCT: {
        PQ_TRY(pq_field_init(out, name, pq_type_make(PQ_KIND_STRUCT), true, a, err));
        pq_status s = build_fields(&out->children, &out->n_children, t, a, err);
        if (s) pq_field_reset(out, a);
        return s;
    }
    default: ty = pq_type_make(PQ_KIND_STRING); break; /* NULL, STRING, TEXT */
    }
    return pq_field_init(out, name, ty, true, a, err);
}

pq_status pq_json_infer_finish(pq_json_infer *ji, pq_schema *out, pq_error *err)
{
    pq_schema_init(out, ji->alloc);
    if (ji->root.n_fields == 0)
        return PQ_FAIL(err, PQ_ERR_PARSE, "expected at least one key in the JSON records, found none in %lld records",
                       (long long)ji->records);
    PQ_TRY(settle(&ji->root, ji->alloc, err));
    pq_status s = build_fields(&out->fields, &out->n_fields, &ji->root, ji->alloc, err);
    if (s) pq_schema_reset(out);
    return s;
}
