/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/codec.c - Parquet page compression (CompressionCodec in
 * parquet.thrift) on top of Debian 12's libraries: snappy-c (raw snappy
 * block; decoded by parquant's own parquet/snappy.c for speed), libdeflate 1.14 (gzip, RFC 1952, several concatenated members
 * accepted), zstd 1.5 (one or more frames), lz4 1.9 (LZ4_RAW = one raw block;
 * legacy LZ4 read as Hadoop framing, then a raw block, then the LZ4 frame
 * format) and brotli 1.0 (RFC 7932).  LZO is rejected as unsupported.
 *
 * Invariants:
 *  - every size that enters a library fits its parameter type: page sizes are
 *    i32 in the format, so buffers over INT32_MAX are refused with
 *    PQ_ERR_LIMIT before any library sees them, and the int narrowing lz4
 *    needs is checked again where it happens;
 *  - decompression writes at most out_len bytes and succeeds only when the
 *    whole input decodes to exactly out_len bytes;
 *  - library contexts live in the pq_codec_ctx, are created on first use and
 *    allocate through the ctx's pq_allocator where the library lets us
 *    (zstd's ZSTD_customMem, lz4frame's LZ4F_CustomMem, brotli's
 *    alloc/free hooks - the encoder's with a libc fallback, see
 *    brotli_enc_alloc - and the LZ4HC state).  libdeflate 1.14 only offers a
 *    process-global malloc hook (libdeflate_set_memory_allocator; the
 *    per-compressor libdeflate_alloc_compressor_ex arrived in 1.19), and
 *    snappy-c offers none, so those two use the C library's heap.
 */
#include "parquet/codec.h"
#include "parquet/snappy.h"

#include <limits.h>
#include <stdlib.h>

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_customMem, ZSTD_create?Ctx_advanced, ZSTD_findDecompressedSize */
#include <zstd.h>
#include <zstd_errors.h>

#define LZ4F_STATIC_LINKING_ONLY /* LZ4F_CustomMem, LZ4F_getErrorCode */
#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <libdeflate.h>
#include <snappy-c.h>

#define CODEC_GZIP_LEVEL_MAX 12     /* libdeflate's slowest level */
#define CODEC_GZIP_DEFAULT 6
#define CODEC_ZSTD_DEFAULT 3
#define CODEC_BROTLI_DEFAULT 6
#define CODEC_BROTLI_WINDOW 22      /* BROTLI_DEFAULT_WINDOW: 4 MiB, as parquet-mr/Arrow */
#define CODEC_LZ4_ACCEL_MAX 65537   /* LZ4_ACCELERATION_MAX in lz4 1.9 */
#define CODEC_SIZE_MAX ((size_t)INT32_MAX) /* Parquet page sizes are i32 */

struct pq_codec_ctx {
    const pq_allocator *alloc;        /* NULL = libc; owns this struct too */
    ZSTD_CCtx *zstd_c;                /* NULL until the first ZSTD compression */
    ZSTD_DCtx *zstd_d;                /* NULL until the first ZSTD decompression */
    LZ4F_dctx *lz4f_d;                /* NULL until a legacy LZ4 page needs the frame format */
    void *lz4hc_state;                /* LZ4_sizeofStateHC() bytes, for LZ4_RAW levels 2..12 */
    struct libdeflate_decompressor *gzip_d;                          /* lazily created */
    struct libdeflate_compressor *gzip_c[CODEC_GZIP_LEVEL_MAX + 1];  /* by level 1..12 */
    bool brotli_refused;              /* the allocator refused a brotli encoder block */
};

/* Stands in for the NULL pointer of an empty input so that no library (nor
 * our own pointer arithmetic) ever sees NULL + 0. */
static const uint8_t codec_empty[1];

/* ------------------------------------------------------------ helpers */

