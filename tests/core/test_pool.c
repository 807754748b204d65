/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/core/test_pool.c - the thread pool runs every item exactly once,
 * hands worker ids in [0, n_threads], and serves many jobs in a row;
 * zero helpers and zero items work too.
 */
#include "harness.h"
#include "core/pool.h"

#include <stdatomic.h>

typedef struct job {
    atomic_int *hits;        /* per item */
    atomic_int bad_worker;
    int max_worker;
} job;

static void count_item(void *ctx, int worker, int64_t item)
{
    job *j = (job *)ctx;
    atomic_fetch_add(&j->hits[item], 1);
    if (worker < 0 || worker > j->max_worker) atomic_fetch_add(&j->bad_worker, 1);
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
            job j = {hits, 0, p.n_threads};
            pq_pool_run(&p, count_item, &j, n);
            int wrong = 0;
            for (int64_t i = 0; i < 1000; i++) wrong += atomic_load(&hits[i]) != (i < n ? 1 : 0);
            CHECK_EQ_I64(wrong, 0);
            CHECK_EQ_I64(atomic_load(&j.bad_worker), 0);
        }
    pq_pool_stop(&p);
    pq_pool_stop(&p); /* twice is harmless */
}

TEST(no_helpers) { run_jobs(0); }
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
    RUN(one_helper);
    RUN(more_helpers_than_cores);
    RUN(start_fails_cleanly_without_memory);
    return harness_done();
}
