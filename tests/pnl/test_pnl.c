/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/pnl/test_pnl.c - strategy P&L tables: the real CSVs and generated
 * edge cases through the three Parquet layouts and back, compared cell by
 * cell; the errors a bad CSV gets (ragged row, ambiguous or mixed dates, a
 * word in a number column, a repeated name) with their line numbers; the
 * comparer catching one flipped bit; loading a subset of strategies; the
 * generator's determinism and statistics.
 */
#include "harness.h"
#include "parquant/pnl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REAL PQ_SHARED_DIR "/data/strategies"

static char tmp[256];


static void path_in(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", tmp, name); }

static void count_diff(void *ctx, int64_t row, const char *column, const char *want, const char *got)
{
    (void)row; (void)column; (void)want; (void)got;
    (*(int *)ctx)++;
}

/* CSV -> each layout -> load -> equal (a dataset compared in date order). */
static void roundtrip_all(const char *csv, const char *tag, const char *date_format)
{
    pq_error err;
    pq_pnl want;
    pq_pnl_csv_options co = {date_format, 0};
    CHECK_OK(pq_pnl_read_csv(csv, &co, &want, NULL, &err), &err);
    pq_pnl sorted;
    CHECK_OK(pq_pnl_read_csv(csv, &co, &sorted, NULL, &err), &err);
    CHECK_OK(pq_pnl_sort_by_date(&sorted, &err), &err);
    /* wide, long, partitioned (wide files), partitioned (long files) */
    const pq_pnl_store stores[4] = {PQ_PNL_STORE_WIDE, PQ_PNL_STORE_LONG, PQ_PNL_STORE_PARTITIONED,
                                    PQ_PNL_STORE_PARTITIONED};
    for (int k = 0; k < 4; k++) {
        char out[512];
        snprintf(out, sizeof out, "%s/%s_%d.parquet", tmp, tag, k);
        pq_pnl_write_options o;
        pq_pnl_write_options_init(&o);
        o.store = stores[k];
        if (k == 3) o.part_store = PQ_PNL_STORE_LONG;
        int64_t files = 0;
        CHECK_OK(pq_pnl_write(&want, out, &o, &files, &err), &err);
        CHECK(files >= 1);
        pq_pnl got;
        CHECK_OK(pq_pnl_load(out, NULL, &got, &err), &err);
        int reported = 0;
        int64_t d = pq_pnl_compare(k >= 2 ? &sorted : &want, &got, 5, count_diff, &reported);
        if (d != 0) fprintf(stderr, "[%s] store %d: %lld differences\n", tag, k, (long long)d);
        CHECK_EQ_I64(d, 0);
        CHECK(got.layout == want.layout);
        pq_pnl_free(&got);
    }
    pq_pnl_free(&want);
    pq_pnl_free(&sorted);
}

TEST(real_files_roundtrip)
{
    roundtrip_all(REAL "/sensex_500x82.csv", "sensex", NULL);
    roundtrip_all(REAL "/enhanced_zones_jan2023.csv", "enhanced", NULL);
    pq_error err;
    pq_pnl p;
    CHECK_OK(pq_pnl_read_csv(REAL "/enhanced_zones_jan2023.csv", NULL, &p, NULL, &err), &err);
    CHECK(p.layout == PQ_PNL_LAYOUT_ENHANCED);
    CHECK_EQ_I64(p.n_rows, 88);
    CHECK_EQ_I64(p.n_strategies, 20);
    CHECK_EQ_STR(p.date_format, "dmy");
    CHECK(p.meta[PQ_PNL_ZONE].present && p.meta[PQ_PNL_ZONE].n_labels == 4);
    CHECK(p.meta[PQ_PNL_START_TIME].present && p.meta[PQ_PNL_START_TIME].micros[0] == (int64_t)(11 * 3600 + 45 * 60) * 1000000);
    pq_pnl_free(&p);
    CHECK_OK(pq_pnl_read_csv(REAL "/sensex_500x82.csv", NULL, &p, NULL, &err), &err);
    CHECK(p.layout == PQ_PNL_LAYOUT_LEGACY);
    CHECK_EQ_STR(p.names[0], "SENSEX 1336-1406 SL71%");
    /* the first cell, -1077.6599999999978 at line 5 of the first strategy is row 3 */
    CHECK(p.values[3] == -1077.6599999999978);
    pq_pnl_free(&p);
}

TEST(edge_cases_roundtrip)
{
    char csv[512];
    path_in(csv, sizeof csv, "edge.csv");
    /* BOM, CRLF, quoted names with commas and quotes, Unicode, an empty
     * cell (null), NaN, -0.0, exponents, two trailing empty columns */
    harness_write_text(csv, "\xEF\xBB\xBF" "Date,Zone,Day,\"SENSEX 930-1030 SL45%, TP\",\"say \"\"hi\"\"\",Médio €,z,,\r\n"
                    "2024-01-04,Zone 1,Thursday,505.05,-92.73,,-0.0,,\r\n"
                    "2024-01-04,Zone 2,Thursday,1e3,nan,1.5E-7,0,,\r\n"
                    "2024-01-11,Zone 1,,-1840.2,312.55,7,-inf,,\r\n");
    pq_error err;
    pq_pnl p;
    int64_t dropped = -1;
    CHECK_OK(pq_pnl_read_csv(csv, NULL, &p, &dropped, &err), &err);
    CHECK_EQ_I64(dropped, 2);
    CHECK(p.layout == PQ_PNL_LAYOUT_ZONE);
    CHECK_EQ_I64(p.n_strategies, 4);
    CHECK_EQ_STR(p.names[0], "SENSEX 930-1030 SL45%, TP");
    CHECK_EQ_STR(p.names[1], "say \"hi\"");
    CHECK_EQ_STR(p.names[2], "Médio €");
    CHECK(pq_pnl_is_null(&p, 2, 0) && !pq_pnl_is_null(&p, 1, 1));
    CHECK(isnan(p.values[1 * 3 + 1]));
    CHECK(signbit(p.values[3 * 3 + 0]) && p.values[3 * 3 + 0] == 0.0);
    CHECK(p.meta[PQ_PNL_DAY].codes[2] == -1); /* empty day: null */
    pq_pnl_free(&p);
    roundtrip_all(csv, "edge", NULL);
}

/* Expect pq_pnl_read_csv to fail with PQ_ERR_PARSE at `line`, the message
 * containing `needle`. */
static void expect_error(const char *text, const char *date_format, int64_t line, const char *needle)
{
    char csv[512];
    path_in(csv, sizeof csv, "bad.csv");
    harness_write_text(csv, text);
    pq_error err;
    pq_error_clear(&err);
    pq_pnl p;
    pq_pnl_csv_options co = {date_format, 0};
    CHECK_STATUS(pq_pnl_read_csv(csv, &co, &p, NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_I64(err.where.line, line);
    if (!strstr(err.message, needle)) fprintf(stderr, "message: %s (wanted '%s')\n", err.message, needle);
    CHECK(strstr(err.message, needle) != NULL);
    CHECK(strstr(err.path, "bad.csv") != NULL);
}

TEST(bad_csv_errors)
{
    expect_error("Date,Day,a,b\n2024-01-04,Thu,1,2\n2024-01-11,Thu,3\n", NULL, 3, "expected 4 fields");
    expect_error("Date,Day,a\n02-01-2023,Mon,1\n03-01-2023,Tue,2\n", NULL, 2, "ambiguous");
    expect_error("Date,Day,a\n2023-01-02,Mon,1\n03-01-2023,Tue,2\n", NULL, 3, "mixes");
    expect_error("Date,Day,a,b\n2024-01-04,Thu,1,x1\n", NULL, 2, "'b'");
    expect_error("Date,Day,a,a\n2024-01-04,Thu,1,2\n", NULL, 1, "appears twice");
    expect_error("Day,a\nThu,1\n", NULL, 1, "no Date column");
    expect_error("Date,Day,a\n2024-02-30,Thu,1\n", NULL, 2, "not a valid");
    expect_error("Date,start_time,end_time,a\n2024-02-03,25:00:00,10:00:00,1\n", NULL, 2, "time of day");
    /* the ambiguous column reads fine once the order is given */
    char csv[512];
    path_in(csv, sizeof csv, "dmy.csv");
    harness_write_text(csv, "Date,Day,a\n02-01-2023,Mon,1\n03-01-2023,Tue,2\n");
    pq_error err;
    pq_pnl p;
    pq_pnl_csv_options co = {"mdy", 0};
    CHECK_OK(pq_pnl_read_csv(csv, &co, &p, NULL, &err), &err);
    CHECK_EQ_I64(p.meta[PQ_PNL_DATE].days[0], 19389); /* 2023-02-01 */
    pq_pnl_free(&p);
}

TEST(compare_finds_one_bit)
{
    pq_error err;
    pq_pnl a, b;
    CHECK_OK(pq_pnl_read_csv(REAL "/sensex_500x82.csv", NULL, &a, NULL, &err), &err);
    CHECK_OK(pq_pnl_read_csv(REAL "/sensex_500x82.csv", NULL, &b, NULL, &err), &err);
    CHECK_EQ_I64(pq_pnl_compare(&a, &b, 10, NULL, NULL), 0);
    uint64_t bits;
    memcpy(&bits, &b.values[250 * 82 + 40], 8);
    bits ^= 1; /* one ulp */
    memcpy(&b.values[250 * 82 + 40], &bits, 8);
    int reported = 0;
    CHECK_EQ_I64(pq_pnl_compare(&a, &b, 10, count_diff, &reported), 1);
    CHECK(reported == 1);
    free(b.names[7]);
    b.names[7] = strdup("renamed");
    CHECK_EQ_I64(pq_pnl_compare(&a, &b, 10, NULL, NULL), 1); /* a name differs: cells are not compared */
    pq_pnl_free(&a);
    pq_pnl_free(&b);
}

/* A dataset of long files whose later file names another strategy is an
 * error naming the file, not a silently mixed matrix. */
TEST(long_dataset_mismatch)
{
    pq_error err;
    pq_pnl p;
    CHECK_OK(pq_pnl_read_csv(REAL "/sensex_500x82.csv", NULL, &p, NULL, &err), &err);
    pq_pnl_write_options o;
    pq_pnl_write_options_init(&o);
    o.store = PQ_PNL_STORE_PARTITIONED;
    o.part_store = PQ_PNL_STORE_LONG;
    o.partition_by = PQ_PNL_PART_YEAR;
    char a[512], b[512], cmd[1400];
    snprintf(a, sizeof a, "%s/longset_a", tmp);
    snprintf(b, sizeof b, "%s/longset_b", tmp);
    CHECK_OK(pq_pnl_write(&p, a, &o, NULL, &err), &err);
    free(p.names[7]);
    p.names[7] = strdup("renamed strategy");
    CHECK_OK(pq_pnl_write(&p, b, &o, NULL, &err), &err);
    snprintf(cmd, sizeof cmd, "cp '%s/year=2025/part-0.parquet' '%s/year=2025/part-0.parquet'", b, a);
    CHECK(system(cmd) == 0);
    pq_pnl got;
    CHECK_STATUS(pq_pnl_load(a, NULL, &got, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "strategy 'renamed strategy' is not where the first file has it") != NULL);
    CHECK(strstr(err.path, "year=2025") != NULL);
    pq_pnl_free(&p);
}

TEST(load_subset)
{
    pq_error err;
    pq_pnl all;
    CHECK_OK(pq_pnl_read_csv(REAL "/sensex_500x82.csv", NULL, &all, NULL, &err), &err);
    const char *want[3] = {all.names[499], all.names[0], all.names[17]};
    const int64_t idx[3] = {499, 0, 17};
    for (int k = 0; k < 2; k++) {
        char out[512];
        snprintf(out, sizeof out, "%s/subset_%d.parquet", tmp, k);
        pq_pnl_write_options o;
        pq_pnl_write_options_init(&o);
        o.store = k ? PQ_PNL_STORE_LONG : PQ_PNL_STORE_WIDE;
        CHECK_OK(pq_pnl_write(&all, out, &o, NULL, &err), &err);
        pq_pnl_load_options lo;
        pq_pnl_load_options_init(&lo);
        lo.strategies = want;
        lo.n_strategies = 3;
        lo.skip_meta = true;
        pq_pnl got;
        CHECK_OK(pq_pnl_load(out, &lo, &got, &err), &err);
        CHECK_EQ_I64(got.n_strategies, 3);
        CHECK_EQ_I64(got.n_rows, 82);
        CHECK(!got.meta[PQ_PNL_DAY].present);
        for (int s = 0; s < 3; s++) {
            CHECK_EQ_STR(got.names[s], want[s]);
            CHECK(memcmp(got.values + s * 82, all.values + idx[s] * 82, 82 * 8) == 0);
        }
        pq_pnl_free(&got);
        const char *missing[1] = {"no such strategy"};
        lo.strategies = missing;
        lo.n_strategies = 1;
        CHECK_STATUS(pq_pnl_load(out, &lo, &got, &err), PQ_ERR_NOT_FOUND);
    }
    pq_pnl_free(&all);
}

static bool same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb) same = false;
        if (ca == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

TEST(generator_deterministic_and_realistic)
{
    char a[512], b[512];
    path_in(a, sizeof a, "g1.csv");
    path_in(b, sizeof b, "g2.csv");
    pq_pnl_generate_options g = {.strategies = 1500, .days = 82, .seed = 7};
    pq_error err;
    CHECK_OK(pq_pnl_generate_csv(a, &g, &err), &err);
    CHECK_OK(pq_pnl_generate_csv(b, &g, &err), &err);
    CHECK(same_file(a, b));
    pq_pnl p;
    CHECK_OK(pq_pnl_read_csv(a, NULL, &p, NULL, &err), &err);
    CHECK_EQ_I64(p.n_strategies, 1500);
    CHECK_EQ_I64(p.n_rows, 82);
    /* share of strategies losing over the period (real: 57%) */
    int64_t neg = 0;
    for (int64_t s = 0; s < p.n_strategies; s++) {
        double t = 0;
        for (int64_t r = 0; r < p.n_rows; r++) t += p.values[s * 82 + r];
        neg += t < 0;
    }
    double share = (double)neg / (double)p.n_strategies;
    if (share < 0.45 || share > 0.70) fprintf(stderr, "negative share %.3f\n", share);
    CHECK(share >= 0.45 && share <= 0.70);
    /* mean pairwise correlation over neighbouring pairs (real: 0.15) */
    double sum = 0;
    int pairs = 0;
    for (int64_t s = 0; s + 1 < p.n_strategies; s += 2, pairs++) {
        const double *x = p.values + s * 82, *y = x + 82;
        double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
        for (int r = 0; r < 82; r++) mx += x[r] / 82, my += y[r] / 82;
        for (int r = 0; r < 82; r++) {
            sxy += (x[r] - mx) * (y[r] - my);
            sxx += (x[r] - mx) * (x[r] - mx);
            syy += (y[r] - my) * (y[r] - my);
        }
        sum += sxy / sqrt(sxx * syy);
    }
    double mean_corr = sum / pairs;
    if (mean_corr < 0.08 || mean_corr > 0.22) fprintf(stderr, "mean correlation %.3f\n", mean_corr);
    CHECK(mean_corr >= 0.08 && mean_corr <= 0.22);
    pq_pnl_free(&p);
    /* the zone and enhanced layouts read back as such */
    pq_pnl_generate_options gz = {.strategies = 30, .days = 10, .zones = 3, .seed = 1};
    CHECK_OK(pq_pnl_generate_csv(a, &gz, &err), &err);
    CHECK_OK(pq_pnl_read_csv(a, NULL, &p, NULL, &err), &err);
    CHECK(p.layout == PQ_PNL_LAYOUT_ZONE && p.n_rows == 30 && p.meta[PQ_PNL_ZONE].n_labels == 3);
    pq_pnl_free(&p);
    pq_pnl_generate_options ge = {.strategies = 20, .days = 22, .enhanced = true, .seed = 1};
    CHECK_OK(pq_pnl_generate_csv(a, &ge, &err), &err);
    CHECK_OK(pq_pnl_read_csv(a, NULL, &p, NULL, &err), &err);
    CHECK(p.layout == PQ_PNL_LAYOUT_ENHANCED && p.n_rows == 88);
    CHECK_EQ_STR(p.date_format, "dmy");
    pq_pnl_free(&p);
    roundtrip_all(a, "generated_enhanced", NULL);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "%s/pq-test-pnl-XXXXXX", P_tmpdir);
    if (!mkdtemp(tmp)) return 1;
    RUN(real_files_roundtrip);
    RUN(edge_cases_roundtrip);
    RUN(bad_csv_errors);
    RUN(compare_finds_one_bit);
    RUN(load_subset);
    RUN(long_dataset_mismatch);
    RUN(generator_deterministic_and_realistic);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) return 1;
    return harness_done();
}