/** Upper-case codec name as in parquet.thrift, for messages. */
static const char *codec_label(pq_codec c)
{
    switch (c) {
    case PQ_CODEC_UNCOMPRESSED: return "UNCOMPRESSED";
    case PQ_CODEC_SNAPPY: return "SNAPPY";
    case PQ_CODEC_GZIP: return "GZIP";
    case PQ_CODEC_LZO: return "LZO";
    case PQ_CODEC_BROTLI: return "BROTLI";
    case PQ_CODEC_LZ4: return "LZ4";
    case PQ_CODEC_ZSTD: return "ZSTD";
    case PQ_CODEC_LZ4_RAW: return "LZ4_RAW";
    }
    return "unknown codec";
}

/** Allocation hooks handed to zstd, lz4frame and brotli; `opaque` is the ctx. */
static void *codec_mem_alloc(void *opaque, size_t n)
{
    return pq_alloc(((const pq_codec_ctx *)opaque)->alloc, n);
}

static void codec_mem_free(void *opaque, void *p)
{
    pq_free(((const pq_codec_ctx *)opaque)->alloc, p);
}

/* Debian 12's brotli 1.0.9 encoder calls exit() when its allocator returns
 * NULL (fixed in brotli 1.1).  So the encoder's hooks never hand it NULL:
 * when the ctx's allocator refuses, the block comes from libc instead and
 * ctx->brotli_refused makes the call report PQ_ERR_NOMEM once the encoder
 * has been torn down.  Each block carries a 16-byte header (keeping
 * malloc's alignment) recording which heap owns it.  Only a libc failure on
 * top of a refusal still reaches brotli's exit(). */
#define BROTLI_HDR 16

static void *brotli_enc_alloc(void *opaque, size_t n)
{
    pq_codec_ctx *ctx = (pq_codec_ctx *)opaque;
    size_t total;
    if (pq_add_overflow(n, BROTLI_HDR, &total)) return NULL;
    uint8_t *p = (uint8_t *)pq_alloc(ctx->alloc, total);
    uint8_t owner = 1;
    if (!p) {
        ctx->brotli_refused = true;
        p = (uint8_t *)malloc(total);
        owner = 2;
        if (!p) return NULL;
    }
    p[0] = owner;
    return p + BROTLI_HDR;
}

static void brotli_enc_free(void *opaque, void *q)
{
    if (!q) return;
    uint8_t *p = (uint8_t *)q - BROTLI_HDR;
    if (p[0] == 2) free(p);
    else pq_free(((const pq_codec_ctx *)opaque)->alloc, p);
}

/** Checked size_t -> int narrowing for lz4's int sizes: false when v > INT_MAX. */
static bool codec_to_int(size_t v, int *out)
{
    if (v > (size_t)INT_MAX) return false;
    *out = (int)v;
    return true;
}

/** The stream decoded to `found` bytes where the page header promised `expected`. */
static pq_status codec_size_mismatch(pq_error *err, pq_codec c, size_t expected, size_t found)
{
    return PQ_FAIL(err, PQ_ERR_CORRUPT, "%s: expected %zu decompressed bytes, found %zu", codec_label(c),
                   expected, found);
}

/** The stream decodes to more than the `expected` bytes the page header promised. */
static pq_status codec_too_long(pq_error *err, pq_codec c, size_t expected)
{
    return PQ_FAIL(err, PQ_ERR_CORRUPT, "%s: expected %zu decompressed bytes, found more", codec_label(c),
                   expected);
}

/* ------------------------------------------------------------ lifecycle */

pq_status pq_codec_ctx_create(pq_codec_ctx **out, const pq_allocator *alloc, pq_error *err)
{
    pq_codec_ctx *ctx = (pq_codec_ctx *)pq_calloc(alloc, 1, sizeof *ctx);
    if (!ctx) return PQ_NOMEM(err);
    ctx->alloc = alloc;
    *out = ctx;
    return PQ_OK;
}

void pq_codec_ctx_destroy(pq_codec_ctx *ctx)
{
    if (!ctx) return;
    ZSTD_freeCCtx(ctx->zstd_c);
    ZSTD_freeDCtx(ctx->zstd_d);
    if (ctx->lz4f_d) (void)LZ4F_freeDecompressionContext(ctx->lz4f_d);
    pq_free(ctx->alloc, ctx->lz4hc_state);
    libdeflate_free_decompressor(ctx->gzip_d);
    for (int i = 0; i <= CODEC_GZIP_LEVEL_MAX; i++) libdeflate_free_compressor(ctx->gzip_c[i]);
    pq_free(ctx->alloc, ctx);
}

