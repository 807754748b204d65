/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_generate.c - `parquant generate necrozma`: write a synthetic
 * NECROZMA results tree (migrate/generate.h) for demos, tests and the
 * `migrate` benchmark; `parquant generate strategies`: a synthetic strategy
 * P&L CSV (pnl/pnl_generate.c).  One summary line on stdout (files, bytes); a
 * progress line on stderr only when stderr is a terminal.
 *
 * Exit status: 0 written, 1 failed (I/O...), 2 usage error.
 */
#include "cli/cli.h"
#include "migrate/generate.h"
#include "parquant/pnl.h"

#include <string.h>

static const char GENERATE_USAGE[] =
    "usage: parquant generate necrozma --root DIR [options]\n"
    "  writes DIR/universes/<PAIR>_<YEAR>_universe_<I>m_<L>lb.json (25),\n"
    "  DIR/backtest_results/<...>_backtest.json (25) and DIR/backtest_results/detailed_trades/<strategy>.json\n"
    "  --root DIR           results root (created if missing; required)\n"
    "  --scale S            small (a few MB: hundreds of candles, 4 strategies; default) or\n"
    "                       production (~830 MB: a year of 5-minute candles per universe,\n"
    "                       560 stats per cell, 50 strategies)\n"
    "  --seed N             random seed, 0..9223372036854775807 (default 1); same options, same bytes\n"
    "  --pair P             currency pair for the file prefix, letters and digits (default EURUSD)\n"
    "  --year Y             data year, 1971..9998 (default 2025)\n"
    "usage: parquant generate strategies --strategies N --days D [--zones Z] [--enhanced] [--seed S] OUT.csv\n"
    "  a strategy P&L CSV with the statistics of the real SENSEX data (docs/strategies.md):\n"
    "  legacy layout (Date,Day,...), zone layout with --zones Z (Z rows per date), or the\n"
    "  enhanced layout (--enhanced: times, day, zone A-D, regime, confidence, capital)\n";

static int generate_strategies(int argc, char **argv)
{
    pq_pnl_generate_options g;
    memset(&g, 0, sizeof g);
    g.seed = 1;
    const char *out = NULL;
    int64_t n;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--enhanced")) {
            g.enhanced = true;
            continue;
        }
        if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc) return cli_usage_error("generate", GENERATE_USAGE, "%s needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--strategies")) {
                if (!cli_parse_i64(v, 1, 100000000, &n))
                    return cli_usage_error("generate", GENERATE_USAGE, "--strategies expects 1..100000000, found '%s'", v);
                g.strategies = n;
            } else if (!strcmp(a, "--days")) {
                if (!cli_parse_i64(v, 1, 100000, &n))
                    return cli_usage_error("generate", GENERATE_USAGE, "--days expects 1..100000, found '%s'", v);
                g.days = n;
            } else if (!strcmp(a, "--zones")) {
                if (!cli_parse_i64(v, 1, 26, &n))
                    return cli_usage_error("generate", GENERATE_USAGE, "--zones expects 1..26, found '%s'", v);
                g.zones = (int)n;
            } else if (!strcmp(a, "--seed")) {
                if (!cli_parse_i64(v, 0, INT64_MAX, &n))
                    return cli_usage_error("generate", GENERATE_USAGE, "--seed expects a non-negative integer, found '%s'", v);
                g.seed = (uint64_t)n;
            } else return cli_usage_error("generate", GENERATE_USAGE, "unknown option '%s'", a);
        } else if (!out) out = a;
        else return cli_usage_error("generate", GENERATE_USAGE, "unexpected argument '%s'", a);
    }
    if (!out) return cli_usage_error("generate", GENERATE_USAGE, "missing OUT.csv");
    if (!g.strategies || !g.days) return cli_usage_error("generate", GENERATE_USAGE, "--strategies and --days are required");
    pq_error err;
    pq_error_clear(&err);
    if (pq_pnl_generate_csv(out, &g, &err) != PQ_OK) return cli_report(&err);
    printf("generated %s: %lld strategies x %lld days%s\n", out, (long long)g.strategies, (long long)g.days,
           g.enhanced ? " (enhanced layout)" : g.zones ? " (zone layout)" : "");
    return CLI_OK;
}

