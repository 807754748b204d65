/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search.c - pq_opt_search: the parameters of the eight algorithms,
 * the search context they share (random generator, budget, best seen,
 * membership marks) and the helpers they are built from.
 */
#include "optimize/search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const ALG_NAMES[PQ_OPT_N_ALGORITHMS] = {"ga", "pso", "sa", "de", "aco", "hc", "bo", "rs"};

const char *pq_opt_algorithm_name(pq_opt_algorithm a)
{
    return (unsigned)a < PQ_OPT_N_ALGORITHMS ? ALG_NAMES[a] : "?";
}

bool pq_opt_algorithm_parse(const char *s, pq_opt_algorithm *out)
{
    for (int i = 0; i < PQ_OPT_N_ALGORITHMS; i++)
        if (!strcasecmp(s, ALG_NAMES[i])) {
            *out = (pq_opt_algorithm)i;
            return true;
        }
    return false;
}

/* parquant's defaults: budgets sized so the eight algorithms take about a
 * second each on 25,544 x 82 at k = 35 (bench/optimize.sh measures them). */
void pq_opt_params_init(pq_opt_params *o)
{
    memset(o, 0, sizeof *o);
    o->ga_population = 40;
    o->ga_generations = 100;
    o->ga_tournament = 3;
    o->ga_crossover_rate = 0.9;
    o->ga_mutation_rate = 0.05;
    o->ga_elitism_rate = 0.1;
    o->ga_local_tries = 300;
    o->pso_swarm = 30;
    o->pso_iterations = 6000;
    o->pso_inertia_start = 0.9;
    o->pso_inertia_end = 0.4;
    o->pso_c1 = 1.5;
    o->pso_c2 = 1.5;
    o->pso_vmax = 0.9;
    o->sa_iterations = 3000000;
    o->sa_t_start = 1.0;
    o->sa_t_end = 0.002;
    o->sa_cooling = 0.95;
    o->de_population = 30;
    o->de_generations = 110;
    o->de_f = 0.8;
    o->de_cr = 0.7;
    o->de_local_tries = 300;
    o->aco_ants = 20;
    o->aco_iterations = 1000;
    o->aco_alpha = 1.0;
    o->aco_beta = 2.0;
    o->aco_evaporation = 0.1;
    o->aco_deposit = 1.0;
    o->aco_tau_min = 0.01;
    o->aco_tau_max = 10.0;
    o->aco_tau0 = 10.0;
    o->aco_local_tries = 300;
    o->hc_iterations = 3000000;
    o->hc_patience = 0;
    o->bo_initial = 20;
    o->bo_calls = 200;
    o->bo_candidates = 64;
    o->bo_exploration = 0.2;
    o->rs_samples = 60000;
    o->smooth_guide = true;
}

/* heavy_optimizer.md 4.1: the values of the original's configuration file. */
void pq_opt_params_legacy(pq_opt_params *o)
{
    memset(o, 0, sizeof *o);
    o->ga_population = 30;
    o->ga_generations = 50;
    o->ga_tournament = 3;
    o->ga_crossover_rate = 0.8;
    o->ga_mutation_rate = 0.1;
    o->ga_elitism_rate = 0.1;
    o->pso_swarm = 25;
    o->pso_iterations = 50;
    o->pso_inertia_start = 0.9;
    o->pso_inertia_end = 0.4;
    o->pso_c1 = 2.0;
    o->pso_c2 = 2.0;
    o->pso_vmax = 0.5;
    o->sa_iterations = 1000;
    o->sa_t_start = 1000;
    o->sa_t_end = 0.01;
    o->sa_cooling = 0.95;
    o->de_population = 30;
    o->de_generations = 50;
    o->de_f = 0.8;
    o->de_cr = 0.7;
    o->aco_ants = 20;
    o->aco_iterations = 50;
    o->aco_alpha = 1.0;
    o->aco_beta = 2.0;
    o->aco_evaporation = 0.5;
    o->aco_deposit = 1.0;
    o->aco_tau_min = 0.01;
    o->aco_tau_max = 10.0;
    o->aco_tau0 = 0.1;
    o->hc_iterations = 200;
    o->hc_patience = 10;
    o->bo_initial = 10;
    o->bo_calls = 50;
    o->bo_exploration = 0.2;
    o->bo_candidates = 64; /* not used by the legacy mechanics */
    o->rs_samples = 1000;
}

