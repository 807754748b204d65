/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search_hc.c - hill climbing with restarts.  A climb takes random
 * one-strategy swaps that strictly improve the fitness (first improvement)
 * and ends after `patience` failed tries in a row: a local optimum with
 * high probability.  Then it restarts, alternately from a fresh random
 * portfolio (exploration) and from the best portfolio with a fifth of its
 * members replaced at random (an iterated-local-search kick), until the
 * budget of swap tries is spent.  The best of all climbs is the result.
 *
 * Each climb goes up the ratio with the 4-norm, then the 8-norm of the
 * underwater curve in place of the max drawdown, then the fitness itself
 * (opt_guide): a climb on the max drawdown alone stops on the first ridge
 * where two falls are nearly as deep.
 */
#include "optimize/search.h"

#include <stdlib.h>
#include <string.h>

pq_status opt_run_hc(opt_ctx *c)
{
    int64_t k = c->k, patience = c->prm->hc_patience > 0 ? c->prm->hc_patience : k * 200;
    int64_t *m = malloc((size_t)k * sizeof *m);
    pq_opt_portfolio pf = {0};
    if (!m) return PQ_NOMEM(c->err);
    c->max_evals = c->prm->hc_iterations;
    pq_status st = PQ_OK;
    /* each climb starts at the 4-norm (level 1), the schedule measured for HC in docs/optimize.md */
    int first_level = opt_level_at(c, 0) < 1 ? 1 : PQ_OPT_SMOOTH_LEVELS;
    for (int64_t climb = 0; opt_budget_left(c); climb++) {
        if (climb % 2 == 0 || !c->have_best || k == c->N) {
            opt_random_set(c, m);
        } else {
            memcpy(m, c->best, (size_t)k * sizeof *m);
            opt_mark(c, m, k);
            int64_t kick = k / 5 < 2 ? 2 : k / 5;
            for (int64_t j = 0; j < kick; j++) {
                int64_t slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)k), in = opt_random_outsider(c, k);
                c->mark[m[slot]] = 0;
                c->mark[in] = 1;
                m[slot] = in;
            }
            opt_unmark(c, m, k);
        }
        if (!opt_set(c, &pf, m)) {
            st = c->err->code;
            break;
        }
        opt_mark(c, pf.members, k);
        for (int level = first_level; level <= PQ_OPT_SMOOTH_LEVELS; level++) {
            c->level = level;
            opt_local_search(c, &pf, patience);
        }
        opt_unmark(c, pf.members, k);
    }
    pq_opt_portfolio_free(&pf);
    free(m);
    return st;
}
