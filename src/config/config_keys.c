/* SPDX-License-Identifier: Apache-2.0
 *
 * config/config_keys.c - every configuration key the Heavy Optimizer
 * platform and its Parquet guide document (heavy_optimizer.md section 9,
 * the guide's parquet_arrow_config.ini and production_config.ini), with
 * parquant's type, default and range, and either the command that reads it
 * or the reason parquant does not support it.  docs/config.md is the same
 * table for people.
 */
#include "config/config_keys.h"

#include <string.h>
#include <strings.h>

#define NR 1, 0 /* no range */
#define B(s, k, d, use) {s, k, PQ_CONFIG_BOOL, d, NULL, NR, use, NULL, NULL}
#define I(s, k, d, lo, hi, use) {s, k, PQ_CONFIG_INT, d, NULL, lo, hi, use, NULL, NULL}
#define D(s, k, d, lo, hi, use) {s, k, PQ_CONFIG_DOUBLE, d, NULL, lo, hi, use, NULL, NULL}
#define S(s, k, d, use) {s, k, PQ_CONFIG_STRING, d, NULL, NR, use, NULL, NULL}
#define C(s, k, d, ch, use) {s, k, PQ_CONFIG_CHOICE, d, ch, NR, use, NULL, NULL}
#define N(s, k, d, lo, hi, use) {s, k, PQ_CONFIG_NUMBERS, d, NULL, lo, hi, use, NULL, NULL}
#define W(s, k, d, use) {s, k, PQ_CONFIG_WORDS, d, NULL, NR, use, NULL, NULL}
#define GPU(s, k, use) {s, k, PQ_CONFIG_BOOL, "false", NULL, NR, use, GPU_NOTE, NULL}
#define ALIAS(s, k, target) {s, k, PQ_CONFIG_STRING, NULL, NULL, NR, NULL, NULL, target}
#define U(s, k, why) {s, k, PQ_CONFIG_STRING, NULL, NULL, NR, NULL, why, NULL}

#define GPU_NOTE "this build of parquant has no GPU path yet; the work runs on the CPU"
#define NO_GPU "parquant has no GPU path yet (cuDF/RMM settings have nothing to act on); the work runs on the CPU"
#define NO_POOL "parquant has no Arrow memory pool: tables are allocated to their size; cap memory with ulimit -v"
#define NO_CHUNK "CSV input is parsed in streaming blocks; there is no chunk size to set"
#define NO_ZONE_SETUP \
    "zones come from the data's Zone column; parquant does not bucket trades into time zones or size zones separately"
#define NO_MATRIX "parquant builds no N x N correlation matrix: pair correlations come from standardised series on demand"
#define NO_CAP "correlation enters the fitness as a penalty (CORRELATION.penalty_weight), not as a hard cap"
#define ONE_SEED "one seed drives the whole run (general.seed, --seed) so that a run is reproducible as a whole"
#define NO_FIXED_NAMES "output file names are fixed (docs/optimize.md) so that scripts can find them"
#define OPT "optimize"

