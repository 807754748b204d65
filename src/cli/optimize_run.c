/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/optimize_run.c - one optimisation run (optimize_run.h): input loading
 * (CSV or any Parquet layout), preparation, the held-out split, the
 * searches on worker threads, metrics in and out of sample.
 */
#include "cli/optimize_run.h"

#include <errno.h>
#include <math.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/core.h"
#include "parquant/pnl.h"

void opt_args_init(opt_args *a)
{
    memset(a, 0, sizeof *a);
    a->k_min = a->k_max = 35;
    for (int i = 0; i < PQ_OPT_N_ALGORITHMS; i++) a->use[i] = true;
    a->metric = PQ_OPT_RATIO;
    a->penalty_weight = 10.0;
    pq_opt_prepare_options_init(&a->prep);
    a->seed = 42;
    a->effort = 1.0;
    a->risk_free_rate = 0.02;
    pq_opt_params_init(&a->params);
}

/* "ga,pso" or "all" into use[]; false with the bad name in *bad */
bool opt_parse_algorithms(const char *s, bool use[PQ_OPT_N_ALGORITHMS], char *bad, size_t cap)
{
    bool any = false;
    bool pick[PQ_OPT_N_ALGORITHMS] = {false};
    while (*s) {
        char name[64];
        size_t n = 0;
        while (*s == ' ' || *s == ',') s++;
        while (*s && *s != ',' && *s != ' ' && n + 1 < sizeof name) name[n++] = *s++;
        name[n] = 0;
        if (!n) continue;
        pq_opt_algorithm a;
        if (!strcasecmp(name, "all")) {
            for (int i = 0; i < PQ_OPT_N_ALGORITHMS; i++) pick[i] = true;
        } else if (pq_opt_algorithm_parse(name, &a)) {
            pick[a] = true;
        } else {
            snprintf(bad, cap, "%s", name);
            return false;
        }
        any = true;
    }
    if (!any) {
        snprintf(bad, cap, "(empty)");
        return false;
    }
    memcpy(use, pick, sizeof pick);
    return true;
}


/* CSV by name or content; a folder or anything else is read as Parquet */
static pq_status load_pnl(const opt_args *a, pq_pnl *pnl, pq_error *err)
{
    struct stat sb;
    if (stat(a->input, &sb) != 0) return PQ_FAIL(err, PQ_ERR_IO, "cannot open: %s", strerror(errno));
    bool csv = !S_ISDIR(sb.st_mode) && (cli_ends_with(a->input, ".csv") || pq_pnl_csv_sniff(a->input, ','));
    if (csv) {
        pq_pnl_csv_options co = {a->date_format, 0};
        return pq_pnl_read_csv(a->input, &co, pnl, NULL, err);
    }
    pq_pnl_load_options lo;
    pq_pnl_load_options_init(&lo);
    lo.threads = a->threads;
    pq_status st = pq_pnl_load(a->input, &lo, pnl, err);
    if (st == PQ_OK && S_ISDIR(sb.st_mode)) st = pq_pnl_sort_by_date(pnl, err);
    return st;
}

