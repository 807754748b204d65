/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/core/test_pool.c - the thread pool runs every item exactly once,
 * hands worker ids in [0, n_threads], and serves many jobs in a row;
 * zero helpers and zero items work too.  Queued jobs (submit, submit,
 * wait, wait): waiting for the first leaves it complete whatever the second
 * is doing, both complete once waited for, and no worker ever runs two
 * items at the same time (per-worker scratch stays private).
 */
#include "harness.h"
#include "core/pool.h"

#include <stdatomic.h>

typedef struct job {
    atomic_int *hits;        /* per item */
    atomic_int bad_worker;
    int max_worker;
    atomic_int *busy;        /* per worker: running an item now (NULL: not checked) */
    atomic_int overlap;      /* a worker ran two items at once */
} job;

static void count_item(void *ctx, int worker, int64_t item)
{
    job *j = (job *)ctx;
    if (worker < 0 || worker > j->max_worker) {
        atomic_fetch_add(&j->bad_worker, 1);
        return;
    }
    if (j->busy && atomic_exchange(&j->busy[worker], 1)) atomic_fetch_add(&j->overlap, 1);
    for (volatile int spin = 0; spin < (int)(item % 7) * 100; spin++) {}
    atomic_fetch_add(&j->hits[item], 1);
    if (j->busy) atomic_store(&j->busy[worker], 0);
}

static void run_jobs(int helpers)
{
    pq_pool p;
    pq_error err;
    memset(&p, 0, sizeof p);
    CHECK_OK(pq_pool_start(&p, helpers, NULL, &err), &err);
    CHECK(p.n_threads <= helpers);
    static const int64_t sizes[] = {0, 1, 2, 3, 17, 1000};
    for (int rep = 0; rep < 50; rep++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            int64_t n = sizes[s];
            atomic_int hits[1000];
            for (int64_t i = 0; i < 1000; i++) atomic_init(&hits[i], 0);
            job j = {hits, 0, p.n_threads, NULL, 0};
            pq_pool_run(&p, count_item, &j, n);
            int wrong = 0;
            for (int64_t i = 0; i < 1000; i++) wrong += atomic_load(&hits[i]) != (i < n ? 1 : 0);
            CHECK_EQ_I64(wrong, 0);
            CHECK_EQ_I64(atomic_load(&j.bad_worker), 0);
        }
    pq_pool_stop(&p);
    pq_pool_stop(&p); /* twice is harmless */
}

static int count_wrong(atomic_int *hits, int64_t n, int64_t cap)
{
    int wrong = 0;
    for (int64_t i = 0; i < cap; i++) wrong += atomic_load(&hits[i]) != (i < n ? 1 : 0);
    return wrong;
}

/* Two jobs in flight, sharing one per-worker busy array. */
static void run_queued(int helpers)
{
    pq_pool p;
    pq_error err;
    memset(&p, 0, sizeof p);
    CHECK_OK(pq_pool_start(&p, helpers, NULL, &err), &err);
    atomic_int busy[8];
    for (int w = 0; w < 8; w++) atomic_init(&busy[w], 0);
    static const int64_t sizes[][2] = {{0, 5}, {5, 0}, {1, 1}, {3, 40}, {40, 3}, {300, 300}};
    for (int rep = 0; rep < 30; rep++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            int64_t na = sizes[s][0], nb = sizes[s][1];
            atomic_int ha[300], hb[300];
            for (int64_t i = 0; i < 300; i++) {
                atomic_init(&ha[i], 0);
                atomic_init(&hb[i], 0);
            }
            job a = {ha, 0, p.n_threads, busy, 0}, b = {hb, 0, p.n_threads, busy, 0};
            pq_pool_job ja, jb;
            pq_pool_submit(&p, &ja, count_item, &a, na);
            pq_pool_submit(&p, &jb, count_item, &b, nb);
            pq_pool_wait(&p, &ja);
            CHECK_EQ_I64(count_wrong(ha, na, 300), 0);
            for (int64_t i = 0; i < 300; i++) CHECK(atomic_load(&hb[i]) <= (i < nb ? 1 : 0));
            pq_pool_wait(&p, &jb);
            CHECK_EQ_I64(count_wrong(hb, nb, 300), 0);
            CHECK_EQ_I64(atomic_load(&a.bad_worker) + atomic_load(&b.bad_worker), 0);
            CHECK_EQ_I64(atomic_load(&a.overlap) + atomic_load(&b.overlap), 0);
        }
    pq_pool_stop(&p);
}

TEST(no_helpers) { run_jobs(0); }
TEST(queued_no_helpers) { run_queued(0); }
TEST(queued_one_helper) { run_queued(1); }
TEST(queued_three_helpers) { run_queued(3); }

/* Waiting for the second job first runs the first one too (and waiting
 * for the first may run the second: both end complete either way). */
TEST(wait_for_later_job_first)
{
    pq_pool p;
    pq_error err;
    memset(&p, 0, sizeof p);
    CHECK_OK(pq_pool_start(&p, 1, NULL, &err), &err);
    atomic_int ha[50], hb[50];
    for (int i = 0; i < 50; i++) {
        atomic_init(&ha[i], 0);
        atomic_init(&hb[i], 0);
    }
    job a = {ha, 0, p.n_threads, NULL, 0}, b = {hb, 0, p.n_threads, NULL, 0};
    pq_pool_job ja, jb;
    pq_pool_submit(&p, &ja, count_item, &a, 50);
    pq_pool_submit(&p, &jb, count_item, &b, 50);
    pq_pool_wait(&p, &jb);
    CHECK_EQ_I64(count_wrong(hb, 50, 50), 0);
    pq_pool_wait(&p, &ja);
    CHECK_EQ_I64(count_wrong(ha, 50, 50), 0);
    pq_pool_stop(&p);
}
TEST(one_helper) { run_jobs(1); }
TEST(more_helpers_than_cores) { run_jobs(7); }

TEST(start_fails_cleanly_without_memory)
{
    harness_fault f;
    pq_allocator a = harness_fault_allocator(&f, 1);
    pq_pool p;
    pq_error err;
    memset(&p, 0, sizeof p);
    CHECK_STATUS(pq_pool_start(&p, 2, &a, &err), PQ_ERR_NOMEM);
    pq_pool_stop(&p);
    CHECK_EQ_I64(f.live, 0);
}

int main(void)
{
    RUN(no_helpers);
    RUN(queued_no_helpers);
    RUN(queued_one_helper);
    RUN(queued_three_helpers);
    RUN(wait_for_later_job_first);
    RUN(one_helper);
    RUN(more_helpers_than_cores);
    RUN(start_fails_cleanly_without_memory);
    return harness_done();
}
