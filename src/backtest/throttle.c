/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/throttle.c - machine-wide CPU share from /proc/stat and the
 * controller that sets how many backtest workers may run (throttle.h,
 * necrozma.md §7.3, §9.12-13).
 *
 * Decisions the header leaves open:
 *
 * /proc/stat parsing
 *   - The first line that starts with "cpu" followed by a blank (space or
 *     tab) is the aggregate line; "cpu0".. never match.  It must hold at
 *     least 4 numbers (user nice system idle); iowait irq softirq steal are
 *     added when present; guest and guest_nice (fields 9-10) are read and
 *     checked but not added (they are already inside user/nice).  Numbers
 *     past the 10th are checked and ignored (a future kernel may add some).
 *   - Every field must be plain decimal digits (no sign), fit in 64 bits,
 *     and the sum must fit too; anything else on the line is PQ_ERR_PARSE.
 *
 * Sampler
 *   - One open/read of at most 4 KiB into a stack buffer; when the buffer is
 *     full the partial last line is dropped (the cpu line comes first).
 *   - *pct is -1 on the first call (which primes), when the counters went
 *     backwards (CPU hotplug, counter reset: re-primes) and when no jiffy
 *     passed; the result is clamped to [0, 100] (idle/iowait may step back
 *     slightly on some kernels).  On an error *pct is -1 and the previous
 *     counters are kept.  A NULL path means "/proc/stat".
 *
 * Controller (pure: no clock is read, the result depends only on the
 * samples and settings)
 *   - Times are seconds >= 0 from a monotonic clock; -1 in hold_until,
 *     calm_since and last_change means "none".  A sample whose time is not
 *     finite, negative, or not after the previous sample, or whose pct is
 *     negative or NaN (the sampler's "no value yet") is ignored; pct above
 *     100 counts as 100.
 *   - A sample's value is the CPU share over the interval since the previous
 *     sample (that is what pq_cpu_sample returns), so the average is
 *     time-weighted over the part of those intervals inside the last
 *     `window` seconds; the very first sample has no known interval and only
 *     starts the clock (weight 0; the average is its value until a second
 *     sample comes).  When the 64 slots are full, adjacent samples are merged
 *     pairwise (time-weighted) so the window keeps its length at a coarser
 *     resolution.
 *   - Nothing changes before the samples span a whole window (a spike at the
 *     start is smoothed like any other).
 *   - period = max(cooldown, window).  Reduce: average > limit, active > 1
 *     and at least `period` since the last change (the first reduction needs
 *     only a full window): active - 1, hold_until = now + cooldown.
 *     At 1 worker and still over the limit nothing happens: the hold is not
 *     extended, so the run keeps progressing on one worker.
 *   - Raise: the average has been under the raise threshold at every sample
 *     for at least `period` (counted from the first calm sample, restarted
 *     at each raise) and active < max_workers: active + 1.  The threshold is
 *     limit - margin with the margin clamped to [0, limit / 2] (so a small
 *     limit such as 15 with the default margin 20 still comes back up).
 *   - Between the threshold and the limit nothing happens (hysteresis).
 *   - limit >= 100, <= 0 or NaN disables throttling: samples are still
 *     averaged and summed, `active` never changes and pq_throttle_may_start
 *     only checks running < active.  (The CLI rejects limits <= 0.)
 *   - Negative or NaN cooldown counts as 0, negative or NaN window as 0 (the
 *     average is then the last sample), NaN or negative margin as 0;
 *     max_workers < 1 counts as 1 and `active` is kept within 1..max.
 *   - sum_pct_time / sum_time add pct x interval for every accepted sample
 *     but the first (throttling enabled or not).
 *   - `why` is always NUL-terminated when why_cap > 0: "" when nothing
 *     changed.  Percentages print without decimals when whole, else with one.
 */
#include "backtest/throttle.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ /proc/stat */

#define STAT_FIELDS 10 /* user nice system idle iowait irq softirq steal guest guest_nice */
#define STAT_SUMMED 8  /* the fields that add up to the total (guest* are inside user/nice) */

/* The aggregate "cpu" line: at the start of `text` or after a newline. */
static const char *find_cpu_line(const char *text)
{
    for (const char *p = text; p && *p;) {
        if (strncmp(p, "cpu", 3) == 0 && (p[3] == ' ' || p[3] == '\t')) return p;
        p = strchr(p, '\n');
        if (p) p++;
    }
    return NULL;
}

pq_status pq_cpu_parse_stat(const char *text, uint64_t *busy, uint64_t *total, pq_error *err)
{
    if (!text) return PQ_FAIL(err, PQ_ERR_PARSE, "no text to parse");
    const char *p = find_cpu_line(text);
    if (!p) return PQ_FAIL(err, PQ_ERR_PARSE, "no aggregate \"cpu \" line");
    p += 3;
    uint64_t f[STAT_FIELDS] = {0};
    int count = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '\0' || *p == '\n' || *p == '\r') break;
        if (*p < '0' || *p > '9') {
            int len = 0;
            while (p[len] && p[len] != ' ' && p[len] != '\t' && p[len] != '\n' && len < 24) len++;
            return PQ_FAIL(err, PQ_ERR_PARSE, "the \"cpu\" line: field %d is not a number: \"%.*s\"", count + 1,
                           len, p);
        }
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (errno == ERANGE)
            return PQ_FAIL(err, PQ_ERR_PARSE, "the \"cpu\" line: field %d does not fit in 64 bits", count + 1);
        if (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\n' && *end != '\r')
            return PQ_FAIL(err, PQ_ERR_PARSE, "the \"cpu\" line: field %d is not a number", count + 1);
        if (count < STAT_FIELDS) f[count] = (uint64_t)v;
        if (count < INT32_MAX) count++;
        p = end;
    }
    if (count < 4)
        return PQ_FAIL(err, PQ_ERR_PARSE, "the \"cpu\" line has %d number%s, at least 4 expected", count,
                       count == 1 ? "" : "s");
    uint64_t sum = 0;
    for (int i = 0; i < STAT_SUMMED && i < count; i++)
        if (__builtin_add_overflow(sum, f[i], &sum))
            return PQ_FAIL(err, PQ_ERR_PARSE, "the \"cpu\" line: the sum of the fields does not fit in 64 bits");
    uint64_t idle = f[3] + (count > 4 ? f[4] : 0); /* <= sum: both are terms of it */
    *busy = sum - idle;
    *total = sum;
    return PQ_OK;
}

