/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/migrate/test_necrozma.c - NECROZMA documents through their Parquet
 * layout and back:
 *   - the sample files (written by Python's json.dump(indent=2)) export
 *     byte for byte, both from the JSON-loaded document and from the
 *     Parquet files read back;
 *   - edge cases (NaN/Infinity, 64-bit and bigger integers, Unicode keys,
 *     empty cells and lists, unforeseen keys and shapes at every level, key
 *     order, integer tokens where floats are usual, non-object elements, a
 *     document that is not an object) come back token-equal, and land in
 *     json_extra only where they must;
 *   - the comparer catches a changed value and names its JSON path;
 *   - loading by stem prefers Parquet unless the JSON is newer.
 */
#include "harness.h"

#include "migrate/migrate.h"
#include "migrate/nz_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define SAMPLES PQ_SHARED_DIR "/data/necrozma"

static char tmp[256];

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len) { free(b); b = NULL; }
    fclose(f);
    if (b) { b[len] = 0; *n = (size_t)len; }
    return b;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL) return;
    fputs(text, f);
    fclose(f);
}

static bool same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    bool same = x && y && na == nb && memcmp(x, y, na) == 0;
    if (!same && x && y) {
        size_t i = 0;
        while (i < na && i < nb && x[i] == y[i]) i++;
        fprintf(stderr, "  %s and %s differ at byte %zu: ...%.40s... vs ...%.40s...\n", a, b, i, x + (i > 20 ? i - 20 : 0),
                y + (i > 20 ? i - 20 : 0));
    }
    free(x);
    free(y);
    return same;
}

/* JSON -> doc -> Parquet -> doc -> JSON, byte-equal at both ends. */
static void roundtrip_bytes(const char *src, pq_nz_kind kind, const char *stem)
{
    pq_error err;
    pq_nz_doc d, back;
    char pq[512], out1[512], out2[512];
    snprintf(pq, sizeof pq, "%s/%s.parquet", tmp, stem);
    snprintf(out1, sizeof out1, "%s/%s.direct.json", tmp, stem);
    snprintf(out2, sizeof out2, "%s/%s.back.json", tmp, stem);
    CHECK_OK(pq_nz_load_json(src, kind, &d, &err), &err);
    CHECK_OK(pq_nz_export_file(&d, out1, &err), &err);
    CHECK(same_file(src, out1));
    CHECK_OK(pq_nz_write_parquet(&d, pq, NULL, NULL, &err), &err);
    CHECK_OK(pq_nz_load_parquet(pq, true, &back, &err), &err);
    CHECK(back.kind == kind);
    CHECK(pq_table_equal(&d.main, &back.main));
    CHECK_OK(pq_nz_export_file(&back, out2, &err), &err);
    CHECK(same_file(src, out2));
    CHECK_OK(pq_nz_compare_json(&back, src, &err), &err);
    pq_nz_doc_reset(&d);
    pq_nz_doc_reset(&back);
}

TEST(samples_export_byte_identical)
{
    roundtrip_bytes(SAMPLES "/EURUSD_2025_universe_5m_5lb.json", PQ_NZ_UNIVERSE, "EURUSD_2025_universe_5m_5lb");
    roundtrip_bytes(SAMPLES "/EURUSD_2025_universe_5m_5lb_backtest.json", PQ_NZ_BACKTEST,
                    "EURUSD_2025_universe_5m_5lb_backtest");
    roundtrip_bytes(SAMPLES "/detailed_trades/ZScoreStatArb_P14_T2.0.json", PQ_NZ_TRADES, "ZScoreStatArb_P14_T2.0");
}

