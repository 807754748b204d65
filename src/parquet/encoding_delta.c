/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/encoding_delta.c - the delta encodings (Parquet Encodings.md):
 *   DELTA_BINARY_PACKED (5)      INT32 / INT64;
 *   DELTA_LENGTH_BYTE_ARRAY (6)  lengths as DELTA_BINARY_PACKED, then the
 *                                concatenated bytes;
 *   DELTA_BYTE_ARRAY (7)         prefix lengths (DELTA_BINARY_PACKED), then
 *                                the suffixes as DELTA_LENGTH_BYTE_ARRAY;
 *                                value = previous value's prefix + suffix.
 *
 * DELTA_BINARY_PACKED stream: header = ULEB block size (a multiple of 128),
 * ULEB miniblocks per block (values per miniblock a multiple of 32), ULEB
 * total value count, zigzag ULEB first value.  Each block: zigzag ULEB min
 * delta, one bit-width byte per miniblock, then the bodies of the miniblocks
 * that hold values (values_per_miniblock * width / 8 bytes each).
 *
 * Decoding rules (untrusted input):
 *  - arithmetic wraps: uint32 for INT32 (and for lengths), uint64 for INT64;
 *    min delta and first value are read as 64-bit zigzag and truncated for
 *    INT32, which accepts every stream Arrow / parquet-mr write;
 *  - a miniblock width must be <= 32 (INT32, lengths) or <= 64 (INT64) only
 *    when the miniblock holds values: widths of unused miniblocks and padding
 *    bits are ignored (they may be garbage), unused miniblocks have no body;
 *  - exactly n values are decoded (header total >= n); the remaining blocks
 *    are walked without unpacking so *consumed is the length of the whole
 *    stream, which DELTA_LENGTH / DELTA_BYTE_ARRAY need to find what follows;
 *  - only the bytes of the values actually needed must exist: the last
 *    miniblock may be cut short (Arrow accepts this too); *consumed then
 *    stops at the end of the input;
 *  - byte-array lengths and prefix lengths must be >= 0, a prefix no longer
 *    than the previous value, suffixes within the input, FLBA values exactly
 *    type_length bytes.
 *
 * Speed: miniblocks are unpacked 32 values at a time by a loop specialised
 * per width (0..64), then one prefix-sum loop per 32 values.  DELTA_LENGTH
 * decodes the lengths straight into the output offsets and turns them into
 * offsets in place; the bytes are one memcpy.  Encoders use blocks of 128
 * values in 4 miniblocks of 32 (as parquet-mr and Arrow do) with the minimal
 * width per miniblock.
 */
#include "parquet/encoding.h"

#define PQ_INLINE static inline __attribute__((always_inline))

#define ENC_BLOCK 128
#define ENC_MINIBLOCKS 4
#define ENC_MB_VALUES 32

/* Output modes of the decoder core. */
enum {
    OUT_I32 = 0,   /* 32-bit arithmetic, int32 outputs (INT32 columns) */
    OUT_I64 = 1,   /* 64-bit arithmetic, int64 outputs (INT64 columns) */
    OUT_LEN = 2    /* 32-bit arithmetic, sign-extended int64 outputs (lengths) */
};

/* ------------------------------------------------------------- varints */

/* Read a ULEB128 of at most 10 bytes / 64 bits at *pos.  Returns 0 and
 * advances *pos, 1 if the input ends inside it, 2 if it is too long. */
static int read_uleb64(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = *pos;
    for (int shift = 0; shift < 70; shift += 7) {
        if (i >= len) return 1;
        uint8_t b = p[i++];
        if (shift == 63 && (b & 0x7E)) return 2;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *pos = i;
            *out = v;
            return 0;
        }
    }
    return 2;
}

/* read_uleb64 with the message: `what` names the field, base + *pos is its
 * offset in the caller's input. */
static pq_status get_uleb(const uint8_t *p, size_t len, size_t *pos, size_t base, const char *what, uint64_t *out,
                          pq_error *err)
{
    size_t at = *pos;
    int r = read_uleb64(p, len, pos, out);
    if (r == 1) return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %s, found end of input at offset %zu", what, base + at);
    if (r == 2)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %s as a varint of at most 64 bits, found more at offset %zu", what,
                       base + at);
    return PQ_OK;
}

