/* SPDX-License-Identifier: Apache-2.0
 *
 * optimize/evaluate.c - the fitness of a portfolio (parquant/optimize.h):
 * the problem's standardised series, a portfolio's running sums, scoring
 * from those sums, and the O(T) one-strategy swap every search is built on.
 */
#include "parquant/optimize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"

static const struct {
    const char *name;
    pq_opt_metric m;
} METRICS[] = {
    {"ratio", PQ_OPT_RATIO},
    {"roi", PQ_OPT_ROI},
    {"less-max-dd", PQ_OPT_LESS_MAX_DD},
    {"win-percentage", PQ_OPT_WIN_PERCENTAGE},
    {"profit-factor", PQ_OPT_PROFIT_FACTOR},
    {"expectancy", PQ_OPT_EXPECTANCY},
};

bool pq_opt_metric_parse(const char *s, pq_opt_metric *out)
{
    char norm[32];
    size_t n = 0;
    for (; s[n] && n + 1 < sizeof norm; n++) norm[n] = (s[n] == ' ' || s[n] == '_') ? '-' : s[n];
    norm[n] = 0;
    if (s[n]) return false;
    for (size_t i = 0; i < sizeof METRICS / sizeof METRICS[0]; i++)
        if (!strcasecmp(norm, METRICS[i].name)) {
            *out = METRICS[i].m;
            return true;
        }
    return false;
}

const char *pq_opt_metric_name(pq_opt_metric m)
{
    for (size_t i = 0; i < sizeof METRICS / sizeof METRICS[0]; i++)
        if (METRICS[i].m == m) return METRICS[i].name;
    return "?";
}

/* z is held in units of 2^-40: |z| <= 1, so a sum of PQ_OPT_MAX_K (2^20)
 * members stays below 2^60. */
#define Z_UNIT 0x1p-40
/* The largest |x| maps to at most 2^40 units: sums of 2^20 members stay
 * below 2^60 (int64), and sums of up to 2^12 members below 2^52 (exact as
 * doubles too, so a plain double reference agrees bit for bit). */
#define X_TOP_BITS 40

pq_status pq_opt_problem_init(pq_opt_problem *p, const double *x, int64_t T, int64_t N, pq_error *err)
{
    memset(p, 0, sizeof *p);
    p->metric = PQ_OPT_RATIO;
    p->penalty_weight = 10.0;
    if (T < 1 || N < 1)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected at least one period and one strategy, found %lld x %lld",
                       (long long)T, (long long)N);
    size_t cells;
    if (pq_mul_overflow((size_t)T, (size_t)N, &cells) || cells > SIZE_MAX / sizeof(int64_t)) return PQ_NOMEM(err);
    double top = 0;
    for (size_t i = 0; i < cells; i++) {
        if (isinf(x[i]))
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "strategy %lld, period %lld: an infinite P&L value",
                           (long long)(i / (size_t)T), (long long)(i % (size_t)T));
        if (fabs(x[i]) > top) top = fabs(x[i]);
    }
    /* x_unit = 2^e with top / x_unit <= 2^40 */
    int e = 0;
    if (top > 0) {
        (void)frexp(top, &e); /* top < 2^e */
        e -= X_TOP_BITS;
    }
    p->x_unit = ldexp(1.0, e);
    p->xq = malloc(cells * sizeof *p->xq);
    p->zq = malloc(cells * sizeof *p->zq);
    p->z_norm2 = malloc((size_t)N * sizeof *p->z_norm2);
    if (!p->xq || !p->zq || !p->z_norm2) {
        pq_opt_problem_free(p);
        return PQ_NOMEM(err);
    }
    p->T = T;
    p->N = N;
    for (int64_t s = 0; s < N; s++) {
        const double *in = x + (size_t)s * (size_t)T;
        int64_t *xs = p->xq + (size_t)s * (size_t)T, *zs = p->zq + (size_t)s * (size_t)T;
        double mean = 0;
        for (int64_t t = 0; t < T; t++) {
            xs[t] = isnan(in[t]) ? 0 : (int64_t)llrint(ldexp(in[t], -e));
            mean += (double)xs[t];
        }
        mean /= (double)T;
        double ss = 0;
        for (int64_t t = 0; t < T; t++) ss += ((double)xs[t] - mean) * ((double)xs[t] - mean);
        double norm = sqrt(ss);
        /* A constant series has no correlation (Pearson is 0/0: read as 0). */
        bool flat = !(norm > 0);
        for (int64_t t = 0; t < T; t++) zs[t] = flat ? 0 : (int64_t)llrint((((double)xs[t] - mean) / norm) / Z_UNIT);
        p->z_norm2[s] = flat ? 0.0 : 1.0;
    }
    return PQ_OK;
}

