/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/generate_backtest.c - the backtest side of the generator
 * (generate.h): the strategy list, simulated trades per (universe,
 * strategy), the §3.3 metrics, the backtest file of each universe (§3.2,
 * like the sample EURUSD_2025_universe_5m_5lb_backtest.json) and, after the
 * last universe, the smart-storage trade logs (§4.1, like
 * detailed_trades/ZScoreStatArb_P14_T2.0.json).
 *
 * Every strategy yields 3 results (lots 0.01, 0.1, 1.0) computed from the
 * same trades, so the USD fields scale with the lot and the ratios agree
 * up to rounding, as in the sample.  Edge cases the consumers must take:
 * one strategy never trades (every metric 0), one has exactly one loss
 * (sortino NaN, written as a bare NaN token as Python writes it).  One
 * result per file carries an inline trades_detailed list of 1-3 trades.
 * The trade logs hold the last universe's results at lot 0.1, ranked by
 * Sharpe, with the first trades of the run (a truncated list, as in the
 * sample), and equity/drawdown curves over those trades.
 */
#include "migrate/generate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { ROLE_NORMAL, ROLE_ONE_LOSS, ROLE_NO_TRADES };
enum { REASON_SIGNAL, REASON_SL, REASON_TP };

#define MAX_STRATEGIES 50
#define SMALL_STRATEGIES 4
#define LOT_LOG 1 /* the trade logs hold lot 0.1, like the sample */

typedef struct strategy {
    char name[96];
    int sl, tp;                  /* pips */
    int role;
} strategy;

typedef struct strategy_run {
    pq_nzg_trade *trades;
    size_t n;
    pq_nz_metrics m[NZG_N_LOTS];
} strategy_run;

typedef struct backtest {
    pq_nzg_ctx *g;
    const pq_nzg_series *bars;      /* the 5-minute list: the runner backtests on 5-minute bars */
    int k, j, n_strategies;
    strategy strategies[MAX_STRATEGIES];
    strategy_run runs[MAX_STRATEGIES];
    double trend_strength;       /* |momentum|, one value broadcast over the universe */
    pq_nzg_rng rng;
} backtest;

/* --------------------------------------------------------- strategies */

int pq_nzg_strategy_count(const pq_nzg_ctx *g) { return g->scale == PQ_NZ_SCALE_PRODUCTION ? MAX_STRATEGIES : SMALL_STRATEGIES; }

/* The factory's fixed list: the sample's 4 first, then alternately legacy
 * `<T>_L<l>_T<t>_SL<sl>_TP<tp>[suffix]` and `<T>_P<p>_T<t>` names.  The
 * (template, parameter) index pairs never repeat below 40 entries each. */
static void strategy_list(strategy *s, int n)
{
    static const char *const LEGACY[8] = {"MeanReverterV3", "MomentumBurst", "TrendFollower", "BreakoutHunter",
                                          "RangeScalper", "VolatilityBreakout", "PatternRecognition", "SupportResistance"};
    static const char *const MODERN[12] = {"ZScoreStatArb", "KalmanFilterTrend", "OrderBlocks", "LiquiditySweep",
                                           "FairValueGap", "VWAPReversion", "BollingerSqueeze", "IchimokuCloud",
                                           "HurstRegime", "FractalBreakout", "PairsCointegration", "SessionBreakout"};
    static const char *const SUFFIX[5] = {"", "_CD5", "_RSI30-70", "_VF1.5", "_AT1_RC1_SF0"};
    static const int LB[5] = {5, 10, 15, 20, 30}, SL[5] = {10, 15, 20, 25, 30}, PERIOD[5] = {7, 14, 21, 28, 50};
    static const double TH[5] = {1.0, 1.5, 2.0, 2.5, 3.0};
    static const strategy FIRST[SMALL_STRATEGIES] = {
        {"MeanReverterV3_L20_T1.5_SL15_TP30_AT1_RC1_SF0", 15, 30, ROLE_NORMAL},
        {"KalmanFilterTrend_P14_T2.0", 20, 40, ROLE_ONE_LOSS},
        {"OrderBlocks_P14_T2.0", 25, 50, ROLE_NO_TRADES},
        {"ZScoreStatArb_P14_T2.0", 10, 20, ROLE_NORMAL},
    };
    for (int i = 0; i < n; i++) {
        if (i < SMALL_STRATEGIES) {
            s[i] = FIRST[i];
            continue;
        }
        int m = i - SMALL_STRATEGIES, q = m / 2;
        s[i].role = ROLE_NORMAL;
        s[i].sl = SL[q % 5];
        if (m % 2 == 0) {
            s[i].tp = s[i].sl * (q % 3 == 0 ? 3 : 2);
            snprintf(s[i].name, sizeof s[i].name, "%s_L%d_T%.1f_SL%d_TP%d%s", LEGACY[q % 8], LB[q % 5], TH[q / 5 % 5],
                     s[i].sl, s[i].tp, SUFFIX[q / 3 % 5]);
        } else {
            s[i].tp = 2 * s[i].sl;
            snprintf(s[i].name, sizeof s[i].name, "%s_P%d_T%.1f", MODERN[q % 12], PERIOD[q % 5], TH[q / 5 % 5]);
        }
    }
}

