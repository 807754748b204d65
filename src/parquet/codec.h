/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/codec.h - page compression through Debian's libraries: snappy,
 * gzip (libdeflate; several concatenated members accepted), zstd, lz4 (raw
 * block "LZ4_RAW"; legacy "LZ4" with Hadoop framing, falling back to a raw
 * block and then to the LZ4 frame format), brotli.  LZO is rejected with
 * PQ_ERR_UNSUPPORTED.  A leaf unit: knows nothing about pages or files.
 *
 * A pq_codec_ctx caches the libraries' (de)compression contexts; it belongs
 * to one reader/writer thread and is not thread-safe.
 */
#ifndef PARQUANT_PARQUET_CODEC_H
#define PARQUANT_PARQUET_CODEC_H

#include "core/core.h"
#include "parquant/parquet.h"

typedef struct pq_codec_ctx pq_codec_ctx;

PQ_NODISCARD pq_status pq_codec_ctx_create(pq_codec_ctx **out, const pq_allocator *alloc, pq_error *err);
/** Accepts NULL. */
void pq_codec_ctx_destroy(pq_codec_ctx *ctx);

/** True when this build can compress with `c` (writers never produce LZ4 or LZO). */
bool pq_codec_can_write(pq_codec c);

/** Compress `in` with codec `c` at `level` (0 = codec default; ignored by
 *  codecs without levels), APPENDING the result to `out`.
 *  UNCOMPRESSED copies.  Level 0 = default: zstd 3, gzip 6, brotli 6;
 *  LZ4_RAW levels 2..12 use LZ4HC (still a plain LZ4 block).
 *  @return PQ_ERR_UNSUPPORTED for LZ4/LZO, PQ_ERR_INVALID_ARG for a level out
 *  of range or an unknown codec, PQ_ERR_LIMIT over INT32_MAX bytes (a page
 *  size is an i32), PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_codec_compress(pq_codec_ctx *ctx, pq_codec c, int level, pq_bytes in, pq_buf *out,
                                         pq_error *err);

/** Decompress `in` into exactly `out_len` bytes at `out`.  An `in` of zero
 *  bytes with out_len 0 is accepted for every codec without calling the
 *  library.  @return PQ_ERR_CORRUPT when the stream is malformed or does not
 *  decode to exactly out_len bytes (message gives expected and found sizes),
 *  PQ_ERR_UNSUPPORTED for LZO or an unknown codec value, PQ_ERR_LIMIT over
 *  INT32_MAX bytes, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_codec_decompress(pq_codec_ctx *ctx, pq_codec c, pq_bytes in, uint8_t *out,
                                           size_t out_len, pq_error *err);

#endif /* PARQUANT_PARQUET_CODEC_H */
