/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/generate_trades.c - one trade record of the generator
 * (generate.h), in the 12-key shape of necrozma.md §4.2 and the sample
 * detailed_trades/ZScoreStatArb_P14_T2.0.json: times, prices, direction,
 * pnl (pips from the actual prices, USD clamped to -SL/+TP on SL/TP exits),
 * duration, exit reason, market_context and the price_history arrays over
 * bars [entry-50, exit+20) of the 5-minute candle list.
 *
 * With `bidask` the history carries bid and ask (close -/+ half the spread)
 * and mid_price = (bid + ask) / 2; without, mid_price = close, as in the
 * sample (the backtester's bars had no bid/ask columns there).
 */
#include "migrate/generate.h"

#include <math.h>

static const char *const WEEKDAYS[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
static const char *const REASONS[3] = {"signal", "stop_loss", "take_profit"};

/* Points to price: the nearest double to the 5-decimal value. */
static double px(int32_t pts) { return (double)pts / 100000.0; }

/* A timestamp string of §1.1's format. */
static pq_status emit_time(pq_jemit *e, int64_t t, pq_error *err)
{
    char ts[NZ_TIME_LEN + 1];
    nz_time_format(t, ts);
    return pq_jemit_string(e, ts, NZ_TIME_LEN, err);
}

/* mean(high - low) / mean(close) over the 21 bars up to the entry (§4.2,
 * the variant without a pips_change column). */
static double volatility(const pq_nzg_series *s, size_t entry)
{
    size_t a = entry >= 20 ? entry - 20 : 0;
    double range = 0, close = 0;
    for (size_t i = a; i <= entry; i++) {
        range += px(s->c[i].h) - px(s->c[i].l);
        close += px(s->c[i].c);
    }
    return range / close;
}

/* Entry volume over the mean of the 20 bars before (1 at bar 0). */
static double volume_relative(const pq_nzg_series *s, size_t entry)
{
    if (entry == 0) return 1.0;
    size_t a = entry >= 20 ? entry - 20 : 0;
    double sum = 0;
    for (size_t i = a; i < entry; i++) sum += (double)s->c[i].volume;
    return (double)s->c[entry].volume / (sum / (double)(entry - a));
}

/* market_context (8 keys, §4.2). */
static pq_status emit_context(pq_jemit *e, const pq_nzg_series *s, const pq_nzg_trade *t, double trend, pq_error *err)
{
    int64_t at = s->c[t->entry].t;
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "volatility", volatility(s, t->entry), err));
    PQ_TRY(pq_nzg_kv_dbl(e, "trend_strength", trend, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "volume_relative", volume_relative(s, t->entry), err));
    PQ_TRY(pq_nzg_kv_dbl(e, "spread_pips", 1.5, err));
    PQ_TRY(pq_nzg_kv_str(e, "pattern_detected", "unknown", err));
    PQ_TRY(pq_nzg_key(e, "pattern_sequence", err));
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (int i = 0; i < 3; i++) PQ_TRY(pq_jemit_string(e, "unknown", 7, err));
    PQ_TRY(pq_jemit_array_end(e, err));
    PQ_TRY(pq_nzg_kv_int(e, "hour_of_day", at % 86400 / 3600, err));
    PQ_TRY(pq_nzg_kv_str(e, "day_of_week", WEEKDAYS[pq_nzg_weekday(at)], err));
    return pq_jemit_object_end(e, err);
}

enum { H_BID, H_ASK, H_MID, H_OPEN, H_HIGH, H_LOW, H_CLOSE, H_VOLUME };

/* One price_history value of bar c (H_* selects which). */
static double history_value(const pq_nzg_candle *c, int what, bool bidask)
{
    int32_t hs = pq_nzg_half_spread(c);
    switch (what) {
    case H_BID: return px(c->c - hs);
    case H_ASK: return px(c->c + hs);
    case H_MID: return bidask ? (px(c->c - hs) + px(c->c + hs)) / 2 : px(c->c);
    case H_OPEN: return px(c->o);
    case H_HIGH: return px(c->h);
    case H_LOW: return px(c->l);
    case H_CLOSE: return px(c->c);
    default: return (double)c->volume;
    }
}

/* price_history: parallel arrays over bars [entry-50, exit+20), clipped to the list. */
static pq_status emit_history(pq_jemit *e, const pq_nzg_series *s, const pq_nzg_trade *t, bool bidask, pq_error *err)
{
    static const char *const NAMES[8] = {"bid", "ask", "mid_price", "open", "high", "low", "close", "volume"};
    size_t a = t->entry >= 50 ? t->entry - 50 : 0;
    size_t b = (size_t)t->exit + 20 < s->n ? (size_t)t->exit + 20 : s->n;
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_key(e, "timestamps", err));
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (size_t i = a; i < b; i++) PQ_TRY(emit_time(e, s->c[i].t, err));
    PQ_TRY(pq_jemit_array_end(e, err));
    for (int w = bidask ? H_BID : H_MID; w <= H_VOLUME; w++) {
        PQ_TRY(pq_nzg_key(e, NAMES[w], err));
        PQ_TRY(pq_jemit_array_begin(e, err));
        for (size_t i = a; i < b; i++) PQ_TRY(pq_jemit_double(e, history_value(&s->c[i], w, bidask), err));
        PQ_TRY(pq_jemit_array_end(e, err));
    }
    return pq_jemit_object_end(e, err);
}

pq_status pq_nzg_emit_trade(pq_jemit *e, const pq_nzg_series *s, const pq_nzg_trade *t, double lot, bool bidask,
                         double trend_strength, pq_error *err)
{
    double usd = pq_nzg_trade_usd(t, lot);
    PQ_TRY(pq_jemit_object_begin(e, err));
    PQ_TRY(pq_nzg_key(e, "entry_time", err));
    PQ_TRY(emit_time(e, s->c[t->entry].t, err));
    PQ_TRY(pq_nzg_key(e, "exit_time", err));
    PQ_TRY(emit_time(e, s->c[t->exit].t, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "entry_price", px(t->entry_pts), err));
    PQ_TRY(pq_nzg_kv_dbl(e, "exit_price", px(t->exit_pts), err));
    PQ_TRY(pq_nzg_kv_str(e, "direction", t->is_long ? "long" : "short", err));
    PQ_TRY(pq_nzg_kv_dbl(e, "pnl_pips", t->pnl_pips, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "pnl_usd", usd, err));
    PQ_TRY(pq_nzg_kv_dbl(e, "pnl_pct", usd / PQ_NZ_CAPITAL * 100, err));
    PQ_TRY(pq_nzg_kv_int(e, "duration_minutes", (s->c[t->exit].t - s->c[t->entry].t) / 60, err));
    PQ_TRY(pq_nzg_kv_str(e, "exit_reason", REASONS[t->reason], err));
    PQ_TRY(pq_nzg_key(e, "market_context", err));
    PQ_TRY(emit_context(e, s, t, trend_strength, err));
    PQ_TRY(pq_nzg_key(e, "price_history", err));
    PQ_TRY(emit_history(e, s, t, bidask, err));
    return pq_jemit_object_end(e, err);
}
