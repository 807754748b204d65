/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/backtest/test_universes.c - backtest/universes.c: the "--universes"
 * selection (sorted, distinct ids; whitespace; every bad part an error
 * naming its position and text; the 1,000,000 limits), universe file names
 * under both conventions with their ids (the 5x5 grid for the analyzer's
 * names), the files never taken for universes, and pq_bt_find_universes in
 * a temporary folder: pairing, order, symlinks, selection filtering and
 * the exact not-found messages.
 */
#include "backtest/universes.h"

#include "harness.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256]; /* the temporary folder */


/* Create <dir>/<name> with some content. */
static void touch(const char *dir, const char *name)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    harness_write_text(path, "{}");
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0) {
        fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno));
        exit(2);
    }
}

/* Does the selection hold exactly `want` (n ids)? */
static int same_ids(const pq_bt_selection *s, const int *want, size_t n)
{
    if (s->n != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (s->ids[i] != want[i]) return 0;
    return 1;
}

/* Parse `text`; expect PQ_ERR_INVALID_ARG with exactly `message`. */
static void check_parse_error(const char *text, const char *message)
{
    pq_bt_selection s = {(int *)1, 99}; /* garbage: the call must empty it */
    pq_error err;
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_selection_parse(text, &s, &err), PQ_ERR_INVALID_ARG);
    CHECK_EQ_STR(err.message, message);
    CHECK(s.ids == NULL);
    CHECK_EQ_I64(s.n, 0);
    pq_bt_selection_reset(&s);
}

/* ------------------------------------------------------- selection */

TEST(selection_examples)
{
    pq_error err;
    pq_error_clear(&err);
    pq_bt_selection s = {NULL, 0};

    static const int ex1[] = {1, 5, 10, 11, 12, 13, 14, 15, 25};
    CHECK_OK(pq_bt_selection_parse("1,5,10-15,25", &s, &err), &err);
    CHECK(same_ids(&s, ex1, 9));
    CHECK(pq_bt_selection_has(&s, 1));
    CHECK(pq_bt_selection_has(&s, 12));
    CHECK(pq_bt_selection_has(&s, 25));
    CHECK(!pq_bt_selection_has(&s, 2));
    CHECK(!pq_bt_selection_has(&s, 16));
    CHECK(!pq_bt_selection_has(&s, 0));
    CHECK(!pq_bt_selection_has(&s, 26));
    pq_bt_selection_reset(&s);
    CHECK(s.ids == NULL);
    CHECK_EQ_I64(s.n, 0);

    static const int ex2[] = {1, 3, 4, 5};
    CHECK_OK(pq_bt_selection_parse("1, 3 - 5", &s, &err), &err);
    CHECK(same_ids(&s, ex2, 4));
    pq_bt_selection_reset(&s);
    CHECK_OK(pq_bt_selection_parse(" \t1 ,\n3-  5 \r", &s, &err), &err);
    CHECK(same_ids(&s, ex2, 4));
    pq_bt_selection_reset(&s);

    /* unsorted, duplicated, overlapping */
    static const int ex3[] = {1, 2, 3, 5};
    CHECK_OK(pq_bt_selection_parse("5,1,5,2-3,3", &s, &err), &err);
    CHECK(same_ids(&s, ex3, 4));
    pq_bt_selection_reset(&s);
    CHECK_OK(pq_bt_selection_parse("10-20,15-25,1-3,4-4", &s, &err), &err);
    CHECK_EQ_I64(s.n, 20); /* 1..4, 10..25 */
    CHECK_EQ_I64(s.ids[0], 1);
    CHECK_EQ_I64(s.ids[3], 4);
    CHECK_EQ_I64(s.ids[4], 10);
    CHECK_EQ_I64(s.ids[19], 25);
    pq_bt_selection_reset(&s);

    static const int one[] = {7};
    CHECK_OK(pq_bt_selection_parse("7", &s, &err), &err);
    CHECK(same_ids(&s, one, 1));
    pq_bt_selection_reset(&s);
    CHECK_OK(pq_bt_selection_parse("7-7", &s, &err), &err);
    CHECK(same_ids(&s, one, 1));
    pq_bt_selection_reset(&s);
    static const int lead[] = {7, 8};
    CHECK_OK(pq_bt_selection_parse("007-0008", &s, &err), &err);
    CHECK(same_ids(&s, lead, 2));
    pq_bt_selection_reset(&s);

    /* the edges: the largest id, and exactly 1,000,000 ids */
    static const int top[] = {999999, 1000000};
    CHECK_OK(pq_bt_selection_parse("999999-1000000", &s, &err), &err);
    CHECK(same_ids(&s, top, 2));
    pq_bt_selection_reset(&s);
    CHECK_OK(pq_bt_selection_parse("1-500000,500001-1000000", &s, &err), &err);
    CHECK_EQ_I64(s.n, 1000000);
    CHECK_EQ_I64(s.ids[0], 1);
    CHECK_EQ_I64(s.ids[999999], 1000000);
    CHECK(pq_bt_selection_has(&s, 500000));
    CHECK(pq_bt_selection_has(&s, 1000000));
    CHECK(!pq_bt_selection_has(&s, 1000001));
    CHECK(!pq_bt_selection_has(&s, -1));
    pq_bt_selection_reset(&s);

    /* has() of nothing; reset twice */
    CHECK(!pq_bt_selection_has(NULL, 1));
    CHECK(!pq_bt_selection_has(&s, 1));
    pq_bt_selection_reset(&s);
    pq_bt_selection_reset(NULL);
}

