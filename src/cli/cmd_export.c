/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_export.c - `parquant export PATH [--output F] [--type T]`: print
 * the original JSON document of a migrated NECROZMA file.  PATH may name
 * the .parquet, the .json or the stem; the Parquet form is preferred, but a
 * JSON newer than it wins (with a warning), as docs/migrate.md explains.
 * Stderr says which file was loaded.
 */
#include "cli/cli.h"
#include "parquant/necrozma.h"

#include <stdlib.h>
#include <string.h>

static const char EXPORT_USAGE[] =
    "usage: parquant export PATH [--output F] [--type universe|backtest|trades]\n"
    "  PATH        the .parquet, the .json or the stem of a migrated file\n"
    "  --output F  write to F (through a temporary file) instead of standard output\n"
    "  --type T    the kind of a JSON source (default: from the file name)\n";

static pq_nz_kind kind_from_name(const char *path)
{
    if (strstr(path, "detailed_trades/") != NULL) return PQ_NZ_TRADES;
    size_t n = strlen(path);
    const char *suffixes[] = { "_backtest", "_backtest.json", "_backtest.parquet" };
    for (int i = 0; i < 3; i++) {
        size_t k = strlen(suffixes[i]);
        if (n >= k && strcmp(path + n - k, suffixes[i]) == 0) return PQ_NZ_BACKTEST;
    }
    return PQ_NZ_UNIVERSE;
}

int cli_export(int argc, char **argv)
{
    const char *path = NULL, *out = "-";
    int kind = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(EXPORT_USAGE, stdout); return CLI_OK; }
        if ((!strcmp(a, "--output") || !strcmp(a, "--type")) && i + 1 >= argc)
            return cli_usage_error("export", EXPORT_USAGE, "%s needs a value", a);
        if (!strcmp(a, "--output")) out = argv[++i];
        else if (!strcmp(a, "--type")) {
            const char *v = argv[++i];
            kind = !strcmp(v, "universe") ? PQ_NZ_UNIVERSE : !strcmp(v, "backtest") ? PQ_NZ_BACKTEST
                 : !strcmp(v, "trades") ? PQ_NZ_TRADES : -2;
            if (kind == -2) return cli_usage_error("export", EXPORT_USAGE, "--type expects universe, backtest or trades, found '%s'", v);
        } else if (a[0] == '-' && a[1] == '-') return cli_usage_error("export", EXPORT_USAGE, "unknown option '%s'", a);
        else if (path == NULL) path = a;
        else return cli_usage_error("export", EXPORT_USAGE, "unexpected argument '%s'", a);
    }
    if (path == NULL) return cli_usage_error("export", EXPORT_USAGE, "expected PATH");
    pq_nz_doc d;
    char *from = NULL;
    bool stale = false;
    pq_error err;
    pq_error_clear(&err);
    pq_nz_kind k = kind >= 0 ? (pq_nz_kind)kind : kind_from_name(path);
    if (pq_nz_load(path, k, &d, &from, &stale, &err) != PQ_OK) return cli_report(&err);
    size_t n = strlen(from);
    bool from_json = n > 5 && strcmp(from + n - 5, ".json") == 0;
    if (stale) fprintf(stderr, "parquant export: warning: %s is newer than its Parquet copy; using the JSON\n", from);
    fprintf(stderr, "loaded from %s: %s\n", from_json ? "JSON" : "Parquet", from);
    free(from);
    pq_status st = pq_nz_export_file(&d, out, &err);
    pq_nz_doc_reset(&d);
    return st == PQ_OK ? CLI_OK : cli_report(&err);
}