void pq_opt_problem_free(pq_opt_problem *p)
{
    free(p->xq);
    free(p->zq);
    free(p->z_norm2);
    memset(p, 0, sizeof *p);
}

/* The running state of a score over periods.  Both pq_opt_score_sums and
 * the fused swap below feed it the same values in the same order, so they
 * agree bit for bit. */
typedef struct score_acc {
    double E, peak, dd, gains, losses, zz;
    double u2, u4, u8; /* sums of the underwater depth to the 2nd, 4th, 8th power */
    int64_t wins, lost;
} score_acc;

static inline void acc_period(score_acc *a, const pq_opt_problem *p, int64_t t, int64_t sum, int64_t zsum, int64_t k)
{
    /* the mean of the members' values: (sum / k) then the exact power-of-two
     * scaling, which is what (sum of the values) / k rounds to */
    double r = ((double)sum / (double)k) * p->x_unit;
    a->E += r;
    if (t == 0 || a->E > a->peak) a->peak = a->E;
    double u = a->peak - a->E, u2 = u * u, u4 = u2 * u2;
    if (u > a->dd) a->dd = u;
    a->u2 += u2;
    a->u4 += u4;
    a->u8 += u4 * u4;
    if (r > 0) a->gains += r, a->wins++;
    else if (r < 0) a->losses -= r, a->lost++;
    double zt = (double)zsum * Z_UNIT;
    a->zz += zt * zt;
}

/* ROI / DD with the legacy edge cases (heavy_optimizer.md 3, F-L) */
static double ratio(double E, double dd)
{
    return dd > 1e-6 ? E / dd : E > 0 ? E * 100 : E < 0 ? E * 10 : 0;
}

static pq_opt_score acc_score(const score_acc *a, const pq_opt_problem *p, double z_self, int64_t k)
{
    pq_opt_score sc;
    memset(&sc, 0, sizeof sc);
    double E = a->E, dd = a->dd;
    sc.roi = E;
    sc.max_dd = dd;
    switch (p->metric) {
    case PQ_OPT_RATIO: sc.base = ratio(E, dd); break;
    case PQ_OPT_ROI: sc.base = E; break;
    case PQ_OPT_LESS_MAX_DD: sc.base = -dd; break;
    case PQ_OPT_WIN_PERCENTAGE: sc.base = (double)a->wins / (double)p->T; break;
    case PQ_OPT_PROFIT_FACTOR: sc.base = a->losses > 1e-6 ? a->gains / a->losses : a->gains > 0 ? 1.0 : 0.0; break;
    case PQ_OPT_EXPECTANCY: {
        double wr = (double)a->wins / (double)p->T;
        double avg_win = a->wins ? a->gains / (double)a->wins : 0, avg_loss = a->lost ? a->losses / (double)a->lost : 0;
        sc.base = wr * avg_win - (1 - wr) * avg_loss;
        break;
    }
    }
    if (k > 1) sc.mean_corr = (a->zz - z_self) / ((double)k * (double)(k - 1));
    sc.penalty = p->penalty_weight * sc.mean_corr;
    if (dd < p->drawdown_threshold) sc.penalty *= 0.5;
    sc.fitness = sc.base - sc.penalty;
    if (p->metric == PQ_OPT_RATIO || p->metric == PQ_OPT_LESS_MAX_DD) {
        double T = (double)p->T, norm[PQ_OPT_SMOOTH_LEVELS];
        norm[0] = sqrt(a->u2 / T);
        norm[1] = sqrt(sqrt(a->u4 / T));
        norm[2] = sqrt(sqrt(sqrt(a->u8 / T)));
        for (int l = 0; l < PQ_OPT_SMOOTH_LEVELS; l++)
            sc.smooth[l] = (p->metric == PQ_OPT_RATIO ? ratio(E, norm[l]) : -norm[l]) - sc.penalty;
    } else {
        for (int l = 0; l < PQ_OPT_SMOOTH_LEVELS; l++) sc.smooth[l] = sc.fitness;
    }
    return sc;
}

