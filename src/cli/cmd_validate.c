/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_validate.c - `parquant validate FILE...`: read every row group of
 * every column with page checksums verified and all structure checks on,
 * then report "FILE: ok" or the first problem.  Exit 1 when any file fails.
 */
#include "cli/cli.h"
#include "core/core.h"
#include "parquant/parquet.h"

#include <string.h>

static const char VALIDATE_USAGE[] = "usage: parquant validate FILE...\n";

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
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(VALIDATE_USAGE, stdout); return CLI_OK; }
        if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("validate", VALIDATE_USAGE, "unknown option '%s'", argv[i]);
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