/* ------------------------------------------------------------- trades */

static double px(int32_t pts) { return (double)pts / 100000.0; }

/* One trade with a given exit reason; prices from the bar at entry. */
static void make_trade(backtest *b, pq_nzg_rng *r, const strategy *st, size_t entry, int reason, pq_nzg_trade *t)
{
    const pq_nzg_series *s = b->bars;
    size_t max_dur = s->n - 1 - entry < 80 ? s->n - 1 - entry : 80;
    t->entry = (uint32_t)entry;
    t->exit = (uint32_t)(entry + (size_t)pq_nzg_range(r, 1, (int64_t)max_dur));
    t->is_long = pq_nzg_unit(r) < 0.5;
    t->reason = (uint8_t)reason;
    const pq_nzg_candle *c = &s->c[entry];
    int32_t hs = pq_nzg_half_spread(c);
    t->entry_pts = t->is_long ? c->c + hs : c->c - hs; /* long buys the ask, short sells the bid */
    int32_t delta;
    if (reason == REASON_TP) delta = st->tp * 10 + (int32_t)pq_nzg_range(r, 0, 15);
    else if (reason == REASON_SL) delta = -(st->sl * 10 + (int32_t)pq_nzg_range(r, 0, 20));
    else delta = (int32_t)pq_nzg_range(r, -st->sl * 10 + 1, st->tp * 10 - 1);
    t->exit_pts = t->is_long ? t->entry_pts + delta : t->entry_pts - delta;
    t->pnl_pips = t->is_long ? (px(t->exit_pts) - px(t->entry_pts)) * 10000 : (px(t->entry_pts) - px(t->exit_pts)) * 10000;
    t->usd_pips = reason == REASON_TP ? st->tp : reason == REASON_SL ? -st->sl : t->pnl_pips;
}

/* The trades of strategy si in this universe, by its role: none, 3-8 with
 * exactly one stop-loss loss, or a normal run of TP/SL/signal exits. */
static pq_status simulate(backtest *b, int si, pq_error *err)
{
    const strategy *st = &b->strategies[si];
    strategy_run *run = &b->runs[si];
    pq_nzg_rng r;
    pq_nzg_rng_seed(&r, b->g->seed, 0x747261646573ULL /* "trades" */, (uint64_t)(b->k * NZG_N_LOOKBACKS + b->j),
                 (uint64_t)si);
    size_t bars = b->bars->n, n = 0;
    bool prod = b->g->scale == PQ_NZ_SCALE_PRODUCTION;
    if (st->role == ROLE_ONE_LOSS) n = (size_t)pq_nzg_range(&r, 3, 8);
    else if (st->role == ROLE_NORMAL) n = (size_t)(prod ? pq_nzg_range(&r, 40, 400) : pq_nzg_range(&r, 10, 80));
    if (bars < 3) n = 0;
    run->n = n;
    run->trades = pq_calloc(b->g->alloc, n ? n : 1, sizeof *run->trades);
    if (run->trades == NULL) return PQ_NOMEM(err);
    /* from clearly losing to clearly winning strategies, as a factory's list gives */
    double p_tp = 0.1 + 0.3 * pq_nzg_unit(&r), p_sl = 0.15 + 0.45 * pq_nzg_unit(&r);
    size_t loser = n ? (size_t)pq_nzg_range(&r, 0, (int64_t)n - 1) : 0;
    for (size_t i = 0; i < n; i++) {
        /* spread over the data in order; at small scale they may overlap */
        size_t spacing = (bars - 2) / n, entry = i * (bars - 2) / n + (size_t)pq_nzg_range(&r, 0, (int64_t)(spacing / 2));
        if (entry > bars - 2) entry = bars - 2;
        int reason;
        if (st->role == ROLE_ONE_LOSS) reason = i == loser ? REASON_SL : REASON_TP;
        else {
            double u = pq_nzg_unit(&r);
            reason = u < p_tp ? REASON_TP : u < p_tp + p_sl ? REASON_SL : REASON_SIGNAL;
        }
        make_trade(b, &r, st, entry, reason, &run->trades[i]);
    }
    return PQ_OK;
}

