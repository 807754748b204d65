/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_backtest.c - `parquant backtest`: the multi-worker backtest runner
 * (docs/backtest.md).  The backtest module loads, simulates and writes one
 * universe; this file finds the universes, runs one task per universe in
 * its own process (up to --workers at once, fewer while the machine's CPU
 * is above --cpu-limit), shows progress, and at the end ranks every result
 * of every universe into the consolidated files.
 *
 * A task's process writes its own files and tells the runner how far it is
 * by one byte per strategy on a pipe; its exit status says whether it
 * worked.  Results are keyed by task, so a failed (or crashed) universe is
 * reported and leaves every other result where it belongs.
 */
#include "cli/cli.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backtest/run.h"
#include "backtest/throttle.h"
#include "backtest/universes.h"
#include "convert/convert.h"
#include "io/sink.h"
#include "parquant/config.h"
#include "table/canon.h"

static const char BACKTEST_USAGE[] =
    "usage: parquant backtest [--results-dir DIR] [--universes 1,5,10-15] [--max-strategies N]\n"
    "                         [-w|--workers N] [--cpu-limit PCT] [--cooldown S] [--nice]\n"
    "                         [--lots 0.01,0.1,1.0] [--format parquet|json] [--log-top K] [--config F] [--quiet]\n"
    "  backtests strategy templates on every universe under DIR/universes (docs/backtest.md)\n"
    "  --results-dir DIR    NECROZMA results root (default ultra_necrozma_results); results go to\n"
    "                       DIR/backtest_results/\n"
    "  --universes SEL      ids and ranges, e.g. 1,5,10-15 (default: all)\n"
    "  --max-strategies N   the first N of the strategy grid, 1..432 (default 50)\n"
    "  -w, --workers N      universes backtested at once, 1..256 (default 1)\n"
    "  --cpu-limit PCT      machine-wide CPU %% above which workers are reduced, 1..100 (default 80;\n"
    "                       100 = never)\n"
    "  --cooldown S         seconds new tasks wait after a reduction, 0..3600 (default 5)\n"
    "  --nice               run the workers at a lower priority (nice 10)\n"
    "  --lots L,L,...       lot sizes, each result is measured at every one (default 0.01,0.1,1.0)\n"
    "  --format F           parquet (default) or json (the original's files)\n"
    "  --log-top K          trade logs of the best K results of each universe (default 10, 0 = none)\n"
    "  --config F           an INI file whose [backtest] section sets these defaults (docs/config.md)\n"
    "  --quiet              no progress, no throttle messages on the terminal\n";

#define MAX_LOTS 16
#define MAX_WORKERS 256

typedef struct bt_args {
    const char *root;
    const char *universes;
    int64_t max_strategies;
    int workers;
    double cpu_limit, cooldown;
    bool nice, json, quiet;
    double lots[MAX_LOTS];
    size_t n_lots;
    int64_t log_top;
} bt_args;

typedef struct slot {
    pid_t pid;               /* 0 = free */
    int fd;                  /* progress pipe, read end */
    size_t task;
    double start;
    int64_t msg[2];          /* a message being read (see child_say) */
    size_t have;             /* bytes of msg read so far */
} slot;

typedef struct task_state {
    int status;              /* 0 pending, 1 running, 2 done, 3 failed */
    size_t strategies_done;
    double seconds;
    int64_t bars;
    char why[160];
} task_state;

typedef struct runner {
    const bt_args *a;
    pq_bt_universe_list list;
    task_state *tasks;
    pq_bt_strategy *strategies;
    size_t n_strategies;
    char out_dir[4096];
    char timestamp[40];
    char prefix[64];
    slot slots[MAX_WORKERS];
    int running;
    pq_throttle th;
    pq_cpu_sampler cpu;
    double cpu_now;
    FILE *log;
    double start;
    pid_t parent;
} runner;

/* SIGINT/SIGTERM: stop starting tasks, stop the running ones, exit 130/143
 * without consolidated files (each task's files are whole or absent). */
static volatile sig_atomic_t stop_signal;
static void on_stop(int sig) { stop_signal = sig; }


/* ------------------------------------------------------------- options */

