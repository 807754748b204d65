/* SPDX-License-Identifier: Apache-2.0
 *
 * core/pool.h - a small persistent thread pool for data-parallel jobs: run
 * fn(ctx, worker, item) for every item in [0, n) on the pool's threads and
 * the calling thread, and return when all are done.  Items are handed out
 * in order from a shared counter, so uneven items balance themselves.
 * Worker 0 is always the calling thread; helpers are 1..n_threads, which
 * lets callers keep per-worker scratch in an array.  One job at a time; the
 * pool itself is used by one thread.
 */
#ifndef PARQUANT_CORE_POOL_H
#define PARQUANT_CORE_POOL_H

#include <pthread.h>

#include "core/core.h"

typedef void (*pq_pool_fn)(void *ctx, int worker, int64_t item);

typedef struct pq_pool {
    pthread_t *threads;      /* helper threads */
    struct pq_pool_arg *args;
    int n_threads;           /* helpers started, 0..requested */
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    bool sync_ok;            /* mutex and conditions initialised */
    uint64_t gen;            /* job number */
    bool stop;
    pq_pool_fn fn;
    void *ctx;
    int64_t next, n_items;   /* items handed out / in the job */
    int running;             /* helpers not yet done with the job */
    const pq_allocator *alloc;
} pq_pool;

/** Start up to n helper threads (fewer, even none, when the system refuses:
 *  the pool then runs everything on the caller).  `p` must be zeroed.
 *  @return PQ_ERR_NOMEM; on failure call pq_pool_stop all the same. */
PQ_NODISCARD pq_status pq_pool_start(pq_pool *p, int n, const pq_allocator *a, pq_error *err);
/** Join the helpers and free.  Accepts a zeroed or half-started pool. */
void pq_pool_stop(pq_pool *p);
/** Run the job; returns when every item is done.  Can't fail: fn reports
 *  its own failures through ctx. */
void pq_pool_run(pq_pool *p, pq_pool_fn fn, void *ctx, int64_t n);

#endif /* PARQUANT_CORE_POOL_H */