TEST(selection_errors)
{
    check_parse_error("", "--universes: the selection is empty (expected ids such as 1,5,10-15)");
    check_parse_error(" \t ", "--universes: the selection is empty (expected ids such as 1,5,10-15)");
    check_parse_error(NULL, "--universes: no selection given");

    check_parse_error("1,,2", "--universes: part 2 '': empty part");
    check_parse_error("1, ,2", "--universes: part 2 '': empty part");
    check_parse_error(",1", "--universes: part 1 '': empty part");
    check_parse_error("1,2,", "--universes: part 3 '': empty part");

    check_parse_error("1,5,7-5", "--universes: part 3 '7-5': a range must go up (7 > 5)");
    check_parse_error("1, 7 - 5 ", "--universes: part 2 '7 - 5': a range must go up (7 > 5)");

    static const char *const not_numbers[] = {"abc", "1x", "1.5", "1-2-3", "3-", "-", "1 2", "+3", "0x10", "1-b",
                                              "- 5", "5 -", "1e3"};
    for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++) {
        char text[64], want[160];
        snprintf(text, sizeof text, "4,%s", not_numbers[i]);
        snprintf(want, sizeof want, "--universes: part 2 '%s': not an id nor a range of ids (A-B)", not_numbers[i]);
        check_parse_error(text, want);
    }

    check_parse_error("0", "--universes: part 1 '0': ids start at 1 (0 is not an id)");
    check_parse_error("000", "--universes: part 1 '000': ids start at 1 (0 is not an id)");
    check_parse_error("0-5", "--universes: part 1 '0-5': ids start at 1 (0 is not an id)");
    check_parse_error("2,-3", "--universes: part 2 '-3': ids start at 1 (a negative id)");
    check_parse_error("-3-5", "--universes: part 1 '-3-5': ids start at 1 (a negative id)");
    check_parse_error("2--3", "--universes: part 1 '2--3': ids start at 1 (a negative id)");
    check_parse_error("1000001", "--universes: part 1 '1000001': an id is at most 1000000");
    check_parse_error("5,1-1000001", "--universes: part 2 '1-1000001': an id is at most 1000000");
    check_parse_error("99999999999999999999999999",
                      "--universes: part 1 '99999999999999999999999999': an id is at most 1000000");
    check_parse_error("1-99999999999999999999999999",
                      "--universes: part 1 '1-99999999999999999999999999': an id is at most 1000000");

    /* more than 1,000,000 ids before de-duplication */
    check_parse_error("1-1000000,5", "--universes: part 2 '5': more than 1000000 ids in all");
    check_parse_error("1-500000,500000-1000000", "--universes: part 2 '500000-1000000': more than 1000000 ids in all");

    /* a long part is cut in the message */
    char text[200], want[200];
    memset(text, 'a', 100);
    text[100] = '\0';
    snprintf(want, sizeof want, "--universes: part 1 '%.64s...': not an id nor a range of ids (A-B)", text);
    check_parse_error(text, want);

    /* the first bad part is the one reported */
    check_parse_error("1,x,,9-2", "--universes: part 2 'x': not an id nor a range of ids (A-B)");
}

