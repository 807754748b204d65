/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/encoding_rle.c - the RLE / bit-packed hybrid (Parquet
 * Encodings.md, "Run Length Encoding / Bit-Packing Hybrid (RLE = 3)") and
 * the encodings built on it: repetition/definition levels, RLE booleans
 * (4-byte LE length prefix, width 1), dictionary indices (1 byte bit width
 * 0..32, then the hybrid stream), plus the deprecated BIT_PACKED levels
 * (MSB-first, no runs).
 *
 * Stream grammar: a run header is a ULEB128 varint (at most 5 bytes, at most
 * 32 bits).  Low bit 1: bit-packed run of (header >> 1) groups of 8 values,
 * packed LSB first, (header >> 1) * width bytes.  Low bit 0: RLE run of
 * (header >> 1) copies of one value stored in ceil(width / 8) LE bytes.
 *
 * Decoding rules (untrusted input):
 *  - runs of length 0 and headers over 32 bits are corrupt (as in Arrow);
 *  - the last bit-packed run may be cut short or padded: only the bytes that
 *    hold the values actually needed must exist; *consumed then stops at the
 *    end of the input;
 *  - an RLE value with bits set above `width` is corrupt, so every decoded
 *    value is < 2^width;
 *  - nothing past `in` is ever read: the fast unpacker reads 8 bytes past a
 *    group only when they exist, otherwise the tail goes through a
 *    zero-padded copy.
 *
 * Speed: bit-packed groups of 8 are unpacked by a loop specialised per bit
 * width (a switch over 32 constant-width instantiations of one inline
 * function).  The decoder core is instantiated for 1-, 2- and 4-byte outputs
 * (booleans, levels, indices) through an always-inline element size.  The
 * encoder, like parquet-cpp's, emits RLE runs for >= 8 repeats and packs
 * everything else, borrowing up to 7 values of a repeat to keep bit-packed
 * runs a multiple of 8 values.
 */
#include "parquet/encoding.h"

#define PQ_INLINE static inline __attribute__((always_inline))

/* Largest run lengths one header can carry (31 bits of count). */
#define RLE_MAX_REPEAT ((int64_t)INT32_MAX)
#define RLE_MAX_GROUPS ((int64_t)1 << 30)

int pq_bit_width_of(uint64_t max_value)
{
    return max_value ? 64 - __builtin_clzll(max_value) : 0;
}

/* Read a run header at *pos.  Returns 0 and advances *pos on success, 1 when
 * the input ends inside it, 2 when it is longer than 5 bytes or 32 bits. */
static int read_header(const uint8_t *p, size_t len, size_t *pos, uint32_t *out)
{
    uint64_t v = 0;
    size_t i = *pos;
    for (int shift = 0; shift < 35; shift += 7) {
        if (i >= len) return 1;
        uint8_t b = p[i++];
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            if (v > UINT32_MAX) return 2;
            *pos = i;
            *out = (uint32_t)v;
            return 0;
        }
    }
    return 2;
}

/* ------------------------------------------------------------ unpacking */

/* Store value v as element i of an array of osz-byte unsigned integers. */
PQ_INLINE void store_val(void *out, int64_t i, uint32_t v, int osz)
{
    if (osz == 4) ((uint32_t *)out)[i] = v;
    else if (osz == 2) ((uint16_t *)out)[i] = (uint16_t)v;
    else ((uint8_t *)out)[i] = (uint8_t)v;
}

PQ_INLINE uint32_t load_val(const void *v, int64_t i, int osz)
{
    if (osz == 4) return ((const uint32_t *)v)[i];
    if (osz == 2) return ((const uint16_t *)v)[i];
    return ((const uint8_t *)v)[i];
}

/* Unpack the 8 values of width w (1..32) at p into out[at .. at+8).
 * Reads p[0 .. w + 8): the caller guarantees those bytes exist. */
PQ_INLINE void unpack8(const uint8_t *p, void *out, int64_t at, int w, int osz)
{
    const uint64_t mask = ((uint64_t)1 << w) - 1;
    if (w <= 8) {
        uint64_t x = pq_load_u64le(p);
#pragma GCC unroll 8
        for (int i = 0; i < 8; i++) store_val(out, at + i, (uint32_t)((x >> (i * w)) & mask), osz);
    } else {
#pragma GCC unroll 8
        for (int i = 0; i < 8; i++) {
            int bit = i * w;
            uint64_t x = pq_load_u64le(p + (bit >> 3)) >> (bit & 7);
            store_val(out, at + i, (uint32_t)(x & mask), osz);
        }
    }
}

