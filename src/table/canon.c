/* SPDX-License-Identifier: Apache-2.0
 *
 * table/canon.c - canonical row text "canon v1" (the format of
 * ../shared/peers/lib/canon.mjs), so that `parquant cat --format jsonl` can
 * be diffed line by line with an independent engine's dump.
 *
 * Numbers follow JavaScript's Number.prototype.toString: the shortest digit
 * string that round-trips, in positional notation for decimal exponents in
 * [-6, 21) and in exponential notation ("1e+21", "1.5e-7") otherwise.
 * FLOAT and FLOAT16 values are widened to double first, as JS engines do.
 * Dates use the proleptic Gregorian calendar (H. Hinnant's civil_from_days);
 * timestamps are split into days and time of day in their own unit, so no
 * unit conversion can overflow.
 */
#include "table/canon.h"

#include "core/calendar.h"
#include "core/dtoa.h"
#include "core/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY_APPEND(b, s, n) PQ_TRY(pq_buf_append((b), (s), (n), err))

static pq_status put_str(pq_buf *out, const char *s, pq_error *err)
{
    return pq_buf_append(out, s, strlen(s), err);
}

/* ------------------------------------------------------------ numbers */

/* Shortest round-trip digits of v > 0 (core/dtoa.c, Ryu): writes the
 * mantissa digits (no dot, no trailing zeros) to digits and returns the
 * decimal exponent of the first digit. */
static int shortest_digits(double v, char *digits, int *ndigits)
{
    return pq_dtoa_shortest(v, digits, ndigits);
}

/* "e+XX" / "e-X": exponent x with at least `min2` digits (1 or 2). */
static char *put_exp(char *o, int x, int min2)
{
    *o++ = 'e';
    *o++ = x < 0 ? '-' : '+';
    unsigned u = (unsigned)(x < 0 ? -x : x);
    if (u >= 100) { *o++ = (char)('0' + u / 100); u %= 100; *o++ = (char)('0' + u / 10); }
    else if (u >= 10 || min2) *o++ = (char)('0' + u / 10);
    *o++ = (char)('0' + u % 10);
    return o;
}

/* JavaScript Number::toString(v) for finite non-zero |v|. */
static void js_number_text(double v, char *out)
{
    char digits[24];
    int k;
    char *o = out;
    if (v < 0) { *o++ = '-'; v = -v; }
    int n = shortest_digits(v, digits, &k) + 1; /* value = 0.d1d2.. x 10^n */
    if (k <= n && n <= 21) {
        memcpy(o, digits, (size_t)k); o += k;
        for (int i = k; i < n; i++) *o++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, digits, (size_t)n); o += n;
        *o++ = '.';
        memcpy(o, digits + n, (size_t)(k - n)); o += k - n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0'; *o++ = '.';
        for (int i = 0; i < -n; i++) *o++ = '0';
        memcpy(o, digits, (size_t)k); o += k;
    } else {
        *o++ = digits[0];
        if (k > 1) { *o++ = '.'; memcpy(o, digits + 1, (size_t)(k - 1)); o += k - 1; }
        o = put_exp(o, n - 1, 0);
    }
    *o = 0;
}

/* Python's float.__repr__ of finite non-zero v (Objects/floatobject.c,
 * 'r' mode with Py_DTSF_ADD_DOT_0): value = 0.d1d2.. x 10^n; fixed
 * notation when -4 < n <= 16, else d1[.d2..]e[+-]XX with at least two
 * exponent digits. */
