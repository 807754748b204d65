/* SPDX-License-Identifier: Apache-2.0
 *
 * bench/bench_snappy.c - decompression throughput of parquant's own Snappy
 * decoder (src/parquet/snappy.c) against Debian's libsnappy
 * (snappy_uncompress), on 1 MiB pages compressed by libsnappy, one thread.
 *
 * Data kinds, 8 pages of 1 MiB each (the writer's default page size), the
 * columns of bench/pq_bench.c's numeric table plus text:
 *   i64_hash  int64 gen_lowbias32(i) - 2^31: 4 random bytes + 4 bytes of
 *             0x00/0xFF, so many 4-byte literals and short copies
 *   i64_seq   int64 i
 *   f64_rand  double gen_lowbias32(i) / 2^32 * 1000
 *   i32_small int32 gen_lowbias32(i) % 1000
 *   text      words drawn from a small English vocabulary
 * Throughput is uncompressed MB/s (10^6 bytes per second), the best of 11
 * timed batches of at least 0.1 s each, alternating between the decoders.
 * Time is the thread's CPU time, so that other jobs on a shared machine
 * do not count against either decoder.  Every decoded page is compared with
 * the original before timing.
 *
 * Build (Release flags as CMake's):
 *   cmake --build build --target bench_snappy && build/bench/bench_snappy
 * or by hand: cc -O3 -DNDEBUG -std=c11 -D_GNU_SOURCE -Iinclude -Isrc
 *   src/core/[a-z]*.c src/parquet/snappy.c bench/bench_snappy.c -lsnappy -ldeflate
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, CLOCK_THREAD_CPUTIME_ID */

#include "parquet/snappy.h"

#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gen_hash.h"

#define PAGE_BYTES ((size_t)1 << 20)
#define N_PAGES 8
#define BATCHES 11
#define MIN_BATCH_S 0.1

typedef struct page {
    uint8_t *plain;
    char *z;
    size_t z_len;
} page;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void fill_text(uint8_t *p, size_t n, uint32_t seed)
{
    static const char *words[] = {
        "the",  "of",     "and",   "to",     "in",      "is",     "that",   "for",   "it",     "as",
        "was",  "with",   "be",    "by",     "on",      "not",    "he",     "this",  "are",    "or",
        "his",  "from",   "at",    "which",  "but",     "have",   "an",     "had",   "they",   "you",
        "were", "their",  "one",   "all",    "we",      "can",    "her",    "has",   "there",  "been",
        "page", "column", "value", "parquet", "snappy", "decoder", "buffer", "offset", "length", "literal",
        "row",  "group",  "file",  "schema", "writer",  "reader", "market", "price", "volume", "trade"};
    size_t nw = sizeof words / sizeof words[0], i = 0;
    uint32_t k = seed;
    while (i < n) {
        const char *w = words[gen_lowbias32(k++) % nw];
        while (*w && i < n) p[i++] = (uint8_t)*w++;
        if (i < n) p[i++] = (gen_lowbias32(k++) % 13 == 0) ? '\n' : ' ';
    }
}

static void fill_page(uint8_t *p, const char *kind, size_t page_no)
{
    size_t base = page_no * PAGE_BYTES;
    if (strcmp(kind, "text") == 0) {
        fill_text(p, PAGE_BYTES, (uint32_t)base);
        return;
    }
    if (strcmp(kind, "i32_small") == 0) {
        for (size_t j = 0; j < PAGE_BYTES / 4; j++) {
            int32_t v = (int32_t)(gen_lowbias32((uint32_t)(base / 4 + j)) % 1000);
            memcpy(p + 4 * j, &v, 4);
        }
        return;
    }
    for (size_t j = 0; j < PAGE_BYTES / 8; j++) {
        uint64_t i = base / 8 + j;
        uint32_t h = gen_lowbias32((uint32_t)i);
        if (strcmp(kind, "i64_hash") == 0) {
            int64_t v = (int64_t)h - ((int64_t)1 << 31);
            memcpy(p + 8 * j, &v, 8);
        } else if (strcmp(kind, "i64_seq") == 0) {
            int64_t v = (int64_t)i;
            memcpy(p + 8 * j, &v, 8);
        } else {
            double v = (double)h / 4294967296.0 * 1000.0;
            memcpy(p + 8 * j, &v, 8);
        }
    }
}