void pq_opt_search_options_init(pq_opt_search_options *o)
{
    memset(o, 0, sizeof *o);
    o->k = 35;
    o->seed = 42;
    o->effort = 1.0;
    pq_opt_params_init(&o->params);
}

/* ---------------------------------------------------------------- rng */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void opt_rng_seed(opt_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ splitmix64(&stream);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

double opt_rng_normal(opt_rng *r)
{
    double u = 1.0 - opt_rng_unit(r), v = opt_rng_unit(r); /* u in (0, 1] */
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* -------------------------------------------------------------- context */

void opt_offer_members(opt_ctx *c, const int64_t *members, const pq_opt_score *s)
{
    if (c->have_best && !(s->fitness > c->best_score.fitness)) return;
    memcpy(c->best, members, (size_t)c->k * sizeof *members);
    c->best_score = *s;
    c->have_best = true;
}

void opt_offer(opt_ctx *c, const pq_opt_portfolio *pf)
{
    opt_offer_members(c, pf->members, &pf->score);
}

void opt_mark(opt_ctx *c, const int64_t *members, int64_t n)
{
    for (int64_t i = 0; i < n; i++) c->mark[members[i]] = 1;
}

void opt_unmark(opt_ctx *c, const int64_t *members, int64_t n)
{
    for (int64_t i = 0; i < n; i++) c->mark[members[i]] = 0;
}

int64_t opt_random_outsider(opt_ctx *c, int64_t marked)
{
    if (marked * 2 <= c->N) /* rejection: at most two draws expected */
        for (;;) {
            int64_t s = (int64_t)opt_rng_below(&c->rng, (uint64_t)c->N);
            if (!c->mark[s]) return s;
        }
    /* a crowded universe: the r-th unmarked strategy */
    int64_t r = (int64_t)opt_rng_below(&c->rng, (uint64_t)(c->N - marked));
    for (int64_t s = 0; s < c->N; s++)
        if (!c->mark[s] && r-- == 0) return s;
    return -1; /* not reached: marked < N */
}

void opt_random_set(opt_ctx *c, int64_t *out)
{
    /* Floyd: for j = N-k .. N-1 take t in [0, j]; if taken, take j */
    int64_t n = 0;
    for (int64_t j = c->N - c->k; j < c->N; j++) {
        int64_t t = (int64_t)opt_rng_below(&c->rng, (uint64_t)j + 1);
        if (c->mark[t]) t = j;
        c->mark[t] = 1;
        out[n++] = t;
    }
    opt_shuffle(c, out, n); /* Floyd's order is biased: late slots favour large indices */
    opt_unmark(c, out, n);
}

void opt_shuffle(opt_ctx *c, int64_t *v, int64_t n)
{
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)opt_rng_below(&c->rng, (uint64_t)i + 1), t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

bool opt_set(opt_ctx *c, pq_opt_portfolio *pf, const int64_t *members)
{
    if (pq_opt_portfolio_set(pf, c->p, members, c->k, c->err) != PQ_OK) return false;
    (void)opt_spend(c, 1);
    opt_offer(c, pf);
    return true;
}

/* the smooth levels take most of a run: they find the region, the fitness
 * finishes it (measured on SENSEX 500 x 82: see docs/optimize.md) */
static const double level_end[PQ_OPT_SMOOTH_LEVELS + 1] = {0.40, 0.70, 0.85, 1.0};

double opt_level_end(int level)
{
    return level_end[level < 0 ? 0 : level > PQ_OPT_SMOOTH_LEVELS ? PQ_OPT_SMOOTH_LEVELS : level];
}

int opt_level_at(const opt_ctx *c, double progress)
{
    if (!c->prm->smooth_guide) return PQ_OPT_SMOOTH_LEVELS;
    int l = 0;
    while (l < PQ_OPT_SMOOTH_LEVELS && progress >= level_end[l]) l++;
    return l;
}

int64_t opt_local_search(opt_ctx *c, pq_opt_portfolio *pf, int64_t patience)
{
    int64_t fails = 0, gains = 0;
    if (c->k >= c->N) return 0;
    /* the next candidate is drawn one step ahead so its rows can be fetched
     * while the current one is scored */
    int64_t slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)c->k), in = opt_random_outsider(c, c->k);
    while (fails < patience && opt_spend(c, 1)) {
        int64_t next_slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)c->k), next_in = opt_random_outsider(c, c->k);
        opt_prefetch(c, next_in);
        pq_opt_score s = pq_opt_try_swap(pf, c->p, slot, in, NULL);
        if (opt_guide(c, &s) > opt_guide(c, &pf->score)) {
            opt_commit(c, pf, slot, in, &s);
            if (c->level < PQ_OPT_SMOOTH_LEVELS) opt_offer(c, pf); /* the fitness may fall on the way */
            gains++;
            fails = 0;
            if (next_in == in || c->mark[next_in]) next_in = opt_random_outsider(c, c->k);
        } else {
            fails++;
        }
        slot = next_slot;
        in = next_in;
    }
    opt_offer(c, pf);
    return gains;
}

