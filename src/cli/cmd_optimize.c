/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_optimize.c - `parquant optimize`: options (command line over the
 * configuration file over the defaults), the run, the report folder and
 * the summary table on the terminal.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/optimize_report.h"
#include "cli/optimize_run.h"
#include "chart/chart.h"
#include "parquant/config.h"

static const char OPTIMIZE_USAGE[] =
    "usage: parquant optimize --input FILE|DATASET [options]\n"
    "  choose the portfolio of k strategies with the best fitness (docs/optimize.md)\n"
    "\n"
    "  --input PATH              strategy P&L: CSV, a Parquet file or a dataset folder of any layout\n"
    "  --portfolio-size K        strategies per portfolio (default 35)\n"
    "  --min-size A --max-size B search every size from A to B\n"
    "  --algorithms LIST         ga,pso,sa,de,aco,hc,bo,rs or all (default all)\n"
    "  --metric M                ratio|roi|less-max-dd|win-percentage|profit-factor|expectancy\n"
    "  --correlation-penalty W   weight of the mean pairwise correlation (default 10)\n"
    "  --ulta | --no-ulta        invert losing strategies first (default off)\n"
    "  --ulta-rule legacy|gated\n"
    "  --zone-weights W1,W2,...  weights of the zones in name order (default equal)\n"
    "  --regime-min-confidence C drop rows below this regime confidence (default 70; 0 keeps all)\n"
    "  --holdout-days N|F        search on the earlier periods, report the last N (or share F < 1) apart\n"
    "  --seed S                  (default 42): same input, options and seed give the same portfolios\n"
    "  --threads N               searches run side by side (default: the number of CPUs)\n"
    "  --time-budget SECONDS     stop each search after this long (results then depend on timing)\n"
    "  --effort X                multiply every search budget by X (default 1)\n"
    "  --preset legacy           the original's algorithms and parameters, for comparison\n"
    "  --periods-per-year P      for annualised metrics (default: inferred from the dates)\n"
    "  --date-format auto|ymd|dmy|mdy   CSV dates\n"
    "  --config F                an INI file (docs/config.md); options given here win\n"
    "  --output DIR              report folder (default output/run_<timestamp>)\n"
    "  --no-gpu                  accepted: the CPU is the only engine so far\n"
    "  --quiet                   no summary table\n";

#define USAGE_ERR(...) cli_usage_error("optimize", OPTIMIZE_USAGE, __VA_ARGS__)

static const char *const LONG_NAMES[PQ_OPT_N_ALGORITHMS][2] = {
    {"genetic_algorithm", "use_genetic_algorithm"},        {"particle_swarm", "use_particle_swarm"},
    {"simulated_annealing", "use_simulated_annealing"},    {"differential_evolution", "use_differential_evolution"},
    {"ant_colony", "use_ant_colony"},                      {"hill_climbing", "use_hill_climbing"},
    {"bayesian_optimization", "use_bayesian_optimization"}, {"random_search", "use_random_search"},
};

static size_t parse_numbers(const char *s, double *out, size_t cap, bool *ok)
{
    size_t n = 0;
    *ok = true;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || n >= cap || !isfinite(v)) {
            *ok = false;
            return n;
        }
        out[n++] = v;
        s = end;
        while (*s == ' ') s++;
        if (*s == ',') s++;
        else if (*s) {
            *ok = false;
            return n;
        }
    }
    return n;
}