/* ------------------------------------------------------------ metrics */

/* Sample standard deviation (ddof 1) of the values selected by `neg_only`. */
static double sample_std(const double *gross, const double *comm, size_t n, bool neg_only, double *mean_out,
                         size_t *count_out)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double p = gross[i] - comm[i];
        if (!neg_only || p < 0) sum += p, k++;
    }
    *count_out = k;
    *mean_out = k ? sum / (double)k : 0;
    if (k < 2) return NAN;
    double sq = 0;
    for (size_t i = 0; i < n; i++) {
        double p = gross[i] - comm[i];
        if (!neg_only || p < 0) sq += (p - *mean_out) * (p - *mean_out);
    }
    return sqrt(sq / (double)(k - 1));
}

/* Drawdowns over the equity 10000, 10000 + cumsum(pnl). */
static void drawdowns(const double *gross, const double *comm, size_t n, pq_nz_metrics *m)
{
    double eq = PQ_NZ_CAPITAL, peak = eq, worst = 0, sq = 0;
    for (size_t i = 0; i < n; i++) {
        eq += gross[i] - comm[i];
        peak = eq > peak ? eq : peak;
        double dd = (eq - peak) / peak;
        worst = dd < worst ? dd : worst;
        sq += (dd * 100) * (dd * 100);
    }
    m->total_return = (eq - PQ_NZ_CAPITAL) / PQ_NZ_CAPITAL;
    m->max_drawdown = fabs(worst);
    m->ulcer_index = sqrt(sq / (double)(n + 1)); /* the initial point has drawdown 0 */
    m->calmar_ratio = m->max_drawdown != 0 ? m->total_return / m->max_drawdown : 0;
    m->recovery_factor = m->calmar_ratio;
}

void pq_nz_metrics_compute(const double *gross, const double *commission, size_t n, double lot, pq_nz_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->lot_size = lot;
    if (n == 0) return;
    m->n_trades = (int64_t)n;
    double win_sum = 0, loss_sum = 0;
    size_t wins = 0;
    m->largest_win = m->largest_loss = 0;
    for (size_t i = 0; i < n; i++) {
        double p = gross[i] - commission[i];
        if (p > 0) { /* breakeven counts as a loss (§3.3) */
            win_sum += p, wins++;
            m->largest_win = p > m->largest_win ? p : m->largest_win;
        } else {
            loss_sum += p;
            m->largest_loss = p < m->largest_loss ? p : m->largest_loss;
        }
        m->gross_pnl += gross[i];
        m->total_commission += commission[i];
    }
    size_t losses = n - wins;
    m->win_rate = (double)wins / (double)n;
    m->profit_factor = losses && loss_sum != 0 ? win_sum / fabs(loss_sum) : 0;
    m->avg_win = wins ? win_sum / (double)wins : 0;
    m->avg_loss = losses ? loss_sum / (double)losses : 0;
    m->expectancy = m->win_rate * m->avg_win + (1 - m->win_rate) * m->avg_loss;
    m->net_pnl = m->gross_pnl - m->total_commission;

    double mean, neg_mean;
    size_t k, n_neg;
    double sd = sample_std(gross, commission, n, false, &mean, &k);
    m->sharpe_ratio = n >= 2 && sd > 0 ? sqrt(252.0) * mean / sd : 0;
    double sd_neg = sample_std(gross, commission, n, true, &neg_mean, &n_neg);
    if (n_neg == 0) m->sortino_ratio = 0;
    else if (n_neg == 1) m->sortino_ratio = NAN; /* std of one value with ddof 1 */
    else m->sortino_ratio = sd_neg > 0 ? sqrt(252.0) * mean / sd_neg : 0;
    drawdowns(gross, commission, n, m);
}