/** Decode every page once with ours (mine) or libsnappy; returns false on failure. */
static bool decode_all(const page *pg, uint8_t *out, bool mine)
{
    for (size_t k = 0; k < N_PAGES; k++) {
        if (mine) {
            pq_error err;
            if (pq_snappy_decompress((const uint8_t *)pg[k].z, pg[k].z_len, out, PAGE_BYTES, &err) != PQ_OK)
                return false;
        } else {
            size_t cap = PAGE_BYTES;
            if (snappy_uncompress(pg[k].z, pg[k].z_len, (char *)out, &cap) != SNAPPY_OK) return false;
        }
    }
    return true;
}

/** MB/s of one batch of at least MIN_BATCH_S; -1 on a decoding failure. */
static double batch(const page *pg, uint8_t *out, bool mine)
{
    double t0 = now_s(), t;
    long reps = 0;
    do {
        if (!decode_all(pg, out, mine)) return -1;
        reps++;
        t = now_s() - t0;
    } while (t < MIN_BATCH_S);
    return (double)reps * N_PAGES * PAGE_BYTES / t / 1e6;
}

/** Best MB/s of each decoder over BATCHES batches, alternating between the
 *  two so that a busy spell on a shared machine hits both alike. */
static void measure(const page *pg, uint8_t *out, double *lib, double *mine)
{
    *lib = *mine = 0;
    for (int b = 0; b < BATCHES; b++) {
        double l = batch(pg, out, false), m = batch(pg, out, true);
        if (l > *lib) *lib = l;
        if (m > *mine) *mine = m;
    }
}

static int run_kind(const char *kind)
{
    page pg[N_PAGES];
    uint8_t *out = (uint8_t *)malloc(PAGE_BYTES);
    if (!out) return 1;
    size_t z_total = 0;
    for (size_t k = 0; k < N_PAGES; k++) {
        pg[k].plain = (uint8_t *)malloc(PAGE_BYTES);
        pg[k].z_len = snappy_max_compressed_length(PAGE_BYTES);
        pg[k].z = (char *)malloc(pg[k].z_len);
        if (!pg[k].plain || !pg[k].z) return 1;
        fill_page(pg[k].plain, kind, k);
        if (snappy_compress((const char *)pg[k].plain, PAGE_BYTES, pg[k].z, &pg[k].z_len) != SNAPPY_OK) return 1;
        z_total += pg[k].z_len;
        pq_error err;
        if (pq_snappy_decompress((const uint8_t *)pg[k].z, pg[k].z_len, out, PAGE_BYTES, &err) != PQ_OK ||
            memcmp(out, pg[k].plain, PAGE_BYTES) != 0) {
            fprintf(stderr, "%s: page %zu does not round-trip\n", kind, k);
            return 1;
        }
    }
    double lib, mine;
    measure(pg, out, &lib, &mine);
    printf("%-10s  ratio %5.3f  libsnappy %7.0f MB/s  parquant %7.0f MB/s  speedup %.2fx\n", kind,
           (double)z_total / (double)(N_PAGES * PAGE_BYTES), lib, mine, mine / lib);
    for (size_t k = 0; k < N_PAGES; k++) {
        free(pg[k].plain);
        free(pg[k].z);
    }
    free(out);
    return 0;
}

int main(void)
{
    static const char *kinds[] = {"i64_hash", "i64_seq", "f64_rand", "i32_small", "text"};
#ifdef __VERSION__
    printf("compiler %s, %d pages of %zu bytes per kind, best of %d batches\n", __VERSION__, N_PAGES, PAGE_BYTES,
           BATCHES);
#endif
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (run_kind(kinds[i]) != 0) return 1;
    return 0;
}