/* ------------------------------------------------------------ names */

typedef struct name_case {
    const char *name;
    const char *stem; /* NULL: not a universe */
    int id, interval, lookback;
    bool parquet;
} name_case;

TEST(universe_names)
{
    static const name_case cases[] = {
        /* universe_<NNN>_<X>min_<Y>lb */
        {"universe_001_5min_5lb.json", "universe_001_5min_5lb", 1, 5, 5, false},
        {"universe_025_60min_30lb.parquet", "universe_025_60min_30lb", 25, 60, 30, true},
        {"universe_1000000_1min_1lb.json", "universe_1000000_1min_1lb", 1000000, 1, 1, false},
        {"EURUSD_universe_003_15min_10lb.parquet", "EURUSD_universe_003_15min_10lb", 3, 15, 10, true},
        /* [<PREFIX>]universe_<I>m_<L>lb: the grid */
        {"EURUSD_2025_universe_5m_10lb.parquet", "EURUSD_2025_universe_5m_10lb", 7, 5, 10, true},
        {"universe_1m_5lb.json", "universe_1m_5lb", 1, 1, 5, false},
        {"universe_1m_10lb.json", "universe_1m_10lb", 2, 1, 10, false},
        {"universe_1m_30lb.json", "universe_1m_30lb", 5, 1, 30, false},
        {"universe_5m_5lb.json", "universe_5m_5lb", 6, 5, 5, false},
        {"X_universe_15m_20lb.json", "X_universe_15m_20lb", 14, 15, 20, false},
        {"GBPUSD_2024_universe_30m_15lb.json", "GBPUSD_2024_universe_30m_15lb", 18, 30, 15, false},
        {"universe_60m_30lb.parquet", "universe_60m_30lb", 25, 60, 30, true},
        {"my_universe_x_universe_5m_10lb.json", "my_universe_x_universe_5m_10lb", 7, 5, 10, false},
        /* off the grid: interval and lookback, no id */
        {"EURUSD_2025_universe_5m_7lb.json", "EURUSD_2025_universe_5m_7lb", 0, 5, 7, false},
        {"universe_2m_5lb.json", "universe_2m_5lb", 0, 2, 5, false},
        {"universe_240m_30lb.json", "universe_240m_30lb", 0, 240, 30, false},
        /* universes whose name does not parse */
        {"universe_foo.json", "universe_foo", 0, 0, 0, false},
        {"universe_.json", "universe_", 0, 0, 0, false},
        {"universe_000_5min_5lb.json", "universe_000_5min_5lb", 0, 0, 0, false},
        {"universe_001_0min_5lb.json", "universe_001_0min_5lb", 0, 0, 0, false},
        {"universe_1000001_5min_5lb.json", "universe_1000001_5min_5lb", 0, 0, 0, false},
        {"universe_001_5min_5lb_v2.json", "universe_001_5min_5lb_v2", 0, 0, 0, false},
        {"universe_001_5m_5lb.json", "universe_001_5m_5lb", 0, 0, 0, false},
        {"universe_5min_10lb.json", "universe_5min_10lb", 0, 0, 0, false},
        {"universe_0m_5lb.json", "universe_0m_5lb", 0, 0, 0, false},
        {"universe_5m_10.json", "universe_5m_10", 0, 0, 0, false},
        {"A_universe_5m_10lbx.parquet", "A_universe_5m_10lbx", 0, 0, 0, true},
        {"universe_candles.json", "universe_candles", 0, 0, 0, false},
        {"universe_5m_candles.parquet", "universe_5m_candles", 0, 0, 0, true},
        {"universe_5m.json.parquet", "universe_5m.json", 0, 0, 0, true},
        /* never universes */
        {"universe_001_5min_5lb_metadata.json", NULL, 0, 0, 0, false},
        {"EURUSD_2025_universe_5m_5lb_metadata.json", NULL, 0, 0, 0, false},
        {"EURUSD_2025_universe_5m_5lb_metadata.parquet", NULL, 0, 0, 0, false},
        {"universe_001_5min_5lb_backtest.json", NULL, 0, 0, 0, false},
        {"EURUSD_2025_universe_5m_5lb_backtest.parquet", NULL, 0, 0, 0, false},
        {"universe_001_backtest_old.json", NULL, 0, 0, 0, false},
        {"universe_candles_5m.parquet", NULL, 0, 0, 0, false},
        {"EURUSD_2025_universe_5m_candles_0123456789ab.parquet", NULL, 0, 0, 0, false},
        {".universe_001_5min_5lb.json", NULL, 0, 0, 0, false},
        {"universe_001_5min_5lb.json.tmp-1234", NULL, 0, 0, 0, false},
        {"universe_001_5min_5lb.tmp-ab12.parquet", NULL, 0, 0, 0, false},
        {"universe_001_5min_5lb.csv", NULL, 0, 0, 0, false},
        {"universe_001_5min_5lb.JSON", NULL, 0, 0, 0, false},
        {"universe_001_5min_5lb", NULL, 0, 0, 0, false},
        {"universe_001_5min_5lb.parquet.bak", NULL, 0, 0, 0, false},
        {"universe.json", NULL, 0, 0, 0, false},
        {"myuniverse_1m_5lb.json", NULL, 0, 0, 0, false},
        {"EURUSD_2025_universe.json", NULL, 0, 0, 0, false},
        {"all_strategies_metrics.json", NULL, 0, 0, 0, false},
        {".json", NULL, 0, 0, 0, false},
        {".parquet", NULL, 0, 0, 0, false},
        {"", NULL, 0, 0, 0, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const name_case *c = &cases[i];
        pq_bt_universe_file f;
        memset(&f, 0x5a, sizeof f); /* garbage: the call must fill every field */
        bool got = pq_bt_universe_name(c->name, &f);
        CHECK(got == (c->stem != NULL));
        if (got != (c->stem != NULL)) fprintf(stderr, "  name '%s'\n", c->name);
        if (!got) {
            CHECK(f.stem == NULL);
            CHECK(f.path == NULL);
            CHECK_EQ_I64(f.id, 0);
            continue;
        }
        CHECK_EQ_STR(f.stem, c->stem);
        CHECK(f.path == NULL);
        CHECK_EQ_I64(f.id, c->id);
        CHECK_EQ_I64(f.interval, c->interval);
        CHECK_EQ_I64(f.lookback, c->lookback);
        CHECK(f.is_parquet == c->parquet);
        CHECK(!f.has_json);
        if (f.id != c->id || f.interval != c->interval || f.lookback != c->lookback)
            fprintf(stderr, "  name '%s'\n", c->name);
        free(f.stem);
    }
    pq_bt_universe_file f;
    CHECK(!pq_bt_universe_name(NULL, &f));
    CHECK(f.stem == NULL);

    /* the whole grid, interval-major */
    static const int iv[5] = {1, 5, 15, 30, 60}, lb[5] = {5, 10, 15, 20, 30};
    int want = 1;
    for (int i = 0; i < 5; i++)
        for (int l = 0; l < 5; l++, want++) {
            char name[64];
            snprintf(name, sizeof name, "EURUSD_2025_universe_%dm_%dlb.json", iv[i], lb[l]);
            CHECK(pq_bt_universe_name(name, &f));
            CHECK_EQ_I64(f.id, want);
            CHECK_EQ_I64(f.interval, iv[i]);
            CHECK_EQ_I64(f.lookback, lb[l]);
            free(f.stem);
        }
}

/* ------------------------------------------------------------ folder */

typedef struct want_file {
    const char *name; /* file name of path */
    const char *stem;
    int id, interval, lookback;
    bool parquet, has_json;
} want_file;

static void check_list(const pq_bt_universe_list *l, const char *dir, const want_file *want, size_t n)
{
    CHECK_EQ_I64(l->n, n);
    for (size_t i = 0; i < n && i < l->n; i++) {
        const pq_bt_universe_file *f = &l->files[i];
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, want[i].name);
        CHECK_EQ_STR(f->path, path);
        CHECK_EQ_STR(f->stem, want[i].stem);
        CHECK_EQ_I64(f->id, want[i].id);
        CHECK_EQ_I64(f->interval, want[i].interval);
        CHECK_EQ_I64(f->lookback, want[i].lookback);
        CHECK(f->is_parquet == want[i].parquet);
        CHECK(f->has_json == want[i].has_json);
    }
    if (l->n != n)
        for (size_t i = 0; i < l->n; i++) fprintf(stderr, "  got %s\n", l->files[i].path);
}