static inline uint64_t unzigzag(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }
static inline uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

/* ----------------------------------------------------------- unpacking */

/* Unpack 32 values of constant width w (1..64) from p; reads p[0 .. 4w + 9). */
PQ_INLINE void unpack32_w(const uint8_t *p, uint64_t *out, int w)
{
    const uint64_t mask = w == 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
#pragma GCC unroll 32
    for (int i = 0; i < 32; i++) {
        int bit = i * w, sh = bit & 7;
        const uint8_t *q = p + (bit >> 3);
        uint64_t x = pq_load_u64le(q) >> sh;
        if (w + sh > 64) x |= (uint64_t)q[8] << (64 - sh);
        out[i] = x & mask;
    }
}

#define UNPACK32_CASE(W) case W: unpack32_w(p, out, W); return;

/* Dispatch to the instantiation for w (0..64). */
static void unpack32_fast(const uint8_t *p, uint64_t *out, int w)
{
    switch (w) {
        UNPACK32_CASE(1) UNPACK32_CASE(2) UNPACK32_CASE(3) UNPACK32_CASE(4) UNPACK32_CASE(5) UNPACK32_CASE(6)
        UNPACK32_CASE(7) UNPACK32_CASE(8) UNPACK32_CASE(9) UNPACK32_CASE(10) UNPACK32_CASE(11) UNPACK32_CASE(12)
        UNPACK32_CASE(13) UNPACK32_CASE(14) UNPACK32_CASE(15) UNPACK32_CASE(16) UNPACK32_CASE(17)
        UNPACK32_CASE(18) UNPACK32_CASE(19) UNPACK32_CASE(20) UNPACK32_CASE(21) UNPACK32_CASE(22)
        UNPACK32_CASE(23) UNPACK32_CASE(24) UNPACK32_CASE(25) UNPACK32_CASE(26) UNPACK32_CASE(27)
        UNPACK32_CASE(28) UNPACK32_CASE(29) UNPACK32_CASE(30) UNPACK32_CASE(31) UNPACK32_CASE(32)
        UNPACK32_CASE(33) UNPACK32_CASE(34) UNPACK32_CASE(35) UNPACK32_CASE(36) UNPACK32_CASE(37)
        UNPACK32_CASE(38) UNPACK32_CASE(39) UNPACK32_CASE(40) UNPACK32_CASE(41) UNPACK32_CASE(42)
        UNPACK32_CASE(43) UNPACK32_CASE(44) UNPACK32_CASE(45) UNPACK32_CASE(46) UNPACK32_CASE(47)
        UNPACK32_CASE(48) UNPACK32_CASE(49) UNPACK32_CASE(50) UNPACK32_CASE(51) UNPACK32_CASE(52)
        UNPACK32_CASE(53) UNPACK32_CASE(54) UNPACK32_CASE(55) UNPACK32_CASE(56) UNPACK32_CASE(57)
        UNPACK32_CASE(58) UNPACK32_CASE(59) UNPACK32_CASE(60) UNPACK32_CASE(61) UNPACK32_CASE(62)
        UNPACK32_CASE(63) UNPACK32_CASE(64)
    default: memset(out, 0, 32 * sizeof *out); return;
    }
}

/* Unpack 32 values of width w from p where only `avail` bytes are readable
 * (at least those of the values the caller needs); short inputs go through
 * a zero-padded copy. */
static void unpack32(const uint8_t *p, size_t avail, int w, uint64_t *out)
{
    size_t body = 4 * (size_t)w;
    if (avail >= body + 9) {
        unpack32_fast(p, out, w);
        return;
    }
    uint8_t buf[4 * 64 + 16] = {0};
    if (avail) memcpy(buf, p, avail < body ? avail : body);
    unpack32_fast(buf, out, w);
}

/* Turn k unpacked values into outputs out[at .. at+k): each value is the
 * previous one + min_delta + packed value, wrapping per mode. */