#define UNPACK_CASE(W) \
    case W: for (int64_t g = 0; g < groups; g++) unpack8(in + g * (W), out, at + 8 * g, (W), osz); break;

/* Unpack `groups` groups of width w (1..32); needs groups * w + 8 bytes. */
PQ_INLINE void unpack_groups(const uint8_t *in, int64_t groups, void *out, int64_t at, int w, int osz)
{
    switch (w) {
        UNPACK_CASE(1) UNPACK_CASE(2) UNPACK_CASE(3) UNPACK_CASE(4) UNPACK_CASE(5) UNPACK_CASE(6)
        UNPACK_CASE(7) UNPACK_CASE(8) UNPACK_CASE(9) UNPACK_CASE(10) UNPACK_CASE(11) UNPACK_CASE(12)
        UNPACK_CASE(13) UNPACK_CASE(14) UNPACK_CASE(15) UNPACK_CASE(16) UNPACK_CASE(17) UNPACK_CASE(18)
        UNPACK_CASE(19) UNPACK_CASE(20) UNPACK_CASE(21) UNPACK_CASE(22) UNPACK_CASE(23) UNPACK_CASE(24)
        UNPACK_CASE(25) UNPACK_CASE(26) UNPACK_CASE(27) UNPACK_CASE(28) UNPACK_CASE(29) UNPACK_CASE(30)
        UNPACK_CASE(31) UNPACK_CASE(32)
    default: break;
    }
}

/* Fill out[at .. at+count) with v. */
PQ_INLINE void fill_vals(void *out, int64_t at, int64_t count, uint32_t v, int osz)
{
    if (osz == 1) {
        memset((uint8_t *)out + at, (int)v, (size_t)count);
        return;
    }
    for (int64_t i = 0; i < count; i++) store_val(out, at + i, v, osz);
}

/* Unpack `count` values of width w (0..32) from p into out[at ..).
 * Precondition: ceil(count * w / 8) <= avail (the bytes readable at p).
 * Groups with 8 readable bytes beyond them go through the fast path; the
 * rest (at most ~9 groups) through a zero-padded copy. */
PQ_INLINE void unpack_run(const uint8_t *p, size_t avail, int w, int64_t count, void *out, int64_t at, int osz)
{
    if (w == 0) {
        fill_vals(out, at, count, 0, osz);
        return;
    }
    int64_t full = count / 8, fast = 0;
    if (avail >= (size_t)w + 8) {
        fast = (int64_t)((avail - 8) / (size_t)w);
        if (fast > full) fast = full;
    }
    unpack_groups(p, fast, out, at, w, osz);
    int64_t done = fast * 8;
    size_t pos = (size_t)fast * (size_t)w;
    while (done < count) {
        uint8_t buf[48] = {0};
        uint32_t tmp[8];
        size_t take = pos < avail ? avail - pos : 0;
        if (take > (size_t)w) take = (size_t)w;
        if (take) memcpy(buf, p + pos, take);
        unpack_groups(buf, 1, tmp, 0, w, 4);
        int64_t k = count - done < 8 ? count - done : 8;
        for (int64_t j = 0; j < k; j++) store_val(out, at + done + j, tmp[j], osz);
        done += k;
        pos += (size_t)w;
    }
}

/* ------------------------------------------------------------- decoding */

/* Decode one bit-packed run of `groups` groups starting at p[*pos], writing
 * `take` values to out[at ..).  Offsets in messages are base + position. */
PQ_INLINE pq_status decode_packed_run(const uint8_t *p, size_t len, size_t *pos, size_t base, int w,
                                      int64_t groups, int64_t take, void *out, int64_t at, int osz, pq_error *err)
{
    size_t avail = len - *pos;
    size_t need = (size_t)(((uint64_t)take * (uint64_t)w + 7) / 8);
    if (need > avail)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %zu bytes of bit-packed values, found %zu at offset %zu", need,
                       avail, base + *pos);
    unpack_run(p + *pos, avail, w, take, out, at, osz);
    size_t run = (size_t)groups * (size_t)w;
    *pos += run < avail ? run : avail;
    return PQ_OK;
}

