/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/snappy.c - decoder for raw Snappy blocks, written from
 * google/snappy's format_description.txt (no third-party code):
 *
 *   block   = varint32 uncompressed_length, element*
 *   element = tag byte; its low 2 bits give the kind:
 *     00 literal  bits 2-7 = len-1 for len 1..60; 60..63 = 1..4 LE bytes of
 *                 len-1 follow; then len raw bytes
 *     01 copy-1   bits 2-4 = len-4 (4..11), bits 5-7 = offset bits 8-10,
 *                 one byte of offset bits 0-7
 *     10 copy-2   bits 2-7 = len-1 (1..64), 16-bit LE offset
 *     11 copy-4   bits 2-7 = len-1 (1..64), 32-bit LE offset
 *   A copy repeats `len` bytes starting `offset` bytes back in the output;
 *   offset < len repeats a pattern (offset 1 = a run of one byte).
 *
 * Why our own: libsnappy 1.1.9 (Debian 12) calls memcpy/memmove through the
 * PLT for every short element, which made it ~70% of a Snappy page read
 * (docs/performance.md).  The compressor stays libsnappy's.
 *
 * Speed: the elements of numeric pages are tiny (about 4 output bytes
 * each), so the time per element is what counts.  While at least
 * SNAPPY_FAST_IN input and SNAPPY_FAST_OUT output bytes remain (and 8 bytes
 * have been written), snappy_fast decodes with no per-element function call
 * and few data-dependent branches:
 *  - the next tag's position depends only on the current tag, and both
 *    candidates (after a literal, after a copy) are loaded before the
 *    choice is made, so the loop-carried chain is one load and a select;
 *  - a 256-entry table gives each tag's length, offset bits and "slow" flag;
 *  - an element of <= 16 bytes whose source lies >= 8 bytes back (literals
 *    always) is moved with two fixed 8-byte moves from input or output;
 *  - these moves may over-read the input and over-write the output within
 *    the slack; bytes written past the element are rewritten by later ones.
 * Longer elements and offsets 1..7 take snappy_copy_fast (16-byte blocks,
 * pattern stores).  Anything unusual - a literal with length bytes, a copy-4
 * (libsnappy never emits one: it compresses 64 KiB fragments), an offset of
 * 0 or reaching before the output - returns to the caller, which hands the
 * element to snappy_step: the fully checked one-element decoder that also
 * runs the tail and writes every error message.
 *
 * Invariants: never reads outside src[0..n) nor writes outside
 * dst[0..dst_len); lengths from the input are held in 64 bits before being
 * compared with what remains, so no sum can wrap; no allocation.
 */
#include "parquet/snappy.h"

/* Fast-loop slack, measured from the tag of the element being decoded.
 * Input: the candidate next tag after a literal is read at tag+1+len (up to
 * tag+65), a 17..60-byte literal is copied as four 16-byte blocks from
 * tag+1 (up to tag+65 exclusive).  Output: a copy of up to 64 bytes rounded
 * up to 16-byte blocks writes op[0..64); a short-offset pattern writes
 * 8-byte stores starting below op+len, so up to op[0..71). */
#define SNAPPY_FAST_IN 66
#define SNAPPY_FAST_OUT 72
#define SNAPPY_VARINT_MAX 5 /* bytes in a varint32 */

static inline void snappy_copy8(uint8_t *d, const uint8_t *s) { memcpy(d, s, 8); }
static inline void snappy_copy16(uint8_t *d, const uint8_t *s) { memcpy(d, s, 16); }

/* For an offset 1..7: the largest multiple of the offset that is <= 8, so
 * that an 8-byte pattern starting at phase 0 can be stored every `step`
 * bytes and each store starts at phase 0 again. */
static const uint8_t snappy_pattern_step[8] = {0, 8, 8, 6, 8, 5, 6, 7};

/* Per-tag decoding table for the fast loop, built by the preprocessor from
 * the format rules (so it cannot drift from them):
 *   bits 0-6   element length (literal 1..64, copy-1 4..11, copy-2/4 1..64)
 *   bit  7     slow: a literal with length bytes (tag >> 2 >= 60) or a copy-4
 *   bits 8-23  added to the offset: a copy-1's offset bits 8-10 (as a value
 *              << 8); for a literal the pseudo-offset 8, which lets literals
 *              pass the fast loop's one offset test
 *   bits 32-63 mask over the 4 bytes after the tag that gives the offset */
