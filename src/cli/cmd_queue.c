/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_queue.c - `parquant queue`: the job processor on a shared folder
 * (src/queue/, docs/queue.md).  The queue module claims, times, retries
 * and records jobs; this file gives it what a job does, run in the job's
 * child process:
 *   1. a CSV input becomes Parquet once per content: data/parquet/<sha256>.parquet
 *      (written through a temporary name; a later job with the same CSV bytes
 *      reuses it);
 *   2. `parquant optimize` on it into output/<job_id>/ with the job's options
 *      (config_overrides as output/<job_id>/job_config.ini through --config);
 *   3. the exit code says whether a failure may pass (I/O, memory: 75, retried)
 *      or not (bad input, bad options: 1).
 * After a success the record gets the best algorithm and fitness from the
 * report's execution_summary.json.
 */
#include "cli/cli.h"

#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/json.h"
#include "io/source.h"
#include "queue/queue.h"

static const char QUEUE_USAGE[] =
    "usage: parquant queue --root SHARE [options]\n"
    "  process the jobs users drop into SHARE/jobs/queue/ (docs/queue.md)\n"
    "\n"
    "  --root SHARE          the shared folder (input/, output/, jobs/..., logs/; created if missing)\n"
    "  --workers N           jobs run at once (default 1)\n"
    "  --job-timeout S       a job running longer is killed and failed (default 3600; 0 = none)\n"
    "  --poll-interval S     seconds between scans of the queue (default 2; inotify wakes it sooner)\n"
    "  --lease S             a job whose processor gave no sign of life for S seconds is\n"
    "                        taken back and re-queued (default 60)\n"
    "  --max-attempts N      attempts before a job fails for good (default 3)\n"
    "  --retry-delay S       first wait before a retry after a transient failure; doubles (default 30)\n"
    "  --max-input-mb N      refuse inputs larger than this (default 10240)\n"
    "  --threads N           search threads per job (default: CPUs / workers)\n"
    "  --once                stop when no job can run now and none is running\n"
    "  --quiet               events only in SHARE/logs/, not on the terminal\n"
    "  --config F            accepted for symmetry: a job's own options come from its file\n"
    "SIGTERM or SIGINT: stop taking jobs, re-queue the running ones, exit 0.\n";

typedef struct queue_ctx {
    const char *root;
    int threads;
} queue_ctx;

static void echo_line(const char *line) { fprintf(stderr, "%s\n", line); }

/* ------------------------------------------------------------ the job */

