/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/metrics.c - the 20 values of a backtest result for one lot size
 * (necrozma.md §3.3) and the composite score that ranks results (§3.5),
 * with the cases where the original produced NaN or divided by zero
 * defined (backtest.h).
 */
#include "backtest/backtest.h"

#include <math.h>

void pq_bt_compute_metrics(const pq_bt_trades *tr, double lot, pq_bt_metrics *m, double *equity)
{
    memset(m, 0, sizeof *m);
    m->lot_size = lot;
    size_t n = tr->n;
    if (equity) equity[0] = PQ_BT_CAPITAL;
    if (n == 0) return;
    m->n_trades = (int64_t)n;
    double sum = 0, sum_win = 0, sum_loss = 0, sum_neg = 0, gross = 0;
    size_t wins = 0, losses = 0, neg = 0;
    double eq = PQ_BT_CAPITAL, peak = PQ_BT_CAPITAL, max_dd = 0, dd_sq = 0;
    m->largest_win = 0;
    m->largest_loss = 0;
    for (size_t i = 0; i < n; i++) {
        double g = pq_bt_gross_usd(&tr->t[i], lot), p = pq_bt_net_usd(&tr->t[i], lot);
        gross += g;
        sum += p;
        if (p > 0) {
            wins++;
            sum_win += p;
            if (p > m->largest_win) m->largest_win = p;
        } else { /* breakeven trades count as losses (§3.3) */
            losses++;
            sum_loss += p;
            if (p < m->largest_loss) m->largest_loss = p;
        }
        if (p < 0) {
            neg++;
            sum_neg += p;
        }
        eq += p;
        if (equity) equity[i + 1] = eq;
        if (eq > peak) peak = eq;
        double dd = (eq - peak) / peak; /* peak >= the starting capital > 0 */
        if (-dd > max_dd) max_dd = -dd;
        dd_sq += (dd * 100) * (dd * 100);
    }
    double mean = sum / (double)n;
    m->win_rate = (double)wins / (double)n;
    m->profit_factor = sum_loss < 0 ? sum_win / -sum_loss : 0;
    m->avg_win = wins ? sum_win / (double)wins : 0;
    m->avg_loss = losses ? sum_loss / (double)losses : 0;
    m->expectancy = m->win_rate * m->avg_win + (1 - m->win_rate) * m->avg_loss;
    if (n >= 2) {
        double ss = 0;
        for (size_t i = 0; i < n; i++) {
            double d = pq_bt_net_usd(&tr->t[i], lot) - mean;
            ss += d * d;
        }
        double sd = sqrt(ss / (double)(n - 1));
        m->sharpe_ratio = sd > 0 ? sqrt(252.0) * mean / sd : 0;
    }
    if (neg > 0) {
        /* downside deviation: the sample sd of the losses when there are
         * two or more and they differ, else their root mean square */
        double nm = sum_neg / (double)neg, ss = 0, rms = 0;
        for (size_t i = 0; i < n; i++) {
            double p = pq_bt_net_usd(&tr->t[i], lot);
            if (p < 0) {
                ss += (p - nm) * (p - nm);
                rms += p * p;
            }
        }
        double dev = neg >= 2 ? sqrt(ss / (double)(neg - 1)) : 0;
        if (!(dev > 0)) dev = sqrt(rms / (double)neg);
        m->sortino_ratio = dev > 0 ? sqrt(252.0) * mean / dev : 0;
    }
    m->total_return = (eq - PQ_BT_CAPITAL) / PQ_BT_CAPITAL;
    m->max_drawdown = max_dd;
    m->calmar_ratio = max_dd > 0 ? m->total_return / max_dd : 0;
    m->recovery_factor = m->calmar_ratio;
    /* the ulcer index over every equity point, the starting one (drawdown 0) included */
    m->ulcer_index = sqrt(dd_sq / (double)(n + 1));
    m->gross_pnl = gross;
    m->total_commission = PQ_BT_COMMISSION_PER_LOT * lot * (double)n;
    m->net_pnl = gross - m->total_commission;
}

static double clamp01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

/* The raw components of §3.5: return, risk, consistency, robustness. */
static void components(const pq_bt_metrics *r, double v[4])
{
    v[0] = r->total_return;
    v[1] = r->max_drawdown >= 1 ? 0 : 1 - r->max_drawdown;
    v[2] = fmin(1, 0.4 * r->win_rate + 0.3 * r->sharpe_ratio / 3 + 0.3 * r->sortino_ratio / 3);
    v[3] = r->ulcer_index >= 10 ? 0 : clamp01(0.5 * r->profit_factor / 3 + 0.5 * (1 - r->ulcer_index / 10));
}

void pq_bt_composite(const pq_bt_metrics *m, size_t n, double *score, double *raw, double *norm)
{
    static const double W[4] = {0.30, 0.25, 0.25, 0.20};
    double lo[4], hi[4], v[4];
    for (int c = 0; c < 4; c++) lo[c] = INFINITY, hi[c] = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        components(&m[i], v);
        for (int c = 0; c < 4; c++) {
            if (raw) raw[i * 4 + c] = v[c];
            if (v[c] < lo[c]) lo[c] = v[c];
            if (v[c] > hi[c]) hi[c] = v[c];
        }
    }
    for (size_t i = 0; i < n; i++) {
        components(&m[i], v);
        double s = 0;
        for (int c = 0; c < 4; c++) {
            double x = hi[c] > lo[c] ? (v[c] - lo[c]) / (hi[c] - lo[c]) : 0.5;
            if (norm) norm[i * 4 + c] = x;
            s += W[c] * x;
        }
        score[i] = s;
    }
}
