/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/progress.c - one-line progress display for long work: bytes done of
 * total, rate, ETA and rows, redrawn in place on stderr at most 10 times a
 * second, and only when stderr is a terminal (quiet in pipes, logs and CI).
 */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "core/core.h"

#include <unistd.h>


static void human_bytes(double b, char *buf, size_t cap)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024 && u < 4) { b /= 1024; u++; }
    snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

void cli_progress_init(cli_progress *p, const char *label)
{
    p->enabled = isatty(STDERR_FILENO) == 1;
    p->start = pq_mono_seconds();
    p->last_draw = 0;
    p->label = label;
}

void cli_progress_update(cli_progress *p, const char *phase, int64_t done, int64_t total, int64_t rows)
{
    if (!p->enabled) return;
    double t = pq_mono_seconds();
    if (t - p->last_draw < 0.1 && done < total) return;
    p->last_draw = t;
    double el = t - p->start, rate = el > 0 ? (double)done / el : 0;
    char d[32], tot[32], r[32], eta[32] = "--:--";
    human_bytes((double)done, d, sizeof d);
    human_bytes((double)total, tot, sizeof tot);
    human_bytes(rate, r, sizeof r);
    if (rate > 0 && total >= done) {
        long s = (long)((double)(total - done) / rate);
        snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
    }
    int pct = total > 0 ? (int)(100.0 * (double)done / (double)total) : 100;
    fprintf(stderr, "\r\033[K%s %s: %s / %s (%d%%)  %s/s  ETA %s", p->label, phase, d, tot, pct, r, eta);
    if (rows >= 0) fprintf(stderr, "  %lld rows", (long long)rows);
    fflush(stderr);
}

void cli_progress_finish(cli_progress *p)
{
    if (p->enabled) fprintf(stderr, "\r\033[K");
}