static bool parse_lots(const char *v, bt_args *a)
{
    a->n_lots = 0;
    const char *p = v;
    while (*p) {
        char part[64];
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof part || a->n_lots == MAX_LOTS) return false;
        memcpy(part, p, n);
        part[n] = 0;
        if (!cli_parse_double(part, 1e-6, 1e6, &a->lots[a->n_lots])) return false;
        for (size_t i = 0; i < a->n_lots; i++)
            if (a->lots[i] == a->lots[a->n_lots]) return false;
        a->n_lots++;
        p += n;
        if (*p == ',' && *++p == 0) return false;
    }
    return a->n_lots > 0;
}

/* Defaults from the configuration ([backtest], docs/config.md); flags override. */
static void from_config(bt_args *a, const pq_config *cfg)
{
    a->root = pq_config_string(cfg, "backtest", "results_dir");
    a->max_strategies = pq_config_int(cfg, "backtest", "max_strategies");
    a->workers = (int)pq_config_int(cfg, "backtest", "workers");
    a->cpu_limit = pq_config_double(cfg, "backtest", "cpu_limit");
    a->cooldown = pq_config_double(cfg, "backtest", "cooldown");
    a->nice = pq_config_bool(cfg, "backtest", "nice");
    a->json = !strcmp(pq_config_string(cfg, "backtest", "format"), "json");
    a->log_top = pq_config_int(cfg, "backtest", "log_top");
    a->n_lots = pq_config_numbers(cfg, "backtest", "lots", a->lots, MAX_LOTS);
}

static int parse_args(int argc, char **argv, const pq_config *cfg, bt_args *a)
{
    memset(a, 0, sizeof *a);
    from_config(a, cfg);
    if (a->n_lots == 0) return cli_usage_error("backtest", BACKTEST_USAGE, "[backtest] lots: no lot size");
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--nice")) { a->nice = true; continue; }
        if (!strcmp(o, "--quiet")) { a->quiet = true; continue; }
        if (o[0] != '-') return cli_usage_error("backtest", BACKTEST_USAGE, "unexpected argument '%s'", o);
        if (i + 1 >= argc) return cli_usage_error("backtest", BACKTEST_USAGE, "%s needs a value", o);
        const char *v = argv[++i];
        int64_t n;
        if (!strcmp(o, "--config")) continue; /* read by cli_with_config */
        if (!strcmp(o, "--results-dir")) a->root = v;
        else if (!strcmp(o, "--universes")) a->universes = v;
        else if (!strcmp(o, "--max-strategies")) {
            if (!cli_parse_i64(v, 1, 432, &a->max_strategies))
                return cli_usage_error("backtest", BACKTEST_USAGE, "--max-strategies expects 1..432, found '%s'", v);
        } else if (!strcmp(o, "-w") || !strcmp(o, "--workers")) {
            if (!cli_parse_i64(v, 1, MAX_WORKERS, &n))
                return cli_usage_error("backtest", BACKTEST_USAGE, "--workers expects 1..%d, found '%s'", MAX_WORKERS, v);
            a->workers = (int)n;
        } else if (!strcmp(o, "--cpu-limit")) {
            if (!cli_parse_double(v, 1, 100, &a->cpu_limit))
                return cli_usage_error("backtest", BACKTEST_USAGE, "--cpu-limit expects a percentage 1..100, found '%s'", v);
        } else if (!strcmp(o, "--cooldown")) {
            if (!cli_parse_double(v, 0, 3600, &a->cooldown))
                return cli_usage_error("backtest", BACKTEST_USAGE, "--cooldown expects seconds 0..3600, found '%s'", v);
        } else if (!strcmp(o, "--lots")) {
            if (!parse_lots(v, a))
                return cli_usage_error("backtest", BACKTEST_USAGE,
                                       "--lots expects distinct sizes 0.000001..1000000 separated by commas (at most %d), found '%s'",
                                       MAX_LOTS, v);
        } else if (!strcmp(o, "--format")) {
            if (strcmp(v, "parquet") && strcmp(v, "json"))
                return cli_usage_error("backtest", BACKTEST_USAGE, "--format expects parquet or json, found '%s'", v);
            a->json = !strcmp(v, "json");
        } else if (!strcmp(o, "--log-top")) {
            if (!cli_parse_i64(v, 0, 100000, &a->log_top))
                return cli_usage_error("backtest", BACKTEST_USAGE, "--log-top expects 0..100000, found '%s'", v);
        } else {
            return cli_usage_error("backtest", BACKTEST_USAGE, "unknown option '%s'", o);
        }
    }
    return 0;
}

