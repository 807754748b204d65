/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/encoding_plain.c - the PLAIN encoding for every physical type
 * (Parquet Encodings.md, "Plain: (PLAIN = 0)"):
 *   BOOLEAN      bit-packed, LSB first, ceil(n / 8) bytes; 1 byte per value
 *                (0 or 1) in pq_values;
 *   INT32/FLOAT  4 bytes LE; INT64/DOUBLE 8 bytes LE; INT96 12 bytes;
 *   FLBA         type_length raw bytes;
 *   BYTE_ARRAY   u32 LE length, then the bytes.
 *
 * Fixed widths are one bounds check and one memcpy (the host is little-endian,
 * so the wire layout is the in-memory layout).  BYTE_ARRAY decoding is the
 * hot loop of string columns: the offsets and an upper bound of the data are
 * reserved once (plus 16 bytes of slack, so values of up to 16 bytes are
 * copied with one constant-size move), so the loop does no allocation and
 * one bounds check per value.  Trailing bytes after the n values are ignored (they belong to
 * nothing; page readers bound the section).
 */
#include "parquet/encoding.h"

/* Fail when n is negative or `out` cannot hold values (FLBA width < 0). */
static pq_status check_out(int64_t n, const pq_values *out, pq_error *err)
{
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)n);
    if (out->type != PQ_PHYS_BYTE_ARRAY && out->width < 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value width >= 0, found %d", (int)out->width);
    return PQ_OK;
}

/* ------------------------------------------------------------ BOOLEAN */

/* Spread the 8 bits of b (LSB first) over 8 bytes of 0/1 (LE order). */
static inline uint64_t spread_bits(uint8_t b)
{
    uint64_t x = (uint64_t)b * 0x0101010101010101ULL;
    x &= 0x8040201008040201ULL;
    x += 0x7F7F7F7F7F7F7F7FULL;
    return (x >> 7) & 0x0101010101010101ULL;
}

/* Gather the low bits of 8 bytes (LE order) into one byte, LSB first. */
static inline uint8_t gather_bits(uint64_t x)
{
    return (uint8_t)(((x & 0x0101010101010101ULL) * 0x0102040810204080ULL) >> 56);
}

static pq_status plain_decode_bool(pq_bytes in, int64_t n, pq_values *out, size_t *consumed, pq_error *err)
{
    size_t need = (size_t)(n / 8) + (n % 8 != 0);
    if (need > in.len)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %zu bytes for %lld PLAIN booleans, found %zu at offset 0", need,
                       (long long)n, in.len);
    PQ_TRY(pq_buf_reserve(&out->data, (size_t)n + 8, err));
    uint8_t *dst = out->data.data + out->data.len;
    size_t full = (size_t)n / 8;
    for (size_t i = 0; i < full; i++) pq_store_u64le(dst + 8 * i, spread_bits(in.ptr[i]));
    if (n % 8) pq_store_u64le(dst + 8 * full, spread_bits(in.ptr[full])); /* slack reserved above */
    out->data.len += (size_t)n;
    out->n += n;
    if (consumed) *consumed = need;
    return PQ_OK;
}

static pq_status plain_encode_bool(const pq_values_view *v, pq_buf *out, pq_error *err)
{
    size_t n = (size_t)v->n, bytes = n / 8 + (n % 8 != 0);
    PQ_TRY(pq_buf_reserve(out, bytes, err));
    uint8_t *dst = out->data + out->len;
    size_t full = n / 8;
    for (size_t i = 0; i < full; i++) dst[i] = gather_bits(pq_load_u64le(v->data + 8 * i));
    if (n % 8) {
        uint8_t tail[8] = {0};
        memcpy(tail, v->data + 8 * full, n % 8);
        dst[full] = gather_bits(pq_load_u64le(tail));
    }
    out->len += bytes;
    return PQ_OK;
}

/* --------------------------------------------------------- BYTE_ARRAY */

