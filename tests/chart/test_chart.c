/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/chart/test_chart.c - src/chart: nice ticks on known ranges (loose
 * and inside, integer axes, exact 0.1 multiples, empty ranges, the double
 * limits), number and date labels, calendar ticks; rendered charts read
 * back with cairo (size, the series colour inside the plot, the drawdown's
 * red area only below the zero line, bars on both sides of zero, the
 * highlight), byte-identical output for the same input, PQ_ERR_IO for an
 * unwritable path with nothing left on disk, PQ_ERR_INVALID_ARG for bad
 * specs (all-NaN series among them) with no file written.
 */
#include "chart/chart.h"
#include "chart/chart_axis.h"
#include "chart/chart_draw.h"
#include "core/calendar.h"

#include <dirent.h>
#include <float.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

/* ------------------------------------------------------------ helpers */

static void make_dir(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/pq_chart_test_XXXXXX");
    if (!mkdtemp(buf)) {
        fprintf(stderr, "mkdtemp failed\n");
        exit(2);
    }
}

/* Remove every plain file of `dir`, then `dir`. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0) rmdir(path);
    }
    closedir(d);
    rmdir(dir);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

/* A PNG read back: 0xRRGGBB pixels. */
typedef struct image {
    int w, h;
    uint32_t *px;
} image;

static bool load_png(const char *path, image *im)
{
    memset(im, 0, sizeof *im);
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return false;
    }
    cairo_surface_flush(s);
    im->w = cairo_image_surface_get_width(s);
    im->h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    im->px = malloc((size_t)im->w * im->h * sizeof *im->px);
    for (int y = 0; y < im->h; y++)
        for (int x = 0; x < im->w; x++) {
            uint32_t v;
            memcpy(&v, data + (size_t)y * stride + (size_t)x * 4, 4);
            im->px[(size_t)y * im->w + x] = v & 0xffffffu;
        }
    cairo_surface_destroy(s);
    return true;
}

static uint32_t pixel(const image *im, int x, int y) { return im->px[(size_t)y * im->w + x]; }

/* Pixels of colour rgb in the rectangle [x0, x1) x [y0, y1). */
static long count_rgb(const image *im, uint32_t rgb, int x0, int y0, int x1, int y1)
{
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) n += pixel(im, x, y) == rgb;
    return n;
}

/* Rows that are mostly colour rgb (a horizontal line): the first one, or -1. */
static int find_hline(const image *im, uint32_t rgb)
{
    for (int y = 0; y < im->h; y++)
        if (count_rgb(im, rgb, 0, y, im->w, y + 1) > im->w / 3) return y;
    return -1;
}

static int files_equal(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    unsigned char *pa = harness_read_file(a, &la), *pb = harness_read_file(b, &lb);
    int eq = pa && pb && la == lb && memcmp(pa, pb, la) == 0;
    free(pa);
    free(pb);
    return eq;
}

/* The 82-point equity curve of the samples: dates 2023-01-02 onwards, 7 to
 * 11 days apart, a drifting random walk; dd = drawdown (<= 0). */
enum { NPTS = 82 };
static void equity_data(int32_t *dates, double *eq, double *dd)
{
    unsigned seed = 12345;
    int64_t d = pq_days_from_civil(2023, 1, 2);
    double v = 0, peak = 0;
    for (int i = 0; i < NPTS; i++) {
        dates[i] = (int32_t)d;
        seed = seed * 1103515245u + 12345u;
        d += 7 + (seed >> 16) % 5;
        seed = seed * 1103515245u + 12345u;
        if (i > 0) v += (((seed >> 8) % 10000) / 10000.0 - 0.42) * 1900;
        eq[i] = v;
        if (v > peak) peak = v;
        dd[i] = v - peak;
    }
}

static const char *k_algos[8] = {"GA", "PSO", "SA", "DE", "ACO", "HC", "BO", "RS"};
static const double k_fitness[8] = {6.46, 21.14, 1.25, 7.47, 1.84, 17.69, 4.00, 2.38};
static const double k_seconds[8] = {12.4, 8.91, 3.2, 15.75, 44.1, 0.82, 61.3, 1.05};