bool pq_codec_can_write(pq_codec c)
{
    switch (c) {
    case PQ_CODEC_UNCOMPRESSED:
    case PQ_CODEC_SNAPPY:
    case PQ_CODEC_GZIP:
    case PQ_CODEC_BROTLI:
    case PQ_CODEC_ZSTD:
    case PQ_CODEC_LZ4_RAW: return true;
    case PQ_CODEC_LZO:
    case PQ_CODEC_LZ4: return false;
    }
    return false;
}

/** Map a zstd error code: allocation failure -> NOMEM, anything else -> CORRUPT. */
static pq_status zstd_fail(pq_error *err, size_t code, size_t expected)
{
    if (ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation) return PQ_NOMEM(err);
    if (ZSTD_getErrorCode(code) == ZSTD_error_dstSize_tooSmall) return codec_too_long(err, PQ_CODEC_ZSTD, expected);
    return PQ_FAIL(err, PQ_ERR_CORRUPT, "ZSTD: %s (expected %zu decompressed bytes)", ZSTD_getErrorName(code),
                   expected);
}

/* ---------------------------------------------------------- compression */

/* Each compressor below reserves the library's worst-case bound in `out`,
 * compresses straight into the spare capacity and then advances out->len, so
 * on failure `out` keeps its old length (its capacity may have grown). */

static pq_status snappy_compress_to(pq_bytes in, pq_buf *out, pq_error *err)
{
    size_t bound = snappy_max_compressed_length(in.len);
    PQ_TRY(pq_buf_reserve(out, bound, err));
    size_t n = out->cap - out->len;
    if (snappy_compress((const char *)in.ptr, in.len, (char *)out->data + out->len, &n) != SNAPPY_OK)
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "SNAPPY: compressing %zu bytes failed", in.len);
    out->len += n;
    return PQ_OK;
}

static pq_status gzip_compress_to(pq_codec_ctx *ctx, int level, pq_bytes in, pq_buf *out, pq_error *err)
{
    PQ_TRY(pq_codec_check_level(PQ_CODEC_GZIP, level, err));
    if (level == 0) level = CODEC_GZIP_DEFAULT;
    struct libdeflate_compressor *c = ctx->gzip_c[level];
    if (!c) {
        c = libdeflate_alloc_compressor(level);
        if (!c) return PQ_NOMEM(err);
        ctx->gzip_c[level] = c;
    }
    PQ_TRY(pq_buf_reserve(out, libdeflate_gzip_compress_bound(c, in.len), err));
    size_t n = libdeflate_gzip_compress(c, in.ptr, in.len, out->data + out->len, out->cap - out->len);
    if (n == 0) return PQ_FAIL(err, PQ_ERR_INTERNAL, "GZIP: output exceeded libdeflate's bound for %zu bytes", in.len);
    out->len += n;
    return PQ_OK;
}

static pq_status zstd_compress_to(pq_codec_ctx *ctx, int level, pq_bytes in, pq_buf *out, pq_error *err)
{
    PQ_TRY(pq_codec_check_level(PQ_CODEC_ZSTD, level, err));
    if (level == 0) level = CODEC_ZSTD_DEFAULT;
    if (!ctx->zstd_c) {
        ZSTD_customMem mem = {codec_mem_alloc, codec_mem_free, ctx};
        ctx->zstd_c = ZSTD_createCCtx_advanced(mem);
        if (!ctx->zstd_c) return PQ_NOMEM(err);
    }
    PQ_TRY(pq_buf_reserve(out, ZSTD_compressBound(in.len), err));
    size_t n = ZSTD_compressCCtx(ctx->zstd_c, out->data + out->len, out->cap - out->len, in.ptr, in.len, level);
    if (ZSTD_isError(n)) {
        if (ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation) return PQ_NOMEM(err);
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "ZSTD: compressing %zu bytes failed: %s", in.len, ZSTD_getErrorName(n));
    }
    out->len += n;
    return PQ_OK;
}

