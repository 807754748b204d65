/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_validate.c - `parquant validate FILE...`: read every row group of
 * every column with page checksums verified and all structure checks on,
 * then report "FILE: ok" or the first problem.  Exit 1 when any file fails.
 *
 * `parquant validate --input DATA.csv --parquet OUT`: the strategy P&L
 * check - the CSV read afresh and OUT (a file or a dataset folder, any P&L
 * layout) loaded, then compared cell by cell (pq_pnl_compare); the first
 * differences are printed with their row (CSV line) and column.
 */
#include "cli/cli.h"
#include "cli/optimize_run.h"
#include "core/core.h"
#include "parquant/optimize.h"
#include "parquant/parquet.h"
#include "parquant/pnl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char VALIDATE_USAGE[] =
    "usage: parquant validate FILE...\n"
    "       parquant validate --input DATA.csv --parquet OUT [--date-format F] [--max-report N]\n"
    "       parquant validate --input DATA.csv --parquet OUT --optimize [--portfolio-size K]\n"
    "                         [--algorithms LIST] [--seed S] [--effort X]\n"
    "  FILE...        read every page with checksums verified and structure checked\n"
    "  --input/--parquet  strategy P&L: every cell of OUT (a file or a dataset folder, wide,\n"
    "                 partitioned or long) equals the CSV's (doubles bit for bit, nulls where\n"
    "                 empty), same names and order, same row count; the first N differences\n"
    "                 (default 20) are listed with row and column\n"
    "  --optimize     instead: run the same seeded optimisation (default k 35, all algorithms)\n"
    "                 on both and require identical portfolios and fitness for every algorithm\n";

typedef struct diff_ctx {
    const char *csv;
} diff_ctx;

static void on_diff(void *ctx, int64_t row, const char *column, const char *want, const char *got)
{
    const diff_ctx *d = ctx;
    if (row < 0) printf("  %s: CSV has %s, Parquet has %s\n", column, want, got);
    else printf("  row %lld (%s line %lld), column '%s': CSV %s, Parquet %s\n", (long long)(row + 1), d->csv,
                (long long)(row + 2), column, want, got);
}

static int validate_pnl(const char *csv, const char *out, const char *date_format, int64_t max_report)
{
    pq_error err;
    pq_error_clear(&err);
    pq_pnl want, got;
    pq_pnl_csv_options co = {date_format, 0};
    int64_t dropped = 0;
    if (pq_pnl_read_csv(csv, &co, &want, &dropped, &err) != PQ_OK) return cli_report(&err);
    if (pq_pnl_load(out, NULL, &got, &err) != PQ_OK) {
        pq_pnl_free(&want);
        return cli_report(&err);
    }
    struct stat sb;
    bool dataset = stat(out, &sb) == 0 && S_ISDIR(sb.st_mode);
    if (dataset && pq_pnl_sort_by_date(&want, &err) != PQ_OK) {
        pq_pnl_free(&want);
        pq_pnl_free(&got);
        return cli_report(&err);
    }
    diff_ctx d = {csv};
    if (dataset) printf("%s is a dataset: its rows are compared in date order\n", out);
    int64_t diffs = pq_pnl_compare(&want, &got, max_report, on_diff, &d);
    int64_t cells = want.n_rows * (want.n_strategies + 1);
    if (diffs == 0)
        printf("%s: identical to %s: %lld rows x %lld strategies, every cell and name%s\n", out, csv,
               (long long)want.n_rows, (long long)want.n_strategies,
               dropped ? " (trailing empty columns of the CSV ignored)" : "");
    else
        printf("%s: %lld difference%s from %s (%lld cells)%s\n", out, (long long)diffs, diffs == 1 ? "" : "s", csv,
               (long long)cells, diffs > max_report ? ", the first ones listed above" : "");
    pq_pnl_free(&want);
    pq_pnl_free(&got);
    return diffs == 0 ? CLI_OK : CLI_FAIL;
}

static pq_status validate_file(const char *path, int64_t *rows, pq_error *err)
{
    pq_reader_options o;
    pq_reader_options_init(&o);
    o.verify_crc = true;
    pq_reader *r = NULL;
    PQ_TRY(pq_reader_open(&r, path, &o, err));
    pq_status s = PQ_OK;
    *rows = 0;
    for (int64_t g = 0; s == PQ_OK && g < pq_reader_num_row_groups(r); g++) {
        pq_table t;
        s = pq_reader_read_row_group(r, g, &t, err);
        if (s == PQ_OK) {
            const pq_file_metadata *m = pq_reader_metadata(r);
            if (t.num_rows != m->row_groups[g].num_rows) {
                s = PQ_FAIL(err, PQ_ERR_CORRUPT, "row group %lld: expected %lld rows, read %lld", (long long)g,
                            (long long)m->row_groups[g].num_rows, (long long)t.num_rows);
                snprintf(err->path, sizeof err->path, "%s", path);
            }
            *rows += t.num_rows;
        }
        pq_table_reset(&t);
    }
    pq_reader_close(r);
    return s;
}

