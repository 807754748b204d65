/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search_bo.c - Bayesian optimisation over k-subsets: a Gaussian
 * process surrogate with a set kernel, and expected improvement.
 *
 * Surrogate: a GP on portfolios with the kernel
 *     K(A, B) = exp(-(1 - |A & B| / k) / l)
 * an exponential kernel of the Hamming distance between the membership
 * vectors (|A ^ B| = 2 (k - |A & B|)), so it is positive definite.  The
 * targets are the fitness values warped by asinh (fitness is heavy-tailed:
 * ratios run from ~1 to millions as drawdowns vanish) and standardised.  The
 * length scale l is chosen from a grid by the marginal likelihood every ten
 * calls; a nugget of 1e-6 keeps the Cholesky factor stable.
 *
 * Acquisition: expected improvement over the best warped value (xi = 0.01),
 * maximised over `bo_candidates` candidates per call: a share
 * `bo_exploration` are random portfolios, the rest are one to three swaps
 * away from one of the five best points, the strategy swapped in taken from
 * another good point half of the time.  The best candidate not yet
 * evaluated is evaluated and added, the factor extended by one row.
 *
 * BO is built for objectives that cost seconds per evaluation; here an
 * evaluation costs a microsecond, so BO spends its time on the model and
 * sees few points.  It is here because the original listed it (with no
 * model at all), and as a reference for how far a model-guided search gets
 * on a few hundred evaluations.
 */
#include "optimize/search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct bo_state {
    int64_t n, cap, k;
    int64_t *obs;  /* cap x k members */
    uint64_t *hash;
    double *y;     /* warped fitness */
    double *L;     /* cap x cap, lower triangle of the Cholesky factor */
    double *alpha, *ys, *tmp;
    double len;
} bo_state;

static double overlap_kernel(const bo_state *b, int64_t common)
{
    return exp(-(1.0 - (double)common / (double)b->k) / b->len);
}

#define NUGGET 1e-6

/* kvec[j] = K(candidate, obs j); the candidate is marked */
static void kernel_row(const opt_ctx *c, const bo_state *b, double *kvec)
{
    for (int64_t j = 0; j < b->n; j++) {
        const int64_t *o = b->obs + (size_t)j * (size_t)b->k;
        int64_t common = 0;
        for (int64_t i = 0; i < b->k; i++) common += c->mark[o[i]] != 0;
        kvec[j] = overlap_kernel(b, common);
    }
}

/* solve L v = rhs (forward), n rows */
static void forward(const bo_state *b, const double *rhs, double *v, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        double s = rhs[i];
        const double *Li = b->L + (size_t)i * (size_t)b->cap;
        for (int64_t j = 0; j < i; j++) s -= Li[j] * v[j];
        v[i] = s / Li[i];
    }
}

/* full Cholesky of K over the n observations; false if not positive */
static bool factor(opt_ctx *c, bo_state *b)
{
    for (int64_t i = 0; i < b->n; i++) {
        opt_mark(c, b->obs + (size_t)i * (size_t)b->k, b->k);
        double *Li = b->L + (size_t)i * (size_t)b->cap;
        int64_t n = b->n;
        b->n = i + 1;
        kernel_row(c, b, b->tmp);
        b->n = n;
        opt_unmark(c, b->obs + (size_t)i * (size_t)b->k, b->k);
        b->tmp[i] += NUGGET;
        for (int64_t j = 0; j <= i; j++) {
            const double *Lj = b->L + (size_t)j * (size_t)b->cap;
            double s = b->tmp[j];
            for (int64_t m = 0; m < j; m++) s -= Li[m] * Lj[m];
            if (j == i) {
                if (!(s > 0)) return false;
                Li[i] = sqrt(s);
            } else {
                Li[j] = s / Lj[j];
            }
        }
    }
    return true;
}

