/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/generate_universe.c - one universe file of the generator
 * (generate.h), following necrozma.md §1.2-§1.4 and the sample
 * EURUSD_2025_universe_5m_5lb.json: name, config, processing_time,
 * total_patterns, results (4 levels x up/down), ohlc_data, metadata.
 *
 * The cells are filled the way §1.3 says the analyzer does, from the
 * universe's own candles: candles L..n-2 with |body_pips| >= 1 are targets,
 * the level comes from |body_pips| and the direction from its sign, and the
 * window is the L candles before.  The 16 OHLC features are computed from
 * that window exactly as §1.3 defines them; the other key features of the
 * signature (dfa_alpha, hurst, d1_mean, stat_trend_slope,
 * photon_efficiency) are drawn per target; their stats are computed (mean,
 * population std, min, max).  The remaining features, whose definitions the
 * spec does not give, get plausible random stats per cell.  So
 * total_occurrences, top_patterns and total_patterns are consistent with
 * each other and with ohlc_data.
 *
 * Features per cell: §1.3's counts by lookback (16/56/110/129/140) at small
 * scale, 140 for every lookback at production scale.  Their order inside
 * feature_stats is shuffled per cell, as a Python set leaves it, the 4
 * stats of one feature staying together as in the sample.
 */
#include "migrate/generate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* §1.3 families, grouped by the lookback from which they appear. */
static const char *const FEATURES[] = {
    /* 16 OHLC (L >= 5), exactly the spec's list and order */
    "ohlc_body_mean", "ohlc_body_std", "ohlc_body_sum", "ohlc_range_mean", "ohlc_range_std", "ohlc_range_max",
    "ohlc_up_ratio", "ohlc_down_ratio", "ohlc_upper_wick_mean", "ohlc_lower_wick_mean", "ohlc_wick_ratio",
    "ohlc_trend_efficiency", "ohlc_volume_mean", "ohlc_volume_trend", "ohlc_spread_mean", "ohlc_spread_std",
    /* 40 core (L >= 10) */
    "stat_mean", "stat_std", "stat_skew", "stat_kurtosis", "stat_trend_slope", "stat_trend_r2",
    "d1_mean", "d1_std", "d2_mean", "d2_std", "d3_mean", "d3_std", "d4_mean", "d4_std", "d5_mean", "d5_std",
    "fft_freq_1", "fft_freq_2", "fft_freq_3", "fft_freq_4", "fft_freq_5",
    "fft_power_1", "fft_power_2", "fft_power_3", "fft_power_4", "fft_power_5",
    "fft_band_1_ratio", "fft_band_2_ratio", "fft_band_3_ratio", "fft_band_4_ratio",
    "spectral_centroid", "spectral_entropy", "spectral_flatness",
    "dfa_alpha", "hurst", "lyapunov", "fractal_dim", "photon_efficiency", "photon_energy", "photon_momentum",
    /* 54 advanced (L >= 15) */
    "regime_dfa", "regime_hurst", "photon_wavelength", "photon_frequency", "photon_intensity",
    "prism_red", "prism_orange", "prism_yellow", "prism_green", "prism_blue", "prism_indigo", "prism_violet",
    "prism_dispersion", "quantum_coherence_mean", "quantum_coherence_std", "quantum_coherence_max",
    "quantum_coherence_decay", "phase_dist_q1", "phase_dist_q2", "phase_dist_q3", "phase_dist_q4",
    "phase_dist_entropy", "attractor_dim", "attractor_radius", "attractor_spread", "attractor_stability",
    "crystal_symmetry", "crystal_order", "crystal_defects", "crystal_lattice", "pattern_repeat",
    "pattern_entropy", "pattern_complexity", "pattern_strength", "z_score_last", "z_score_mean", "z_score_max",
    "z_score_min", "ultra_burst_count", "ultra_burst_intensity", "ultra_burst_duration", "light_intensity",
    "light_intensity_mean", "light_intensity_std", "wave_component", "wave_amplitude", "particle_component",
    "stat_min", "stat_max", "stat_range", "stat_median", "stat_iqr", "stat_cv", "spectral_rolloff",
    /* 19 long-window (L >= 20) */
    "stat_autocorr_1", "stat_autocorr_2", "stat_autocorr_3", "stat_autocorr_4", "stat_autocorr_5",
    "spectral_bandwidth", "spectral_slope", "pattern_hurst_local", "pattern_periodicity", "crystal_entropy",
    "crystal_growth", "photon_polarization", "photon_coherence", "z_velocity", "z_acceleration",
    "wave_frequency", "wave_phase", "light_intensity_max", "light_intensity_trend",
    /* 11 recurrence (L = 30) */
    "recurrence_rate", "determinism", "laminarity", "trapping_time", "max_diagonal", "divergence",
    "entropy_diagonal", "recurrence_trend", "avg_diagonal", "max_vertical", "recurrence_time",
};