static void apply_deltas(const uint64_t *tmp, int k, uint64_t md, uint64_t *prev, void *out, int64_t at, int mode)
{
    if (mode == OUT_I64) {
        uint64_t pv = *prev, *o = (uint64_t *)out + at;
        for (int i = 0; i < k; i++) o[i] = pv += md + tmp[i];
        *prev = pv;
        return;
    }
    uint32_t pv = (uint32_t)*prev, d = (uint32_t)md;
    if (mode == OUT_I32) {
        uint32_t *o = (uint32_t *)out + at;
        for (int i = 0; i < k; i++) o[i] = pv += d + (uint32_t)tmp[i];
    } else {
        int64_t *o = (int64_t *)out + at;
        for (int i = 0; i < k; i++) {
            pv += d + (uint32_t)tmp[i];
            o[i] = (int32_t)pv;
        }
    }
    *prev = pv;
}

/* Store the first value in mode's output type. */
static void put_first(uint64_t v, void *out, int mode)
{
    if (mode == OUT_I64) ((uint64_t *)out)[0] = v;
    else if (mode == OUT_I32) ((uint32_t *)out)[0] = (uint32_t)v;
    else ((int64_t *)out)[0] = (int32_t)(uint32_t)v;
}

/* ------------------------------------------------------------ decoding */

typedef struct delta_header {
    uint64_t block_size;  /* values per block, a multiple of 128, <= 2^31 */
    uint64_t mb_count;    /* miniblocks per block, >= 1 */
    uint64_t mb_values;   /* values per miniblock, a multiple of 32 */
    uint64_t total;       /* values in the stream */
    uint64_t first;       /* first value (un-zigzagged, wrapping) */
} delta_header;

/* Parse and check the stream header at p[*pos]. */
static pq_status read_header(const uint8_t *p, size_t len, size_t *pos, size_t base, delta_header *h, pq_error *err)
{
    size_t at = *pos;
    PQ_TRY(get_uleb(p, len, pos, base, "a DELTA_BINARY_PACKED block size", &h->block_size, err));
    PQ_TRY(get_uleb(p, len, pos, base, "a DELTA_BINARY_PACKED miniblock count", &h->mb_count, err));
    PQ_TRY(get_uleb(p, len, pos, base, "a DELTA_BINARY_PACKED value count", &h->total, err));
    PQ_TRY(get_uleb(p, len, pos, base, "a DELTA_BINARY_PACKED first value", &h->first, err));
    h->first = unzigzag(h->first);
    if (h->block_size == 0 || h->block_size % 128 || h->block_size > ((uint64_t)1 << 31))
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a block size that is a positive multiple of 128, found %llu at offset %zu",
                       (unsigned long long)h->block_size, base + at);
    if (h->mb_count == 0 || h->block_size % h->mb_count || (h->block_size / h->mb_count) % 32)
        return PQ_FAIL(err, PQ_ERR_CORRUPT,
                       "expected miniblocks of a multiple of 32 values, found %llu miniblocks in blocks of %llu at offset %zu",
                       (unsigned long long)h->mb_count, (unsigned long long)h->block_size, base + at);
    h->mb_values = h->block_size / h->mb_count;
    return PQ_OK;
}

/* Decode (or, past `need`, only skip) one block's miniblocks.
 * *left counts the stream's values still to come, *need those still to
 * decode into out[*at ..). */
static pq_status decode_block(const uint8_t *p, size_t len, size_t *pos, size_t base, const delta_header *h,
                              int mode, uint64_t *left, int64_t *need, int64_t *at, uint64_t *prev, void *out,
                              pq_error *err)
{
    uint64_t md;
    PQ_TRY(get_uleb(p, len, pos, base, "a DELTA_BINARY_PACKED min delta", &md, err));
    md = unzigzag(md);
    if (len - *pos < h->mb_count)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %llu miniblock bit widths, found %zu bytes at offset %zu",
                       (unsigned long long)h->mb_count, len - *pos, base + *pos);
    size_t wpos = *pos;
    *pos += h->mb_count;
    /* INT32 streams may use widths above 32: DuckDB's V2 writer computes
     * deltas in 64 bits and writes 33-bit miniblocks.  Adding them modulo
     * 2^32 gives the intended values, so accept up to 64 for both types
     * (as parquet-cpp and hyparquet do). */
    int maxw = 64;
    for (uint64_t m = 0; m < h->mb_count && *left > 0; m++) {
        int w = p[wpos + m];
        if (w > maxw)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a miniblock bit width <= %d, found %d at offset %zu", maxw, w,
                           base + wpos + m);
        uint64_t cnt = *left < h->mb_values ? *left : h->mb_values;
        size_t avail = len - *pos, body = (size_t)(h->mb_values / 8 * (uint64_t)w);
        if (*need > 0) {
            int64_t take = (uint64_t)*need < cnt ? *need : (int64_t)cnt;
            size_t nb = (size_t)(((uint64_t)take * (uint64_t)w + 7) / 8);
            if (nb > avail)
                return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected %zu bytes of miniblock values, found %zu at offset %zu", nb,
                               avail, base + *pos);
            for (int64_t c = 0; c < take; c += 32) {
                uint64_t tmp[32];
                size_t skip = (size_t)(c / 32) * 4 * (size_t)w;
                int k = take - c < 32 ? (int)(take - c) : 32;
                unpack32(p + *pos + skip, avail - skip, w, tmp);
                apply_deltas(tmp, k, md, prev, out, *at, mode);
                *at += k;
            }
            *need -= take;
        }
        *pos += body < avail ? body : avail;
        *left -= cnt;
    }
    return PQ_OK;
}