/** LZ4_RAW levels: 0 and 1 = LZ4's default fast compressor, negative = its
 *  "acceleration" (faster, larger), 2..12 = LZ4HC, whose output is an
 *  ordinary LZ4 block any reader decodes. */
static pq_status lz4_compress_to(pq_codec_ctx *ctx, int level, pq_bytes in, pq_buf *out, pq_error *err)
{
    PQ_TRY(pq_codec_check_level(PQ_CODEC_LZ4_RAW, level, err));
    int n_in;
    if (!codec_to_int(in.len, &n_in)) return PQ_FAIL(err, PQ_ERR_LIMIT, "LZ4_RAW: %zu bytes exceed INT_MAX", in.len);
    int bound = LZ4_compressBound(n_in);
    if (bound <= 0) return PQ_FAIL(err, PQ_ERR_LIMIT, "LZ4_RAW: %zu bytes exceed LZ4's input limit", in.len);
    PQ_TRY(pq_buf_reserve(out, (size_t)bound, err));
    char *dst = (char *)out->data + out->len;
    int n;
    if (level >= 2) {
        if (!ctx->lz4hc_state) {
            ctx->lz4hc_state = pq_alloc(ctx->alloc, (size_t)LZ4_sizeofStateHC());
            if (!ctx->lz4hc_state) return PQ_NOMEM(err);
        }
        n = LZ4_compress_HC_extStateHC(ctx->lz4hc_state, (const char *)in.ptr, dst, n_in, bound, level);
    } else {
        n = LZ4_compress_fast((const char *)in.ptr, dst, n_in, bound, level < 0 ? -level : 1);
    }
    if (n <= 0) return PQ_FAIL(err, PQ_ERR_INTERNAL, "LZ4_RAW: compressing %zu bytes failed", in.len);
    out->len += (size_t)n;
    return PQ_OK;
}

/** Drive a brotli encoder to the end of the stream, growing `out` should the
 *  encoder ever exceed BrotliEncoderMaxCompressedSize. */
static pq_status brotli_encode(BrotliEncoderState *s, pq_bytes in, pq_buf *out, pq_error *err)
{
    size_t avail_in = in.len, pos = out->len;
    const uint8_t *next_in = in.ptr;
    PQ_TRY(pq_buf_reserve(out, BrotliEncoderMaxCompressedSize(in.len), err));
    while (!BrotliEncoderIsFinished(s)) {
        if (pos == out->cap) PQ_TRY(pq_buf_reserve(out, pos - out->len + 4096, err));
        size_t avail_out = out->cap - pos;
        uint8_t *next_out = out->data + pos;
        BROTLI_BOOL ok = BrotliEncoderCompressStream(s, BROTLI_OPERATION_FINISH, &avail_in, &next_in, &avail_out,
                                                     &next_out, NULL);
        pos = (size_t)(next_out - out->data);
        /* With valid parameters the encoder only fails when an allocation did. */
        if (!ok) return PQ_NOMEM(err);
    }
    out->len = pos;
    return PQ_OK;
}

/* Window bits for a page of n bytes: the default 4 MiB window, shrunk to
 * the smallest power of two holding the page (at least 2^10) so that small
 * pages don't pay for setting up a 4 MiB encoder state. */
static uint32_t brotli_window(size_t n)
{
    uint32_t w = BROTLI_MIN_WINDOW_BITS;
    while (w < CODEC_BROTLI_WINDOW && ((size_t)1 << w) < n) w++;
    return w;
}