static void apply_params_config(const pq_config *c, pq_opt_params *q)
{
#define PI(key, field) \
    if (pq_config_is_set(c, "ALGORITHM_PARAMETERS", key)) q->field = pq_config_int(c, "ALGORITHM_PARAMETERS", key)
#define PD(key, field) \
    if (pq_config_is_set(c, "ALGORITHM_PARAMETERS", key)) q->field = pq_config_double(c, "ALGORITHM_PARAMETERS", key)
    PI("ga_population_size", ga_population);
    PI("ga_generations", ga_generations);
    PD("ga_mutation_rate", ga_mutation_rate);
    PD("ga_crossover_rate", ga_crossover_rate);
    PI("ga_tournament_size", ga_tournament);
    PD("ga_elitism_rate", ga_elitism_rate);
    PI("pso_swarm_size", pso_swarm);
    PI("pso_iterations", pso_iterations);
    PD("pso_inertia_weight", pso_inertia_start);
    PD("pso_min_inertia", pso_inertia_end);
    PD("pso_cognitive_coefficient", pso_c1);
    PD("pso_social_coefficient", pso_c2);
    PD("pso_max_velocity", pso_vmax);
    PI("sa_max_iterations", sa_iterations);
    PD("sa_cooling_rate", sa_cooling);
    PI("de_population_size", de_population);
    PI("de_generations", de_generations);
    PD("de_mutation_factor", de_f);
    PD("de_crossover_rate", de_cr);
    PI("aco_num_ants", aco_ants);
    PI("aco_iterations", aco_iterations);
    PD("aco_alpha", aco_alpha);
    PD("aco_beta", aco_beta);
    PD("aco_evaporation_rate", aco_evaporation);
    PD("aco_pheromone_deposit", aco_deposit);
    PD("aco_min_pheromone", aco_tau_min);
    PD("aco_max_pheromone", aco_tau_max);
    PD("aco_initial_pheromone", aco_tau0);
    PI("hc_max_iterations", hc_iterations);
    PI("bo_n_initial_points", bo_initial);
    PI("bo_n_calls", bo_calls);
    PD("bo_exploration_factor", bo_exploration);
    PI("rs_iterations", rs_samples);
#undef PI
#undef PD
    if (pq_config_is_set(c, "ALGORITHM_PARAMETERS", "smooth_drawdown_guide"))
        q->smooth_guide = pq_config_bool(c, "ALGORITHM_PARAMETERS", "smooth_drawdown_guide");
    if (pq_config_is_set(c, "ALGORITHM_PARAMETERS", "de_strategy"))
        q->de_rand = !strcmp(pq_config_string(c, "ALGORITHM_PARAMETERS", "de_strategy"), "rand_1_bin");
}

/* the configuration file's values; the command line is applied after */
static int apply_config(const pq_config *c, opt_args *a, bool legacy)
{
    a->seed = (uint64_t)pq_config_int(c, "general", "seed");
    if (!pq_opt_metric_parse(pq_config_string(c, "general", "metric"), &a->metric))
        return USAGE_ERR("[general] metric '%s' is not a metric", pq_config_string(c, "general", "metric"));
    a->penalty_weight = pq_config_double(c, "CORRELATION", "penalty_weight");
    a->drawdown_threshold = pq_config_double(c, "optimization", "drawdown_threshold");
    int64_t k = pq_config_int(c, "PORTFOLIO_OPTIMIZATION", "default_portfolio_size");
    if (pq_config_is_set(c, "optimization", "portfolio_size")) k = pq_config_int(c, "optimization", "portfolio_size");
    a->k_min = a->k_max = k;
    if (pq_config_is_set(c, "PORTFOLIO", "min_size") && pq_config_is_set(c, "PORTFOLIO", "max_size")) {
        a->k_min = pq_config_int(c, "PORTFOLIO", "min_size");
        a->k_max = pq_config_int(c, "PORTFOLIO", "max_size");
    }
    if (pq_config_is_set(c, "optimization", "zone_weights")) {
        a->prep.n_zone_weights = (int64_t)pq_config_numbers(c, "optimization", "zone_weights", a->zone_weights, OPT_MAX_ZONES);
        a->prep.zone_weights = a->zone_weights;
    }
    if (pq_config_bool(c, "ULTA", "enabled"))
        a->prep.ulta = strcmp(pq_config_string(c, "ULTA", "rule"), "gated") ? PQ_OPT_ULTA_LEGACY : PQ_OPT_ULTA_GATED;
    a->prep.ulta_roi_threshold = pq_config_double(c, "ULTA", "roi_threshold");
    a->prep.ulta_min_negative_days = pq_config_int(c, "ULTA", "min_negative_days");
    a->prep.ulta_negative_day_share = pq_config_double(c, "ULTA", "negative_day_percentage");
    a->prep.min_confidence = pq_config_double(c, "MARKET_REGIME_CONFIG", "min_confidence_threshold");
    a->prep.confidence_weighting = pq_config_bool(c, "MARKET_REGIME_CONFIG", "confidence_weighting");
    a->prep.transition_factor = pq_config_double(c, "MARKET_REGIME_CONFIG", "transition_reduction_factor");
    a->prep.transition_threshold = pq_config_double(c, "MARKET_REGIME_CONFIG", "min_transition_threshold");
    a->risk_free_rate = pq_config_double(c, "enhanced_metrics", "risk_free_rate");
    a->periods_per_year = pq_config_double(c, "enhanced_metrics", "annualization_factor");
    char bad[64];
    if (!opt_parse_algorithms(pq_config_string(c, "ALGORITHMS", "enabled_algorithms"), a->use, bad, sizeof bad))
        return USAGE_ERR("[ALGORITHMS] enabled_algorithms: unknown algorithm '%s'", bad);
    for (int i = 0; i < PQ_OPT_N_ALGORITHMS; i++) {
        if (pq_config_is_set(c, "ALGORITHMS", LONG_NAMES[i][1]) && !pq_config_bool(c, "ALGORITHMS", LONG_NAMES[i][1]))
            a->use[i] = false;
        const char *names[2] = {pq_opt_algorithm_name((pq_opt_algorithm)i), LONG_NAMES[i][0]};
        for (int n = 0; n < 2; n++)
            if (pq_config_is_set(c, "algorithm_timeouts", names[n]))
                a->time_limit[i] = pq_config_double(c, "algorithm_timeouts", names[n]);
    }
    if (legacy) pq_opt_params_legacy(&a->params);
    apply_params_config(c, &a->params);
    return CLI_OK;
}