static void algo_bars(pq_chart_bars *b)
{
    pq_chart_bars_init(b);
    b->title = "Algorithm comparison";
    b->subtitle = "35 strategies · portfolio size 10";
    b->n = 8;
    b->labels = k_algos;
    b->n_panels = 2;
    b->panels[0].title = "Fitness";
    b->panels[0].values = k_fitness;
    b->panels[1].title = "Time (s)";
    b->panels[1].values = k_seconds;
}

/* -------------------------------------------------------------- ticks */

static void check_ticks(const pq_chart_ticks *t, const double *want, int n)
{
    CHECK_EQ_I64(t->n, n);
    for (int i = 0; i < n && i < t->n; i++) {
        double v = pq_chart_tick_value(t, i);
        if (v != want[i]) {
            fprintf(stderr, "  tick %d = %.17g, expected %.17g\n", i, v, want[i]);
            CHECK(v == want[i]);
        }
    }
}

TEST(ticks_known_ranges)
{
    pq_chart_ticks t;
    char buf[64];

    pq_chart_ticks_nice(0, 97, 8, true, false, &t);
    check_ticks(&t, (const double[]){0, 20, 40, 60, 80, 100}, 6);
    CHECK(t.lo == 0 && t.hi == 100);
    CHECK_EQ_I64(t.decimals, 0);

    /* an equity curve: 2,000 is one tick too many at 10, 2,500 fits */
    pq_chart_ticks_nice(-543, 16571, 10, true, false, &t);
    check_ticks(&t, (const double[]){-2500, 0, 2500, 5000, 7500, 10000, 12500, 15000, 17500}, 9);
    CHECK(t.lo == -2500 && t.hi == 17500);
    pq_chart_tick_label(&t, 0, buf, sizeof buf);
    CHECK_EQ_STR(buf, "-2,500");
    pq_chart_tick_label(&t, 8, buf, sizeof buf);
    CHECK_EQ_STR(buf, "17,500");
    pq_chart_ticks_nice(-543, 16571, 11, true, false, &t);
    check_ticks(&t, (const double[]){-2000, 0, 2000, 4000, 6000, 8000, 10000, 12000, 14000, 16000, 18000}, 11);

    /* inside, integer: period numbers 1..82 */
    pq_chart_ticks_nice(1, 82, 10, false, true, &t);
    check_ticks(&t, (const double[]){10, 20, 30, 40, 50, 60, 70, 80}, 8);
    CHECK(t.lo == 1 && t.hi == 82);
    /* integer axes never step by less than 1 */
    pq_chart_ticks_nice(1, 3, 50, false, true, &t);
    check_ticks(&t, (const double[]){1, 2, 3}, 3);

    /* tenths are the doubles of the decimal literals */
    pq_chart_ticks_nice(0, 1, 11, true, false, &t);
    check_ticks(&t, (const double[]){0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}, 11);
    CHECK_EQ_I64(t.decimals, 1);
    pq_chart_tick_label(&t, 3, buf, sizeof buf);
    CHECK_EQ_STR(buf, "0.3");

    /* 2.5 steps need one more decimal */
    pq_chart_ticks_nice(0, 1.2, 6, true, false, &t);
    check_ticks(&t, (const double[]){0, 0.25, 0.5, 0.75, 1.0, 1.25}, 6);
    CHECK_EQ_I64(t.decimals, 2);

    /* a drawdown: the axis ends at 0 without a stray -0 */
    pq_chart_ticks_nice(-543.2, 0, 8, true, false, &t);
    check_ticks(&t, (const double[]){-600, -500, -400, -300, -200, -100, 0}, 7);
    CHECK(!signbit(pq_chart_tick_value(&t, 6)));
}