typedef struct progress_state {
    cli_progress bar;
    char phase[64];
} progress_state;

/* Total bytes are unknown in advance: project them from the files so far. */
static void on_file(void *ctx, int64_t done, int64_t total, int64_t bytes)
{
    progress_state *p = ctx;
    snprintf(p->phase, sizeof p->phase, "file %lld/%lld", (long long)done, (long long)total);
    int64_t projected = done > 0 ? bytes / done * total : 0;
    cli_progress_update(&p->bar, p->phase, bytes, projected > bytes ? projected : bytes, -1);
}

/* Apply one "--opt value" pair; returns CLI_OK or a usage error code. */
static int apply_option(pq_nz_generate_options *o, const char *opt, const char *v)
{
    int64_t n;
    if (!strcmp(opt, "--root")) {
        o->root = v;
    } else if (!strcmp(opt, "--scale")) {
        if (!strcmp(v, "small")) o->scale = PQ_NZ_SCALE_SMALL;
        else if (!strcmp(v, "production")) o->scale = PQ_NZ_SCALE_PRODUCTION;
        else return cli_usage_error("generate", GENERATE_USAGE, "--scale expects small or production, found '%s'", v);
    } else if (!strcmp(opt, "--seed")) {
        if (!cli_parse_i64(v, 0, INT64_MAX, &n))
            return cli_usage_error("generate", GENERATE_USAGE, "--seed expects a non-negative integer, found '%s'", v);
        o->seed = (uint64_t)n;
    } else if (!strcmp(opt, "--pair")) {
        size_t len = strlen(v);
        bool ok = len > 0 && len <= 16;
        for (size_t i = 0; ok && i < len; i++)
            ok = (v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9');
        if (!ok)
            return cli_usage_error("generate", GENERATE_USAGE, "--pair expects 1..16 letters or digits, found '%s'", v);
        o->pair = v;
    } else if (!strcmp(opt, "--year")) {
        if (!cli_parse_i64(v, 1971, 9998, &n))
            return cli_usage_error("generate", GENERATE_USAGE, "--year expects 1971..9998, found '%s'", v);
        o->year = (int)n;
    } else {
        return cli_usage_error("generate", GENERATE_USAGE, "unknown option '%s'", opt);
    }
    return CLI_OK;
}

int cli_generate(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "strategies")) return generate_strategies(argc, argv);
    pq_nz_generate_options o;
    pq_nz_generate_options_init(&o);
    o.seed = 1;
    const char *what = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(GENERATE_USAGE, stdout);
            return CLI_OK;
        }
        if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc) return cli_usage_error("generate", GENERATE_USAGE, "%s needs a value", a);
            int rc = apply_option(&o, a, argv[++i]);
            if (rc != CLI_OK) return rc;
        } else if (what == NULL) {
            what = a;
        } else {
            return cli_usage_error("generate", GENERATE_USAGE, "unexpected argument '%s'", a);
        }
    }
    if (what == NULL) return cli_usage_error("generate", GENERATE_USAGE, "missing what to generate (necrozma or strategies)");
    if (strcmp(what, "necrozma") != 0)
        return cli_usage_error("generate", GENERATE_USAGE, "unknown data set '%s' (expected necrozma or strategies)", what);
    if (o.root == NULL || o.root[0] == 0) return cli_usage_error("generate", GENERATE_USAGE, "--root DIR is required");

    progress_state p;
    cli_progress_init(&p.bar, "generate");
    o.progress = on_file;
    o.progress_ctx = &p;
    pq_nz_generate_result res;
    pq_error err;
    pq_error_clear(&err);
    pq_status st = pq_nz_generate(&o, &res, &err);
    cli_progress_finish(&p.bar);
    if (st != PQ_OK) return cli_report(&err);
    printf("generated %s %s tree in %s: %lld files, %lld bytes\n", "necrozma",
           o.scale == PQ_NZ_SCALE_PRODUCTION ? "production" : "small", o.root, (long long)res.files,
           (long long)res.bytes);
    return CLI_OK;
}
