/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_submit.c - the queue's client side (docs/queue.md):
 *   `parquant submit`  copy the input into SHARE/input/ when it is not there
 *                      (same bytes under the same name are reused; different
 *                      bytes get "<stem>_<sha8>.<ext>"), write the job file
 *                      atomically into jobs/queue/, print the job id, and with
 *                      --wait follow the job to its end;
 *   `parquant jobs`    list queued, running, completed and failed jobs.
 */
#include "cli/cli.h"
#include "core/core.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/json.h"
#include "io/sink.h"
#include "io/source.h"
#include "queue/queue.h"

static const char SUBMIT_USAGE[] =
    "usage: parquant submit --root SHARE --input FILE [options]\n"
    "  queue an optimisation of FILE (CSV or Parquet) on the shared folder SHARE\n"
    "\n"
    "  --portfolio-size K     strategies per portfolio (default 35)\n"
    "  --min-size A --max-size B, --algorithms LIST, --metric M, --seed S, --effort X,\n"
    "  --time-budget S, --correlation-penalty W, --ulta | --no-ulta\n"
    "                         passed to `parquant optimize` (see its --help)\n"
    "  --job-id ID            (default job_<date>_<time>_<random>)\n"
    "  --wait                 follow the job: print its state changes, then the output folder;\n"
    "                         exit 1 when it failed\n"
    "  --timeout S            with --wait: give up after S seconds (exit 1; the job goes on)\n"
    "  --poll-interval S      with --wait: seconds between looks (default 1)\n";

static const char JOBS_USAGE[] = "usage: parquant jobs --root SHARE [--json]\n"
                                 "  list the jobs of a shared folder: queued, running, completed, failed\n";

/* ------------------------------------------------------------ the input */

static bool same_bytes(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    bool same = f && g;
    static char x[1 << 16], y[1 << 16];
    while (same) {
        size_t n = fread(x, 1, sizeof x, f), m = fread(y, 1, sizeof y, g);
        if (n != m || memcmp(x, y, n) != 0) same = false;
        if (n == 0) break;
    }
    if (f) fclose(f);
    if (g) fclose(g);
    return same;
}

/* Copy src to dst through a temporary name, fsync, rename (io/sink). */
static pq_status copy_file(const char *src, const char *dst, pq_error *err)
{
    FILE *f = fopen(src, "rb");
    if (!f) return PQ_FAIL(err, PQ_ERR_IO, "%s: %s", src, strerror(errno));
    pq_sink *s = NULL;
    pq_status st = pq_sink_open_file(&s, dst, NULL, err);
    static char buf[1 << 16];
    size_t n;
    while (st == PQ_OK && (n = fread(buf, 1, sizeof buf, f)) > 0) st = pq_sink_write(s, buf, n, err);
    if (st == PQ_OK && ferror(f)) st = PQ_FAIL(err, PQ_ERR_IO, "%s: read error", src);
    fclose(f);
    if (st != PQ_OK) {
        pq_sink_abort(s);
        return st;
    }
    return pq_sink_close(s, err);
}