/* ------------------------------------------------------------- logging */

/* One line to the run's log file and, unless quiet, the terminal. */
static void note(runner *r, const char *fmt, ...) PQ_PRINTF(2, 3);
static void note(runner *r, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (r->log) {
        fprintf(r->log, "%s %s\n", when, line);
        fflush(r->log);
    }
    if (!r->a->quiet) {
        if (isatty(STDERR_FILENO)) fputs("\r\033[K", stderr);
        fprintf(stderr, "parquant backtest: %s\n", line);
    }
}

static void progress(runner *r)
{
    if (r->a->quiet || !isatty(STDERR_FILENO)) return;
    size_t done = 0, total = r->list.n * r->n_strategies, unis = 0;
    for (size_t i = 0; i < r->list.n; i++) {
        done += r->tasks[i].status >= 2 ? r->n_strategies : r->tasks[i].strategies_done;
        unis += r->tasks[i].status >= 2;
    }
    double el = pq_mono_seconds() - r->start, rate = el > 0 ? (double)done / el : 0;
    char eta[32] = "--:--";
    if (rate > 0) {
        long s = (long)((double)(total - done) / rate);
        snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
    }
    char cpu[16] = "--";
    if (r->cpu_now >= 0) snprintf(cpu, sizeof cpu, "%.0f%%", r->cpu_now);
    fprintf(stderr, "\r\033[Kbacktest: universes %zu/%zu  strategies %zu/%zu  %.1f/s  ETA %s  CPU %s  workers %d/%d",
            unis, r->list.n, done, total, rate, eta, cpu, r->th.active, r->a->workers);
    fflush(stderr);
}

/* ---------------------------------------------------------------- tasks */

/* The task's messages to the runner: {MSG_STRATEGIES, strategies done} after
 * each strategy, {MSG_BARS, bar evaluations} at the end.  16 bytes, less
 * than PIPE_BUF, so each write arrives whole. */
enum { MSG_STRATEGIES = 1, MSG_BARS = 2 };

static void child_say(int fd, int64_t kind, int64_t value)
{
    int64_t m[2] = {kind, value};
    if (write(fd, m, sizeof m) < 0) {} /* the runner may be gone: nothing to tell */
}

static void child_progress(void *ctx, size_t done) { child_say(*(int *)ctx, MSG_STRATEGIES, (int64_t)done); }

/* The task's process: load, backtest, write; exit 0 or 1. */
static void child_main(runner *r, size_t k, int fd)
{
    if (r->a->nice && nice(10) == -1 && errno != 0) {} /* best effort */
    const pq_bt_universe_file *f = &r->list.files[k];
    pq_error err;
    pq_error_clear(&err);
    pq_bt_universe u;
    pq_status st = pq_bt_universe_load(f->path, f->stem, f->interval, f->lookback, &u, &err);
    if (st == PQ_OK) {
        pq_bt_config c;
        memset(&c, 0, sizeof c);
        c.strategies = r->strategies;
        c.n_strategies = r->n_strategies;
        c.lots = r->a->lots;
        c.n_lots = r->a->n_lots;
        c.json = r->a->json;
        c.log_top = (size_t)r->a->log_top;
        c.timestamp = r->timestamp;
        c.codec = PQ_CODEC_SNAPPY;
        c.progress = child_progress;
        c.ctx = &fd;
        int64_t evals = 0;
        st = pq_bt_run_universe(&u, &c, r->out_dir, &evals, &err);
        if (st == PQ_OK) child_say(fd, MSG_BARS, evals);
        pq_bt_universe_reset(&u);
    }
    if (st != PQ_OK) {
        char m[1024];
        fprintf(stderr, "parquant backtest: %s: %s\n", f->stem, pq_error_format(&err, m, sizeof m));
        _exit(1);
    }
    _exit(0);
}