#define SNAPPY_LIT(t) \
    ((uint64_t)(((t) >> 2) + 1) | ((t) >> 2 >= 60 ? 0x80u : 0u) | ((uint64_t)8 << 8))
#define SNAPPY_C1(t) \
    ((uint64_t)((((t) >> 2) & 7) + 4) | ((uint64_t)((t) >> 5) << 16) | ((uint64_t)0xff << 32))
#define SNAPPY_C2(t) ((uint64_t)(((t) >> 2) + 1) | ((uint64_t)0xffff << 32))
#define SNAPPY_C4(t) ((uint64_t)(((t) >> 2) + 1) | 0x80u | ((uint64_t)0xffffffff << 32))
#define SNAPPY_E(t) \
    (((t) & 3) == 0 ? SNAPPY_LIT(t) : ((t) & 3) == 1 ? SNAPPY_C1(t) : ((t) & 3) == 2 ? SNAPPY_C2(t) : SNAPPY_C4(t))
#define SNAPPY_E4(t) SNAPPY_E(t), SNAPPY_E((t) + 1), SNAPPY_E((t) + 2), SNAPPY_E((t) + 3)
#define SNAPPY_E16(t) SNAPPY_E4(t), SNAPPY_E4((t) + 4), SNAPPY_E4((t) + 8), SNAPPY_E4((t) + 12)
#define SNAPPY_E64(t) SNAPPY_E16(t), SNAPPY_E16((t) + 16), SNAPPY_E16((t) + 32), SNAPPY_E16((t) + 48)
static const uint64_t snappy_tag_info[256] = {SNAPPY_E64(0), SNAPPY_E64(64), SNAPPY_E64(128), SNAPPY_E64(192)};

/** The varint32 at the start of a block; *hdr = its size in bytes. */
static pq_status snappy_read_length(const uint8_t *src, size_t n, size_t *out_len, size_t *hdr, pq_error *err)
{
    uint32_t v = 0;
    for (size_t i = 0; i < SNAPPY_VARINT_MAX; i++) {
        if (i == n)
            return PQ_FAIL(err, PQ_ERR_CORRUPT,
                           "SNAPPY: expected a length varint, found the input ending after %zu bytes", n);
        uint32_t b = src[i];
        /* The fifth byte holds bits 28..31: more would not fit in 32 bits. */
        if (i == SNAPPY_VARINT_MAX - 1 && b > 15)
            return PQ_FAIL(err, PQ_ERR_CORRUPT,
                           "SNAPPY: expected a length varint below 2^32, found fifth byte 0x%02x at input offset 4",
                           (unsigned)b);
        v |= (b & 127u) << (7 * i);
        if (b < 128) {
            *out_len = v;
            *hdr = i + 1;
            return PQ_OK;
        }
    }
    return PQ_FAIL(err, PQ_ERR_INTERNAL, "SNAPPY: varint loop ended without a result");
}

pq_status pq_snappy_uncompressed_length(const uint8_t *src, size_t n, size_t *out_len, pq_error *err)
{
    size_t hdr;
    return snappy_read_length(src, n, out_len, &hdr, err);
}

/** An element at input offset `at` needs `need` output bytes where `room` remain. */
static pq_status snappy_overrun(pq_error *err, size_t dst_len, uint64_t need, size_t room, size_t at)
{
    return PQ_FAIL(err, PQ_ERR_CORRUPT,
                   "SNAPPY: expected %zu decompressed bytes, found more (element of %llu bytes with %zu bytes of "
                   "room at input offset %zu)",
                   dst_len, (unsigned long long)need, room, at);
}

/** Little-endian unsigned integer of nb (1..4) bytes. */
static uint32_t snappy_load_le(const uint8_t *p, size_t nb)
{
    uint32_t v = 0;
    for (size_t i = 0; i < nb; i++) v |= (uint32_t)p[i] << (8 * i);
    return v;
}

/** Decode one element at *ipp with every bound checked, advancing *ipp and
 *  *opp.  Runs for the tail and for whatever the fast loop declines.
 *  Precondition: *ipp < ip_end. */