TEST(ticks_edge_ranges)
{
    pq_chart_ticks t;
    char a[64], b[64];

    /* empty ranges are widened */
    pq_chart_ticks_nice(5, 5, 8, true, false, &t);
    CHECK(t.n >= 2 && t.lo < 5 && t.hi > 5);
    pq_chart_ticks_nice(0, 0, 8, true, false, &t);
    CHECK(t.lo == -1 && t.hi == 1);
    pq_chart_ticks_nice(1, 1, 8, false, true, &t);
    check_ticks(&t, (const double[]){1}, 1);

    /* tiny magnitudes: scientific labels */
    pq_chart_ticks_nice(-1e-7, 8e-7, 10, true, false, &t);
    CHECK(t.sci);
    CHECK(t.n >= 2 && t.n <= 10);
    pq_chart_tick_label(&t, t.n - 1, a, sizeof a);
    CHECK_EQ_STR(a, "8e-07");

    /* huge magnitudes */
    pq_chart_ticks_nice(1e18, 8e18, 8, true, false, &t);
    CHECK(t.sci);
    pq_chart_tick_label(&t, t.n - 1, a, sizeof a);
    CHECK_EQ_STR(a, "8e+18");

    /* the whole double range: finite ticks, within [lo, hi] */
    pq_chart_ticks_nice(-DBL_MAX, DBL_MAX, 8, true, false, &t);
    CHECK(t.n >= 2 && t.n <= 8);
    CHECK(isfinite(t.lo) && isfinite(t.hi));
    for (int i = 0; i < t.n; i++) {
        double v = pq_chart_tick_value(&t, i);
        CHECK(isfinite(v) && v >= t.lo && v <= t.hi);
    }
    pq_chart_ticks_nice(DBL_MAX, DBL_MAX, 8, true, false, &t);
    CHECK(isfinite(t.lo) && isfinite(t.hi) && t.lo < t.hi);

    /* a narrow range far from 0: labels still tell the ticks apart */
    pq_chart_ticks_nice(1e15 + 0.1, 1e15 + 0.2, 8, true, false, &t);
    CHECK(t.n >= 2);
    for (int i = 1; i < t.n; i++) {
        pq_chart_tick_label(&t, i - 1, a, sizeof a);
        pq_chart_tick_label(&t, i, b, sizeof b);
        CHECK(strcmp(a, b) != 0);
    }
    pq_chart_ticks_nice(12345.001, 12345.002, 8, true, false, &t);
    CHECK(t.n >= 2 && t.n <= 8);
    for (int i = 1; i < t.n; i++) {
        pq_chart_tick_label(&t, i - 1, a, sizeof a);
        pq_chart_tick_label(&t, i, b, sizeof b);
        CHECK(strcmp(a, b) != 0);
    }
}

/* ------------------------------------------------------------- labels */