/* standardise y into ys and solve K alpha = ys; returns the log marginal likelihood */
static double fit_alpha(bo_state *b, double *mean, double *sd)
{
    double m = 0, v = 0;
    for (int64_t i = 0; i < b->n; i++) m += b->y[i];
    m /= (double)b->n;
    for (int64_t i = 0; i < b->n; i++) v += (b->y[i] - m) * (b->y[i] - m);
    double s = b->n > 1 ? sqrt(v / (double)(b->n - 1)) : 1.0;
    if (!(s > 0)) s = 1.0;
    for (int64_t i = 0; i < b->n; i++) b->ys[i] = (b->y[i] - m) / s;
    forward(b, b->ys, b->tmp, b->n);
    double lml = 0;
    for (int64_t i = b->n - 1; i >= 0; i--) { /* back: L^T alpha = tmp */
        double acc = b->tmp[i];
        for (int64_t j = i + 1; j < b->n; j++) acc -= b->L[(size_t)j * (size_t)b->cap + (size_t)i] * b->alpha[j];
        b->alpha[i] = acc / b->L[(size_t)i * (size_t)b->cap + (size_t)i];
    }
    for (int64_t i = 0; i < b->n; i++)
        lml -= 0.5 * b->ys[i] * b->alpha[i] + log(b->L[(size_t)i * (size_t)b->cap + (size_t)i]);
    *mean = m;
    *sd = s;
    return lml;
}

static const double LENGTHS[] = {0.05, 0.1, 0.2, 0.4, 0.8, 1.6};

/* choose the length scale by marginal likelihood; leaves L factored for it */
static void choose_length(opt_ctx *c, bo_state *b)
{
    double best = -INFINITY, best_len = b->len, m, s;
    for (size_t i = 0; i < sizeof LENGTHS / sizeof LENGTHS[0]; i++) {
        b->len = LENGTHS[i];
        if (!factor(c, b)) continue;
        double lml = fit_alpha(b, &m, &s);
        if (lml > best) best = lml, best_len = b->len;
    }
    b->len = best_len;
    (void)factor(c, b); /* the chosen one factored before; it factors again */
}

static void add_obs(bo_state *b, const pq_opt_portfolio *pf, const double *v)
{
    int64_t n = b->n;
    memcpy(b->obs + (size_t)n * (size_t)b->k, pf->members, (size_t)b->k * sizeof *b->obs);
    b->hash[n] = opt_set_hash(pf->members, b->k);
    b->y[n] = asinh(pf->score.fitness);
    double *Ln = b->L + (size_t)n * (size_t)b->cap, ss = 0;
    for (int64_t j = 0; j < n; j++) {
        Ln[j] = v[j];
        ss += v[j] * v[j];
    }
    double d = 1.0 + NUGGET - ss;
    Ln[n] = sqrt(d > 1e-10 ? d : 1e-10);
    b->n = n + 1;
}

static void free_state(bo_state *b)
{
    free(b->obs);
    free(b->hash);
    free(b->y);
    free(b->L);
    free(b->alpha);
    free(b->ys);
    free(b->tmp);
}

/* a candidate near one of the best points (or random); out holds k */
static void propose(opt_ctx *c, const bo_state *b, const int64_t *top, int64_t ntop, int64_t *out)
{
    int64_t k = c->k;
    if (opt_rng_unit(&c->rng) < c->prm->bo_exploration || k >= c->N) {
        opt_random_set(c, out);
        return;
    }
    const int64_t *base = b->obs + (size_t)top[opt_rng_below(&c->rng, (uint64_t)ntop)] * (size_t)k;
    memcpy(out, base, (size_t)k * sizeof *out);
    opt_mark(c, out, k);
    int64_t swaps = 1 + (int64_t)opt_rng_below(&c->rng, 3);
    for (int64_t s = 0; s < swaps; s++) {
        int64_t in = -1;
        if (ntop > 1 && opt_rng_unit(&c->rng) < 0.5) {
            const int64_t *other = b->obs + (size_t)top[opt_rng_below(&c->rng, (uint64_t)ntop)] * (size_t)k;
            int64_t cand = other[opt_rng_below(&c->rng, (uint64_t)k)];
            if (!c->mark[cand]) in = cand;
        }
        if (in < 0) in = opt_random_outsider(c, k);
        int64_t slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)k);
        c->mark[out[slot]] = 0;
        c->mark[in] = 1;
        out[slot] = in;
    }
    opt_unmark(c, out, k);
}