/* The folder of the listing tests: a mix of universes and other files. */
static void fill_folder(const char *dir)
{
    make_dir(dir);
    /* universes, both conventions */
    touch(dir, "universe_001_5min_5lb.json");
    touch(dir, "universe_009_5min_5lb.parquet");
    touch(dir, "AAA_universe_5m_5lb.json");
    touch(dir, "universe_002_5min_10lb.parquet");
    touch(dir, "universe_002_5min_10lb.json"); /* pairs with the Parquet */
    touch(dir, "EURUSD_2025_universe_1m_10lb.parquet");
    touch(dir, "EURUSD_2025_universe_15m_20lb.json");
    touch(dir, "EURUSD_2025_universe_5m_7lb.json"); /* off the grid */
    touch(dir, "universe_foo.json");                /* no id */
    touch(dir, "universe_bar.parquet");
    /* a symbolic link to a regular file counts; a dangling or looping one does not */
    touch(dir, "data.bin");
    char link[PATH_MAX];
    snprintf(link, sizeof link, "%s/universe_007_30min_5lb.json", dir);
    CHECK(symlink("data.bin", link) == 0);
    snprintf(link, sizeof link, "%s/universe_008_30min_10lb.json", dir);
    CHECK(symlink("missing.bin", link) == 0);
    snprintf(link, sizeof link, "%s/universe_011_30min_15lb.json", dir);
    CHECK(symlink("universe_011_30min_15lb.json", link) == 0); /* a loop */
    /* never universes */
    touch(dir, "EURUSD_2025_universe_15m_20lb_metadata.json");
    touch(dir, "universe_002_5min_10lb_metadata.json");
    touch(dir, "universe_001_5min_5lb_backtest.json");
    touch(dir, "EURUSD_2025_universe_15m_20lb_backtest.parquet");
    touch(dir, "universe_003_5min_15lb.tmp-99.json");
    touch(dir, "universe_003_5min_15lb.json.tmp-abcd");
    touch(dir, ".universe_004_5min_20lb.json");
    touch(dir, "EURUSD_2025_universe_5m_candles_0123456789ab.parquet");
    touch(dir, "universe_006_5min_5lb.csv");
    touch(dir, "notes.txt");
    char sub[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/universe_005_5min_30lb.parquet", dir);
    make_dir(sub);
    snprintf(sub, sizeof sub, "%s/universes", dir);
    make_dir(sub);
    touch(sub, "universe_010_1min_5lb.json"); /* not recursive */
}

static const want_file ALL[] = {
    {"EURUSD_2025_universe_1m_10lb.parquet", "EURUSD_2025_universe_1m_10lb", 2, 1, 10, true, false},
    {"AAA_universe_5m_5lb.json", "AAA_universe_5m_5lb", 6, 5, 5, false, false},
    {"universe_001_5min_5lb.json", "universe_001_5min_5lb", 1, 5, 5, false, false},
    {"universe_009_5min_5lb.parquet", "universe_009_5min_5lb", 9, 5, 5, true, false},
    {"EURUSD_2025_universe_5m_7lb.json", "EURUSD_2025_universe_5m_7lb", 0, 5, 7, false, false},
    {"universe_002_5min_10lb.parquet", "universe_002_5min_10lb", 2, 5, 10, true, true},
    {"EURUSD_2025_universe_15m_20lb.json", "EURUSD_2025_universe_15m_20lb", 14, 15, 20, false, false},
    {"universe_007_30min_5lb.json", "universe_007_30min_5lb", 7, 30, 5, false, false},
    {"universe_bar.parquet", "universe_bar", 0, 0, 0, true, false},
    {"universe_foo.json", "universe_foo", 0, 0, 0, false, false},
};
#define N_ALL (sizeof ALL / sizeof ALL[0])

TEST(find_all)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/mix", tmp);
    fill_folder(dir);
    pq_error err;
    pq_error_clear(&err);
    pq_bt_universe_list l = {(pq_bt_universe_file *)1, 99}; /* garbage: overwritten */
    CHECK_OK(pq_bt_find_universes(dir, NULL, &l, &err), &err);
    check_list(&l, dir, ALL, N_ALL);
    pq_bt_universe_list_reset(&l);
    CHECK(l.files == NULL);
    CHECK_EQ_I64(l.n, 0);
    pq_bt_universe_list_reset(&l);

    /* an empty selection selects everything */
    pq_bt_selection none = {NULL, 0};
    CHECK_OK(pq_bt_find_universes(dir, &none, &l, &err), &err);
    check_list(&l, dir, ALL, N_ALL);
    pq_bt_universe_list_reset(&l);

    /* a trailing '/' does not double in the paths */
    char slash[600];
    snprintf(slash, sizeof slash, "%s/", dir);
    CHECK_OK(pq_bt_find_universes(slash, NULL, &l, &err), &err);
    check_list(&l, dir, ALL, N_ALL);
    pq_bt_universe_list_reset(&l);

    /* a JSON alone once its Parquet is gone */
    char path[1024];
    snprintf(path, sizeof path, "%s/universe_002_5min_10lb.parquet", dir);
    CHECK(unlink(path) == 0);
    CHECK_OK(pq_bt_find_universes(dir, NULL, &l, &err), &err);
    CHECK_EQ_I64(l.n, N_ALL);
    if (l.n == N_ALL) {
        CHECK_EQ_STR(l.files[5].stem, "universe_002_5min_10lb");
        CHECK(l.files[5].path && strstr(l.files[5].path, "/universe_002_5min_10lb.json") != NULL);
        CHECK(!l.files[5].is_parquet);
        CHECK(!l.files[5].has_json);
    }
    pq_bt_universe_list_reset(&l);
    touch(dir, "universe_002_5min_10lb.parquet");
}