TEST(universe_layout_columns)
{
    pq_error err;
    pq_table t;
    const char *cols[] = { "level", "direction", "ohlc_body_mean_mean" };
    char pq[512];
    snprintf(pq, sizeof pq, "%s/EURUSD_2025_universe_5m_5lb.parquet", tmp);
    CHECK_OK(pq_nz_load_stats(pq, cols, 3, &t, &err), &err);
    CHECK_EQ_I64(t.num_rows, 8);
    CHECK_EQ_I64(t.schema.n_fields, 3);
    size_t n;
    const uint8_t *level = pq_array_bytes(&t.columns[0], 2, &n);
    CHECK(n == 6 && memcmp(level, "M\xc3\xa9" "dio", 6) == 0); /* stored as UTF-8, not escaped */
    pq_table_reset(&t);
    /* the full table: stat columns sorted by feature, then mean/std/min/max */
    CHECK_OK(pq_nz_load_stats(pq, NULL, 0, &t, &err), &err);
    int64_t mean = pq_schema_find(&t.schema, "ohlc_body_mean_mean"), std = pq_schema_find(&t.schema, "ohlc_body_mean_std"),
            mn = pq_schema_find(&t.schema, "ohlc_body_mean_min"), mx = pq_schema_find(&t.schema, "ohlc_body_mean_max");
    CHECK(mean > 0 && std == mean + 1 && mn == mean + 2 && mx == mean + 3);
    CHECK(pq_schema_find(&t.schema, "json_extra") == t.schema.n_fields - 1);
    int64_t x = pq_schema_find(&t.schema, "json_extra");
    CHECK_EQ_I64(t.columns[x].null_count, 8); /* nothing unforeseen in the sample */
    pq_table_reset(&t);
}

TEST(sidecar_and_candle_files)
{
    char path[512];
    snprintf(path, sizeof path, "%s/EURUSD_2025_universe_5m_5lb_metadata.json", tmp);
    CHECK(same_file(SAMPLES "/EURUSD_2025_universe_5m_5lb_metadata.json", path));
    pq_nz_doc d;
    pq_error err;
    snprintf(path, sizeof path, "%s/EURUSD_2025_universe_5m_5lb.parquet", tmp);
    CHECK_OK(pq_nz_load_parquet(path, true, &d, &err), &err);
    const char *ref = pq_nz_doc_get(&d, "parquant.candles");
    CHECK(ref != NULL && strncmp(ref, "candles/EURUSD_2025_universe_5m_candles_", 40) == 0);
    CHECK_EQ_I64(d.candles.num_rows, 30);
    CHECK(d.candles.schema.fields[0].type.kind == PQ_KIND_TIMESTAMP);
    pq_nz_doc_reset(&d);
}

/* Semantic round trip of a hand-written document (any formatting). */
static void roundtrip_tokens(const char *name, const char *text, pq_nz_kind kind, pq_nz_doc *keep)
{
    char src[512], pq[512];
    snprintf(src, sizeof src, "%s/%s.json", tmp, name);
    snprintf(pq, sizeof pq, "%s/%s.parquet", tmp, name);
    spit(src, text);
    pq_error err;
    pq_nz_doc d, back;
    CHECK_OK(pq_nz_load_json(src, kind, &d, &err), &err);
    CHECK_OK(pq_nz_compare_json(&d, src, &err), &err);
    CHECK_OK(pq_nz_write_parquet(&d, pq, NULL, NULL, &err), &err);
    CHECK_OK(pq_nz_load_parquet(pq, true, &back, &err), &err);
    CHECK_OK(pq_nz_compare_json(&back, src, &err), &err);
    if (keep) *keep = d;
    else pq_nz_doc_reset(&d);
    pq_nz_doc_reset(&back);
}

static int64_t extras(const pq_table *t)
{
    int64_t i = pq_schema_find(&t->schema, "json_extra");
    return i < 0 ? -1 : t->columns[i].length - t->columns[i].null_count;
}