/* Decode exactly n values of the stream at p[0..len) into out (mode's
 * element type, room for n values).  `base` is p's offset in the caller's
 * input.  *consumed = bytes of the whole stream. */
static pq_status delta_decode(const uint8_t *p, size_t len, size_t base, int64_t n, int mode, void *out,
                              size_t *consumed, pq_error *err)
{
    size_t pos = 0;
    delta_header h;
    PQ_TRY(read_header(p, len, &pos, base, &h, err));
    if (h.total < (uint64_t)n)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected at least %lld values in the DELTA_BINARY_PACKED header, found %llu at offset %zu",
                       (long long)n, (unsigned long long)h.total, base);
    uint64_t left = h.total ? h.total - 1 : 0, prev = h.first;
    int64_t need = n > 0 ? n - 1 : 0, at = 1;
    if (n > 0) put_first(h.first, out, mode);
    while (left > 0) PQ_TRY(decode_block(p, len, &pos, base, &h, mode, &left, &need, &at, &prev, out, err));
    *consumed = pos;
    return PQ_OK;
}

/* Read just the header's total count of the stream at p (for sizing). */
static pq_status peek_total(const uint8_t *p, size_t len, size_t base, int64_t n, pq_error *err)
{
    size_t pos = 0;
    delta_header h;
    PQ_TRY(read_header(p, len, &pos, base, &h, err));
    if (h.total < (uint64_t)n)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected at least %lld values in the DELTA_BINARY_PACKED header, found %llu at offset %zu",
                       (long long)n, (unsigned long long)h.total, base);
    return PQ_OK;
}

static pq_status check_n(int64_t n, pq_error *err)
{
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)n);
    return PQ_OK;
}

pq_status pq_delta_bp_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed, pq_error *err)
{
    PQ_TRY(check_n(n, err));
    if (out->type != PQ_PHYS_INT32 && out->type != PQ_PHYS_INT64)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected INT32 or INT64 output for DELTA_BINARY_PACKED, found type %d",
                       (int)out->type);
    PQ_TRY(peek_total(in.ptr, in.len, 0, n, err));
    size_t w = out->type == PQ_PHYS_INT32 ? 4 : 8, bytes;
    if (pq_mul_overflow((size_t)n, w, &bytes)) return PQ_NOMEM(err);
    PQ_TRY(pq_buf_reserve(&out->data, bytes + 8, err));
    size_t used;
    PQ_TRY(delta_decode(in.ptr, in.len, 0, n, w == 4 ? OUT_I32 : OUT_I64, out->data.data + out->data.len, &used, err));
    out->data.len += bytes;
    out->n += n;
    if (consumed) *consumed = used;
    return PQ_OK;
}