static void python_float_text(double v, char *out)
{
    char digits[24];
    int k;
    char *o = out;
    if (v < 0) { *o++ = '-'; v = -v; }
    int n = shortest_digits(v, digits, &k) + 1;
    if (-4 < n && n <= 16) {
        if (n <= 0) {
            *o++ = '0'; *o++ = '.';
            for (int i = 0; i < -n; i++) *o++ = '0';
            memcpy(o, digits, (size_t)k); o += k;
        } else if (k <= n) {
            memcpy(o, digits, (size_t)k); o += k;
            for (int i = k; i < n; i++) *o++ = '0';
            *o++ = '.'; *o++ = '0';
        } else {
            memcpy(o, digits, (size_t)n); o += n;
            *o++ = '.';
            memcpy(o, digits + n, (size_t)(k - n)); o += k - n;
        }
    } else {
        *o++ = digits[0];
        if (k > 1) { *o++ = '.'; memcpy(o, digits + 1, (size_t)(k - 1)); o += k - 1; }
        o = put_exp(o, n - 1, 1);
    }
    *o = 0;
}

pq_status pq_canon_python_double(double v, pq_buf *out, pq_error *err)
{
    char buf[40];
    if (isnan(v)) return put_str(out, "NaN", err);
    if (isinf(v)) return put_str(out, v > 0 ? "Infinity" : "-Infinity", err);
    if (v == 0) return put_str(out, signbit(v) ? "-0.0" : "0.0", err);
    python_float_text(v, buf);
    return put_str(out, buf, err);
}

pq_status pq_canon_double(double v, pq_buf *out, pq_error *err)
{
    char buf[40];
    if (isnan(v)) return put_str(out, "\"NaN\"", err);
    if (isinf(v)) return put_str(out, v > 0 ? "\"Infinity\"" : "\"-Infinity\"", err);
    if (v == 0) return put_str(out, signbit(v) ? "-0" : "0", err);
    js_number_text(v, buf);
    return put_str(out, buf, err);
}

double pq_half_to_double(uint16_t h)
{
    int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
    double v;
    if (exp == 0) v = ldexp((double)frac, -24);
    else if (exp == 31) v = frac ? NAN : INFINITY;
    else v = ldexp((double)(frac | 0x400), exp - 25);
    return sign ? -v : v;
}

pq_status pq_canon_decimal(const uint8_t *le16, int32_t scale, pq_buf *out, pq_error *err)
{
    uint64_t lo = pq_load_u64le(le16), hi = pq_load_u64le(le16 + 8);
    bool neg = (hi >> 63) != 0;
    if (neg) { lo = ~lo + 1; hi = ~hi + (lo == 0); }
    char digits[48];
    int n = 0;
    while (hi || lo) { /* divide the 128-bit magnitude by 10 */
        unsigned __int128 x = ((unsigned __int128)hi << 64) | lo;
        digits[n++] = (char)('0' + (int)(x % 10));
        x /= 10;
        hi = (uint64_t)(x >> 64);
        lo = (uint64_t)x;
    }
    while (n <= scale) digits[n++] = '0';
    if (n == 0) digits[n++] = '0';
    char text[64];
    int t = 0;
    if (neg) text[t++] = '-';
    for (int i = n - 1; i >= 0; i--) {
        text[t++] = digits[i];
        if (i == scale && scale > 0) text[t++] = '.';
    }
    return pq_buf_append(out, text, (size_t)t, err);
}

/* ------------------------------------------------------- dates, times */

static int date_text(int64_t days, char *o)
{
    int64_t y;
    unsigned m, d;
    pq_civil_from_days(days, &y, &m, &d);
    if (y < 0) return sprintf(o, "-%04lld-%02u-%02u", (long long)-y, m, d);
    return sprintf(o, "%04lld-%02u-%02u", (long long)y, m, d);
}

/* "HH:MM:SS[.fraction]" of `v` units since midnight, `per_sec` units/second,
 * `digits` fraction digits per unit (3, 6, 9), trailing zeros trimmed. */