static bool start_task(runner *r, size_t k)
{
    int p[2];
    if (pipe(p) != 0) return false;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return false;
    }
    if (pid == 0) {
        close(p[0]);
        /* a task dies with the runner: no orphan keeps writing after it */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != r->parent) _exit(1);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        child_main(r, k, p[1]);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    for (int i = 0; i < MAX_WORKERS; i++)
        if (!r->slots[i].pid) {
            r->slots[i] = (slot){.pid = pid, .fd = p[0], .task = k, .start = pq_mono_seconds()};
            break;
        }
    r->tasks[k].status = 1;
    r->running++;
    return true;
}

static void drain(runner *r, slot *s)
{
    ssize_t n;
    while ((n = read(s->fd, (char *)s->msg + s->have, sizeof s->msg - s->have)) > 0) {
        s->have += (size_t)n;
        if (s->have < sizeof s->msg) continue;
        s->have = 0;
        task_state *t = &r->tasks[s->task];
        if (s->msg[0] == MSG_STRATEGIES && s->msg[1] >= 0) t->strategies_done = (size_t)s->msg[1];
        if (s->msg[0] == MSG_BARS && s->msg[1] >= 0) t->bars = s->msg[1];
    }
}

/* Reap finished tasks. */
static void reap(runner *r)
{
    for (int i = 0; i < MAX_WORKERS; i++) {
        slot *s = &r->slots[i];
        if (!s->pid) continue;
        int status;
        pid_t w = waitpid(s->pid, &status, WNOHANG);
        if (w == 0 || (w < 0 && errno == EINTR)) continue;
        drain(r, s);
        close(s->fd);
        task_state *t = &r->tasks[s->task];
        t->seconds = pq_mono_seconds() - s->start;
        const char *stem = r->list.files[s->task].stem;
        if (w == s->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            t->status = 2;
        } else {
            t->status = 3;
            if (w == s->pid && WIFSIGNALED(status))
                snprintf(t->why, sizeof t->why, "killed by signal %d", WTERMSIG(status));
            else
                snprintf(t->why, sizeof t->why, "exit status %d", w == s->pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            note(r, "universe %s failed (%s); the others go on", stem, t->why);
        }
        s->pid = 0;
        r->running--;
    }
}

/* ------------------------------------------------------------ the end */

typedef struct ranked {
    size_t task;
    pq_bt_result res;
    double score, raw[4], norm[4];
} ranked;

static const ranked *rank_base;
static int by_rank(const void *a, const void *b)
{
    const ranked *x = &rank_base[*(const size_t *)a], *y = &rank_base[*(const size_t *)b];
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    return i < j ? -1 : i > j;
}

static pq_status save_text(const char *path, const pq_buf *b, pq_error *err)
{
    pq_sink *s = NULL;
    PQ_TRY(pq_sink_open_file(&s, path, NULL, err));
    pq_status st = pq_sink_write(s, b->data, b->len, err);
    if (st != PQ_OK) {
        pq_sink_abort(s);
        return st;
    }
    return pq_sink_close(s, err);
}

/* out_dir/<prefix><name> into path. */
static pq_status out_file(const runner *r, const char *name, char *path, size_t cap, pq_error *err)
{
    if (snprintf(path, cap, "%s/%s%s", r->out_dir, r->prefix, name) >= (int)cap)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", r->out_dir);
    return PQ_OK;
}

static pq_status put_num(pq_buf *b, double v, pq_error *err)
{
    return pq_canon_python_double(isfinite(v) ? v : 0, b, err);
}

/* Read every result back, rank them all, write the consolidated files. */
static pq_status consolidate(runner *r, pq_error *err)
{
    ranked *all = NULL;
    size_t n = 0, cap = 0;
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_status st = PQ_OK;
    double *best = calloc(r->list.n ? r->list.n : 1, sizeof *best);
    if (!best) return PQ_NOMEM(err);
    for (size_t k = 0; st == PQ_OK && k < r->list.n; k++) {
        best[k] = NAN;
        if (r->tasks[k].status != 2) continue;
        char path[4096];
        pq_bt_result *res = NULL;
        size_t m = 0;
        if (!pq_bt_result_path(path, sizeof path, r->out_dir, r->list.files[k].stem, r->a->json)) continue;
        st = pq_bt_read_results(path, &res, &m, err);
        for (size_t i = 0; st == PQ_OK && i < m; i++) {
            if (n == cap) {
                ranked *g = realloc(all, (cap = cap ? cap * 2 : 1024) * sizeof *g);
                if (!g) {
                    st = PQ_NOMEM(err);
                    break;
                }
                all = g;
            }
            all[n].task = k;
            all[n].res = res[i];
            if (isnan(best[k]) || res[i].m.sharpe_ratio > best[k]) best[k] = res[i].m.sharpe_ratio;
            n++;
        }
        free(res);
    }
    pq_bt_metrics *ms = st == PQ_OK ? malloc((n ? n : 1) * sizeof *ms) : NULL;
    double *score = ms ? malloc((n ? n : 1) * sizeof *score) : NULL, *raw = score ? malloc((n ? n : 1) * 4 * sizeof *raw) : NULL,
           *norm = raw ? malloc((n ? n : 1) * 4 * sizeof *norm) : NULL;
    size_t *order = norm ? malloc((n ? n : 1) * sizeof *order) : NULL;
    if (st == PQ_OK && !order) st = PQ_NOMEM(err);
    if (st == PQ_OK) {
        for (size_t i = 0; i < n; i++) ms[i] = all[i].res.m;
        pq_bt_composite(ms, n, score, raw, norm);
        for (size_t i = 0; i < n; i++) {
            all[i].score = score[i];
            memcpy(all[i].raw, raw + 4 * i, sizeof all[i].raw);
            memcpy(all[i].norm, norm + 4 * i, sizeof all[i].norm);
            order[i] = i;
        }
        rank_base = all;
        qsort(order, n, sizeof *order, by_rank);
    }
    char path[4096];
    /* <PREFIX>backtest_ranking.csv -> .parquet: every result with its rank */
    if (st == PQ_OK) {
        st = pq_buf_printf(&b, err, "rank,universe_name,strategy_name,lot_size,n_trades,total_return,sharpe_ratio,"
                                    "sortino_ratio,max_drawdown,win_rate,profit_factor,ulcer_index,net_pnl,"
                                    "return_score,risk_score,consistency_score,robustness_score,composite_score\n");
        for (size_t i = 0; st == PQ_OK && i < n; i++) {
            const ranked *x = &all[order[i]];
            const pq_bt_metrics *m = &x->res.m;
            st = pq_buf_printf(&b, err, "%zu,%s,%s,%.17g,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                               i + 1, r->list.files[x->task].stem, x->res.strategy, m->lot_size, (long long)m->n_trades,
                               m->total_return, m->sharpe_ratio, m->sortino_ratio, m->max_drawdown, m->win_rate,
                               m->profit_factor, m->ulcer_index, m->net_pnl, x->raw[0], x->raw[1], x->raw[2], x->raw[3],
                               x->score);
        }
        char csv[4096];
        if (st == PQ_OK) st = out_file(r, "backtest_ranking.csv", csv, sizeof csv, err);
        if (st == PQ_OK) st = out_file(r, "backtest_ranking.parquet", path, sizeof path, err);
        if (st == PQ_OK) st = save_text(csv, &b, err);
        if (st == PQ_OK && n > 0) {
            pq_convert_options co;
            pq_convert_options_init(&co);
            st = pq_convert_file(csv, path, &co, NULL, err);
        }
    }
    /* <PREFIX>top_strategies_ranked.json (§3.5) */
    if (st == PQ_OK) {
        b.len = 0;
        st = pq_buf_printf(&b, err, "{\n  \"timestamp\": \"%s\",\n  \"total_strategies\": %zu,\n  \"top_strategies\": [", r->timestamp, n);
        for (size_t i = 0; st == PQ_OK && i < n && i < 20; i++) {
            const ranked *x = &all[order[i]];
            const pq_bt_metrics *m = &x->res.m;
            static const char *const CN[4] = {"return_score", "risk_score", "consistency_score", "robustness_score"};
            st = pq_buf_printf(&b, err, "%s\n    {\n      \"strategy_name\": ", i ? "," : "");
            if (st == PQ_OK) st = pq_json_put_str(&b, x->res.strategy, err);
            for (int c = 0; st == PQ_OK && c < 4; c++) {
                st = pq_buf_printf(&b, err, ",\n      \"%s\": ", CN[c]);
                if (st == PQ_OK) st = put_num(&b, x->raw[c], err);
            }
            if (st == PQ_OK) st = pq_buf_printf(&b, err, ",\n      \"n_trades\": %lld", (long long)m->n_trades);
            const struct { const char *k; double v; } f[] = {
                {"total_return", m->total_return}, {"sharpe_ratio", m->sharpe_ratio}, {"max_drawdown", m->max_drawdown},
                {"win_rate", m->win_rate}, {"return_score_norm", x->norm[0]}, {"risk_score_norm", x->norm[1]},
                {"consistency_score_norm", x->norm[2]}, {"robustness_score_norm", x->norm[3]},
                {"composite_score", x->score}};
            for (size_t j = 0; st == PQ_OK && j < sizeof f / sizeof f[0]; j++) {
                st = pq_buf_printf(&b, err, ",\n      \"%s\": ", f[j].k);
                if (st == PQ_OK) st = put_num(&b, f[j].v, err);
            }
            if (st == PQ_OK) st = pq_buf_printf(&b, err, ",\n      \"rank\": %zu,\n      \"universe_name\": ", i + 1);
            if (st == PQ_OK) st = pq_json_put_str(&b, r->list.files[x->task].stem, err);
            if (st == PQ_OK) st = pq_buf_printf(&b, err, ",\n      \"lot_size\": ");
            if (st == PQ_OK) st = put_num(&b, m->lot_size, err);
            if (st == PQ_OK) st = pq_buf_printf(&b, err, "\n    }");
        }
        if (st == PQ_OK) st = pq_buf_printf(&b, err, "%s]\n}\n", n ? "\n  " : "");
        if (st == PQ_OK) st = out_file(r, "top_strategies_ranked.json", path, sizeof path, err);
        if (st == PQ_OK) st = save_text(path, &b, err);
    }
    /* <PREFIX>consolidated_backtest_results.json (§3.5) */
    if (st == PQ_OK) {
        b.len = 0;
        size_t ok = 0;
        for (size_t k = 0; k < r->list.n; k++) ok += r->tasks[k].status == 2;
        st = pq_buf_printf(&b, err, "{\n  \"backtest_timestamp\": \"%s\",\n  \"total_universes\": %zu,\n  \"universes\": [",
                           r->timestamp, ok);
        size_t w = 0;
        for (size_t k = 0; st == PQ_OK && k < r->list.n; k++) {
            if (r->tasks[k].status != 2) continue;
            st = pq_buf_printf(&b, err, "%s\n    {\n      \"universe_name\": ", w++ ? "," : "");
            if (st == PQ_OK) st = pq_json_put_str(&b, r->list.files[k].stem, err);
            if (st == PQ_OK)
                st = pq_buf_printf(&b, err, ",\n      \"strategies_tested\": %zu,\n      \"successful\": %zu,\n      \"best_sharpe\": ",
                                   r->n_strategies, r->n_strategies);
            if (st == PQ_OK) st = put_num(&b, isnan(best[k]) ? 0 : best[k], err);
            if (st == PQ_OK) st = pq_buf_printf(&b, err, ",\n      \"processing_time\": ");
            if (st == PQ_OK) st = put_num(&b, r->tasks[k].seconds, err);
            if (st == PQ_OK) st = pq_buf_printf(&b, err, "\n    }");
        }
        if (st == PQ_OK) st = pq_buf_printf(&b, err, "%s]\n}\n", w ? "\n  " : "");
        if (st == PQ_OK) st = out_file(r, "consolidated_backtest_results.json", path, sizeof path, err);
        if (st == PQ_OK) st = save_text(path, &b, err);
    }
    if (st == PQ_OK && n > 0 && !r->a->quiet) {
        const ranked *x = &all[order[0]];
        printf("best: %s on %s at lot %g: composite %.4f, Sharpe %.3f, return %.2f%%, %lld trades\n", x->res.strategy,
               r->list.files[x->task].stem, x->res.m.lot_size, x->score, x->res.m.sharpe_ratio,
               x->res.m.total_return * 100, (long long)x->res.m.n_trades);
    }
    free(order);
    free(norm);
    free(raw);
    free(score);
    free(ms);
    free(all);
    free(best);
    pq_buf_reset(&b);
    return st;
}

/* ------------------------------------------------------------ the run */

/* "EURUSD_2025_" when every universe has that prefix, else "". */
static void common_prefix(runner *r)
{
    r->prefix[0] = 0;
    for (size_t k = 0; k < r->list.n; k++) {
        const char *s = r->list.files[k].stem, *u = strstr(s, "universe_");
        size_t len = u ? (size_t)(u - s) : 0;
        if (len == 0 || len >= sizeof r->prefix) {
            r->prefix[0] = 0;
            return;
        }
        if (k == 0) {
            memcpy(r->prefix, s, len);
            r->prefix[len] = 0;
        } else if (strlen(r->prefix) != len || strncmp(r->prefix, s, len) != 0) {
            r->prefix[0] = 0;
            return;
        }
    }
}

/* The run's backtest_timestamp: SOURCE_DATE_EPOCH when set (reproducible
 * files), else now, local time with microseconds like the original. */
static void run_timestamp(char out[40])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    if (sde && *sde) {
        time_t t = (time_t)strtoll(sde, NULL, 10);
        gmtime_r(&t, &tm);
        tv.tv_usec = 0;
    } else {
        time_t t = tv.tv_sec;
        localtime_r(&t, &tm);
    }
    char s[32];
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%s.%06ld", s, (long)tv.tv_usec);
}