_Static_assert(sizeof FEATURES / sizeof FEATURES[0] == NZG_N_FEATURES, "140 feature names");

static const int SMALL_FEATURES[NZG_N_LOOKBACKS] = {16, 56, 110, 129, 140};
#define N_OHLC 16
#define CORE_END 56

/* Computed features: the 16 OHLC ones, then these drawn key features. */
enum { K_DFA = N_OHLC, K_HURST, K_D1, K_SLOPE, K_PHOTON, N_COMPUTED };
static const char *const COMPUTED_NAME[N_COMPUTED - N_OHLC] = {"dfa_alpha", "hurst", "d1_mean", "stat_trend_slope",
                                                               "photon_efficiency"};

/* Signature order of §1.3: dfa_alpha, hurst, d1_mean, stat_trend_slope, ohlc_up_ratio, photon_efficiency. */
#define N_KEYS 6
static const int SIG_SLOT[N_KEYS] = {K_DFA, K_HURST, K_D1, K_SLOPE, 6 /* ohlc_up_ratio */, K_PHOTON};
static const char *const SIG_NAME[N_KEYS] = {"dfa", "hur", "d1_", "sta", "ohl", "pho"};
static const char *const BIN_NAME[5] = {"VL", "L", "N", "H", "VH"};
#define N_CODES 15625 /* 5^6 */

static const char *const LEVELS[NZG_N_LEVELS] = {"Pequeno", "M\303\251dio", "Grande", "Muito Grande"};
static const char *const DIRECTIONS[2] = {"up", "down"};
#define N_CELLS (NZG_N_LEVELS * 2)

/* Per-candle values in the units the features use. */
typedef struct candle_num {
    double body_pips, range_pips, upper_pips, lower_pips, volume, spread;
} candle_num;

typedef struct cell_stats {
    int64_t n;
    double sum[N_COMPUTED], sq[N_COMPUTED], min[N_COMPUTED], max[N_COMPUTED];
} cell_stats;

typedef struct universe {
    pq_nzg_ctx *g;
    const pq_nzg_series *s;
    int k, j, interval, lookback, n_features;
    pq_nzg_rng rng;
    candle_num *num;             /* s->n */
    double *occ;                 /* n_occ x N_COMPUTED */
    uint8_t *occ_cell;
    uint16_t *occ_code;
    int64_t n_occ;
    cell_stats cells[N_CELLS];
    uint32_t *count;             /* N_CELLS x N_CODES */
    uint16_t *seen;              /* N_CELLS x N_CODES: codes in first-seen order */
    uint32_t n_seen[N_CELLS];
} universe;

/* ---------------------------------------------------- candle numbers */

static double px(int32_t pts) { return (double)pts / 100000.0; }

/* The pandas-computed values of a candle (body, range, wicks in pips). */
static void candle_numbers(const pq_nzg_candle *c, candle_num *n)
{
    double o = px(c->o), h = px(c->h), l = px(c->l), cl = px(c->c);
    n->body_pips = (cl - o) * 10000;
    n->range_pips = (h - l) * 10000;
    n->upper_pips = (h - (o > cl ? o : cl)) * 10000; /* wicks are x10000 in the features */
    n->lower_pips = ((o < cl ? o : cl) - l) * 10000;
    n->volume = (double)c->volume;
    n->spread = c->spread;
}