static int time_text(int64_t v, int64_t per_sec, int digits, char *o)
{
    int64_t s = v / per_sec, frac = v % per_sec;
    int n = sprintf(o, "%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
    if (frac) {
        char f[16];
        snprintf(f, sizeof f, "%0*lld", digits, (long long)frac);
        int k = digits;
        while (k > 0 && f[k - 1] == '0') k--;
        f[k] = 0;
        n += sprintf(o + n, ".%s", f);
    }
    return n;
}

static int64_t unit_per_sec(pq_time_unit u)
{
    return u == PQ_UNIT_MILLIS ? 1000 : u == PQ_UNIT_MICROS ? 1000000 : 1000000000;
}

static int unit_digits(pq_time_unit u) { return u == PQ_UNIT_MILLIS ? 3 : u == PQ_UNIT_MICROS ? 6 : 9; }

static int timestamp_text(int64_t v, pq_time_unit u, char *o)
{
    int64_t per_day = unit_per_sec(u) * 86400;
    int64_t days = v / per_day, rem = v % per_day;
    if (rem < 0) { rem += per_day; days--; }
    int n = date_text(days, o);
    o[n++] = ' ';
    return n + time_text(rem, unit_per_sec(u), unit_digits(u), o + n);
}

pq_status pq_canon_date(int64_t days, pq_buf *out, pq_error *err)
{
    char buf[48];
    buf[0] = '"';
    int n = 1 + date_text(days, buf + 1);
    buf[n++] = '"';
    return pq_buf_append(out, buf, (size_t)n, err);
}

pq_status pq_canon_timestamp(int64_t v, pq_time_unit u, pq_buf *out, pq_error *err)
{
    char buf[80];
    buf[0] = '"';
    int n = 1 + timestamp_text(v, u, buf + 1);
    buf[n++] = '"';
    return pq_buf_append(out, buf, (size_t)n, err);
}

/* ------------------------------------------------------------ strings */

pq_status pq_canon_json_string(const char *s, size_t n, pq_buf *out, pq_error *err)
{
    static const char hex[] = "0123456789abcdef";
    PQ_TRY(pq_buf_reserve(out, n + 2, err));
    PQ_TRY(pq_buf_push(out, '"', err));
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        TRY_APPEND(out, s + start, i - start);
        char esc[8];
        size_t k = 2;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            k = 6;
        }
        TRY_APPEND(out, esc, k);
        start = i + 1;
    }
    TRY_APPEND(out, s + start, n - start);
    return pq_buf_push(out, '"', err);
}

/* Decode the valid UTF-8 sequence at s[*i] (n bytes in all) into *cp,
 * advancing *i; false when it is invalid or cut short. */
static bool utf8_next(const unsigned char *s, size_t n, size_t *i, uint32_t *cp)
{
    int len = pq_utf8_seq(s + *i, s + n);
    if (len <= 0) return false;
    uint32_t v = len == 1 ? s[*i] : s[*i] & (0x7fu >> len);
    for (int k = 1; k < len; k++) v = v << 6 | (s[*i + k] & 0x3fu);
    *i += (size_t)len;
    *cp = v;
    return true;
}

pq_status pq_canon_python_string(const char *s, size_t n, pq_buf *out, pq_error *err)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    PQ_TRY(pq_buf_reserve(out, n + 2, err));
    PQ_TRY(pq_buf_push(out, '"', err));
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp;
        if (!utf8_next(u, n, &i, &cp))
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected UTF-8 text, found byte 0x%02x at offset %zu", u[at], at);
        char esc[12];
        size_t k = 2;
        esc[0] = '\\';
        if (cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\') {
            esc[0] = (char)cp;
            k = 1;
        } else if (cp == '"' || cp == '\\') esc[1] = (char)cp;
        else if (cp == '\b') esc[1] = 'b';
        else if (cp == '\f') esc[1] = 'f';
        else if (cp == '\n') esc[1] = 'n';
        else if (cp == '\r') esc[1] = 'r';
        else if (cp == '\t') esc[1] = 't';
        else {
            /* \uXXXX, as a surrogate pair above the BMP */
            uint32_t units[2] = {cp, 0};
            int nu = 1;
            if (cp > 0xffff) {
                units[0] = 0xd800 + ((cp - 0x10000) >> 10);
                units[1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
                nu = 2;
            }
            k = 0;
            for (int j = 0; j < nu; j++) {
                esc[k++] = '\\';
                esc[k++] = 'u';
                for (int sh = 12; sh >= 0; sh -= 4) esc[k++] = hex[(units[j] >> sh) & 15];
            }
        }
        TRY_APPEND(out, esc, k);
    }
    return pq_buf_push(out, '"', err);
}

