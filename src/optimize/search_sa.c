/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search_sa.c - simulated annealing on one-strategy swaps.
 *
 * Every move replaces one member with a non-member, so every move changes
 * the set (the original drew swaps of two members two times in three: moves
 * that change nothing).  A worse move is taken with probability
 * exp(delta / T).  The temperature is measured in units of the changes
 * actually seen: `scale` starts as the mean worsening delta of 200 sample
 * moves and follows the worsening deltas met since (a running mean), and
 * T = scale * t(progress) with t falling geometrically from sa_t_start to
 * sa_t_end over the iterations.  Fitness values range from ~1 to thousands
 * as a search drives the drawdown down, so a temperature in absolute units
 * (the original's 1000 -> 0.01) is wrong at one end or the other.
 *
 * One anneal climbs a sequence of objectives (opt_guide): the ratio with
 * the 2-, 4- then 8-norm of the underwater curve in place of the max
 * drawdown (40%, 30%, 15% of the anneal), then the fitness itself (15%).
 * The smooth objectives see every fall, not just the worst, and lead the
 * anneal off the ridges the max drawdown makes; the scale is measured
 * afresh at each change.  The last 5% of the budget is a greedy polish of
 * the best state on the fitness.
 */
#include "optimize/search.h"

#include <math.h>
#include <stdlib.h>

/* the mean worsening (by opt_guide) of 200 sample moves from pf */
static double sample_scale(opt_ctx *c, const pq_opt_portfolio *pf)
{
    double worse = 0;
    int64_t n_worse = 0, k = c->k;
    for (int i = 0; i < 200 && opt_spend(c, 1); i++) {
        int64_t slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)k), in = opt_random_outsider(c, k);
        pq_opt_score s = pq_opt_try_swap(pf, c->p, slot, in, NULL);
        double d = opt_guide(c, &s) - opt_guide(c, &pf->score);
        if (d < 0) worse -= d, n_worse++;
    }
    return n_worse ? worse / (double)n_worse : fabs(opt_guide(c, &pf->score)) * 1e-3 + 1e-12;
}

/* Anneal pf on the current level until `end` evaluations; the temperature
 * follows the whole anneal's progress (0 .. anneal). */
static void anneal_stage(opt_ctx *c, pq_opt_portfolio *pf, int64_t end, int64_t anneal)
{
    int64_t k = c->k;
    double scale = sample_scale(c, pf);
    double lt0 = log(c->prm->sa_t_start), lt1 = log(c->prm->sa_t_end);
    double guide = opt_guide(c, &pf->score);
    int64_t slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)k), in = opt_random_outsider(c, k);
    while (c->evals < end && opt_spend(c, 1)) {
        double progress = (double)c->evals / (double)anneal;
        double T = scale * exp(lt0 + (lt1 - lt0) * progress);
        /* the next move is drawn ahead so its rows arrive while this one is scored */
        int64_t next_slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)k), next_in = opt_random_outsider(c, k);
        opt_prefetch(c, next_in);
        pq_opt_score s = pq_opt_try_swap(pf, c->p, slot, in, NULL);
        double g = opt_guide(c, &s), d = g - guide;
        if (d < 0) scale += (-d - scale) * 1e-3;
        if (d >= 0 || opt_rng_unit(&c->rng) < exp(d / T)) {
            opt_commit(c, pf, slot, in, &s);
            guide = g;
            if (s.fitness > c->best_score.fitness) opt_offer(c, pf);
            if (next_in == in) next_in = opt_random_outsider(c, k);
        }
        slot = next_slot;
        in = next_in;
    }
}

pq_status opt_run_sa(opt_ctx *c)
{
    int64_t k = c->k, *m = malloc((size_t)k * sizeof *m);
    pq_opt_portfolio pf = {0};
    if (!m) return PQ_NOMEM(c->err);
    int64_t iters = c->prm->sa_iterations, anneal = iters - iters / 20;
    c->max_evals = iters;
    opt_random_set(c, m);
    if (!opt_set(c, &pf, m)) {
        free(m);
        return c->err->code;
    }
    opt_mark(c, pf.members, k);
    if (k < c->N) {
        for (int l = opt_level_at(c, 0); l <= PQ_OPT_SMOOTH_LEVELS; l++) {
            c->level = l;
            anneal_stage(c, &pf, l == PQ_OPT_SMOOTH_LEVELS ? anneal : (int64_t)(opt_level_end(l) * (double)anneal),
                         anneal);
        }
        /* polish the best state greedily with what is left */
        opt_unmark(c, pf.members, k);
        if (!opt_set(c, &pf, c->best)) {
            free(m);
            pq_opt_portfolio_free(&pf);
            return c->err->code;
        }
        opt_mark(c, pf.members, k);
        opt_local_search(c, &pf, INT64_MAX);
    }
    opt_unmark(c, pf.members, k);
    pq_opt_portfolio_free(&pf);
    free(m);
    return PQ_OK;
}
