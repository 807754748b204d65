/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/main.c - entry point of `parquant`: dispatches to the subcommands and
 * holds the helpers they share (error reporting, integer options).
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: parquant <command> [options]\n"
    "\n"
    "commands:\n"
    "  inspect FILE [--json]                 schema, row groups, column chunks, statistics\n"
    "  cat FILE [--columns a,b.c] [--where EXPR] [--limit N] [--format jsonl|csv]\n"
    "                                        print rows (jsonl = canonical rows, canon v1)\n"
    "  convert IN OUT.parquet [options]      CSV or JSON (lines or array) to Parquet; strategy P&L\n"
    "                                        CSVs to the wide, partitioned or long layout\n"
    "  validate FILE...                      read everything, verify checksums and structure\n"
    "  validate --input CSV --parquet OUT    strategy P&L: every cell of OUT equals the CSV's\n"
    "  migrate [options]                     NECROZMA results JSON -> Parquet, lossless, verified\n"
    "  export PATH [--output F]              print the original JSON of a migrated file\n"
    "  generate necrozma --root DIR [--scale small|production] [--seed S]\n"
    "                                        write a synthetic NECROZMA results tree\n"
    "  generate strategies --strategies N --days D [--zones Z] [--enhanced] [--seed S] OUT.csv\n"
    "                                        write a synthetic strategy P&L CSV\n"
    "  optimize --input FILE [options]       choose the best portfolio of k strategies (8 algorithms)\n"
    "  backtest [--results-dir DIR] [-w N] [--cpu-limit PCT] [options]\n"
    "                                        backtest strategy templates on every universe (docs/backtest.md)\n"
    "  config show [--config F] [--set S.K=V]\n"
    "                                        the effective configuration and where each value came from\n"
    "  config keys                           every configuration key (docs/config.md)\n"
    "  queue --root SHARE [options]          process the job queue on a shared folder (docs/queue.md)\n"
    "  submit --root SHARE --input F [--wait]  queue an optimisation job, optionally follow it\n"
    "  jobs --root SHARE [--json]            queued, running, completed and failed jobs\n"
    "\n"
    "  parquant <command> --help             options of one command\n"
    "  parquant --version\n";

bool cli_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static pq_status last_error_code = PQ_OK;

pq_status cli_last_error_code(void) { return last_error_code; }

int cli_report(const pq_error *err)
{
    char buf[1024];
    last_error_code = err ? err->code : PQ_ERR_INTERNAL;
    fprintf(stderr, "parquant: %s\n", pq_error_format(err, buf, sizeof buf));
    return CLI_FAIL;
}

int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "parquant %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage);
    return CLI_USAGE;
}

bool cli_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s) return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max) return false;
    *out = (int64_t)v;
    return true;
}

bool cli_parse_double(const char *s, double min, double max, double *out)
{
    if (!s || !*s) return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !(v >= min && v <= max)) return false;
    *out = v;
    return true;
}

/* Flush standard output; a failure (disk full, closed pipe) turns a
 * successful run into a failed one with a message, never silent loss. */
static int finish_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "parquant: writing to standard output failed: %s\n", strerror(errno));
        return CLI_FAIL;
    }
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(USAGE, stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("parquant %s\n", PQ_VERSION_STRING);
        return CLI_OK;
    }
    if (!strcmp(cmd, "inspect")) return cli_inspect(argc - 1, argv + 1);
    if (!strcmp(cmd, "cat")) return cli_cat(argc - 1, argv + 1);
    if (!strcmp(cmd, "convert")) return cli_convert(argc - 1, argv + 1);
    if (!strcmp(cmd, "optimize")) return cli_optimize(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate")) return cli_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "migrate")) return cli_migrate(argc - 1, argv + 1);
    if (!strcmp(cmd, "export")) return cli_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "generate")) return cli_generate(argc - 1, argv + 1);
    if (!strcmp(cmd, "config")) return cli_config(argc - 1, argv + 1);
    if (!strcmp(cmd, "backtest")) return cli_backtest(argc - 1, argv + 1);
    if (!strcmp(cmd, "queue")) return cli_queue(argc - 1, argv + 1);
    if (!strcmp(cmd, "submit")) return cli_submit(argc - 1, argv + 1);
    if (!strcmp(cmd, "jobs")) return cli_jobs(argc - 1, argv + 1);
    fprintf(stderr, "parquant: unknown command '%s'\n\n%s", cmd, USAGE);
    return CLI_USAGE;
}

int main(int argc, char **argv)
{
    return finish_stdout(dispatch(argc, argv));
}
