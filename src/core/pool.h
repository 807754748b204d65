/* SPDX-License-Identifier: Apache-2.0
 *
 * core/pool.h - a small persistent thread pool for data-parallel jobs: run
 * fn(ctx, worker, item) for every item in [0, n) on the pool's threads and
 * the calling thread.  Items are handed out in order from a per-job
 * counter, so uneven items balance themselves.  Worker 0 is always the
 * calling thread; helpers are 1..n_threads, which lets callers keep
 * per-worker scratch in an array (a worker runs one item at a time, of
 * whichever job).
 *
 * Jobs queue: pq_pool_submit hands a job to the helpers and returns at
 * once; pq_pool_wait returns when it is done, running queued items on the
 * caller meanwhile.  Every worker takes items from the oldest job that has
 * some left, so a job submitted behind the one being waited for soaks up
 * the workers the first one leaves idle (the waiter too: it may return up
 * to one item later, but no core idles): this is how the reader reads
 * ahead one row group.  pq_pool_run = submit + wait.
 * The pool (submit, wait, stop) is driven by one thread.
 */
#ifndef PARQUANT_CORE_POOL_H
#define PARQUANT_CORE_POOL_H

#include <pthread.h>

#include "core/core.h"

typedef void (*pq_pool_fn)(void *ctx, int worker, int64_t item);

/** One job; owned by the caller, which keeps it alive until pq_pool_wait
 *  returned for it.  Fields are the pool's (guarded by its mutex). */
typedef struct pq_pool_job {
    pq_pool_fn fn;
    void *ctx;
    int64_t n_items;
    int64_t next;               /* items handed out */
    int64_t finished;           /* items done */
    struct pq_pool_job *link;   /* queue of jobs with items left */
} pq_pool_job;

typedef struct pq_pool {
    pthread_t *threads;      /* helper threads */
    struct pq_pool_arg *args;
    int n_threads;           /* helpers started, 0..requested */
    pthread_mutex_t mu;
    pthread_cond_t wake;     /* helpers: items were queued, or stop */
    pthread_cond_t done;     /* waiters: an item finished */
    bool sync_ok;            /* mutex and conditions initialised */
    bool stop;
    pq_pool_job *head, *tail; /* jobs with items not yet handed out, oldest first */
    const pq_allocator *alloc;
} pq_pool;

/** Start up to n helper threads (fewer, even none, when the system refuses:
 *  the pool then runs everything on the caller, inside pq_pool_wait).  `p`
 *  must be zeroed.
 *  @return PQ_ERR_NOMEM; on failure call pq_pool_stop all the same. */
PQ_NODISCARD pq_status pq_pool_start(pq_pool *p, int n, const pq_allocator *a, pq_error *err);
/** Join the helpers and free.  Every submitted job must have been waited
 *  for.  Accepts a zeroed or half-started pool. */
void pq_pool_stop(pq_pool *p);
/** Queue `job` (n items of fn) for the helpers and return.  Can't fail. */
void pq_pool_submit(pq_pool *p, pq_pool_job *job, pq_pool_fn fn, void *ctx, int64_t n);
/** Return when every item of `job` is done, running queued items (of any
 *  job, oldest first) on the calling thread (worker 0) meanwhile. */
void pq_pool_wait(pq_pool *p, pq_pool_job *job);
/** Run a job and return when every item is done.  Can't fail: fn reports
 *  its own failures through ctx. */
void pq_pool_run(pq_pool *p, pq_pool_fn fn, void *ctx, int64_t n);

#endif /* PARQUANT_CORE_POOL_H */