TEST(find_selected)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/mix", tmp);
    pq_error err;
    pq_error_clear(&err);
    pq_bt_selection s = {NULL, 0};
    pq_bt_universe_list l = {NULL, 0};

    /* id 2 twice: the grid's 1m/10lb and universe_002 */
    CHECK_OK(pq_bt_selection_parse("2", &s, &err), &err);
    CHECK_OK(pq_bt_find_universes(dir, &s, &l, &err), &err);
    const want_file two[] = {ALL[0], ALL[5]};
    check_list(&l, dir, two, 2);
    pq_bt_universe_list_reset(&l);
    pq_bt_selection_reset(&s);

    /* some ids missing (30, 31): not an error */
    CHECK_OK(pq_bt_selection_parse("14, 1, 30-31", &s, &err), &err);
    CHECK_OK(pq_bt_find_universes(dir, &s, &l, &err), &err);
    const want_file some[] = {ALL[2], ALL[6]};
    check_list(&l, dir, some, 2);
    pq_bt_universe_list_reset(&l);
    pq_bt_selection_reset(&s);

    /* every id: the universes without one are left out */
    CHECK_OK(pq_bt_selection_parse("1-1000000", &s, &err), &err);
    CHECK_OK(pq_bt_find_universes(dir, &s, &l, &err), &err);
    const want_file with_id[] = {ALL[0], ALL[1], ALL[2], ALL[3], ALL[5], ALL[6], ALL[7]};
    check_list(&l, dir, with_id, 7);
    pq_bt_universe_list_reset(&l);
    pq_bt_selection_reset(&s);

    /* nothing matches: which ids were asked for, which exist */
    CHECK_OK(pq_bt_selection_parse("30-31", &s, &err), &err);
    l.files = (pq_bt_universe_file *)1;
    l.n = 5;
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(dir, &s, &l, &err), PQ_ERR_NOT_FOUND);
    char want[1024];
    snprintf(want, sizeof want,
             "--universes 30-31: no universe in %s has one of these ids (ids found: 1-2,6-7,9,14)", dir);
    CHECK_EQ_STR(err.message, want);
    CHECK(l.files == NULL);
    CHECK_EQ_I64(l.n, 0);
    pq_bt_selection_reset(&s);

    CHECK_OK(pq_bt_selection_parse("3,5,8,10-13,15-17,20,100-200,40", &s, &err), &err);
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(dir, &s, &l, &err), PQ_ERR_NOT_FOUND);
    snprintf(want, sizeof want,
             "--universes 3,5,8,10-13,15-17,20,40,100-200: no universe in %s has one of these ids (ids found: "
             "1-2,6-7,9,14)", dir);
    CHECK_EQ_STR(err.message, want);
    pq_bt_selection_reset(&s);

    /* many ids asked for: the list is cut with ",..." */
    char text[1024] = "", asked[128] = "";
    for (int id = 100; id <= 400; id += 2)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%d", id > 100 ? "," : "", id);
    for (int id = 100; id <= 144; id += 2)
        snprintf(asked + strlen(asked), sizeof asked - strlen(asked), "%s%d", id > 100 ? "," : "", id);
    CHECK_OK(pq_bt_selection_parse(text, &s, &err), &err);
    CHECK_EQ_I64(s.n, 151);
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(dir, &s, &l, &err), PQ_ERR_NOT_FOUND);
    snprintf(want, sizeof want, "--universes %s,...: no universe in %s has one of these ids (ids found: 1-2,6-7,9,14)",
             asked, dir);
    CHECK_EQ_STR(err.message, want);
    pq_bt_selection_reset(&s);
    pq_bt_universe_list_reset(&l);
}

