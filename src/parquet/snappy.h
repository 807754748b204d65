/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/snappy.h - parquant's own decoder for raw Snappy blocks (the
 * Parquet SNAPPY codec), written from google/snappy's format_description.txt.
 * Compression stays with Debian's libsnappy; this unit only decodes, because
 * libsnappy 1.1.9 spends most of a Snappy page read in out-of-line
 * memcpy/memmove calls for every short literal and copy (docs/performance.md,
 * "Own Snappy decoder").  A leaf unit: no allocation, no state.
 *
 * Both functions take untrusted bytes: they never read past src[n) nor write
 * past dst[dst_len), and fail with PQ_ERR_CORRUPT ("expected X, found Y at
 * input offset N") on any malformed stream.
 */
#ifndef PARQUANT_PARQUET_SNAPPY_H
#define PARQUANT_PARQUET_SNAPPY_H

#include "core/core.h"

/** Read the uncompressed length that opens a Snappy block: a little-endian
 *  base-128 varint of at most 5 bytes whose value fits in 32 bits.
 *  @param src, n  the block (src may be NULL when n is 0)
 *  @param out_len OUT: the declared length; untouched on failure
 *  @return PQ_ERR_CORRUPT for a truncated or over-long varint. */
PQ_NODISCARD pq_status pq_snappy_uncompressed_length(const uint8_t *src, size_t n, size_t *out_len, pq_error *err);

/** Decode the Snappy block src[0..n) into exactly dst_len bytes at dst.
 *  Succeeds only when the declared length equals dst_len and the elements
 *  that follow consume all n bytes and produce exactly dst_len bytes.
 *  `src` and `dst` must not overlap.  dst may be NULL when dst_len is 0.
 *  On failure dst holds unspecified bytes (never more than dst_len of them).
 *  @return PQ_ERR_CORRUPT for a malformed length header, a declared length
 *  other than dst_len, an element cut off by the end of the input, a copy
 *  offset of 0 or reaching before the start of the output, an element that
 *  would write past dst_len, or a stream ending short of dst_len. */
PQ_NODISCARD pq_status pq_snappy_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len,
                                            pq_error *err);

#endif /* PARQUANT_PARQUET_SNAPPY_H */
