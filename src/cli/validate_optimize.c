/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/validate_optimize.c - `parquant validate --input DATA.csv --parquet
 * OUT --optimize`: the same seeded optimisation run on the CSV and on its
 * Parquet copy, then compared: the content hashes of the prepared inputs,
 * and for every algorithm the portfolio (strategy names) and the fitness,
 * which must be identical, not within a tolerance.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/optimize_report.h"
#include "cli/optimize_run.h"

int cli_validate_optimize(const char *csv, const char *pq, const char *date_format, int64_t k, const bool *use,
                          uint64_t seed, double effort)
{
    opt_run runs[2];
    memset(runs, 0, sizeof runs);
    const char *paths[2] = {csv, pq};
    pq_error err;
    pq_error_clear(&err);
    for (int i = 0; i < 2; i++) {
        opt_args a;
        opt_args_init(&a);
        a.input = paths[i];
        a.date_format = i == 0 ? date_format : NULL;
        a.k_min = a.k_max = k;
        memcpy(a.use, use, sizeof a.use);
        a.seed = seed;
        a.effort = effort;
        a.progress = true;
        if (opt_run_load(&runs[i], &a, &err) != PQ_OK || (k > runs[i].in.N && (err.code = PQ_ERR_INVALID_ARG,
            snprintf(err.message, sizeof err.message, "%s: portfolio size %lld is more than the %lld strategies",
                     paths[i], (long long)k, (long long)runs[i].in.N), 1)) ||
            opt_run_search(&runs[i], &a, &err) != PQ_OK) {
            opt_run_free(&runs[0]);
            opt_run_free(&runs[1]);
            return cli_report(&err);
        }
    }
    int64_t diffs = 0;
    bool same_data = !strcmp(runs[0].sha256, runs[1].sha256);
    printf("input: CSV %s, Parquet %s: %lld periods x %lld strategies, content sha256 %s%s\n", csv, pq,
           (long long)runs[0].in.T, (long long)runs[0].in.N, runs[0].sha256,
           same_data ? " (both)" : "");
    if (!same_data) {
        printf("  the prepared inputs differ: Parquet sha256 %s\n", runs[1].sha256);
        diffs++;
    }
    printf("%-4s %20s %20s  portfolio\n", "alg", "fitness (CSV)", "fitness (Parquet)");
    for (int64_t j = 0; j < runs[0].n_jobs; j++) {
        const opt_job *x = &runs[0].jobs[j], *y = &runs[1].jobs[j];
        bool same_fit = x->res.score.fitness == y->res.score.fitness;
        bool same_pf = x->res.k == y->res.k;
        for (int64_t m = 0; same_pf && m < x->res.k; m++)
            same_pf = !strcmp(runs[0].in.names[x->res.members[m]], runs[1].in.names[y->res.members[m]]);
        printf("%-4s %20.10g %20.10g  %s\n", opt_alg_label(x->alg), x->res.score.fitness, y->res.score.fitness,
               same_fit && same_pf ? "identical" : same_pf ? "same strategies, fitness differs" : "DIFFERENT");
        diffs += !(same_fit && same_pf);
    }
    if (diffs == 0)
        printf("%s: the optimisation gives identical portfolios and fitness on the CSV and the Parquet copy "
               "(%lld algorithms, k = %lld, seed %llu)\n", pq, (long long)runs[0].n_jobs, (long long)k,
               (unsigned long long)seed);
    else
        printf("%s: %lld difference%s between the CSV and the Parquet copy\n", pq, (long long)diffs,
               diffs == 1 ? "" : "s");
    opt_run_free(&runs[0]);
    opt_run_free(&runs[1]);
    return diffs ? CLI_FAIL : CLI_OK;
}
