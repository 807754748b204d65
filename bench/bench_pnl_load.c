/* SPDX-License-Identifier: Apache-2.0
 *
 * bench/bench_pnl_load.c - time pq_pnl_load (Parquet -> the optimiser's
 * matrix) on a file or dataset: `bench_pnl_load PATH [RUNS]` prints one
 * JSON line: rows, strategies, median and best milliseconds over RUNS
 * loads after a warm-up (none when RUNS is 1), and the process's peak resident memory (MiB).
 */
#include "parquant/pnl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* This process's peak resident memory (VmHWM), KiB.  Not getrusage's
 * ru_maxrss: Linux keeps that across execve, so a child of a big process
 * (node with DuckDB loaded) would report its parent's peak. */
static long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
    if (f) fclose(f);
    return kib;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_pnl_load PATH [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 7;
    if (runs < 1) runs = 1;
    double *ms = calloc((size_t)runs, sizeof *ms);
    if (!ms) return 1;
    pq_pnl p;
    pq_error err;
    int64_t rows = 0, strategies = 0;
    for (int i = runs > 1 ? -1 : 0; i < runs; i++) { /* run -1 warms the page cache */
        double t0 = now_ms();
        if (pq_pnl_load(argv[1], NULL, &p, &err) != PQ_OK) {
            char buf[512];
            fprintf(stderr, "bench_pnl_load: %s\n", pq_error_format(&err, buf, sizeof buf));
            return 1;
        }
        double t1 = now_ms();
        if (i >= 0) ms[i] = t1 - t0;
        rows = p.n_rows;
        strategies = p.n_strategies;
        pq_pnl_free(&p);
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    printf("{\"rows\":%lld,\"strategies\":%lld,\"median_ms\":%.3f,\"best_ms\":%.3f,\"peak_rss_mib\":%.1f}\n",
           (long long)rows, (long long)strategies, ms[runs / 2], ms[0], peak_rss_kib() / 1024.0);
    free(ms);
    return 0;
}
