/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search_rs.c - random search, the baseline every other algorithm
 * must beat: uniform random k-subsets, the best kept.
 */
#include "optimize/search.h"

#include <stdlib.h>

pq_status opt_run_rs(opt_ctx *c)
{
    return opt_sample_random(c, c->prm->rs_samples);
}

pq_status opt_sample_random(opt_ctx *c, int64_t samples)
{
    int64_t *m = malloc((size_t)c->k * sizeof *m);
    pq_opt_portfolio pf = {0};
    pq_status st = PQ_OK;
    if (!m) return PQ_NOMEM(c->err);
    for (int64_t i = 0; i < samples && opt_budget_left(c); i++) {
        opt_random_set(c, m);
        if (!opt_set(c, &pf, m)) {
            st = c->err->code;
            break;
        }
    }
    pq_opt_portfolio_free(&pf);
    free(m);
    return st;
}
