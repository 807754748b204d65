/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/optimize_report.h - writes the report folder of an optimisation run
 * (docs/optimize.md lists the files).
 */
#ifndef PARQUANT_CLI_OPTIMIZE_REPORT_H
#define PARQUANT_CLI_OPTIMIZE_REPORT_H

#include <stddef.h>

#include "cli/optimize_run.h"

/** "GA", "PSO", ... as reports print them. */
const char *opt_alg_label(pq_opt_algorithm a);

/** YYYY-MM-DD of a day number (days since 1970-01-01). */
void opt_date_str(int32_t days, char out[11]);

/** Write every file into `out_dir` (NULL: output/run_<local time>/),
 *  staged in a sibling folder and moved in when all are complete; the
 *  folder used is copied to final_dir. */
pq_status opt_report_write(const opt_run *run, const opt_args *a, const char *out_dir, char *final_dir,
                           size_t final_cap, pq_error *err);

#endif /* PARQUANT_CLI_OPTIMIZE_REPORT_H */