/* ---------------------------------------------------------- features */

static double mean_of(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i];
    return s / n;
}

/* Population standard deviation (ddof 0), numpy's default. */
static double std_of(const double *v, int n, double mean)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += (v[i] - mean) * (v[i] - mean);
    return sqrt(s / n);
}

/* The 16 OHLC features (§1.3) of the L candles before target i. */
static void ohlc_features(const universe *u, int64_t i, double *f)
{
    enum { MAXL = 32 };
    int L = u->lookback;
    double body[MAXL], range[MAXL], up[MAXL], low[MAXL], vol[MAXL], spr[MAXL];
    int n_up = 0, n_down = 0;
    double abs_body = 0;
    for (int w = 0; w < L; w++) {
        const candle_num *c = &u->num[i - L + w];
        body[w] = c->body_pips;
        range[w] = c->range_pips;
        up[w] = c->upper_pips;
        low[w] = c->lower_pips;
        vol[w] = c->volume;
        spr[w] = c->spread;
        n_up += c->body_pips > 0;
        n_down += c->body_pips < 0;
        abs_body += fabs(c->body_pips);
    }
    f[0] = mean_of(body, L);
    f[1] = std_of(body, L, f[0]);
    f[2] = 0;
    for (int w = 0; w < L; w++) f[2] += body[w];
    f[3] = mean_of(range, L);
    f[4] = std_of(range, L, f[3]);
    f[5] = 0; /* ranges are >= 0 */
    for (int w = 0; w < L; w++) f[5] = range[w] > f[5] ? range[w] : f[5];
    f[6] = (double)n_up / L;
    f[7] = (double)n_down / L;
    f[8] = mean_of(up, L);
    f[9] = mean_of(low, L);
    f[10] = f[8] / (f[9] + 1e-10);
    f[11] = fabs(f[2]) / (abs_body + 1e-10);
    f[12] = mean_of(vol, L);
    f[13] = mean_of(vol + L - 3, 3) / mean_of(vol, L - 3);
    f[14] = mean_of(spr, L);
    f[15] = std_of(spr, L, f[14]);
}

/* The drawn key features of one target. */
static void key_features(universe *u, double *f)
{
    f[K_DFA] = 0.55 + 0.25 * pq_nzg_normal(&u->rng);
    f[K_HURST] = 0.45 + 0.2 * pq_nzg_normal(&u->rng);
    f[K_D1] = 0.25 * pq_nzg_normal(&u->rng);
    f[K_SLOPE] = 0.15 * pq_nzg_normal(&u->rng);
    f[K_PHOTON] = pq_nzg_unit(&u->rng);
}

/* §1.3 bins: VL < -0.5 <= L < -0.1 <= N < 0.1 <= H < 0.5 <= VH. */
static int bin_of(double v) { return v < -0.5 ? 0 : v < -0.1 ? 1 : v < 0.1 ? 2 : v < 0.5 ? 3 : 4; }

/* Signature code: bin of key feature k in base-5 digit k; absent ones are 0
 * (the presence set is the same for the whole universe). */
static uint16_t signature_code(const universe *u, const double *f)
{
    int code = 0, mul = 1;
    for (int k = 0; k < N_KEYS; k++, mul *= 5)
        if (SIG_SLOT[k] == 6 || u->n_features >= CORE_END) code += bin_of(f[SIG_SLOT[k]]) * mul;
    return (uint16_t)code;
}

/* "dfa:VH|hur:H|..." of a code (present key features only); returns its length. */
static size_t signature_text(const universe *u, uint16_t code, char *out, size_t cap)
{
    size_t n = 0;
    for (int k = 0; k < N_KEYS; k++, code /= 5) {
        if (!(SIG_SLOT[k] == 6 || u->n_features >= CORE_END)) continue;
        n += (size_t)snprintf(out + n, cap - n, "%s%s:%s", n ? "|" : "", SIG_NAME[k], BIN_NAME[code % 5]);
    }
    return n;
}

/* ------------------------------------------------------------ targets */