static pq_status plain_decode_bytes(pq_bytes in, int64_t n, pq_values *out, size_t *consumed, pq_error *err)
{
    if ((uint64_t)n > in.len / 4)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected at least %llu bytes for %lld BYTE_ARRAY lengths, found %zu",
                       (unsigned long long)n * 4, (long long)n, in.len);
    if (n == 0) {
        if (consumed) *consumed = 0;
        return PQ_OK;
    }
    int64_t *off = NULL;
    PQ_TRY(pq_values_offsets_reserve(out, n, &off, err));
    /* The payload can't exceed the input minus the length prefixes; 16
     * bytes of slack let short values be copied as one 16-byte move. */
    PQ_TRY(pq_buf_reserve(&out->data, in.len - (size_t)n * 4 + 16, err));
    const uint8_t *p = in.ptr;
    size_t pos = 0, len = in.len;
    /* budget = payload bytes left once the remaining length prefixes are set
     * aside: one check per value keeps every read in `in` and every write in
     * the reservation, and guarantees 4 bytes for each next prefix. */
    size_t budget = len - (size_t)n * 4;
    uint8_t *dst = out->data.data + out->data.len;
    int64_t end = (int64_t)out->data.len;
    for (int64_t i = 0; i < n; i++) {
        uint32_t l = pq_load_u32le(p + pos);
        pos += 4;
        if (l > budget)
            return PQ_FAIL(err, PQ_ERR_CORRUPT,
                           "expected a %u-byte BYTE_ARRAY value and %lld more length prefixes, found %zu bytes at offset %zu",
                           l, (long long)(n - 1 - i), len - pos, pos - 4);
        budget -= l;
        if (l <= 16 && len - pos >= 16) memcpy(dst, p + pos, 16); /* constant size: two moves */
        else memcpy(dst, p + pos, l);
        dst += l;
        pos += l;
        end += l;
        off[i] = end;
    }
    /* Commit only after the whole page decoded, so a failure leaves `out`
     * as it was (its capacity aside). */
    out->data.len = (size_t)end;
    out->offsets.len += (size_t)n * sizeof(int64_t);
    out->n += n;
    if (consumed) *consumed = pos;
    return PQ_OK;
}

static pq_status plain_encode_bytes(const pq_values_view *v, pq_buf *out, pq_error *err)
{
    const int64_t *off = v->offsets;
    int64_t n = v->n;
    size_t payload = (size_t)(off[n] - off[0]), total;
    if (pq_add_overflow(payload, (size_t)n * 4, &total)) return PQ_NOMEM(err);
    PQ_TRY(pq_buf_reserve(out, total + 1, err));
    uint8_t *dst = out->data + out->len;
    const uint8_t *src = v->data;
    for (int64_t i = 0; i < n; i++) {
        int64_t l = off[i + 1] - off[i];
        if (l < 0 || l > INT32_MAX)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a BYTE_ARRAY length in 0..2^31-1, found %lld at value %lld",
                           (long long)l, (long long)i);
        pq_store_u32le(dst, (uint32_t)l);
        if (l) memcpy(dst + 4, src + off[i], (size_t)l);
        dst += 4 + l;
    }
    out->len += total;
    return PQ_OK;
}

/* ------------------------------------------------------------ entries */

pq_status pq_plain_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed, pq_error *err)
{
    PQ_TRY(check_out(n, out, err));
    if (out->type == PQ_PHYS_BOOLEAN) return plain_decode_bool(in, n, out, consumed, err);
    if (out->type == PQ_PHYS_BYTE_ARRAY) return plain_decode_bytes(in, n, out, consumed, err);
    size_t bytes;
    if (pq_mul_overflow((size_t)n, (size_t)out->width, &bytes) || bytes > in.len)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %lld values of %d bytes, found %zu bytes at offset 0",
                       (long long)n, (int)out->width, in.len);
    PQ_TRY(pq_buf_append(&out->data, in.ptr, bytes, err));
    out->n += n;
    if (consumed) *consumed = bytes;
    return PQ_OK;
}

pq_status pq_plain_encode(const pq_values_view *v, pq_buf *out, pq_error *err)
{
    if (v->n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)v->n);
    if (v->n == 0) return PQ_OK;
    if (v->type == PQ_PHYS_BOOLEAN) return plain_encode_bool(v, out, err);
    if (v->type == PQ_PHYS_BYTE_ARRAY) return plain_encode_bytes(v, out, err);
    if (v->width < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value width >= 0, found %d", (int)v->width);
    size_t bytes;
    if (pq_mul_overflow((size_t)v->n, (size_t)v->width, &bytes)) return PQ_NOMEM(err);
    return pq_buf_append(out, v->data, bytes, err);
}