void pq_cpu_sampler_init(pq_cpu_sampler *s)
{
    memset(s, 0, sizeof *s);
    s->path = "/proc/stat";
}

pq_status pq_cpu_sample(pq_cpu_sampler *s, double *pct, pq_error *err)
{
    *pct = -1;
    const char *path = s->path ? s->path : "/proc/stat";
    char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t len = 0;
    while (len < sizeof buf - 1) {
        ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot read: %s", path, strerror(e));
        }
        if (r == 0) break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    if (len == sizeof buf - 1) { /* full: drop the partial last line */
        char *nl = strrchr(buf, '\n');
        if (!nl) return PQ_FAIL(err, PQ_ERR_PARSE, "%s: no complete line in the first %zu bytes", path, len);
        nl[1] = '\0';
    }

    uint64_t busy = 0, total = 0;
    pq_error perr;
    pq_error_clear(&perr);
    if (pq_cpu_parse_stat(buf, &busy, &total, &perr) != PQ_OK)
        return PQ_FAIL(err, PQ_ERR_PARSE, "%s: %s", path, perr.message);

    bool fresh = !s->primed || busy < s->busy || total < s->total;
    uint64_t db = busy - s->busy, dt = total - s->total;
    s->busy = busy;
    s->total = total;
    s->primed = true;
    if (fresh || dt == 0) return PQ_OK; /* primed, re-primed, or no time passed: -1 */
    double v = 100.0 * (double)db / (double)dt;
    *pct = v > 100.0 ? 100.0 : v;
    return PQ_OK;
}

/* ------------------------------------------------------------ controller */

#define SLOTS ((int)(sizeof(((pq_throttle *)0)->t) / sizeof(((pq_throttle *)0)->t[0])))
#define EPS 1e-9 /* tolerance on time comparisons (sums of 0.1 s steps) */

void pq_throttle_init(pq_throttle *t, int max_workers, double limit, double cooldown)
{
    memset(t, 0, sizeof *t);
    t->max_workers = max_workers < 1 ? 1 : max_workers;
    t->limit = limit;
    t->cooldown = cooldown;
    t->margin = 20;
    t->window = 2;
    t->active = t->max_workers;
    t->hold_until = -1;
    t->calm_since = -1;
    t->last_change = -1;
    t->avg = -1;
}

static bool throttling_enabled(const pq_throttle *t) { return t->limit > 0 && t->limit < 100; }

static double nonneg(double x) { return x >= 0 ? x : 0; } /* NaN -> 0 too */

/* "93" for a whole value, "93.4" otherwise. */
static void fmt_pct(char out[24], double x)
{
    if (fabs(x - round(x)) < 0.005) snprintf(out, 24, "%.0f", x);
    else snprintf(out, 24, "%.1f", x);
}