TEST(number_labels)
{
    char buf[64];
    struct { double v; int d; const char *want; } cases[] = {
        {12345.6, 1, "12,345.6"},  {-0.012, 3, "-0.012"},    {16571.69, 2, "16,571.69"},
        {1234567, 0, "1,234,567"}, {-1000, 0, "-1,000"},     {100, 0, "100"},
        {999.999, 2, "1,000.00"},  {-0.0001, 2, "0.00"},     {-0.0, 0, "0"},
        {0, 2, "0.00"},            {543.2, 1, "543.2"},      {-543.25, 2, "-543.25"},
        {1e21, 0, "1,000,000,000,000,000,000,000"},           {NAN, 2, "n/a"},
        {INFINITY, 2, "inf"},      {-INFINITY, 0, "-inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pq_chart_format_number(cases[i].v, cases[i].d, buf, sizeof buf);
        CHECK_EQ_STR(buf, cases[i].want);
    }
    pq_chart_format_number(1234567.5, 1, buf, 6); /* truncated, terminated */
    CHECK_EQ_STR(buf, "1,234");
    pq_chart_format_number(-DBL_MAX, 0, buf, sizeof buf);
    CHECK(buf[0] == '-' && strlen(buf) == 63);

    CHECK_EQ_I64(pq_chart_auto_decimals(21.14), 2);
    CHECK_EQ_I64(pq_chart_auto_decimals(16571.69), 0);
    CHECK_EQ_I64(pq_chart_auto_decimals(0.5), 2);
    CHECK_EQ_I64(pq_chart_auto_decimals(0.012), 3);
    CHECK_EQ_I64(pq_chart_auto_decimals(1e-9), 6);
}

TEST(date_labels)
{
    char buf[32];
    pq_chart_format_date(0, buf, sizeof buf);
    CHECK_EQ_STR(buf, "1970-01-01");
    pq_chart_format_date(-1, buf, sizeof buf);
    CHECK_EQ_STR(buf, "1969-12-31");
    pq_chart_format_date(pq_days_from_civil(2024, 2, 29), buf, sizeof buf);
    CHECK_EQ_STR(buf, "2024-02-29");
    pq_chart_format_date(pq_days_from_civil(2023, 12, 31), buf, sizeof buf);
    CHECK_EQ_STR(buf, "2023-12-31");
}

static void check_date_ticks(const int64_t *got, int n, const char *const *want, int nwant)
{
    char buf[32];
    CHECK_EQ_I64(n, nwant);
    for (int i = 0; i < n && i < nwant; i++) {
        pq_chart_format_date(got[i], buf, sizeof buf);
        CHECK_EQ_STR(buf, want[i]);
    }
}

TEST(date_ticks)
{
    int64_t t[PQ_CHART_MAX_TICKS];
    int64_t a = pq_days_from_civil(2023, 1, 2), b = pq_days_from_civil(2024, 12, 20);
    /* two years, 11 labels: every other month */
    int n = pq_chart_date_ticks(a, b, 11, t);
    CHECK_EQ_I64(n, 11);
    char buf[32];
    pq_chart_format_date(t[0], buf, sizeof buf);
    CHECK_EQ_STR(buf, "2023-03-01");
    pq_chart_format_date(t[10], buf, sizeof buf);
    CHECK_EQ_STR(buf, "2024-11-01");
    /* 8 labels: quarters */
    n = pq_chart_date_ticks(a, b, 8, t);
    check_date_ticks(t, n,
                     (const char *const[]){"2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01", "2024-04-01",
                                           "2024-07-01", "2024-10-01"},
                     7);
    /* six weeks: Mondays */
    n = pq_chart_date_ticks(pq_days_from_civil(2024, 1, 1), pq_days_from_civil(2024, 2, 15), 8, t);
    check_date_ticks(t, n,
                     (const char *const[]){"2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29",
                                           "2024-02-05", "2024-02-12"},
                     7);
    /* a century: every 20 years, on multiples of 20 */
    n = pq_chart_date_ticks(0, pq_days_from_civil(2070, 1, 1), 6, t);
    check_date_ticks(t, n,
                     (const char *const[]){"1980-01-01", "2000-01-01", "2020-01-01", "2040-01-01", "2060-01-01"}, 5);
    /* one day */
    n = pq_chart_date_ticks(a, a, 5, t);
    CHECK_EQ_I64(n, 1);
    CHECK(n == 1 && t[0] == a);
    /* the whole int32 range: a few ascending ticks inside it */
    n = pq_chart_date_ticks(INT32_MIN, INT32_MAX, 8, t);
    CHECK(n >= 1 && n <= 8);
    for (int i = 0; i < n; i++) {
        CHECK(t[i] >= INT32_MIN && t[i] <= INT32_MAX);
        if (i) CHECK(t[i] > t[i - 1]);
    }
}

/* ---------------------------------------------------------- rendering */

TEST(line_chart_reads_back)
{
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/equity.png", dir);
    int32_t dates[NPTS];
    double eq[NPTS], dd[NPTS];
    equity_data(dates, eq, dd);
    pq_chart_line spec;
    pq_chart_line_init(&spec);
    spec.title = "Equity";
    spec.subtitle = "Total ROI 16,571.69 · max drawdown 543.2";
    spec.x_label = "Date";
    spec.y_label = "Cumulative P&L (INR)";
    spec.n = NPTS;
    spec.dates = dates;
    spec.y = eq;
    pq_error err;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);
    CHECK_EQ_I64(count_entries(dir), 1);

    image im;
    CHECK(load_png(path, &im));
    if (im.px) {
        CHECK_EQ_I64(im.w, 1800);
        CHECK_EQ_I64(im.h, 900);
        CHECK(pixel(&im, 0, 0) == PQ_CHART_RGB_BACKGROUND);
        CHECK(pixel(&im, im.w - 1, im.h - 1) == PQ_CHART_RGB_BACKGROUND);
        /* the series: many pixels of the line colour, none in the margins */
        long inside = count_rgb(&im, PQ_CHART_RGB_LINE, im.w / 20, im.h / 20, im.w - 10, im.h - im.h / 20);
        long all = count_rgb(&im, PQ_CHART_RGB_LINE, 0, 0, im.w, im.h);
        CHECK(inside > 1000);
        CHECK(all == inside);
        /* text in the title band and in the tick label column */
        CHECK(count_rgb(&im, PQ_CHART_RGB_TEXT, 0, 0, im.w, im.h / 12) > 100);
        CHECK(count_rgb(&im, PQ_CHART_RGB_MUTED, 0, im.h / 10, im.w / 10, im.h) > 100);
        free(im.px);
    }

    /* another size, period numbers */
    spec.dates = NULL;
    spec.width = 1000;
    spec.height = 500;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);
    CHECK(load_png(path, &im));
    if (im.px) {
        CHECK_EQ_I64(im.w, 1000);
        CHECK_EQ_I64(im.h, 500);
        CHECK(count_rgb(&im, PQ_CHART_RGB_LINE, 0, 0, im.w, im.h) > 300);
        free(im.px);
    }
    remove_dir(dir);
}