/* Read the ceil(w/8)-byte value of an RLE run at p[*pos] into *v. */
PQ_INLINE pq_status read_repeat_value(const uint8_t *p, size_t len, size_t *pos, size_t base, int w, uint32_t *v,
                                      pq_error *err)
{
    size_t vbytes = ((size_t)w + 7) / 8;
    if (vbytes > len - *pos)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a %zu-byte RLE value, found %zu bytes at offset %zu", vbytes,
                       len - *pos, base + *pos);
    uint32_t x = 0;
    for (size_t b = 0; b < vbytes; b++) x |= (uint32_t)p[*pos + b] << (8 * b);
    if (w < 32 && (x >> w))
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected an RLE value below 2^%d, found %u at offset %zu", w, x,
                       base + *pos);
    *pos += vbytes;
    *v = x;
    return PQ_OK;
}

/* Decode exactly n values of width w (0..32) from the hybrid stream p[0..len)
 * into out (osz-byte elements).  `base` is p's offset inside the caller's
 * `in`, for messages.  On failure out[0..n) is partly written. */
PQ_INLINE pq_status hybrid_decode(const uint8_t *p, size_t len, size_t base, int w, int64_t n, void *out, int osz,
                                  size_t *consumed, pq_error *err)
{
    size_t pos = 0;
    int64_t done = 0;
    while (done < n) {
        size_t hpos = pos;
        uint32_t h;
        int r = read_header(p, len, &pos, &h);
        if (r == 1)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a run header for %lld more values, found end of input at offset %zu",
                           (long long)(n - done), base + hpos);
        if (r == 2)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a run header of at most 5 bytes and 32 bits, found more at offset %zu",
                           base + hpos);
        int64_t count = (int64_t)(h >> 1);
        if (count == 0)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a run of at least 1 %s, found 0 at offset %zu",
                           (h & 1) ? "group" : "value", base + hpos);
        int64_t left = n - done, take;
        if (h & 1) {
            take = count * 8 < left ? count * 8 : left;
            PQ_TRY(decode_packed_run(p, len, &pos, base, w, count, take, out, done, osz, err));
        } else {
            uint32_t v = 0;
            PQ_TRY(read_repeat_value(p, len, &pos, base, w, &v, err));
            take = count < left ? count : left;
            fill_vals(out, done, take, v, osz);
        }
        done += take;
    }
    if (consumed) *consumed = pos;
    return PQ_OK;
}

static pq_status check_decode_args(int bit_width, int max_width, int64_t n, pq_error *err)
{
    if (bit_width < 0 || bit_width > max_width)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a bit width in 0..%d, found %d", max_width, bit_width);
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)n);
    return PQ_OK;
}

pq_status pq_rle_decode_u32(pq_bytes in, int bit_width, int64_t n, uint32_t *out, size_t *consumed, pq_error *err)
{
    PQ_TRY(check_decode_args(bit_width, 32, n, err));
    return hybrid_decode(in.ptr, in.len, 0, bit_width, n, out, 4, consumed, err);
}

pq_status pq_rle_decode_u16(pq_bytes in, int bit_width, int64_t n, uint16_t *out, size_t *consumed, pq_error *err)
{
    PQ_TRY(check_decode_args(bit_width, 16, n, err));
    return hybrid_decode(in.ptr, in.len, 0, bit_width, n, out, 2, consumed, err);
}

/* ------------------------------------------------------------- encoding */

/* Append a ULEB128 varint. */
static pq_status put_uleb(pq_buf *out, uint64_t v, pq_error *err)
{
    uint8_t tmp[10];
    size_t k = 0;
    do {
        uint8_t b = (uint8_t)(v & 0x7F);
        v >>= 7;
        tmp[k++] = (uint8_t)(b | (v ? 0x80 : 0));
    } while (v);
    return pq_buf_append(out, tmp, k, err);
}

/* Append RLE runs for `count` copies of x (split at the 31-bit run limit). */
static pq_status emit_repeat(uint32_t x, int64_t count, int w, pq_buf *out, pq_error *err)
{
    size_t vbytes = ((size_t)w + 7) / 8;
    uint8_t vb[4] = {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24)};
    while (count > 0) {
        int64_t c = count < RLE_MAX_REPEAT ? count : RLE_MAX_REPEAT;
        PQ_TRY(put_uleb(out, (uint64_t)c << 1, err));
        PQ_TRY(pq_buf_append(out, vb, vbytes, err));
        count -= c;
    }
    return PQ_OK;
}

