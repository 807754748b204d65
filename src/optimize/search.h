/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/search.h - what the eight search algorithms share: a seeded
 * random generator (xoshiro256**), the budget (evaluations, optional
 * deadline), the best portfolio seen, random subsets and non-members, and a
 * first-improvement local search on one-strategy swaps.  Internal to
 * src/optimize/.
 *
 * Membership: `mark` holds N bytes, all zero between uses.  A search that
 * works on one portfolio keeps the portfolio's members marked; helpers that
 * need a portfolio marked say so, and leave `mark` as they found it.
 */
#ifndef PARQUANT_OPTIMIZE_SEARCH_H
#define PARQUANT_OPTIMIZE_SEARCH_H

#include "core/core.h"
#include "parquant/optimize.h"

/* ---------------------------------------------------------------- rng */

typedef struct opt_rng {
    uint64_t s[4];
} opt_rng;

/** Seed from (seed, stream): different streams give independent sequences. */
void opt_rng_seed(opt_rng *r, uint64_t seed, uint64_t stream);

static inline uint64_t opt_rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t opt_rng_next(opt_rng *r)
{
    uint64_t *s = r->s, out = opt_rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = opt_rng_rotl(s[3], 45);
    return out;
}

/** Uniform in [0, n), n >= 1, without bias (Lemire). */
static inline uint64_t opt_rng_below(opt_rng *r, uint64_t n)
{
    __uint128_t m = (__uint128_t)opt_rng_next(r) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t floor = -n % n;
        while (lo < floor) {
            m = (__uint128_t)opt_rng_next(r) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

/** Uniform in [0, 1) with 53 random bits. */
static inline double opt_rng_unit(opt_rng *r)
{
    return (double)(opt_rng_next(r) >> 11) * 0x1p-53;
}

/** Standard normal (Box-Muller, one value per call). */
double opt_rng_normal(opt_rng *r);

/* -------------------------------------------------------------- context */

typedef struct opt_ctx {
    const pq_opt_problem *p;
    const pq_opt_params *prm;
    int64_t k, N, T;
    opt_rng rng;
    int64_t evals, max_evals;  /**< spent, allowed */
    double deadline;           /**< monotonic seconds, 0 = none */
    bool out_of_time;
    uint8_t *mark;             /**< N bytes, zero between uses */
    int64_t *best;             /**< k members of the best seen */
    pq_opt_score best_score;
    bool have_best;
    int level;                 /**< what moves are judged by: opt_guide */
    pq_error *err;
} opt_ctx;

/** Count n evaluations; false once the budget or the deadline is spent
 *  (the deadline is read every 256 evaluations). */
static inline bool opt_spend(opt_ctx *c, int64_t n)
{
    int64_t before = c->evals;
    c->evals += n;
    if (c->evals > c->max_evals) return false;
    if (c->deadline > 0 && (before >> 8) != (c->evals >> 8) && pq_mono_seconds() > c->deadline) c->out_of_time = true;
    return !c->out_of_time;
}

/** True while some budget is left. */
static inline bool opt_budget_left(const opt_ctx *c)
{
    return c->evals < c->max_evals && !c->out_of_time;
}

/** Ask for strategy s's rows ahead of a pq_opt_try_swap that will read
 *  them: a search of 25k+ strategies waits on memory more than it computes. */
static inline void opt_prefetch(const opt_ctx *c, int64_t s)
{
    const char *x = (const char *)(c->p->xq + (size_t)s * (size_t)c->T);
    const char *z = (const char *)(c->p->zq + (size_t)s * (size_t)c->T);
    for (int64_t b = 0; b < c->T * 8; b += 64) {
        __builtin_prefetch(x + b);
        __builtin_prefetch(z + b);
    }
}

/** The value a search climbs: the smoothed drawdown of `level` (0..2,
 *  pq_opt_score.smooth) or the fitness itself (PQ_OPT_SMOOTH_LEVELS, the
 *  default).  A max drawdown moves only when a swap touches the worst fall,
 *  so a search on it alone stalls on ridges where several falls are nearly
 *  as deep; climbing the p-norms of the underwater curve first, then the
 *  fitness, reaches better portfolios (docs/optimize.md).  The best
 *  portfolio kept (opt_offer) is always judged by the fitness. */
static inline double opt_guide(const opt_ctx *c, const pq_opt_score *s)
{
    return c->level < PQ_OPT_SMOOTH_LEVELS ? s->smooth[c->level] : s->fitness;
}

/** Searches that follow a schedule climb level 0, 1, 2, then the fitness,
 *  each until its share of the run is done: the run's share (0..1] done
 *  when `level` ends. */
double opt_level_end(int level);
/** The level for a run `progress` (0..1) done: always the fitness
 *  (PQ_OPT_SMOOTH_LEVELS) when the params turn smooth_guide off. */
int opt_level_at(const opt_ctx *c, double progress);

/** Keep `pf` if it is strictly better than the best seen (first found wins ties). */
void opt_offer(opt_ctx *c, const pq_opt_portfolio *pf);
void opt_offer_members(opt_ctx *c, const int64_t *members, const pq_opt_score *s);

/** Shuffle v[0..n) in place (Fisher-Yates). */
void opt_shuffle(opt_ctx *c, int64_t *v, int64_t n);

/** Evaluate `samples` uniform random portfolios (RS, and the legacy ACO/BO). */
pq_status opt_sample_random(opt_ctx *c, int64_t samples);

/** k distinct random strategies into out (Floyd's algorithm; uses mark). */
void opt_random_set(opt_ctx *c, int64_t *out);

/** A random strategy whose mark is 0.  The marked count is `marked` (< N). */
int64_t opt_random_outsider(opt_ctx *c, int64_t marked);

void opt_mark(opt_ctx *c, const int64_t *members, int64_t n);
void opt_unmark(opt_ctx *c, const int64_t *members, int64_t n);

/** Set pf to `members` and count one evaluation; offers it as best.
 *  @return false on NOMEM (c->err set). */
bool opt_set(opt_ctx *c, pq_opt_portfolio *pf, const int64_t *members);

/** Make a swap pq_opt_try_swap scored, keeping mark in step with pf. */
static inline void opt_commit(opt_ctx *c, pq_opt_portfolio *pf, int64_t slot, int64_t in, const pq_opt_score *s)
{
    c->mark[pf->members[slot]] = 0;
    c->mark[in] = 1;
    pq_opt_commit_swap(pf, c->p, slot, in, s);
}

/** First-improvement local search on pf (members marked): random (slot,
 *  outsider) swaps, taken when strictly better by opt_guide, until `patience` tries in a
 *  row fail or the budget ends.  Offers the result.  @return improvements. */
int64_t opt_local_search(opt_ctx *c, pq_opt_portfolio *pf, int64_t patience);

/** An order-free hash of a set of k members: equal sets hash equal. */
uint64_t opt_set_hash(const int64_t *members, int64_t k);

/** A population of portfolios with their set hashes (GA, DE). */
typedef struct opt_pop {
    int64_t n;
    pq_opt_portfolio *pf;
    uint64_t *hash;
} opt_pop;

/** n random portfolios, each improved by a local search of `patience`.
 *  @return false on NOMEM (c->err set; the population is freed). */
bool opt_pop_init(opt_ctx *c, opt_pop *pop, int64_t n, int64_t patience);
void opt_pop_free(opt_pop *pop);
/** True when a member of pop other than `skip` holds the set with hash h. */
bool opt_pop_has(const opt_pop *pop, uint64_t h, int64_t skip);
/** Copy src into dst (no evaluation).  @return false on NOMEM (c->err set). */
bool opt_pf_copy(opt_ctx *c, pq_opt_portfolio *dst, const pq_opt_portfolio *src);
/** Replace one random member of m (k members, marked) by a random outsider. */
void opt_mutate_one(opt_ctx *c, int64_t *m);

/* ---------------------------------------------------------- algorithms */

/** Each returns PQ_OK with the best in c->best, or an error (NOMEM). */
pq_status opt_run_ga(opt_ctx *c);
pq_status opt_run_pso(opt_ctx *c);
pq_status opt_run_sa(opt_ctx *c);
pq_status opt_run_de(opt_ctx *c);
pq_status opt_run_aco(opt_ctx *c);
pq_status opt_run_hc(opt_ctx *c);
pq_status opt_run_bo(opt_ctx *c);
pq_status opt_run_rs(opt_ctx *c);
/** The original's mechanics (heavy_optimizer.md 4.2) for algorithm a. */
pq_status opt_run_legacy(opt_ctx *c, pq_opt_algorithm a);

#endif /* PARQUANT_OPTIMIZE_SEARCH_H */