TEST(universe_edge_cases)
{
    pq_nz_doc d;
    roundtrip_tokens("u_edge",
        "{\"name\": \"universe_5m_5lb\", \"config\": {\"interval\": 5, \"lookback\": 5}, \"processing_time\": NaN,"
        " \"total_patterns\": 9223372036854775807, \"extra_top\": [1, 2.5, \"x\", null, true, {}],"
        " \"results\": {\"M\\u00e9dio\": {\"up\": {\"total_occurrences\": 2, \"unique_patterns\": 1,"
        "   \"top_patterns\": [{\"signature\": \"ohl:VH\", \"count\": 2}],"
        "   \"feature_stats\": {\"z_max\": Infinity, \"a_mean\": -Infinity, \"a_std\": -0.0, \"a_min\": 1e-05}},"
        "  \"down\": {\"total_occurrences\": 0, \"unique_patterns\": 0, \"top_patterns\": [], \"feature_stats\": {}}},"
        "  \"Grande\": {\"up\": {\"feature_stats\": {\"a_mean\": 1}, \"total_occurrences\": 1, \"new\": \"k\"},"
        "   \"down\": {\"total_occurrences\": 123456789012345678901234567890, \"unique_patterns\": 0,"
        "   \"top_patterns\": [{\"count\": 1, \"signature\": \"s\"}], \"feature_stats\": {\"level\": 1.5}}}},"
        " \"ohlc_data\": [{\"timestamp\": \"2025-03-04 08:00:00+00:00\", \"open\": 1.0582, \"high\": 1.05866,"
        "   \"low\": 1.05815, \"close\": 1.05843, \"spread_avg\": 0.7962, \"tick_volume\": 204, \"body\": 0.00023,"
        "   \"body_pips\": 2.3, \"range_pips\": 5.1, \"upper_wick\": 0.00023, \"lower_wick\": 5e-05, \"direction\": \"up\"},"
        "  {\"timestamp\": \"2025-02-30 08:00:00+00:00\", \"open\": 1, \"high\": null, \"low\": 1.0, \"close\": 1.0,"
        "   \"tick_volume\": 2.0, \"body\": 0.0, \"body_pips\": 0.0, \"range_pips\": 0.0, \"upper_wick\": 0.0,"
        "   \"lower_wick\": 0.0, \"direction\": \"down\", \"note\": \"\\ud83d\\ude00\"},"
        "  [1, 2], {}, {\"direction\": \"up\", \"timestamp\": \"2025-03-04 08:05:00+00:00\"}],"
        " \"metadata\": {}}",
        PQ_NZ_UNIVERSE, &d);
    CHECK_EQ_I64(d.main.num_rows, 4);
    CHECK_EQ_I64(extras(&d.main), 2); /* Grande/up: int stat, unknown key; Grande/down: bigint, pattern order, stat named "level" */
    CHECK_EQ_I64(d.candles.num_rows, 5);
    CHECK_EQ_I64(extras(&d.candles), 3); /* the 2nd (bad date, int, null, extra key), [1,2], the reordered one; {} fits */
    CHECK(pq_nz_doc_get(&d, "necrozma.extra_top") != NULL);
    pq_nz_doc_reset(&d);
}

TEST(backtest_and_trades_edge_cases)
{
    pq_nz_doc d;
    roundtrip_tokens("b_edge",
        "{\"universe_name\": \"u\", \"universe_metadata\": {\"interval\": null, \"lookback\": null, \"total_patterns\": 3},"
        " \"backtest_timestamp\": \"2026-01-15T03:41:27.518204\", \"statistics\": {\"total_strategies\": 1},"
        " \"results\": [{\"strategy_name\": \"A_P1_T2.0\", \"n_trades\": 0, \"win_rate\": 0, \"sortino_ratio\": NaN,"
        "   \"net_pnl\": 0.0, \"trades_detailed\": [{\"entry_time\": \"\", \"exit_time\": \"20\", \"entry_price\": 1.1,"
        "     \"exit_price\": 1.2, \"direction\": \"long\", \"pnl_pips\": 10.0, \"pnl_usd\": 1.0, \"pnl_pct\": 0.01,"
        "     \"duration_minutes\": 20, \"exit_reason\": \"signal\", \"market_context\": {\"volatility\": 0.1,"
        "     \"trend_strength\": 0.2, \"volume_relative\": 1.0, \"spread_pips\": 1.5, \"pattern_detected\": \"unknown\","
        "     \"pattern_sequence\": [], \"hour_of_day\": 0, \"day_of_week\": \"Unknown\"},"
        "     \"price_history\": {\"timestamps\": [\"1\"], \"volume\": [0.0]}}, 7]},"
        "  {\"strategy_name\": \"B\", \"trades_detailed\": []}, {\"strategy_name\": \"C\", \"trades_detailed\": {}}]}",
        PQ_NZ_BACKTEST, &d);
    CHECK_EQ_I64(d.main.num_rows, 3);
    CHECK_EQ_I64(d.trades.num_rows, 2);
    pq_nz_doc_reset(&d);
    roundtrip_tokens("t_edge",
        "{\"strategy_name\": \"S\", \"universe\": \"u\", \"rank\": 1, \"metrics\": {}, \"trades\": [{\"entry_time\": \"1\","
        " \"market_context\": {\"volatility\": 1}, \"price_history\": {\"timestamps\": [], \"volume\": [1]}}],"
        " \"equity_curve\": [10000.0, 1e+16], \"drawdown_curve\": [], \"trades_detailed\": [{}]}",
        PQ_NZ_TRADES, &d);
    CHECK_EQ_I64(d.main.num_rows, 2);
    CHECK_EQ_I64(extras(&d.main), 1);
    pq_nz_doc_reset(&d);
    /* tabular members of another shape stay whole */
    roundtrip_tokens("t_shape", "{\"trades\": {\"a\": 1}, \"strategy_name\": \"S\"}", PQ_NZ_TRADES, NULL);
    roundtrip_tokens("u_shape", "{\"results\": {\"Pequeno\": {}}, \"ohlc_data\": \"none\"}", PQ_NZ_UNIVERSE, NULL);
    roundtrip_tokens("top_array", "[1, {\"a\": [NaN]}]", PQ_NZ_UNIVERSE, NULL);
    roundtrip_tokens("empty_obj", "{}", PQ_NZ_BACKTEST, NULL);
}