static pq_status brotli_compress_to(pq_codec_ctx *ctx, int level, pq_bytes in, pq_buf *out, pq_error *err)
{
    size_t len_before = out->len;
    PQ_TRY(pq_codec_check_level(PQ_CODEC_BROTLI, level, err));
    if (level == 0) level = CODEC_BROTLI_DEFAULT;
    ctx->brotli_refused = false;
    BrotliEncoderState *s = BrotliEncoderCreateInstance(brotli_enc_alloc, brotli_enc_free, ctx);
    if (!s) return PQ_NOMEM(err);
    /* The size hint lets brotli size its tables to the page instead of the window. */
    if (!BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, (uint32_t)level) ||
        !BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, brotli_window(in.len)) ||
        !BrotliEncoderSetParameter(s, BROTLI_PARAM_SIZE_HINT, (uint32_t)in.len)) {
        BrotliEncoderDestroyInstance(s);
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "BROTLI: encoder rejected quality %d", level);
    }
    pq_status st = brotli_encode(s, in, out, err);
    BrotliEncoderDestroyInstance(s);
    if (st == PQ_OK && ctx->brotli_refused) {
        out->len = len_before; /* honour the allocator's refusal */
        return PQ_NOMEM(err);
    }
    return st;
}

/* Range of compression levels accepted for codec c; false when the codec
 * has no levels (then only 0 is accepted). 0 always means "the default". */
static bool level_range(pq_codec c, int *lo, int *hi)
{
    switch (c) {
    case PQ_CODEC_GZIP: *lo = 1; *hi = CODEC_GZIP_LEVEL_MAX; return true;
    case PQ_CODEC_ZSTD: *lo = ZSTD_minCLevel(); *hi = ZSTD_maxCLevel(); return true;
    case PQ_CODEC_LZ4_RAW: *lo = -CODEC_LZ4_ACCEL_MAX; *hi = LZ4HC_CLEVEL_MAX; return true;
    case PQ_CODEC_BROTLI: *lo = 1; *hi = BROTLI_MAX_QUALITY; return true;
    default: *lo = *hi = 0; return false;
    }
}

pq_status pq_codec_check_level(pq_codec c, int level, pq_error *err)
{
    if (c == PQ_CODEC_LZ4) return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "the legacy LZ4 codec is not written; use lz4_raw");
    if (c == PQ_CODEC_LZO) return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "the LZO codec is not supported");
    if ((int)c < 0 || (int)c > PQ_CODEC_LZ4_RAW)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a codec in 0..7, found %d", (int)c);
    int lo, hi;
    bool has = level_range(c, &lo, &hi);
    if (level == 0) return PQ_OK;
    if (!has) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s has no compression levels, found level %d", codec_label(c), level);
    if (level < lo || level > hi)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: expected a compression level in %d..%d, found %d", codec_label(c),
                       lo, hi, level);
    return PQ_OK;
}

pq_status pq_codec_compress(pq_codec_ctx *ctx, pq_codec c, int level, pq_bytes in, pq_buf *out, pq_error *err)
{
    if (in.len > CODEC_SIZE_MAX)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "%s: page of %zu bytes exceeds the i32 page size limit", codec_label(c),
                       in.len);
    if (!in.ptr) in.ptr = codec_empty;
    switch (c) {
    case PQ_CODEC_UNCOMPRESSED: return pq_buf_append(out, in.ptr, in.len, err);
    case PQ_CODEC_SNAPPY: return snappy_compress_to(in, out, err);
    case PQ_CODEC_GZIP: return gzip_compress_to(ctx, level, in, out, err);
    case PQ_CODEC_ZSTD: return zstd_compress_to(ctx, level, in, out, err);
    case PQ_CODEC_LZ4_RAW: return lz4_compress_to(ctx, level, in, out, err);
    case PQ_CODEC_BROTLI: return brotli_compress_to(ctx, level, in, out, err);
    case PQ_CODEC_LZ4: return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "legacy LZ4 codec is not written; use lz4_raw");
    case PQ_CODEC_LZO: return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "LZO codec is not supported");
    }
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a codec in 0..7, found %d", (int)c);
}

/* -------------------------------------------------------- decompression */

/** parquant's own decoder (parquet/snappy.c): libsnappy 1.1.9's decompressor
 *  is too slow on the short elements of numeric pages.  It checks the
 *  length header against out_len, every element against the input and
 *  output, and that the output ends exactly full. */
static pq_status snappy_decompress_to(pq_bytes in, uint8_t *out, size_t out_len, pq_error *err)
{
    return pq_snappy_decompress(in.ptr, in.len, out, out_len, err);
}

