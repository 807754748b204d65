/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/backtest/test_throttle.c - backtest/throttle.c: parsing /proc/stat
 * text (real layout, 4 and 10 fields, missing line, garbage, 64-bit
 * overflow); the sampler on fake stat files (first call, exact share,
 * counters going backwards, missing file, bad file) and once on the real
 * /proc/stat; the controller on synthetic 0.5 s sample sequences (steps
 * down and up with their spacing and reasons, smoothing of spikes,
 * hysteresis, disabled limits, holds, the time-weighted window and its 64
 * slots, the summary sums); and a closed loop where a simulated runner
 * shares the machine with a CPU hog.
 */
#include "backtest/throttle.h"

#include "harness.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHECK_NEAR(a, b, tol)                                                          \
    do {                                                                               \
        double hna_ = (double)(a), hnb_ = (double)(b);                                 \
        if (fabs(hna_ - hnb_) <= (tol)) harness_passed++;                              \
        else {                                                                         \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: [%s] %s == %.6f, expected %s == %.6f (+-%g)\n", __FILE__, __LINE__, \
                    harness_case, #a, hna_, #b, hnb_, (double)(tol));                  \
        }                                                                              \
    } while (0)

#define CHECK_HAS(s, sub)                                                              \
    do {                                                                               \
        const char *hs_ = (s), *hsub_ = (sub);                                         \
        if (strstr(hs_, hsub_)) harness_passed++;                                      \
        else {                                                                         \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: [%s] \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
                    harness_case, hs_, hsub_);                                         \
        }                                                                              \
    } while (0)

static char stat_path[64]; /* the fake /proc/stat, made with mkstemp */


/* ------------------------------------------------------------ parsing */

static const char REAL_STAT[] =
    "cpu  10132153 290696 3084719 46828483 16683 0 25195 0 175628 0\n"
    "cpu0 1393280 32966 572056 13343292 6130 0 17875 0 23933 0\n"
    "cpu1 1335720 35227 489054 11592217 3211 0 2516 0 21442 0\n"
    "cpu2 1338404 20733 470637 11543562 3602 0 2179 0 34283 0\n"
    "intr 1462898 18 9 0 0 0 0 0 0 1 0 0 0 156 0 0 0 0 0 0\n"
    "ctxt 7453210\n"
    "btime 1700000000\n"
    "processes 35011\n"
    "procs_running 2\n"
    "procs_blocked 0\n"
    "softirq 2188230 1 345674 12 40543 28763 0 2734 869001 0 901502\n";

TEST(parse_real_stat)
{
    pq_error err;
    pq_error_clear(&err);
    uint64_t busy = 0, total = 0;
    CHECK_OK(pq_cpu_parse_stat(REAL_STAT, &busy, &total, &err), &err);
    /* user nice system idle iowait irq softirq steal; guest* not added */
    uint64_t want_total = 10132153ull + 290696 + 3084719 + 46828483 + 16683 + 0 + 25195 + 0;
    CHECK_EQ_I64(total, want_total);
    CHECK_EQ_I64(busy, want_total - 46828483ull - 16683);

    /* the aggregate line need not be the first one; cpuN lines never match */
    const char *later = "intr 5 6 7\ncpu0 9 9 9 9\ncpu  1 2 3 4 5\ncpu1 9 9 9 9\n";
    CHECK_OK(pq_cpu_parse_stat(later, &busy, &total, &err), &err);
    CHECK_EQ_I64(total, 15);
    CHECK_EQ_I64(busy, 6);
    /* a tab after "cpu", CRLF and no final newline */
    CHECK_OK(pq_cpu_parse_stat("cpu\t1 2 3 4\r\n", &busy, &total, &err), &err);
    CHECK_EQ_I64(total, 10);
    CHECK_OK(pq_cpu_parse_stat("cpu 7 0 3 10", &busy, &total, &err), &err);
    CHECK_EQ_I64(total, 20);
    CHECK_EQ_I64(busy, 10);
}

TEST(parse_field_counts)
{
    pq_error err;
    pq_error_clear(&err);
    uint64_t busy = 0, total = 0;
    /* 4 numbers: user nice system idle */
    CHECK_OK(pq_cpu_parse_stat("cpu 1 2 3 4\n", &busy, &total, &err), &err);
    CHECK_EQ_I64(total, 10);
    CHECK_EQ_I64(busy, 6);
    /* 5: iowait is not busy */
    CHECK_OK(pq_cpu_parse_stat("cpu 1 2 3 4 5\n", &busy, &total, &err), &err);
    CHECK_EQ_I64(total, 15);
    CHECK_EQ_I64(busy, 6);
    /* 8: up to steal */
    CHECK_OK(pq_cpu_parse_stat("cpu 1 2 3 4 5 6 7 8\n", &busy, &total, &err), &err);
    CHECK_EQ_I64(total, 36);
    CHECK_EQ_I64(busy, 27);
    /* 10: guest (9) and guest_nice (10) are inside user/nice */
    CHECK_OK(pq_cpu_parse_stat("cpu 1 2 3 4 5 6 7 8 9 10\n", &busy, &total, &err), &err);
    CHECK_EQ_I64(total, 36);
    CHECK_EQ_I64(busy, 27);
    /* an 11th field from a future kernel is ignored */
    CHECK_OK(pq_cpu_parse_stat("cpu 1 2 3 4 5 6 7 8 9 10 11\n", &busy, &total, &err), &err);
    CHECK_EQ_I64(total, 36);
    /* fewer than 4 */
    pq_error_clear(&err);
    CHECK_STATUS(pq_cpu_parse_stat("cpu 1 2 3\ncpu0 1 2 3 4\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, "3 numbers, at least 4");
    CHECK_STATUS(pq_cpu_parse_stat("cpu \n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, "0 numbers");
}

TEST(parse_errors)
{
    pq_error err;
    uint64_t busy = 7, total = 7;
    pq_error_clear(&err);
    CHECK_STATUS(pq_cpu_parse_stat("cpu0 1 2 3 4\ncpu1 1 2 3 4\nintr 1\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, "no aggregate \"cpu \" line");
    CHECK_EQ_I64(err.code, PQ_ERR_PARSE);
    CHECK_STATUS(pq_cpu_parse_stat("", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_STATUS(pq_cpu_parse_stat("hello world\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_STATUS(pq_cpu_parse_stat("cpus 1 2 3 4\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_STATUS(pq_cpu_parse_stat(" cpu 1 2 3 4\n", &busy, &total, &err), PQ_ERR_PARSE);
    pq_error_clear(&err);
    CHECK_STATUS(pq_cpu_parse_stat("cpu 1 2 x 4\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, "field 3 is not a number: \"x\"");
    CHECK_STATUS(pq_cpu_parse_stat("cpu 1 -2 3 4\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, "field 2");
    CHECK_STATUS(pq_cpu_parse_stat("cpu 1 +2 3 4\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_STATUS(pq_cpu_parse_stat("cpu 1 2 3 4x\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, "field 4");
    CHECK_STATUS(pq_cpu_parse_stat("cpu 1 2 3 0x10\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_STATUS(pq_cpu_parse_stat("cpu 1 2 3 4.5\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_STATUS(pq_cpu_parse_stat("cpu 1 2 3 4 5 6 7 8 9 10 junk\n", &busy, &total, &err), PQ_ERR_PARSE);
    /* the outputs are untouched on failure */
    CHECK_EQ_I64(busy, 7);
    CHECK_EQ_I64(total, 7);
    CHECK_STATUS(pq_cpu_parse_stat(NULL, &busy, &total, NULL), PQ_ERR_PARSE);
}

TEST(parse_overflow)
{
    pq_error err;
    pq_error_clear(&err);
    uint64_t busy = 0, total = 0;
    /* the largest value fits */
    CHECK_OK(pq_cpu_parse_stat("cpu 18446744073709551615 0 0 0\n", &busy, &total, &err), &err);
    CHECK(total == UINT64_MAX);
    CHECK(busy == UINT64_MAX);
    /* one more does not */
    CHECK_STATUS(pq_cpu_parse_stat("cpu 18446744073709551616 0 0 0\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, "field 1 does not fit in 64 bits");
    CHECK_STATUS(pq_cpu_parse_stat("cpu 1 2 3 99999999999999999999999999999\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, "field 4 does not fit in 64 bits");
    /* each fits, the sum does not */
    CHECK_STATUS(pq_cpu_parse_stat("cpu 18446744073709551615 1 0 0\n", &busy, &total, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, "sum");
    CHECK_STATUS(pq_cpu_parse_stat("cpu 9223372036854775808 0 0 9223372036854775808\n", &busy, &total, &err),
                 PQ_ERR_PARSE);
    /* a huge guest value is not summed, so it cannot overflow the total */
    CHECK_OK(pq_cpu_parse_stat("cpu 1 2 3 4 0 0 0 0 18446744073709551615 18446744073709551615\n", &busy, &total,
                               &err), &err);
    CHECK_EQ_I64(total, 10);
}

/* ------------------------------------------------------------ sampler */

TEST(sampler_on_fake_files)
{
    pq_error err;
    pq_error_clear(&err);
    pq_cpu_sampler s;
    pq_cpu_sampler_init(&s);
    CHECK_EQ_STR(s.path, "/proc/stat");
    CHECK(!s.primed);
    s.path = stat_path;
    double pct = 123;

    /* busy 200 (100 user + 100 system), total 1000 (idle 700, iowait 100) */
    harness_write_text(stat_path, "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\n");
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, -1, 0);
    CHECK(s.primed);
    CHECK_EQ_I64(s.busy, 200);
    CHECK_EQ_I64(s.total, 1000);

    /* busy 500 (+300), total 1400 (+400): 75 % */
    harness_write_text(stat_path, "cpu  250 0 250 750 150 0 0 0 0 0\ncpu0 1 1 1 1\n");
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, 75.0, 1e-12);

    /* no jiffy passed: -1 */
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, -1, 0);

    /* all idle: 0 %; then irq/softirq/steal count as busy: 100 % */
    harness_write_text(stat_path, "cpu  250 0 250 850 150 0 0 0 0 0\n");
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, 0.0, 1e-12);
    harness_write_text(stat_path, "cpu  250 0 250 850 150 10 20 30 0 0\n");
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, 100.0, 1e-12);
    /* 4-field form: +10 user, +30 idle -> 25 % */
    harness_write_text(stat_path, "cpu 260 0 250 880\n");
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    /* iowait/irq... vanished from the line: total went down -> re-prime */
    CHECK_NEAR(pct, -1, 0);
    harness_write_text(stat_path, "cpu 270 0 250 910\n");
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, 25.0, 1e-12);

    /* counters going backwards (hotplug): -1 and re-primed on the new values */
    harness_write_text(stat_path, "cpu 10 0 10 80\n");
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, -1, 0);
    CHECK_EQ_I64(s.busy, 20);
    CHECK_EQ_I64(s.total, 100);
    harness_write_text(stat_path, "cpu 20 0 20 160\n"); /* +20 busy of +100 */
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, 20.0, 1e-12);
    /* busy backwards alone (total up) also re-primes */
    harness_write_text(stat_path, "cpu 5 0 5 400\n");
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, -1, 0);

    /* a bad file: PQ_ERR_PARSE naming it; the counters are kept */
    harness_write_text(stat_path, "cpu0 1 2 3 4\n");
    pq_error_clear(&err);
    pct = 5;
    CHECK_STATUS(pq_cpu_sample(&s, &pct, &err), PQ_ERR_PARSE);
    CHECK_NEAR(pct, -1, 0);
    CHECK_HAS(err.message, stat_path);
    CHECK_HAS(err.message, "no aggregate");
    CHECK_EQ_I64(s.busy, 10);
    CHECK_EQ_I64(s.total, 410);
    harness_write_text(stat_path, "cpu 15 0 5 480\n"); /* +10 of +90 from the kept counters */
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, 100.0 * 10 / 90, 1e-12);
}

TEST(sampler_large_and_missing_files)
{
    pq_error err;
    pq_error_clear(&err);
    pq_cpu_sampler s;
    pq_cpu_sampler_init(&s);
    s.path = stat_path;
    double pct = 0;

    /* more than the 4 KiB buffer: the cpu line comes first, the rest is cut */
    size_t cap = 20000, len = 0;
    char *big = (char *)malloc(cap);
    CHECK(big != NULL);
    if (!big) return;
    len += (size_t)snprintf(big + len, cap - len, "cpu  100 0 100 800\n");
    while (len + 100 < cap) len += (size_t)snprintf(big + len, cap - len, "cpu%zu 1 2 3 4 5 6 7 8 9 10 11 12\n", len);
    harness_write_text(stat_path, big);
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, -1, 0);
    CHECK_EQ_I64(s.total, 1000);

    /* a first line longer than the buffer: no complete line */
    memset(big, '1', cap - 1);
    memcpy(big, "cpu ", 4);
    for (size_t i = 5; i < cap - 1; i += 2) big[i] = ' ';
    big[cap - 1] = '\0';
    harness_write_text(stat_path, big);
    pq_error_clear(&err);
    CHECK_STATUS(pq_cpu_sample(&s, &pct, &err), PQ_ERR_PARSE);
    CHECK_HAS(err.message, stat_path);
    free(big);

    /* an empty file */
    harness_write_text(stat_path, "");
    CHECK_STATUS(pq_cpu_sample(&s, &pct, &err), PQ_ERR_PARSE);

    /* a missing file: PQ_ERR_IO naming it */
    char missing[128];
    snprintf(missing, sizeof missing, "%s.missing", stat_path);
    s.path = missing;
    pq_error_clear(&err);
    pct = 3;
    CHECK_STATUS(pq_cpu_sample(&s, &pct, &err), PQ_ERR_IO);
    CHECK_NEAR(pct, -1, 0);
    CHECK_HAS(err.message, missing);
    CHECK_HAS(err.message, "cannot open");
    /* a folder: open works, read fails */
    s.path = "/tmp";
    CHECK_STATUS(pq_cpu_sample(&s, &pct, &err), PQ_ERR_IO);
    CHECK_HAS(err.message, "/tmp: cannot read");
    /* NULL path means /proc/stat */
    s.path = NULL;
    s.primed = false;
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, -1, 0);
}

TEST(sampler_on_proc_stat)
{
    pq_error err;
    pq_error_clear(&err);
    pq_cpu_sampler s;
    pq_cpu_sampler_init(&s);
    double pct = 0;
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK_NEAR(pct, -1, 0);
    CHECK(s.primed);
    CHECK(s.total > 0);
    /* spin ~50 ms so some jiffies pass */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do clock_gettime(CLOCK_MONOTONIC, &b);
    while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 50000000L);
    CHECK_OK(pq_cpu_sample(&s, &pct, &err), &err);
    CHECK(pct == -1 || (pct >= 0 && pct <= 100));
    printf("  /proc/stat: %.1f %% busy over ~50 ms\n", pct);
}

/* ------------------------------------------------------------ controller */

TEST(init_defaults)
{
    pq_throttle t;
    memset(&t, 0x5a, sizeof t);
    pq_throttle_init(&t, 4, 80, 5);
    CHECK_EQ_I64(t.max_workers, 4);
    CHECK_EQ_I64(t.active, 4);
    CHECK_NEAR(t.limit, 80, 0);
    CHECK_NEAR(t.cooldown, 5, 0);
    CHECK_NEAR(t.margin, 20, 0);
    CHECK_NEAR(t.window, 2, 0);
    CHECK_NEAR(t.avg, -1, 0);
    CHECK(t.hold_until < 0);
    CHECK(t.calm_since < 0);
    CHECK_EQ_I64(t.n, 0);
    CHECK_EQ_I64(t.reductions, 0);
    CHECK_EQ_I64(t.increases, 0);
    CHECK_NEAR(t.sum_time, 0, 0);
    CHECK_NEAR(t.sum_pct_time, 0, 0);
    CHECK(pq_throttle_may_start(&t, 0, 0));
    CHECK(pq_throttle_may_start(&t, 0, 3));
    CHECK(!pq_throttle_may_start(&t, 0, 4));
    pq_throttle_init(&t, 0, 80, 5);
    CHECK_EQ_I64(t.max_workers, 1);
    CHECK_EQ_I64(t.active, 1);
}

TEST(steps_down_then_up)
{
    pq_throttle t;
    pq_throttle_init(&t, 4, 80, 5);
    char why[160];
    double down[8], up[8];
    int nd = 0, nu = 0, min_active = 99, max_active = 0;

    /* 95 % for 30 s */
    for (int k = 0; k <= 60; k++) {
        double now = k * 0.5;
        int before = t.active;
        memset(why, 'x', sizeof why);
        int r = pq_throttle_update(&t, now, 95, why, sizeof why);
        CHECK(r <= 0);
        if (t.active < min_active) min_active = t.active;
        if (r < 0) {
            CHECK_EQ_I64(t.active, before - 1);
            CHECK_NEAR(t.hold_until, now + 5, 1e-12);
            CHECK(!pq_throttle_may_start(&t, now, 0));
            CHECK(!pq_throttle_may_start(&t, now + 4.9, 0));
            CHECK(pq_throttle_may_start(&t, now + 5, 0));
            CHECK_HAS(why, "CPU 95% > 80%");
            if (nd < 8) down[nd] = now;
            nd++;
        } else {
            CHECK_EQ_I64(t.active, before);
            CHECK_EQ_STR(why, "");
        }
        if (r < 0 && before == 4)
            CHECK_EQ_STR(why, "CPU 95% > 80% (avg over 2.0 s): 4 -> 3 workers, new tasks wait 5 s");
        if (r < 0 && before == 2)
            CHECK_EQ_STR(why, "CPU 95% > 80% (avg over 2.0 s): 2 -> 1 workers, new tasks wait 5 s");
    }
    CHECK_EQ_I64(nd, 3);
    CHECK_EQ_I64(min_active, 1);
    CHECK_EQ_I64(t.active, 1);
    CHECK_EQ_I64(t.reductions, 3);
    CHECK_EQ_I64(t.increases, 0);
    /* the first once the window is full, then one per cooldown */
    if (nd == 3) {
        CHECK_NEAR(down[0], 2.0, 0);
        CHECK_NEAR(down[1], 7.0, 0);
        CHECK_NEAR(down[2], 12.0, 0);
    }
    /* still over the limit at 1 worker: the hold is not extended */
    CHECK_NEAR(t.hold_until, 17.0, 1e-12);
    CHECK(pq_throttle_may_start(&t, 30, 0));
    CHECK(!pq_throttle_may_start(&t, 30, 1));
    CHECK_NEAR(t.avg, 95, 1e-9);

    /* 30 % for 70 s: back up one step per calm period, never above 4 */
    for (int k = 61; k <= 200; k++) {
        double now = k * 0.5;
        int before = t.active;
        int r = pq_throttle_update(&t, now, 30, why, sizeof why);
        CHECK(r >= 0);
        if (t.active > max_active) max_active = t.active;
        if (r > 0) {
            CHECK_EQ_I64(t.active, before + 1);
            CHECK_HAS(why, "CPU 30% < 60% for 5.0 s");
            if (nu < 8) up[nu] = now;
            nu++;
        }
        if (r > 0 && before == 1) CHECK_EQ_STR(why, "CPU 30% < 60% for 5.0 s: 1 -> 2 workers");
        if (r > 0 && before == 3) CHECK_EQ_STR(why, "CPU 30% < 60% for 5.0 s: 3 -> 4 workers");
    }
    CHECK_EQ_I64(nu, 3);
    CHECK_EQ_I64(max_active, 4);
    CHECK_EQ_I64(t.active, 4);
    CHECK_EQ_I64(t.increases, 3);
    CHECK_EQ_I64(t.reductions, 3);
    /* the 2 s average first falls under 60 % at 31.5 s (95*0.5 + 30*1.5) / 2 */
    if (nu == 3) {
        CHECK_NEAR(up[0], 36.5, 0);
        CHECK_NEAR(up[1], 41.5, 0);
        CHECK_NEAR(up[2], 46.5, 0);
    }
    /* the summary: 30 s at 95 %, 70 s at 30 % (the first sample has no interval) */
    CHECK_NEAR(t.sum_time, 100.0, 1e-9);
    CHECK_NEAR(t.sum_pct_time, 30 * 95.0 + 70 * 30.0, 1e-6);
}

TEST(spikes_are_smoothed)
{
    pq_throttle t;
    pq_throttle_init(&t, 4, 80, 5);
    int changes = 0;
    double first_down = -1;
    for (int k = 0; k <= 80; k++) {
        double now = k * 0.5;
        /* a 1 s spike at 10.5-11.0 s, a 3 s one at 20.5-23.0 s */
        double pct = (now >= 10.5 && now <= 11.0) ? 100 : (now >= 20.5 && now <= 23.0) ? 95 : 30;
        int r = pq_throttle_update(&t, now, pct, NULL, 0);
        if (r) changes++;
        if (r < 0 && first_down < 0) first_down = now;
        if (now == 11.0) CHECK_NEAR(t.avg, 65.0, 1e-9); /* (100*1 + 30*1) / 2 */
        if (now < 20) CHECK_EQ_I64(t.active, 4);
    }
    /* the long one reduces as soon as the window holds only it (the sample
     * at 20.5 s covers 20.0-20.5 s), and 30 % brings the worker back */
    CHECK_EQ_I64(changes, 2);
    CHECK_EQ_I64(t.reductions, 1);
    CHECK_EQ_I64(t.increases, 1);
    CHECK_NEAR(first_down, 22.0, 0);
    CHECK_EQ_I64(t.active, 4);

    /* a spike at the very start is not acted on before a window is full */
    pq_throttle_init(&t, 4, 80, 5);
    CHECK_EQ_I64(pq_throttle_update(&t, 0, 100, NULL, 0), 0);
    CHECK_EQ_I64(pq_throttle_update(&t, 0.5, 100, NULL, 0), 0);
    CHECK_EQ_I64(pq_throttle_update(&t, 1.0, 100, NULL, 0), 0);
    CHECK_EQ_I64(pq_throttle_update(&t, 1.5, 20, NULL, 0), 0);
    CHECK_EQ_I64(pq_throttle_update(&t, 2.0, 20, NULL, 0), 0);
    CHECK_EQ_I64(t.active, 4);
}

TEST(hysteresis_band)
{
    pq_throttle t;
    pq_throttle_init(&t, 4, 80, 5);
    double now = 0;
    for (; now <= 2.0; now += 0.5) (void)pq_throttle_update(&t, now, 95, NULL, 0);
    CHECK_EQ_I64(t.active, 3);
    /* 60.5 .. 80 % for 60 s: nothing changes either way */
    int changes = 0;
    for (int k = 0; k < 120; k++) {
        now += 0.5;
        double pct = 60.5 + (k % 40) * 0.4875; /* 60.5 .. 79.5 */
        char why[64] = "x";
        if (pq_throttle_update(&t, now, pct, why, sizeof why)) changes++;
        CHECK_EQ_STR(why, "");
        CHECK(t.calm_since < 0);
    }
    CHECK_EQ_I64(changes, 0);
    CHECK_EQ_I64(t.active, 3);
    /* exactly at the limit is not over it, exactly at limit - margin is not calm */
    for (int k = 0; k < 40; k++) {
        now += 0.5;
        if (pq_throttle_update(&t, now, k < 20 ? 80 : 60, NULL, 0)) changes++;
    }
    CHECK_EQ_I64(changes, 0);
    CHECK_EQ_I64(t.reductions, 1);
    CHECK_EQ_I64(t.increases, 0);
    /* just under: comes back up after the calm period */
    double t0 = now;
    for (int k = 0; k < 40 && t.active == 3; k++) {
        now += 0.5;
        (void)pq_throttle_update(&t, now, 59, NULL, 0);
    }
    CHECK_EQ_I64(t.active, 4);
    /* calm from the first 59 % sample (the average is then 59.75), raised a
     * cooldown later */
    CHECK_NEAR(now - t0, 0.5 + 5.0, 1e-9);
}

TEST(disabled_limits)
{
    static const double limits[] = {100, 150, 0, -5, NAN};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        pq_throttle t;
        pq_throttle_init(&t, 3, limits[i], 5);
        int changes = 0;
        for (int k = 0; k <= 120; k++) {
            char why[64] = "x";
            if (pq_throttle_update(&t, k * 0.5, k < 60 ? 100 : 1, why, sizeof why)) changes++;
            CHECK_EQ_STR(why, "");
            CHECK(pq_throttle_may_start(&t, k * 0.5, 2));
            CHECK(!pq_throttle_may_start(&t, k * 0.5, 3));
            if (k == 59) CHECK_NEAR(t.avg, 100, 1e-9);
        }
        CHECK_EQ_I64(changes, 0);
        CHECK_EQ_I64(t.active, 3);
        CHECK_EQ_I64(t.reductions + t.increases, 0);
        CHECK_NEAR(t.avg, 1, 1e-9);
        CHECK_NEAR(t.sum_time, 60, 1e-9);
    }
    /* 99.9 is a real limit */
    pq_throttle t;
    pq_throttle_init(&t, 3, 99.9, 5);
    for (int k = 0; k <= 4; k++) (void)pq_throttle_update(&t, k * 0.5, 100, NULL, 0);
    CHECK_EQ_I64(t.active, 2);
}

TEST(may_start_and_hold)
{
    pq_throttle t;
    pq_throttle_init(&t, 2, 80, 5);
    CHECK(pq_throttle_may_start(&t, 0, 1));
    CHECK(!pq_throttle_may_start(&t, 0, 2));
    CHECK(!pq_throttle_may_start(&t, 0, 5));
    int r = 0;
    for (int k = 0; k <= 4; k++) r = pq_throttle_update(&t, k * 0.5, 90, NULL, 0);
    CHECK_EQ_I64(r, -1);
    CHECK_EQ_I64(t.active, 1);
    CHECK_NEAR(t.hold_until, 7.0, 1e-12);
    CHECK(!pq_throttle_may_start(&t, 2.0, 0));
    CHECK(!pq_throttle_may_start(&t, 6.99, 0));
    CHECK(pq_throttle_may_start(&t, 7.0, 0));
    CHECK(!pq_throttle_may_start(&t, 7.0, 1));
    CHECK(!pq_throttle_may_start(&t, 100, 2));

    /* cooldown 0: no hold, steps spaced by the window, no "wait" in the reason */
    pq_throttle_init(&t, 4, 80, 0);
    double down[4];
    int nd = 0;
    char why[128], last[128] = "";
    for (int k = 0; k <= 20; k++) {
        double now = k * 0.5;
        if (pq_throttle_update(&t, now, 100, why, sizeof why) < 0) {
            if (nd < 4) down[nd] = now;
            nd++;
            CHECK(pq_throttle_may_start(&t, now, 0));
            CHECK(strstr(why, "wait") == NULL);
            snprintf(last, sizeof last, "%s", why);
        }
    }
    CHECK_EQ_I64(nd, 3);
    if (nd == 3) {
        CHECK_NEAR(down[0], 2.0, 0);
        CHECK_NEAR(down[1], 4.0, 0);
        CHECK_NEAR(down[2], 6.0, 0);
    }
    CHECK_EQ_STR(last, "CPU 100% > 80% (avg over 2.0 s): 2 -> 1 workers");

    /* a cooldown shorter than the window: steps spaced by the window, short holds */
    pq_throttle_init(&t, 4, 80, 1);
    nd = 0;
    for (int k = 0; k <= 20; k++) {
        double now = k * 0.5;
        if (pq_throttle_update(&t, now, 100, NULL, 0) < 0) {
            if (nd < 4) down[nd] = now;
            nd++;
            CHECK_NEAR(t.hold_until, now + 1, 1e-12);
        }
    }
    CHECK_EQ_I64(nd, 3);
    if (nd == 3) CHECK_NEAR(down[2] - down[1], 2.0, 0);
}

TEST(time_weighted_window)
{
    pq_throttle t;
    pq_throttle_init(&t, 4, 100, 5); /* disabled: only the averaging */
    (void)pq_throttle_update(&t, 0, 50, NULL, 0);
    CHECK_NEAR(t.avg, 50, 1e-12); /* one sample: its value */
    (void)pq_throttle_update(&t, 1.5, 90, NULL, 0);
    CHECK_NEAR(t.avg, 90, 1e-12); /* the first sample only starts the clock */
    (void)pq_throttle_update(&t, 2.0, 10, NULL, 0);
    CHECK_NEAR(t.avg, 70, 1e-12); /* (90*1.5 + 10*0.5) / 2, not (90+10)/2 */
    (void)pq_throttle_update(&t, 3.0, 40, NULL, 0);
    CHECK_NEAR(t.avg, 45, 1e-12); /* window (1,3]: 90*0.5 + 10*0.5 + 40*1 */
    CHECK_EQ_I64(t.n, 4);
    (void)pq_throttle_update(&t, 4.0, 0, NULL, 0);
    CHECK_NEAR(t.avg, 20, 1e-12); /* (2,4]: 40*1 + 0*1 */
    CHECK_EQ_I64(t.n, 3);         /* 2.0 is the boundary, 0 and 1.5 are gone */
    CHECK_NEAR(t.t[0], 2.0, 0);
    /* a long gap: the last interval covers the whole window */
    (void)pq_throttle_update(&t, 10.0, 30, NULL, 0);
    CHECK_NEAR(t.avg, 30, 1e-12);
    CHECK_EQ_I64(t.n, 2);

    /* ignored samples change nothing */
    double st = t.sum_time, sp = t.sum_pct_time;
    int n = t.n;
    CHECK_EQ_I64(pq_throttle_update(&t, 10.0, 99, NULL, 0), 0); /* same time */
    CHECK_EQ_I64(pq_throttle_update(&t, 9.0, 99, NULL, 0), 0);  /* earlier */
    CHECK_EQ_I64(pq_throttle_update(&t, 11.0, -1, NULL, 0), 0); /* the sampler's "no value" */
    CHECK_EQ_I64(pq_throttle_update(&t, 11.0, NAN, NULL, 0), 0);
    CHECK_EQ_I64(pq_throttle_update(&t, NAN, 50, NULL, 0), 0);
    CHECK_EQ_I64(pq_throttle_update(&t, INFINITY, 50, NULL, 0), 0);
    CHECK_EQ_I64(t.n, n);
    CHECK_NEAR(t.sum_time, st, 0);
    CHECK_NEAR(t.sum_pct_time, sp, 0);
    CHECK_NEAR(t.avg, 30, 1e-12);
    /* the summary: 90*1.5 + 10*0.5 + 40*1 + 0*1 + 30*6 over 10 s */
    CHECK_NEAR(t.sum_time, 10, 1e-12);
    CHECK_NEAR(t.sum_pct_time, 135 + 5 + 40 + 0 + 180, 1e-9);
    /* over 100 counts as 100 */
    (void)pq_throttle_update(&t, 12.0, 250, NULL, 0);
    CHECK_NEAR(t.avg, 100, 1e-12);
    CHECK_NEAR(t.sum_pct_time, 360 + 200, 1e-9);
}

TEST(window_of_many_samples)
{
    /* 100 samples a second: more than 64 in the 2 s window; the window must
     * keep its length (merged pairs), not shrink to the newest 64 */
    pq_throttle t;
    pq_throttle_init(&t, 4, 100, 5);
    int max_n = 0;
    for (int k = 0; k <= 1000; k++) {
        double now = k * 0.01;
        (void)pq_throttle_update(&t, now, k <= 900 ? 100 : 0, NULL, 0);
        if (t.n > max_n) max_n = t.n;
        if (k == 900) CHECK_NEAR(t.avg, 100, 1e-9);
        if (k == 950) CHECK_NEAR(t.avg, 75, 2);
        if (k == 1000) CHECK_NEAR(t.avg, 50, 2);
    }
    CHECK(max_n <= 64);
    CHECK(max_n >= 33);
    CHECK_NEAR(t.sum_time, 10, 1e-6);
    CHECK_NEAR(t.sum_pct_time / t.sum_time, 90, 1e-6);

    /* the controller still acts on it: 100 % -> 1 reduction after 2 s */
    pq_throttle_init(&t, 4, 80, 5);
    double first = -1;
    for (int k = 0; k <= 500; k++)
        if (pq_throttle_update(&t, k * 0.01, 100, NULL, 0) < 0 && first < 0) first = k * 0.01;
    CHECK_NEAR(first, 2.0, 0.011);
}

TEST(why_buffer)
{
    pq_throttle t;
    pq_throttle_init(&t, 3, 75.5, 2.5);
    char why[8];
    memset(why, 'x', sizeof why);
    int r = 0;
    for (int k = 0; k <= 4 && r == 0; k++) r = pq_throttle_update(&t, k * 0.5, 93.37, why, sizeof why);
    CHECK_EQ_I64(r, -1);
    CHECK_EQ_STR(why, "CPU 93.");   /* truncated, NUL-terminated */
    /* the full text: decimals where they matter */
    pq_throttle_init(&t, 3, 75.5, 2.5);
    char full[160];
    r = 0;
    for (int k = 0; k <= 4 && r == 0; k++) r = pq_throttle_update(&t, k * 0.5, 93.37, full, sizeof full);
    CHECK_EQ_STR(full, "CPU 93.4% > 75.5% (avg over 2.0 s): 3 -> 2 workers, new tasks wait 2.5 s");
    /* cap 0: nothing written */
    pq_throttle_init(&t, 3, 80, 5);
    memset(why, 'x', sizeof why);
    for (int k = 0; k <= 4; k++) (void)pq_throttle_update(&t, k * 0.5, 99, why, 0);
    CHECK_EQ_I64(t.active, 2);
    CHECK(why[0] == 'x');
    /* the raise text with a clamped margin: limit 15 raises under 7.5 % */
    pq_throttle_init(&t, 2, 15, 0);
    double now = 0;
    for (; now <= 2.0; now += 0.5) (void)pq_throttle_update(&t, now, 50, NULL, 0);
    CHECK_EQ_I64(t.active, 1);
    r = 0;
    for (; now < 20 && r == 0; now += 0.5) r = pq_throttle_update(&t, now, 5, full, sizeof full);
    CHECK_EQ_I64(r, 1);
    CHECK_EQ_I64(t.active, 2);
    CHECK_EQ_STR(full, "CPU 5% < 7.5% for 2.0 s: 1 -> 2 workers");
}

/* ------------------------------------------------------------ closed loop */

/* A runner on a machine with a CPU hog: each task takes 3 s and costs
 * `per` points of machine CPU while it runs; the measured CPU over the last
 * 0.5 s is hog + running x per, plus +-3 points of deterministic noise,
 * capped to 0..100. */
typedef struct sim {
    pq_throttle th;
    double now;
    double end[32];
    int running;
    long done;
    unsigned rng;
    int bad_active;
} sim;

static double sim_noise(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (double)((*s >> 16) % 601) / 100.0 - 3.0;
}

static void sim_start_tasks(sim *s)
{
    while (s->running < 32 && pq_throttle_may_start(&s->th, s->now, s->running)) s->end[s->running++] = s->now + 3.0;
}

/* Run `secs` seconds; returns the mean measured CPU over the samples taken
 * at least `from` s into this call, with the range of `active` there. */
static double sim_run(sim *s, double secs, double hog, double per, double from, int *lo, int *hi)
{
    double start = s->now, sum = 0;
    int cnt = 0;
    *lo = INT_MAX;
    *hi = 0;
    int steps = (int)(secs / 0.5 + 0.5);
    for (int k = 0; k < steps; k++) {
        s->now += 0.5;
        double cpu = hog + s->running * per + sim_noise(&s->rng);
        cpu = cpu < 0 ? 0 : cpu > 100 ? 100 : cpu;
        (void)pq_throttle_update(&s->th, s->now, cpu, NULL, 0);
        if (s->th.active < 1 || s->th.active > s->th.max_workers) s->bad_active++;
        for (int i = 0; i < s->running;) {
            if (s->end[i] <= s->now) {
                s->end[i] = s->end[--s->running];
                s->done++;
            } else i++;
        }
        sim_start_tasks(s);
        if (s->now - start >= from) {
            sum += cpu;
            cnt++;
            if (s->th.active < *lo) *lo = s->th.active;
            if (s->th.active > *hi) *hi = s->th.active;
        }
    }
    return cnt ? sum / cnt : -1;
}

TEST(closed_loop_with_a_hog)
{
    int lo, hi;
    /* 2-CPU machine, the hog takes one core (50 %), each worker half a core
     * (25 %), limit 80, 4 workers: 1 worker (75 %) fits, 2 (100 %) do not */
    sim *s = (sim *)calloc(1, sizeof *s);
    CHECK(s != NULL);
    if (!s) return;
    pq_throttle_init(&s->th, 4, 80, 5);
    s->rng = 42;
    sim_start_tasks(s);
    CHECK_EQ_I64(s->running, 4);
    double avg = sim_run(s, 120, 50, 25, 30, &lo, &hi);
    printf("  hog 50 %%, 25 %%/worker: avg %.1f %% after 30 s, active %d..%d, %d reductions\n", avg, lo, hi,
           s->th.reductions);
    CHECK(avg <= 80 + 10);
    CHECK(avg >= 60); /* still working, not starved */
    CHECK_EQ_I64(lo, 1);
    CHECK_EQ_I64(hi, 1);
    CHECK_EQ_I64(s->th.reductions, 3);
    long done_with_hog = s->done;
    CHECK(done_with_hog >= 30); /* one worker kept going: ~120 s / 3 s, less the holds */
    /* the whole run's average from the controller's own summary */
    CHECK(s->th.sum_pct_time / s->th.sum_time <= 80 + 10);

    /* the hog is gone: up again as far as the limit allows; 4 x 25 = 100 > 80,
     * so 3 workers (75 %) */
    avg = sim_run(s, 120, 0, 25, 60, &lo, &hi);
    printf("  hog gone, 25 %%/worker: avg %.1f %% after 60 s, active %d..%d\n", avg, lo, hi);
    CHECK_EQ_I64(lo, 3);
    CHECK_EQ_I64(hi, 3);
    CHECK(avg <= 80 + 10);
    CHECK_EQ_I64(s->bad_active, 0);

    /* hog 60 %, 15 %/worker: 1 worker (75 %) fits, 2 (90 %) do not; without
     * the hog all 4 (60 %) fit, so it must come back to the maximum */
    memset(s, 0, sizeof *s);
    pq_throttle_init(&s->th, 4, 80, 5);
    s->rng = 7;
    sim_start_tasks(s);
    avg = sim_run(s, 120, 60, 15, 30, &lo, &hi);
    printf("  hog 60 %%, 15 %%/worker: avg %.1f %% after 30 s, active %d..%d\n", avg, lo, hi);
    CHECK(avg <= 80 + 10);
    CHECK_EQ_I64(lo, 1);
    CHECK_EQ_I64(hi, 1);
    avg = sim_run(s, 120, 0, 15, 60, &lo, &hi);
    printf("  hog gone, 15 %%/worker: avg %.1f %% after 60 s, active %d..%d, %d increases\n", avg, lo, hi,
           s->th.increases);
    CHECK_EQ_I64(lo, 4);
    CHECK_EQ_I64(hi, 4);
    CHECK_EQ_I64(s->th.active, s->th.max_workers);
    CHECK_EQ_I64(s->th.increases, 3);
    CHECK(avg <= 80);
    CHECK_EQ_I64(s->bad_active, 0);

    /* no hog at all: nothing ever changes */
    memset(s, 0, sizeof *s);
    pq_throttle_init(&s->th, 4, 80, 5);
    s->rng = 9;
    sim_start_tasks(s);
    (void)sim_run(s, 120, 0, 15, 0, &lo, &hi);
    CHECK_EQ_I64(lo, 4);
    CHECK_EQ_I64(s->th.reductions + s->th.increases, 0);
    free(s);
}

int main(void)
{
    snprintf(stat_path, sizeof stat_path, "/tmp/pq_throttle_stat_XXXXXX");
    int fd = mkstemp(stat_path);
    if (fd < 0) {
        perror("mkstemp");
        return 2;
    }
    close(fd);
    RUN(parse_real_stat);
    RUN(parse_field_counts);
    RUN(parse_errors);
    RUN(parse_overflow);
    RUN(sampler_on_fake_files);
    RUN(sampler_large_and_missing_files);
    RUN(sampler_on_proc_stat);
    RUN(init_defaults);
    RUN(steps_down_then_up);
    RUN(spikes_are_smoothed);
    RUN(hysteresis_band);
    RUN(disabled_limits);
    RUN(may_start_and_hold);
    RUN(time_weighted_window);
    RUN(window_of_many_samples);
    RUN(why_buffer);
    RUN(closed_loop_with_a_hog);
    unlink(stat_path);
    return harness_done();
}