/* The input's name relative to SHARE/input/, copying it there if needed. */
static pq_status place_input(const char *root, const char *file, char rel[1024], pq_error *err)
{
    char dir[PQ_QUEUE_PATH], real_dir[PATH_MAX], real[PATH_MAX], dst[PQ_QUEUE_PATH];
    if (!pq_queue_path(dir, root, PQ_QDIR_INPUT, NULL) || !realpath(dir, real_dir))
        return PQ_FAIL(err, PQ_ERR_IO, "%s: %s", dir, strerror(errno));
    if (!realpath(file, real)) return PQ_FAIL(err, PQ_ERR_IO, "%s: %s", file, strerror(errno));
    size_t n = strlen(real_dir);
    if (strncmp(real, real_dir, n) == 0 && real[n] == '/') {
        if (strlen(real + n + 1) >= 1000) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: the path is too long", file);
        snprintf(rel, 1024, "%.1000s", real + n + 1);
        return PQ_OK;
    }
    const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
    if (base[0] == '.' || (!cli_ends_with(base, ".csv") && !cli_ends_with(base, ".parquet")))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: the input must be a .csv or .parquet file with a plain name", file);
    if (strlen(base) >= 1000) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: the file name is too long", file);
    snprintf(rel, 1024, "%.1000s", base);
    if (pq_queue_path(dst, root, PQ_QDIR_INPUT, rel) && access(dst, F_OK) == 0 && !same_bytes(real, dst)) {
        /* another file of that name: the content's hash makes the name */
        char hex[65];
        if (!cli_file_sha256(real, hex)) return PQ_FAIL(err, PQ_ERR_IO, "%s: %s", file, strerror(errno));
        const char *ext = strrchr(base, '.');
        snprintf(rel, 1024, "%.*s_%.8s%.10s", (int)(ext - base), base, hex, ext);
    }
    if (!pq_queue_path(dst, root, PQ_QDIR_INPUT, rel)) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", rel);
    if (access(dst, F_OK) == 0 && same_bytes(real, dst)) return PQ_OK;
    return copy_file(real, dst, err);
}

/* ------------------------------------------------------------- the job */

static void new_job_id(char out[PQ_JOB_ID_MAX + 1])
{
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) r = (uint32_t)getpid() ^ (uint32_t)time(NULL);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y%m%d_%H%M%S", &tm);
    snprintf(out, PQ_JOB_ID_MAX + 1, "job_%s_%08x", when, r);
}

/* Options of submit passed to the job as members: flag, member, kind
 * (s string, n number, b true, f false). */
static const struct { const char *flag, *key; char kind; } PASS[] = {
    {"--algorithms", "algorithms", 's'}, {"--metric", "metric", 's'}, {"--seed", "seed", 'n'},
    {"--min-size", "min_size", 'n'}, {"--max-size", "max_size", 'n'}, {"--effort", "effort", 'n'},
    {"--time-budget", "time_budget", 'n'}, {"--correlation-penalty", "correlation_penalty", 'n'},
    {"--ulta", "ulta", 'b'}, {"--no-ulta", "ulta", 'f'},
};

static bool is_number(const char *s)
{
    double v;
    return cli_parse_double(s, -HUGE_VAL, HUGE_VAL, &v);
}