static pq_status hex_object(const uint8_t *p, size_t n, pq_buf *out, pq_error *err)
{
    static const char hex[] = "0123456789abcdef";
    PQ_TRY(put_str(out, "{\"$hex\":\"", err));
    PQ_TRY(pq_buf_reserve(out, 2 * n + 2, err));
    for (size_t i = 0; i < n; i++) {
        out->data[out->len++] = (uint8_t)hex[p[i] >> 4];
        out->data[out->len++] = (uint8_t)hex[p[i] & 15];
    }
    return put_str(out, "\"}", err);
}

static pq_status uuid_text(const uint8_t *p, pq_buf *out, pq_error *err)
{
    char buf[40];
    int n = 0;
    buf[n++] = '"';
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) buf[n++] = '-';
        n += sprintf(buf + n, "%02x", p[i]);
    }
    buf[n++] = '"';
    return pq_buf_append(out, buf, (size_t)n, err);
}

/* ------------------------------------------------------------- values */

static int64_t load_int(const pq_array *a, int64_t i)
{
    const uint8_t *p = a->values;
    bool s = a->type.is_signed;
    switch (a->type.bit_width) {
    case 8: return s ? (int64_t)((const int8_t *)p)[i] : (int64_t)p[i];
    case 16: return s ? (int64_t)((const int16_t *)p)[i] : (int64_t)((const uint16_t *)p)[i];
    case 32: return s ? (int64_t)((const int32_t *)p)[i] : (int64_t)((const uint32_t *)p)[i];
    default: return ((const int64_t *)p)[i];
    }
}

/* Key text of a map key: strings as they are, other values as their
 * canonical text with the quotes of quoted forms removed. */
static pq_status map_key(const pq_field *f, const pq_array *a, int64_t i, pq_buf *out, pq_error *err)
{
    pq_buf tmp;
    pq_buf_init(&tmp, out->alloc);
    pq_status s;
    if (f->type.kind == PQ_KIND_STRING || f->type.kind == PQ_KIND_JSON) {
        size_t n;
        const uint8_t *p = pq_array_bytes(a, i, &n);
        s = pq_canon_json_string((const char *)p, n, out, err);
    } else if ((s = pq_canon_value(f, a, i, &tmp, err)) == PQ_OK) {
        if (tmp.len >= 2 && tmp.data[0] == '"') s = pq_buf_append(out, tmp.data, tmp.len, err);
        else s = pq_canon_json_string((const char *)tmp.data, tmp.len, out, err);
    }
    pq_buf_reset(&tmp);
    return s;
}

static pq_status nested_value(const pq_field *f, const pq_array *a, int64_t i, pq_buf *out, pq_error *err)
{
    if (f->type.kind == PQ_KIND_STRUCT) {
        PQ_TRY(pq_buf_push(out, '{', err));
        for (int64_t c = 0; c < f->n_children; c++) {
            if (c) PQ_TRY(pq_buf_push(out, ',', err));
            PQ_TRY(pq_canon_json_string(f->children[c].name, strlen(f->children[c].name), out, err));
            PQ_TRY(pq_buf_push(out, ':', err));
            PQ_TRY(pq_canon_value(&f->children[c], &a->children[c], i, out, err));
        }
        return pq_buf_push(out, '}', err);
    }
    int64_t start = a->offsets[i], end = a->offsets[i + 1];
    const pq_array *child = &a->children[0];
    if (f->type.kind == PQ_KIND_LIST) {
        PQ_TRY(pq_buf_push(out, '[', err));
        for (int64_t k = start; k < end; k++) {
            if (k > start) PQ_TRY(pq_buf_push(out, ',', err));
            PQ_TRY(pq_canon_value(&f->children[0], child, k, out, err));
        }
        return pq_buf_push(out, ']', err);
    }
    /* MAP: child is struct{key, value} */
    const pq_field *kf = &f->children[0].children[0], *vf = &f->children[0].children[1];
    PQ_TRY(pq_buf_push(out, '{', err));
    for (int64_t k = start; k < end; k++) {
        if (k > start) PQ_TRY(pq_buf_push(out, ',', err));
        PQ_TRY(map_key(kf, &child->children[0], k, out, err));
        PQ_TRY(pq_buf_push(out, ':', err));
        PQ_TRY(pq_canon_value(vf, &child->children[1], k, out, err));
    }
    return pq_buf_push(out, '}', err);
}

