/* SPDX-License-Identifier: Apache-2.0
 *
 * core/pool.c - the persistent thread pool of core/pool.h.  Helpers sleep on
 * `wake` while no queued job has items left; items are claimed under the
 * mutex one at a time from the oldest job in the queue (a job leaves the
 * queue once its last item is handed out); every finished item is counted
 * and signals `done`, on which pq_pool_wait sleeps once no queued job has
 * items left to hand out.
 */
#include "core/pool.h"

struct pq_pool_arg {
    pq_pool *pool;
    int id;                  /* worker index, >= 1 */
};

/* Claim the next item of the oldest queued job; NULL when none is left.
 * Called with the mutex held. */
static pq_pool_job *claim(pq_pool *p, int64_t *item)
{
    pq_pool_job *j = p->head;
    if (!j) return NULL;
    *item = j->next++;
    if (j->next == j->n_items) {
        p->head = j->link;
        if (!p->head) p->tail = NULL;
        j->link = NULL;
    }
    return j;
}

/* Run item `item` of `j` on worker `id` outside the mutex, then count it.
 * Called and returns with the mutex held. */
static void run_locked(pq_pool *p, pq_pool_job *j, int id, int64_t item)
{
    pthread_mutex_unlock(&p->mu);
    j->fn(j->ctx, id, item);
    pthread_mutex_lock(&p->mu);
    if (++j->finished == j->n_items) pthread_cond_broadcast(&p->done);
}

static void *pool_main(void *arg)
{
    struct pq_pool_arg *t = (struct pq_pool_arg *)arg;
    pq_pool *p = t->pool;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        int64_t item;
        pq_pool_job *j = claim(p, &item);
        if (j) run_locked(p, j, t->id, item);
        else pthread_cond_wait(&p->wake, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

pq_status pq_pool_start(pq_pool *p, int n, const pq_allocator *a, pq_error *err)
{
    p->alloc = a;
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
    if (n <= 0) return PQ_OK;
    p->threads = (pthread_t *)pq_calloc(a, (size_t)n, sizeof(pthread_t));
    p->args = (struct pq_pool_arg *)pq_calloc(a, (size_t)n, sizeof(struct pq_pool_arg));
    if (!p->threads || !p->args) return PQ_NOMEM(err);
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

void pq_pool_submit(pq_pool *p, pq_pool_job *job, pq_pool_fn fn, void *ctx, int64_t n)
{
    job->fn = fn;
    job->ctx = ctx;
    job->n_items = n > 0 ? n : 0;
    job->next = job->finished = 0;
    job->link = NULL;
    if (job->n_items == 0) return;
    if (!p->sync_ok) return; /* never started: pq_pool_wait runs it */
    pthread_mutex_lock(&p->mu);
    if (p->tail) p->tail->link = job;
    else p->head = job;
    p->tail = job;
    if (p->n_threads > 0) pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
}

void pq_pool_wait(pq_pool *p, pq_pool_job *job)
{
    if (!p->sync_ok) {
        while (job->next < job->n_items) job->fn(job->ctx, 0, job->next++);
        job->finished = job->n_items;
        return;
    }
    pthread_mutex_lock(&p->mu);
    while (job->finished < job->n_items) {
        int64_t item;
        pq_pool_job *j = claim(p, &item);
        if (j) run_locked(p, j, 0, item);
        else pthread_cond_wait(&p->done, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
}

void pq_pool_run(pq_pool *p, pq_pool_fn fn, void *ctx, int64_t n)
{
    if (!p->sync_ok || p->n_threads == 0 || n <= 1) {
        for (int64_t i = 0; i < n; i++) fn(ctx, 0, i);
        return;
    }
    pq_pool_job job;
    pq_pool_submit(p, &job, fn, ctx, n);
    pq_pool_wait(p, &job);
}