pq_status pq_delta_length_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed, pq_error *err)
{
    PQ_TRY(check_n(n, err));
    if (out->type != PQ_PHYS_BYTE_ARRAY)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected BYTE_ARRAY output for DELTA_LENGTH_BYTE_ARRAY, found type %d",
                       (int)out->type);
    PQ_TRY(peek_total(in.ptr, in.len, 0, n, err));
    int64_t *off = NULL;
    PQ_TRY(pq_values_offsets_reserve(out, n, &off, err));
    size_t pos;
    PQ_TRY(delta_decode(in.ptr, in.len, 0, n, OUT_LEN, off, &pos, err));
    /* off[] holds the lengths: check them and turn them into offsets. */
    size_t avail = in.len - pos, sum = 0;
    int64_t end0 = (int64_t)out->data.len;
    for (int64_t i = 0; i < n; i++) {
        int64_t l = off[i];
        if (l < 0)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a byte array length >= 0, found %lld for value %lld",
                           (long long)l, (long long)i);
        if ((uint64_t)l > avail - sum)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a %lld-byte value %lld, found %zu bytes at offset %zu",
                           (long long)l, (long long)i, avail - sum, pos + sum);
        sum += (size_t)l;
        off[i] = end0 + (int64_t)sum;
    }
    PQ_TRY(pq_buf_append(&out->data, in.ptr + pos, sum, err));
    out->offsets.len += (size_t)n * sizeof(int64_t);
    out->n += n;
    if (consumed) *consumed = pos + sum;
    return PQ_OK;
}

/* DELTA_BYTE_ARRAY lengths: check the prefix/suffix pairs against the rules
 * and the `avail` suffix bytes; *total = bytes of all values. */
static pq_status check_prefixes(const int64_t *pre, const int64_t *suf, int64_t n, int32_t fixed_width,
                                size_t avail, size_t data_at, size_t *total, pq_error *err)
{
    int64_t prev_len = 0;
    size_t sum = 0, all = 0;
    for (int64_t i = 0; i < n; i++) {
        if (pre[i] < 0 || pre[i] > prev_len)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a prefix length in 0..%lld, found %lld for value %lld",
                           (long long)prev_len, (long long)pre[i], (long long)i);
        if (suf[i] < 0)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a suffix length >= 0, found %lld for value %lld",
                           (long long)suf[i], (long long)i);
        if ((uint64_t)suf[i] > avail - sum)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a %lld-byte suffix for value %lld, found %zu bytes at offset %zu",
                           (long long)suf[i], (long long)i, avail - sum, data_at + sum);
        sum += (size_t)suf[i];
        prev_len = pre[i] + suf[i];
        if (fixed_width >= 0 && prev_len != fixed_width)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a %d-byte FIXED_LEN_BYTE_ARRAY value, found %lld bytes for value %lld",
                           (int)fixed_width, (long long)prev_len, (long long)i);
        if (pq_add_overflow(all, (size_t)prev_len, &all))
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected DELTA_BYTE_ARRAY values to fit in memory");
    }
    *total = all;
    return PQ_OK;
}

/* Build the values from checked prefix/suffix lengths into out (reserved):
 * each value is copied from the previous one's prefix plus its suffix. */
static void build_prefixed(const int64_t *pre, const int64_t *suf, int64_t n, const uint8_t *sfx, pq_values *out,
                           int64_t *off)
{
    uint8_t *base = out->data.data;
    size_t end = out->data.len, prev = end;
    for (int64_t i = 0; i < n; i++) {
        size_t p = (size_t)pre[i], s = (size_t)suf[i];
        if (p) memcpy(base + end, base + prev, p);
        if (s) memcpy(base + end + p, sfx, s);
        sfx += s;
        prev = end;
        end += p + s;
        if (off) off[i] = (int64_t)end;
    }
    out->data.len = end;
}

/* Decode both length streams into scratch, check, reserve, build. */
static pq_status decode_prefixed(pq_bytes in, int64_t n, int64_t *pre, int64_t *suf, pq_values *out,
                                 size_t *consumed, pq_error *err)
{
    size_t c1 = 0, c2 = 0, total = 0;
    PQ_TRY(delta_decode(in.ptr, in.len, 0, n, OUT_LEN, pre, &c1, err));
    PQ_TRY(delta_decode(in.ptr + c1, in.len - c1, c1, n, OUT_LEN, suf, &c2, err));
    size_t data_at = c1 + c2;
    int32_t fixed = out->type == PQ_PHYS_BYTE_ARRAY ? -1 : out->width;
    PQ_TRY(check_prefixes(pre, suf, n, fixed, in.len - data_at, data_at, &total, err));
    int64_t *off = NULL;
    if (out->type == PQ_PHYS_BYTE_ARRAY) PQ_TRY(pq_values_offsets_reserve(out, n, &off, err));
    PQ_TRY(pq_buf_reserve(&out->data, total + 1, err));
    build_prefixed(pre, suf, n, in.ptr + data_at, out, off);
    if (off) out->offsets.len += (size_t)n * sizeof(int64_t);
    out->n += n;
    size_t sfx = 0;
    for (int64_t i = 0; i < n; i++) sfx += (size_t)suf[i];
    if (consumed) *consumed = data_at + sfx;
    return PQ_OK;
}