pq_status pq_canon_value(const pq_field *f, const pq_array *a, int64_t i, pq_buf *out, pq_error *err)
{
    if (!pq_array_is_valid(a, i) || f->type.kind == PQ_KIND_NULL) return put_str(out, "null", err);
    char buf[48];
    switch (f->type.kind) {
    case PQ_KIND_BOOL: return put_str(out, pq_bit_get(a->values, i) ? "true" : "false", err);
    case PQ_KIND_INT:
        if (!a->type.is_signed && a->type.bit_width == 64)
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)((const uint64_t *)a->values)[i]);
        else snprintf(buf, sizeof buf, "%lld", (long long)load_int(a, i));
        return put_str(out, buf, err);
    case PQ_KIND_FLOAT16: return pq_canon_double(pq_half_to_double(((const uint16_t *)a->values)[i]), out, err);
    case PQ_KIND_FLOAT: return pq_canon_double((double)((const float *)a->values)[i], out, err);
    case PQ_KIND_DOUBLE: return pq_canon_double(((const double *)a->values)[i], out, err);
    case PQ_KIND_DATE: return pq_canon_date(((const int32_t *)a->values)[i], out, err);
    case PQ_KIND_TIMESTAMP: return pq_canon_timestamp(((const int64_t *)a->values)[i], a->type.unit, out, err);
    case PQ_KIND_TIME: {
        int64_t v = a->type.unit == PQ_UNIT_MILLIS ? ((const int32_t *)a->values)[i] : ((const int64_t *)a->values)[i];
        buf[0] = '"';
        int n = 1 + time_text(v, unit_per_sec(a->type.unit), unit_digits(a->type.unit), buf + 1);
        buf[n++] = '"';
        return pq_buf_append(out, buf, (size_t)n, err);
    }
    case PQ_KIND_DECIMAL: return pq_canon_decimal(a->values + (size_t)i * 16, a->type.scale, out, err);
    case PQ_KIND_STRING: case PQ_KIND_JSON: {
        size_t n;
        const uint8_t *p = pq_array_bytes(a, i, &n);
        return pq_canon_json_string((const char *)p, n, out, err);
    }
    case PQ_KIND_BINARY: case PQ_KIND_FIXED: {
        size_t n;
        const uint8_t *p = pq_array_bytes(a, i, &n);
        return hex_object(p, n, out, err);
    }
    case PQ_KIND_UUID: return uuid_text(a->values + (size_t)i * 16, out, err);
    case PQ_KIND_LIST: case PQ_KIND_MAP: case PQ_KIND_STRUCT: return nested_value(f, a, i, out, err);
    default: return PQ_FAIL(err, PQ_ERR_INTERNAL, "no canonical form for kind %d", (int)f->type.kind);
    }
}

pq_status pq_canon_row(const pq_table *t, int64_t row, pq_buf *out, pq_error *err)
{
    PQ_TRY(pq_buf_push(out, '{', err));
    for (int64_t c = 0; c < t->schema.n_fields; c++) {
        const pq_field *f = &t->schema.fields[c];
        if (c) PQ_TRY(pq_buf_push(out, ',', err));
        PQ_TRY(pq_canon_json_string(f->name, strlen(f->name), out, err));
        PQ_TRY(pq_buf_push(out, ':', err));
        PQ_TRY(pq_canon_value(f, &t->columns[c], row, out, err));
    }
    return pq_buf_push(out, '}', err);
}