static pq_status snappy_step(const uint8_t *src, const uint8_t **ipp, const uint8_t *ip_end, uint8_t *dst,
                             uint8_t **opp, uint8_t *op_end, pq_error *err)
{
    const uint8_t *ip = *ipp;
    uint8_t *op = *opp;
    size_t at = (size_t)(ip - src);
    uint32_t tag = *ip++;
    size_t avail = (size_t)(ip_end - ip), room = (size_t)(op_end - op);
    if ((tag & 3) == 0) {
        uint64_t len = (tag >> 2) + 1;
        if (len > 60) {
            size_t nb = (size_t)len - 60;
            if (avail < nb)
                return PQ_FAIL(err, PQ_ERR_CORRUPT,
                               "SNAPPY: expected %zu literal length bytes, found %zu at input offset %zu", nb, avail,
                               at);
            len = (uint64_t)snappy_load_le(ip, nb) + 1; /* up to 2^32: kept in 64 bits */
            ip += nb;
            avail -= nb;
        }
        if (len > avail)
            return PQ_FAIL(err, PQ_ERR_CORRUPT,
                           "SNAPPY: expected a literal of %llu bytes, found %zu input bytes left at input offset %zu",
                           (unsigned long long)len, avail, at);
        if (len > room) return snappy_overrun(err, (size_t)(op_end - dst), len, room, at);
        memcpy(op, ip, (size_t)len);
        *ipp = ip + len;
        *opp = op + len;
        return PQ_OK;
    }
    static const uint8_t offset_bytes[4] = {0, 1, 2, 4};
    size_t nb = offset_bytes[tag & 3];
    if (avail < nb)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "SNAPPY: expected %zu copy offset bytes, found %zu at input offset %zu",
                       nb, avail, at);
    size_t off = snappy_load_le(ip, nb), len;
    if ((tag & 3) == 1) {
        len = ((tag >> 2) & 7) + 4;
        off |= (size_t)(tag >> 5) << 8;
    } else {
        len = (tag >> 2) + 1;
    }
    size_t written = (size_t)(op - dst);
    if (off == 0 || off > written)
        return PQ_FAIL(err, PQ_ERR_CORRUPT,
                       "SNAPPY: expected a copy offset in 1..%zu (bytes written so far), found %zu at input offset %zu",
                       written, off, at);
    if (len > room) return snappy_overrun(err, (size_t)(op_end - dst), len, room, at);
    const uint8_t *from = op - off;
    if (off >= len) memcpy(op, from, len);
    else
        for (size_t i = 0; i < len; i++) op[i] = from[i]; /* overlapping: repeats the pattern */
    *ipp = ip + nb;
    *opp = op + len;
    return PQ_OK;
}

/** Copy len (1..64) bytes from off (1..op-dst) bytes back.  May write up
 *  to op[0..71): the caller guarantees SNAPPY_FAST_OUT bytes of room. */
static inline void snappy_copy_fast(uint8_t *op, size_t off, size_t len)
{
    const uint8_t *from = op - off;
    if (off >= 16) {
        /* Each block reads bytes at least 16 below the one it writes, so it
         * only reads bytes already final. */
        snappy_copy16(op, from);
        if (len > 16) {
            snappy_copy16(op + 16, from + 16);
            if (len > 32) {
                snappy_copy16(op + 32, from + 32);
                snappy_copy16(op + 48, from + 48);
            }
        }
    } else if (off >= 8) {
        snappy_copy8(op, from);
        snappy_copy8(op + 8, from + 8);
        for (size_t i = 16; i < len; i += 8) snappy_copy8(op + i, from + i);
    } else {
        /* Offset 1..7: the `off` bytes before op repeat.  Widen them to an
         * 8-byte pattern (the load also picks up not-yet-written bytes at op
         * and beyond, which the mask drops), then store it every `step`
         * bytes, a multiple of off, so each store starts at phase 0. */
        uint64_t p = pq_load_u64le(from) & (UINT64_MAX >> (64 - 8 * off));
        for (size_t d = off; d < 8; d *= 2) p |= p << (8 * d);
        size_t step = snappy_pattern_step[off];
        uint8_t *q = op, *e = op + len;
        do {
            pq_store_u64le(q, p);
            q += step;
        } while (q < e);
    }
}

/** Decode elements from the tag at `ip` while the next tag is at least
 *  SNAPPY_FAST_IN bytes from the input's end (ip < ip_fast) and op at
 *  least SNAPPY_FAST_OUT bytes from the output's end (op < op_fast).
 *  Preconditions: ip < ip_fast, op < op_fast, op - dst >= 8.  Returns the
 *  position of the first tag it did not decode (*opp: the output position
 *  there); that element may be unusual or malformed, so the caller decodes
 *  it with snappy_step. */