static void run_loop(runner *r)
{
    size_t next = 0;
    double last_sample = 0;
    bool throttling = r->a->cpu_limit < 100;
    while (next < r->list.n || r->running > 0) {
        if (stop_signal) {
            for (int i = 0; i < MAX_WORKERS; i++)
                if (r->slots[i].pid) kill(r->slots[i].pid, SIGTERM);
            while (r->running > 0) {
                reap(r);
                if (r->running > 0) poll(NULL, 0, 50);
            }
            return;
        }
        double now = pq_mono_seconds();
        if (throttling && now - last_sample >= 0.5) {
            double pct;
            pq_error err;
            pq_error_clear(&err);
            if (pq_cpu_sample(&r->cpu, &pct, &err) == PQ_OK && pct >= 0) {
                r->cpu_now = pct;
                char why[256];
                int ch = pq_throttle_update(&r->th, now, pct, why, sizeof why);
                if (ch != 0) note(r, "%s", why);
            }
            last_sample = now;
        }
        while (next < r->list.n && (throttling ? pq_throttle_may_start(&r->th, now, r->running) : r->running < r->a->workers)) {
            if (!start_task(r, next)) {
                r->tasks[next].status = 3;
                snprintf(r->tasks[next].why, sizeof r->tasks[next].why, "cannot start a process: %s", strerror(errno));
                note(r, "universe %s failed (%s)", r->list.files[next].stem, r->tasks[next].why);
            }
            next++;
        }
        struct pollfd fds[MAX_WORKERS];
        slot *who[MAX_WORKERS];
        int nf = 0;
        for (int i = 0; i < MAX_WORKERS; i++)
            if (r->slots[i].pid) {
                fds[nf] = (struct pollfd){.fd = r->slots[i].fd, .events = POLLIN};
                who[nf++] = &r->slots[i];
            }
        if (poll(fds, (nfds_t)nf, 100) > 0)
            for (int i = 0; i < nf; i++)
                if (fds[i].revents) drain(r, who[i]);
        reap(r);
        progress(r);
    }
}