/* The job file's JSON.  Returns CLI_USAGE with a message for a bad value. */
static int job_json(const char *id, const char *rel, int64_t k, int argc, char **argv, pq_buf *out)
{
    char host[256] = "unknown", when[32];
    gethostname(host, sizeof host - 1);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", &tm);
    const char *user = getenv("USER") ? getenv("USER") : "unknown";
    bool ok = pq_buf_append(out, "{\"job_id\":", 10, NULL) == PQ_OK && pq_json_put_str(out, id, NULL) == PQ_OK &&
              pq_buf_append(out, ",\"input_file\":", 14, NULL) == PQ_OK && pq_json_put_str(out, rel, NULL) == PQ_OK &&
              pq_buf_printf(out, NULL, ",\"portfolio_size\":%lld,\"job_type\":\"complete_optimization\",\"timestamp\":\"%s\""
                            ",\"client_info\":{\"computer_name\":", (long long)k, when) == PQ_OK &&
              pq_json_put_str(out, host, NULL) == PQ_OK && pq_buf_append(out, ",\"username\":", 12, NULL) == PQ_OK &&
              pq_json_put_str(out, user, NULL) == PQ_OK &&
              pq_buf_append(out, ",\"client\":\"parquant submit\"}", 28, NULL) == PQ_OK;
    for (int i = 1; ok && i < argc; i++)
        for (size_t p = 0; p < sizeof PASS / sizeof PASS[0]; p++) {
            if (strcmp(argv[i], PASS[p].flag) != 0) continue;
            if (PASS[p].kind == 'b' || PASS[p].kind == 'f') {
                ok = pq_buf_printf(out, NULL, ",\"%s\":%s", PASS[p].key, PASS[p].kind == 'b' ? "true" : "false") == PQ_OK;
                break;
            }
            const char *v = argv[i + 1];
            if (PASS[p].kind == 'n' && !is_number(v))
                return cli_usage_error("submit", SUBMIT_USAGE, "%s: expected a number, found '%s'", argv[i], v);
            ok = pq_buf_printf(out, NULL, ",\"%s\":", PASS[p].key) == PQ_OK &&
                 (PASS[p].kind == 'n' ? pq_buf_append(out, v, strlen(v), NULL) : pq_json_put_str(out, v, NULL)) == PQ_OK;
            break;
        }
    ok = ok && pq_buf_append(out, "}\n", 2, NULL) == PQ_OK;
    if (!ok) {
        fprintf(stderr, "parquant submit: out of memory\n");
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* ------------------------------------------------------------ following */

/* Text of a scalar member ("" if absent), cut to cap. */
static const char *text_of(const pq_json_node *nodes, uint32_t obj, const char *key, char *out, size_t cap)
{
    uint32_t v = cli_json_member(nodes, obj, key);
    out[0] = '\0';
    if (v && (nodes[v].type == PQ_JSON_STRING || nodes[v].type == PQ_JSON_INT || nodes[v].type == PQ_JSON_DOUBLE))
        snprintf(out, cap, "%.*s", (int)nodes[v].len, nodes[v].str);
    return out;
}

typedef struct parsed {
    pq_source src;
    pq_json_reader *r;
    pq_json_record rec;
} parsed;

static const pq_json_node *parse(parsed *p, const pq_buf *b)
{
    memset(p, 0, sizeof *p);
    pq_source_open_memory(&p->src, b->data, b->len, "record");
    if (b->len && pq_json_open(&p->r, &p->src, NULL, NULL, NULL) == PQ_OK &&
        pq_json_next(p->r, &p->rec, NULL) == PQ_OK)
        return p->rec.nodes;
    return NULL;
}

static void parsed_close(parsed *p)
{
    pq_json_close(p->r);
    pq_source_close(&p->src);
}


/* Follow job `id` until it completes or fails (or timeout > 0 passes). */
static int follow(const char *root, const char *id, double timeout, double poll_s)
{
    pq_buf rec;
    pq_buf_init(&rec, NULL);
    char last[64] = "", attempts[32], s1[600], s2[128];
    double start = pq_mono_seconds();
    int rc = CLI_FAIL;
    for (;;) {
        pq_job_state st = pq_queue_find(root, id, &rec);
        parsed p;
        const pq_json_node *n = parse(&p, &rec);
        text_of(n, 0, "attempts", attempts, sizeof attempts);
        char state[64];
        snprintf(state, sizeof state, "%s/%s", pq_job_state_name(st), attempts);
        if (strcmp(state, last) != 0) {
            snprintf(last, sizeof last, "%s", state);
            if (st == PQ_JOB_QUEUED) {
                fprintf(stderr, "job %s: queued%s%s\n", id, text_of(n, 0, "last_error", s1, sizeof s1)[0] ? ", retrying after: " : "", s1);
            } else if (st == PQ_JOB_RUNNING) {
                fprintf(stderr, "job %s: running (attempt %s)\n", id, attempts);
            } else if (st == PQ_JOB_COMPLETED) {
                uint32_t best = cli_json_member(n, 0, "best");
                char alg[64] = "", fit[64] = "";
                if (best) text_of(n, best, "algorithm", alg, sizeof alg), text_of(n, best, "fitness", fit, sizeof fit);
                fprintf(stderr, "job %s: completed in %s s%s%s%s%s\n", id, text_of(n, 0, "seconds", s2, sizeof s2),
                        best ? ": best " : "", alg, best ? " fitness " : "", fit);
                printf("%s/output/%s\n", root, id);
                rc = CLI_OK;
            } else if (st == PQ_JOB_FAILED) {
                fprintf(stderr, "job %s: failed: %s\n", id, text_of(n, 0, "reason", s1, sizeof s1));
                rc = CLI_FAIL;
            }
        }
        parsed_close(&p);
        if (st == PQ_JOB_COMPLETED || st == PQ_JOB_FAILED) break;
        if (st == PQ_JOB_UNKNOWN && strcmp(last, "unknown/") == 0 && pq_mono_seconds() - start > 5 * poll_s) {
            fprintf(stderr, "job %s: not found under %s/jobs\n", id, root);
            break;
        }
        if (timeout > 0 && pq_mono_seconds() - start >= timeout) {
            fprintf(stderr, "job %s: still %s after %.0f s: stopped waiting (the job goes on)\n", id,
                    pq_job_state_name(st), timeout);
            break;
        }
        struct timespec ts = {(time_t)poll_s, (long)((poll_s - (double)(time_t)poll_s) * 1e9)};
        nanosleep(&ts, NULL);
    }
    pq_buf_reset(&rec);
    return rc;
}

int cli_submit(int argc, char **argv)
{
    const char *root = NULL, *input = NULL, *job_id = NULL;
    int64_t k = 35;
    bool wait = false;
    double timeout = 0, poll_s = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true, passed = false;
        for (size_t p = 0; p < sizeof PASS / sizeof PASS[0]; p++)
            if (!strcmp(a, PASS[p].flag)) {
                passed = true;
                if (PASS[p].kind != 'b' && PASS[p].kind != 'f') {
                    if (!v) return cli_usage_error("submit", SUBMIT_USAGE, "%s needs a value", a);
                    i++;
                }
            }
        if (passed) continue;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(SUBMIT_USAGE, stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--wait")) wait = true;
        else if (!strcmp(a, "--root") && v) root = argv[++i];
        else if (!strcmp(a, "--input") && v) input = argv[++i];
        else if (!strcmp(a, "--job-id") && v) job_id = argv[++i];
        else if (!strcmp(a, "--portfolio-size") && v) ok = cli_parse_i64(argv[++i], 2, PQ_JOB_MAX_SIZE, &k);
        else if (!strcmp(a, "--timeout") && v) ok = cli_parse_double(argv[++i], 1e-3, 1e9, &timeout);
        else if (!strcmp(a, "--poll-interval") && v) ok = cli_parse_double(argv[++i], 1e-3, 1e9, &poll_s);
        else return cli_usage_error("submit", SUBMIT_USAGE, "unknown option or missing value: %s", a);
        if (!ok) return cli_usage_error("submit", SUBMIT_USAGE, "invalid value for %s: %s", a, argv[i]);
    }
    if (!root || !input) return cli_usage_error("submit", SUBMIT_USAGE, "--root SHARE and --input FILE are required");
    char id[PQ_JOB_ID_MAX + 1], rel[1024], path[PQ_QUEUE_PATH], name[PQ_JOB_ID_MAX + 8];
    if (job_id && !pq_job_id_valid(job_id))
        return cli_usage_error("submit", SUBMIT_USAGE, "--job-id '%s': 1 to %d characters of A-Z a-z 0-9 . _ -", job_id, PQ_JOB_ID_MAX);
    if (job_id) snprintf(id, sizeof id, "%s", job_id);
    else new_job_id(id);
    pq_error err;
    pq_error_clear(&err);
    if (pq_queue_init_share(root, &err) != PQ_OK || place_input(root, input, rel, &err) != PQ_OK) return cli_report(&err);
    if (pq_queue_find(root, id, NULL) != PQ_JOB_UNKNOWN) {
        fprintf(stderr, "parquant submit: a job with id %s exists already under %s/jobs\n", id, root);
        return CLI_FAIL;
    }
    pq_buf text;
    pq_buf_init(&text, NULL);
    int rc = job_json(id, rel, k, argc, argv, &text);
    snprintf(name, sizeof name, "%s.json", id);
    if (rc == CLI_OK && (!pq_queue_path(path, root, PQ_QDIR_QUEUE, name) ||
                         pq_queue_write_file(path, text.data, text.len, &err) != PQ_OK))
        rc = cli_report(&err);
    pq_buf_reset(&text);
    if (rc != CLI_OK) return rc;
    printf("%s\n", id);
    fprintf(stderr, "job %s submitted: input/%s, portfolio size %lld\n", id, rel, (long long)k);
    if (!wait) return CLI_OK;
    fflush(stdout);
    return follow(root, id, timeout, poll_s);
}

/* ------------------------------------------------------------------ jobs */

static void list_dir(const char *root, pq_queue_dir d, pq_job_state state, bool json, bool *first)
{
    char dir[PQ_QUEUE_PATH], path[PQ_QUEUE_PATH];
    if (!pq_queue_path(dir, root, d, NULL)) return;
    DIR *dp = opendir(dir);
    if (!dp) return;
    struct dirent *e;
    pq_buf b;
    pq_buf_init(&b, NULL);
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 6 || strcmp(e->d_name + n - 5, ".json") != 0) continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
        if (pq_queue_read_file(path, PQ_JOB_MAX_BYTES * 4u, &b, NULL) != PQ_OK) continue;
        parsed p;
        const pq_json_node *nd = parse(&p, &b);
        uint32_t job = cli_json_member(nd, 0, "job") ? cli_json_member(nd, 0, "job") : 0;
        char id[200], in[200], size[32], att[32], res[400] = "", a[64], f[64], sec[32];
        text_of(nd, 0, "job_id", id, sizeof id);
        if (!id[0]) snprintf(id, sizeof id, "%.*s", (int)(n - 5), e->d_name);
        text_of(nd, job, "input_file", in, sizeof in);
        text_of(nd, job, "portfolio_size", size, sizeof size);
        text_of(nd, 0, "attempts", att, sizeof att);
        if (state == PQ_JOB_COMPLETED && cli_json_member(nd, 0, "best")) {
            uint32_t best = cli_json_member(nd, 0, "best");
            snprintf(res, sizeof res, "%s fitness %s in %s s", text_of(nd, best, "algorithm", a, sizeof a),
                     text_of(nd, best, "fitness", f, sizeof f), text_of(nd, 0, "seconds", sec, sizeof sec));
        } else if (state == PQ_JOB_FAILED) {
            text_of(nd, 0, "reason", res, sizeof res);
        } else {
            text_of(nd, 0, "last_error", res, sizeof res);
        }
        if (json) {
            printf("%s{\"state\":\"%s\",\"record\":%.*s}", *first ? "" : ",\n", pq_job_state_name(state),
                   (int)(b.len && b.data[b.len - 1] == '\n' ? b.len - 1 : b.len), (const char *)b.data);
        } else {
            printf("%-10s %-40s %-24s %5s %8s  %s\n", pq_job_state_name(state), id, in, size, att, res);
        }
        *first = false;
        parsed_close(&p);
    }
    pq_buf_reset(&b);
    closedir(dp);
}