const cfg_key cfg_keys[] = {
    /* parquet_arrow_config.ini [general]; legacy config_zone.ini [GENERAL] */
    GPU("general", "use_gpu", "convert, optimize"),
    I("general", "seed", "42", 0, 9007199254740991.0, "optimize: --seed, seeds every algorithm"),
    C("general", "metric", "ratio", "ratio|roi|less max dd|win percentage|profit factor|expectancy",
      "optimize: --metric"),
    ALIAS("general", "ga_generations", "ALGORITHM_PARAMETERS.ga_generations"),
    U("general", "memory_pool_size_gb", NO_POOL),
    U("general", "chunk_size", NO_CHUNK),
    U("general", "strat_limit", "select the strategies before optimising: give optimize a file that holds only them"),

    /* [parquet] of the guide and of production_config.ini */
    C("parquet", "compression", "snappy", "none|uncompressed|snappy|gzip|lz4|lz4_raw|zstd|brotli",
      "convert: --compression"),
    ALIAS("parquet", "parquet_compression", "parquet.compression"),
    I("parquet", "row_group_size", NULL, 1, 9007199254740991.0,
      "convert: --row-group-size (unset: 131072 rows; the long P&L layout 1048576)"),
    B("parquet", "partition_by_date", "false",
      "convert: strategy P&L written as a year=/month= dataset (--layout partitioned)"),
    S("parquet", "storage_path", NULL, "convert: the output folder when OUT is not given"),
    ALIAS("parquet", "use_gpu", "general.use_gpu"),
    ALIAS("parquet", "cudf_enabled", "general.use_gpu"),
    U("parquet", "data_format", "parquant recognises Parquet and CSV input by its content; there is nothing to choose"),
    U("parquet", "arrow_memory_pool_gb", NO_POOL),
    U("parquet", "chunk_size", NO_CHUNK),

    U("cudf", "*", NO_GPU),
    U("GPU", "*", NO_GPU),

    /* parquet_arrow_config.ini [optimization]; config_zone.ini [OPTIMIZATION] */
    I("optimization", "portfolio_size", NULL, 1, 1e9, "optimize: --portfolio-size (unset: PORTFOLIO_OPTIMIZATION.default_portfolio_size)"),
    B("optimization", "zone_optimization_enabled", "true",
      "optimize: zone rows combined per day with zone_weights (false: every (date, zone) row is a period)"),
    ALIAS("optimization", "apply_ulta_logic", "ULTA.enabled"),
    D("optimization", "drawdown_threshold", "0", 0, 1e300, "optimize: the correlation penalty is halved below this drawdown"),
    N("optimization", "zone_weights", NULL, 0, 1e300, "optimize: --zone-weights, normalised (unset: equal)"),
    U("optimization", "correlation_threshold", NO_CAP),
    U("optimization", "max_strategies", "parquant has no strategy-count limit; memory is the limit (1M x 250 fits in 4 GB)"),
    U("optimization", "balanced_mode", "needs source-file labels per strategy ([FILE_RATIOS]), which a P&L matrix does not carry"),
    U("optimization", "penalty_factor", "belongs to balanced_mode, which is not supported"),

    U("fitness_weights", "*",
      "the weighted metric mix adds currency to ratios (heavy_optimizer.md 3); parquant's fitness is --metric minus the correlation penalty"),

    /* [enhanced_metrics] */
    B("enhanced_metrics", "calculate_sharpe", "true", "optimize: Sharpe in the reports"),
    B("enhanced_metrics", "calculate_sortino", "true", "optimize: Sortino in the reports"),
    B("enhanced_metrics", "calculate_calmar", "true", "optimize: Calmar in the reports"),
    D("enhanced_metrics", "risk_free_rate", "0.02", -1, 1, "optimize: annual risk-free rate of Sharpe and Sortino"),
    D("enhanced_metrics", "annualization_factor", "0", 0, 100000,
      "optimize: periods per year (0: inferred from the dates)"),

    D("algorithm_timeouts", "*", NULL, 0, 1e9, "optimize: --time-budget of the algorithm named by the key, seconds"),

    U("validation", "*",
      "parquant validate demands bit-identical values and identical portfolios; a tolerance or time gate would hide differences"),

    /* production_config.ini [ALGORITHM_PARAMETERS] (heavy_optimizer.md 4.1) */
    I("ALGORITHM_PARAMETERS", "ga_population_size", "30", 2, 1e6, OPT ": GA"),
    I("ALGORITHM_PARAMETERS", "ga_generations", "50", 1, 1e9, OPT ": GA"),
    D("ALGORITHM_PARAMETERS", "ga_mutation_rate", "0.1", 0, 1, OPT ": GA"),
    D("ALGORITHM_PARAMETERS", "ga_crossover_rate", "0.8", 0, 1, OPT ": GA"),
    I("ALGORITHM_PARAMETERS", "ga_tournament_size", "3", 1, 1e6, OPT ": GA"),
    D("ALGORITHM_PARAMETERS", "ga_elitism_rate", "0.1", 0, 1, OPT ": GA"),
    C("ALGORITHM_PARAMETERS", "ga_selection_method", "tournament", "tournament|roulette", OPT ": GA"),
    I("ALGORITHM_PARAMETERS", "pso_swarm_size", "25", 1, 1e6, OPT ": PSO"),
    I("ALGORITHM_PARAMETERS", "pso_iterations", "50", 1, 1e9, OPT ": PSO"),
    D("ALGORITHM_PARAMETERS", "pso_inertia_weight", "0.9", 0, 10, OPT ": PSO, inertia at the start"),
    D("ALGORITHM_PARAMETERS", "pso_min_inertia", "0.4", 0, 10, OPT ": PSO, inertia at the end"),
    D("ALGORITHM_PARAMETERS", "pso_cognitive_coefficient", "2.0", 0, 100, OPT ": PSO"),
    D("ALGORITHM_PARAMETERS", "pso_social_coefficient", "2.0", 0, 100, OPT ": PSO"),
    D("ALGORITHM_PARAMETERS", "pso_max_velocity", "0.5", 0, 1, OPT ": PSO"),
    D("ALGORITHM_PARAMETERS", "sa_initial_temperature", "1000", 0, 1e300, OPT ": SA --preset legacy"),
    D("ALGORITHM_PARAMETERS", "sa_final_temperature", "0.01", 0, 1e300, OPT ": SA --preset legacy"),
    D("ALGORITHM_PARAMETERS", "sa_cooling_rate", "0.95", 0, 1, OPT ": SA"),
    I("ALGORITHM_PARAMETERS", "sa_max_iterations", "1000", 1, 1e12, OPT ": SA"),
    C("ALGORITHM_PARAMETERS", "sa_acceptance_probability", "boltzmann", "boltzmann|linear", OPT ": SA"),
    I("ALGORITHM_PARAMETERS", "de_population_size", "30", 4, 1e6, OPT ": DE"),
    I("ALGORITHM_PARAMETERS", "de_generations", "50", 1, 1e9, OPT ": DE"),
    D("ALGORITHM_PARAMETERS", "de_mutation_factor", "0.8", 0, 2, OPT ": DE"),
    D("ALGORITHM_PARAMETERS", "de_crossover_rate", "0.7", 0, 1, OPT ": DE"),
    C("ALGORITHM_PARAMETERS", "de_strategy", "best_1_bin", "best_1_bin|rand_1_bin", OPT ": DE"),
    I("ALGORITHM_PARAMETERS", "aco_num_ants", "20", 1, 1e6, OPT ": ACO"),
    I("ALGORITHM_PARAMETERS", "aco_iterations", "50", 1, 1e9, OPT ": ACO"),
    D("ALGORITHM_PARAMETERS", "aco_alpha", "1.0", 0, 100, OPT ": ACO"),
    D("ALGORITHM_PARAMETERS", "aco_beta", "2.0", 0, 100, OPT ": ACO"),
    D("ALGORITHM_PARAMETERS", "aco_evaporation_rate", "0.5", 0, 1, OPT ": ACO"),
    D("ALGORITHM_PARAMETERS", "aco_pheromone_deposit", "1.0", 0, 1e300, OPT ": ACO"),
    D("ALGORITHM_PARAMETERS", "aco_min_pheromone", "0.01", 0, 1e300, OPT ": ACO"),
    D("ALGORITHM_PARAMETERS", "aco_max_pheromone", "10.0", 0, 1e300, OPT ": ACO"),
    D("ALGORITHM_PARAMETERS", "aco_initial_pheromone", "0.1", 0, 1e300, OPT ": ACO"),
    I("ALGORITHM_PARAMETERS", "hc_max_iterations", "200", 1, 1e12, OPT ": HC"),
    I("ALGORITHM_PARAMETERS", "hc_neighborhood_size", "10", 1, 1e9, OPT ": HC"),
    I("ALGORITHM_PARAMETERS", "hc_restart_threshold", "10", 1, 1e9, OPT ": HC"),
    I("ALGORITHM_PARAMETERS", "hc_step_size", "1", 1, 1e6, OPT ": HC, strategies replaced per move"),
    I("ALGORITHM_PARAMETERS", "bo_n_initial_points", "10", 1, 1e6, OPT ": BO"),
    I("ALGORITHM_PARAMETERS", "bo_n_calls", "50", 1, 1e9, OPT ": BO"),
    D("ALGORITHM_PARAMETERS", "bo_exploration_factor", "0.2", 0, 1, OPT ": BO"),
    S("ALGORITHM_PARAMETERS", "bo_kernel", "matern", OPT ": BO surrogate kernel"),
    S("ALGORITHM_PARAMETERS", "bo_acquisition_function", "expected_improvement", OPT ": BO acquisition"),
    I("ALGORITHM_PARAMETERS", "rs_iterations", "1000", 1, 1e12, OPT ": RS"),
    B("ALGORITHM_PARAMETERS", "smooth_drawdown_guide", "true",
      OPT ": SA, HC, GA, DE climb the smoothed drawdowns before the fitness (docs/optimize.md)"),
    U("ALGORITHM_PARAMETERS", "rs_random_seed", ONE_SEED),
    U("ALGORITHM_PARAMETERS", "bo_random_state", ONE_SEED),

    /* [ULTA] (heavy_optimizer.md 3) */
    B("ULTA", "enabled", "false", "optimize: --ulta / --no-ulta"),
    C("ULTA", "rule", "legacy", "legacy|gated", "optimize: --ulta-rule"),
    D("ULTA", "roi_threshold", "0.0", -1e300, 1e300, "optimize: gated rule"),
    C("ULTA", "inversion_method", "negative_daily_returns", "negative_daily_returns", "optimize: the only method"),
    I("ULTA", "min_negative_days", "10", 0, 1e9, "optimize: gated rule"),
    D("ULTA", "negative_day_percentage", "0.6", 0, 1, "optimize: gated rule"),

    /* zones */
    ALIAS("ZONE", "zone_weights", "optimization.zone_weights"),
    U("ZONE", "*", NO_ZONE_SETUP),
    ALIAS("ZONE_OPTIMIZATION", "zone_weights", "optimization.zone_weights"),
    U("ZONE_OPTIMIZATION", "*", NO_ZONE_SETUP),
    D("ZONE_WEIGHTS", "*", NULL, 0, 1e300, "optimize: weight of the zone the key names (zone1 = Zone 1)"),
    U("ZONE_SPECIFIC_OPTIMIZATION", "*", "each zone is not optimised on its own; zones are combined with zone_weights"),

    /* [PORTFOLIO_OPTIMIZATION]; legacy [PORTFOLIO] */
    I("PORTFOLIO_OPTIMIZATION", "min_portfolio_size", "10", 1, 1e9, "optimize: smallest size accepted"),
    I("PORTFOLIO_OPTIMIZATION", "max_portfolio_size", "100", 1, 1e9, "optimize: largest size accepted"),
    I("PORTFOLIO_OPTIMIZATION", "default_portfolio_size", "35", 1, 1e9, "optimize: --portfolio-size"),
    U("PORTFOLIO_OPTIMIZATION", "hft_portfolio_size", "a preset of the original's Windows front end; use --portfolio-size"),
    U("PORTFOLIO_OPTIMIZATION", "max_correlation_threshold", NO_CAP),
    I("PORTFOLIO", "min_size", NULL, 1, 1e9, "optimize: --min-size, sizes searched from"),
    I("PORTFOLIO", "max_size", NULL, 1, 1e9, "optimize: --max-size, sizes searched to"),
    ALIAS("PORTFOLIO", "population_size", "ALGORITHM_PARAMETERS.ga_population_size"),
    ALIAS("PORTFOLIO", "mutation_rate", "ALGORITHM_PARAMETERS.ga_mutation_rate"),

    /* [CORRELATION] */
    D("CORRELATION", "penalty_weight", "10", 0, 1e300, "optimize: --correlation-penalty"),
    U("CORRELATION", "matrix_chunk_size", NO_MATRIX),
    U("CORRELATION", "max_matrix_size_gb", NO_MATRIX),
    U("CORRELATION", "correlation_threshold", NO_CAP),

    /* [FITNESS_CALCULATION], [KELLY_CRITERION], [RISK_METRICS] */
    C("FITNESS_CALCULATION", "mode", "legacy", "legacy",
      "optimize: the legacy fitness (enhanced and hybrid need Kelly sizing, which is not supported)"),
    U("FITNESS_CALCULATION", "legacy_weight", "belongs to the hybrid fitness, which is not supported"),
    U("FITNESS_CALCULATION", "enhanced_weight", "belongs to the hybrid fitness, which is not supported"),
    U("KELLY_CRITERION", "*",
      "portfolios are equal-weight sets; the Kelly fraction is reported as a metric, not used to size positions"),
    N("RISK_METRICS", "confidence_levels", "95,99", 50, 99.999, "optimize: VaR and CVaR levels, percent"),
    ALIAS("RISK_METRICS", "risk_free_rate", "enhanced_metrics.risk_free_rate"),
    ALIAS("RISK_METRICS", "annualization_factor", "enhanced_metrics.annualization_factor"),
    C("RISK_METRICS", "var_method", "historical", "historical", "optimize: historical VaR (the only method)"),
    U("RISK_METRICS", "var_limit", "belongs to the enhanced fitness, which is not supported"),

    /* [MARKET_REGIME_CONFIG] (heavy_optimizer.md 6) */
    C("MARKET_REGIME_CONFIG", "regime_column", "market_regime", "market_regime",
      "optimize: the enhanced layout's column name (fixed)"),
    C("MARKET_REGIME_CONFIG", "confidence_column", "Regime_Confidence_%", "Regime_Confidence_%",
      "optimize: the enhanced layout's column name (fixed)"),
    C("MARKET_REGIME_CONFIG", "transition_threshold_column", "Market_regime_transition_threshold",
      "Market_regime_transition_threshold", "optimize: the enhanced layout's column name (fixed)"),
    D("MARKET_REGIME_CONFIG", "min_confidence_threshold", "70", 0, 100, "optimize: --regime-min-confidence"),
    B("MARKET_REGIME_CONFIG", "confidence_weighting", "false", "optimize: rows weighted by confidence"),
    D("MARKET_REGIME_CONFIG", "transition_reduction_factor", "0.5", 0, 1, "optimize: weight of rows in transition"),
    D("MARKET_REGIME_CONFIG", "min_transition_threshold", "0.5", 0, 1e300, "optimize: a row is in transition above this"),
    U("MARKET_REGIME_CONFIG", "regime_specific_portfolios", "one portfolio is chosen over all kept rows"),

    /* [ALGORITHMS]: the legacy use_* switches are real; the rest is fabricated */
    W("ALGORITHMS", "enabled_algorithms", "all", "optimize: --algorithms"),
    B("ALGORITHMS", "use_genetic_algorithm", NULL, "optimize: false drops GA from --algorithms"),
    B("ALGORITHMS", "use_particle_swarm", NULL, "optimize: false drops PSO"),
    B("ALGORITHMS", "use_simulated_annealing", NULL, "optimize: false drops SA"),
    B("ALGORITHMS", "use_differential_evolution", NULL, "optimize: false drops DE"),
    B("ALGORITHMS", "use_ant_colony", NULL, "optimize: false drops ACO"),
    B("ALGORITHMS", "use_hill_climbing", NULL, "optimize: false drops HC"),
    B("ALGORITHMS", "use_bayesian_optimization", NULL, "optimize: false drops BO"),
    B("ALGORITHMS", "use_random_search", NULL, "optimize: false drops RS"),
    U("ALGORITHMS", "*",
      "the original's per-algorithm times and 'best algorithm' are constants; parquant runs the search and measures"),

    U("OUTPUT_GENERATION", "*", NO_FIXED_NAMES),
    U("WINDOWS_INTERFACE", "*", "settings of the original's Windows front end"),
    U("PERFORMANCE", "*", "targets of the original; bench/ measures parquant against DuckDB and itself"),
    U("PATHS", "*", "parquant takes its paths on the command line"),
    U("NETWORK_STORAGE", "*", "parquant takes its paths on the command line; the job queue works on any shared folder"),
    U("LOGGING", "*", "parquant reports errors on stderr and progress on the terminal"),
    U("DATABASE", "*", "HeavyDB is replaced by Parquet files"),
    U("HEAVYDB", "*", "HeavyDB is replaced by Parquet files"),
    U("ENHANCED_METRICS_THRESHOLDS", "*", "thresholds of the enhanced fitness, which is not supported"),
    U("PORTFOLIO_CONSTRAINTS", "*", "portfolios are equal-weight sets: no concentration or correlation caps"),
    U("FILE_RATIOS", "*", "balanced mode needs source-file labels per strategy, which a P&L matrix does not carry"),

    /* parquant's own: the NECROZMA runner's options (WORKER_CONFIG of its config.yaml) */
    S("backtest", "results_dir", "ultra_necrozma_results", "backtest: --results-dir"),
    I("backtest", "workers", "1", 1, 256, "backtest: --workers"),
    D("backtest", "cpu_limit", "80", 1, 100, "backtest: --cpu-limit (100: never reduce workers)"),
    D("backtest", "cooldown", "5", 0, 3600, "backtest: --cooldown"),
    B("backtest", "nice", "false", "backtest: --nice"),
    I("backtest", "max_strategies", "50", 1, 432, "backtest: --max-strategies"),
    N("backtest", "lots", "0.01,0.1,1.0", 1e-6, 1e6, "backtest: --lots"),
    C("backtest", "format", "parquet", "parquet|json", "backtest: --format"),
    I("backtest", "log_top", "10", 0, 100000, "backtest: --log-top"),
};
const size_t cfg_key_count = sizeof cfg_keys / sizeof cfg_keys[0];

const char *cfg_section_name(const char *section)
{
    for (size_t i = 0; i < cfg_key_count; i++)
        if (!strcasecmp(cfg_keys[i].section, section)) return cfg_keys[i].section;
    return NULL;
}

const cfg_key *cfg_key_find(const char *section, const char *key, int *section_known)
{
    const cfg_key *any = NULL;
    int known = 0;
    for (size_t i = 0; i < cfg_key_count; i++) {
        const cfg_key *k = &cfg_keys[i];
        if (strcasecmp(k->section, section)) continue;
        known = 1;
        if (!strcasecmp(k->key, key)) {
            if (section_known) *section_known = 1;
            return k;
        }
        if (!strcmp(k->key, "*")) any = k;
    }
    if (section_known) *section_known = known;
    return any;
}