pq_status opt_run_bo(opt_ctx *c)
{
    const pq_opt_params *q = c->prm;
    int64_t k = c->k, cap = q->bo_initial + q->bo_calls, nc = q->bo_candidates;
    bo_state b = {.cap = cap, .k = k, .len = 0.2};
    b.obs = malloc((size_t)cap * (size_t)k * sizeof *b.obs);
    b.hash = malloc((size_t)cap * sizeof *b.hash);
    b.y = malloc((size_t)cap * sizeof *b.y);
    b.L = calloc((size_t)cap * (size_t)cap, sizeof *b.L);
    b.alpha = malloc((size_t)cap * sizeof *b.alpha);
    b.ys = malloc((size_t)cap * sizeof *b.ys);
    b.tmp = malloc((size_t)cap * sizeof *b.tmp);
    int64_t *cand = malloc((size_t)nc * (size_t)k * sizeof *cand);
    double *kvec = malloc((size_t)cap * sizeof *kvec), *v = malloc((size_t)cap * sizeof *v),
           *best_v = malloc((size_t)cap * sizeof *best_v);
    int64_t top[5];
    pq_opt_portfolio pf = {0};
    pq_status st = PQ_OK;
    if (!b.obs || !b.hash || !b.y || !b.L || !b.alpha || !b.ys || !b.tmp || !cand || !kvec || !v || !best_v) {
        st = PQ_NOMEM(c->err);
        goto done;
    }
    for (int64_t i = 0; i < q->bo_initial && opt_budget_left(c); i++) {
        opt_random_set(c, cand);
        if (!opt_set(c, &pf, cand)) {
            st = c->err->code;
            goto done;
        }
        memcpy(b.obs + (size_t)b.n * (size_t)k, pf.members, (size_t)k * sizeof *b.obs);
        b.hash[b.n] = opt_set_hash(pf.members, k);
        b.y[b.n] = asinh(pf.score.fitness);
        b.n++;
    }
    choose_length(c, &b);
    for (int64_t call = 0; call < q->bo_calls && opt_budget_left(c); call++) {
        if (call > 0 && call % 10 == 0) choose_length(c, &b);
        double mean, sd;
        (void)fit_alpha(&b, &mean, &sd);
        /* the five best points */
        int64_t ntop = 0;
        for (int64_t i = 0; i < b.n; i++) { /* insertion into a sorted list of 5 */
            int64_t j = ntop < 5 ? ntop++ : 5;
            if (j == 5) {
                if (b.y[i] <= b.y[top[4]]) continue;
                j = 4;
            }
            for (; j > 0 && b.y[i] > b.y[top[j - 1]]; j--) top[j] = top[j - 1];
            top[j] = i;
        }
        double ybest = (b.y[top[0]] - mean) / sd, best_ei = -1;
        int64_t pick = -1;
        for (int64_t j = 0; j < nc; j++) {
            int64_t *m = cand + (size_t)j * (size_t)k;
            propose(c, &b, top, ntop, m);
            uint64_t h = opt_set_hash(m, k);
            bool seen = false;
            for (int64_t i = 0; i < b.n && !seen; i++) seen = b.hash[i] == h;
            if (seen) continue;
            opt_mark(c, m, k);
            kernel_row(c, &b, kvec);
            opt_unmark(c, m, k);
            double mu = 0, vv = 0;
            for (int64_t i = 0; i < b.n; i++) mu += kvec[i] * b.alpha[i];
            forward(&b, kvec, v, b.n);
            for (int64_t i = 0; i < b.n; i++) vv += v[i] * v[i];
            double sigma = sqrt(fmax(1.0 + NUGGET - vv, 1e-12)), imp = mu - ybest - 0.01, z = imp / sigma;
            double ei = imp * 0.5 * erfc(-z / M_SQRT2) + sigma * exp(-0.5 * z * z) / sqrt(2 * M_PI);
            if (ei > best_ei) {
                best_ei = ei;
                pick = j;
                memcpy(best_v, v, (size_t)b.n * sizeof *v);
            }
        }
        if (pick < 0) continue; /* every candidate was seen: draw again */
        if (!opt_set(c, &pf, cand + (size_t)pick * (size_t)k)) {
            st = c->err->code;
            goto done;
        }
        add_obs(&b, &pf, best_v);
    }
done:
    free_state(&b);
    free(cand);
    free(kvec);
    free(v);
    free(best_v);
    pq_opt_portfolio_free(&pf);
    return st;
}