static int level_of(double abs_pips) { return abs_pips < 5 ? 0 : abs_pips < 15 ? 1 : abs_pips < 30 ? 2 : 3; }

/* Record target candle i: its cell, features and signature. */
static void add_target(universe *u, int64_t i)
{
    double bp = u->num[i].body_pips;
    int cell = level_of(fabs(bp)) * 2 + (bp > 0 ? 0 : 1);
    double *f = &u->occ[u->n_occ * N_COMPUTED];
    ohlc_features(u, i, f);
    key_features(u, f);
    uint16_t code = signature_code(u, f);
    u->occ_cell[u->n_occ] = (uint8_t)cell;
    u->occ_code[u->n_occ] = code;
    u->n_occ++;
    uint32_t *cnt = &u->count[(size_t)cell * N_CODES];
    if (cnt[code]++ == 0) u->seen[(size_t)cell * N_CODES + u->n_seen[cell]++] = code;
}

/* Mean, population std, min and max of the computed features per cell
 * (two passes, like numpy's std). */
static void cell_statistics(universe *u)
{
    for (int c = 0; c < N_CELLS; c++) {
        cell_stats *cs = &u->cells[c];
        memset(cs, 0, sizeof *cs);
        for (int f = 0; f < N_COMPUTED; f++) cs->min[f] = INFINITY, cs->max[f] = -INFINITY;
    }
    for (int64_t o = 0; o < u->n_occ; o++) {
        cell_stats *cs = &u->cells[u->occ_cell[o]];
        const double *f = &u->occ[o * N_COMPUTED];
        cs->n++;
        for (int x = 0; x < N_COMPUTED; x++) {
            cs->sum[x] += f[x];
            cs->min[x] = f[x] < cs->min[x] ? f[x] : cs->min[x];
            cs->max[x] = f[x] > cs->max[x] ? f[x] : cs->max[x];
        }
    }
    for (int64_t o = 0; o < u->n_occ; o++) {
        cell_stats *cs = &u->cells[u->occ_cell[o]];
        const double *f = &u->occ[o * N_COMPUTED];
        for (int x = 0; x < N_COMPUTED; x++) {
            double d = f[x] - cs->sum[x] / (double)cs->n;
            cs->sq[x] += d * d;
        }
    }
}

/* Find every target of the universe and compute the cells' stats. */
static pq_status scan_targets(universe *u, pq_error *err)
{
    size_t n = u->s->n;
    u->num = pq_calloc(u->g->alloc, n ? n : 1, sizeof *u->num);
    u->occ = pq_calloc(u->g->alloc, (n ? n : 1) * N_COMPUTED, sizeof *u->occ);
    u->occ_cell = pq_calloc(u->g->alloc, n ? n : 1, 1);
    u->occ_code = pq_calloc(u->g->alloc, n ? n : 1, sizeof *u->occ_code);
    u->count = pq_calloc(u->g->alloc, (size_t)N_CELLS * N_CODES, sizeof *u->count);
    u->seen = pq_calloc(u->g->alloc, (size_t)N_CELLS * N_CODES, sizeof *u->seen);
    if (!u->num || !u->occ || !u->occ_cell || !u->occ_code || !u->count || !u->seen) return PQ_NOMEM(err);
    for (size_t i = 0; i < n; i++) candle_numbers(&u->s->c[i], &u->num[i]);
    for (int64_t i = u->lookback; i + 1 < (int64_t)n; i++)
        if (fabs(u->num[i].body_pips) >= 1) add_target(u, i);
    cell_statistics(u);
    return PQ_OK;
}

/* Free the scan's arrays (accepts a partly allocated universe). */
static void universe_free(universe *u)
{
    const pq_allocator *a = u->g->alloc;
    pq_free(a, u->num);
    pq_free(a, u->occ);
    pq_free(a, u->occ_cell);
    pq_free(a, u->occ_code);
    pq_free(a, u->count);
    pq_free(a, u->seen);
}

/* ------------------------------------------------------------ emitting */

typedef struct pattern_rank {
    uint32_t count, order;
    uint16_t code;
} pattern_rank;