static int parse_args(int argc, char **argv, opt_args *a, const char **out_dir, bool *quiet)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--ulta")) {
            if (a->prep.ulta == PQ_OPT_ULTA_OFF) a->prep.ulta = PQ_OPT_ULTA_LEGACY;
            continue;
        }
        if (!strcmp(o, "--no-ulta")) { a->prep.ulta = PQ_OPT_ULTA_OFF; continue; }
        if (!strcmp(o, "--no-gpu")) continue;
        if (!strcmp(o, "--quiet")) { *quiet = true; continue; }
        if (strncmp(o, "--", 2)) return USAGE_ERR("unexpected argument '%s'", o);
        if (i + 1 >= argc) return USAGE_ERR("%s needs a value", o);
        const char *v = argv[++i];
        int64_t n;
        char *end;
        if (!strcmp(o, "--input")) a->input = v;
        else if (!strcmp(o, "--output")) *out_dir = v;
        else if (!strcmp(o, "--config")) continue;
        else if (!strcmp(o, "--preset")) {
            if (strcmp(v, "legacy") && strcmp(v, "parquant")) return USAGE_ERR("--preset expects legacy, found '%s'", v);
        } else if (!strcmp(o, "--portfolio-size")) {
            if (!cli_parse_i64(v, 1, PQ_OPT_MAX_K, &n)) return USAGE_ERR("--portfolio-size expects 1..%lld, found '%s'", (long long)PQ_OPT_MAX_K, v);
            a->k_min = a->k_max = n;
        } else if (!strcmp(o, "--min-size")) {
            if (!cli_parse_i64(v, 1, PQ_OPT_MAX_K, &a->k_min)) return USAGE_ERR("--min-size expects a positive integer, found '%s'", v);
        } else if (!strcmp(o, "--max-size")) {
            if (!cli_parse_i64(v, 1, PQ_OPT_MAX_K, &a->k_max)) return USAGE_ERR("--max-size expects a positive integer, found '%s'", v);
        } else if (!strcmp(o, "--algorithms")) {
            char bad[64];
            if (!opt_parse_algorithms(v, a->use, bad, sizeof bad))
                return USAGE_ERR("--algorithms: unknown algorithm '%s' (expected ga,pso,sa,de,aco,hc,bo,rs or all)", bad);
        } else if (!strcmp(o, "--metric")) {
            if (!pq_opt_metric_parse(v, &a->metric))
                return USAGE_ERR("--metric expects ratio, roi, less-max-dd, win-percentage, profit-factor or expectancy, found '%s'", v);
        } else if (!strcmp(o, "--correlation-penalty")) {
            a->penalty_weight = strtod(v, &end);
            if (end == v || *end || !isfinite(a->penalty_weight) || a->penalty_weight < 0)
                return USAGE_ERR("--correlation-penalty expects a number >= 0, found '%s'", v);
        } else if (!strcmp(o, "--ulta-rule")) {
            if (!strcmp(v, "legacy")) a->prep.ulta = PQ_OPT_ULTA_LEGACY;
            else if (!strcmp(v, "gated")) a->prep.ulta = PQ_OPT_ULTA_GATED;
            else return USAGE_ERR("--ulta-rule expects legacy or gated, found '%s'", v);
        } else if (!strcmp(o, "--zone-weights")) {
            bool ok;
            a->prep.n_zone_weights = (int64_t)parse_numbers(v, a->zone_weights, OPT_MAX_ZONES, &ok);
            a->prep.zone_weights = a->zone_weights;
            if (!ok || a->prep.n_zone_weights == 0) return USAGE_ERR("--zone-weights expects numbers separated by commas, found '%s'", v);
        } else if (!strcmp(o, "--regime-min-confidence")) {
            a->prep.min_confidence = strtod(v, &end);
            if (end == v || *end || !(a->prep.min_confidence >= 0 && a->prep.min_confidence <= 100))
                return USAGE_ERR("--regime-min-confidence expects 0..100, found '%s'", v);
        } else if (!strcmp(o, "--holdout-days")) {
            a->holdout = strtod(v, &end);
            if (end == v || *end || !(a->holdout >= 0) || (a->holdout >= 1 && a->holdout != floor(a->holdout)))
                return USAGE_ERR("--holdout-days expects a whole number of periods or a share below 1, found '%s'", v);
        } else if (!strcmp(o, "--seed")) {
            if (!cli_parse_i64(v, 0, INT64_MAX, &n)) return USAGE_ERR("--seed expects a non-negative integer, found '%s'", v);
            a->seed = (uint64_t)n;
        } else if (!strcmp(o, "--threads")) {
            if (!cli_parse_i64(v, 1, 256, &n)) return USAGE_ERR("--threads expects 1..256, found '%s'", v);
            a->threads = (int)n;
        } else if (!strcmp(o, "--time-budget")) {
            double t = strtod(v, &end);
            if (end == v || *end || !(t > 0)) return USAGE_ERR("--time-budget expects seconds > 0, found '%s'", v);
            for (int k = 0; k < PQ_OPT_N_ALGORITHMS; k++) a->time_limit[k] = t;
        } else if (!strcmp(o, "--effort")) {
            a->effort = strtod(v, &end);
            if (end == v || *end || !(a->effort > 0 && a->effort <= 1e6)) return USAGE_ERR("--effort expects a number > 0, found '%s'", v);
        } else if (!strcmp(o, "--periods-per-year")) {
            a->periods_per_year = strtod(v, &end);
            if (end == v || *end || !(a->periods_per_year > 0)) return USAGE_ERR("--periods-per-year expects a number > 0, found '%s'", v);
        } else if (!strcmp(o, "--date-format")) {
            if (strcmp(v, "auto") && strcmp(v, "ymd") && strcmp(v, "dmy") && strcmp(v, "mdy"))
                return USAGE_ERR("--date-format expects auto, ymd, dmy or mdy, found '%s'", v);
            a->date_format = v;
        } else return USAGE_ERR("unknown option '%s'", o);
    }
    if (!a->input) return USAGE_ERR("--input is required");
    if (a->k_min > a->k_max) return USAGE_ERR("--min-size %lld is above --max-size %lld", (long long)a->k_min, (long long)a->k_max);
    return CLI_OK;
}