static int backtest_main(int argc, char **argv, const pq_config *cfg)
{
    bt_args a;
    int rc = parse_args(argc, argv, cfg, &a);
    if (rc != 0) return rc < 0 ? 0 : rc;
    runner r;
    memset(&r, 0, sizeof r);
    r.a = &a;
    r.cpu_now = -1;
    pq_error err;
    pq_error_clear(&err);
    pq_bt_selection sel = {0};
    if (a.universes && pq_bt_selection_parse(a.universes, &sel, &err) != PQ_OK) {
        char m[600];
        return cli_usage_error("backtest", BACKTEST_USAGE, "%s", pq_error_format(&err, m, sizeof m));
    }
    char udir[4096];
    if (snprintf(udir, sizeof udir, "%s/universes", a.root) >= (int)sizeof udir ||
        snprintf(r.out_dir, sizeof r.out_dir, "%s/backtest_results", a.root) >= (int)sizeof r.out_dir) {
        pq_bt_selection_reset(&sel);
        return cli_usage_error("backtest", BACKTEST_USAGE, "--results-dir: path too long");
    }
    pq_status st = pq_bt_find_universes(udir, &sel, &r.list, &err);
    if (st == PQ_OK && sel.n > 0) {
        /* ids asked for that no file has */
        char missing[256] = "";
        size_t nm = 0;
        for (size_t i = 0; i < sel.n; i++) {
            bool found = false;
            for (size_t k = 0; k < r.list.n && !found; k++) found = r.list.files[k].id == sel.ids[i];
            if (!found && nm++ < 20)
                snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%d", nm > 1 ? "," : "", sel.ids[i]);
        }
        if (nm && !a.quiet) fprintf(stderr, "parquant backtest: warning: no universe with id %s%s\n", missing, nm > 20 ? ",..." : "");
    }
    pq_bt_selection_reset(&sel);
    if (st != PQ_OK) return cli_report(&err);
    st = pq_bt_strategy_grid((size_t)a.max_strategies, &r.strategies, &r.n_strategies, &err);
    r.tasks = st == PQ_OK ? calloc(r.list.n, sizeof *r.tasks) : NULL;
    if (st == PQ_OK && !r.tasks) st = PQ_NOMEM(&err);
    if (st == PQ_OK && mkdir(r.out_dir, 0777) != 0 && errno != EEXIST)
        st = PQ_FAIL(&err, PQ_ERR_IO, "%s: cannot create the folder: %s", r.out_dir, strerror(errno));
    if (st != PQ_OK) {
        free(r.strategies);
        free(r.tasks);
        pq_bt_universe_list_reset(&r.list);
        return cli_report(&err);
    }
    char logp[4200];
    if (snprintf(logp, sizeof logp, "%s/backtest_run.log", r.out_dir) < (int)sizeof logp) r.log = fopen(logp, "a");
    run_timestamp(r.timestamp);
    r.parent = getpid();
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    common_prefix(&r);
    pq_throttle_init(&r.th, a.workers, a.cpu_limit, a.cooldown);
    pq_cpu_sampler_init(&r.cpu);
    r.start = pq_mono_seconds();
    note(&r, "%zu universes x %zu strategies x %zu lots, %d worker%s, CPU limit %.0f%%, cooldown %.0f s%s", r.list.n,
         r.n_strategies, a.n_lots, a.workers, a.workers == 1 ? "" : "s", a.cpu_limit, a.cooldown, a.nice ? ", nice" : "");
    run_loop(&r);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (!a.quiet && isatty(STDERR_FILENO)) fputs("\r\033[K", stderr);
    if (stop_signal) {
        note(&r, "stopped by signal %d: the universes that finished have their files; no consolidated files",
             (int)stop_signal);
        if (r.log) fclose(r.log);
        free(r.strategies);
        free(r.tasks);
        pq_bt_universe_list_reset(&r.list);
        return 128 + stop_signal;
    }
    size_t failed = 0;
    int64_t bars = 0;
    for (size_t k = 0; k < r.list.n; k++) {
        failed += r.tasks[k].status == 3;
        bars += r.tasks[k].bars;
    }
    double el = pq_mono_seconds() - r.start;
    st = consolidate(&r, &err);
    char avg[64] = "";
    if (r.th.sum_time > 0) snprintf(avg, sizeof avg, ", average CPU %.0f%%", r.th.sum_pct_time / r.th.sum_time);
    note(&r, "done: %zu universes, %zu failed, %.1f s, %lld bar evaluations (%.3g/s)%s; worker reductions %d, increases %d",
         r.list.n - failed, failed, el, (long long)bars, el > 0 ? (double)bars / el : 0, avg, r.th.reductions,
         r.th.increases);
    if (r.log) fclose(r.log);
    free(r.strategies);
    free(r.tasks);
    pq_bt_universe_list_reset(&r.list);
    if (st != PQ_OK) return cli_report(&err);
    return failed ? 1 : 0;
}

int cli_backtest(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(BACKTEST_USAGE, stdout);
            return 0;
        }
    return cli_with_config(argc, argv, backtest_main);
}