static inline const uint8_t *snappy_fast(const uint8_t *ip, const uint8_t *ip_fast, uint8_t *dst, uint8_t **opp,
                                         const uint8_t *op_fast)
{
    uint8_t *op = *opp;
    size_t tag = ip[0];
    const uint8_t *p = ip + 1; /* just past the current tag */
    for (;;) {
        size_t kind = tag & 3, len_m1 = tag >> 2;
        /* Load both candidates for the next tag before knowing which one is
         * right: the loop then waits for one load and a select per element
         * instead of a load, the length arithmetic and a second load.
         * volatile keeps the compiler from sinking the loads below the
         * select. */
        size_t tag_after_literal = ((const volatile uint8_t *)p)[len_m1 + 1];
        size_t tag_after_copy = ((const volatile uint8_t *)p)[kind];
        uint64_t info = snappy_tag_info[tag];
        size_t len = (size_t)(info & 0x7f);
        size_t off = (size_t)((pq_load_u32le(p) & (info >> 32)) | ((info >> 8) & 0xffff));
        size_t written = (size_t)(op - dst);
        const uint8_t *next = kind == 0 ? p + len_m1 + 2 : p + kind + 1;
        /* Off the common path: over 16 bytes, the slow flag, or an offset
         * outside 8..written (one unsigned compare: written >= 8). */
        if (__builtin_expect(((info & 0xff) > 16) | (off - 8 >= written - 7), 0)) {
            if ((info & 0x80) || off - 1 >= written) break; /* snappy_step decodes or reports it */
            if (kind == 0) {
                snappy_copy16(op, p);
                snappy_copy16(op + 16, p + 16);
                snappy_copy16(op + 32, p + 32);
                snappy_copy16(op + 48, p + 48);
            } else {
                snappy_copy_fast(op, off, len);
            }
        } else {
            /* A copy's source is >= 8 bytes back, so the second move reads
             * only bytes the first has already written. */
            const uint8_t *from = kind == 0 ? p : op - off;
            snappy_copy8(op, from);
            snappy_copy8(op + 8, from + 8);
        }
        op += len;
        tag = kind == 0 ? tag_after_literal : tag_after_copy;
        p = next;
        if (!(p - 1 < ip_fast && op < op_fast)) break;
    }
    *opp = op;
    return p - 1;
}

pq_status pq_snappy_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len, pq_error *err)
{
    size_t declared = 0, hdr = 0;
    PQ_TRY(snappy_read_length(src, n, &declared, &hdr, err));
    if (declared != dst_len)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "SNAPPY: expected %zu decompressed bytes, found %zu", dst_len,
                       declared); /* the header's length; the wording matches the other codecs' */
    if (dst_len == 0) { /* dst may be NULL: no pointer arithmetic on it */
        if (hdr != n)
            return PQ_FAIL(err, PQ_ERR_CORRUPT,
                           "SNAPPY: expected 0 decompressed bytes, found %zu more input bytes at input offset %zu",
                           n - hdr, hdr);
        return PQ_OK;
    }
    const uint8_t *ip = src + hdr, *ip_end = src + n;
    uint8_t *op = dst, *op_end = dst + dst_len;
    /* ip < ip_fast <=> at least SNAPPY_FAST_IN bytes left; same for op.
     * With too little data the limits sit at the start and the fast loop
     * never runs. */
    const uint8_t *ip_fast = n - hdr >= SNAPPY_FAST_IN ? ip_end - SNAPPY_FAST_IN + 1 : ip;
    uint8_t *op_fast = dst_len >= SNAPPY_FAST_OUT ? op_end - SNAPPY_FAST_OUT + 1 : op;
    while (ip < ip_end) {
        if (ip < ip_fast && op < op_fast && op - dst >= 8) {
            ip = snappy_fast(ip, ip_fast, dst, &op, op_fast);
            if (ip == ip_end) break;
        }
        PQ_TRY(snappy_step(src, &ip, ip_end, dst, &op, op_end, err));
    }
    if (op != op_end)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "SNAPPY: expected %zu decompressed bytes, found %zu at the end of the input",
                       dst_len, (size_t)(op - dst));
    return PQ_OK;
}