/* ------------------------------------------------------------ summary */

static void print_summary(const opt_run *run, const opt_args *a, const char *dir)
{
    char d0[11], d1[11];
    opt_date_str(run->in.dates[0], d0);
    opt_date_str(run->in.dates[run->in.T - 1], d1);
    printf("input: %s: %lld periods (%s to %s) x %lld strategies", a->input, (long long)run->in.T, d0, d1,
           (long long)run->in.N);
    if (run->in.n_inverted) printf(", %lld inverted by ULTA", (long long)run->in.n_inverted);
    if (run->in.rows_excluded) printf(", %lld rows below the regime confidence dropped", (long long)run->in.rows_excluded);
    if (run->T_hold) printf("; searched on the first %lld, the last %lld held out", (long long)run->T_train, (long long)run->T_hold);
    printf("\n");
    printf("\n%-4s %5s %14s %12s %11s %7s %6s %8s %11s", "alg", "size", "fitness", "ROI", "max DD", "win%", "corr",
           "time s", "evaluations");
    if (run->T_hold) printf(" %14s", "holdout fit");
    printf("\n");
    for (int64_t i = 0; i < run->n_jobs; i++) {
        const opt_job *j = &run->jobs[i];
        printf("%-4s %5lld %14.4f %12.2f %11.4f %7.1f %6.3f %8.2f %11lld", opt_alg_label(j->alg), (long long)j->k,
               j->res.score.fitness, j->m.total_roi, j->m.max_drawdown, j->m.win_rate * 100, j->res.score.mean_corr,
               j->res.seconds, (long long)j->res.evaluations);
        if (run->T_hold) printf(" %14.4f", j->hold_score.fitness);
        printf("%s%s\n", i == run->best ? "  <- best" : "", j->res.stopped_by_time ? "  (time budget)" : "");
    }
    const opt_job *b = &run->jobs[run->best];
    printf("\nbest: %s at size %lld, fitness %.4f: ROI %.2f, max drawdown %.4f, Sharpe %.2f, Sortino %.2f, "
           "win rate %.1f%%, profit factor %.2f\n",
           opt_alg_label(b->alg), (long long)b->k, b->res.score.fitness, b->m.total_roi, b->m.max_drawdown, b->m.sharpe,
           b->m.sortino, b->m.win_rate * 100, b->m.profit_factor);
    if (b->overfit)
        printf("warning: the best portfolio's max drawdown (%.4g) is %.2g of its typical period move (%.4g): on %lld "
               "periods this is most likely a fit to noise; %s\n",
               b->m.max_drawdown, b->dd_to_move, b->m.mean_abs, (long long)run->T_train,
               run->T_hold ? "compare the held-out periods below" : "check it on held-out periods (--holdout-days)");
    if (run->T_hold)
        printf("held-out %lld periods: fitness %.4f, ROI %.2f, max drawdown %.2f (in sample: %.4f)\n",
               (long long)run->T_hold, b->hold_score.fitness, b->hold_m.total_roi, b->hold_m.max_drawdown,
               b->res.score.fitness);
    printf("load %.2f s, search %.2f s; report in %s/\n", run->load_seconds, run->search_seconds, dir);
}