TEST(comparer_names_the_difference)
{
    pq_error err;
    pq_nz_doc d;
    CHECK_OK(pq_nz_load_json(SAMPLES "/EURUSD_2025_universe_5m_5lb_backtest.json", PQ_NZ_BACKTEST, &d, &err), &err);
    int64_t c = pq_schema_find(&d.main.schema, "win_rate");
    ((double *)d.main.columns[c].values)[3] += 1e-12;
    CHECK_STATUS(pq_nz_compare_json(&d, SAMPLES "/EURUSD_2025_universe_5m_5lb_backtest.json", &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "$.results[3].win_rate") != NULL);
    ((double *)d.main.columns[c].values)[3] -= 1e-12;
    pq_nz_doc_reset(&d);
    /* a document with one member less */
    CHECK_OK(pq_nz_load_json(SAMPLES "/EURUSD_2025_universe_5m_5lb_metadata.json", PQ_NZ_UNIVERSE, &d, &err), &err);
    CHECK_STATUS(pq_nz_compare_json(&d, SAMPLES "/EURUSD_2025_universe_5m_5lb.json", &err), PQ_ERR_CORRUPT);
    pq_nz_doc_reset(&d);
}

TEST(malformed_json_errors)
{
    static const struct {
        const char *text;
        pq_status st;
        const char *needle;
    } cases[] = {
        { "{\"name\": \"u\", \"results\": {", PQ_ERR_PARSE, "end of input" },
        { "{\"name\": \"u\", \"name\": \"v\"}", PQ_ERR_PARSE, "duplicate key" },
        { "{\"ohlc_data\": [{\"open\": 1.0, \"open\": 2.0}]}", PQ_ERR_PARSE, "duplicate key" },
        { "{\"name\": \"\xc3\x28\"}", PQ_ERR_PARSE, "UTF-8" },
        { "{\"name\": 01}", PQ_ERR_PARSE, "byte" },
        { "{} {}", PQ_ERR_PARSE, "byte" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char src[512];
        snprintf(src, sizeof src, "%s/bad%zu.json", tmp, i);
        spit(src, cases[i].text);
        pq_error err;
        pq_nz_doc d;
        CHECK_STATUS(pq_nz_load_json(src, PQ_NZ_UNIVERSE, &d, &err), cases[i].st);
        CHECK(strstr(err.message, cases[i].needle) != NULL);
        CHECK(strcmp(err.path, src) == 0);
    }
}

TEST(load_prefers_parquet_unless_json_newer)
{
    char src[512], stem[512];
    snprintf(src, sizeof src, "%s/pick.json", tmp);
    snprintf(stem, sizeof stem, "%s/pick", tmp);
    spit(src, "{\"strategy_name\": \"S\", \"trades\": []}");
    pq_error err;
    pq_nz_doc d;
    char *from = NULL;
    bool stale = true;
    CHECK_OK(pq_nz_load(stem, PQ_NZ_TRADES, &d, &from, &stale, &err), &err);
    CHECK(from && strcmp(from, src) == 0 && !stale);
    char pq[512];
    snprintf(pq, sizeof pq, "%s/pick.parquet", tmp);
    CHECK_OK(pq_nz_write_parquet(&d, pq, NULL, NULL, &err), &err);
    pq_nz_doc_reset(&d);
    free(from);
    struct timeval old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    CHECK(utimes(src, old) == 0);
    CHECK_OK(pq_nz_load(src, PQ_NZ_TRADES, &d, &from, &stale, &err), &err);
    CHECK(from && strcmp(from, pq) == 0 && !stale);
    pq_nz_doc_reset(&d);
    free(from);
    struct timeval newer[2] = { { 4000000000, 0 }, { 4000000000, 0 } };
    CHECK(utimes(src, newer) == 0);
    CHECK_OK(pq_nz_load(pq, PQ_NZ_TRADES, &d, &from, &stale, &err), &err);
    CHECK(from && strcmp(from, src) == 0 && stale);
    pq_nz_doc_reset(&d);
    free(from);
    CHECK_STATUS(pq_nz_load("/nonexistent/x", PQ_NZ_UNIVERSE, &d, &from, &stale, &err), PQ_ERR_NOT_FOUND);
}

/* A Parquet copy that differs from its JSON (here: tampered with after the
 * migration, keeping its up-to-date mark) must never let --delete-json
 * remove the JSON. */
TEST(delete_refused_when_copy_differs)
{
    char dir[300], src[400], pq[400];
    snprintf(dir, sizeof dir, "%s/verify", tmp);
    CHECK(mkdir(dir, 0777) == 0);
    snprintf(src, sizeof src, "%s/x_backtest.json", dir);
    snprintf(pq, sizeof pq, "%s/x_backtest.parquet", dir);
    size_t n;
    char *text = slurp(SAMPLES "/EURUSD_2025_universe_5m_5lb_backtest.json", &n);
    CHECK(text != NULL);
    if (text == NULL) return;
    spit(src, text);
    free(text);
    pq_error err;
    nz_migrate_result res;
    nz_migrate_options o = { PQ_CODEC_SNAPPY, false, false, true };
    CHECK_OK(nz_migrate_file(src, dir, PQ_NZ_BACKTEST, &o, &res, &err), &err);
    CHECK(res.outcome == NZ_DONE);
    /* tamper: one metric changed in the last bit, the footer kept */
    pq_nz_doc d;
    CHECK_OK(pq_nz_load_parquet(pq, true, &d, &err), &err);
    int64_t c = pq_schema_find(&d.main.schema, "win_rate");
    double *v = &((double *)d.main.columns[c].values)[3];
    *v = nextafter(*v, 2.0);
    char *info = strdup(pq_nz_doc_get(&d, "parquant.source"));
    pq_nz_write_options wo = { PQ_CODEC_SNAPPY, info };
    CHECK_OK(pq_nz_write_parquet(&d, pq, &wo, NULL, &err), &err);
    free(info);
    pq_nz_doc_reset(&d);
    o.delete_json = true;
    CHECK_STATUS(nz_migrate_file(src, dir, PQ_NZ_BACKTEST, &o, &res, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "$.results[3].win_rate") != NULL);
    CHECK(res.outcome == NZ_FAILED && !res.deleted);
    CHECK(access(src, F_OK) == 0);
    /* --force converts again, verifies by digest, and deletes */
    o.force = true;
    CHECK_OK(nz_migrate_file(src, dir, PQ_NZ_BACKTEST, &o, &res, &err), &err);
    CHECK(res.outcome == NZ_DONE && res.deleted);
    CHECK(access(src, F_OK) != 0);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/pq-necrozma-XXXXXX");
    if (mkdtemp(tmp) == NULL) return 1;
    RUN(samples_export_byte_identical);
    RUN(universe_layout_columns);
    RUN(sidecar_and_candle_files);
    RUN(universe_edge_cases);
    RUN(backtest_and_trades_edge_cases);
    RUN(comparer_names_the_difference);
    RUN(malformed_json_errors);
    RUN(load_prefers_parquet_unless_json_newer);
    RUN(delete_refused_when_copy_differs);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    return harness_done();
}