/* The 3 lots' metrics of strategy si from its trades (PQ_ERR_NOMEM only). */
static pq_status compute_metrics(backtest *b, int si, pq_error *err)
{
    strategy_run *run = &b->runs[si];
    size_t n = run->n;
    double *gross = pq_calloc(b->g->alloc, n ? n : 1, sizeof *gross);
    double *comm = pq_calloc(b->g->alloc, n ? n : 1, sizeof *comm);
    if (gross == NULL || comm == NULL) {
        pq_free(b->g->alloc, gross);
        pq_free(b->g->alloc, comm);
        return PQ_NOMEM(err);
    }
    for (int l = 0; l < NZG_N_LOTS; l++) {
        for (size_t i = 0; i < n; i++) {
            gross[i] = run->trades[i].usd_pips * pq_nzg_pip_value(pq_nzg_lots[l]);
            comm[i] = pq_nzg_commission(pq_nzg_lots[l]);
        }
        pq_nz_metrics_compute(gross, comm, n, pq_nzg_lots[l], &run->m[l]);
    }
    pq_free(b->g->alloc, gross);
    pq_free(b->g->alloc, comm);
    return PQ_OK;
}

/* ------------------------------------------------------------ emitting */

/* The 20 keys of §3.3 in order (without the closing brace: trades_detailed may follow). */
static pq_status emit_metric_keys(pq_jemit *e, const char *name, const pq_nz_metrics *m, pq_error *err)
{
    PQ_TRY(pq_nzg_kv_str(e, "strategy_name", name, err));
    PQ_TRY(pq_nzg_kv_int(e, "n_trades", m->n_trades, err));
    const struct { const char *k; double v; } f[] = {
        {"win_rate", m->win_rate}, {"profit_factor", m->profit_factor}, {"total_return", m->total_return},
        {"sharpe_ratio", m->sharpe_ratio}, {"sortino_ratio", m->sortino_ratio}, {"calmar_ratio", m->calmar_ratio},
        {"max_drawdown", m->max_drawdown}, {"avg_win", m->avg_win}, {"avg_loss", m->avg_loss},
        {"largest_win", m->largest_win}, {"largest_loss", m->largest_loss}, {"expectancy", m->expectancy},
        {"recovery_factor", m->recovery_factor}, {"ulcer_index", m->ulcer_index}, {"lot_size", m->lot_size},
        {"gross_pnl", m->gross_pnl}, {"total_commission", m->total_commission}, {"net_pnl", m->net_pnl},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) PQ_TRY(pq_nzg_kv_dbl(e, f[i].k, f[i].v, err));
    return PQ_OK;
}

/* "2026-01-15T03:41:27.518204": local time, microseconds, no zone (§3.2);
 * the run happened in January after the data year, one universe after another. */
static void backtest_timestamp(backtest *b, char *out, size_t cap)
{
    int64_t t = pq_nzg_epoch(b->g->year + 1, 1, 15) + 3 * 3600 + 41 * 60 + 27;
    t += (int64_t)(b->k * NZG_N_LOOKBACKS + b->j) * 127 + pq_nzg_range(&b->rng, 0, 60);
    char ts[NZ_TIME_LEN + 1];
    nz_time_format(t, ts);
    ts[10] = 'T';
    ts[19] = 0; /* drop "+00:00" */
    /* isoformat() omits a zero microsecond part; never draw 0 */
    snprintf(out, cap, "%s.%06d", ts, (int)pq_nzg_range(&b->rng, 1, 999999));
}

/* "<PAIR>_<YEAR>_universe_<I>m_<L>lb": the universe file's stem. */
static void universe_stem(const backtest *b, int k, int j, char *out, size_t cap)
{
    snprintf(out, cap, "%suniverse_%dm_%dlb", b->g->prefix, pq_nzg_intervals[k], pq_nzg_lookbacks[j]);
}

/* Which result carries the inline trades_detailed: a strategy with trades, a lot. */
static void pick_inline(backtest *b, int *strategy_out, int *lot_out, size_t *count_out)
{
    int start = (int)pq_nzg_range(&b->rng, 0, b->n_strategies - 1);
    *lot_out = (int)pq_nzg_range(&b->rng, 0, NZG_N_LOTS - 1);
    *strategy_out = -1;
    *count_out = 0;
    for (int i = 0; i < b->n_strategies; i++) {
        int s = (start + i) % b->n_strategies;
        if (b->runs[s].n > 0) {
            *strategy_out = s;
            size_t want = (size_t)pq_nzg_range(&b->rng, 1, 3);
            *count_out = want < b->runs[s].n ? want : b->runs[s].n;
            return;
        }
    }
}