static void hash_input(const pq_opt_input *in, char out[65])
{
    struct sha256_ctx h;
    sha256_init(&h);
    int64_t shape[2] = {in->T, in->N};
    sha256_update(&h, sizeof shape, (const uint8_t *)shape);
    sha256_update(&h, (size_t)in->T * sizeof *in->dates, (const uint8_t *)in->dates);
    for (int64_t s = 0; s < in->N; s++) sha256_update(&h, strlen(in->names[s]) + 1, (const uint8_t *)in->names[s]);
    sha256_update(&h, (size_t)in->T * (size_t)in->N * sizeof *in->x, (const uint8_t *)in->x);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&h, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* periods [t0, t0 + T) of every strategy into a problem */
static pq_status sub_problem(const pq_opt_input *in, int64_t t0, int64_t T, const opt_args *a, pq_opt_problem *p,
                             pq_error *err)
{
    const double *x = in->x;
    double *part = NULL;
    if (T != in->T) {
        part = malloc((size_t)T * (size_t)in->N * sizeof *part);
        if (!part) return PQ_NOMEM(err);
        for (int64_t s = 0; s < in->N; s++)
            memcpy(part + (size_t)s * (size_t)T, in->x + (size_t)s * (size_t)in->T + t0, (size_t)T * sizeof *part);
        x = part;
    }
    pq_status st = pq_opt_problem_init(p, x, T, in->N, err);
    free(part);
    p->metric = a->metric;
    p->penalty_weight = a->penalty_weight;
    p->drawdown_threshold = a->drawdown_threshold;
    return st;
}

pq_status opt_run_load(opt_run *run, const opt_args *a, pq_error *err)
{
    memset(run, 0, sizeof *run);
    double t0 = pq_mono_seconds();
    pq_pnl pnl;
    memset(&pnl, 0, sizeof pnl);
    pq_status st = load_pnl(a, &pnl, err);
    if (st == PQ_OK) st = pq_opt_prepare(&pnl, &a->prep, &run->in, err);
    pq_pnl_free(&pnl); /* the matrix is copied: free it before the problem doubles memory */
    if (st != PQ_OK) {
        if (!err->path[0]) snprintf(err->path, sizeof err->path, "%s", a->input);
        return st;
    }
    int64_t T = run->in.T, hold = 0;
    if (a->holdout >= 1) hold = (int64_t)a->holdout;
    else if (a->holdout > 0) hold = (int64_t)llround(a->holdout * (double)T);
    if (hold > 0 && T - hold < 2)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: %lld periods: holding out %lld leaves fewer than 2 to search on",
                       a->input, (long long)T, (long long)hold);
    run->T_train = T - hold;
    run->T_hold = hold;
    hash_input(&run->in, run->sha256);
    st = sub_problem(&run->in, 0, run->T_train, a, &run->train, err);
    if (st == PQ_OK && hold > 0) st = sub_problem(&run->in, run->T_train, hold, a, &run->hold, err);
    if (st != PQ_OK) return st;
    run->periods_per_year =
        a->periods_per_year > 0 ? a->periods_per_year : pq_metrics_periods_per_year(run->in.dates, run->in.T);
    run->load_seconds = pq_mono_seconds() - t0;
    return PQ_OK;
}

void opt_series(const pq_opt_problem *p, const int64_t *members, int64_t k, double *r)
{
    for (int64_t t = 0; t < p->T; t++) {
        int64_t sum = 0;
        for (int64_t i = 0; i < k; i++) sum += p->xq[(size_t)members[i] * (size_t)p->T + (size_t)t];
        r[t] = ((double)sum / (double)k) * p->x_unit; /* as the fitness forms it */
    }
}

/* ---------------------------------------------------------------- jobs */

typedef struct job_pool {
    opt_run *run;
    const opt_args *a;
    atomic_long next, done;
} job_pool;

static void score_job(opt_run *run, const opt_args *a, opt_job *j)
{
    int64_t T = run->T_train > run->T_hold ? run->T_train : run->T_hold;
    double *r = malloc((size_t)T * 2 * sizeof *r);
    if (!r) {
        j->st = PQ_NOMEM(&j->err);
        return;
    }
    opt_series(&run->train, j->res.members, j->k, r);
    pq_metrics_compute(r, run->T_train, run->periods_per_year, a->risk_free_rate, r + T, &j->m);
    j->dd_to_move = j->m.mean_abs > 0 ? j->m.max_drawdown / j->m.mean_abs : 0;
    j->overfit = j->m.mean_abs > 0 && j->dd_to_move < OPT_OVERFIT_RATIO;
    if (run->T_hold > 0) {
        pq_opt_portfolio pf = {0};
        if (pq_opt_portfolio_set(&pf, &run->hold, j->res.members, j->k, &j->err) != PQ_OK) {
            j->st = j->err.code;
        } else {
            j->hold_score = pf.score;
            opt_series(&run->hold, j->res.members, j->k, r);
            pq_metrics_compute(r, run->T_hold, run->periods_per_year, a->risk_free_rate, r + T, &j->hold_m);
        }
        pq_opt_portfolio_free(&pf);
    }
    free(r);
}

