/* SPDX-License-Identifier: Apache-2.0
 *
 * core/clock.c - the monotonic clock every timer of parquant reads
 * (progress rates, time budgets, job time-outs, leases, throttling).
 */
#include "core/core.h"

#include <time.h>

double pq_mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
