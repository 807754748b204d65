/* SPDX-License-Identifier: Apache-2.0
 *
 * bench/bench_encoding.c - micro-benchmark of the hot encoding paths of
 * src/parquet/encoding*.c: RLE/bit-packed hybrid decode (dictionary indices
 * and definition levels), dictionary gather, PLAIN BYTE_ARRAY decode,
 * DELTA_BINARY_PACKED decode, BYTE_STREAM_SPLIT decode and the writer's
 * dictionary builder.  Prints one table row per case: the MB/s of the
 * decoded (or, for the builder, consumed) values and ns per value.  Not a
 * test: numbers depend on the machine and the build flags (printed first);
 * times are process CPU time.
 *
 * Build (release flags, as the library):
 *   cc -std=c11 -O2 -D_GNU_SOURCE -Iinclude -Isrc src/core/[a-z]*.c \
 *      src/parquet/encoding[a-z_]*.c bench/bench_encoding.c -o bench_encoding -ldeflate
 */
#include "parquet/encoding.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N_VALUES 1000000

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Process CPU time, not wall time: on a shared machine the wall clock
 * counts other processes' time slices too. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die_if(pq_status s, const pq_error *err)
{
    if (s == PQ_OK) return;
    fprintf(stderr, "bench: status %d: %s\n", (int)s, err->message);
    exit(1);
}

/* Print one row: `bytes` of values produced per repetition in `secs`/reps. */
static void row(const char *name, double secs, int reps, double bytes, int64_t n)
{
    double per = secs / reps;
    printf("%-36s %10.0f MB/s %8.2f ns/value\n", name, bytes / per / 1e6, per * 1e9 / (double)n);
}

/* Run `body` until at least 0.3 s have passed; returns seconds and *reps. */
#define TIME_IT(reps, secs, body)                       \
    do {                                                \
        double t0_ = now_s();                           \
        reps = 0;                                       \
        do {                                            \
            body;                                       \
            reps++;                                     \
            secs = now_s() - t0_;                       \
        } while (secs < 0.3);                           \
    } while (0)

static void bench_hybrid(void)
{
    pq_error err;
    uint32_t *v = malloc(N_VALUES * sizeof *v), *out = malloc(N_VALUES * sizeof *out);
    uint16_t *lv = malloc(N_VALUES * sizeof *lv), *lout = malloc(N_VALUES * sizeof *lout);
    for (int i = 0; i < N_VALUES; i++) v[i] = (uint32_t)(rnd() % 1000);
    for (int i = 0; i < N_VALUES; i++) lv[i] = (uint16_t)((i / 37) % 5 ? 1 : rnd() & 1);
    pq_buf b, lb;
    pq_buf_init(&b, NULL);
    pq_buf_init(&lb, NULL);
    die_if(pq_rle_encode_u32(v, N_VALUES, 10, &b, &err), &err);
    die_if(pq_rle_encode_u16(lv, N_VALUES, 1, &lb, &err), &err);
    int reps;
    double secs;
    TIME_IT(reps, secs, die_if(pq_rle_decode_u32(pq_bytes_make(b.data, b.len), 10, N_VALUES, out, NULL, &err), &err));
    row("hybrid decode u32, width 10 packed", secs, reps, 4.0 * N_VALUES, N_VALUES);
    TIME_IT(reps, secs, die_if(pq_rle_decode_u16(pq_bytes_make(lb.data, lb.len), 1, N_VALUES, lout, NULL, &err), &err));
    row("hybrid decode u16, width 1 levels", secs, reps, 2.0 * N_VALUES, N_VALUES);
    TIME_IT(reps, secs, { b.len = 0; die_if(pq_rle_encode_u32(v, N_VALUES, 10, &b, &err), &err); });
    row("hybrid encode u32, width 10", secs, reps, 4.0 * N_VALUES, N_VALUES);
    pq_buf_reset(&b);
    pq_buf_reset(&lb);
    free(v);
    free(out);
    free(lv);
    free(lout);
}

