/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/optimize/test_evaluate.c - the incremental fitness against a plain
 * reference: for thousands of random portfolios and one-strategy swaps on
 * the real SENSEX slice and on built edge cases (constant series, an
 * all-zero strategy, a series that never falls so the drawdown is zero, a
 * losing one, NaN cells, one period, k = 1), the score from running sums
 * equals a direct recomputation from the matrix with Pearson correlations
 * taken pair by pair; every metric; argument errors.  The reference works on
 * the values the problem holds (x rounded to its fixed-point unit): ROI,
 * drawdown and the metric agree bit for bit, the correlation to 1e-9 (z is
 * held to 2^-40).
 */
#include "harness.h"
#include "parquant/optimize.h"
#include "parquant/pnl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------ the reference */

static double pearson(const double *a, const double *b, int64_t T)
{
    double ma = 0, mb = 0;
    for (int64_t t = 0; t < T; t++) ma += a[t], mb += b[t];
    ma /= (double)T;
    mb /= (double)T;
    double sab = 0, saa = 0, sbb = 0;
    for (int64_t t = 0; t < T; t++) {
        sab += (a[t] - ma) * (b[t] - mb);
        saa += (a[t] - ma) * (a[t] - ma);
        sbb += (b[t] - mb) * (b[t] - mb);
    }
    double c = sab / sqrt(saa * sbb);
    return isnan(c) ? 0 : c;
}

/* heavy_optimizer.md 3, F-L, computed the plain way from x (NaN = 0). */
static pq_opt_score reference(const pq_opt_problem *p, const int64_t *m, int64_t k, pq_opt_metric metric, double W,
                              double dd_threshold)
{
    int64_t T = p->T;
    double *r = calloc((size_t)T, sizeof *r), *a = malloc((size_t)T * sizeof *a), *b = malloc((size_t)T * sizeof *b);
    for (int64_t t = 0; t < T; t++) {
        double s = 0;
        for (int64_t i = 0; i < k; i++) s += pq_opt_value(p, m[i], t);
        r[t] = s / (double)k;
    }
    double E = 0, peak = 0, dd = 0, gains = 0, losses = 0, under[PQ_OPT_SMOOTH_LEVELS] = {0};
    int64_t wins = 0, lost = 0;
    for (int64_t t = 0; t < T; t++) {
        E += r[t];
        if (t == 0 || E > peak) peak = E;
        if (peak - E > dd) dd = peak - E;
        for (int l = 0; l < PQ_OPT_SMOOTH_LEVELS; l++) under[l] += pow(peak - E, 2 << l);
        if (r[t] > 0) gains += r[t], wins++;
        if (r[t] < 0) losses += -r[t], lost++;
    }
    pq_opt_score s;
    memset(&s, 0, sizeof s);
    s.roi = E;
    s.max_dd = dd;
    double wr = (double)wins / (double)T;
    switch (metric) {
    case PQ_OPT_RATIO: s.base = dd > 1e-6 ? E / dd : E > 0 ? E * 100 : E < 0 ? E * 10 : 0; break;
    case PQ_OPT_ROI: s.base = E; break;
    case PQ_OPT_LESS_MAX_DD: s.base = -dd; break;
    case PQ_OPT_WIN_PERCENTAGE: s.base = wr; break;
    case PQ_OPT_PROFIT_FACTOR: s.base = losses > 1e-6 ? gains / losses : gains > 0 ? 1 : 0; break;
    case PQ_OPT_EXPECTANCY:
        s.base = wr * (wins ? gains / (double)wins : 0) - (1 - wr) * (lost ? losses / (double)lost : 0);
        break;
    }
    double csum = 0;
    for (int64_t i = 0; i < k; i++)
        for (int64_t j = i + 1; j < k; j++) {
            for (int64_t t = 0; t < T; t++) {
                a[t] = pq_opt_value(p, m[i], t);
                b[t] = pq_opt_value(p, m[j], t);
            }
            csum += pearson(a, b, T);
        }
    s.mean_corr = k > 1 ? csum / ((double)k * (double)(k - 1) / 2) : 0;
    s.penalty = W * s.mean_corr * (dd < dd_threshold ? 0.5 : 1.0);
    s.fitness = s.base - s.penalty;
    for (int l = 0; l < PQ_OPT_SMOOTH_LEVELS; l++) { /* the p-norms of the underwater curve, p = 2, 4, 8 */
        double norm = pow(under[l] / (double)T, 1.0 / (double)(2 << l));
        if (metric == PQ_OPT_RATIO)
            s.smooth[l] = (norm > 1e-6 ? E / norm : E > 0 ? E * 100 : E < 0 ? E * 10 : 0) - s.penalty;
        else if (metric == PQ_OPT_LESS_MAX_DD)
            s.smooth[l] = -norm - s.penalty;
        else
            s.smooth[l] = s.fitness;
    }
    free(r);
    free(a);
    free(b);
    return s;
}

