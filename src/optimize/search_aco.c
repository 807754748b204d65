/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search_aco.c - ant colony optimisation for k-subsets: a MAX-MIN
 * ant system (Stuetzle & Hoos, 2000) with one pheromone value per strategy.
 *
 * A portfolio has no order, so the pheromone belongs to the strategy, not
 * to a (previous, next) pair: N values instead of the original's N x N
 * matrix (5.2 GB at 25,544 strategies; its deposits were discarded by a
 * bug, so it sampled uniformly).  Each ant draws k distinct strategies with
 * probability proportional to tau_i^alpha * eta_i^beta, where the heuristic
 * eta_i is the rank of the strategy's own fitness (0.1 for the worst, 1 for
 * the best).  The iteration's best ant is improved by a short local search;
 * then tau evaporates (tau <- (1 - rho) tau) and the members of the
 * iteration's best (and, every fifth iteration, of the best so far) receive
 * the deposit; tau stays within [tau_min, tau_max], which keeps every
 * strategy reachable and the colony from freezing on one portfolio.
 */
#include "optimize/search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct rank_item {
    double fit;
    int64_t s;
} rank_item;

static int cmp_rank(const void *a, const void *b)
{
    const rank_item *x = a, *y = b;
    if (x->fit != y->fit) return x->fit < y->fit ? -1 : 1;
    return (x->s > y->s) - (x->s < y->s);
}

/* eta_i^beta from each strategy's fitness alone (k = 1) */
static bool heuristic(opt_ctx *c, double *eta_b)
{
    rank_item *r = malloc((size_t)c->N * sizeof *r);
    int64_t *sum = malloc((size_t)c->T * sizeof *sum), *zsum = malloc((size_t)c->T * sizeof *zsum);
    bool ok = r && sum && zsum;
    if (!ok) {
        PQ_NOMEM(c->err);
    } else {
        for (int64_t s = 0; s < c->N; s++) {
            memcpy(sum, c->p->xq + (size_t)s * (size_t)c->T, (size_t)c->T * sizeof *sum);
            memcpy(zsum, c->p->zq + (size_t)s * (size_t)c->T, (size_t)c->T * sizeof *zsum);
            r[s].fit = pq_opt_score_sums(c->p, sum, zsum, c->p->z_norm2[s], 1).fitness;
            r[s].s = s;
        }
        qsort(r, (size_t)c->N, sizeof *r, cmp_rank);
        for (int64_t i = 0; i < c->N; i++) {
            double eta = 0.1 + 0.9 * (c->N > 1 ? (double)i / (double)(c->N - 1) : 1.0);
            eta_b[r[i].s] = pow(eta, c->prm->aco_beta);
        }
    }
    free(r);
    free(sum);
    free(zsum);
    return ok;
}

/* draw k distinct strategies by weight (cum = running sums of the weights) */
static void construct(opt_ctx *c, const double *w, const double *cum, int64_t *out)
{
    int64_t k = c->k, N = c->N;
    double total = cum[N - 1], taken = 0;
    for (int64_t n = 0; n < k; n++) {
        int64_t s = -1;
        for (int t = 0; t < 32 && s < 0; t++) { /* by the running sums, rejecting members */
            double u = opt_rng_unit(&c->rng) * total;
            int64_t lo = 0, hi = N - 1;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (cum[mid] > u) hi = mid;
                else lo = mid + 1;
            }
            if (!c->mark[lo]) s = lo;
        }
        if (s < 0) { /* the members hold most of the weight: draw among the rest */
            double u = opt_rng_unit(&c->rng) * (total - taken), acc = 0;
            for (int64_t i = 0; i < N; i++) {
                if (c->mark[i]) continue;
                s = i;
                acc += w[i];
                if (acc > u) break;
            }
        }
        c->mark[s] = 1;
        taken += w[s];
        out[n] = s;
    }
    opt_unmark(c, out, k);
}

pq_status opt_run_aco(opt_ctx *c)
{
    const pq_opt_params *q = c->prm;
    int64_t N = c->N, k = c->k;
    double *tau = malloc((size_t)N * sizeof *tau), *eta_b = malloc((size_t)N * sizeof *eta_b),
           *w = malloc((size_t)N * sizeof *w), *cum = malloc((size_t)N * sizeof *cum);
    int64_t *m = malloc((size_t)k * sizeof *m);
    pq_opt_portfolio ant = {0}, it_best = {0};
    pq_status st = PQ_OK;
    if (!tau || !eta_b || !w || !cum || !m) {
        st = PQ_NOMEM(c->err);
        goto done;
    }
    if (!heuristic(c, eta_b)) {
        st = c->err->code;
        goto done;
    }
    for (int64_t i = 0; i < N; i++) tau[i] = q->aco_tau0;
    for (int64_t it = 0; it < q->aco_iterations && opt_budget_left(c); it++) {
        double acc = 0;
        for (int64_t i = 0; i < N; i++) {
            w[i] = (q->aco_alpha == 1.0 ? tau[i] : pow(tau[i], q->aco_alpha)) * eta_b[i];
            cum[i] = acc += w[i];
        }
        bool have = false;
        for (int64_t a = 0; a < q->aco_ants && opt_budget_left(c); a++) {
            construct(c, w, cum, m);
            if (!opt_set(c, &ant, m)) {
                st = c->err->code;
                goto done;
            }
            if (!have || ant.score.fitness > it_best.score.fitness) {
                if (!opt_pf_copy(c, &it_best, &ant)) {
                    st = c->err->code;
                    goto done;
                }
                have = true;
            }
        }
        if (!have) break;
        opt_mark(c, it_best.members, k);
        opt_local_search(c, &it_best, q->aco_local_tries);
        opt_unmark(c, it_best.members, k);
        for (int64_t i = 0; i < N; i++) tau[i] *= 1.0 - q->aco_evaporation;
        const int64_t *dep = (it % 5 == 4) ? c->best : it_best.members;
        for (int64_t i = 0; i < k; i++) tau[dep[i]] += q->aco_deposit;
        for (int64_t i = 0; i < N; i++) tau[i] = tau[i] < q->aco_tau_min ? q->aco_tau_min
                                                 : tau[i] > q->aco_tau_max ? q->aco_tau_max
                                                                           : tau[i];
    }
done:
    pq_opt_portfolio_free(&ant);
    pq_opt_portfolio_free(&it_best);
    free(tau);
    free(eta_b);
    free(w);
    free(cum);
    free(m);
    return st;
}
