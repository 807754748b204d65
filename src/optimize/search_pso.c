/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search_pso.c - set-based particle swarm optimisation (after
 * Chen et al., "A novel set-based PSO method for discrete optimization",
 * 2010, adapted to fixed-size subsets).
 *
 * A particle is a portfolio (its position) with a velocity: a weight in
 * [0, vmax] for each of a few strategies, the pull towards taking that
 * strategy in.  Each iteration:
 *   v <- w v + c1 r1 (pbest \ x) + c2 r2 (gbest \ x)
 * where (A \ x) is the set of strategies A holds and the particle does not
 * (weight 1 each, r1 and r2 uniform per strategy), w falls linearly from
 * inertia_start to inertia_end, weights are clipped to vmax, and weights
 * below 0.05 are dropped.  Then each strategy of the velocity enters the
 * position with probability equal to its weight, replacing a member that
 * neither the personal nor the global best holds (a random member when
 * there is none), so the particle really moves towards its attractors.  A
 * particle that did not move takes one random swap (turbulence), which
 * keeps the swarm exploring once it has gathered.  Unlike the original, the
 * best positions do act on the particles.
 */
#include "optimize/search.h"

#include <stdlib.h>
#include <string.h>

typedef struct particle {
    pq_opt_portfolio x;
    int64_t *pbest;
    double pbest_fit;
    int64_t nv;      /* velocity entries */
    int64_t *v_idx;  /* strategy */
    double *v_w;     /* weight */
} particle;

/* add weight to strategy s in the particle's velocity (cap entries) */
static void pull(particle *pt, int64_t cap, int64_t s, double w)
{
    for (int64_t i = 0; i < pt->nv; i++)
        if (pt->v_idx[i] == s) {
            pt->v_w[i] += w;
            return;
        }
    if (pt->nv < cap) {
        pt->v_idx[pt->nv] = s;
        pt->v_w[pt->nv++] = w;
        return;
    }
    int64_t low = 0; /* full: replace the weakest entry if weaker */
    for (int64_t i = 1; i < pt->nv; i++)
        if (pt->v_w[i] < pt->v_w[low]) low = i;
    if (pt->v_w[low] < w) {
        pt->v_idx[low] = s;
        pt->v_w[low] = w;
    }
}

static void free_particles(particle *ps, int64_t n)
{
    for (int64_t i = 0; ps && i < n; i++) {
        pq_opt_portfolio_free(&ps[i].x);
        free(ps[i].pbest);
        free(ps[i].v_idx);
        free(ps[i].v_w);
    }
    free(ps);
}

