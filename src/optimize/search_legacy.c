/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search_legacy.c - `--preset legacy`: the original's algorithms
 * as its reference implementation ran them (heavy_optimizer.md 4.2), for
 * comparison.  Their weaknesses are reproduced on purpose:
 *   GA   tournament of 3 without replacement, child = random k-sample of
 *        the union of the parents, per-slot mutation, no elitism;
 *   PSO  no velocity: every particle mutated per slot with p = 0.05;
 *   SA   greedy one-slot replacement (no temperature), sa_iterations moves;
 *   DE   child = per-slot 50/50 mix with a random partner, deduplicated and
 *        refilled at random, the population replaced unconditionally;
 *   ACO, BO  `generations` random portfolios;
 *   HC   hc_iterations one-slot replacements, taken if better;
 *   RS   rs_samples random portfolios.
 * GA, PSO and DE share the population and generations settings (the GA's),
 * as in the original, clamped as it did: generations >= 10, population
 * >= 10, mutation in [0.01, 0.5].  The best of everything evaluated is kept.
 */
#include "optimize/search.h"

#include <stdlib.h>
#include <string.h>

typedef struct legacy_pop {
    int64_t n;
    int64_t *m;   /* n x k */
    double *fit;
} legacy_pop;

/* evaluate pop member i; false on NOMEM */
static bool eval(opt_ctx *c, pq_opt_portfolio *pf, legacy_pop *pop, int64_t i)
{
    if (!opt_set(c, pf, pop->m + (size_t)i * (size_t)c->k)) return false;
    pop->fit[i] = pf->score.fitness;
    return true;
}

/* replace each member with a random non-member with probability p */
static void mutate_slots(opt_ctx *c, int64_t *m, double p)
{
    if (c->k >= c->N) return;
    opt_mark(c, m, c->k);
    for (int64_t i = 0; i < c->k; i++)
        if (opt_rng_unit(&c->rng) < p) {
            int64_t in = opt_random_outsider(c, c->k);
            c->mark[m[i]] = 0;
            c->mark[in] = 1;
            m[i] = in;
        }
    opt_unmark(c, m, c->k);
}

/* keep the first copy of each strategy of `in` (n values), then top up at
 * random to k distinct members in out */
static void dedupe_fill(opt_ctx *c, const int64_t *in, int64_t n, int64_t *out)
{
    int64_t got = 0;
    for (int64_t i = 0; i < n && got < c->k; i++)
        if (!c->mark[in[i]]) {
            c->mark[in[i]] = 1;
            out[got++] = in[i];
        }
    while (got < c->k) {
        int64_t s = opt_random_outsider(c, got);
        c->mark[s] = 1;
        out[got++] = s;
    }
    opt_unmark(c, out, c->k);
}

/* tournament of three distinct members (without replacement) */
static int64_t tournament(opt_ctx *c, const legacy_pop *pop)
{
    int64_t a = (int64_t)opt_rng_below(&c->rng, (uint64_t)pop->n), b, d;
    do b = (int64_t)opt_rng_below(&c->rng, (uint64_t)pop->n);
    while (b == a && pop->n > 1);
    do d = (int64_t)opt_rng_below(&c->rng, (uint64_t)pop->n);
    while ((d == a || d == b) && pop->n > 2);
    int64_t w = a;
    if (pop->fit[b] > pop->fit[w]) w = b;
    if (pop->fit[d] > pop->fit[w]) w = d;
    return w;
}

static pq_status population_run(opt_ctx *c, pq_opt_algorithm a)
{
    const pq_opt_params *q = c->prm;
    int64_t k = c->k, P = q->ga_population < 10 ? 10 : q->ga_population;
    int64_t gens = q->ga_generations < 10 ? 10 : q->ga_generations;
    double mut = q->ga_mutation_rate < 0.01 ? 0.01 : q->ga_mutation_rate > 0.5 ? 0.5 : q->ga_mutation_rate;
    legacy_pop pop = {P, malloc((size_t)P * (size_t)k * sizeof(int64_t)), malloc((size_t)P * sizeof(double))};
    legacy_pop next = {P, malloc((size_t)P * (size_t)k * sizeof(int64_t)), malloc((size_t)P * sizeof(double))};
    int64_t *pool = malloc((size_t)k * 2 * sizeof *pool);
    pq_opt_portfolio pf = {0};
    pq_status st = PQ_OK;
    if (!pop.m || !pop.fit || !next.m || !next.fit || !pool) {
        st = PQ_NOMEM(c->err);
        goto done;
    }
    for (int64_t i = 0; i < P; i++) opt_random_set(c, pop.m + (size_t)i * (size_t)k);
    for (int64_t g = 0; g < gens && opt_budget_left(c); g++) {
        for (int64_t i = 0; i < P; i++)
            if (!eval(c, &pf, &pop, i)) {
                st = c->err->code;
                goto done;
            }
        for (int64_t i = 0; i < P; i++) {
            int64_t *child = next.m + (size_t)i * (size_t)k;
            if (a == PQ_OPT_GA) {
                const int64_t *pa = pop.m + (size_t)tournament(c, &pop) * (size_t)k;
                const int64_t *pb = pop.m + (size_t)tournament(c, &pop) * (size_t)k;
                memcpy(pool, pa, (size_t)k * sizeof *pool);
                memcpy(pool + k, pb, (size_t)k * sizeof *pool);
                opt_shuffle(c, pool, 2 * k); /* a random sample of the union */
                dedupe_fill(c, pool, 2 * k, child);
                mutate_slots(c, child, mut);
            } else if (a == PQ_OPT_DE) {
                const int64_t *x = pop.m + (size_t)i * (size_t)k;
                const int64_t *r = pop.m + (size_t)opt_rng_below(&c->rng, (uint64_t)P) * (size_t)k;
                for (int64_t s = 0; s < k; s++) pool[s] = opt_rng_unit(&c->rng) < 0.5 ? x[s] : r[s];
                dedupe_fill(c, pool, k, child);
            } else { /* PSO */
                memcpy(child, pop.m + (size_t)i * (size_t)k, (size_t)k * sizeof *child);
                mutate_slots(c, child, 0.05);
            }
        }
        legacy_pop t = pop;
        pop = next;
        next = t;
    }
done:
    pq_opt_portfolio_free(&pf);
    free(pop.m);
    free(pop.fit);
    free(next.m);
    free(next.fit);
    free(pool);
    return st;
}

/* greedy one-slot replacement from one random portfolio (SA and HC) */
static pq_status greedy_run(opt_ctx *c, int64_t iterations)
{
    int64_t k = c->k, *m = malloc((size_t)k * sizeof *m);
    pq_opt_portfolio pf = {0};
    if (!m) return PQ_NOMEM(c->err);
    opt_random_set(c, m);
    bool ok = opt_set(c, &pf, m);
    if (ok && k < c->N) {
        opt_mark(c, pf.members, k);
        for (int64_t i = 0; i < iterations && opt_spend(c, 1); i++) {
            int64_t slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)k), in = opt_random_outsider(c, k);
            pq_opt_score s = pq_opt_try_swap(&pf, c->p, slot, in, NULL);
            if (s.fitness > pf.score.fitness) opt_commit(c, &pf, slot, in, &s);
        }
        opt_offer(c, &pf);
        opt_unmark(c, pf.members, k);
    }
    pq_opt_portfolio_free(&pf);
    free(m);
    return ok ? PQ_OK : c->err->code;
}

pq_status opt_run_legacy(opt_ctx *c, pq_opt_algorithm a)
{
    const pq_opt_params *q = c->prm;
    int64_t gens = q->ga_generations < 10 ? 10 : q->ga_generations;
    switch (a) {
    case PQ_OPT_GA:
    case PQ_OPT_PSO:
    case PQ_OPT_DE: return population_run(c, a);
    case PQ_OPT_SA: return greedy_run(c, q->sa_iterations);
    case PQ_OPT_HC: return greedy_run(c, q->hc_iterations);
    case PQ_OPT_ACO:
    case PQ_OPT_BO: return opt_sample_random(c, gens);
    default: return opt_sample_random(c, q->rs_samples);
    }
}
