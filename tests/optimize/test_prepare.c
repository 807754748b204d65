/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/optimize/test_prepare.c - from P&L rows to the optimiser's periods:
 * the real legacy file passes through unchanged; zone rows combine per date
 * with normalised weights in zone-name order (a missing zone counts 0,
 * repeated (date, zone) rows add up, a wrong weight count is an error);
 * the confidence filter on both scales, confidence weighting and transition
 * reduction, checked by hand on a small enhanced file and by an independent
 * count on the real one; ULTA's legacy and gated rules with their report
 * rows and "_inv" names.
 */
#include "harness.h"
#include "parquant/optimize.h"
#include "parquant/pnl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp[256];

static pq_status read_text(const char *name, const char *text, pq_pnl *p, pq_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    return pq_pnl_read_csv(path, NULL, p, NULL, err);
}

static double at(const pq_opt_input *in, int64_t s, int64_t t) { return in->x[s * in->T + t]; }

TEST(legacy_unchanged)
{
    pq_pnl p;
    pq_error err;
    CHECK_OK(pq_pnl_read_csv(PQ_SHARED_DIR "/data/strategies/sensex_500x82.csv", NULL, &p, NULL, &err), &err);
    if (!p.values) return;
    pq_opt_input in;
    CHECK_OK(pq_opt_prepare(&p, NULL, &in, &err), &err);
    CHECK_EQ_I64(in.T, 82);
    CHECK_EQ_I64(in.N, 500);
    CHECK(in.ulta == NULL && in.n_zones == 0 && in.rows_excluded == 0);
    /* the file is in date order already: every cell the same */
    int64_t diff = 0;
    for (int64_t s = 0; s < 500; s++)
        for (int64_t t = 0; t < 82; t++)
            if (at(&in, s, t) != p.values[s * 82 + t]) diff++;
    CHECK_EQ_I64(diff, 0);
    for (int64_t t = 1; t < in.T; t++) CHECK(in.dates[t] > in.dates[t - 1]);
    CHECK_EQ_STR(in.names[0], "SENSEX 1336-1406 SL71%");
    pq_opt_input_free(&in);
    pq_pnl_free(&p);
}

TEST(zones_combined)
{
    pq_pnl p;
    pq_error err;
    /* dates out of order; zone Z2 missing on the 5th; Z1 of the 4th twice; an empty cell */
    pq_opt_input in;
    CHECK_OK(read_text("zones.csv",
                       "Date,Zone,Day,a,b\n"
                       "2024-01-05,Z1,Friday,10,1\n"
                       "2024-01-04,Z2,Thursday,4,-2\n"
                       "2024-01-04,Z1,Thursday,2,2\n"
                       "2024-01-04,Z1,Thursday,1,\n",
                       &p, &err),
             &err);
    CHECK_OK(pq_opt_prepare(&p, NULL, &in, &err), &err);
    CHECK_EQ_I64(in.T, 2);
    CHECK_EQ_I64(in.n_zones, 2);
    /* equal weights 1/2: the 4th: a = (2 + 1 + 4) / 2, b = (2 + 0 - 2) / 2; the 5th: only Z1 */
    CHECK(at(&in, 0, 0) == 3.5 && at(&in, 1, 0) == 0 && at(&in, 0, 1) == 5 && at(&in, 1, 1) == 0.5);
    pq_opt_input_free(&in);
    /* weights in zone-name order: Z1 3, Z2 1 -> 0.75, 0.25 */
    pq_opt_prepare_options o;
    pq_opt_prepare_options_init(&o);
    double zw[2] = {3, 1};
    o.zone_weights = zw;
    o.n_zone_weights = 2;
    CHECK_OK(pq_opt_prepare(&p, &o, &in, &err), &err);
    CHECK(at(&in, 0, 0) == 0.75 * 3 + 0.25 * 4 && at(&in, 1, 1) == 0.75);
    pq_opt_input_free(&in);
    pq_pnl_free(&p);
    /* the weights follow the zone names, not the order the zones first appear in */
    CHECK_OK(read_text("zones2.csv",
                       "Date,Zone,Day,a\n"
                       "2024-01-04,Z2,Thursday,4\n"
                       "2024-01-04,Z1,Thursday,2\n",
                       &p, &err),
             &err);
    CHECK_OK(pq_opt_prepare(&p, &o, &in, &err), &err);
    CHECK(at(&in, 0, 0) == 0.75 * 2 + 0.25 * 4);
    pq_opt_input_free(&in);
    o.n_zone_weights = 1;
    CHECK_STATUS(pq_opt_prepare(&p, &o, &in, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "1 zone weights for 2 zones") != NULL);
    double zero[2] = {0, 0};
    o.zone_weights = zero;
    o.n_zone_weights = 2;
    CHECK_STATUS(pq_opt_prepare(&p, &o, &in, &err), PQ_ERR_INVALID_ARG);
    pq_pnl_free(&p);
}

#define ENH_HEADER \
    "Date,start_time,end_time,day,zone,market_regime,Regime_Confidence_%,Market_regime_transition_threshold,capital,s1,s2\n"

