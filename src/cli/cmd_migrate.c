/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_migrate.c - `parquant migrate`: find NECROZMA result files,
 * migrate each one (migrate/migrate.h: convert, verify, optionally delete
 * the JSON) on N threads, report per file and in total.
 *
 * Exit status: 0 when every file found was migrated or already up to
 * date; 1 when a file failed, when nothing was found, or when the user
 * declined the deletion prompt; 2 for usage errors.  Per-file lines go to
 * stdout, failures and warnings to stderr, the progress line (files, MB,
 * MB/s, ETA) to stderr on a terminal only.
 */
#include "cli/cli.h"
#include "core/core.h"
#include "core/pool.h"
#include "migrate/migrate.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char MIGRATE_USAGE[] =
    "usage: parquant migrate [options]\n"
    "  --input DIR          folder of JSON files (default ultra_necrozma_results/universes;\n"
    "                       backtest: .../backtest_results; trades: .../backtest_results/detailed_trades)\n"
    "  --output DIR         where the Parquet files go (default: the input folder)\n"
    "  --type T             universe|backtest|trades (default universe)\n"
    "  --all                all three kinds under --root, each in place\n"
    "  --root DIR           results root for --all (default ultra_necrozma_results)\n"
    "  --compression C      snappy|zstd|gzip|brotli|lz4|none (default snappy)\n"
    "  --jobs N             files converted in parallel (default: number of cores)\n"
    "  --force              redo files whose Parquet is already up to date\n"
    "  --dry-run            list what would be done and the estimated output size; write nothing\n"
    "  --delete-json        delete each JSON after its Parquet was read back and compared equal\n"
    "  --yes                confirm --delete-json without asking (required when stdin is not a terminal)\n"
    "  --no-verify          skip the read-back comparison (not with --delete-json)\n";

/* Output bytes per input byte for --dry-run estimates, from `bench/migrate.sh`
 * on `parquant generate necrozma --scale production` (docs/performance.md):
 * universes 0.017 when the 5 lookbacks of an interval share their candle
 * file, ~0.08 for a universe alone (0.05 splits the difference); backtests
 * and trade logs 0.22. */
static double estimated_ratio(pq_nz_kind k) { return k == PQ_NZ_UNIVERSE ? 0.05 : 0.22; }

typedef struct section {
    pq_nz_kind kind;
    bool missing; /* the input folder does not exist */
    char in[4096], out[4096];
} section;

typedef struct job {
    char path[4096 + 256];
    const section *sec;
    int64_t size;
    nz_migrate_result res;
    pq_error err;
    pq_status st;
} job;

typedef struct run {
    job *jobs;
    int64_t n, cap;
    nz_migrate_options opt;
    pthread_mutex_t mu;
    cli_progress prog;
    int64_t done_files, done_bytes, total_bytes;
} run;

/* ---------------------------------------------------------- discovery */

/* Does file `name` hold data of kind k?  Sidecars never do. */
static bool wanted(pq_nz_kind k, const char *name)
{
    if (!cli_ends_with(name, ".json") || cli_ends_with(name, "_metadata.json") || name[0] == '.') return false;
    switch (k) {
    case PQ_NZ_UNIVERSE:
        return (strncmp(name, "universe_", 9) == 0 || strstr(name, "_universe_") != NULL) && !cli_ends_with(name, "_backtest.json");
    case PQ_NZ_BACKTEST: return cli_ends_with(name, "_backtest.json");
    case PQ_NZ_TRADES: return true;
    }
    return false;
}

static const char *patterns(pq_nz_kind k)
{
    return k == PQ_NZ_UNIVERSE ? "universe_*.json, *_universe_*.json"
           : k == PQ_NZ_BACKTEST ? "*_backtest.json"
                                 : "*.json";
}

static int cmp_job(const void *a, const void *b)
{
    const job *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1; /* biggest first: no straggler at the end */
    return strcmp(x->path, y->path);
}

static bool add_job(run *r, const section *s, const char *name, int64_t size)
{
    if (r->n == r->cap) {
        int64_t cap = r->cap ? r->cap * 2 : 64;
        job *j = realloc(r->jobs, (size_t)cap * sizeof *j);
        if (j == NULL) return false;
        r->jobs = j;
        r->cap = cap;
    }
    job *j = &r->jobs[r->n++];
    memset(j, 0, sizeof *j);
    snprintf(j->path, sizeof j->path, "%s/%s", s->in, name);
    j->sec = s;
    j->size = size;
    return true;
}