uint64_t opt_set_hash(const int64_t *members, int64_t k)
{
    uint64_t h = 0;
    for (int64_t i = 0; i < k; i++) {
        uint64_t x = (uint64_t)members[i];
        h += splitmix64(&x);
    }
    return h;
}

bool opt_pop_init(opt_ctx *c, opt_pop *pop, int64_t n, int64_t patience)
{
    pop->n = n;
    pop->pf = calloc((size_t)n, sizeof *pop->pf);
    pop->hash = calloc((size_t)n, sizeof *pop->hash);
    int64_t *m = malloc((size_t)c->k * sizeof *m);
    bool ok = pop->pf && pop->hash && m;
    if (!ok) PQ_NOMEM(c->err);
    for (int64_t i = 0; ok && i < n; i++) {
        opt_random_set(c, m);
        ok = opt_set(c, &pop->pf[i], m);
        if (!ok) break;
        opt_mark(c, pop->pf[i].members, c->k);
        if (patience > 0) opt_local_search(c, &pop->pf[i], patience);
        opt_unmark(c, pop->pf[i].members, c->k);
        pop->hash[i] = opt_set_hash(pop->pf[i].members, c->k);
    }
    free(m);
    if (!ok) opt_pop_free(pop);
    return ok;
}

void opt_pop_free(opt_pop *pop)
{
    for (int64_t i = 0; pop->pf && i < pop->n; i++) pq_opt_portfolio_free(&pop->pf[i]);
    free(pop->pf);
    free(pop->hash);
    pop->pf = NULL;
    pop->hash = NULL;
    pop->n = 0;
}

bool opt_pop_has(const opt_pop *pop, uint64_t h, int64_t skip)
{
    for (int64_t i = 0; i < pop->n; i++)
        if (i != skip && pop->hash[i] == h) return true;
    return false;
}

bool opt_pf_copy(opt_ctx *c, pq_opt_portfolio *dst, const pq_opt_portfolio *src)
{
    if (dst->k != src->k || !dst->members) {
        pq_opt_portfolio_free(dst);
        dst->members = malloc((size_t)src->k * sizeof *dst->members);
        dst->sum = malloc((size_t)c->T * sizeof *dst->sum);
        dst->zsum = malloc((size_t)c->T * sizeof *dst->zsum);
        if (!dst->members || !dst->sum || !dst->zsum) {
            pq_opt_portfolio_free(dst);
            PQ_NOMEM(c->err);
            return false;
        }
        dst->k = src->k;
    }
    memcpy(dst->members, src->members, (size_t)src->k * sizeof *dst->members);
    memcpy(dst->sum, src->sum, (size_t)c->T * sizeof *dst->sum);
    memcpy(dst->zsum, src->zsum, (size_t)c->T * sizeof *dst->zsum);
    dst->z_self = src->z_self;
    dst->score = src->score;
    return true;
}

void opt_mutate_one(opt_ctx *c, int64_t *m)
{
    if (c->k >= c->N) return;
    int64_t slot = (int64_t)opt_rng_below(&c->rng, (uint64_t)c->k), in = opt_random_outsider(c, c->k);
    c->mark[m[slot]] = 0;
    c->mark[in] = 1;
    m[slot] = in;
}

/* ------------------------------------------------------------ dispatch */

static int64_t scaled(int64_t n, double effort)
{
    double v = (double)n * effort;
    return v < 1 ? 1 : v > 1e15 ? (int64_t)1e15 : (int64_t)llround(v);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static pq_status check_params(const pq_opt_params *q, int64_t k, pq_error *err)
{
#define NEED(cond, what) \
    if (!(cond)) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "invalid algorithm parameter: %s", what)
    NEED(q->ga_population >= 2, "GA population must be at least 2");
    NEED(q->ga_tournament >= 1, "GA tournament size must be at least 1");
    NEED(q->pso_swarm >= 1, "PSO swarm must be at least 1");
    NEED(q->de_population >= 4, "DE population must be at least 4");
    NEED(q->aco_ants >= 1, "ACO ants must be at least 1");
    NEED(q->aco_tau_min > 0 && q->aco_tau_max >= q->aco_tau_min, "ACO pheromone bounds need 0 < min <= max");
    NEED(q->aco_evaporation >= 0 && q->aco_evaporation <= 1, "ACO evaporation must be in [0, 1]");
    NEED(q->bo_initial >= 1 && q->bo_candidates >= 1, "BO needs initial points and candidates");
    NEED(q->sa_t_start > 0 && q->sa_t_end > 0, "SA temperatures must be positive");
#undef NEED
    (void)k;
    return PQ_OK;
}