TEST(area_chart_red_below_zero)
{
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/dd.png", dir);
    double y[50];
    for (int i = 0; i < 50; i++) y[i] = 200 - 20.0 * i; /* crosses 0 at i = 10 */
    pq_chart_line spec;
    pq_chart_line_init(&spec);
    spec.title = "Drawdown";
    spec.n = 50;
    spec.y = y;
    spec.style = PQ_CHART_AREA_BELOW_ZERO;
    pq_error err;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);
    image im;
    CHECK(load_png(path, &im));
    if (im.px) {
        int zero = find_hline(&im, PQ_CHART_RGB_ZERO);
        CHECK(zero > im.h / 10 && zero < im.h / 2);
        if (zero > 0) {
            CHECK_EQ_I64(count_rgb(&im, PQ_CHART_RGB_LOSS_FILL, 0, 0, im.w, zero), 0);
            /* the middle column (y = -300 there) is red from the zero line down */
            int mid = im.w / 2;
            CHECK(count_rgb(&im, PQ_CHART_RGB_LOSS_FILL, mid, zero + 1, mid + 1, im.h) > 100);
            CHECK(count_rgb(&im, PQ_CHART_RGB_LOSS_FILL, 0, zero + 1, im.w, im.h) > 50000);
        }
        CHECK(count_rgb(&im, PQ_CHART_RGB_LOSS, 0, 0, im.w, im.h) > 500);
        CHECK_EQ_I64(count_rgb(&im, PQ_CHART_RGB_LINE, 0, 0, im.w, im.h), 0);
        free(im.px);
    }
    remove_dir(dir);
}

