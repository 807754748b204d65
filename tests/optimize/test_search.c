/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/optimize/test_search.c - the eight searches on the real SENSEX
 * slice: every result is k distinct strategies, in order, whose reported
 * score is the score taken afresh; the same seed gives the same portfolio
 * (run twice, with another search run in between on the same problem);
 * every parquant algorithm beats its legacy preset and the
 * random baseline; edge cases (k = N, k = 1, one strategy, a flat matrix),
 * argument errors, the time limit, and the shared random helpers.
 */
#include "harness.h"
#include "optimize/search.h"
#include "parquant/optimize.h"
#include "parquant/pnl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static pq_opt_problem sensex;

static void load_sensex(void)
{
    pq_pnl d;
    pq_error err;
    CHECK_OK(pq_pnl_read_csv(PQ_SHARED_DIR "/data/strategies/sensex_500x82.csv", NULL, &d, NULL, &err), &err);
    CHECK_OK(pq_opt_problem_init(&sensex, d.values, d.n_rows, d.n_strategies, &err), &err);
    pq_pnl_free(&d);
}

static pq_opt_result run(const pq_opt_problem *p, pq_opt_algorithm a, int64_t k, uint64_t seed, double effort,
                         bool legacy)
{
    pq_opt_search_options o;
    pq_opt_search_options_init(&o);
    o.k = k;
    o.seed = seed;
    o.effort = effort;
    o.legacy = legacy;
    if (legacy) pq_opt_params_legacy(&o.params);
    pq_opt_result r;
    pq_error err;
    CHECK_OK(pq_opt_search(p, a, &o, &r, &err), &err);
    return r;
}

/* k distinct ascending members, and the score is the score taken afresh */
static void check_result(const pq_opt_problem *p, const pq_opt_result *r, int64_t k)
{
    CHECK_EQ_I64(r->k, k);
    for (int64_t i = 0; i < k; i++) {
        CHECK(r->members[i] >= 0 && r->members[i] < p->N);
        if (i) CHECK(r->members[i] > r->members[i - 1]);
    }
    pq_opt_portfolio pf = {0};
    pq_error err;
    CHECK_OK(pq_opt_portfolio_set(&pf, p, r->members, k, &err), &err);
    CHECK(pf.score.fitness == r->score.fitness && pf.score.max_dd == r->score.max_dd && pf.score.roi == r->score.roi);
    pq_opt_portfolio_free(&pf);
    CHECK(r->evaluations > 0);
    CHECK(!r->stopped_by_time);
}

TEST(results_are_real_portfolios)
{
    for (int a = 0; a < PQ_OPT_N_ALGORITHMS; a++)
        for (int legacy = 0; legacy < 2; legacy++) {
            pq_opt_result r = run(&sensex, (pq_opt_algorithm)a, 35, 7, 0.05, legacy);
            check_result(&sensex, &r, 35);
            pq_opt_result_free(&r);
        }
}

TEST(same_seed_same_portfolio)
{
    for (int a = 0; a < PQ_OPT_N_ALGORITHMS; a++) {
        pq_opt_result r1 = run(&sensex, (pq_opt_algorithm)a, 20, 11, 0.05, false);
        pq_opt_result other = run(&sensex, (pq_opt_algorithm)((a + 1) % PQ_OPT_N_ALGORITHMS), 20, 11, 0.05, false);
        pq_opt_result r2 = run(&sensex, (pq_opt_algorithm)a, 20, 11, 0.05, false);
        pq_opt_result r3 = run(&sensex, (pq_opt_algorithm)a, 20, 12, 0.05, false);
        CHECK(!memcmp(r1.members, r2.members, 20 * sizeof *r1.members));
        CHECK(r1.score.fitness == r2.score.fitness && r1.evaluations == r2.evaluations);
        /* another seed explores elsewhere: the evaluation path differs */
        CHECK(memcmp(r1.members, r3.members, 20 * sizeof *r1.members) || r1.evaluations != r3.evaluations ||
              a == PQ_OPT_RS);
        pq_opt_result_free(&r1);
        pq_opt_result_free(&r2);
        pq_opt_result_free(&r3);
        pq_opt_result_free(&other);
    }
}