/* Add the files of one section; returns how many, -1 when the folder is missing. */
static int64_t discover(run *r, const section *s)
{
    DIR *d = opendir(s->in);
    if (d == NULL) return -1;
    int64_t found = 0;
    struct dirent *e;
    char path[4096 + 256];
    while ((e = readdir(d)) != NULL) {
        if (!wanted(s->kind, e->d_name)) continue;
        snprintf(path, sizeof path, "%s/%s", s->in, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
        if (!add_job(r, s, e->d_name, (int64_t)sb.st_size)) break;
        found++;
    }
    closedir(d);
    return found;
}

/* ------------------------------------------------------------ running */

static void human(int64_t b, char *buf, size_t cap)
{
    if (b < 1000) snprintf(buf, cap, "%lld B", (long long)b);
    else if (b < 1000000) snprintf(buf, cap, "%.1f KB", (double)b / 1e3);
    else if (b < 1000000000) snprintf(buf, cap, "%.1f MB", (double)b / 1e6);
    else snprintf(buf, cap, "%.2f GB", (double)b / 1e9);
}

static double percent_smaller(int64_t before, int64_t after)
{
    return before > 0 ? 100.0 * (1.0 - (double)after / (double)before) : 0;
}

static void report_file(run *r, job *j)
{
    char a[32], b[32];
    const char *name = strrchr(j->path, '/') ? strrchr(j->path, '/') + 1 : j->path;
    cli_progress_finish(&r->prog);
    if (j->st != PQ_OK) {
        char buf[1024];
        fprintf(stderr, "parquant migrate: FAILED %s\n", pq_error_format(&j->err, buf, sizeof buf));
        fprintf(stderr, "  the JSON is kept%s\n", r->opt.delete_json ? " (not deleted)" : "");
    } else if (j->res.outcome == NZ_SKIPPED) {
        printf("skipped  %s: up to date%s\n", name, j->res.deleted ? "; JSON verified and deleted" : "");
    } else {
        human(j->res.bytes_in, a, sizeof a);
        human(j->res.bytes_out, b, sizeof b);
        double pct = percent_smaller(j->res.bytes_in, j->res.bytes_out);
        printf("done     %s: %s -> %s (%.1f%% %s)%s\n", name, a, b, pct < 0 ? -pct : pct, pct < 0 ? "larger" : "smaller",
               j->res.deleted ? "; JSON verified and deleted" : "");
    }
    if (j->st == PQ_OK && j->res.warnings)
        fprintf(stderr, "parquant migrate: warning: %s: kept as JSON (not in the expected layout): %s\n", j->path, j->res.note);
    fflush(stdout);
}

static void run_one(void *ctx, int worker, int64_t item)
{
    run *r = ctx;
    job *j = &r->jobs[item];
    pq_error_clear(&j->err);
    j->st = nz_migrate_file(j->path, j->sec->out, j->sec->kind, &r->opt, &j->res, &j->err);
    pthread_mutex_lock(&r->mu);
    r->done_files++;
    r->done_bytes += j->size;
    report_file(r, j);
    char phase[64];
    snprintf(phase, sizeof phase, "%lld/%lld files", (long long)r->done_files, (long long)r->n);
    cli_progress_update(&r->prog, phase, r->done_bytes, r->total_bytes, -1);
    pthread_mutex_unlock(&r->mu);
}

static int summarize(const run *r, double seconds)
{
    int64_t done = 0, skipped = 0, failed = 0, before = 0, after = 0, deleted = 0, converted_in = 0;
    for (int64_t i = 0; i < r->n; i++) {
        const job *j = &r->jobs[i];
        if (j->st != PQ_OK) { failed++; continue; }
        deleted += j->res.deleted;
        if (j->res.outcome == NZ_SKIPPED) { skipped++; continue; }
        done++;
        before += j->res.bytes_in;
        after += j->res.bytes_out;
        converted_in += j->res.bytes_in;
    }
    char a[32], b[32];
    human(before, a, sizeof a);
    human(after, b, sizeof b);
    printf("migrate: %lld done, %lld skipped (up to date), %lld failed", (long long)done, (long long)skipped, (long long)failed);
    if (r->opt.delete_json) printf(", %lld JSON deleted", (long long)deleted);
    printf("\n");
    if (done)
        printf("migrate: %s -> %s (%.1f%% smaller) in %.1f s, %.1f MB/s\n", a, b, percent_smaller(before, after), seconds,
               seconds > 0 ? (double)converted_in / 1e6 / seconds : 0);
    return failed ? CLI_FAIL : CLI_OK;
}


static int execute(run *r, int jobs)
{
    pq_pool pool;
    memset(&pool, 0, sizeof pool);
    pq_error err;
    pq_status st = pq_pool_start(&pool, jobs - 1, NULL, &err);
    if (st != PQ_OK) {
        pq_pool_stop(&pool);
        return cli_report(&err);
    }
    for (int64_t i = 0; i < r->n; i++) r->total_bytes += r->jobs[i].size;
    pthread_mutex_init(&r->mu, NULL);
    cli_progress_init(&r->prog, "migrate");
    double t0 = pq_mono_seconds();
    pq_pool_run(&pool, run_one, r, r->n);
    double t1 = pq_mono_seconds();
    cli_progress_finish(&r->prog);
    pq_pool_stop(&pool);
    pthread_mutex_destroy(&r->mu);
    return summarize(r, t1 - t0);
}

static int dry_run(const run *r)
{
    int64_t before = 0, after = 0, todo = 0;
    for (int64_t i = 0; i < r->n; i++) {
        const job *j = &r->jobs[i];
        char out[4200], a[32], b[32];
        pq_error err;
        if (nz_output_path(j->path, j->sec->out, out, sizeof out, &err) != PQ_OK) continue;
        int64_t est = (int64_t)((double)j->size * estimated_ratio(j->sec->kind));
        human(j->size, a, sizeof a);
        human(est, b, sizeof b);
        printf("would migrate %s (%s) -> %s (about %s)%s\n", j->path, a, out, b,
               r->opt.delete_json ? ", then delete the JSON" : "");
        before += j->size;
        after += est;
        todo++;
    }
    char a[32], b[32];
    human(before, a, sizeof a);
    human(after, b, sizeof b);
    printf("dry run: %lld files, %s of JSON -> about %s of Parquet (files already up to date are skipped when run); "
           "nothing written\n", (long long)todo, a, b);
    return CLI_OK;
}

/* ------------------------------------------------------------- options */

typedef struct args {
    const char *input, *output, *root;
    pq_nz_kind kind;
    bool all, yes, dry, no_verify;
    int jobs;
} args;

static int parse_args(int argc, char **argv, args *a, nz_migrate_options *o)
{
    memset(a, 0, sizeof *a);
    memset(o, 0, sizeof *o);
    o->codec = PQ_CODEC_SNAPPY;
    o->verify = true;
    a->root = "ultra_necrozma_results";
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    a->jobs = cpus > 0 ? (int)cpus : 1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int64_t n;
        pq_error err;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) { fputs(MIGRATE_USAGE, stdout); return -1; }
        else if (!strcmp(s, "--all")) a->all = true;
        else if (!strcmp(s, "--yes")) a->yes = true;
        else if (!strcmp(s, "--dry-run")) a->dry = true;
        else if (!strcmp(s, "--force")) o->force = true;
        else if (!strcmp(s, "--delete-json")) o->delete_json = true;
        else if (!strcmp(s, "--no-verify")) a->no_verify = true;
        else if (v == NULL && (!strcmp(s, "--input") || !strcmp(s, "--output") || !strcmp(s, "--root") ||
                               !strcmp(s, "--type") || !strcmp(s, "--compression") || !strcmp(s, "--jobs")))
            return cli_usage_error("migrate", MIGRATE_USAGE, "%s needs a value", s);
        else if (!strcmp(s, "--input")) a->input = argv[++i];
        else if (!strcmp(s, "--output")) a->output = argv[++i];
        else if (!strcmp(s, "--root")) a->root = argv[++i];
        else if (!strcmp(s, "--type")) {
            i++;
            if (!strcmp(v, "universe")) a->kind = PQ_NZ_UNIVERSE;
            else if (!strcmp(v, "backtest")) a->kind = PQ_NZ_BACKTEST;
            else if (!strcmp(v, "trades")) a->kind = PQ_NZ_TRADES;
            else return cli_usage_error("migrate", MIGRATE_USAGE, "--type expects universe, backtest or trades, found '%s'", v);
        } else if (!strcmp(s, "--compression")) {
            i++;
            static const char *const writable[] = { "snappy", "zstd", "gzip", "brotli", "lz4", "none" };
            bool ok = false;
            for (size_t k = 0; k < sizeof writable / sizeof *writable; k++) ok |= strcmp(v, writable[k]) == 0;
            if (!ok || pq_codec_parse(!strcmp(v, "lz4") ? "lz4_raw" : v, &o->codec, &err) != PQ_OK)
                return cli_usage_error("migrate", MIGRATE_USAGE, "unknown codec '%s' (snappy, zstd, gzip, brotli, lz4, none)", v);
        } else if (!strcmp(s, "--jobs")) {
            i++;
            if (!cli_parse_i64(v, 1, 256, &n)) return cli_usage_error("migrate", MIGRATE_USAGE, "--jobs expects 1..256, found '%s'", v);
            a->jobs = (int)n;
        } else return cli_usage_error("migrate", MIGRATE_USAGE, "unknown argument '%s'", s);
    }
    if (a->all && (a->input || a->output))
        return cli_usage_error("migrate", MIGRATE_USAGE, "--all migrates in place under --root: --input/--output do not apply");
    if (a->no_verify && o->delete_json)
        return cli_usage_error("migrate", MIGRATE_USAGE, "--no-verify cannot be used with --delete-json");
    o->verify = !a->no_verify;
    if (o->delete_json && !a->yes && !a->dry && !isatty(STDIN_FILENO))
        return cli_usage_error("migrate", MIGRATE_USAGE, "--delete-json needs --yes when standard input is not a terminal");
    return CLI_OK;
}

