/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search_de.c - differential evolution for k-subsets.
 *
 * Vector DE builds a mutant v = base + F (x_r1 - x_r2) and crosses it with
 * the target.  On sets (Set-based DE) the difference x_r1 - x_r2 is the set
 * of strategies r1 holds and r2 does not; the mutant is the base (the best
 * individual for best/1/bin, a random one for rand/1/bin) with a share F of
 * that difference moved in, each replacing a random member of the base.
 * Binomial crossover: every strategy the mutant holds and the target does
 * not enters the trial with probability CR (one of them always), replacing
 * a target member the mutant lacks.  The trial gets a short local search,
 * as in the GA, and replaces the target when it is at least as good and is
 * not a set already in the population (greedy selection, the DE rule the
 * original skipped: it replaced the population unconditionally).  Both
 * follow the level schedule of opt_level_at over the generations: the
 * smoothed drawdowns first, the fitness for the last 15%.
 */
#include "optimize/search.h"

#include <stdlib.h>
#include <string.h>

static int64_t pick_other(opt_ctx *c, int64_t P, const int64_t *avoid, int n_avoid)
{
    for (;;) {
        int64_t r = (int64_t)opt_rng_below(&c->rng, (uint64_t)P);
        bool clash = false;
        for (int i = 0; i < n_avoid; i++) clash |= r == avoid[i];
        if (!clash) return r;
    }
}

static int64_t best_of(const opt_ctx *c, const opt_pop *pop)
{
    int64_t b = 0;
    for (int64_t i = 1; i < pop->n; i++)
        if (opt_guide(c, &pop->pf[i].score) > opt_guide(c, &pop->pf[b].score)) b = i;
    return b;
}

/* the mutant: base + a share F of (r1 minus r2); buf holds k values */
static void mutate(opt_ctx *c, const int64_t *base, const int64_t *r1, const int64_t *r2, int64_t *mutant,
                   int64_t *diff)
{
    int64_t k = c->k, nd = 0;
    opt_mark(c, r2, k);
    for (int64_t i = 0; i < k; i++)
        if (!c->mark[r1[i]]) diff[nd++] = r1[i];
    opt_unmark(c, r2, k);
    memcpy(mutant, base, (size_t)k * sizeof *mutant);
    opt_mark(c, mutant, k);
    double want = c->prm->de_f * (double)nd;
    int64_t moves = (int64_t)want;
    if (opt_rng_unit(&c->rng) < want - (double)moves) moves++;
    opt_shuffle(c, diff, nd);
    for (int64_t j = 0; j < moves && j < nd; j++) {
        int64_t d = diff[j];
        if (c->mark[d]) continue;
        int64_t slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)k);
        for (int t = 0; t < 8 && c->mark[mutant[slot]] == 2; t++) slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)k);
        if (c->mark[mutant[slot]] == 2) continue;
        c->mark[mutant[slot]] = 0;
        c->mark[d] = 2; /* moved in: not replaced again */
        mutant[slot] = d;
    }
    opt_unmark(c, mutant, k);
}

/* binomial crossover of target and mutant into trial; ins/outs hold k */
static void cross(opt_ctx *c, const int64_t *target, const int64_t *mutant, int64_t *trial, int64_t *ins,
                  int64_t *outs)
{
    int64_t k = c->k, ni = 0, no = 0;
    for (int64_t i = 0; i < k; i++) c->mark[mutant[i]] = 1;
    for (int64_t i = 0; i < k; i++) c->mark[target[i]] |= 2;
    for (int64_t i = 0; i < k; i++) {
        if (c->mark[mutant[i]] == 1) ins[ni++] = mutant[i];
        if (c->mark[target[i]] == 2) outs[no++] = i; /* slots of the target */
    }
    opt_unmark(c, mutant, k);
    opt_unmark(c, target, k);
    memcpy(trial, target, (size_t)k * sizeof *trial);
    if (ni == 0) return;
    opt_shuffle(c, outs, no);
    int64_t jrand = (int64_t)opt_rng_below(&c->rng, (uint64_t)ni), used = 0;
    for (int64_t j = 0; j < ni; j++)
        if (j == jrand || opt_rng_unit(&c->rng) < c->prm->de_cr) trial[outs[used++]] = ins[j];
}

pq_status opt_run_de(opt_ctx *c)
{
    const pq_opt_params *q = c->prm;
    int64_t P = q->de_population, k = c->k;
    opt_pop pop = {0};
    pq_opt_portfolio trial_pf = {0};
    int64_t *mutant = malloc((size_t)k * sizeof *mutant), *trial = malloc((size_t)k * sizeof *trial),
            *b1 = malloc((size_t)k * sizeof *b1), *b2 = malloc((size_t)k * sizeof *b2);
    pq_status st = PQ_OK;
    if (!mutant || !trial || !b1 || !b2) {
        st = PQ_NOMEM(c->err);
        goto done;
    }
    c->level = opt_level_at(c, 0);
    if (!opt_pop_init(c, &pop, P, q->de_local_tries)) {
        st = c->err->code;
        goto done;
    }
    int64_t best = best_of(c, &pop);
    for (int64_t g = 0; g < q->de_generations && opt_budget_left(c); g++) {
        int level = opt_level_at(c, (double)g / (double)q->de_generations);
        if (level != c->level) {
            c->level = level;
            best = best_of(c, &pop);
        }
        for (int64_t i = 0; i < P && opt_budget_left(c); i++) {
            int64_t avoid[4] = {i, 0, 0, 0};
            avoid[1] = pick_other(c, P, avoid, 1);
            avoid[2] = pick_other(c, P, avoid, 2);
            avoid[3] = q->de_rand ? pick_other(c, P, avoid, 3) : best;
            mutate(c, pop.pf[avoid[3]].members, pop.pf[avoid[1]].members, pop.pf[avoid[2]].members, mutant, b1);
            cross(c, pop.pf[i].members, mutant, trial, b1, b2);
            opt_mark(c, trial, k);
            if (opt_set_hash(trial, k) == pop.hash[i]) opt_mutate_one(c, trial);
            opt_unmark(c, trial, k);
            if (!opt_set(c, &trial_pf, trial)) {
                st = c->err->code;
                goto done;
            }
            opt_mark(c, trial_pf.members, k);
            opt_local_search(c, &trial_pf, q->de_local_tries);
            opt_unmark(c, trial_pf.members, k);
            uint64_t h = opt_set_hash(trial_pf.members, k);
            if (opt_guide(c, &trial_pf.score) >= opt_guide(c, &pop.pf[i].score) && !opt_pop_has(&pop, h, i)) {
                pq_opt_portfolio t = pop.pf[i];
                pop.pf[i] = trial_pf;
                trial_pf = t;
                pop.hash[i] = h;
                if (opt_guide(c, &pop.pf[i].score) > opt_guide(c, &pop.pf[best].score)) best = i;
            }
        }
    }
done:
    opt_pop_free(&pop);
    pq_opt_portfolio_free(&trial_pf);
    free(mutant);
    free(trial);
    free(b1);
    free(b2);
    return st;
}