pq_status pq_delta_byte_array_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed, pq_error *err)
{
    PQ_TRY(check_n(n, err));
    if (out->type != PQ_PHYS_BYTE_ARRAY && out->type != PQ_PHYS_FIXED_LEN_BYTE_ARRAY)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected BYTE_ARRAY or FLBA output for DELTA_BYTE_ARRAY, found type %d",
                       (int)out->type);
    if (out->type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY && out->width < 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value width >= 0, found %d", (int)out->width);
    PQ_TRY(peek_total(in.ptr, in.len, 0, n, err));
    size_t bytes;
    if (pq_mul_overflow((size_t)n, 2 * sizeof(int64_t), &bytes)) return PQ_NOMEM(err);
    int64_t *scratch = (int64_t *)pq_alloc(out->data.alloc, bytes);
    if (!scratch) return PQ_NOMEM(err);
    pq_status s = decode_prefixed(in, n, scratch, scratch + n, out, consumed, err);
    pq_free(out->data.alloc, scratch);
    return s;
}

/* ------------------------------------------------------------ encoding */

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

/* Pack 32 values of width w (0..64) LSB first: exactly 4w bytes at dst. */
static void pack32(const uint64_t *v, int w, uint8_t *dst)
{
    if (w == 0) return;
    uint64_t acc = 0;
    int bits = 0;
    for (int i = 0; i < 32; i++) {
        uint64_t x = v[i];
        acc |= x << bits;
        if (bits + w >= 64) {
            pq_store_u64le(dst, acc);
            dst += 8;
            acc = bits ? x >> (64 - bits) : 0;
            bits = bits + w - 64;
        } else {
            bits += w;
        }
    }
    if (bits) pq_store_u32le(dst, (uint32_t)acc); /* 32w bits leave 0 or 32 */
}

/* Append one block for the cnt (1..128) values vals[], continuing from
 * *prev; `is32` wraps the deltas to 32 bits so every width is <= 32. */
static pq_status write_block(const uint64_t *vals, int cnt, uint64_t *prev, bool is32, pq_buf *out, pq_error *err)
{
    uint64_t d[ENC_BLOCK];
    int64_t min = INT64_MAX;
    uint64_t pv = *prev;
    for (int i = 0; i < cnt; i++) {
        int64_t delta = is32 ? (int64_t)(int32_t)(uint32_t)(vals[i] - pv) : (int64_t)(vals[i] - pv);
        d[i] = (uint64_t)delta;
        min = delta < min ? delta : min;
        pv = vals[i];
    }
    *prev = pv;
    for (int i = cnt; i < ENC_BLOCK; i++) d[i] = 0; /* padding of the last miniblock */
    int widths[ENC_MINIBLOCKS] = {0};
    size_t body = 0;
    for (int m = 0; m < ENC_MINIBLOCKS; m++) {
        uint64_t any = 0;
        for (int i = m * ENC_MB_VALUES; i < (m + 1) * ENC_MB_VALUES && i < cnt; i++) {
            d[i] -= (uint64_t)min;
            any |= d[i];
        }
        widths[m] = pq_bit_width_of(any);
        if (m * ENC_MB_VALUES < cnt) body += 4 * (size_t)widths[m];
    }
    PQ_TRY(put_uleb(out, zigzag(min), err));
    PQ_TRY(pq_buf_reserve(out, ENC_MINIBLOCKS + body, err));
    for (int m = 0; m < ENC_MINIBLOCKS; m++) out->data[out->len++] = (uint8_t)widths[m];
    for (int m = 0; m < ENC_MINIBLOCKS && m * ENC_MB_VALUES < cnt; m++) {
        pack32(d + m * ENC_MB_VALUES, widths[m], out->data + out->len);
        out->len += 4 * (size_t)widths[m];
    }
    return PQ_OK;
}