TEST(find_errors)
{
    pq_error err;
    pq_bt_universe_list l = {NULL, 0};
    char dir[512], want[1024];

    /* no such folder */
    snprintf(dir, sizeof dir, "%s/nope", tmp);
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(dir, NULL, &l, &err), PQ_ERR_NOT_FOUND);
    snprintf(want, sizeof want, "%s: no such folder", dir);
    CHECK_EQ_STR(err.message, want);
    CHECK(l.files == NULL && l.n == 0);

    /* a file, not a folder */
    snprintf(dir, sizeof dir, "%s/mix/notes.txt", tmp);
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(dir, NULL, &l, &err), PQ_ERR_NOT_FOUND);
    snprintf(want, sizeof want, "%s: not a folder", dir);
    CHECK_EQ_STR(err.message, want);

    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(NULL, NULL, &l, &err), PQ_ERR_INVALID_ARG);
    CHECK_EQ_STR(err.message, "no universe folder given");

    /* a folder without universes, only files that look like them */
    snprintf(dir, sizeof dir, "%s/none", tmp);
    make_dir(dir);
    touch(dir, "EURUSD_2025_universe_5m_5lb_metadata.json");
    touch(dir, "EURUSD_2025_universe_5m_5lb_backtest.json");
    touch(dir, ".universe_001_5min_5lb.json");
    touch(dir, "universe_001_5min_5lb.tmp-1.json");
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/universe_002_5min_5lb.json", dir);
    make_dir(sub);
    snprintf(want, sizeof want,
             "%s: no universe file (looked for universe_*.parquet|json and *_universe_*.parquet|json)", dir);
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(dir, NULL, &l, &err), PQ_ERR_NOT_FOUND);
    CHECK_EQ_STR(err.message, want);
    /* the same with a selection */
    pq_bt_selection s = {NULL, 0};
    CHECK_OK(pq_bt_selection_parse("1", &s, &err), &err);
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(dir, &s, &l, &err), PQ_ERR_NOT_FOUND);
    CHECK_EQ_STR(err.message, want);
    /* an empty folder */
    snprintf(dir, sizeof dir, "%s/empty", tmp);
    make_dir(dir);
    snprintf(want, sizeof want,
             "%s: no universe file (looked for universe_*.parquet|json and *_universe_*.parquet|json)", dir);
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(dir, NULL, &l, &err), PQ_ERR_NOT_FOUND);
    CHECK_EQ_STR(err.message, want);

    /* universes, none with an id: a selection finds nothing */
    snprintf(dir, sizeof dir, "%s/noid", tmp);
    make_dir(dir);
    touch(dir, "universe_foo.json");
    touch(dir, "universe_5m_7lb.parquet");
    pq_error_clear(&err);
    CHECK_STATUS(pq_bt_find_universes(dir, &s, &l, &err), PQ_ERR_NOT_FOUND);
    snprintf(want, sizeof want, "--universes 1: no universe in %s has one of these ids (ids found: none)", dir);
    CHECK_EQ_STR(err.message, want);
    CHECK_OK(pq_bt_find_universes(dir, NULL, &l, &err), &err);
    CHECK_EQ_I64(l.n, 2);
    if (l.n == 2) {
        CHECK_EQ_STR(l.files[0].stem, "universe_5m_7lb");
        CHECK_EQ_STR(l.files[1].stem, "universe_foo");
    }
    pq_bt_universe_list_reset(&l);
    pq_bt_selection_reset(&s);

    /* a folder that cannot be read (root reads anything: skipped then) */
    if (geteuid() != 0) {
        snprintf(dir, sizeof dir, "%s/closed", tmp);
        make_dir(dir);
        touch(dir, "universe_001_5min_5lb.json");
        CHECK(chmod(dir, 0) == 0);
        pq_error_clear(&err);
        CHECK_STATUS(pq_bt_find_universes(dir, NULL, &l, &err), PQ_ERR_IO);
        snprintf(want, sizeof want, "%s: cannot open the folder: %s", dir, strerror(EACCES));
        CHECK_EQ_STR(err.message, want);
        CHECK(chmod(dir, 0755) == 0);
    }
}

