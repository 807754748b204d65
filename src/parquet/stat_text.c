/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/stat_text.c - render a statistics value (PLAIN bytes without a
 * length prefix, as stored in Statistics / ColumnIndex) as text for
 * `parquant inspect`, in the canonical forms of table/canon.c: numbers,
 * quoted strings, dates, timestamps, decimals, hex for binary.  Values whose
 * size does not match the physical type are shown as hex rather than
 * trusted.
 */
#include "core/core.h"
#include "parquant/parquet.h"
#include "table/canon.h"

#include <stdio.h>

/* Decimal scale of the element, or -1 when it is not a decimal. */
static int32_t decimal_scale(const pq_schema_element *el)
{
    if (el->logical.kind == PQ_LT_DECIMAL) return el->logical.scale;
    if (el->converted_type == PQ_CT_DECIMAL) return el->has_scale ? el->scale : 0;
    return -1;
}

/* Sign-extend a big-endian two's complement integer of n <= 16 bytes (or a
 * little-endian one of 4/8 bytes) to 16 little-endian bytes. */
static void to_le128(const uint8_t *p, size_t n, bool big_endian, uint8_t le16[16])
{
    uint8_t msb = n ? (big_endian ? p[0] : p[n - 1]) : 0;
    memset(le16, (msb & 0x80) ? 0xff : 0, 16);
    for (size_t i = 0; i < n; i++) le16[i] = big_endian ? p[n - 1 - i] : p[i];
}

static bool is_unsigned(const pq_schema_element *el)
{
    pq_converted_type ct = el->converted_type;
    return (el->logical.kind == PQ_LT_INTEGER && !el->logical.is_signed) || ct == PQ_CT_UINT_8 ||
           ct == PQ_CT_UINT_16 || ct == PQ_CT_UINT_32 || ct == PQ_CT_UINT_64;
}

static bool is_text(const pq_schema_element *el)
{
    pq_logical_kind lk = el->logical.kind;
    pq_converted_type ct = el->converted_type;
    return lk == PQ_LT_STRING || lk == PQ_LT_JSON || lk == PQ_LT_ENUM || ct == PQ_CT_UTF8 || ct == PQ_CT_JSON ||
           ct == PQ_CT_ENUM;
}

static pq_status hex_text(const uint8_t *p, size_t n, pq_buf *out, pq_error *err)
{
    static const char hex[] = "0123456789abcdef";
    PQ_TRY(pq_buf_append(out, "0x", 2, err));
    for (size_t i = 0; i < n; i++) {
        char h[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
        PQ_TRY(pq_buf_append(out, h, 2, err));
    }
    return PQ_OK;
}

/* Render by physical type and annotation; sizes that don't fit the type
 * fall through to hex. */
static pq_status render(const pq_schema_element *el, const uint8_t *p, size_t n, pq_buf *out, pq_error *err)
{
    const pq_logical_type *lt = &el->logical;
    int32_t scale = decimal_scale(el);
    uint8_t le16[16];
    char buf[64];
    if (scale >= 0 && ((el->type == PQ_PHYS_INT32 && n == 4) || (el->type == PQ_PHYS_INT64 && n == 8))) {
        to_le128(p, n, false, le16);
        return pq_canon_decimal(le16, scale, out, err);
    }
    if (scale >= 0 && (el->type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY || el->type == PQ_PHYS_BYTE_ARRAY) && n >= 1 &&
        n <= 16) {
        to_le128(p, n, true, le16);
        return pq_canon_decimal(le16, scale, out, err);
    }
    switch (el->type) {
    case PQ_PHYS_BOOLEAN:
        if (n < 1) break;
        return pq_buf_append(out, p[0] ? "true" : "false", p[0] ? 4 : 5, err);
    case PQ_PHYS_INT32: {
        if (n != 4) break;
        int32_t v = (int32_t)pq_load_u32le(p);
        if (lt->kind == PQ_LT_DATE || el->converted_type == PQ_CT_DATE) return pq_canon_date(v, out, err);
        if (is_unsigned(el)) snprintf(buf, sizeof buf, "%u", (unsigned)v);
        else snprintf(buf, sizeof buf, "%d", (int)v);
        return pq_buf_append(out, buf, strlen(buf), err);
    }
    case PQ_PHYS_INT64: {
        if (n != 8) break;
        int64_t v = (int64_t)pq_load_u64le(p);
        if (lt->kind == PQ_LT_TIMESTAMP) return pq_canon_timestamp(v, lt->unit, out, err);
        if (el->converted_type == PQ_CT_TIMESTAMP_MILLIS) return pq_canon_timestamp(v, PQ_UNIT_MILLIS, out, err);
        if (el->converted_type == PQ_CT_TIMESTAMP_MICROS) return pq_canon_timestamp(v, PQ_UNIT_MICROS, out, err);
        if (is_unsigned(el)) snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
        else snprintf(buf, sizeof buf, "%lld", (long long)v);
        return pq_buf_append(out, buf, strlen(buf), err);
    }
    case PQ_PHYS_FLOAT: {
        if (n != 4) break;
        float f;
        memcpy(&f, p, 4);
        return pq_canon_double((double)f, out, err);
    }
    case PQ_PHYS_DOUBLE: {
        if (n != 8) break;
        double d;
        memcpy(&d, p, 8);
        return pq_canon_double(d, out, err);
    }
    case PQ_PHYS_FIXED_LEN_BYTE_ARRAY:
        if (lt->kind == PQ_LT_FLOAT16 && n == 2) return pq_canon_double(pq_half_to_double(pq_load_u16le(p)), out, err);
        break;
    case PQ_PHYS_BYTE_ARRAY:
        if (is_text(el)) return pq_canon_json_string((const char *)p, n, out, err);
        break;
    default: break;
    }
    return hex_text(p, n, out, err);
}

const char *pq_stat_value_text(const pq_schema_element *el, const uint8_t *p, size_t n, char *buf, size_t cap)
{
    if (!buf || cap == 0) return buf;
    pq_buf out;
    pq_buf_init(&out, NULL);
    buf[0] = 0;
    if (render(el, p, n, &out, NULL) == PQ_OK) {
        size_t k = out.len < cap - 1 ? out.len : cap - 1;
        if (k) memcpy(buf, out.data, k);
        buf[k] = 0;
        if (out.len > k && cap > 4) memcpy(buf + cap - 4, "...", 4);
    }
    pq_buf_reset(&out);
    return buf;
}
