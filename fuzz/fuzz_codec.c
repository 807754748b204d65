/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_codec.c - libFuzzer target for src/parquet/codec.c.
 *
 * Input layout:
 *   byte 0      bits 0-2: codec (pq_codec 0..7); bit 7: round-trip mode
 *   bytes 1-4   u32 LE expected decompressed length, reduced to <= 1 MiB
 *               (in round-trip mode byte 1 picks the compression level)
 *   bytes 5..   the compressed page (round-trip mode: the plain page)
 * Decompression mode feeds the bytes to pq_codec_decompress, which must
 * return OK or CORRUPT (UNSUPPORTED for LZO) without touching memory past
 * out_len.  Round-trip mode compresses with a small level, decompresses, and
 * requires the original bytes back.  A codec context lives for the whole
 * process, as it does for a reader, so state left behind by a failed call is
 * exercised by the next one.
 */
#include "parquet/codec.h"

#include <stdlib.h>

#define FUZZ_MAX_OUT ((size_t)1 << 20)

static pq_codec_ctx *g_ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Compress, decompress, compare; aborts on any mismatch. */
static void fuzz_roundtrip(pq_codec c, int level, pq_bytes in)
{
    pq_error err;
    pq_buf z;
    pq_buf_init(&z, NULL);
    pq_status s = pq_codec_compress(g_ctx, c, level, in, &z, &err);
    if (!pq_codec_can_write(c)) {
        if (s != PQ_ERR_UNSUPPORTED) abort();
        return;
    }
    if (s != PQ_OK) abort();
    uint8_t *back = (uint8_t *)malloc(in.len + 1);
    if (!back) abort();
    s = pq_codec_decompress(g_ctx, c, pq_bytes_make(z.data, z.len), back, in.len, &err);
    if (s != PQ_OK || (in.len && memcmp(back, in.ptr, in.len) != 0)) abort();
    free(back);
    pq_buf_reset(&z);
}

/** Decompress untrusted bytes into a heap block of exactly out_len bytes so
 *  ASan sees any overrun. */
static void fuzz_decompress(pq_codec c, size_t out_len, pq_bytes in)
{
    pq_error err;
    uint8_t *out = (uint8_t *)malloc(out_len ? out_len : 1);
    if (!out) abort();
    pq_status s = pq_codec_decompress(g_ctx, c, in, out, out_len, &err);
    if (s != PQ_OK && s != PQ_ERR_CORRUPT && !(s == PQ_ERR_UNSUPPORTED && c == PQ_CODEC_LZO)) abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5) return 0;
    if (!g_ctx) {
        pq_error err;
        if (pq_codec_ctx_create(&g_ctx, NULL, &err) != PQ_OK) abort();
    }
    pq_codec c = (pq_codec)(data[0] & 7);
    pq_bytes in = pq_bytes_make(data + 5, size - 5);
    if (data[0] & 0x80) {
        /* Levels 0..5 (valid for every codec; negated for zstd and lz4_raw
         * when bit 7 is set) keep the fuzzer's pace up. */
        int level = data[1] % 6;
        if ((data[1] & 0x80) && (c == PQ_CODEC_ZSTD || c == PQ_CODEC_LZ4_RAW)) level = -level;
        fuzz_roundtrip(c, level, in);
    } else {
        size_t out_len = (size_t)pq_load_u32le(data + 1) % (FUZZ_MAX_OUT + 1);
        fuzz_decompress(c, out_len, in);
    }
    return 0;
}