/* Where an encoded stream's values come from. */
typedef enum { SRC_I32, SRC_I64, SRC_ARR64 } delta_src_kind;
typedef struct delta_src {
    delta_src_kind kind;
    const uint8_t *data;    /* SRC_I32 / SRC_I64: LE values */
    const int64_t *arr;     /* SRC_ARR64: values */
} delta_src;

/* vals[0..cnt) = values start.. of the source, as (sign-extended) uint64. */
static void fill_values(const delta_src *s, int64_t start, int cnt, uint64_t *vals)
{
    switch (s->kind) {
    case SRC_I32:
        for (int i = 0; i < cnt; i++) vals[i] = (uint64_t)(int64_t)(int32_t)pq_load_u32le(s->data + 4 * (start + i));
        break;
    case SRC_I64:
        for (int i = 0; i < cnt; i++) vals[i] = pq_load_u64le(s->data + 8 * (start + i));
        break;
    case SRC_ARR64:
        for (int i = 0; i < cnt; i++) vals[i] = (uint64_t)s->arr[start + i];
        break;
    }
}

/* Append a whole DELTA_BINARY_PACKED stream of n source values. */
static pq_status delta_encode(const delta_src *s, int64_t n, bool is32, pq_buf *out, pq_error *err)
{
    uint64_t first = 0;
    if (n > 0) fill_values(s, 0, 1, &first);
    if (is32) first = (uint64_t)(int64_t)(int32_t)(uint32_t)first;
    PQ_TRY(put_uleb(out, ENC_BLOCK, err));
    PQ_TRY(put_uleb(out, ENC_MINIBLOCKS, err));
    PQ_TRY(put_uleb(out, (uint64_t)n, err));
    PQ_TRY(put_uleb(out, zigzag((int64_t)first), err));
    uint64_t prev = first, vals[ENC_BLOCK];
    for (int64_t i = 1; i < n; i += ENC_BLOCK) {
        int cnt = n - i < ENC_BLOCK ? (int)(n - i) : ENC_BLOCK;
        fill_values(s, i, cnt, vals);
        PQ_TRY(write_block(vals, cnt, &prev, is32, out, err));
    }
    return PQ_OK;
}

pq_status pq_delta_bp_encode(const pq_values_view *v, pq_buf *out, pq_error *err)
{
    if (v->type != PQ_PHYS_INT32 && v->type != PQ_PHYS_INT64)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected INT32 or INT64 values for DELTA_BINARY_PACKED, found type %d",
                       (int)v->type);
    PQ_TRY(check_n(v->n, err));
    delta_src s = {v->type == PQ_PHYS_INT32 ? SRC_I32 : SRC_I64, v->data, NULL};
    size_t start = out->len;
    pq_status st = delta_encode(&s, v->n, v->type == PQ_PHYS_INT32, out, err);
    if (st != PQ_OK) out->len = start;
    return st;
}

/* Value i of a BYTE_ARRAY or FLBA view: start pointer and length.  A view
 * of only empty values may have no data at all (NULL). */
static inline const uint8_t *value_at(const pq_values_view *v, int64_t i, size_t *len)
{
    const uint8_t *base = v->data ? v->data : (const uint8_t *)"";
    if (v->type == PQ_PHYS_BYTE_ARRAY) {
        *len = (size_t)(v->offsets[i + 1] - v->offsets[i]);
        return v->data ? base + v->offsets[i] : base;
    }
    *len = (size_t)v->width;
    return base + (size_t)i * (size_t)v->width;
}

/* Fail unless every value of v is at most INT32_MAX bytes (the format's
 * lengths are i32). */
static pq_status check_lengths(const pq_values_view *v, pq_error *err)
{
    if (v->type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY) return PQ_OK;
    for (int64_t i = 0; i < v->n; i++) {
        int64_t l = v->offsets[i + 1] - v->offsets[i];
        if (l < 0 || l > INT32_MAX)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a byte array length in 0..2^31-1, found %lld at value %lld",
                           (long long)l, (long long)i);
    }
    return PQ_OK;
}

/* The lengths of a BYTE_ARRAY view into arr[0..n) (scratch). */
static void lengths_of(const pq_values_view *v, int64_t *arr)
{
    for (int64_t i = 0; i < v->n; i++) arr[i] = v->offsets[i + 1] - v->offsets[i];
}

