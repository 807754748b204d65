/* SPDX-License-Identifier: Apache-2.0
 *
 * core/pool.c - the persistent thread pool of core/pool.h.  Helpers sleep on
 * a condition variable between jobs; a job is announced by bumping `gen`,
 * items are claimed under the mutex one at a time, and the last helper to
 * run out of items signals `done`.
 */
#include "core/pool.h"

struct pq_pool_arg {
    pq_pool *pool;
    int id;                  /* worker index, >= 1 */
};

static void *pool_main(void *arg)
{
    struct pq_pool_arg *t = (struct pq_pool_arg *)arg;
    pq_pool *p = t->pool;
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->gen == seen) pthread_cond_wait(&p->wake, &p->mu);
        if (p->stop) break;
        seen = p->gen;
        while (p->next < p->n_items) {
            int64_t item = p->next++;
            pthread_mutex_unlock(&p->mu);
            p->fn(p->ctx, t->id, item);
            pthread_mutex_lock(&p->mu);
        }
        if (--p->running == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

pq_status pq_pool_start(pq_pool *p, int n, const pq_allocator *a, pq_error *err)
{
    p->alloc = a;
    if (n <= 0) return PQ_OK;
    p->threads = (pthread_t *)pq_calloc(a, (size_t)n, sizeof(pthread_t));
    p->args = (struct pq_pool_arg *)pq_calloc(a, (size_t)n, sizeof(struct pq_pool_arg));
    if (!p->threads || !p->args) return PQ_NOMEM(err);
    if (pthread_mutex_init(&p->mu, NULL) != 0) return PQ_FAIL(err, PQ_ERR_NOMEM, "cannot create a mutex");
    if (pthread_cond_init(&p->wake, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        return PQ_FAIL(err, PQ_ERR_NOMEM, "cannot create a condition variable");
    }
    if (pthread_cond_init(&p->done, NULL) != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->mu);
        return PQ_FAIL(err, PQ_ERR_NOMEM, "cannot create a condition variable");
    }
    p->sync_ok = true;
    for (int i = 0; i < n; i++) {
        p->args[i].pool = p;
        p->args[i].id = i + 1;
        if (pthread_create(&p->threads[i], NULL, pool_main, &p->args[i]) != 0) break;
        p->n_threads = i + 1;
    }
    return PQ_OK;
}

void pq_pool_stop(pq_pool *p)
{
    if (!p) return;
    if (p->sync_ok) {
        pthread_mutex_lock(&p->mu);
        p->stop = true;
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
        for (int i = 0; i < p->n_threads; i++) pthread_join(p->threads[i], NULL);
        pthread_cond_destroy(&p->done);
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->mu);
    }
    pq_free(p->alloc, p->threads);
    pq_free(p->alloc, p->args);
    memset(p, 0, sizeof *p);
}

void pq_pool_run(pq_pool *p, pq_pool_fn fn, void *ctx, int64_t n)
{
    if (p->n_threads == 0 || n <= 1) {
        for (int64_t i = 0; i < n; i++) fn(ctx, 0, i);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->next = 0;
    p->n_items = n;
    p->running = p->n_threads;
    p->gen++;
    pthread_cond_broadcast(&p->wake);
    while (p->next < p->n_items) {
        int64_t item = p->next++;
        pthread_mutex_unlock(&p->mu);
        fn(ctx, 0, item);
        pthread_mutex_lock(&p->mu);
    }
    while (p->running > 0) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