static void *worker(void *arg)
{
    job_pool *jp = arg;
    for (;;) {
        long i = atomic_fetch_add(&jp->next, 1);
        if (i >= jp->run->n_jobs) break;
        opt_job *j = &jp->run->jobs[i];
        pq_opt_search_options o;
        pq_opt_search_options_init(&o);
        o.k = j->k;
        o.seed = jp->a->seed;
        o.legacy = jp->a->legacy;
        o.effort = jp->a->effort;
        o.time_limit = jp->a->time_limit[j->alg];
        o.params = jp->a->params;
        pq_error_clear(&j->err);
        j->st = pq_opt_search(&jp->run->train, j->alg, &o, &j->res, &j->err);
        if (j->st == PQ_OK) score_job(jp->run, jp->a, j);
        atomic_fetch_add(&jp->done, 1);
    }
    return NULL;
}

pq_status opt_run_search(opt_run *run, const opt_args *a, pq_error *err)
{
    int64_t n_alg = 0;
    for (int i = 0; i < PQ_OPT_N_ALGORITHMS; i++) n_alg += a->use[i];
    run->n_jobs = (a->k_max - a->k_min + 1) * n_alg;
    run->jobs = calloc((size_t)run->n_jobs, sizeof *run->jobs);
    if (!run->jobs) return PQ_NOMEM(err);
    int64_t n = 0;
    for (int64_t k = a->k_min; k <= a->k_max; k++)
        for (int i = 0; i < PQ_OPT_N_ALGORITHMS; i++)
            if (a->use[i]) {
                run->jobs[n].k = k;
                run->jobs[n++].alg = (pq_opt_algorithm)i;
            }
    int threads = a->threads;
    if (threads <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (int)cpus : 1;
    }
    if (threads > run->n_jobs) threads = (int)run->n_jobs;
    if (threads > 256) threads = 256;
    job_pool jp = {run, a, 0, 0};
    pthread_t tid[256];
    cli_progress prog;
    cli_progress_init(&prog, "optimize");
    prog.enabled = prog.enabled && a->progress;
    /* with a progress line this thread draws it and `threads` workers
     * search; without, this thread is one of the workers */
    int want = prog.enabled ? threads : threads - 1, started = 0;
    double t0 = pq_mono_seconds();
    for (; started < want; started++)
        if (pthread_create(&tid[started], NULL, worker, &jp) != 0) break;
    if (started < want || !prog.enabled) {
        worker(&jp);
    } else {
        while (atomic_load(&jp.done) < run->n_jobs) {
            cli_progress_update(&prog, "searches", atomic_load(&jp.done), run->n_jobs, -1);
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
    cli_progress_finish(&prog);
    run->search_seconds = pq_mono_seconds() - t0;
    run->best = -1;
    for (int64_t i = 0; i < run->n_jobs; i++) {
        opt_job *j = &run->jobs[i];
        if (j->st != PQ_OK) {
            *err = j->err;
            return j->st;
        }
        if (run->best < 0 || j->res.score.fitness > run->jobs[run->best].res.score.fitness) run->best = i;
    }
    return PQ_OK;
}

void opt_run_free(opt_run *run)
{
    for (int64_t i = 0; i < run->n_jobs; i++) pq_opt_result_free(&run->jobs[i].res);
    free(run->jobs);
    pq_opt_problem_free(&run->train);
    if (run->T_hold > 0) pq_opt_problem_free(&run->hold);
    pq_opt_input_free(&run->in);
    memset(run, 0, sizeof *run);
}