bool cli_file_sha256(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    struct sha256_ctx h;
    sha256_init(&h);
    static uint8_t buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sha256_update(&h, n, buf);
    bool ok = !ferror(f);
    fclose(f);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&h, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return ok;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* Staging folders a killed attempt left (output/<id>.partial-XXXXXX). */
static void remove_stale_partials(const char *out_dir)
{
    char pattern[PQ_QUEUE_PATH + 16];
    snprintf(pattern, sizeof pattern, "%s.partial-*", out_dir);
    glob_t g;
    if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0) return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        printf("removing %s, left by an earlier attempt\n", g.gl_pathv[i]);
        (void)nftw(g.gl_pathv[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    globfree(&g);
}

/* The exit code of a failed step: retried when it was I/O or memory. */
static int step_failed(const char *step, int rc)
{
    pq_status s = cli_last_error_code();
    bool transient = rc == CLI_FAIL && (s == PQ_ERR_IO || s == PQ_ERR_NOMEM);
    printf("parquant queue: %s failed (exit %d)%s\n", step, rc, transient ? ": a transient failure, to be retried" : "");
    return transient ? PQ_JOB_EXIT_RETRY : PQ_JOB_EXIT_FAILED;
}

/* CSV -> data/parquet/<sha256>.parquet, once per content. */
static int parquet_of(const queue_ctx *q, const char *input, char out[PQ_QUEUE_PATH])
{
    char hex[65], name[80];
    if (!cli_ends_with(input, ".csv")) {
        snprintf(out, PQ_QUEUE_PATH, "%s", input);
        return PQ_JOB_EXIT_OK;
    }
    if (!cli_file_sha256(input, hex)) {
        printf("parquant queue: cannot read %s: %s\n", input, strerror(errno));
        return PQ_JOB_EXIT_RETRY;
    }
    snprintf(name, sizeof name, "%s.parquet", hex);
    if (!pq_queue_path(out, q->root, PQ_QDIR_CACHE, name)) return PQ_JOB_EXIT_FAILED;
    if (access(out, F_OK) == 0) {
        printf("input %s: Parquet copy reused (%s)\n", input, out);
        return PQ_JOB_EXIT_OK;
    }
    printf("input %s: converting to %s\n", input, out);
    fflush(stdout);
    char *argv[] = {"convert", (char *)input, out, NULL};
    int rc = cli_convert(3, argv);
    return rc == CLI_OK ? PQ_JOB_EXIT_OK : step_failed("convert", rc);
}

static int job_handler(void *ctx, const pq_job *job, const char *input, const char *out_dir)
{
    const queue_ctx *q = ctx;
    char pq[PQ_QUEUE_PATH], ini[PQ_QUEUE_PATH + 32], size[24], threads[16];
    int rc = parquet_of(q, input, pq);
    if (rc != PQ_JOB_EXIT_OK) return rc;
    remove_stale_partials(out_dir);
    char *argv[16 + PQ_JOB_MAX_OPTIONS];
    int argc = 0;
    snprintf(size, sizeof size, "%lld", (long long)job->portfolio_size);
    snprintf(threads, sizeof threads, "%d", q->threads);
    argv[argc++] = "optimize";
    argv[argc++] = "--input";
    argv[argc++] = pq;
    argv[argc++] = "--portfolio-size";
    argv[argc++] = size;
    argv[argc++] = "--output";
    argv[argc++] = (char *)out_dir;
    argv[argc++] = "--quiet";
    argv[argc++] = "--threads";
    argv[argc++] = threads;
    if (job->config_ini.len) {
        pq_error err;
        pq_error_clear(&err);
        snprintf(ini, sizeof ini, "%s/job_config.ini", out_dir);
        if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
            printf("parquant queue: cannot create %s: %s\n", out_dir, strerror(errno));
            return PQ_JOB_EXIT_RETRY;
        }
        if (pq_queue_write_file(ini, job->config_ini.data, job->config_ini.len, &err) != PQ_OK) {
            cli_report(&err);
            return PQ_JOB_EXIT_RETRY;
        }
        argv[argc++] = "--config";
        argv[argc++] = ini;
    }
    for (int i = 0; i < job->n_args; i++) argv[argc++] = job->args[i]; /* the job's options win (last) */
    argv[argc] = NULL;
    printf("parquant");
    for (int i = 0; i < argc; i++) printf(" %s", argv[i]);
    printf("\n");
    fflush(stdout);
    rc = cli_optimize(argc, argv);
    fflush(stdout);
    return rc == CLI_OK ? PQ_JOB_EXIT_OK : step_failed("optimize", rc);
}

uint32_t cli_json_member(const pq_json_node *nodes, uint32_t obj, const char *key)
{
    if (!nodes || nodes[obj].type != PQ_JSON_OBJECT) return 0;
    for (uint32_t k = obj + 1; k < nodes[obj].next; k = nodes[k + 1].next)
        if (nodes[k].len == strlen(key) && memcmp(nodes[k].str, key, nodes[k].len) == 0) return k + 1;
    return 0;
}

/* "best":{"algorithm":..,"size":..,"fitness":..}, from the report. */
static void job_summary(void *ctx, const pq_job *job, const char *out_dir, pq_buf *members)
{
    (void)ctx, (void)job;
    char path[PQ_QUEUE_PATH + 32];
    snprintf(path, sizeof path, "%s/execution_summary.json", out_dir);
    pq_source src;
    pq_json_reader *r = NULL;
    pq_json_record rec = {0};
    if (pq_source_open_file(&src, path, NULL) != PQ_OK) return;
    if (pq_json_open(&r, &src, NULL, NULL, NULL) == PQ_OK && pq_json_next(r, &rec, NULL) == PQ_OK && rec.nodes) {
        uint32_t best = cli_json_member(rec.nodes, 0, "best");
        uint32_t alg = best ? cli_json_member(rec.nodes, best, "algorithm") : 0, fit = best ? cli_json_member(rec.nodes, best, "fitness") : 0;
        if (alg && fit && pq_buf_append(members, "\"best\":{\"algorithm\":", 20, NULL) == PQ_OK &&
            pq_json_write(rec.nodes, alg, members, NULL) == PQ_OK &&
            pq_buf_append(members, ",\"fitness\":", 11, NULL) == PQ_OK &&
            pq_json_write(rec.nodes, fit, members, NULL) == PQ_OK)
            (void)!pq_buf_append(members, "},", 2, NULL);
    }
    pq_json_close(r);
    pq_source_close(&src);
}

/* ------------------------------------------------------------- command */

int cli_queue(int argc, char **argv)
{
    pq_queue_options o;
    pq_queue_options_init(&o);
    const char *root = NULL;
    bool quiet = false;
    int64_t threads = 0, workers = 1, attempts = 3, max_mb = 10240;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(QUEUE_USAGE, stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--once")) o.once = true;
        else if (!strcmp(a, "--quiet")) quiet = true;
        else if (!strcmp(a, "--root") && v) root = argv[++i];
        else if (!strcmp(a, "--config") && v) ++i;
        else if (!strcmp(a, "--workers") && v) ok = cli_parse_i64(argv[++i], 1, 64, &workers);
        else if (!strcmp(a, "--threads") && v) ok = cli_parse_i64(argv[++i], 1, 1024, &threads);
        else if (!strcmp(a, "--max-attempts") && v) ok = cli_parse_i64(argv[++i], 1, 1000, &attempts);
        else if (!strcmp(a, "--max-input-mb") && v) ok = cli_parse_i64(argv[++i], 1, INT64_MAX >> 20, &max_mb);
        else if (!strcmp(a, "--job-timeout") && v) ok = cli_parse_double(argv[++i], 0, 1e9, &o.job_timeout);
        else if (!strcmp(a, "--poll-interval") && v) ok = cli_parse_double(argv[++i], 0.01, 3600, &o.poll_interval);
        else if (!strcmp(a, "--lease") && v) ok = cli_parse_double(argv[++i], 0.1, 1e6, &o.lease);
        else if (!strcmp(a, "--retry-delay") && v) ok = cli_parse_double(argv[++i], 0, 1e6, &o.retry_delay);
        else return cli_usage_error("queue", QUEUE_USAGE, "unknown option or missing value: %s", a);
        if (!ok) return cli_usage_error("queue", QUEUE_USAGE, "invalid value for %s: %s", a, argv[i]);
    }
    if (!root) return cli_usage_error("queue", QUEUE_USAGE, "--root SHARE is required");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    queue_ctx q = {root, threads > 0 ? (int)threads : (int)(cpus / workers > 0 ? cpus / workers : 1)};
    o.workers = (int)workers;
    o.max_attempts = (int)attempts;
    o.max_input_bytes = max_mb << 20;
    o.echo = quiet ? NULL : echo_line;
    o.handler = job_handler;
    o.summarize = job_summary;
    o.ctx = &q;
    pq_error err;
    pq_error_clear(&err);
    if (pq_queue_run(root, &o, &err) != PQ_OK) return cli_report(&err);
    return CLI_OK;
}