/* Count descending; ties keep first-seen order (§1.3), a total order, so qsort is deterministic. */
static int cmp_rank(const void *a, const void *b)
{
    const pattern_rank *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* top_patterns: at most 50 {signature, count}, count descending. */
static pq_status emit_top_patterns(universe *u, pq_jemit *e, int cell, pq_error *err)
{
    uint32_t n = u->n_seen[cell];
    pattern_rank *r = pq_calloc(u->g->alloc, n ? n : 1, sizeof *r);
    if (r == NULL) return PQ_NOMEM(err);
    for (uint32_t i = 0; i < n; i++) {
        r[i].code = u->seen[(size_t)cell * N_CODES + i];
        r[i].count = u->count[(size_t)cell * N_CODES + r[i].code];
        r[i].order = i;
    }
    qsort(r, n, sizeof *r, cmp_rank);
    pq_status st = pq_jemit_array_begin(e, err);
    for (uint32_t i = 0; st == PQ_OK && i < n && i < 50; i++) {
        char sig[64];
        size_t len = signature_text(u, r[i].code, sig, sizeof sig);
        st = pq_jemit_object_begin(e, err);
        if (st == PQ_OK) st = pq_nzg_key(e, "signature", err);
        if (st == PQ_OK) st = pq_jemit_string(e, sig, len, err);
        if (st == PQ_OK) st = pq_nzg_kv_int(e, "count", r[i].count, err);
        if (st == PQ_OK) st = pq_jemit_object_end(e, err);
    }
    if (st == PQ_OK) st = pq_jemit_array_end(e, err);
    pq_free(u->g->alloc, r);
    return st;
}

/* One "<feature>_<stat>": value member. */
static pq_status emit_stat(pq_jemit *e, const char *feature, const char *stat, double v, pq_error *err)
{
    char key[64];
    int n = snprintf(key, sizeof key, "%s_%s", feature, stat);
    PQ_TRY(pq_jemit_key(e, key, (size_t)n, err));
    return pq_jemit_double(e, v, err);
}

/* Features whose values take either sign (means, slopes, z-scores...);
 * the others (stds, ratios, counts, powers, entropies) are >= 0. */
static bool may_be_negative(const char *name)
{
    static const char *const SIGNED[] = {"mean", "slope", "skew", "z_", "trend", "autocorr", "phase",
                                         "lyapunov", "velocity", "acceleration", "component"};
    for (size_t i = 0; i < sizeof SIGNED / sizeof SIGNED[0]; i++)
        if (strstr(name, SIGNED[i])) return true;
    return false;
}

/* The 4 stats of feature f in a cell of n targets. */
static void feature_stats(universe *u, const cell_stats *cs, int f, double st[4])
{
    int x = f < N_OHLC ? f : -1;
    for (int k = 0; k < N_COMPUTED - N_OHLC; k++)
        if (strcmp(COMPUTED_NAME[k], FEATURES[f]) == 0) x = N_OHLC + k;
    if (x >= 0) {
        st[0] = cs->sum[x] / (double)cs->n;
        st[1] = sqrt(cs->sq[x] / (double)cs->n);
        st[2] = cs->min[x];
        st[3] = cs->max[x];
        return;
    }
    /* a feature whose formula the spec leaves open: a typical magnitude per
     * feature (the same in every universe), spread per cell */
    pq_nzg_rng fr;
    pq_nzg_rng_seed(&fr, u->g->seed, 0x66656174ULL /* "feat" */, (uint64_t)f, 0);
    double scale = pow(10.0, -4.0 + 7.0 * pq_nzg_unit(&fr));
    double center = scale * 2.0 * pq_nzg_normal(&fr);
    bool signed_ = may_be_negative(FEATURES[f]);
    if (!signed_) center = fabs(center) + scale;
    st[0] = center + scale * 0.3 * pq_nzg_normal(&u->rng);
    if (!signed_) st[0] = fabs(st[0]);
    if (cs->n == 1) {
        st[1] = 0.0;
        st[2] = st[3] = st[0];
        return;
    }
    st[1] = scale * (0.2 + pq_nzg_unit(&u->rng));
    st[2] = st[0] - st[1] * (1.0 + 2.0 * pq_nzg_unit(&u->rng));
    st[3] = st[0] + st[1] * (1.0 + 2.0 * pq_nzg_unit(&u->rng));
    if (!signed_ && st[2] < 0) st[2] = 0.0; /* a std, count, ratio, power... is never negative */
}

/* feature_stats of a non-empty cell, features in a shuffled order. */
static pq_status emit_feature_stats(universe *u, pq_jemit *e, int cell, pq_error *err)
{
    int order[NZG_N_FEATURES];
    for (int f = 0; f < u->n_features; f++) order[f] = f;
    for (int f = u->n_features - 1; f > 0; f--) { /* Fisher-Yates: a set's arbitrary order */
        int r = (int)pq_nzg_range(&u->rng, 0, f), t = order[f];
        order[f] = order[r];
        order[r] = t;
    }
    static const char *const STAT[4] = {"mean", "std", "min", "max"};
    PQ_TRY(pq_jemit_object_begin(e, err));
    for (int i = 0; i < u->n_features; i++) {
        double st[4];
        feature_stats(u, &u->cells[cell], order[i], st);
        for (int s = 0; s < 4; s++) PQ_TRY(emit_stat(e, FEATURES[order[i]], STAT[s], st[s], err));
    }
    return pq_jemit_object_end(e, err);
}

/* One cell (§1.3): empty cells are 0, 0, [], {}. */
static pq_status emit_cell(universe *u, pq_jemit *e, int cell, pq_error *err)
{
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_kv_int(e, "total_occurrences", u->cells[cell].n, err));
    PQ_TRY(pq_nzg_kv_int(e, "unique_patterns", u->n_seen[cell], err));
    PQ_TRY(pq_nzg_key(e, "top_patterns", err));
    PQ_TRY(emit_top_patterns(u, e, cell, err));
    PQ_TRY(pq_nzg_key(e, "feature_stats", err));
    if (u->cells[cell].n == 0) {
        PQ_TRY(pq_jemit_object_begin(e, err));
        PQ_TRY(pq_jemit_object_end(e, err));
    } else {
        PQ_TRY(emit_feature_stats(u, e, cell, err));
    }
    return pq_jemit_object_end(e, err);
}