static void bench_gather_and_builder(void)
{
    pq_error err;
    pq_values dict, out, sdict, sout;
    pq_values_init(&dict, PQ_PHYS_INT64, 0, NULL);
    pq_values_init(&out, PQ_PHYS_INT64, 0, NULL);
    pq_values_init(&sdict, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    pq_values_init(&sout, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    int64_t dv[1000];
    for (int i = 0; i < 1000; i++) dv[i] = (int64_t)rnd();
    die_if(pq_buf_append(&dict.data, dv, sizeof dv, &err), &err);
    dict.n = 1000;
    pq_buf plain;
    pq_buf_init(&plain, NULL);
    for (int i = 0; i < 1000; i++) {
        char s[32];
        uint32_t l = (uint32_t)snprintf(s, sizeof s, "SYMBOL-%04d-%s", i, i % 3 ? "X" : "LONGER");
        die_if(pq_buf_append(&plain, &l, 4, &err), &err);
        die_if(pq_buf_append(&plain, s, l, &err), &err);
    }
    die_if(pq_plain_decode(pq_bytes_make(plain.data, plain.len), 1000, &sdict, NULL, &err), &err);
    uint32_t *idx = malloc(N_VALUES * sizeof *idx);
    for (int i = 0; i < N_VALUES; i++) idx[i] = (uint32_t)(rnd() % 1000);
    int reps;
    double secs;
    TIME_IT(reps, secs, { pq_values_clear(&out); die_if(pq_dict_gather(&dict, idx, N_VALUES, &out, &err), &err); });
    row("dictionary gather INT64", secs, reps, 8.0 * N_VALUES, N_VALUES);
    TIME_IT(reps, secs, { pq_values_clear(&sout); die_if(pq_dict_gather(&sdict, idx, N_VALUES, &sout, &err), &err); });
    row("dictionary gather BYTE_ARRAY", secs, reps, (double)sout.data.len, N_VALUES);

    /* builder over the gathered columns (1000 distinct values each) */
    pq_values_view iv = pq_values_view_of(&out), sv = pq_values_view_of(&sout);
    pq_dict_builder *d;
    die_if(pq_dict_builder_create(&d, PQ_PHYS_INT64, 0, NULL, &err), &err);
    TIME_IT(reps, secs, { pq_dict_builder_clear(d); die_if(pq_dict_builder_add(d, &iv, idx, &err), &err); });
    row("dict builder add INT64 (1k distinct)", secs, reps, 8.0 * N_VALUES, N_VALUES);
    pq_dict_builder_destroy(d);
    die_if(pq_dict_builder_create(&d, PQ_PHYS_BYTE_ARRAY, 0, NULL, &err), &err);
    TIME_IT(reps, secs, { pq_dict_builder_clear(d); die_if(pq_dict_builder_add(d, &sv, idx, &err), &err); });
    row("dict builder add BYTE_ARRAY (1k)", secs, reps, (double)sout.data.len, N_VALUES);
    pq_dict_builder_destroy(d);

    /* PLAIN BYTE_ARRAY decode of the gathered strings */
    pq_buf enc;
    pq_buf_init(&enc, NULL);
    die_if(pq_plain_encode(&sv, &enc, &err), &err);
    pq_values dec;
    pq_values_init(&dec, PQ_PHYS_BYTE_ARRAY, 0, NULL);
    TIME_IT(reps, secs, {
        pq_values_clear(&dec);
        die_if(pq_plain_decode(pq_bytes_make(enc.data, enc.len), N_VALUES, &dec, NULL, &err), &err);
    });
    row("PLAIN BYTE_ARRAY decode", secs, reps, (double)enc.len, N_VALUES);
    pq_values_reset(&dec);
    pq_buf_reset(&enc);
    pq_buf_reset(&plain);
    free(idx);
    pq_values_reset(&dict);
    pq_values_reset(&out);
    pq_values_reset(&sdict);
    pq_values_reset(&sout);
}

static void bench_delta_bss(void)
{
    pq_error err;
    int64_t *ts = malloc(N_VALUES * sizeof *ts);
    int64_t t = 1700000000000000LL;
    for (int i = 0; i < N_VALUES; i++) ts[i] = t += (int64_t)(rnd() % 2000); /* timestamps */
    pq_values_view v = {PQ_PHYS_INT64, 8, (const uint8_t *)ts, NULL, N_VALUES};
    pq_buf b;
    pq_buf_init(&b, NULL);
    die_if(pq_delta_bp_encode(&v, &b, &err), &err);
    pq_values out;
    pq_values_init(&out, PQ_PHYS_INT64, 0, NULL);
    int reps;
    double secs;
    TIME_IT(reps, secs, {
        pq_values_clear(&out);
        die_if(pq_delta_bp_decode(pq_bytes_make(b.data, b.len), N_VALUES, &out, NULL, &err), &err);
    });
    row("DELTA_BINARY_PACKED decode INT64", secs, reps, 8.0 * N_VALUES, N_VALUES);
    TIME_IT(reps, secs, { b.len = 0; die_if(pq_delta_bp_encode(&v, &b, &err), &err); });
    row("DELTA_BINARY_PACKED encode INT64", secs, reps, 8.0 * N_VALUES, N_VALUES);
    pq_values_view dv = {PQ_PHYS_DOUBLE, 8, (const uint8_t *)ts, NULL, N_VALUES};
    b.len = 0;
    die_if(pq_bss_encode(&dv, &b, &err), &err);
    pq_values dout;
    pq_values_init(&dout, PQ_PHYS_DOUBLE, 0, NULL);
    TIME_IT(reps, secs, {
        pq_values_clear(&dout);
        die_if(pq_bss_decode(pq_bytes_make(b.data, b.len), N_VALUES, &dout, &err), &err);
    });
    row("BYTE_STREAM_SPLIT decode DOUBLE", secs, reps, 8.0 * N_VALUES, N_VALUES);
    pq_values_reset(&dout);
    pq_values_reset(&out);
    pq_buf_reset(&b);
    free(ts);
}

int main(void)
{
#ifdef __OPTIMIZE__
    const char *opt = "optimised";
#else
    const char *opt = "NOT optimised";
#endif
    printf("parquant encoding micro-benchmark (%s build, %d values per case)\n", opt, N_VALUES);
    printf("%-36s %15s %17s\n", "case", "throughput", "per value");
    bench_hybrid();
    bench_gather_and_builder();
    bench_delta_bss();
    return 0;
}