/* A folder path that fits but whose files' paths do not: refused, not cut. */
TEST(find_path_too_long)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        CHECK(0);
        return;
    }
    char *dir = malloc(PATH_MAX);
    char part[201];
    memset(part, 'd', 200);
    part[200] = '\0';
    size_t len = (size_t)snprintf(dir, PATH_MAX, "%s/deep", tmp);
    make_dir(dir);
    /* grow the folder to 221..20 bytes short of PATH_MAX */
    while (len + 1 + 200 <= PATH_MAX - 20) {
        len += (size_t)snprintf(dir + len, PATH_MAX - len, "/%s", part);
        make_dir(dir);
    }
    /* dir/<name> is longer than PATH_MAX: create it from inside */
    CHECK(chdir(dir) == 0);
    char name[251];
    memset(name, 'x', 229);
    snprintf(name + 229, sizeof name - 229, "_universe_5m_5lb.json");
    harness_write_text(name, "{}");
    CHECK(chdir(cwd) == 0);
    pq_error err;
    pq_error_clear(&err);
    pq_bt_universe_list l = {NULL, 0};
    CHECK_STATUS(pq_bt_find_universes(dir, NULL, &l, &err), PQ_ERR_INVALID_ARG);
    /* the message is cut to the error record's size */
    char *want = malloc(2 * PATH_MAX);
    snprintf(want, 2 * PATH_MAX, "path too long (%d bytes or more): %s/%s", PATH_MAX, dir, name);
    want[sizeof err.message - 1] = '\0';
    CHECK_EQ_STR(err.message, want);
    free(want);
    CHECK(l.files == NULL && l.n == 0);
    free(dir);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/pq_bt_universes_XXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 2;
    }
    RUN(selection_examples);
    RUN(selection_errors);
    RUN(universe_names);
    RUN(find_all);
    RUN(find_selected);
    RUN(find_errors);
    RUN(find_path_too_long);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    return harness_done();
}
