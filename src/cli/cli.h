/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cli.h - the parquant command-line tool: one function per subcommand
 * plus the small helpers they share (error printing, option parsing,
 * progress display).  The CLI is the only module that prints, reads the
 * environment or chooses exit codes:
 *   0 success, 1 the work failed (bad input, I/O...), 2 usage error.
 */
#ifndef PARQUANT_CLI_H
#define PARQUANT_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "parquant/error.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

int cli_inspect(int argc, char **argv);
int cli_cat(int argc, char **argv);
int cli_convert(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_generate(int argc, char **argv);
int cli_config(int argc, char **argv);
int cli_queue(int argc, char **argv);
int cli_submit(int argc, char **argv);
int cli_jobs(int argc, char **argv);
int cli_optimize(int argc, char **argv);
int cli_backtest(int argc, char **argv);
/** validate --optimize: the same seeded optimisation on a CSV and its
 *  Parquet copy must give identical portfolios and fitness.  use[] holds
 *  one flag per algorithm (pq_opt_algorithm order). */
int cli_validate_optimize(const char *csv, const char *pq, const char *date_format, int64_t k, const bool *use,
                          uint64_t seed, double effort);

struct pq_config;
/** A configuration with the defaults, then the file `path` applied (when
 *  not NULL), its warnings printed; returns CLI_OK or CLI_FAIL. */
int cli_config_open(const char *path, struct pq_config **out);
/** Open the configuration named by `--config F` in argv (defaults when
 *  absent), run `main_fn` with it, free it; returns main_fn's code, or the
 *  failure to load the file. */
int cli_with_config(int argc, char **argv, int (*main_fn)(int, char **, const struct pq_config *));

/** The status of the last error cli_report printed (PQ_OK if none): a
 *  queue job tells transient failures (I/O, memory) from bad input. */
pq_status cli_last_error_code(void);
/** Hex SHA-256 of a file's bytes; false on a read error (errno set). */
bool cli_file_sha256(const char *path, char hex[65]);
struct pq_json_node;
/** Index of the value of member `key` in the JSON object at nodes[obj]
 *  (io/json DOM), or 0 when absent or not an object (nodes may be NULL). */
uint32_t cli_json_member(const struct pq_json_node *nodes, uint32_t obj, const char *key);
/** Print "parquant: <file: place: problem>" to stderr; returns CLI_FAIL. */
int cli_report(const pq_error *err);
/** Print "parquant <cmd>: <message>" and the usage hint; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...) PQ_PRINTF(3, 4);
/** True when s ends with suffix (case-sensitive). */
bool cli_ends_with(const char *s, const char *suffix);
/** Parse a non-negative decimal integer option value; false when invalid. */
bool cli_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/** Parse a decimal number in [min, max] (NaN refused); false when invalid. */
bool cli_parse_double(const char *s, double min, double max, double *out);

/** Terminal progress line on stderr: shown only when stderr is a TTY,
 *  refreshed at most 10 times a second. */
typedef struct cli_progress {
    bool enabled;
    double start;        /* seconds, monotonic */
    double last_draw;
    const char *label;
} cli_progress;

void cli_progress_init(cli_progress *p, const char *label);
/** rows < 0: no row count shown. */
void cli_progress_update(cli_progress *p, const char *phase, int64_t done, int64_t total, int64_t rows);
void cli_progress_finish(cli_progress *p);

#endif /* PARQUANT_CLI_H */