/** Decode gzip members back to back until the input ends: some writers emit
 *  one member per flushed chunk (concatenated_gzip_members.parquet). */
static pq_status gzip_decompress_to(pq_codec_ctx *ctx, pq_bytes in, uint8_t *out, size_t out_len, pq_error *err)
{
    if (!ctx->gzip_d) {
        ctx->gzip_d = libdeflate_alloc_decompressor();
        if (!ctx->gzip_d) return PQ_NOMEM(err);
    }
    size_t in_pos = 0, out_pos = 0;
    while (in_pos < in.len) {
        size_t used_in = 0, used_out = 0;
        enum libdeflate_result r = libdeflate_gzip_decompress_ex(ctx->gzip_d, in.ptr + in_pos, in.len - in_pos,
                                                                 out + out_pos, out_len - out_pos, &used_in,
                                                                 &used_out);
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE) return codec_too_long(err, PQ_CODEC_GZIP, out_len);
        if (r != LIBDEFLATE_SUCCESS)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "GZIP: malformed member at input offset %zu of %zu", in_pos, in.len);
        in_pos += used_in; /* a member is at least 18 bytes, so this advances */
        out_pos += used_out;
    }
    if (out_pos != out_len) return codec_size_mismatch(err, PQ_CODEC_GZIP, out_len, out_pos);
    return PQ_OK;
}

/** One or more zstd frames; the frame content size is optional (some writers
 *  stream), so out_len from the page header is the authority. */
static pq_status zstd_decompress_to(pq_codec_ctx *ctx, pq_bytes in, uint8_t *out, size_t out_len, pq_error *err)
{
    unsigned long long declared = ZSTD_findDecompressedSize(in.ptr, in.len);
    if (declared == ZSTD_CONTENTSIZE_ERROR)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "ZSTD: malformed frame in %zu bytes of input (expected %zu decompressed bytes)",
                       in.len, out_len);
    if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != (unsigned long long)out_len)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "ZSTD: expected %zu decompressed bytes, found %llu", out_len, declared);
    if (!ctx->zstd_d) {
        ZSTD_customMem mem = {codec_mem_alloc, codec_mem_free, ctx};
        ctx->zstd_d = ZSTD_createDCtx_advanced(mem);
        if (!ctx->zstd_d) return PQ_NOMEM(err);
    }
    size_t n = ZSTD_decompressDCtx(ctx->zstd_d, out, out_len, in.ptr, in.len);
    if (ZSTD_isError(n)) return zstd_fail(err, n, out_len);
    if (n != out_len) return codec_size_mismatch(err, PQ_CODEC_ZSTD, out_len, n);
    return PQ_OK;
}

static pq_status lz4_raw_decompress_to(pq_bytes in, uint8_t *out, size_t out_len, pq_error *err)
{
    int n_in, n_out;
    if (!codec_to_int(in.len, &n_in) || !codec_to_int(out_len, &n_out))
        return PQ_FAIL(err, PQ_ERR_LIMIT, "LZ4_RAW: %zu -> %zu bytes exceed INT_MAX", in.len, out_len);
    int n = LZ4_decompress_safe((const char *)in.ptr, (char *)out, n_in, n_out);
    /* A negative result is a malformed block or one that wants more room. */
    if (n < 0)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "LZ4_RAW: expected %zu decompressed bytes, found a malformed block or more bytes",
                       out_len);
    if ((size_t)n != out_len) return codec_size_mismatch(err, PQ_CODEC_LZ4_RAW, out_len, (size_t)n);
    return PQ_OK;
}

/** Hadoop's Lz4Codec framing: repeated [u32 BE decompressed size][u32 BE
 *  compressed size][raw block], ending exactly at the end of the input and
 *  of the output (hadoop_lz4_compressed*.parquet).  True when it fits
 *  exactly; `out` may hold garbage when it does not.  Precondition: in.len
 *  and out_len <= INT_MAX. */