/* ------------------------------------------------ comparison */

static bool close_to(double a, double b) { return fabs(a - b) <= 1e-9; }
/* a p-th root taken two ways: equal to a few ulps of its size */
static bool near_rel(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b)); }

static int64_t mismatches;

static void expect_same(const pq_opt_score *got, const pq_opt_score *want, const char *what)
{
    bool ok = got->base == want->base && got->roi == want->roi && got->max_dd == want->max_dd &&
              close_to(got->mean_corr, want->mean_corr) && close_to(got->penalty, want->penalty) &&
              close_to(got->fitness, want->fitness);
    for (int l = 0; l < PQ_OPT_SMOOTH_LEVELS; l++) ok = ok && near_rel(got->smooth[l], want->smooth[l]);
    if (!ok && mismatches++ < 5)
        fprintf(stderr, "%s: fitness %.17g vs %.17g, base %.17g vs %.17g, corr %.17g vs %.17g, dd %.17g vs %.17g\n",
                what, got->fitness, want->fitness, got->base, want->base, got->mean_corr, want->mean_corr,
                got->max_dd, want->max_dd);
    if (!ok && mismatches <= 5)
        fprintf(stderr, "%s: smooth %.17g %.17g %.17g vs %.17g %.17g %.17g\n", what, got->smooth[0], got->smooth[1],
                got->smooth[2], want->smooth[0], want->smooth[1], want->smooth[2]);
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next_u64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random portfolios of size k, then random swaps, each checked. */
static void random_walk(const double *x, int64_t T, int64_t N, int64_t k, int steps, pq_opt_metric metric, double W,
                        double thr)
{
    pq_opt_problem p;
    pq_error err;
    CHECK_OK(pq_opt_problem_init(&p, x, T, N, &err), &err);
    p.metric = metric;
    p.penalty_weight = W;
    p.drawdown_threshold = thr;
    int64_t *m = malloc((size_t)k * sizeof *m);
    char *in = calloc((size_t)N, 1);
    for (int64_t i = 0; i < k; i++) {
        int64_t s;
        do s = (int64_t)(next_u64() % (uint64_t)N);
        while (in[s]);
        in[s] = 1;
        m[i] = s;
    }
    pq_opt_portfolio pf;
    memset(&pf, 0, sizeof pf);
    CHECK_OK(pq_opt_portfolio_set(&pf, &p, m, k, &err), &err);
    pq_opt_score want = reference(&p, m, k, metric, W, thr);
    expect_same(&pf.score, &want, "set");
    int64_t *scratch = malloc((size_t)(2 * T) * sizeof *scratch);
    for (int st = 0; st < steps && k < N; st++) {
        int64_t slot = (int64_t)(next_u64() % (uint64_t)k), s;
        do s = (int64_t)(next_u64() % (uint64_t)N);
        while (in[s]);
        pq_opt_score tried = pq_opt_try_swap(&pf, &p, slot, s, scratch);
        int64_t old = pf.members[slot];
        pf.members[slot] = s;
        want = reference(&p, pf.members, k, metric, W, thr);
        pf.members[slot] = old;
        expect_same(&tried, &want, "try_swap");
        if (next_u64() % 2) { /* commit half of them: the sums drift only by rounding */
            pq_opt_commit_swap(&pf, &p, slot, s, &tried);
            in[old] = 0;
            in[s] = 1;
            CHECK(pf.members[slot] == s);
        }
    }
    CHECK(pf.score.fitness == pf.score.fitness); /* not NaN */
    free(scratch);
    free(m);
    free(in);
    pq_opt_portfolio_free(&pf);
    pq_opt_problem_free(&p);
}

TEST(real_slice_agrees)
{
    pq_pnl d;
    pq_error err;
    CHECK_OK(pq_pnl_read_csv(PQ_SHARED_DIR "/data/strategies/sensex_500x82.csv", NULL, &d, NULL, &err), &err);
    if (!d.values) return;
    mismatches = 0;
    for (int metric = 0; metric <= PQ_OPT_EXPECTANCY; metric++)
        random_walk(d.values, d.n_rows, d.n_strategies, 35, 300, (pq_opt_metric)metric, 10.0, 0);
    random_walk(d.values, d.n_rows, d.n_strategies, 2, 300, PQ_OPT_RATIO, 10.0, 0);
    random_walk(d.values, d.n_rows, d.n_strategies, 100, 300, PQ_OPT_RATIO, 0.5, 1e9); /* penalty halved */
    random_walk(d.values, d.n_rows, d.n_strategies, 1, 100, PQ_OPT_RATIO, 10.0, 0);   /* no pairs */
    CHECK_EQ_I64(mismatches, 0);
    pq_pnl_free(&d);
}

/* 8 periods x 10 strategies of edge cases. */
TEST(edge_cases_agree)
{
    enum { T = 8, N = 10 };
    double x[N * T];
    for (int s = 0; s < N; s++)
        for (int t = 0; t < T; t++) {
            double v;
            switch (s) {
            case 0: v = 5; break;                            /* constant: no correlation */
            case 1: v = 0; break;                            /* all zero */
            case 2: v = t + 1; break;                        /* never falls: DD 0 */
            case 3: v = -(t + 1); break;                     /* always loses */
            case 4: v = t % 3 == 0 ? NAN : t * 1.5 - 4; break; /* empty cells */
            case 5: v = (t % 2) ? 100 : -100; break;
            default: v = sin((double)(s * 7 + t)) * 1000; break;
            }
            x[s * T + t] = v;
        }
    mismatches = 0;
    for (int metric = 0; metric <= PQ_OPT_EXPECTANCY; metric++)
        for (int64_t k = 1; k <= N; k++) random_walk(x, T, N, k, 60, (pq_opt_metric)metric, 10.0, 0);
    /* zero drawdown and positive ROI: ratio = ROI * 100 */
    pq_opt_problem p;
    pq_error err;
    CHECK_OK(pq_opt_problem_init(&p, x, T, N, &err), &err);
    pq_opt_portfolio pf;
    memset(&pf, 0, sizeof pf);
    int64_t up[1] = {2}, zero[2] = {0, 1}, down[1] = {3};
    CHECK_OK(pq_opt_portfolio_set(&pf, &p, up, 1, &err), &err);
    CHECK(pf.score.max_dd == 0 && pf.score.base == 36.0 * 100);
    CHECK_OK(pq_opt_portfolio_set(&pf, &p, zero, 2, &err), &err);
    /* a constant 5 and an all-zero series: r = 2.5 every period, no drawdown
     * (ROI * 100), no correlation (both flat) */
    CHECK(pf.score.roi == 20 && pf.score.base == 2000 && pf.score.mean_corr == 0 && pf.score.fitness == 2000);
    CHECK_OK(pq_opt_portfolio_set(&pf, &p, down, 1, &err), &err);
    CHECK(pf.score.roi == -36 && pf.score.max_dd == 35 && pf.score.base == -36.0 / 35);
    /* errors */
    int64_t twice[2] = {4, 4}, out[1] = {N};
    CHECK_STATUS(pq_opt_portfolio_set(&pf, &p, twice, 2, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_opt_portfolio_set(&pf, &p, out, 1, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_opt_portfolio_set(&pf, &p, up, 0, &err), PQ_ERR_INVALID_ARG);
    pq_opt_portfolio_free(&pf);
    pq_opt_problem_free(&p);
    CHECK_STATUS(pq_opt_problem_init(&p, x, 0, N, &err), PQ_ERR_INVALID_ARG);
    /* one period: every series is constant */
    mismatches = 0;
    random_walk(x, 1, N, 4, 40, PQ_OPT_RATIO, 10.0, 0);
    CHECK_EQ_I64(mismatches, 0);
}

TEST(metric_names)
{
    pq_opt_metric m;
    CHECK(pq_opt_metric_parse("less max dd", &m) && m == PQ_OPT_LESS_MAX_DD);
    CHECK(pq_opt_metric_parse("Profit_Factor", &m) && m == PQ_OPT_PROFIT_FACTOR);
    CHECK(pq_opt_metric_parse("ratio", &m) && m == PQ_OPT_RATIO);
    CHECK(!pq_opt_metric_parse("sharpe", &m));
    CHECK_EQ_STR(pq_opt_metric_name(PQ_OPT_WIN_PERCENTAGE), "win-percentage");
}

int main(void)
{
    RUN(real_slice_agrees);
    RUN(edge_cases_agree);
    RUN(metric_names);
    return harness_done();
}