static int make_sections(const args *a, section *secs, int *n)
{
    static const char *const sub[] = { "universes", "backtest_results", "backtest_results/detailed_trades" };
    *n = 0;
    for (int k = 0; k < 3; k++) {
        if (!a->all && (pq_nz_kind)k != a->kind) continue;
        section *s = &secs[(*n)++];
        s->kind = (pq_nz_kind)k;
        if (a->all || a->input == NULL) snprintf(s->in, sizeof s->in, "%s/%s", a->all ? a->root : "ultra_necrozma_results", sub[k]);
        else snprintf(s->in, sizeof s->in, "%s", a->input);
        snprintf(s->out, sizeof s->out, "%s", !a->all && a->output ? a->output : s->in);
    }
    return CLI_OK;
}

/* mkdir -p: the output folder is created with its parents. */
static bool make_dirs(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        (void)mkdir(p, 0777);
        *s = '/';
    }
    return (mkdir(p, 0777) == 0 || access(p, W_OK) == 0);
}

static bool confirm_delete(int64_t n)
{
    fprintf(stderr, "parquant migrate: %lld JSON files will be deleted once their Parquet copy has been read back and\n"
                    "compared equal.  Continue? (yes/no): ", (long long)n);
    char line[64];
    if (fgets(line, sizeof line, stdin) == NULL) return false;
    line[strcspn(line, "\r\n")] = 0;
    return strcasecmp(line, "yes") == 0;
}