static bool lz4_try_hadoop(pq_bytes in, uint8_t *out, size_t out_len)
{
    const uint8_t *p = in.ptr;
    size_t left = in.len, pos = 0;
    while (left >= 8) {
        uint32_t raw_len = pq_load_u32be(p), comp_len = pq_load_u32be(p + 4);
        p += 8;
        left -= 8;
        if (comp_len > left || raw_len > out_len - pos) return false;
        /* Both fit in int: they are bounded by in.len and out_len. */
        int n = LZ4_decompress_safe((const char *)p, (char *)out + pos, (int)comp_len, (int)raw_len);
        if (n < 0 || (uint32_t)n != raw_len) return false;
        p += comp_len;
        left -= comp_len;
        pos += raw_len;
    }
    return left == 0 && pos == out_len;
}

/** LZ4 frame format (magic 0x184D2204), one or more frames.  Sets *ok when
 *  the input is complete frames decoding to exactly out_len bytes; fails only
 *  for allocation failures, which must not pass for corruption. */
static pq_status lz4_try_frame(pq_codec_ctx *ctx, pq_bytes in, uint8_t *out, size_t out_len, bool *ok, pq_error *err)
{
    *ok = false;
    if (!ctx->lz4f_d) {
        LZ4F_CustomMem mem = {codec_mem_alloc, NULL, codec_mem_free, ctx};
        ctx->lz4f_d = LZ4F_createDecompressionContext_advanced(mem, LZ4F_VERSION);
        if (!ctx->lz4f_d) return PQ_NOMEM(err);
    }
    LZ4F_resetDecompressionContext(ctx->lz4f_d); /* an earlier failure may have left it mid-frame */
    size_t in_pos = 0, out_pos = 0, hint = 1;
    while (in_pos < in.len) {
        size_t src_n = in.len - in_pos, dst_n = out_len - out_pos;
        hint = LZ4F_decompress(ctx->lz4f_d, out + out_pos, &dst_n, in.ptr + in_pos, &src_n, NULL);
        if (LZ4F_isError(hint)) {
            if (LZ4F_getErrorCode(hint) == LZ4F_ERROR_allocation_failed) return PQ_NOMEM(err);
            return PQ_OK;
        }
        if (src_n == 0 && dst_n == 0) return PQ_OK; /* output full, frame wants more */
        in_pos += src_n;
        out_pos += dst_n;
    }
    *ok = hint == 0 && out_pos == out_len; /* hint 0: the last frame ended */
    return PQ_OK;
}

/** Legacy LZ4 ("LZ4" in parquet.thrift) was written three ways; try each. */
static pq_status lz4_legacy_decompress_to(pq_codec_ctx *ctx, pq_bytes in, uint8_t *out, size_t out_len, pq_error *err)
{
    int n_in, n_out;
    if (!codec_to_int(in.len, &n_in) || !codec_to_int(out_len, &n_out))
        return PQ_FAIL(err, PQ_ERR_LIMIT, "LZ4: %zu -> %zu bytes exceed INT_MAX", in.len, out_len);
    if (lz4_try_hadoop(in, out, out_len)) return PQ_OK;
    /* Older parquet-cpp wrote a bare block (non_hadoop_lz4_compressed.parquet). */
    if (LZ4_decompress_safe((const char *)in.ptr, (char *)out, n_in, n_out) == n_out) return PQ_OK;
    bool ok;
    PQ_TRY(lz4_try_frame(ctx, in, out, out_len, &ok, err));
    if (ok) return PQ_OK;
    return PQ_FAIL(err, PQ_ERR_CORRUPT,
                   "LZ4: expected %zu decompressed bytes from %zu bytes of Hadoop-framed LZ4, a raw LZ4 block "
                   "or LZ4 frames, found none of these",
                   out_len, in.len);
}

/** Brotli error codes -30..-21 are the decoder's allocation failures. */
static bool brotli_is_oom(BrotliDecoderErrorCode code)
{
    return code <= BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES && code >= BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES;
}

/** Run the decoder over the whole input.  Once the output is full it gets a
 *  one-byte scratch buffer: a stream that writes into it is longer than
 *  out_len, while one that only had its end marker left finishes cleanly. */