int cli_validate(int argc, char **argv)
{
    int n = 0, failed = 0;
    const char *csv = NULL, *pq = NULL, *date_format = NULL;
    int64_t max_report = 20, k = 35, seed = 42;
    int n_files = 0;
    bool optimize = false;
    bool use[PQ_OPT_N_ALGORITHMS];
    for (int i = 0; i < PQ_OPT_N_ALGORITHMS; i++) use[i] = true;
    double effort = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(VALIDATE_USAGE, stdout); return CLI_OK; }
        if (!strcmp(a, "--optimize")) {
            optimize = true;
            continue;
        }
        bool takes = !strcmp(a, "--input") || !strcmp(a, "--parquet") || !strcmp(a, "--date-format") ||
                     !strcmp(a, "--max-report") || !strcmp(a, "--portfolio-size") || !strcmp(a, "--algorithms") ||
                     !strcmp(a, "--seed") || !strcmp(a, "--effort");
        if (takes && i + 1 >= argc) return cli_usage_error("validate", VALIDATE_USAGE, "%s needs a value", a);
        if (!strcmp(a, "--input")) csv = argv[++i];
        else if (!strcmp(a, "--parquet")) pq = argv[++i];
        else if (!strcmp(a, "--date-format")) date_format = argv[++i];
        else if (!strcmp(a, "--max-report")) {
            if (!cli_parse_i64(argv[++i], 0, INT64_MAX, &max_report))
                return cli_usage_error("validate", VALIDATE_USAGE, "--max-report expects a count, found '%s'", argv[i]);
        } else if (!strcmp(a, "--portfolio-size")) {
            if (!cli_parse_i64(argv[++i], 1, PQ_OPT_MAX_K, &k))
                return cli_usage_error("validate", VALIDATE_USAGE, "--portfolio-size expects a positive integer, found '%s'", argv[i]);
        } else if (!strcmp(a, "--seed")) {
            if (!cli_parse_i64(argv[++i], 0, INT64_MAX, &seed))
                return cli_usage_error("validate", VALIDATE_USAGE, "--seed expects a non-negative integer, found '%s'", argv[i]);
        } else if (!strcmp(a, "--effort")) {
            char *end;
            effort = strtod(argv[++i], &end);
            if (end == argv[i] || *end || !(effort > 0 && effort <= 1e6))
                return cli_usage_error("validate", VALIDATE_USAGE, "--effort expects a number > 0, found '%s'", argv[i]);
        } else if (!strcmp(a, "--algorithms")) {
            char bad[64];
            if (!opt_parse_algorithms(argv[++i], use, bad, sizeof bad))
                return cli_usage_error("validate", VALIDATE_USAGE, "--algorithms: unknown algorithm '%s'", bad);
        } else if (a[0] == '-' && a[1]) return cli_usage_error("validate", VALIDATE_USAGE, "unknown option '%s'", a);
        else n_files++;
    }
    if (optimize && !(csv && pq))
        return cli_usage_error("validate", VALIDATE_USAGE, "--optimize needs --input and --parquet");
    if (csv || pq) {
        if (!csv || !pq) return cli_usage_error("validate", VALIDATE_USAGE, "--input and --parquet go together");
        if (n_files) return cli_usage_error("validate", VALIDATE_USAGE, "FILE... and --input/--parquet do not mix");
        if (optimize) return cli_validate_optimize(csv, pq, date_format, k, use, (uint64_t)seed, effort);
        return validate_pnl(csv, pq, date_format, max_report);
    }
    for (int i = 1; i < argc; i++) {
        pq_error err;
        pq_error_clear(&err);
        int64_t rows = 0;
        n++;
        if (validate_file(argv[i], &rows, &err) == PQ_OK) printf("%s: ok, %lld rows\n", argv[i], (long long)rows);
        else {
            failed++;
            cli_report(&err);
        }
    }
    if (n == 0) return cli_usage_error("validate", VALIDATE_USAGE, "missing FILE");
    return failed ? CLI_FAIL : CLI_OK;
}