/* results: levels x directions, in the spec's order. */
static pq_status emit_results(universe *u, pq_jemit *e, pq_error *err)
{
    PQ_TRY(pq_jemit_object_begin(e, err));
    for (int l = 0; l < NZG_N_LEVELS; l++) {
        PQ_TRY(pq_nzg_key(e, LEVELS[l], err));
        PQ_TRY(pq_jemit_object_begin(e, err));
        for (int d = 0; d < 2; d++) {
            PQ_TRY(pq_nzg_key(e, DIRECTIONS[d], err));
            PQ_TRY(emit_cell(u, e, l * 2 + d, err));
        }
        PQ_TRY(pq_jemit_object_end(e, err));
    }
    return pq_jemit_object_end(e, err);
}

/* One candle object of §1.4 (13 keys), values computed in double the way
 * pandas does, so e.g. body = close - open shows its rounding. */
static pq_status emit_candle(pq_jemit *e, const pq_nzg_candle *c, pq_error *err)
{
    char ts[NZ_TIME_LEN + 1];
    nz_time_format(c->t, ts);
    double o = px(c->o), h = px(c->h), l = px(c->l), cl = px(c->c), body = cl - o;
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_key(e, "timestamp", err));
    PQ_TRY(pq_jemit_string(e, ts, NZ_TIME_LEN, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "open", o, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "high", h, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "low", l, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "close", cl, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "spread_avg", c->spread, err));
    PQ_TRY(pq_nzg_kv_int(e, "tick_volume", c->volume, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "body", body, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "body_pips", body * 10000, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "range_pips", (h - l) * 10000, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "upper_wick", h - (o > cl ? o : cl), err));
    PQ_TRY(pq_nzg_kv_dbl(e, "lower_wick", (o < cl ? o : cl) - l, err));
    PQ_TRY(pq_nzg_kv_str(e, "direction", body > 0 ? "up" : "down", err));
    return pq_jemit_object_end(e, err);
}