TEST(bars_chart_reads_back)
{
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bars.png", dir);
    pq_chart_bars spec;
    algo_bars(&spec);
    pq_error err;
    CHECK_OK(pq_chart_bars_png(path, &spec, &err), &err);
    image im;
    CHECK(load_png(path, &im));
    if (im.px) {
        CHECK_EQ_I64(im.w, 1800);
        CHECK_EQ_I64(im.h, 900);
        /* the best fitness (PSO, 2nd of 8, left panel) is highlighted; its
         * time bar in the right panel too */
        long best_left = count_rgb(&im, PQ_CHART_RGB_BEST, 0, 0, im.w / 2, im.h);
        long best_right = count_rgb(&im, PQ_CHART_RGB_BEST, im.w / 2, 0, im.w, im.h);
        CHECK(best_left > 10000);
        CHECK(best_right > 1000);
        CHECK(best_left > best_right);
        CHECK(count_rgb(&im, PQ_CHART_RGB_BAR, 0, 0, im.w / 2, im.h) > 10000);
        CHECK(count_rgb(&im, PQ_CHART_RGB_BAR, im.w / 2, 0, im.w, im.h) > 10000);
        /* the highlight sits in the second eighth of the left panel */
        long col_best = 0;
        for (int x = 0; x < im.w / 2; x++)
            if (pixel(&im, x, im.h * 6 / 10) == PQ_CHART_RGB_BEST) col_best = x;
        CHECK(col_best > im.w / 16 && col_best < im.w / 4);
        free(im.px);
    }

    /* no highlight */
    spec.best = PQ_CHART_BEST_NONE;
    CHECK_OK(pq_chart_bars_png(path, &spec, &err), &err);
    CHECK(load_png(path, &im));
    if (im.px) {
        CHECK_EQ_I64(count_rgb(&im, PQ_CHART_RGB_BEST, 0, 0, im.w, im.h), 0);
        free(im.px);
    }

    /* negative values go down from the zero line; NaN draws no bar */
    const double neg[4] = {-3.5, 12.25, NAN, -9.1};
    const char *labels[4] = {"Genetic algorithm (tournament)", "Particle swarm", NULL, "Bayesian optimisation"};
    pq_chart_bars_init(&spec);
    spec.n = 4;
    spec.labels = labels;
    spec.panels[0].values = neg;
    spec.panels[0].title = "Fitness";
    spec.best = PQ_CHART_BEST_MIN;
    spec.width = 900;
    spec.height = 600;
    CHECK_OK(pq_chart_bars_png(path, &spec, &err), &err);
    CHECK(load_png(path, &im));
    if (im.px) {
        CHECK_EQ_I64(im.w, 900);
        CHECK_EQ_I64(im.h, 600);
        int zero = find_hline(&im, PQ_CHART_RGB_ZERO);
        CHECK(zero > 0);
        if (zero > 0) {
            CHECK(count_rgb(&im, PQ_CHART_RGB_BAR, 0, 0, im.w, zero) > 1000);    /* 12.25 */
            CHECK(count_rgb(&im, PQ_CHART_RGB_BAR, 0, zero, im.w, im.h) > 300);  /* -3.5 */
            CHECK(count_rgb(&im, PQ_CHART_RGB_BEST, 0, zero, im.w, im.h) > 1000); /* -9.1, the minimum */
            CHECK_EQ_I64(count_rgb(&im, PQ_CHART_RGB_BEST, 0, 0, im.w, zero), 0);
        }
        free(im.px);
    }
    remove_dir(dir);
}

TEST(edge_series_render)
{
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/e.png", dir);
    pq_error err;
    pq_chart_line spec;
    image im;

    const double one[1] = {42.5};
    const int32_t day[1] = {19500};
    pq_chart_line_init(&spec);
    spec.n = 1;
    spec.y = one;
    spec.dates = day;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);
    CHECK(load_png(path, &im));
    if (im.px) { /* the single point is a dot */
        CHECK(count_rgb(&im, PQ_CHART_RGB_LINE, 0, 0, im.w, im.h) > 20);
        free(im.px);
    }
    spec.dates = NULL;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);

    const double flat[4] = {3, 3, 3, 3}, zeros[3] = {0, 0, 0};
    spec.n = 4;
    spec.y = flat;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);
    spec.n = 3;
    spec.y = zeros;
    spec.style = PQ_CHART_AREA_BELOW_ZERO;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);

    const double gaps[6] = {NAN, 1.5, INFINITY, -2.5, NAN, 4};
    spec.style = PQ_CHART_LINE;
    spec.n = 6;
    spec.y = gaps;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);
    CHECK(load_png(path, &im));
    if (im.px) {
        CHECK(count_rgb(&im, PQ_CHART_RGB_LINE, 0, 0, im.w, im.h) > 300);
        free(im.px);
    }

    const double huge[3] = {-DBL_MAX, 0, DBL_MAX}, tiny[3] = {5e-324, 1e-310, 2e-310};
    spec.n = 3;
    spec.y = huge;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);
    spec.y = tiny;
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);

    /* same dates for every point, smallest canvas */
    const int32_t same[3] = {100, 100, 100};
    spec.dates = same;
    spec.y = flat;
    spec.width = PQ_CHART_MIN_SIDE;
    spec.height = PQ_CHART_MIN_SIDE;
    spec.title = "A title much too long to fit a canvas this narrow, shrunk";
    CHECK_OK(pq_chart_line_png(path, &spec, &err), &err);

    /* bars: one category, all zero, explicit decimals */
    const double z1[1] = {0};
    pq_chart_bars b;
    pq_chart_bars_init(&b);
    b.n = 1;
    b.panels[0].values = z1;
    b.panels[0].decimals = 0;
    CHECK_OK(pq_chart_bars_png(path, &b, &err), &err);
    /* the most categories, huge values */
    double many[PQ_CHART_MAX_CATEGORIES];
    for (int i = 0; i < PQ_CHART_MAX_CATEGORIES; i++) many[i] = (i - 50) * 1e17;
    b.n = PQ_CHART_MAX_CATEGORIES;
    b.panels[0].values = many;
    b.panels[0].decimals = PQ_CHART_AUTO;
    CHECK_OK(pq_chart_bars_png(path, &b, &err), &err);
    remove_dir(dir);
}