/* The results array: strategies x lots, one of them with trades_detailed. */
static pq_status emit_results(backtest *b, pq_jemit *e, pq_error *err)
{
    int inline_s, inline_lot;
    size_t inline_n;
    pick_inline(b, &inline_s, &inline_lot, &inline_n);
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (int s = 0; s < b->n_strategies; s++) {
        for (int l = 0; l < NZG_N_LOTS; l++) {
            PQ_TRY(pq_jemit_object_begin(e, err));
            PQ_TRY(emit_metric_keys(e, b->strategies[s].name, &b->runs[s].m[l], err));
            if (s == inline_s && l == inline_lot) {
                PQ_TRY(pq_nzg_key(e, "trades_detailed", err));
                PQ_TRY(pq_jemit_array_begin(e, err));
                for (size_t t = 0; t < inline_n; t++)
                    PQ_TRY(pq_nzg_emit_trade(e, b->bars, &b->runs[s].trades[t], pq_nzg_lots[l], false, b->trend_strength, err));
                PQ_TRY(pq_jemit_array_end(e, err));
            }
            PQ_TRY(pq_jemit_object_end(e, err));
        }
    }
    return pq_jemit_array_end(e, err);
}

/* The §3.2 document of this universe. */
static pq_status emit_backtest(backtest *b, pq_jemit *e, int64_t total_patterns, pq_error *err)
{
    char stem[128], ts[64];
    universe_stem(b, b->k, b->j, stem, sizeof stem);
    backtest_timestamp(b, ts, sizeof ts);
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_kv_str(e, "universe_name", stem, err));
    PQ_TRY(pq_nzg_key(e, "universe_metadata", err));
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_kv_int(e, "interval", pq_nzg_intervals[b->k], err));
    PQ_TRY(pq_nzg_kv_int(e, "lookback", pq_nzg_lookbacks[b->j], err));
    PQ_TRY(pq_nzg_kv_int(e, "total_patterns", total_patterns, err));
    PQ_TRY(pq_jemit_object_end(e, err));
    PQ_TRY(pq_nzg_kv_str(e, "backtest_timestamp", ts, err));
    PQ_TRY(pq_nzg_key(e, "statistics", err));
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_kv_int(e, "total_strategies", b->n_strategies, err));
    PQ_TRY(pq_nzg_kv_int(e, "successful", b->n_strategies, err));
    PQ_TRY(pq_nzg_kv_int(e, "failed", 0, err));
    PQ_TRY(pq_jemit_object_end(e, err));
    PQ_TRY(pq_nzg_key(e, "results", err));
    PQ_TRY(emit_results(b, e, err));
    return pq_jemit_object_end(e, err);
}

/* ---------------------------------------------------------- trade logs */

static pq_status emit_curves(backtest *b, pq_jemit *e, const strategy_run *run, size_t n, pq_error *err)
{
    PQ_TRY(pq_nzg_key(e, "equity_curve", err));
    PQ_TRY(pq_jemit_array_begin(e, err));
    double eq = PQ_NZ_CAPITAL;
    PQ_TRY(pq_jemit_double(e, eq, err));
    for (size_t i = 0; i < n; i++) {
        eq += pq_nzg_trade_usd(&run->trades[i], pq_nzg_lots[LOT_LOG]);
        PQ_TRY(pq_jemit_double(e, eq, err));
    }
    PQ_TRY(pq_jemit_array_end(e, err));
    PQ_TRY(pq_nzg_key(e, "drawdown_curve", err));
    PQ_TRY(pq_jemit_array_begin(e, err));
    eq = PQ_NZ_CAPITAL;
    double peak = eq;
    PQ_TRY(pq_jemit_double(e, 0.0, err));
    for (size_t i = 0; i < n; i++) {
        eq += pq_nzg_trade_usd(&run->trades[i], pq_nzg_lots[LOT_LOG]);
        peak = eq > peak ? eq : peak;
        PQ_TRY(pq_jemit_double(e, (eq - peak) / peak, err));
    }
    (void)b;
    return pq_jemit_array_end(e, err);
}