static pq_status brotli_decode(BrotliDecoderState *s, pq_bytes in, uint8_t *out, size_t out_len, pq_error *err)
{
    size_t avail_in = in.len, avail_out = out_len;
    const uint8_t *next_in = in.ptr;
    uint8_t *next_out = out, scratch[1];
    bool on_scratch = false;
    for (;;) {
        BrotliDecoderResult r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
        if (r == BROTLI_DECODER_RESULT_SUCCESS) break;
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
            if (on_scratch || avail_out != 0) return codec_too_long(err, PQ_CODEC_BROTLI, out_len);
            on_scratch = true;
            next_out = scratch;
            avail_out = sizeof scratch;
            continue;
        }
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "BROTLI: stream truncated after %zu bytes (expected %zu decompressed bytes)",
                           in.len, out_len);
        BrotliDecoderErrorCode code = BrotliDecoderGetErrorCode(s);
        if (brotli_is_oom(code)) return PQ_NOMEM(err);
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "BROTLI: %s at input offset %zu", BrotliDecoderErrorString(code),
                       in.len - avail_in);
    }
    if (on_scratch && avail_out == 0) return codec_too_long(err, PQ_CODEC_BROTLI, out_len);
    size_t produced = on_scratch ? out_len : out_len - avail_out;
    if (produced != out_len) return codec_size_mismatch(err, PQ_CODEC_BROTLI, out_len, produced);
    if (avail_in != 0)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "BROTLI: expected the stream to end, found %zu trailing bytes", avail_in);
    return PQ_OK;
}

static pq_status brotli_decompress_to(pq_codec_ctx *ctx, pq_bytes in, uint8_t *out, size_t out_len, pq_error *err)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(codec_mem_alloc, codec_mem_free, ctx);
    if (!s) return PQ_NOMEM(err);
    pq_status st = brotli_decode(s, in, out, out_len, err);
    BrotliDecoderDestroyInstance(s);
    return st;
}

pq_status pq_codec_decompress(pq_codec_ctx *ctx, pq_codec c, pq_bytes in, uint8_t *out, size_t out_len,
                              pq_error *err)
{
    if ((unsigned)c > (unsigned)PQ_CODEC_LZ4_RAW)
        return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "expected a codec in 0..7, found %d", (int)c);
    /* A data page v2 whose levels fill the page has an empty body. */
    if (in.len == 0 && out_len == 0) return PQ_OK;
    if (c == PQ_CODEC_LZO) return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "LZO codec is not supported");
    if (in.len > CODEC_SIZE_MAX || out_len > CODEC_SIZE_MAX)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "%s: %zu -> %zu bytes exceed the i32 page size limit", codec_label(c),
                       in.len, out_len);
    uint8_t no_out[1]; /* stands in for a NULL `out` of 0 bytes; never written */
    if (!out) {
        if (out_len) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: NULL output for %zu bytes", codec_label(c), out_len);
        out = no_out;
    }
    if (in.len == 0)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "%s: expected %zu decompressed bytes, found an empty compressed page",
                       codec_label(c), out_len);
    switch (c) {
    case PQ_CODEC_UNCOMPRESSED:
        if (in.len != out_len) return codec_size_mismatch(err, c, out_len, in.len);
        if (out != in.ptr) memcpy(out, in.ptr, in.len); /* callers may decode in place */
        return PQ_OK;
    case PQ_CODEC_SNAPPY: return snappy_decompress_to(in, out, out_len, err);
    case PQ_CODEC_GZIP: return gzip_decompress_to(ctx, in, out, out_len, err);
    case PQ_CODEC_ZSTD: return zstd_decompress_to(ctx, in, out, out_len, err);
    case PQ_CODEC_LZ4_RAW: return lz4_raw_decompress_to(in, out, out_len, err);
    case PQ_CODEC_LZ4: return lz4_legacy_decompress_to(ctx, in, out, out_len, err);
    case PQ_CODEC_BROTLI: return brotli_decompress_to(ctx, in, out, out_len, err);
    case PQ_CODEC_LZO: break; /* rejected above */
    }
    return PQ_FAIL(err, PQ_ERR_INTERNAL, "codec %d reached no decoder", (int)c);
}