int cli_migrate(int argc, char **argv)
{
    args a;
    run r;
    memset(&r, 0, sizeof r);
    int rc = parse_args(argc, argv, &a, &r.opt);
    if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
    section secs[3];
    int n_secs;
    make_sections(&a, secs, &n_secs);
    for (int i = 0; i < n_secs; i++) {
        int64_t found = discover(&r, &secs[i]);
        secs[i].missing = found < 0;
        if (found < 0)
            fprintf(stderr, "parquant migrate: no folder %s (looked for %s files: %s)\n", secs[i].in,
                    pq_nz_kind_name(secs[i].kind), patterns(secs[i].kind));
        else if (found == 0)
            fprintf(stderr, "parquant migrate: no %s JSON files found in %s (looked for %s, not *_metadata.json)\n",
                    pq_nz_kind_name(secs[i].kind), secs[i].in, patterns(secs[i].kind));
    }
    if (r.n == 0) {
        free(r.jobs);
        fprintf(stderr, "parquant migrate: nothing to migrate\n");
        return CLI_FAIL;
    }
    qsort(r.jobs, (size_t)r.n, sizeof *r.jobs, cmp_job);
    if (a.dry) rc = dry_run(&r);
    else if (r.opt.delete_json && !a.yes && !confirm_delete(r.n)) {
        fprintf(stderr, "parquant migrate: aborted; nothing was written or deleted\n");
        rc = CLI_FAIL;
    } else {
        for (int i = 0; i < n_secs; i++) {
            if (secs[i].missing) continue;
            if (!make_dirs(secs[i].out)) {
                fprintf(stderr, "parquant migrate: cannot create or write %s\n", secs[i].out);
                free(r.jobs);
                return CLI_FAIL;
            }
            int stale = nz_remove_stale_temps(secs[i].out);
            char candles[4200];
            snprintf(candles, sizeof candles, "%s/candles", secs[i].out);
            stale += nz_remove_stale_temps(candles);
            if (stale) fprintf(stderr, "parquant migrate: removed %d temporary files of an interrupted run in %s\n", stale, secs[i].out);
        }
        rc = execute(&r, a.jobs);
    }
    free(r.jobs);
    return rc;
}