/* Merge adjacent samples pairwise (slot 0, the boundary, stays) to free slots. */
static void halve(pq_throttle *t)
{
    int j = 1, i = 1;
    for (; i + 1 < t->n; i += 2, j++) {
        double t0 = t->t[i - 1], t1 = t->t[i], t2 = t->t[i + 1];
        double p1 = t->pct[i], p2 = t->pct[i + 1];
        double span = t2 - t0;
        double p = span > 0 ? (p1 * (t1 - t0) + p2 * (t2 - t1)) / span : p2;
        t->t[j] = t2;
        t->pct[j] = p;
    }
    for (; i < t->n; i++, j++) {
        t->t[j] = t->t[i];
        t->pct[j] = t->pct[i];
    }
    t->n = j;
}

int pq_throttle_update(pq_throttle *t, double now, double pct, char *why, size_t why_cap)
{
    if (why && why_cap) why[0] = '\0';
    if (!isfinite(now) || now < 0 || !(pct >= 0)) return 0;
    if (t->n > 0 && !(now > t->t[t->n - 1])) return 0;
    if (pct > 100) pct = 100;
    if (t->max_workers < 1) t->max_workers = 1;
    if (t->active > t->max_workers) t->active = t->max_workers;
    if (t->active < 1) t->active = 1;
    if (t->n < 0 || t->n > SLOTS) t->n = 0;

    /* the run's summary */
    if (t->n > 0) {
        double dt = now - t->t[t->n - 1];
        t->sum_pct_time += pct * dt;
        t->sum_time += dt;
    }

    /* the window */
    if (t->n == SLOTS) halve(t);
    t->t[t->n] = now;
    t->pct[t->n] = pct;
    t->n++;
    double window = nonneg(t->window);
    double lo = now - window;
    int drop = 0;
    while (t->n - drop >= 2 && t->t[drop + 1] <= lo + EPS) drop++;
    if (drop) {
        memmove(t->t, t->t + drop, (size_t)(t->n - drop) * sizeof t->t[0]);
        memmove(t->pct, t->pct + drop, (size_t)(t->n - drop) * sizeof t->pct[0]);
        t->n -= drop;
    }
    double sw = 0, spw = 0;
    for (int i = 1; i < t->n; i++) {
        double start = t->t[i - 1] > lo ? t->t[i - 1] : lo;
        double w = t->t[i] - start;
        if (w > 0) {
            sw += w;
            spw += w * t->pct[i];
        }
    }
    t->avg = sw > 0 ? spw / sw : pct;
    double avg = t->avg;
    bool covered = now - t->t[0] >= window - EPS;

    if (!throttling_enabled(t)) {
        t->calm_since = -1;
        return 0;
    }
    double cooldown = nonneg(t->cooldown);
    double period = cooldown > window ? cooldown : window;
    double margin = nonneg(t->margin);
    if (margin > t->limit / 2) margin = t->limit / 2;
    double lower = t->limit - margin;

    bool calm = avg < lower;
    if (!calm) t->calm_since = -1;
    else if (t->calm_since < 0) t->calm_since = now;

    char a[24], l[24];
    if (covered && avg > t->limit && t->active > 1 &&
        (t->last_change < 0 || now - t->last_change >= period - EPS)) {
        int from = t->active;
        t->active--;
        t->hold_until = now + cooldown;
        t->last_change = now;
        t->reductions++;
        if (why && why_cap) {
            fmt_pct(a, avg);
            fmt_pct(l, t->limit);
            if (cooldown > 0)
                snprintf(why, why_cap, "CPU %s%% > %s%% (avg over %.1f s): %d -> %d workers, new tasks wait %g s", a,
                         l, window, from, t->active, cooldown);
            else
                snprintf(why, why_cap, "CPU %s%% > %s%% (avg over %.1f s): %d -> %d workers", a, l, window, from,
                         t->active);
        }
        return -1;
    }
    if (covered && calm && t->active < t->max_workers && now - t->calm_since >= period - EPS) {
        int from = t->active;
        double calm_for = now - t->calm_since;
        t->active++;
        t->last_change = now;
        t->calm_since = now; /* the next step needs another calm period */
        t->increases++;
        if (why && why_cap) {
            fmt_pct(a, avg);
            fmt_pct(l, lower);
            snprintf(why, why_cap, "CPU %s%% < %s%% for %.1f s: %d -> %d workers", a, l, calm_for, from, t->active);
        }
        return 1;
    }
    return 0;
}

bool pq_throttle_may_start(const pq_throttle *t, double now, int running)
{
    if (running >= t->active) return false;
    if (!throttling_enabled(t)) return true;
    return now >= t->hold_until;
}