static int optimize_main(int argc, char **argv, const pq_config *cfg)
{
    opt_args a;
    opt_args_init(&a);
    bool legacy = false, quiet = false;
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--preset") && !strcmp(argv[i + 1], "legacy")) legacy = true;
    int rc = apply_config(cfg, &a, legacy);
    if (rc != CLI_OK) return rc;
    a.legacy = legacy;
    const char *out_dir = NULL;
    rc = parse_args(argc, argv, &a, &out_dir, &quiet);
    if (rc != CLI_OK) return rc;
    a.progress = true;
    pq_error err;
    pq_error_clear(&err);
    opt_run run;
    if (opt_run_load(&run, &a, &err) != PQ_OK) {
        opt_run_free(&run);
        return cli_report(&err);
    }
    if (a.k_max > run.in.N) {
        fprintf(stderr, "parquant: %s: portfolio size %lld is more than the %lld strategies\n", a.input,
                (long long)a.k_max, (long long)run.in.N);
        opt_run_free(&run);
        return CLI_FAIL;
    }
    char dir[4096];
    if (opt_run_search(&run, &a, &err) != PQ_OK ||
        opt_report_write(&run, &a, out_dir, dir, sizeof dir, &err) != PQ_OK) {
        opt_run_free(&run);
        return cli_report(&err);
    }
    if (!quiet) print_summary(&run, &a, dir);
    opt_run_free(&run);
    return CLI_OK;
}

int cli_optimize(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(OPTIMIZE_USAGE, stdout);
            return CLI_OK;
        }
    int rc = cli_with_config(argc, argv, optimize_main);
    pq_chart_release_caches(); /* fontconfig's caches: a leak checker at exit sees nothing */
    return rc;
}
