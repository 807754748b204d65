/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/encoding_bss.c - BYTE_STREAM_SPLIT (Parquet Encodings.md,
 * "Byte Stream Split: (BYTE_STREAM_SPLIT = 9)") for FLOAT, DOUBLE, INT32,
 * INT64 and FIXED_LEN_BYTE_ARRAY of any width K: the page holds K streams of
 * n bytes, stream k holding byte k of every value.  There is no header and
 * no padding, so the values section must be exactly n * K bytes; anything
 * else is corrupt.
 *
 * Widths 4 and 8 (the float/double case the encoding exists for) have
 * dedicated loops: on x86-64 (SSE2, always present there) decoding
 * transposes 16 values at a time with unpack instructions; the scalar
 * loops assemble a whole value per iteration from K sequential streams;
 * other widths use a byte-at-a-time transpose.
 */
#include "parquet/encoding.h"

#if defined(__SSE2__)
#include <emmintrin.h>

/* 16 values of 4 bytes from 4 streams: two rounds of byte/16-bit unpacks
 * transpose the 4 x 16 byte block.  Returns the values done (n rounded
 * down to 16). */
static size_t bss_join4_sse2(const uint8_t *src, size_t n, uint8_t *dst)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i a0 = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
        __m128i a1 = _mm_loadu_si128((const __m128i *)(const void *)(src + n + i));
        __m128i a2 = _mm_loadu_si128((const __m128i *)(const void *)(src + 2 * n + i));
        __m128i a3 = _mm_loadu_si128((const __m128i *)(const void *)(src + 3 * n + i));
        __m128i b0 = _mm_unpacklo_epi8(a0, a1), b1 = _mm_unpackhi_epi8(a0, a1);
        __m128i b2 = _mm_unpacklo_epi8(a2, a3), b3 = _mm_unpackhi_epi8(a2, a3);
        __m128i *o = (__m128i *)(void *)(dst + 4 * i);
        _mm_storeu_si128(o + 0, _mm_unpacklo_epi16(b0, b2));
        _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(b0, b2));
        _mm_storeu_si128(o + 2, _mm_unpacklo_epi16(b1, b3));
        _mm_storeu_si128(o + 3, _mm_unpackhi_epi16(b1, b3));
    }
    return i;
}

/* 16 values of 8 bytes from 8 streams: byte, 16-bit and 32-bit unpack
 * rounds transpose the 8 x 16 byte block. */
static size_t bss_join8_sse2(const uint8_t *src, size_t n, uint8_t *dst)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i a[8], b[8], c[8];
        for (size_t j = 0; j < 8; j++) a[j] = _mm_loadu_si128((const __m128i *)(const void *)(src + j * n + i));
        for (size_t j = 0; j < 8; j += 2) {
            b[j / 2] = _mm_unpacklo_epi8(a[j], a[j + 1]);     /* values 0..7, bytes j, j+1 */
            b[4 + j / 2] = _mm_unpackhi_epi8(a[j], a[j + 1]); /* values 8..15 */
        }
        c[0] = _mm_unpacklo_epi16(b[0], b[1]); /* v0..3, bytes 0-3 */
        c[1] = _mm_unpackhi_epi16(b[0], b[1]); /* v4..7, bytes 0-3 */
        c[2] = _mm_unpacklo_epi16(b[2], b[3]); /* v0..3, bytes 4-7 */
        c[3] = _mm_unpackhi_epi16(b[2], b[3]); /* v4..7, bytes 4-7 */
        c[4] = _mm_unpacklo_epi16(b[4], b[5]); /* v8..11, bytes 0-3 */
        c[5] = _mm_unpackhi_epi16(b[4], b[5]);
        c[6] = _mm_unpacklo_epi16(b[6], b[7]); /* v8..11, bytes 4-7 */
        c[7] = _mm_unpackhi_epi16(b[6], b[7]);
        __m128i *o = (__m128i *)(void *)(dst + 8 * i);
        _mm_storeu_si128(o + 0, _mm_unpacklo_epi32(c[0], c[2]));
        _mm_storeu_si128(o + 1, _mm_unpackhi_epi32(c[0], c[2]));
        _mm_storeu_si128(o + 2, _mm_unpacklo_epi32(c[1], c[3]));
        _mm_storeu_si128(o + 3, _mm_unpackhi_epi32(c[1], c[3]));
        _mm_storeu_si128(o + 4, _mm_unpacklo_epi32(c[4], c[6]));
        _mm_storeu_si128(o + 5, _mm_unpackhi_epi32(c[4], c[6]));
        _mm_storeu_si128(o + 6, _mm_unpacklo_epi32(c[5], c[7]));
        _mm_storeu_si128(o + 7, _mm_unpackhi_epi32(c[5], c[7]));
    }
    return i;
}
#endif