static pq_status delta_length_encode_into(const pq_values_view *v, int64_t *arr, pq_buf *out, pq_error *err)
{
    lengths_of(v, arr);
    delta_src s = {SRC_ARR64, NULL, arr};
    PQ_TRY(delta_encode(&s, v->n, true, out, err));
    size_t bytes = v->n ? (size_t)(v->offsets[v->n] - v->offsets[0]) : 0;
    return pq_buf_append(out, bytes ? v->data + v->offsets[0] : NULL, bytes, err);
}

/* Allocate an int64 scratch of n entries from `a` (at least one entry). */
static int64_t *scratch_alloc(const pq_allocator *a, int64_t n)
{
    size_t bytes;
    if (pq_mul_overflow((size_t)n + 1, sizeof(int64_t), &bytes)) return NULL;
    return (int64_t *)pq_alloc(a, bytes);
}

pq_status pq_delta_length_encode(const pq_values_view *v, pq_buf *out, pq_error *err)
{
    if (v->type != PQ_PHYS_BYTE_ARRAY)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected BYTE_ARRAY values for DELTA_LENGTH_BYTE_ARRAY, found type %d",
                       (int)v->type);
    PQ_TRY(check_n(v->n, err));
    PQ_TRY(check_lengths(v, err));
    int64_t *arr = scratch_alloc(out->alloc, v->n);
    if (!arr) return PQ_NOMEM(err);
    size_t start = out->len;
    pq_status s = delta_length_encode_into(v, arr, out, err);
    if (s != PQ_OK) out->len = start;
    pq_free(out->alloc, arr);
    return s;
}

/* Length of the common prefix of a[0..na) and b[0..nb), 8 bytes a step. */
static size_t common_prefix(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    size_t n = na < nb ? na : nb, i = 0;
    while (i + 8 <= n) {
        uint64_t x = pq_load_u64le(a + i) ^ pq_load_u64le(b + i);
        if (x) return i + (size_t)(__builtin_ctzll(x) / 8);
        i += 8;
    }
    while (i < n && a[i] == b[i]) i++;
    return i;
}

/* Body of pq_delta_byte_array_encode with the scratch `arr` (n entries). */
static pq_status delta_byte_array_encode_into(const pq_values_view *v, int64_t *arr, pq_buf *out, pq_error *err)
{
    const uint8_t *prev = NULL;
    size_t prev_len = 0, sfx_total = 0;
    for (int64_t i = 0; i < v->n; i++) {
        size_t len;
        const uint8_t *cur = value_at(v, i, &len);
        arr[i] = (int64_t)(prev ? common_prefix(prev, prev_len, cur, len) : 0);
        sfx_total += len - (size_t)arr[i];
        prev = cur;
        prev_len = len;
    }
    delta_src s = {SRC_ARR64, NULL, arr};
    PQ_TRY(delta_encode(&s, v->n, true, out, err));
    for (int64_t i = 0; i < v->n; i++) {
        size_t len;
        value_at(v, i, &len);
        arr[i] = (int64_t)len - arr[i];
    }
    PQ_TRY(delta_encode(&s, v->n, true, out, err));
    PQ_TRY(pq_buf_reserve(out, sfx_total + 1, err));
    for (int64_t i = 0; i < v->n; i++) {
        size_t len;
        const uint8_t *cur = value_at(v, i, &len);
        size_t sl = (size_t)arr[i];
        if (sl) memcpy(out->data + out->len, cur + (len - sl), sl);
        out->len += sl;
    }
    return PQ_OK;
}

pq_status pq_delta_byte_array_encode(const pq_values_view *v, pq_buf *out, pq_error *err)
{
    if (v->type != PQ_PHYS_BYTE_ARRAY && v->type != PQ_PHYS_FIXED_LEN_BYTE_ARRAY)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected BYTE_ARRAY or FLBA values for DELTA_BYTE_ARRAY, found type %d",
                       (int)v->type);
    PQ_TRY(check_n(v->n, err));
    if (v->type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY && v->width < 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value width >= 0, found %d", (int)v->width);
    PQ_TRY(check_lengths(v, err));
    int64_t *arr = scratch_alloc(out->alloc, v->n);
    if (!arr) return PQ_NOMEM(err);
    size_t start = out->len;
    pq_status s = delta_byte_array_encode_into(v, arr, out, err);
    if (s != PQ_OK) out->len = start;
    pq_free(out->alloc, arr);
    return s;
}