int cli_jobs(int argc, char **argv)
{
    const char *root = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(JOBS_USAGE, stdout);
            return CLI_OK;
        } else if (!strcmp(argv[i], "--json")) json = true;
        else if (!strcmp(argv[i], "--root") && i + 1 < argc) root = argv[++i];
        else return cli_usage_error("jobs", JOBS_USAGE, "unknown option or missing value: %s", argv[i]);
    }
    if (!root) return cli_usage_error("jobs", JOBS_USAGE, "--root SHARE is required");
    struct stat st;
    if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "parquant jobs: %s: not a folder\n", root);
        return CLI_FAIL;
    }
    bool first = true;
    if (json) printf("[");
    else printf("%-10s %-40s %-24s %5s %8s  %s\n", "STATE", "JOB", "INPUT", "SIZE", "ATTEMPTS", "RESULT");
    list_dir(root, PQ_QDIR_QUEUE, PQ_JOB_QUEUED, json, &first);
    list_dir(root, PQ_QDIR_PROCESSING, PQ_JOB_RUNNING, json, &first);
    list_dir(root, PQ_QDIR_COMPLETED, PQ_JOB_COMPLETED, json, &first);
    list_dir(root, PQ_QDIR_FAILED, PQ_JOB_FAILED, json, &first);
    if (json) printf("]\n");
    return CLI_OK;
}