/* metadata: first and last candle times, counts. */
static pq_status emit_metadata(universe *u, pq_jemit *e, pq_error *err)
{
    char first[NZ_TIME_LEN + 1] = "", last[NZ_TIME_LEN + 1] = "";
    if (u->s->n > 0) {
        nz_time_format(u->s->c[0].t, first);
        nz_time_format(u->s->c[u->s->n - 1].t, last);
    }
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_kv_str(e, "start_date", first, err));
    PQ_TRY(pq_nzg_kv_str(e, "end_date", last, err));
    PQ_TRY(pq_nzg_kv_int(e, "total_candles", (int64_t)u->s->n, err));
    PQ_TRY(pq_nzg_kv_int(e, "interval_minutes", u->interval, err));
    PQ_TRY(pq_nzg_kv_int(e, "lookback_candles", u->lookback, err));
    return pq_jemit_object_end(e, err);
}

/* The whole §1.2 document. */
static pq_status emit_universe(universe *u, pq_jemit *e, int64_t total_patterns, pq_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "universe_%dm_%dlb", u->interval, u->lookback);
    bool prod = u->g->scale == PQ_NZ_SCALE_PRODUCTION;
    double processing = prod ? 20.0 + 100.0 * pq_nzg_unit(&u->rng) : 0.05 + 2.0 * pq_nzg_unit(&u->rng);
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_kv_str(e, "name", name, err));
    PQ_TRY(pq_nzg_key(e, "config", err));
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_kv_int(e, "interval", u->interval, err));
    PQ_TRY(pq_nzg_kv_int(e, "lookback", u->lookback, err));
    PQ_TRY(pq_jemit_object_end(e, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "processing_time", processing, err));
    PQ_TRY(pq_nzg_kv_int(e, "total_patterns", total_patterns, err));
    PQ_TRY(pq_nzg_key(e, "results", err));
    PQ_TRY(emit_results(u, e, err));
    PQ_TRY(pq_nzg_key(e, "ohlc_data", err));
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (size_t i = 0; i < u->s->n; i++) PQ_TRY(emit_candle(e, &u->s->c[i], err));
    PQ_TRY(pq_jemit_array_end(e, err));
    PQ_TRY(pq_nzg_key(e, "metadata", err));
    PQ_TRY(emit_metadata(u, e, err));
    return pq_jemit_object_end(e, err);
}

/* Write ROOT/universes/<PREFIX>universe_<I>m_<L>lb.json through a sink. */
static pq_status write_file(universe *u, int64_t total_patterns, pq_error *err)
{
    char path[4096 + 128];
    snprintf(path, sizeof path, "%s/%suniverse_%dm_%dlb.json", u->g->dir_universes, u->g->prefix, u->interval,
             u->lookback);
    pq_nzg_file f;
    PQ_TRY(pq_nzg_file_begin(u->g, &f, path, err));
    pq_status st = emit_universe(u, &f.e, total_patterns, err);
    if (st != PQ_OK) {
        pq_nzg_file_abort(&f);
        return st;
    }
    return pq_nzg_file_end(u->g, &f, err);
}

pq_status pq_nzg_write_universe(pq_nzg_ctx *g, int k, int j, int64_t *total_patterns, pq_error *err)
{
    universe u;
    memset(&u, 0, sizeof u);
    u.g = g;
    u.s = &g->series[k];
    u.k = k;
    u.j = j;
    u.interval = pq_nzg_intervals[k];
    u.lookback = pq_nzg_lookbacks[j];
    u.n_features = g->scale == PQ_NZ_SCALE_PRODUCTION ? NZG_N_FEATURES : SMALL_FEATURES[j];
    pq_nzg_rng_seed(&u.rng, g->seed, 0x756e6976ULL /* "univ" */, (uint64_t)k, (uint64_t)j);
    pq_status st = scan_targets(&u, err);
    if (st == PQ_OK) {
        *total_patterns = u.n_occ;
        st = write_file(&u, u.n_occ, err);
    }
    universe_free(&u);
    return st;
}
