/* SPDX-License-Identifier: Apache-2.0
 *
 * bench/bench_codec.c - compression and decompression throughput of every
 * codec parquant writes, through pq_codec_compress / pq_codec_decompress
 * with one long-lived pq_codec_ctx (as a column writer/reader holds one).
 *
 * Pages are 1 MiB of PLAIN int64 values shaped like market data: trade
 * timestamps in nanoseconds (ascending, jittered gaps) and prices in
 * hundredths of a cent (a random walk).  Throughput is uncompressed MB/s
 * (10^6 bytes per second), the best of several timed batches of at least
 * 0.1 s each.  The header line records compiler and library versions.
 *
 * Build: cc -O2 -std=c11 -D_GNU_SOURCE -Iinclude -Isrc with the core sources,
 * src/parquet/codec.c and this file, linking -ldeflate -lzstd -llz4 -lsnappy
 * -lbrotlienc -lbrotlidec.  Takes no arguments.
 */
#include "parquet/codec.h"

#include <brotli/encode.h>
#include <libdeflate.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zstd.h>

#define PAGE_BYTES ((size_t)1 << 20)
#define N_VALUES (PAGE_BYTES / 8)
#define BATCHES 5
#define MIN_BATCH_S 0.1

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/** Ascending nanosecond timestamps: a trade every ~0.5 ms with jitter. */
static void fill_timestamps(uint8_t *page)
{
    int64_t t = 1700000000000000000;
    for (size_t i = 0; i < N_VALUES; i++) {
        t += 400000 + (int64_t)(rng() % 200000);
        pq_store_u64le(page + 8 * i, (uint64_t)t);
    }
}

/** Prices in 1e-4 units, a random walk in steps of whole cents. */
static void fill_prices(uint8_t *page)
{
    int64_t p = 1852500;
    for (size_t i = 0; i < N_VALUES; i++) {
        p += ((int64_t)(rng() % 5) - 2) * 100;
        pq_store_u64le(page + 8 * i, (uint64_t)p);
    }
}

typedef struct cell {
    double ratio, comp_mbs, decomp_mbs;
} cell;

/** Best-of-BATCHES throughput of `op` in MB/s of uncompressed bytes. */
static double best_mbs(pq_codec_ctx *ctx, pq_codec c, int level, const uint8_t *page, pq_buf *z, uint8_t *back,
                       bool compress)
{
    double best = 0;
    pq_error err;
    for (int b = 0; b < BATCHES; b++) {
        size_t reps = 0;
        double t0 = now_s(), dt;
        do {
            pq_status s;
            if (compress) {
                z->len = 0;
                s = pq_codec_compress(ctx, c, level, pq_bytes_make(page, PAGE_BYTES), z, &err);
            } else {
                s = pq_codec_decompress(ctx, c, pq_bytes_make(z->data, z->len), back, PAGE_BYTES, &err);
            }
            if (s != PQ_OK) {
                fprintf(stderr, "codec %d level %d: %s\n", (int)c, level, err.message);
                exit(1);
            }
            reps++;
            dt = now_s() - t0;
        } while (dt < MIN_BATCH_S);
        double mbs = (double)reps * (double)PAGE_BYTES / dt / 1e6;
        if (mbs > best) best = mbs;
    }
    return best;
}

static cell measure(pq_codec_ctx *ctx, pq_codec c, int level, const uint8_t *page, uint8_t *back)
{
    cell r;
    pq_buf z;
    pq_buf_init(&z, NULL);
    r.comp_mbs = best_mbs(ctx, c, level, page, &z, back, true);
    r.ratio = (double)PAGE_BYTES / (double)z.len;
    r.decomp_mbs = best_mbs(ctx, c, level, page, &z, back, false);
    if (memcmp(back, page, PAGE_BYTES) != 0) {
        fprintf(stderr, "codec %d level %d: round trip differs\n", (int)c, level);
        exit(1);
    }
    pq_buf_reset(&z);
    return r;
}

int main(void)
{
    static const struct { const char *name; pq_codec c; int level; } rows[] = {
        {"uncompressed", PQ_CODEC_UNCOMPRESSED, 0},
        {"snappy", PQ_CODEC_SNAPPY, 0},
        {"lz4_raw", PQ_CODEC_LZ4_RAW, 0},
        {"lz4_raw", PQ_CODEC_LZ4_RAW, 9},
        {"zstd", PQ_CODEC_ZSTD, 1},
        {"zstd", PQ_CODEC_ZSTD, 3},
        {"zstd", PQ_CODEC_ZSTD, 9},
        {"gzip", PQ_CODEC_GZIP, 1},
        {"gzip", PQ_CODEC_GZIP, 6},
        {"brotli", PQ_CODEC_BROTLI, 1},
        {"brotli", PQ_CODEC_BROTLI, 6},
    };
    uint8_t *ts = malloc(PAGE_BYTES), *px = malloc(PAGE_BYTES), *back = malloc(PAGE_BYTES);
    pq_codec_ctx *ctx;
    pq_error err;
    if (!ts || !px || !back || pq_codec_ctx_create(&ctx, NULL, &err) != PQ_OK) return 1;
    fill_timestamps(ts);
    fill_prices(px);
    printf("# bench_codec: 1 MiB PLAIN int64 pages; MB/s of uncompressed bytes, best of %d\n", BATCHES);
    printf("# compiler %s; zstd %s, lz4 %s, libdeflate %s, brotli %u.%u.%u\n", __VERSION__, ZSTD_versionString(),
           LZ4_versionString(), LIBDEFLATE_VERSION_STRING, BrotliEncoderVersion() >> 24,
           (BrotliEncoderVersion() >> 12) & 0xFFF, BrotliEncoderVersion() & 0xFFF);
    printf("%-13s %5s | %-28s | %-28s\n", "", "", "timestamps (ns, ascending)", "prices (random walk)");
    printf("%-13s %5s | %6s %10s %10s | %6s %10s %10s\n", "codec", "level", "ratio", "comp MB/s", "dec MB/s", "ratio",
           "comp MB/s", "dec MB/s");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cell a = measure(ctx, rows[i].c, rows[i].level, ts, back);
        cell b = measure(ctx, rows[i].c, rows[i].level, px, back);
        printf("%-13s %5d | %6.2f %10.0f %10.0f | %6.2f %10.0f %10.0f\n", rows[i].name, rows[i].level, a.ratio,
               a.comp_mbs, a.decomp_mbs, b.ratio, b.comp_mbs, b.decomp_mbs);
        fflush(stdout);
    }
    pq_codec_ctx_destroy(ctx);
    free(ts);
    free(px);
    free(back);
    return 0;
}