static bool bss_type_ok(pq_physical t)
{
    return t == PQ_PHYS_FLOAT || t == PQ_PHYS_DOUBLE || t == PQ_PHYS_INT32 || t == PQ_PHYS_INT64 ||
           t == PQ_PHYS_FIXED_LEN_BYTE_ARRAY;
}

/* Interleave K streams of n bytes at src into n values of K bytes at dst. */
static void bss_join(const uint8_t *src, size_t n, size_t k, uint8_t *dst)
{
    if (k == 4) {
        const uint8_t *s0 = src, *s1 = src + n, *s2 = src + 2 * n, *s3 = src + 3 * n;
        size_t i = 0;
#if defined(__SSE2__)
        i = bss_join4_sse2(src, n, dst);
#endif
        for (; i < n; i++) {
            uint32_t v = (uint32_t)s0[i] | ((uint32_t)s1[i] << 8) | ((uint32_t)s2[i] << 16) | ((uint32_t)s3[i] << 24);
            pq_store_u32le(dst + 4 * i, v);
        }
        return;
    }
    if (k == 8) {
        const uint8_t *s[8];
        for (size_t j = 0; j < 8; j++) s[j] = src + j * n;
        size_t i = 0;
#if defined(__SSE2__)
        i = bss_join8_sse2(src, n, dst);
#endif
        for (; i < n; i++) {
            uint64_t v = 0;
            for (size_t j = 0; j < 8; j++) v |= (uint64_t)s[j][i] << (8 * j);
            pq_store_u64le(dst + 8 * i, v);
        }
        return;
    }
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i < n; i++) dst[i * k + j] = src[j * n + i];
}

/* Split n values of K bytes at src into K streams of n bytes at dst. */
static void bss_split(const uint8_t *src, size_t n, size_t k, uint8_t *dst)
{
    if (k == 4) {
        uint8_t *d0 = dst, *d1 = dst + n, *d2 = dst + 2 * n, *d3 = dst + 3 * n;
        for (size_t i = 0; i < n; i++) {
            uint32_t v = pq_load_u32le(src + 4 * i);
            d0[i] = (uint8_t)v;
            d1[i] = (uint8_t)(v >> 8);
            d2[i] = (uint8_t)(v >> 16);
            d3[i] = (uint8_t)(v >> 24);
        }
        return;
    }
    if (k == 8) {
        uint8_t *d[8];
        for (size_t j = 0; j < 8; j++) d[j] = dst + j * n;
        for (size_t i = 0; i < n; i++) {
            uint64_t v = pq_load_u64le(src + 8 * i);
            for (size_t j = 0; j < 8; j++) d[j][i] = (uint8_t)(v >> (8 * j));
        }
        return;
    }
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i < n; i++) dst[j * n + i] = src[i * k + j];
}

pq_status pq_bss_decode(pq_bytes in, int64_t n, pq_values *out, pq_error *err)
{
    if (!bss_type_ok(out->type))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected FLOAT, DOUBLE, INT32, INT64 or FLBA output for BYTE_STREAM_SPLIT, found type %d",
                       (int)out->type);
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)n);
    if (out->width < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value width >= 0, found %d", (int)out->width);
    size_t bytes;
    if (pq_mul_overflow((size_t)n, (size_t)out->width, &bytes) || bytes != in.len)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %lld values of %d bytes in BYTE_STREAM_SPLIT, found %zu bytes",
                       (long long)n, (int)out->width, in.len);
    if (bytes) {
        PQ_TRY(pq_buf_reserve(&out->data, bytes, err));
        bss_join(in.ptr, (size_t)n, (size_t)out->width, out->data.data + out->data.len);
        out->data.len += bytes;
    }
    out->n += n;
    return PQ_OK;
}

pq_status pq_bss_encode(const pq_values_view *v, pq_buf *out, pq_error *err)
{
    if (!bss_type_ok(v->type))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected FLOAT, DOUBLE, INT32, INT64 or FLBA values for BYTE_STREAM_SPLIT, found type %d",
                       (int)v->type);
    if (v->n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)v->n);
    if (v->width < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value width >= 0, found %d", (int)v->width);
    size_t bytes;
    if (pq_mul_overflow((size_t)v->n, (size_t)v->width, &bytes)) return PQ_NOMEM(err);
    if (!bytes) return PQ_OK;
    PQ_TRY(pq_buf_reserve(out, bytes, err));
    bss_split(v->data, (size_t)v->n, (size_t)v->width, out->data + out->len);
    out->len += bytes;
    return PQ_OK;
}
