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

/* Interpret the element's logical type as a pq_type for integers/times. */
static pq_status render(const pq_schema_element *el, const uint8_t *p, size_t n, pq_buf *out, pq_error *err)
{
    const pq_logical_type *lt = &el->logical;
    pq_converted_type ct = el->converted_type;
    char buf[64];
    switch (el->type) {
    case PQ_PHYS_BOOLEAN:
        if (n < 1) break;
        return pq_buf_append(out, p[0] ? "true" : "false", p[0] ? 4 : 5, err);
    case PQ_PHYS_INT32: {
        if (n != 4) break;
        int32_t v = (int32_t)pq_load_u32le(p);
        if (lt->kind == PQ_LT_DATE || ct == PQ_CT_DATE) return pq_canon_date(v, out, err);
        bool uns = (lt->kind == PQ_LT_INTEGER && !lt->is_signed) || ct == PQ_CT_UINT_8 || ct == PQ_CT_UINT_16 ||
                   ct == PQ_CT_UINT_32;
        int32_t scale = lt->kind == PQ_LT_DECIMAL ? lt->scale : (ct == PQ_CT_DECIMAL ? el->scale : 0);
        if (scale > 0 && scale < 19) {
            int64_t mag = v < 0 ? -(int64_t)v : v, pow10 = 1;
            for (int i = 0; i < scale; i++) pow10 *= 10;
            snprintf(buf, sizeof buf, "%s%lld.%0*lld", v < 0 ? "-" : "", (long long)(mag / pow10), (int)scale,
                     (long long)(mag % pow10));
        } else if (uns) snprintf(buf, sizeof buf, "%u", (unsigned)v);
        else snprintf(buf, sizeof buf, "%d", (int)v);
        return pq_buf_append(out, buf, strlen(buf), err);
    }
    case PQ_PHYS_INT64: {
        if (n != 8) break;
        int64_t v = (int64_t)pq_load_u64le(p);
        if (lt->kind == PQ_LT_TIMESTAMP) return pq_canon_timestamp(v, lt->unit, out, err);
        if (ct == PQ_CT_TIMESTAMP_MILLIS) return pq_canon_timestamp(v, PQ_UNIT_MILLIS, out, err);
        if (ct == PQ_CT_TIMESTAMP_MICROS) return pq_canon_timestamp(v, PQ_UNIT_MICROS, out, err);
        bool uns = (lt->kind == PQ_LT_INTEGER && !lt->is_signed) || ct == PQ_CT_UINT_64;
        int32_t scale = lt->kind == PQ_LT_DECIMAL ? lt->scale : (ct == PQ_CT_DECIMAL ? el->scale : 0);
        if (scale > 0 && scale < 19) {
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, pow10 = 1;
            for (int i = 0; i < scale; i++) pow10 *= 10;
            snprintf(buf, sizeof buf, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(mag / pow10), (int)scale,
                     (unsigned long long)(mag % pow10));
        } else if (uns) snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
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
    case PQ_PHYS_BYTE_ARRAY:
        if (lt->kind == PQ_LT_STRING || lt->kind == PQ_LT_JSON || lt->kind == PQ_LT_ENUM || ct == PQ_CT_UTF8 ||
            ct == PQ_CT_JSON || ct == PQ_CT_ENUM)
            return pq_canon_json_string((const char *)p, n, out, err);
        break;
    default: break;
    }
    static const char hex[] = "0123456789abcdef";
    PQ_TRY(pq_buf_append(out, "0x", 2, err));
    for (size_t i = 0; i < n; i++) {
        char h[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
        PQ_TRY(pq_buf_append(out, h, 2, err));
    }
    return PQ_OK;
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