/* one iteration of particle pt: velocity, then moves; slots holds k values */
static void move(opt_ctx *c, particle *pt, double w, int64_t cap, int64_t *slots)
{
    const pq_opt_params *q = c->prm;
    int64_t k = c->k;
    /* velocity update; marks: 1 = in x */
    int64_t kept = 0;
    for (int64_t i = 0; i < pt->nv; i++) {
        double nw = pt->v_w[i] * w;
        if (nw >= 0.05) {
            pt->v_idx[kept] = pt->v_idx[i];
            pt->v_w[kept++] = nw;
        }
    }
    pt->nv = kept;
    opt_mark(c, pt->x.members, k);
    for (int64_t i = 0; i < k; i++) {
        if (!c->mark[pt->pbest[i]]) pull(pt, cap, pt->pbest[i], q->pso_c1 * opt_rng_unit(&c->rng));
        if (!c->mark[c->best[i]]) pull(pt, cap, c->best[i], q->pso_c2 * opt_rng_unit(&c->rng));
    }
    for (int64_t i = 0; i < pt->nv; i++)
        if (pt->v_w[i] > q->pso_vmax) pt->v_w[i] = q->pso_vmax;
    /* removable slots: members neither attractor holds (mark 3 = protected) */
    for (int64_t i = 0; i < k; i++) {
        if (c->mark[pt->pbest[i]] == 1) c->mark[pt->pbest[i]] = 3;
        if (c->mark[c->best[i]] == 1) c->mark[c->best[i]] = 3;
    }
    int64_t nfree = 0, nall = k;
    for (int64_t i = 0; i < k; i++)
        if (c->mark[pt->x.members[i]] == 1) slots[nfree++] = i;
    int64_t moved = 0;
    for (int64_t i = 0; i < pt->nv && opt_budget_left(c); i++) {
        int64_t s = pt->v_idx[i];
        if (c->mark[s] || !(opt_rng_unit(&c->rng) < pt->v_w[i])) continue;
        int64_t slot;
        if (nfree > 0) {
            int64_t j = (int64_t)opt_rng_below(&c->rng, (uint64_t)nfree);
            slot = slots[j];
            slots[j] = slots[--nfree];
        } else {
            slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)nall);
            if (c->mark[pt->x.members[slot]] == 2) continue; /* just moved in */
        }
        pq_opt_score sc = pq_opt_try_swap(&pt->x, c->p, slot, s, NULL);
        (void)opt_spend(c, 1);
        c->mark[pt->x.members[slot]] = 0;
        c->mark[s] = 2;
        pq_opt_commit_swap(&pt->x, c->p, slot, s, &sc);
        moved++;
    }
    for (int64_t i = 0; i < k; i++) c->mark[pt->x.members[i]] = 1;
    if (!moved && k < c->N && opt_spend(c, 1)) { /* turbulence */
        int64_t slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)k), in = opt_random_outsider(c, k);
        pq_opt_score sc = pq_opt_try_swap(&pt->x, c->p, slot, in, NULL);
        opt_commit(c, &pt->x, slot, in, &sc);
    }
    opt_unmark(c, pt->x.members, k);
    opt_unmark(c, pt->pbest, k);
    opt_unmark(c, c->best, k);
}

pq_status opt_run_pso(opt_ctx *c)
{
    const pq_opt_params *q = c->prm;
    int64_t n = q->pso_swarm, k = c->k, cap = 4 * k;
    particle *ps = calloc((size_t)n, sizeof *ps);
    int64_t *slots = malloc((size_t)k * sizeof *slots), *m = malloc((size_t)k * sizeof *m);
    pq_status st = PQ_OK;
    if (!ps || !slots || !m) {
        st = PQ_NOMEM(c->err);
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        ps[i].pbest = malloc((size_t)k * sizeof *ps[i].pbest);
        ps[i].v_idx = malloc((size_t)cap * sizeof *ps[i].v_idx);
        ps[i].v_w = malloc((size_t)cap * sizeof *ps[i].v_w);
        if (!ps[i].pbest || !ps[i].v_idx || !ps[i].v_w) {
            st = PQ_NOMEM(c->err);
            goto done;
        }
        opt_random_set(c, m);
        if (!opt_set(c, &ps[i].x, m)) {
            st = c->err->code;
            goto done;
        }
        memcpy(ps[i].pbest, m, (size_t)k * sizeof *m);
        ps[i].pbest_fit = ps[i].x.score.fitness;
    }
    for (int64_t it = 0; it < q->pso_iterations && opt_budget_left(c); it++) {
        double w = q->pso_inertia_start;
        if (q->pso_iterations > 1)
            w += (q->pso_inertia_end - q->pso_inertia_start) * (double)it / (double)(q->pso_iterations - 1);
        for (int64_t i = 0; i < n && opt_budget_left(c); i++) {
            move(c, &ps[i], w, cap, slots);
            if (ps[i].x.score.fitness > ps[i].pbest_fit) {
                memcpy(ps[i].pbest, ps[i].x.members, (size_t)k * sizeof *m);
                ps[i].pbest_fit = ps[i].x.score.fitness;
            }
            opt_offer(c, &ps[i].x);
        }
    }
done:
    free_particles(ps, n);
    free(slots);
    free(m);
    return st;
}
