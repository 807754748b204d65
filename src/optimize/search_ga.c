/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search_ga.c - a memetic genetic algorithm for k-subsets.
 *
 * Each generation: the best `elitism` share is copied unchanged; the rest
 * are children of two parents chosen by tournament.  Crossover is set-aware:
 * a child keeps every strategy both parents hold and fills the other slots
 * with a random choice from the strategies only one parent holds, so it is
 * always k distinct members drawn from its parents (an order-based
 * crossover on lists, as in the original, mixes positions that mean
 * nothing for a set).  Mutation replaces each member with a random
 * non-member with probability `mutation_rate`; a child that repeats a set
 * already in the new population is mutated again, which keeps the
 * population diverse.  Each child then gets a short first-improvement local
 * search (`ga_local_tries` failed swaps in a row end it): the memetic step
 * that turns a coarse recombination search into one that finishes its
 * optima.  Selection and local search follow the level schedule of
 * opt_level_at over the generations: the smoothed drawdowns first, the
 * fitness for the last 15%.
 */
#include "optimize/search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int64_t tournament(opt_ctx *c, const opt_pop *pop)
{
    int64_t best = (int64_t)opt_rng_below(&c->rng, (uint64_t)pop->n);
    for (int64_t i = 1; i < c->prm->ga_tournament; i++) {
        int64_t j = (int64_t)opt_rng_below(&c->rng, (uint64_t)pop->n);
        if (opt_guide(c, &pop->pf[j].score) > opt_guide(c, &pop->pf[best].score)) best = j;
    }
    return best;
}

/* child = (a & b) + a random choice of (a ^ b); pool holds 2k values */
static void crossover(opt_ctx *c, const int64_t *a, const int64_t *b, int64_t *child, int64_t *pool)
{
    int64_t k = c->k, n = 0, np = 0;
    for (int64_t i = 0; i < k; i++) c->mark[a[i]] = 1;
    for (int64_t i = 0; i < k; i++) {
        if (c->mark[b[i]] == 1) {
            c->mark[b[i]] = 2;
            child[n++] = b[i];
        } else {
            pool[np++] = b[i];
        }
    }
    for (int64_t i = 0; i < k; i++)
        if (c->mark[a[i]] == 1) pool[np++] = a[i];
    for (int64_t i = 0; i < k; i++) c->mark[a[i]] = 0;
    for (; n < k; n++) { /* partial Fisher-Yates over the pool */
        int64_t j = (int64_t)opt_rng_below(&c->rng, (uint64_t)np);
        child[n] = pool[j];
        pool[j] = pool[--np];
    }
}

typedef struct rank_ctx {
    const opt_ctx *c;
    const opt_pop *pop;
} rank_ctx;

static int cmp_guide_desc(const void *x, const void *y, void *ctx)
{
    const rank_ctx *r = ctx;
    int64_t i = *(const int64_t *)x, j = *(const int64_t *)y;
    double a = opt_guide(r->c, &r->pop->pf[i].score), b = opt_guide(r->c, &r->pop->pf[j].score);
    if (a != b) return a > b ? -1 : 1;
    return (i > j) - (i < j);
}

pq_status opt_run_ga(opt_ctx *c)
{
    const pq_opt_params *q = c->prm;
    int64_t P = q->ga_population, k = c->k;
    opt_pop cur = {0}, nxt = {0};
    int64_t *order = malloc((size_t)P * sizeof *order), *child = malloc((size_t)k * sizeof *child),
            *pool = malloc((size_t)k * 2 * sizeof *pool);
    nxt.pf = calloc((size_t)P, sizeof *nxt.pf);
    nxt.hash = calloc((size_t)P, sizeof *nxt.hash);
    nxt.n = P;
    pq_status st = PQ_OK;
    if (!order || !child || !pool || !nxt.pf || !nxt.hash) {
        st = PQ_NOMEM(c->err);
        goto done;
    }
    c->level = opt_level_at(c, 0);
    if (!opt_pop_init(c, &cur, P, q->ga_local_tries)) {
        st = c->err->code;
        goto done;
    }
    int64_t elites = (int64_t)ceil(q->ga_elitism_rate * (double)P);
    if (elites > P - 1) elites = P - 1;
    for (int64_t g = 0; g < q->ga_generations && opt_budget_left(c); g++) {
        c->level = opt_level_at(c, (double)g / (double)q->ga_generations);
        for (int64_t i = 0; i < P; i++) order[i] = i;
        rank_ctx rc = {c, &cur};
        qsort_r(order, (size_t)P, sizeof *order, cmp_guide_desc, &rc);
        int64_t n = 0;
        for (; n < elites; n++) {
            if (!opt_pf_copy(c, &nxt.pf[n], &cur.pf[order[n]])) {
                st = c->err->code;
                goto done;
            }
            nxt.hash[n] = cur.hash[order[n]];
        }
        for (; n < P && opt_budget_left(c); n++) {
            int64_t a = tournament(c, &cur), b = tournament(c, &cur);
            if (opt_rng_unit(&c->rng) < q->ga_crossover_rate)
                crossover(c, cur.pf[a].members, cur.pf[b].members, child, pool);
            else
                memcpy(child, cur.pf[a].members, (size_t)k * sizeof *child);
            opt_mark(c, child, k);
            if (k < c->N)
                for (int64_t i = 0; i < k; i++)
                    if (opt_rng_unit(&c->rng) < q->ga_mutation_rate) {
                        int64_t in = opt_random_outsider(c, k);
                        c->mark[child[i]] = 0;
                        c->mark[in] = 1;
                        child[i] = in;
                    }
            nxt.n = n;
            for (int tries = 0; tries < 4 && opt_pop_has(&nxt, opt_set_hash(child, k), -1); tries++)
                opt_mutate_one(c, child);
            opt_unmark(c, child, k);
            if (!opt_set(c, &nxt.pf[n], child)) {
                st = c->err->code;
                goto done;
            }
            opt_mark(c, nxt.pf[n].members, k);
            opt_local_search(c, &nxt.pf[n], q->ga_local_tries);
            opt_unmark(c, nxt.pf[n].members, k);
            nxt.hash[n] = opt_set_hash(nxt.pf[n].members, k);
        }
        nxt.n = P;
        if (n < P) break; /* the budget ended inside the generation */
        opt_pop tmp = cur;
        cur = nxt;
        nxt = tmp;
    }
done:
    nxt.n = P;
    opt_pop_free(&cur);
    opt_pop_free(&nxt);
    free(order);
    free(child);
    free(pool);
    return st;
}