TEST(output_is_deterministic)
{
    char dir[64], a[128], b[128];
    make_dir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    int32_t dates[NPTS];
    double eq[NPTS], dd[NPTS];
    equity_data(dates, eq, dd);
    pq_chart_line spec;
    pq_chart_line_init(&spec);
    spec.title = "Drawdown";
    spec.n = NPTS;
    spec.dates = dates;
    spec.y = dd;
    spec.style = PQ_CHART_AREA_BELOW_ZERO;
    pq_error err;
    CHECK_OK(pq_chart_line_png(a, &spec, &err), &err);
    CHECK_OK(pq_chart_line_png(b, &spec, &err), &err);
    CHECK(files_equal(a, b));
    pq_chart_bars bars;
    algo_bars(&bars);
    CHECK_OK(pq_chart_bars_png(a, &bars, &err), &err);
    CHECK_OK(pq_chart_bars_png(b, &bars, &err), &err);
    CHECK(files_equal(a, b));
    /* and a different input gives different bytes */
    bars.best = PQ_CHART_BEST_MIN;
    CHECK_OK(pq_chart_bars_png(b, &bars, &err), &err);
    CHECK(!files_equal(a, b));
    remove_dir(dir);
}

/* ------------------------------------------------------------- errors */

TEST(unwritable_path_is_io_error)
{
    const double y[3] = {1, 2, 3};
    pq_chart_line spec;
    pq_chart_line_init(&spec);
    spec.n = 3;
    spec.y = y;
    pq_error err;
    const char *missing = "/nonexistent-pq-chart-dir/sub/chart.png";
    CHECK_STATUS(pq_chart_line_png(missing, &spec, &err), PQ_ERR_IO);
    CHECK_EQ_STR(err.path, missing);
    CHECK(access(missing, F_OK) != 0);

    /* the target is a folder: the rename fails, the temporary file goes */
    char dir[64], sub[128];
    make_dir(dir, sizeof dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    CHECK(mkdir(sub, 0755) == 0);
    CHECK_STATUS(pq_chart_line_png(sub, &spec, &err), PQ_ERR_IO);
    CHECK_EQ_STR(err.path, sub);
    CHECK_EQ_I64(count_entries(dir), 1);
    CHECK_EQ_I64(count_entries(sub), 0);
    pq_chart_bars b;
    algo_bars(&b);
    CHECK_STATUS(pq_chart_bars_png(sub, &b, &err), PQ_ERR_IO);
    CHECK_EQ_I64(count_entries(dir), 1);
    remove_dir(dir);
}

TEST(bad_specs_are_invalid)
{
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/x.png", dir);
    pq_error err;
    const double nans[3] = {NAN, INFINITY, -INFINITY}, ok[3] = {1, 2, 3};
    const int32_t desc[3] = {10, 12, 11};
    pq_chart_line spec;

    pq_chart_line_init(&spec);
    spec.n = 3;
    spec.y = nans;
    CHECK_STATUS(pq_chart_line_png(path, &spec, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "no finite value") != NULL);
    spec.y = ok;
    spec.n = 0;
    CHECK_STATUS(pq_chart_line_png(path, &spec, &err), PQ_ERR_INVALID_ARG);
    spec.n = 3;
    spec.y = NULL;
    CHECK_STATUS(pq_chart_line_png(path, &spec, &err), PQ_ERR_INVALID_ARG);
    spec.y = ok;
    spec.dates = desc;
    CHECK_STATUS(pq_chart_line_png(path, &spec, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "ascending") != NULL);
    spec.dates = NULL;
    spec.width = 50;
    CHECK_STATUS(pq_chart_line_png(path, &spec, &err), PQ_ERR_INVALID_ARG);
    spec.width = PQ_CHART_MAX_SIDE + 1;
    CHECK_STATUS(pq_chart_line_png(path, &spec, &err), PQ_ERR_INVALID_ARG);
    spec.width = 0; /* default */
    spec.style = (pq_chart_style)7;
    CHECK_STATUS(pq_chart_line_png(path, &spec, &err), PQ_ERR_INVALID_ARG);
    spec.style = PQ_CHART_LINE;
    spec.y_label = "bad \xff UTF-8";
    CHECK_STATUS(pq_chart_line_png(path, &spec, &err), PQ_ERR_INVALID_ARG);
    spec.y_label = NULL;
    CHECK_STATUS(pq_chart_line_png("", &spec, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_chart_line_png(NULL, &spec, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_chart_line_png(path, NULL, &err), PQ_ERR_INVALID_ARG);

    pq_chart_bars b;
    algo_bars(&b);
    double all_nan[8];
    for (int i = 0; i < 8; i++) all_nan[i] = NAN;
    b.panels[1].values = all_nan;
    CHECK_STATUS(pq_chart_bars_png(path, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "panel 2") != NULL);
    algo_bars(&b);
    b.n_panels = 3;
    CHECK_STATUS(pq_chart_bars_png(path, &b, &err), PQ_ERR_INVALID_ARG);
    b.n_panels = 0;
    CHECK_STATUS(pq_chart_bars_png(path, &b, &err), PQ_ERR_INVALID_ARG);
    algo_bars(&b);
    b.n = 0;
    CHECK_STATUS(pq_chart_bars_png(path, &b, &err), PQ_ERR_INVALID_ARG);
    b.n = PQ_CHART_MAX_CATEGORIES + 1;
    CHECK_STATUS(pq_chart_bars_png(path, &b, &err), PQ_ERR_INVALID_ARG);
    algo_bars(&b);
    b.panels[0].decimals = 12;
    CHECK_STATUS(pq_chart_bars_png(path, &b, &err), PQ_ERR_INVALID_ARG);
    algo_bars(&b);
    b.panels[1].values = NULL;
    CHECK_STATUS(pq_chart_bars_png(path, &b, &err), PQ_ERR_INVALID_ARG);
    algo_bars(&b);
    b.best = (pq_chart_best)9;
    CHECK_STATUS(pq_chart_bars_png(path, &b, &err), PQ_ERR_INVALID_ARG);
    algo_bars(&b);
    const char *bad_labels[8] = {"GA", "P\xc3", "SA", "DE", "ACO", "HC", "BO", "RS"};
    b.labels = bad_labels;
    CHECK_STATUS(pq_chart_bars_png(path, &b, &err), PQ_ERR_INVALID_ARG);

    CHECK_EQ_I64(count_entries(dir), 0); /* nothing written by any of them */
    remove_dir(dir);
}

int main(void)
{
    RUN(ticks_known_ranges);
    RUN(ticks_edge_ranges);
    RUN(number_labels);
    RUN(date_labels);
    RUN(date_ticks);
    RUN(line_chart_reads_back);
    RUN(area_chart_red_below_zero);
    RUN(bars_chart_reads_back);
    RUN(edge_series_render);
    RUN(output_is_deterministic);
    RUN(unwritable_path_is_io_error);
    RUN(bad_specs_are_invalid);
    pq_chart_release_caches(); /* cairo's and fontconfig's, so that LeakSanitizer sees no leak */
    return harness_done();
}