TEST(regime_rows)
{
    pq_pnl p;
    pq_error err;
    CHECK_OK(read_text("enh.csv",
                       ENH_HEADER
                       "16-01-2023,09:15:00,10:00:00,Monday,A,Bull,72,0.2,100,10,1\n"
                       "16-01-2023,10:00:00,11:00:00,Monday,B,Bull,60,0.2,100,20,2\n" /* below 70 */
                       "17-01-2023,09:15:00,10:00:00,Tuesday,A,Bear,90,0.9,100,30,3\n" /* in transition */
                       "17-01-2023,10:00:00,11:00:00,Tuesday,B,Bear,81,0.1,100,40,4\n",
                       &p, &err),
             &err);
    pq_opt_input in;
    CHECK_OK(pq_opt_prepare(&p, NULL, &in, &err), &err);
    CHECK(in.confidence_0_100);
    CHECK_EQ_I64(in.rows_excluded, 1);
    /* zones A, B at 1/2; the transition row at 0.5 */
    CHECK(at(&in, 0, 0) == 5 && at(&in, 0, 1) == 0.5 * (0.5 * 30) + 0.5 * 40);
    pq_opt_input_free(&in);
    pq_opt_prepare_options o;
    pq_opt_prepare_options_init(&o);
    o.confidence_weighting = true;
    o.transition_factor = 1;
    CHECK_OK(pq_opt_prepare(&p, &o, &in, &err), &err);
    double mean = (72 + 90 + 81) / 3.0;
    CHECK(fabs(at(&in, 0, 0) - 0.5 * 10 * 72 / mean) < 1e-12);
    CHECK(fabs(at(&in, 0, 1) - 0.5 * (30 * 90 / mean + 40 * 81 / mean)) < 1e-12);
    pq_opt_input_free(&in);
    o.min_confidence = 95; /* nothing left */
    CHECK_STATUS(pq_opt_prepare(&p, &o, &in, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "every row is below the confidence threshold 95") != NULL);
    pq_pnl_free(&p);
    /* the 0-1 scale: 70 applies as 0.7 */
    CHECK_OK(read_text("enh01.csv",
                       ENH_HEADER
                       "16-01-2023,09:15:00,10:00:00,Monday,A,Bull,0.72,0.2,100,10,1\n"
                       "16-01-2023,10:00:00,11:00:00,Monday,B,Bull,0.69,0.2,100,20,2\n",
                       &p, &err),
             &err);
    CHECK_OK(pq_opt_prepare(&p, NULL, &in, &err), &err);
    CHECK(!in.confidence_0_100);
    CHECK_EQ_I64(in.rows_excluded, 1);
    pq_opt_input_free(&in);
    pq_pnl_free(&p);
    /* the real enhanced file: the filter drops exactly the rows below 70 */
    CHECK_OK(pq_pnl_read_csv(PQ_SHARED_DIR "/data/strategies/enhanced_zones_jan2023.csv", NULL, &p, NULL, &err), &err);
    int64_t below = 0;
    for (int64_t r = 0; r < p.n_rows; r++) below += p.meta[PQ_PNL_CONFIDENCE].doubles[r] < 70;
    CHECK_OK(pq_opt_prepare(&p, NULL, &in, &err), &err);
    CHECK_EQ_I64(in.rows_excluded, below);
    CHECK(below > 0 && in.n_zones == 4 && in.T > 0 && in.T <= 22);
    pq_opt_input_free(&in);
    pq_pnl_free(&p);
}

TEST(ulta_rules)
{
    pq_pnl p;
    pq_error err;
    /* win: +; lose: - overall with a big day; flat: zeros; mostly_down: 11 losing days of 12 */
    char csv[4096] = "Date,Day,win,lose,flat,mostly_down\n";
    for (int d = 0; d < 12; d++) {
        char line[128];
        snprintf(line, sizeof line, "2024-01-%02d,Monday,%d,%d,0,%d\n", d + 1, d % 3 ? 5 : -2, d == 4 ? 30 : -10,
                 d == 0 ? 50 : -1);
        strcat(csv, line);
    }
    CHECK_OK(read_text("ulta.csv", csv, &p, &err), &err);
    pq_opt_prepare_options o;
    pq_opt_prepare_options_init(&o);
    o.ulta = PQ_OPT_ULTA_LEGACY;
    pq_opt_input in;
    CHECK_OK(pq_opt_prepare(&p, &o, &in, &err), &err);
    /* lose: roi = 30 - 110 = -80, worst -10 -> ratio -8; inverse: roi 80, worst -30 -> 80/30 */
    CHECK(in.ulta[1].roi == -80 && in.ulta[1].ratio == -8 && in.ulta[1].inv_ratio == 80.0 / 30);
    CHECK(in.ulta[1].inverted && !in.ulta[0].inverted && !in.ulta[2].inverted);
    /* mostly_down: roi 50 - 11 = 39 > 0: kept */
    CHECK(!in.ulta[3].inverted);
    CHECK_EQ_STR(in.names[1], "lose_inv");
    CHECK_EQ_STR(in.names[0], "win");
    CHECK(at(&in, 1, 0) == 10 && at(&in, 1, 4) == -30);
    CHECK_EQ_I64(in.n_inverted, 1);
    pq_opt_input_free(&in);
    /* gated: 'lose' has 11 negative days of 12 (>= 10, >= 60 %) and roi < 0: inverted */
    o.ulta = PQ_OPT_ULTA_GATED;
    CHECK_OK(pq_opt_prepare(&p, &o, &in, &err), &err);
    CHECK(in.ulta[1].inverted && in.ulta[1].negative_periods == 11);
    pq_opt_input_free(&in);
    /* ... but not with 12 negative days required */
    o.ulta_min_negative_days = 12;
    CHECK_OK(pq_opt_prepare(&p, &o, &in, &err), &err);
    CHECK(!in.ulta[1].inverted && in.n_inverted == 0);
    CHECK_EQ_STR(in.names[1], "lose");
    pq_opt_input_free(&in);
    pq_pnl_free(&p);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "%s/pq-test-prepare-XXXXXX", P_tmpdir);
    if (!mkdtemp(tmp)) return 1;
    RUN(legacy_unchanged);
    RUN(zones_combined);
    RUN(regime_rows);
    RUN(ulta_rules);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) return 1;
    return harness_done();
}
