/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/throttle.h - machine-wide CPU measurement and the controller that
 * decides how many backtest workers may run (necrozma.md §7.3, §9.12-13).
 *
 * The original sampled CPU with a blocking 1-2 s psutil call every 5 items
 * and slept the whole cooldown even when the CPU was fine.  Here:
 *   - pq_cpu_sampler reads /proc/stat (the "cpu" line) and returns the busy
 *     share of all CPUs between two calls: no blocking, a call costs one
 *     small read, so the runner samples every ~0.5 s;
 *   - pq_throttle is a pure controller fed with (time, CPU %) samples: it
 *     smooths them over a short window, lowers the active worker count by
 *     one when the average is above the limit and then holds new tasks for
 *     the cooldown, raises it by one when the average has stayed well under
 *     the limit (limit - margin) for a cooldown, never below 1 nor above the
 *     maximum.  Every change comes with a one-line reason for the log.
 */
#ifndef PARQUANT_BACKTEST_THROTTLE_H
#define PARQUANT_BACKTEST_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

/* ------------------------------------------------------------ /proc/stat */

/** Parse the aggregate "cpu " line of /proc/stat text: *busy and *total
 *  jiffies (total = user+nice+system+idle+iowait+irq+softirq+steal; busy =
 *  total - idle - iowait; guest time is already inside user/nice).
 *  @return PQ_ERR_PARSE when no such line or fewer than 4 numbers. */
PQ_NODISCARD pq_status pq_cpu_parse_stat(const char *text, uint64_t *busy, uint64_t *total, pq_error *err);

typedef struct pq_cpu_sampler {
    const char *path;   /* "/proc/stat" unless a test sets another file */
    uint64_t busy, total;
    bool primed;
} pq_cpu_sampler;

void pq_cpu_sampler_init(pq_cpu_sampler *s);

/** Read the counters; *pct = busy share (0..100) of all CPUs since the
 *  previous call, or -1 on the first call (or when no time passed).
 *  @return PQ_ERR_IO / PQ_ERR_PARSE naming the file. */
PQ_NODISCARD pq_status pq_cpu_sample(pq_cpu_sampler *s, double *pct, pq_error *err);

/* ------------------------------------------------------------ controller */

typedef struct pq_throttle {
    /* settings */
    int max_workers;     /* >= 1 */
    double limit;        /* percent, (0, 100]; >= 100 disables throttling */
    double cooldown;     /* seconds new tasks wait after a reduction; >= 0 */
    double margin;       /* raise only below limit - margin (default 20) */
    double window;       /* seconds of samples averaged (default 2) */
    /* state */
    int active;          /* workers allowed now, 1..max_workers */
    double hold_until;   /* no new task starts before this time */
    double calm_since;   /* since when the average has been under limit - margin; < 0 = not calm */
    double last_change;  /* time of the last change of `active` */
    double avg;          /* the smoothed CPU %, -1 before any sample */
    /* the window: (time, pct) samples, oldest first */
    double t[64], pct[64];
    int n;
    /* counters for the summary */
    int reductions, increases;
    double sum_pct_time, sum_time;  /* time-weighted average of the samples */
} pq_throttle;

/** Settings as given; active = max_workers, nothing held. */
void pq_throttle_init(pq_throttle *t, int max_workers, double limit, double cooldown);

/** Feed one sample taken at time `now` (seconds, monotonic).  Returns +1
 *  when `active` went up, -1 when down, 0 otherwise; on a change `why`
 *  (may be NULL) gets e.g. "CPU 93% > 80% (avg over 2.0 s): 2 -> 1 workers,
 *  new tasks wait 5 s" or "CPU 41% < 60% for 5.0 s: 1 -> 2 workers". */
int pq_throttle_update(pq_throttle *t, double now, double pct, char *why, size_t why_cap);

/** May a new task start at time `now` with `running` tasks running? */
bool pq_throttle_may_start(const pq_throttle *t, double now, int running);

#endif /* PARQUANT_BACKTEST_THROTTLE_H */