pq_status pq_opt_search(const pq_opt_problem *p, pq_opt_algorithm a, const pq_opt_search_options *o,
                        pq_opt_result *out, pq_error *err)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)a >= PQ_OPT_N_ALGORITHMS) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "unknown algorithm %d", (int)a);
    int64_t kmax = p->N < PQ_OPT_MAX_K ? p->N : PQ_OPT_MAX_K;
    if (o->k < 1 || o->k > kmax)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "portfolio size %lld is out of range: the data has %lld strategies",
                       (long long)o->k, (long long)p->N);
    if (!(o->effort > 0)) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "effort must be positive");
    pq_opt_params prm = o->params;
    pq_status st = check_params(&prm, o->k, err);
    if (st != PQ_OK) return st;
    double e = o->effort;
    prm.ga_generations = scaled(prm.ga_generations, e);
    prm.pso_iterations = scaled(prm.pso_iterations, e);
    prm.sa_iterations = scaled(prm.sa_iterations, e);
    prm.de_generations = scaled(prm.de_generations, e);
    prm.aco_iterations = scaled(prm.aco_iterations, e);
    prm.hc_iterations = scaled(prm.hc_iterations, e);
    prm.bo_calls = scaled(prm.bo_calls, e);
    /* the GP costs O(n^2) memory and O(n^3) time in its points: past a
     * thousand it is all model and no search */
    if (prm.bo_initial > 1000) prm.bo_initial = 1000;
    if (prm.bo_calls > 1000) prm.bo_calls = 1000;
    prm.rs_samples = scaled(prm.rs_samples, e);

    opt_ctx c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.prm = &prm;
    c.k = o->k;
    c.N = p->N;
    c.T = p->T;
    c.err = err;
    c.max_evals = INT64_MAX / 2;
    c.level = PQ_OPT_SMOOTH_LEVELS;
    /* one stream per (algorithm, size, preset): runs do not share draws */
    opt_rng_seed(&c.rng, o->seed, ((uint64_t)a << 40) ^ ((uint64_t)o->k << 1) ^ (o->legacy ? 1u : 0u));
    c.mark = calloc((size_t)p->N, 1);
    c.best = malloc((size_t)o->k * sizeof *c.best);
    if (!c.mark || !c.best) {
        st = PQ_NOMEM(err);
        goto done;
    }
    double t0 = pq_mono_seconds();
    if (o->time_limit > 0) c.deadline = t0 + o->time_limit;
    if (o->legacy) {
        st = opt_run_legacy(&c, a);
    } else {
        switch (a) {
        case PQ_OPT_GA: st = opt_run_ga(&c); break;
        case PQ_OPT_PSO: st = opt_run_pso(&c); break;
        case PQ_OPT_SA: st = opt_run_sa(&c); break;
        case PQ_OPT_DE: st = opt_run_de(&c); break;
        case PQ_OPT_ACO: st = opt_run_aco(&c); break;
        case PQ_OPT_HC: st = opt_run_hc(&c); break;
        case PQ_OPT_BO: st = opt_run_bo(&c); break;
        default: st = opt_run_rs(&c); break;
        }
    }
    if (st == PQ_OK && !c.have_best) st = PQ_FAIL(err, PQ_ERR_STATE, "%s evaluated no portfolio", ALG_NAMES[a]);
    if (st != PQ_OK) goto done;
    qsort(c.best, (size_t)c.k, sizeof *c.best, cmp_i64);
    out->algorithm = a;
    out->k = c.k;
    out->members = c.best;
    c.best = NULL;
    out->score = c.best_score;
    out->evaluations = c.evals;
    out->seconds = pq_mono_seconds() - t0;
    out->stopped_by_time = c.out_of_time;
done:
    free(c.mark);
    free(c.best);
    return st;
}

void pq_opt_result_free(pq_opt_result *r)
{
    free(r->members);
    memset(r, 0, sizeof *r);
}