/* Append bit-packed runs for values v[start .. start+count); a count that is
 * not a multiple of 8 is padded with zeros (only legal at the stream end). */
PQ_INLINE pq_status emit_literal(const void *v, int osz, int64_t start, int64_t count, int w, pq_buf *out,
                                 pq_error *err)
{
    while (count > 0) {
        int64_t c = count < RLE_MAX_GROUPS * 8 ? count : RLE_MAX_GROUPS * 8;
        int64_t groups = (c + 7) / 8;
        size_t bytes = (size_t)groups * (size_t)w;
        PQ_TRY(put_uleb(out, ((uint64_t)groups << 1) | 1, err));
        PQ_TRY(pq_buf_reserve(out, bytes + 1, err));
        uint8_t *dst = out->data + out->len, *begin = dst;
        uint64_t acc = 0;
        int bits = 0;
        for (int64_t k = 0; k < c; k++) {
            acc |= (uint64_t)load_val(v, start + k, osz) << bits;
            bits += w;
            if (bits >= 32) {
                pq_store_u32le(dst, (uint32_t)acc);
                dst += 4;
                acc >>= 32;
                bits -= 32;
            }
        }
        /* Whatever is left of acc, then zero padding up to groups * w bytes. */
        for (size_t rest = bytes - (size_t)(dst - begin); rest; rest--) {
            *dst++ = (uint8_t)acc;
            acc >>= 8;
        }
        out->len += bytes;
        start += c;
        count -= c;
    }
    return PQ_OK;
}

/* Fail with PQ_ERR_INVALID_ARG naming the first value >= 2^w. */
PQ_INLINE pq_status check_values_fit(const void *v, int osz, int64_t n, int w, pq_error *err)
{
    if (w >= 32) return PQ_OK;
    uint32_t any = 0;
    for (int64_t i = 0; i < n; i++) any |= load_val(v, i, osz);
    if (!(any >> w)) return PQ_OK;
    for (int64_t i = 0; i < n; i++)
        if (load_val(v, i, osz) >> w)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected values below 2^%d, found %u at index %lld", w,
                           load_val(v, i, osz), (long long)i);
    return PQ_OK;
}

/* Encode n values (osz-byte elements, each < 2^w) as a hybrid stream. */
PQ_INLINE pq_status hybrid_encode(const void *v, int osz, int64_t n, int w, pq_buf *out, pq_error *err)
{
    if (w < 0 || w > 32) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a bit width in 0..32, found %d", w);
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)n);
    PQ_TRY(check_values_fit(v, osz, n, w, err));
    int64_t i = 0, lit = 0; /* v[lit .. i) are pending bit-packed values */
    while (i < n) {
        uint32_t x = load_val(v, i, osz);
        int64_t j = i + 1;
        while (j < n && load_val(v, j, osz) == x) j++;
        int64_t run = j - i;
        /* Borrow k values of the repeat so the pending literal ends on a
         * group boundary; worth a run only if >= 8 repeats remain. */
        int64_t k = (8 - ((i - lit) & 7)) & 7;
        if (run - k >= 8) {
            if (i + k > lit) PQ_TRY(emit_literal(v, osz, lit, i + k - lit, w, out, err));
            PQ_TRY(emit_repeat(x, run - k, w, out, err));
            lit = j;
        }
        i = j;
    }
    if (lit < n) PQ_TRY(emit_literal(v, osz, lit, n - lit, w, out, err));
    return PQ_OK;
}

pq_status pq_rle_encode_u32(const uint32_t *v, int64_t n, int bit_width, pq_buf *out, pq_error *err)
{
    return hybrid_encode(v, 4, n, bit_width, out, err);
}

pq_status pq_rle_encode_u16(const uint16_t *v, int64_t n, int bit_width, pq_buf *out, pq_error *err)
{
    return hybrid_encode(v, 2, n, bit_width, out, err);
}

/* ------------------------------------------------- legacy BIT_PACKED */