TEST(better_than_legacy_and_random)
{
    /* a tenth of the default budgets is still far beyond the legacy ones */
    pq_opt_result rs = run(&sensex, PQ_OPT_RS, 35, 3, 0.1, false);
    for (int a = 0; a < PQ_OPT_N_ALGORITHMS; a++) {
        /* BO's budget is a few hundred model-guided points: it runs in full */
        pq_opt_result mine = run(&sensex, (pq_opt_algorithm)a, 35, 3, a == PQ_OPT_BO ? 1.0 : 0.1, false);
        pq_opt_result old = run(&sensex, (pq_opt_algorithm)a, 35, 3, 1.0, true);
        if (!(mine.score.fitness > old.score.fitness))
            fprintf(stderr, "%s: %.4f not above legacy %.4f\n", pq_opt_algorithm_name((pq_opt_algorithm)a),
                    mine.score.fitness, old.score.fitness);
        CHECK(mine.score.fitness > old.score.fitness);
        if (a != PQ_OPT_RS) CHECK(mine.score.fitness > rs.score.fitness);
        pq_opt_result_free(&mine);
        pq_opt_result_free(&old);
    }
    pq_opt_result_free(&rs);
}

/* The smoothed-drawdown guide (docs/optimize.md) is what lifts SA, HC, GA
 * and DE on the real slice: with it, each does better over three seeds
 * than the same search climbing the fitness alone. */
TEST(smooth_guide_helps)
{
    const pq_opt_algorithm algs[] = {PQ_OPT_SA, PQ_OPT_HC, PQ_OPT_GA, PQ_OPT_DE};
    for (size_t i = 0; i < sizeof algs / sizeof *algs; i++) {
        double with = 0, without = 0;
        for (uint64_t seed = 1; seed <= 3; seed++) {
            for (int smooth = 0; smooth < 2; smooth++) {
                pq_opt_search_options o;
                pq_opt_search_options_init(&o);
                o.k = 35;
                o.seed = seed;
                o.effort = 0.1;
                o.params.smooth_guide = smooth;
                pq_opt_result r;
                pq_error err;
                CHECK_OK(pq_opt_search(&sensex, algs[i], &o, &r, &err), &err);
                check_result(&sensex, &r, 35);
                *(smooth ? &with : &without) += r.score.fitness;
                pq_opt_result_free(&r);
            }
        }
        fprintf(stderr, "%s: mean fitness %.2f with the guide, %.2f without\n", pq_opt_algorithm_name(algs[i]),
                with / 3, without / 3);
        CHECK(with > without);
    }
}

TEST(edge_sizes)
{
    /* k = N: the only portfolio; k = 1: the best single strategy */
    double x[3 * 4] = {1, 2, 3, 4, -1, -1, 5, 1, 0, 0, 0, 0};
    pq_opt_problem p;
    pq_error err;
    CHECK_OK(pq_opt_problem_init(&p, x, 4, 3, &err), &err);
    for (int a = 0; a < PQ_OPT_N_ALGORITHMS; a++)
        for (int legacy = 0; legacy < 2; legacy++) {
            pq_opt_result r = run(&p, (pq_opt_algorithm)a, 3, 1, 0.01, legacy);
            check_result(&p, &r, 3);
            pq_opt_result_free(&r);
            r = run(&p, (pq_opt_algorithm)a, 1, 1, 0.01, legacy);
            check_result(&p, &r, 1);
            /* strategy 0 never falls: ratio ROI*100 = 1000 beats the others */
            if (!legacy || a == PQ_OPT_HC || a == PQ_OPT_SA) CHECK_EQ_I64(r.members[0], 0);
            pq_opt_result_free(&r);
        }
    pq_opt_problem_free(&p);
    /* one strategy, and a matrix of zeros */
    double one[5] = {1, -1, 1, -1, 1}, zeros[40] = {0};
    CHECK_OK(pq_opt_problem_init(&p, one, 5, 1, &err), &err);
    pq_opt_result r = run(&p, PQ_OPT_GA, 1, 1, 0.01, false);
    check_result(&p, &r, 1);
    pq_opt_result_free(&r);
    pq_opt_problem_free(&p);
    CHECK_OK(pq_opt_problem_init(&p, zeros, 4, 10, &err), &err);
    for (int a = 0; a < PQ_OPT_N_ALGORITHMS; a++) {
        r = run(&p, (pq_opt_algorithm)a, 4, 1, 0.01, false);
        check_result(&p, &r, 4);
        CHECK(r.score.fitness == 0);
        pq_opt_result_free(&r);
    }
    pq_opt_problem_free(&p);
}