pq_opt_score pq_opt_score_sums(const pq_opt_problem *p, const int64_t *sum, const int64_t *zsum, double z_self,
                               int64_t k)
{
    score_acc a = {0};
    for (int64_t t = 0; t < p->T; t++) acc_period(&a, p, t, sum[t], zsum[t], k);
    return acc_score(&a, p, z_self, k);
}

void pq_opt_portfolio_free(pq_opt_portfolio *pf)
{
    free(pf->members);
    free(pf->sum);
    free(pf->zsum);
    memset(pf, 0, sizeof *pf);
}

pq_status pq_opt_portfolio_set(pq_opt_portfolio *pf, const pq_opt_problem *p, const int64_t *members, int64_t k,
                               pq_error *err)
{
    if (k < 1 || k > p->N || k > PQ_OPT_MAX_K)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a portfolio of 1..%lld strategies, found %lld",
                       (long long)(p->N < PQ_OPT_MAX_K ? p->N : PQ_OPT_MAX_K), (long long)k);
    for (int64_t i = 0; i < k; i++) {
        if (members[i] < 0 || members[i] >= p->N)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "strategy index %lld is out of range", (long long)members[i]);
        for (int64_t j = 0; j < i; j++)
            if (members[j] == members[i])
                return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "strategy %lld is in the portfolio twice", (long long)members[i]);
    }
    if (pf->k != k || !pf->members) {
        pq_opt_portfolio_free(pf);
        pf->members = malloc((size_t)k * sizeof *pf->members);
        pf->sum = malloc((size_t)p->T * sizeof *pf->sum);
        pf->zsum = malloc((size_t)p->T * sizeof *pf->zsum);
        if (!pf->members || !pf->sum || !pf->zsum) {
            pq_opt_portfolio_free(pf);
            return PQ_NOMEM(err);
        }
    }
    pf->k = k;
    memcpy(pf->members, members, (size_t)k * sizeof *members);
    memset(pf->sum, 0, (size_t)p->T * sizeof *pf->sum);
    memset(pf->zsum, 0, (size_t)p->T * sizeof *pf->zsum);
    pf->z_self = 0;
    for (int64_t i = 0; i < k; i++) {
        const int64_t *xs = p->xq + (size_t)members[i] * (size_t)p->T, *zs = p->zq + (size_t)members[i] * (size_t)p->T;
        for (int64_t t = 0; t < p->T; t++) {
            pf->sum[t] += xs[t];
            pf->zsum[t] += zs[t];
        }
        pf->z_self += p->z_norm2[members[i]];
    }
    pf->score = pq_opt_score_sums(p, pf->sum, pf->zsum, pf->z_self, k);
    return PQ_OK;
}

pq_opt_score pq_opt_try_swap(const pq_opt_portfolio *pf, const pq_opt_problem *p, int64_t slot, int64_t in,
                             int64_t *scratch)
{
    (void)scratch; /* the sums are scored as they are formed */
    int64_t out = pf->members[slot], T = p->T;
    const int64_t *xo = p->xq + (size_t)out * (size_t)T, *xi = p->xq + (size_t)in * (size_t)T;
    const int64_t *zo = p->zq + (size_t)out * (size_t)T, *zi = p->zq + (size_t)in * (size_t)T;
    score_acc a = {0};
    for (int64_t t = 0; t < T; t++)
        acc_period(&a, p, t, pf->sum[t] - xo[t] + xi[t], pf->zsum[t] - zo[t] + zi[t], pf->k);
    return acc_score(&a, p, pf->z_self - p->z_norm2[out] + p->z_norm2[in], pf->k);
}

void pq_opt_commit_swap(pq_opt_portfolio *pf, const pq_opt_problem *p, int64_t slot, int64_t in, const pq_opt_score *s)
{
    int64_t out = pf->members[slot], T = p->T;
    const int64_t *xo = p->xq + (size_t)out * (size_t)T, *xi = p->xq + (size_t)in * (size_t)T;
    const int64_t *zo = p->zq + (size_t)out * (size_t)T, *zi = p->zq + (size_t)in * (size_t)T;
    for (int64_t t = 0; t < T; t++) { /* integers: the same sums as taken afresh */
        pf->sum[t] += xi[t] - xo[t];
        pf->zsum[t] += zi[t] - zo[t];
    }
    pf->z_self += p->z_norm2[in] - p->z_norm2[out];
    pf->members[slot] = in;
    pf->score = *s;
}