/* The §4.1 trade log of strategy s (rank 1-based), lot 0.1. */
static pq_status emit_trade_log(backtest *b, pq_jemit *e, int s, int rank, pq_error *err)
{
    const strategy_run *run = &b->runs[s];
    bool prod = b->g->scale == PQ_NZ_SCALE_PRODUCTION;
    size_t want = (size_t)(prod ? pq_nzg_range(&b->rng, 20, 60) : pq_nzg_range(&b->rng, 2, 3));
    size_t n = want < run->n ? want : run->n;
    char stem[128];
    universe_stem(b, b->k, b->j, stem, sizeof stem);
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_kv_str(e, "strategy_name", b->strategies[s].name, err));
    PQ_TRY(pq_nzg_kv_str(e, "universe", stem, err));
    PQ_TRY(pq_nzg_kv_int(e, "rank", rank, err));
    PQ_TRY(pq_nzg_key(e, "metrics", err));
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(emit_metric_keys(e, b->strategies[s].name, &run->m[LOT_LOG], err));
    PQ_TRY(pq_jemit_object_end(e, err));
    PQ_TRY(pq_nzg_key(e, "trades", err));
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (size_t i = 0; i < n; i++)
        PQ_TRY(pq_nzg_emit_trade(e, b->bars, &run->trades[i], pq_nzg_lots[LOT_LOG], true, b->trend_strength, err));
    PQ_TRY(pq_jemit_array_end(e, err));
    PQ_TRY(emit_curves(b, e, run, n, err));
    return pq_jemit_object_end(e, err);
}

typedef struct ranked {
    double sharpe;
    int index;
} ranked;

/* Sharpe descending (never NaN), then list order: smart storage's ranking. */
static int cmp_sharpe(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->sharpe != y->sharpe) return x->sharpe > y->sharpe ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Write `path`: the backtest document when s < 0, else strategy s's trade log. */
static pq_status write_json(backtest *b, const char *path, int s, int rank, int64_t total_patterns, pq_error *err)
{
    pq_nzg_file f;
    PQ_TRY(pq_nzg_file_begin(b->g, &f, path, err));
    pq_status st = s < 0 ? emit_backtest(b, &f.e, total_patterns, err) : emit_trade_log(b, &f.e, s, rank, err);
    if (st != PQ_OK) {
        pq_nzg_file_abort(&f);
        return st;
    }
    return pq_nzg_file_end(b->g, &f, err);
}

/* One trade log per strategy, ranked by Sharpe as smart storage does. */
static pq_status write_trade_logs(backtest *b, pq_error *err)
{
    ranked order[MAX_STRATEGIES];
    for (int i = 0; i < b->n_strategies; i++) order[i] = (ranked){b->runs[i].m[LOT_LOG].sharpe_ratio, i};
    qsort(order, (size_t)b->n_strategies, sizeof order[0], cmp_sharpe);
    for (int r = 0; r < b->n_strategies; r++) {
        char path[4096 + 256];
        snprintf(path, sizeof path, "%s/%s.json", b->g->dir_trades, b->strategies[order[r].index].name);
        PQ_TRY(write_json(b, path, order[r].index, r + 1, 0, err));
    }
    return PQ_OK;
}

/* Simulate every strategy, write the backtest file, and the trade logs after the last universe. */
static pq_status run_backtest(backtest *b, int64_t total_patterns, pq_error *err)
{
    for (int s = 0; s < b->n_strategies; s++) {
        PQ_TRY(simulate(b, s, err));
        PQ_TRY(compute_metrics(b, s, err));
    }
    char stem[128], path[4096 + 256];
    universe_stem(b, b->k, b->j, stem, sizeof stem);
    snprintf(path, sizeof path, "%s/%s_backtest.json", b->g->dir_backtest, stem);
    PQ_TRY(write_json(b, path, -1, 0, total_patterns, err));
    if (b->k == NZG_N_INTERVALS - 1 && b->j == NZG_N_LOOKBACKS - 1) PQ_TRY(write_trade_logs(b, err));
    return PQ_OK;
}

pq_status pq_nzg_write_backtest(pq_nzg_ctx *g, int k, int j, int64_t total_patterns, pq_error *err)
{
    backtest *b = pq_calloc(g->alloc, 1, sizeof *b);
    if (b == NULL) return PQ_NOMEM(err);
    b->g = g;
    b->bars = &g->series[1]; /* 5 minutes */
    b->k = k;
    b->j = j;
    b->n_strategies = pq_nzg_strategy_count(g);
    strategy_list(b->strategies, b->n_strategies);
    pq_nzg_rng_seed(&b->rng, g->seed, 0x6261636b74657374ULL /* "backtest" */, (uint64_t)k, (uint64_t)j);
    b->trend_strength = (double)pq_nzg_range(&b->rng, 500, 9000) / 10000.0;
    pq_status st = run_backtest(b, total_patterns, err);
    for (int s = 0; s < b->n_strategies; s++) pq_free(g->alloc, b->runs[s].trades);
    pq_free(g->alloc, b);
    return st;
}