TEST(argument_errors)
{
    pq_opt_search_options o;
    pq_opt_search_options_init(&o);
    pq_opt_result r;
    pq_error err;
    o.k = sensex.N + 1;
    CHECK(pq_opt_search(&sensex, PQ_OPT_SA, &o, &r, &err) == PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "out of range") != NULL);
    o.k = 0;
    CHECK(pq_opt_search(&sensex, PQ_OPT_SA, &o, &r, &err) == PQ_ERR_INVALID_ARG);
    o.k = 10;
    CHECK(pq_opt_search(&sensex, (pq_opt_algorithm)99, &o, &r, &err) == PQ_ERR_INVALID_ARG);
    o.params.ga_population = 1;
    CHECK(pq_opt_search(&sensex, PQ_OPT_GA, &o, &r, &err) == PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "GA population") != NULL);
    pq_opt_params_init(&o.params);
    o.effort = 0;
    CHECK(pq_opt_search(&sensex, PQ_OPT_GA, &o, &r, &err) == PQ_ERR_INVALID_ARG);
    pq_opt_algorithm a;
    CHECK(pq_opt_algorithm_parse("HC", &a) && a == PQ_OPT_HC);
    CHECK(!pq_opt_algorithm_parse("hcc", &a));
    CHECK_EQ_STR(pq_opt_algorithm_name(PQ_OPT_BO), "bo");
}

TEST(time_limit_stops)
{
    pq_opt_search_options o;
    pq_opt_search_options_init(&o);
    o.effort = 1000; /* minutes of work, stopped after 50 ms */
    o.time_limit = 0.05;
    pq_opt_result r;
    pq_error err;
    CHECK_OK(pq_opt_search(&sensex, PQ_OPT_HC, &o, &r, &err), &err);
    CHECK(r.stopped_by_time);
    /* stopped long before its budget (no wall-clock assertion: a slow machine
     * only does fewer evaluations) */
    CHECK(r.evaluations < o.params.hc_iterations * 1000);
    r.stopped_by_time = false;
    check_result(&sensex, &r, 35);
    pq_opt_result_free(&r);
}

TEST(random_helpers)
{
    opt_ctx c;
    memset(&c, 0, sizeof c);
    c.N = 50;
    c.k = 10;
    c.mark = calloc(50, 1);
    opt_rng_seed(&c.rng, 1, 2);
    int64_t counts[50] = {0}, m[10];
    for (int rep = 0; rep < 5000; rep++) {
        opt_random_set(&c, m);
        for (int i = 0; i < 10; i++) {
            counts[m[i]]++;
            for (int j = 0; j < i; j++) CHECK(m[i] != m[j]);
        }
    }
    /* each strategy is drawn 1000 times on average: a biased draw shows */
    for (int s = 0; s < 50; s++) CHECK(counts[s] > 850 && counts[s] < 1150);
    for (int s = 0; s < 50; s++) CHECK(c.mark[s] == 0);
    /* outsiders when most are marked */
    memset(c.mark, 1, 48);
    for (int rep = 0; rep < 100; rep++) {
        int64_t s = opt_random_outsider(&c, 48);
        CHECK(s == 48 || s == 49);
    }
    uint64_t h1, h2;
    int64_t a[3] = {5, 9, 2}, b[3] = {2, 5, 9}, d[3] = {2, 5, 8};
    h1 = opt_set_hash(a, 3);
    h2 = opt_set_hash(b, 3);
    CHECK(h1 == h2 && h1 != opt_set_hash(d, 3));
    free(c.mark);
}

int main(void)
{
    load_sensex();
    RUN(results_are_real_portfolios);
    RUN(same_seed_same_portfolio);
    RUN(better_than_legacy_and_random);
    RUN(smooth_guide_helps);
    RUN(edge_sizes);
    RUN(argument_errors);
    RUN(time_limit_stops);
    RUN(random_helpers);
    pq_opt_problem_free(&sensex);
    return harness_done();
}