pq_status pq_bitpacked_levels_decode(pq_bytes in, int bit_width, int64_t n, uint16_t *out, size_t *consumed,
                                     pq_error *err)
{
    PQ_TRY(check_decode_args(bit_width, 16, n, err));
    size_t bits, bytes;
    if (pq_mul_overflow((size_t)n, (size_t)bit_width, &bits))
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %lld BIT_PACKED levels to fit in memory", (long long)n);
    bytes = bits / 8 + (bits % 8 != 0);
    if (bytes > in.len)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %zu bytes of BIT_PACKED levels, found %zu at offset 0", bytes,
                       in.len);
    /* MSB-first: the first value sits in the high bits of the first byte. */
    const uint32_t mask = ((uint32_t)1 << bit_width) - 1;
    uint64_t acc = 0;
    int have = 0;
    size_t pos = 0;
    for (int64_t i = 0; i < n; i++) {
        while (have < bit_width) {
            acc = (acc << 8) | in.ptr[pos++];
            have += 8;
        }
        have -= bit_width;
        out[i] = (uint16_t)((acc >> have) & mask);
    }
    if (consumed) *consumed = bytes;
    return PQ_OK;
}

/* ----------------------------------------------------- RLE booleans */

pq_status pq_rle_bool_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed, pq_error *err)
{
    if (out->type != PQ_PHYS_BOOLEAN)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected BOOLEAN output for RLE values, found type %d", (int)out->type);
    PQ_TRY(check_decode_args(1, 1, n, err));
    if (in.len < 4)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a 4-byte RLE length prefix, found %zu bytes at offset 0", in.len);
    uint32_t len = pq_load_u32le(in.ptr);
    if (len > in.len - 4)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %u bytes of RLE booleans, found %zu at offset 4", len, in.len - 4);
    PQ_TRY(pq_buf_reserve(&out->data, (size_t)n + 1, err));
    PQ_TRY(hybrid_decode(in.ptr + 4, len, 4, 1, n, out->data.data + out->data.len, 1, NULL, err));
    out->data.len += (size_t)n;
    out->n += n;
    if (consumed) *consumed = 4 + (size_t)len;
    return PQ_OK;
}

pq_status pq_rle_bool_encode(const pq_values_view *v, pq_buf *out, pq_error *err)
{
    if (v->type != PQ_PHYS_BOOLEAN)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected BOOLEAN values for RLE, found type %d", (int)v->type);
    size_t start = out->len;
    PQ_TRY(pq_buf_append(out, "\0\0\0\0", 4, err));
    pq_status s = hybrid_encode(v->data, 1, v->n, 1, out, err);
    if (s != PQ_OK) {
        out->len = start;
        return s;
    }
    size_t len = out->len - start - 4;
    if (len > UINT32_MAX) {
        out->len = start;
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected RLE booleans below 4 GiB, found %zu bytes", len);
    }
    pq_store_u32le(out->data + start, (uint32_t)len);
    return PQ_OK;
}

/* ------------------------------------------------ dictionary indices */

pq_status pq_dict_indices_decode(pq_bytes in, int64_t n, uint32_t *out, pq_error *err)
{
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)n);
    if (n == 0) return PQ_OK;
    if (in.len < 1)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a dictionary index bit width, found end of input at offset 0");
    int w = in.ptr[0];
    if (w > 32)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a dictionary index bit width in 0..32, found %d at offset 0", w);
    /* Width 0 (a one-entry dictionary; Polars, ARROW-GH-43605.parquet) means
     * every index is 0, whatever runs follow or do not follow. */
    if (w == 0) {
        memset(out, 0, (size_t)n * sizeof *out);
        return PQ_OK;
    }
    return hybrid_decode(in.ptr + 1, in.len - 1, 1, w, n, out, 4, NULL, err);
}

pq_status pq_dict_indices_encode(const uint32_t *idx, int64_t n, uint32_t dict_size, pq_buf *out, pq_error *err)
{
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)n);
    uint32_t max = 0;
    for (int64_t i = 0; i < n; i++) max = idx[i] > max ? idx[i] : max;
    if (n > 0 && max >= dict_size) {
        int64_t i = 0;
        while (idx[i] < dict_size) i++;
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected indices below the dictionary size %u, found %u at index %lld",
                       dict_size, idx[i], (long long)i);
    }
    int w = dict_size ? pq_bit_width_of(dict_size - 1) : 0;
    size_t start = out->len;
    PQ_TRY(pq_buf_push(out, (uint8_t)w, err));
    pq_status s = hybrid_encode(idx, 4, n, w, out, err);
    if (s != PQ_OK) out->len = start;
    return s;
}
