/* SPDX-License-Identifier: Apache-2.0
 *
 * queue/processor.c - the queue processor's loop (pq_queue_run): claim the
 * oldest runnable job, run it in a child process (its own process group, so
 * a timeout kills all of its work; PR_SET_PDEATHSIG, so it dies with a
 * killed processor), heartbeat the leases of running jobs, and turn each
 * ending into a record or a re-queue:
 *   exit 0                      completed/<id>.json
 *   exit 75, or a signal        re-queued with a back-off (retry_delay x 2^(attempt-1),
 *                               at most an hour) until max_attempts, then failed
 *   any other exit              failed/<id>.json with the reason and the log's end
 *   timeout                     the process group killed; failed
 *   stop (SIGTERM/SIGINT)       killed and re-queued, the attempt not counted
 * Between jobs it scans processing/ for work whose owner died (a lease of a
 * dead pid on this host, or a lease or aside copy unchanged for `lease`
 * seconds by this processor's own clock) and re-queues or fails it.  Errors
 * of the share (a rename refused, a folder unreadable) back off per job and
 * per scan; the loop never spins.  Waiting is poll(2) on a self-pipe woken by
 * signals, plus inotify on jobs/queue/ when the kernel offers it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "queue/lease.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define MAX_WATCH 256
#define MAX_BACKOFF 64

typedef struct running {
    bool used;
    pq_job job;
    pid_t pid;
    double started;            /* monotonic seconds */
    int64_t started_wall;      /* unix seconds */
    off_t log_start;           /* this attempt's first byte in logs/<id>.log */
    bool timed_out, lost, stopped;
} running;

typedef struct watch {          /* a file of another processor, until it changes or expires */
    char name[600];
    struct timespec mtime;
    ino_t ino;
    double since;              /* monotonic: first seen in this state */
    bool seen;                 /* in the current scan */
} watch;

typedef struct backoff {        /* a queued file whose claim failed */
    char name[PQ_JOB_ID_MAX + 8];
    double until, delay;
} backoff;

typedef struct proc {
    const char *root;
    const pq_queue_options *o;
    pq_qproc me;
    running run[MAX_WORKERS];
    int n_running;
    watch watch[MAX_WATCH];
    int n_watch;
    backoff back[MAX_BACKOFF];
    int n_back;
    double scan_delay;         /* grows while the share cannot be read */
    int inotify_fd;
} proc;

static volatile sig_atomic_t stop_flag;
static int wake_fd[2] = {-1, -1};

static void wake(void)
{
    if (wake_fd[1] >= 0) {
        int e = errno;
        ssize_t w = write(wake_fd[1], "x", 1);
        (void)w;
        errno = e;
    }
}

void pq_queue_request_stop(void)
{
    stop_flag = 1;
    wake();
}

static void on_stop(int sig) { (void)sig; pq_queue_request_stop(); }
static void on_child(int sig) { (void)sig; wake(); }


void pq_queue_options_init(pq_queue_options *o)
{
    memset(o, 0, sizeof *o);
    o->workers = 1;
    o->job_timeout = 3600;
    o->poll_interval = 2;
    o->lease = 60;
    o->retry_delay = 30;
    o->max_attempts = 3;
    o->max_input_bytes = (int64_t)10 << 30;
}

#define LOG(P_, EVENT_, JOB_, ...) pq_queue_log((P_)->root, (P_)->me.id, EVENT_, JOB_, (P_)->o->echo, __VA_ARGS__)

/* ------------------------------------------------------------- records */

/* The last lines of this attempt's job log (at most 4 KiB), for a record. */
static void log_excerpt(const proc *p, const running *r, pq_buf *out)
{
    char path[PQ_QUEUE_PATH], name[PQ_JOB_ID_MAX + 8];
    out->len = 0;
    snprintf(name, sizeof name, "%s.log", r->job.id);
    if (!pq_queue_path(path, p->root, PQ_QDIR_LOGS, name)) return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    off_t end = lseek(fd, 0, SEEK_END), from = end - 4096 > r->log_start ? end - 4096 : r->log_start;
    if (end > from && pq_buf_reserve(out, (size_t)(end - from) + 1, NULL) == PQ_OK) {
        ssize_t n = pread(fd, out->data, (size_t)(end - from), from);
        out->len = n > 0 ? (size_t)n : 0;
        out->data[out->len] = '\0';
    }
    close(fd);
}

/* The reason of a failed job: the last "parquant..." error line of its log,
 * else `fallback`. */
static void reason_from_log(const pq_buf *excerpt, const char *fallback, char *out, size_t cap)
{
    snprintf(out, cap, "%s", fallback);
    if (!excerpt->len) return;
    const char *text = (const char *)excerpt->data, *best = NULL;
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, "parquant", 8) == 0) best = l;
    if (best) {
        const char *e = strchr(best, '\n');
        snprintf(out, cap, "%.*s", (int)(e ? e - best : (ptrdiff_t)strlen(best)), best);
    }
}

/* {"job_id", "status", "reason", "job", "attempts", "processor", times,
 *  "output_dir", extra members, "unknown_fields", "log", "log_excerpt"} */
static pq_status build_record(const proc *p, const pq_job *job, const char *status, const char *reason,
                              const running *r, const pq_buf *extra, const pq_buf *excerpt, pq_buf *out, pq_error *err)
{
    char when[32];
    out->len = 0;
    PQ_TRY(pq_buf_append(out, "{\"job_id\":", 10, err));
    PQ_TRY(pq_json_put_str(out, job->id, err));
    PQ_TRY(pq_buf_printf(out, err, ",\"status\":\"%s\"", status));
    if (reason) {
        PQ_TRY(pq_buf_append(out, ",\"reason\":", 10, err));
        PQ_TRY(pq_json_put_str(out, reason, err));
    }
    PQ_TRY(pq_buf_printf(out, err, ",\"job\":{%.*s},\"attempts\":%lld,\"processor\":", (int)job->fields.len,
                         job->fields.len ? (const char *)job->fields.data : "", (long long)job->attempts));
    PQ_TRY(pq_json_put_str(out, p->me.id, err));
    if (r) {
        pq_queue_time_str(r->started_wall, when);
        PQ_TRY(pq_buf_printf(out, err, ",\"started_at\":\"%s\"", when));
    }
    int64_t now = (int64_t)time(NULL);
    pq_queue_time_str(now, when);
    PQ_TRY(pq_buf_printf(out, err, ",\"finished_at\":\"%s\"", when));
    if (r) PQ_TRY(pq_buf_printf(out, err, ",\"seconds\":%.3f,\"output_dir\":\"output/%s\"", pq_mono_seconds() - r->started, job->id));
    if (extra && extra->len) {
        PQ_TRY(pq_buf_push(out, ',', err));
        PQ_TRY(pq_buf_append(out, extra->data, extra->len - 1, err)); /* members end with ',' */
    }
    if (job->unknown[0]) {
        PQ_TRY(pq_buf_append(out, ",\"unknown_fields\":[", 19, err));
        for (const char *u = job->unknown; *u;) {
            const char *c = strchr(u, ',');
            char one[256];
            snprintf(one, sizeof one, "%.*s", (int)(c ? c - u : (ptrdiff_t)strlen(u)), u);
            PQ_TRY(pq_json_put_str(out, one, err));
            u = c ? c + 1 : u + strlen(u);
            if (*u) PQ_TRY(pq_buf_push(out, ',', err));
        }
        PQ_TRY(pq_buf_push(out, ']', err));
    }
    if (r) {
        PQ_TRY(pq_buf_printf(out, err, ",\"log\":\"logs/%s.log\"", job->id));
        if (excerpt && excerpt->len) {
            PQ_TRY(pq_buf_append(out, ",\"log_excerpt\":", 15, err));
            PQ_TRY(pq_json_put_str(out, (const char *)excerpt->data, err));
        }
    }
    return pq_buf_append(out, "}\n", 2, err);
}

/* Record a job as completed or failed from its aside copy; when the
 * record cannot be written, re-queue it instead (with the write error as
 * its last_error), and when even that fails leave the aside copy for the
 * recovery scan: a job is never lost. */
static void finish(proc *p, pq_job *job, bool failed, const char *reason, const running *r, const pq_buf *extra,
                   const pq_buf *excerpt, const char *aside)
{
    pq_error err;
    pq_error_clear(&err);
    pq_buf rec;
    pq_buf_init(&rec, NULL);
    pq_status st = build_record(p, job, failed ? "failed" : "completed", reason, r, extra, excerpt, &rec, &err);
    if (st == PQ_OK) st = pq_lease_record(p->root, failed, job->id, &rec, aside, &err);
    pq_buf_reset(&rec);
    if (st == PQ_OK) {
        LOG(p, failed ? "failed" : "completed", job->id, "%s", reason ? reason : "");
        return;
    }
    char why[300];
    pq_error_format(&err, why, sizeof why);
    LOG(p, "record-error", job->id, "cannot write the record (%s): re-queued", why);
    snprintf(job->last_error, sizeof job->last_error, "the record could not be written: %s", why);
    job->retry_after = (int64_t)time(NULL) + (int64_t)p->o->retry_delay;
    if (pq_lease_requeue(p->root, job, aside, &err) != PQ_OK) {
        pq_error_format(&err, why, sizeof why);
        LOG(p, "requeue-error", job->id, "%s; left in processing/ for recovery", why);
    }
}

/* Seconds to wait before attempt `attempts + 1`. */
static double retry_delay(const proc *p, int64_t attempts)
{
    double d = p->o->retry_delay * pow(2, (double)(attempts > 1 ? attempts - 1 : 0));
    return d > 3600 ? 3600 : d;
}

/* A job that failed for a reason that may pass: re-queue it with a
 * back-off, or fail it for good once its attempts are spent. */
static void retry_or_fail(proc *p, pq_job *job, const char *why, const running *r, const pq_buf *excerpt,
                          const char *aside, bool back_off)
{
    if (job->attempts >= p->o->max_attempts) {
        char reason[700];
        snprintf(reason, sizeof reason, "%s (attempt %lld of %d: no more retries)", why, (long long)job->attempts,
                 p->o->max_attempts);
        finish(p, job, true, reason, r, NULL, excerpt, aside);
        return;
    }
    snprintf(job->last_error, sizeof job->last_error, "%s", why);
    double d = back_off ? retry_delay(p, job->attempts) : 0;
    job->retry_after = back_off ? (int64_t)time(NULL) + (int64_t)ceil(d) : 0;
    pq_error err;
    pq_error_clear(&err);
    if (pq_lease_requeue(p->root, job, aside, &err) == PQ_OK) {
        LOG(p, "requeued", job->id, "attempt %lld: %s; next try in %.0f s", (long long)job->attempts, why, d);
    } else {
        char m[300];
        LOG(p, "requeue-error", job->id, "%s; left in processing/ for recovery", pq_error_format(&err, m, sizeof m));
    }
}

/* ------------------------------------------------------------- children */

/* Runs in the child: its own process group, dies with the processor,
 * output to logs/<id>.log, then the handler. */
static void child_main(proc *p, const pq_job *job, const char *input, const char *log_path)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    close(wake_fd[0]);
    close(wake_fd[1]);
    if (p->inotify_fd >= 0) close(p->inotify_fd);
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(PQ_JOB_EXIT_RETRY);
    close(fd);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    char out_dir[PQ_QUEUE_PATH], when[32];
    pq_queue_time_str((int64_t)time(NULL), when);
    char head[600];
    int hn = snprintf(head, sizeof head, "=== %s: job %s, attempt %lld, processor %s\n", when, job->id,
                      (long long)job->attempts, p->me.id);
    if (hn > 0 && write(1, head, (size_t)hn < sizeof head ? (size_t)hn : sizeof head - 1) < 0) _exit(PQ_JOB_EXIT_RETRY);
    if (!pq_queue_path(out_dir, p->root, PQ_QDIR_OUTPUT, job->id)) _exit(PQ_JOB_EXIT_FAILED);
    int rc = p->o->handler(p->o->ctx, job, input, out_dir);
    _exit(rc);
}

static void start_job(proc *p, pq_job *job, const char *input)
{
    char log_path[PQ_QUEUE_PATH], name[PQ_JOB_ID_MAX + 8];
    snprintf(name, sizeof name, "%s.log", job->id);
    int slot = 0;
    while (slot < MAX_WORKERS && p->run[slot].used) slot++;
    running *r = &p->run[slot];
    memset(r, 0, sizeof *r);
    r->job = *job; /* takes the buffers */
    pq_job_init(job);
    struct stat st;
    r->log_start = pq_queue_path(log_path, p->root, PQ_QDIR_LOGS, name) && stat(log_path, &st) == 0 ? st.st_size : 0;
    r->started = pq_mono_seconds();
    r->started_wall = (int64_t)time(NULL);
    r->used = true;
    p->n_running++;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) child_main(p, &r->job, input, log_path);
    if (pid < 0) {
        /* treated as a child that could not start: re-queued */
        r->pid = -1;
        LOG(p, "fork-error", r->job.id, "%s", strerror(errno));
        return;
    }
    setpgid(pid, pid);
    r->pid = pid;
    LOG(p, "started", r->job.id, "attempt %lld, pid %ld, input %s, size %lld", (long long)r->job.attempts, (long)pid,
        r->job.input_file, (long long)r->job.portfolio_size);
}

/* A child ended (status from waitpid; fork_failed when it never started). */
static void job_ended(proc *p, running *r, int status, bool fork_failed)
{
    char aside[PQ_QUEUE_PATH], file[PQ_JOB_ID_MAX + 8], why[600];
    pq_error err;
    pq_error_clear(&err);
    pq_buf excerpt;
    pq_buf_init(&excerpt, NULL);
    snprintf(file, sizeof file, "%s.json", r->job.id);
    if (r->lost || pq_lease_aside(p->root, file, r->job.id, "end", &p->me, aside, &err) != PQ_OK) {
        LOG(p, "lease-lost", r->job.id, "another processor took the job back; its result is dropped");
        goto done;
    }
    log_excerpt(p, r, &excerpt);
    if (r->stopped) {
        r->job.attempts = r->job.attempts > 0 ? r->job.attempts - 1 : 0; /* not the job's fault */
        r->job.retry_after = 0;
        if (pq_lease_requeue(p->root, &r->job, aside, &err) == PQ_OK) LOG(p, "requeued", r->job.id, "processor stopping");
        else LOG(p, "requeue-error", r->job.id, "%s", pq_error_format(&err, why, sizeof why));
    } else if (r->timed_out) {
        snprintf(why, sizeof why, "timed out after %.0f s (job timeout): its processes were killed", p->o->job_timeout);
        finish(p, &r->job, true, why, r, NULL, &excerpt, aside);
    } else if (!fork_failed && WIFEXITED(status) && WEXITSTATUS(status) == PQ_JOB_EXIT_OK) {
        pq_buf extra;
        pq_buf_init(&extra, NULL);
        char out_dir[PQ_QUEUE_PATH];
        if (p->o->summarize && pq_queue_path(out_dir, p->root, PQ_QDIR_OUTPUT, r->job.id))
            p->o->summarize(p->o->ctx, &r->job, out_dir, &extra);
        finish(p, &r->job, false, NULL, r, &extra, &excerpt, aside);
        pq_buf_reset(&extra);
    } else if (fork_failed || WIFSIGNALED(status) || WEXITSTATUS(status) == PQ_JOB_EXIT_RETRY) {
        char fallback[128];
        if (fork_failed) snprintf(fallback, sizeof fallback, "the job's process could not be started");
        else if (WIFSIGNALED(status)) snprintf(fallback, sizeof fallback, "the job's process was killed by signal %d (%s)",
                                               WTERMSIG(status), strsignal(WTERMSIG(status)));
        else snprintf(fallback, sizeof fallback, "a transient failure (exit %d)", WEXITSTATUS(status));
        reason_from_log(&excerpt, fallback, why, sizeof why);
        retry_or_fail(p, &r->job, why, r, &excerpt, aside, true);
    } else {
        char fallback[64];
        snprintf(fallback, sizeof fallback, "the job failed (exit %d)", WEXITSTATUS(status));
        reason_from_log(&excerpt, fallback, why, sizeof why);
        finish(p, &r->job, true, why, r, NULL, &excerpt, aside);
    }
done:
    pq_buf_reset(&excerpt);
    pq_job_reset(&r->job);
    r->used = false;
    p->n_running--;
}

static void reap(proc *p)
{
    for (int i = 0; i < MAX_WORKERS; i++) {
        running *r = &p->run[i];
        if (!r->used) continue;
        if (r->pid < 0) {
            job_ended(p, r, 0, true);
            continue;
        }
        int status;
        pid_t w = waitpid(r->pid, &status, WNOHANG);
        if (w == r->pid) {
            kill(-r->pid, SIGKILL); /* whatever the job left running in its group */
            job_ended(p, r, status, false);
        }
    }
}

/* Timeouts and heartbeats of the running jobs. */
static void tend(proc *p, bool heartbeat)
{
    double now = pq_mono_seconds();
    for (int i = 0; i < MAX_WORKERS; i++) {
        running *r = &p->run[i];
        if (!r->used || r->pid <= 0) continue;
        if (p->o->job_timeout > 0 && !r->timed_out && now - r->started > p->o->job_timeout) {
            r->timed_out = true;
            kill(-r->pid, SIGKILL);
            LOG(p, "timeout", r->job.id, "killed after %.0f s", now - r->started);
        }
        if (heartbeat && !r->lost && !pq_lease_heartbeat(p->root, r->job.id)) {
            r->lost = true;
            kill(-r->pid, SIGKILL);
        }
    }
}

/* ------------------------------------------------------------- recovery */

/* True when `name` (in folder tag q or p) has kept the same inode and mtime
 * for the lease time on this processor's clock. */
static bool expired_after(proc *p, const char *tag, const char *name, const struct stat *st, double lease)
{
    char key[sizeof p->watch[0].name];
    snprintf(key, sizeof key, "%s/%s", tag, name);
    double now = pq_mono_seconds();
    for (int i = 0; i < p->n_watch; i++) {
        watch *w = &p->watch[i];
        if (strcmp(w->name, key) != 0) continue;
        w->seen = true;
        if (w->ino != st->st_ino || w->mtime.tv_sec != st->st_mtim.tv_sec || w->mtime.tv_nsec != st->st_mtim.tv_nsec) {
            w->ino = st->st_ino;
            w->mtime = st->st_mtim;
            w->since = now;
            return false;
        }
        return now - w->since >= lease;
    }
    if (p->n_watch < MAX_WATCH) {
        watch *w = &p->watch[p->n_watch++];
        snprintf(w->name, sizeof w->name, "%s", key);
        w->ino = st->st_ino;
        w->mtime = st->st_mtim;
        w->since = now;
        w->seen = true;
    }
    return false;
}

static bool expired(proc *p, const char *tag, const char *name, const struct stat *st)
{
    return expired_after(p, tag, name, st, p->o->lease);
}

/* Is the owner of processing/<id>.json dead?  Its lease names a process on
 * this host that is gone (at once), or nothing has touched the lease (or
 * the job file, when there is no lease) for the lease time. */
static bool owner_dead(proc *p, const char *id)
{
    char path[PQ_QUEUE_PATH], name[512];
    snprintf(name, sizeof name, "%.400s.lease", id);
    pq_buf text;
    pq_buf_init(&text, NULL);
    struct stat st;
    bool have_lease = pq_queue_path(path, p->root, PQ_QDIR_PROCESSING, name) && stat(path, &st) == 0;
    double lease = p->o->lease;
    if (have_lease && pq_queue_read_file(path, 4096, &text, NULL) == PQ_OK) {
        const char *l = strstr((const char *)text.data, "\"lease_s\":");
        double theirs;
        if (l && sscanf(l + 10, "%lf", &theirs) == 1 && theirs > lease && theirs < 1e7) lease = theirs;
        char host[300];
        long pid = 0;
        const char *h = strstr((const char *)text.data, "\"host\":\""), *q = strstr((const char *)text.data, "\"pid\":");
        if (h && q && sscanf(h + 8, "%299[^\"]", host) == 1 && sscanf(q + 6, "%ld", &pid) == 1 &&
            strcmp(host, p->me.host) == 0 && pid > 0 && (pid == p->me.pid || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))) {
            pq_buf_reset(&text);
            return true;
        }
    }
    pq_buf_reset(&text);
    if (!have_lease) {
        snprintf(name, sizeof name, "%.400s.json", id);
        if (!pq_queue_path(path, p->root, PQ_QDIR_PROCESSING, name) || stat(path, &st) != 0) return false;
    }
    return expired_after(p, "p", name, &st, lease);
}

/* A job file that cannot be parsed (now at `aside`): a failed record
 * under its file's stem, holding its text as "raw". */
static void fail_unreadable(proc *p, const char *stem, const pq_buf *text, const char *reason, const char *aside)
{
    pq_job job;
    pq_job_init(&job);
    snprintf(job.id, sizeof job.id, "%.128s", stem);
    if (pq_buf_printf(&job.fields, NULL, "\"raw\":") != PQ_OK ||
        pq_json_put_str(&job.fields, text->len ? (const char *)text->data : "", NULL) != PQ_OK)
        job.fields.len = 0;
    finish(p, &job, true, reason, NULL, NULL, NULL, aside);
    pq_job_reset(&job);
}

/* A job taken back (now at `aside`): re-queue it or fail it.  An
 * unreadable file becomes a failed record holding its text. */
static void recover(proc *p, const char *id, const char *aside, const char *why)
{
    pq_buf text;
    pq_buf_init(&text, NULL);
    pq_job job;
    pq_job_init(&job);
    pq_error err;
    pq_error_clear(&err);
    pq_status st = pq_queue_read_file(aside, PQ_JOB_MAX_BYTES, &text, &err);
    if (st == PQ_OK) st = pq_job_parse(id, text.data, text.len, &job, &err);
    if (st == PQ_OK) {
        LOG(p, "recovered", id, "%s", why);
        retry_or_fail(p, &job, why, NULL, NULL, aside, false);
    } else if (st == PQ_ERR_IO || st == PQ_ERR_NOMEM) {
        /* not read: the aside copy stays and is taken back again later */
        char m[300];
        LOG(p, "recover-error", id, "%s", pq_error_format(&err, m, sizeof m));
    } else if (st != PQ_ERR_NOT_FOUND) {
        char m[300];
        snprintf(m, sizeof m, "%s, and its file in processing/ is unreadable: ", why);
        size_t n = strlen(m);
        pq_error_format(&err, m + n, sizeof m - n);
        fail_unreadable(p, id, &text, m, aside);
    }
    pq_job_reset(&job);
    pq_buf_reset(&text);
}

static bool is_running_here(const proc *p, const char *id)
{
    for (int i = 0; i < MAX_WORKERS; i++)
        if (p->run[i].used && strcmp(p->run[i].job.id, id) == 0) return true;
    return false;
}

/* One entry of processing/: a job whose owner died, an aside copy or a
 * temporary file left by a dead processor, or a lease without its job. */
static void scan_entry(proc *p, const char *dir, const char *name)
{
    char id[512], path[PQ_QUEUE_PATH], aside[PQ_QUEUE_PATH], why[400];
    snprintf(id, sizeof id, "%s", name);
    char *dot = strstr(id, ".json");
    char *lease = strstr(id, ".lease");
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path || stat(path, &st) != 0) return;
    if (strstr(name, ".tmp-")) { /* a write that never finished */
        if (expired(p, "p", name, &st)) unlink(path);
        return;
    }
    if (dot) *dot = '\0';
    else if (lease) *lease = '\0';
    else return;
    if (is_running_here(p, id)) return;
    pq_error err;
    pq_error_clear(&err);
    if (dot && dot[5] == '\0') { /* X.json: a claimed job */
        if (!owner_dead(p, id)) return;
        snprintf(why, sizeof why, "the processor running it stopped (its process is gone or its lease expired)");
        if (pq_lease_aside(p->root, name, id, "rec", &p->me, aside, &err) == PQ_OK) recover(p, id, aside, why);
    } else if (dot) { /* X.json.<tag>-<pid>: an aside copy its processor did not finish */
        if (!expired(p, "p", name, &st)) return;
        snprintf(why, sizeof why, "a processor stopped while moving it");
        if (pq_lease_aside(p->root, name, id, "rec", &p->me, aside, &err) == PQ_OK) recover(p, id, aside, why);
    } else { /* X.lease alone */
        char job[PQ_QUEUE_PATH], jn[520];
        snprintf(jn, sizeof jn, "%.500s.json", id);
        if (pq_queue_path(job, p->root, PQ_QDIR_PROCESSING, jn) && access(job, F_OK) != 0 && expired(p, "p", name, &st))
            unlink(path);
    }
}

static void recovery_scan(proc *p)
{
    char dir[PQ_QUEUE_PATH];
    for (int i = 0; i < p->n_watch; i++) p->watch[i].seen = false;
    if (pq_queue_path(dir, p->root, PQ_QDIR_PROCESSING, NULL)) {
        DIR *d = opendir(dir);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) && !stop_flag)
                if (e->d_name[0] != '.') scan_entry(p, dir, e->d_name);
            closedir(d);
        }
    }
    /* temporary files of submitters that died in queue/ */
    if (pq_queue_path(dir, p->root, PQ_QDIR_QUEUE, NULL)) {
        DIR *d = opendir(dir);
        if (d) {
            struct dirent *e;
            char path[PQ_QUEUE_PATH];
            struct stat st;
            while ((e = readdir(d)))
                if (strstr(e->d_name, ".tmp-") && snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path &&
                    stat(path, &st) == 0 && expired(p, "q", e->d_name, &st))
                    unlink(path);
            closedir(d);
        }
    }
    int k = 0;
    for (int i = 0; i < p->n_watch; i++)
        if (p->watch[i].seen) p->watch[k++] = p->watch[i];
    p->n_watch = k;
}

/* ---------------------------------------------------------------- claims */

typedef struct queued {
    char name[PQ_JOB_ID_MAX + 8];
    struct timespec mtime;
} queued;

static int by_age(const void *a, const void *b)
{
    const queued *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec) return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec) return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

static backoff *backoff_of(proc *p, const char *name)
{
    for (int i = 0; i < p->n_back; i++)
        if (strcmp(p->back[i].name, name) == 0) return &p->back[i];
    return NULL;
}

/* A claim of `name` failed for a reason other than losing the race: skip
 * it for a delay that doubles each time (1 s to 5 min). */
static void back_off(proc *p, const char *name, const pq_error *err)
{
    backoff *b = backoff_of(p, name);
    if (!b && p->n_back < MAX_BACKOFF) {
        b = &p->back[p->n_back++];
        snprintf(b->name, sizeof b->name, "%s", name);
        b->delay = 0.5;
    }
    char m[300];
    if (b) {
        b->delay = b->delay * 2 > 300 ? 300 : b->delay * 2;
        b->until = pq_mono_seconds() + b->delay;
    }
    LOG(p, "claim-error", NULL, "%s; next try in %.0f s", pq_error_format(err, m, sizeof m), b ? b->delay : 300.0);
}

/* The stem of a queue file name "X.json" (false for other names). */
static bool job_stem(const char *name, char stem[PQ_JOB_ID_MAX + 8])
{
    size_t n = strlen(name);
    if (name[0] == '.' || n <= 5 || n - 5 > PQ_JOB_ID_MAX || strcmp(name + n - 5, ".json") != 0) return false;
    memcpy(stem, name, n - 5);
    stem[n - 5] = '\0';
    return true;
}

/* After a claim: read and check the job, count the attempt, resolve its
 * input, and start it; a bad job goes to failed/ with the reason. */
static void take_claimed(proc *p, const char *name, const char *stem)
{
    char path[PQ_QUEUE_PATH], aside[PQ_QUEUE_PATH], input[PQ_QUEUE_PATH], m[400];
    pq_buf text;
    pq_buf_init(&text, NULL);
    pq_job job;
    pq_job_init(&job);
    pq_error err;
    pq_error_clear(&err);
    pq_status st = pq_queue_path(path, p->root, PQ_QDIR_PROCESSING, name)
                       ? pq_queue_read_file(path, PQ_JOB_MAX_BYTES, &text, &err)
                       : PQ_FAIL(&err, PQ_ERR_INVALID_ARG, "path too long");
    if (st == PQ_ERR_IO || st == PQ_ERR_NOMEM) {
        /* the file could not be read (a network share's hiccup, memory):
         * give the job back untouched and try it again later */
        back_off(p, name, &err);
        if (pq_lease_unclaim(p->root, name, stem, &p->me, &err) != PQ_OK)
            LOG(p, "warning", stem, "cannot give the job back: %s", pq_error_format(&err, m, sizeof m));
        goto done;
    }
    if (st == PQ_OK) st = pq_job_parse(stem, text.data, text.len, &job, &err);
    if (st != PQ_OK) {
        pq_error_format(&err, m, sizeof m);
        if (pq_lease_aside(p->root, name, stem, "bad", &p->me, aside, &err) == PQ_OK) {
            char reason[500];
            snprintf(reason, sizeof reason, "invalid job file %s: %s", name, m);
            fail_unreadable(p, stem, &text, reason, aside);
        }
        goto done;
    }
    job.attempts++;
    job.retry_after = 0;
    if (pq_lease_update(p->root, &job, &err) != PQ_OK)
        LOG(p, "warning", job.id, "cannot count the attempt: %s", pq_error_format(&err, m, sizeof m));
    if (job.unknown[0]) LOG(p, "warning", job.id, "unknown members kept and ignored: %s", job.unknown);
    st = pq_queue_resolve_input(p->root, job.input_file, p->o->max_input_bytes, input, &err);
    if (st != PQ_OK) {
        pq_error_format(&err, m, sizeof m);
        if (pq_lease_aside(p->root, name, job.id, "bad", &p->me, aside, &err) == PQ_OK) {
            if (st == PQ_ERR_IO) retry_or_fail(p, &job, m, NULL, NULL, aside, true);
            else finish(p, &job, true, m, NULL, NULL, NULL, aside);
        }
        goto done;
    }
    start_job(p, &job, input);
done:
    pq_job_reset(&job);
    pq_buf_reset(&text);
}

/* Claim and start jobs while workers are free, oldest first.  Returns the
 * number of jobs seen that could run now (claimed or not; reading stops at
 * the first such job once every worker is busy), 0 when none could. */
static int claim_jobs(proc *p)
{
    char dir[PQ_QUEUE_PATH], stem[PQ_JOB_ID_MAX + 8], path[PQ_QUEUE_PATH];
    if (!pq_queue_path(dir, p->root, PQ_QDIR_QUEUE, NULL)) return 0;
    DIR *d = opendir(dir);
    if (!d) {
        p->scan_delay = p->scan_delay < 1 ? 1 : (p->scan_delay * 2 > 60 ? 60 : p->scan_delay * 2);
        LOG(p, "scan-error", NULL, "%s: %s; next scan in %.0f s", dir, strerror(errno), p->scan_delay);
        return 0;
    }
    p->scan_delay = 0;
    queued *list = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st;
        if (!job_stem(e->d_name, stem) || snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
            stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (n == cap) {
            queued *g = realloc(list, (cap = cap ? cap * 2 : 64) * sizeof *list);
            if (!g) break;
            list = g;
        }
        snprintf(list[n].name, sizeof list[n].name, "%.*s", (int)sizeof list[n].name - 1, e->d_name);
        list[n++].mtime = st.st_mtim;
    }
    closedir(d);
    if (n > 1) qsort(list, n, sizeof *list, by_age);
    int runnable = 0;
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < n && !stop_flag; i++) {
        /* every worker busy and one runnable job known: the rest need not be read */
        if (p->n_running >= p->o->workers && runnable > 0) break;
        backoff *b = backoff_of(p, list[i].name);
        if (b && b->until > pq_mono_seconds()) continue;
        job_stem(list[i].name, stem);
        /* a job waiting for its retry time is skipped without a claim */
        pq_buf text;
        pq_buf_init(&text, NULL);
        pq_job job;
        pq_job_init(&job);
        bool later = snprintf(path, sizeof path, "%s/%s", dir, list[i].name) < (int)sizeof path &&
                     pq_queue_read_file(path, PQ_JOB_MAX_BYTES, &text, NULL) == PQ_OK &&
                     pq_job_parse(stem, text.data, text.len, &job, NULL) == PQ_OK && job.retry_after > now;
        pq_job_reset(&job);
        pq_buf_reset(&text);
        if (later) continue;
        runnable++;
        if (p->n_running >= p->o->workers) continue;
        pq_error err;
        pq_error_clear(&err);
        pq_status st = pq_lease_claim(p->root, list[i].name, &p->me, &err);
        if (st == PQ_ERR_NOT_FOUND) continue;
        if (st != PQ_OK) {
            back_off(p, list[i].name, &err);
            continue;
        }
        LOG(p, "claimed", stem, "%s", "");
        take_claimed(p, list[i].name, stem);
    }
    free(list);
    return runnable;
}

/* ------------------------------------------------------------------ loop */

/* Stop: the running jobs are killed (TERM, then KILL after 10 s) and
 * re-queued without counting the attempt. */
static void stop_all(proc *p)
{
    for (int i = 0; i < MAX_WORKERS; i++)
        if (p->run[i].used && p->run[i].pid > 0) {
            p->run[i].stopped = true;
            kill(-p->run[i].pid, SIGTERM);
        }
    double until = pq_mono_seconds() + 10;
    while (p->n_running > 0) {
        reap(p);
        if (p->n_running == 0) break;
        if (pq_mono_seconds() > until)
            for (int i = 0; i < MAX_WORKERS; i++)
                if (p->run[i].used && p->run[i].pid > 0) kill(-p->run[i].pid, SIGKILL);
        poll(NULL, 0, 50);
    }
}

static void drain(int fd)
{
    char buf[256];
    while (read(fd, buf, sizeof buf) > 0) {
    }
}

static pq_status setup(proc *p, struct sigaction old[3], pq_error *err)
{
    if (pipe2(wake_fd, O_CLOEXEC | O_NONBLOCK) != 0) return PQ_FAIL(err, PQ_ERR_IO, "pipe: %s", strerror(errno));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, &old[0]);
    sigaction(SIGINT, &sa, &old[1]);
    sa.sa_handler = on_child;
    sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, &old[2]);
    /* A file-size limit (ulimit -f) makes writes fail with EFBIG, like a
     * full disk, instead of killing the processor; jobs inherit this. */
    signal(SIGXFSZ, SIG_IGN);
    char dir[PQ_QUEUE_PATH];
    p->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (p->inotify_fd >= 0 && pq_queue_path(dir, p->root, PQ_QDIR_QUEUE, NULL) &&
        inotify_add_watch(p->inotify_fd, dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
        close(p->inotify_fd);
        p->inotify_fd = -1;
    }
    return PQ_OK;
}

static void teardown(proc *p, struct sigaction old[3])
{
    sigaction(SIGTERM, &old[0], NULL);
    sigaction(SIGINT, &old[1], NULL);
    sigaction(SIGCHLD, &old[2], NULL);
    if (p->inotify_fd >= 0) close(p->inotify_fd);
    close(wake_fd[0]);
    close(wake_fd[1]);
    wake_fd[0] = wake_fd[1] = -1;
}

pq_status pq_queue_run(const char *root, const pq_queue_options *o, pq_error *err)
{
    if (!o->handler || o->workers < 1 || o->workers > MAX_WORKERS || !(o->poll_interval > 0) || !(o->lease > 0) ||
        o->max_attempts < 1)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "queue options: workers 1..%d, poll interval and lease > 0, attempts >= 1",
                       MAX_WORKERS);
    PQ_TRY(pq_queue_init_share(root, err));
    proc *p = calloc(1, sizeof *p);
    if (!p) return PQ_NOMEM(err);
    p->root = root;
    p->o = o;
    p->inotify_fd = -1;
    pq_qproc_init(&p->me);
    p->me.lease = o->lease;
    stop_flag = 0;
    struct sigaction old[3];
    pq_status st = setup(p, old, err);
    if (st != PQ_OK) {
        free(p);
        return st;
    }
    LOG(p, "processor-start", NULL, "workers %d, job timeout %.0f s, lease %.0f s, poll %.1f s, attempts %d%s", o->workers,
        o->job_timeout, o->lease, o->poll_interval, o->max_attempts, p->inotify_fd >= 0 ? ", inotify" : "");
    double hb = o->lease / 4 < 0.2 ? 0.2 : o->lease / 4, next_scan = 0, next_hb = pq_mono_seconds() + hb;
    for (;;) {
        drain(wake_fd[0]);
        reap(p);
        if (stop_flag) break;
        double now = pq_mono_seconds();
        tend(p, now >= next_hb);
        if (now >= next_hb) next_hb = now + hb;
        if (now >= next_scan) {
            recovery_scan(p);
            int runnable = claim_jobs(p);
            next_scan = pq_mono_seconds() + (p->scan_delay > o->poll_interval ? p->scan_delay : o->poll_interval);
            if (o->once && p->n_running == 0 && runnable == 0) break;
        }
        double wait = (next_scan < next_hb ? next_scan : next_hb) - pq_mono_seconds();
        for (int i = 0; i < MAX_WORKERS; i++)
            if (p->run[i].used && o->job_timeout > 0) {
                double t = p->run[i].started + o->job_timeout - pq_mono_seconds();
                if (t < wait) wait = t;
            }
        struct pollfd fds[2] = {{wake_fd[0], POLLIN, 0}, {p->inotify_fd, POLLIN, 0}};
        int ms = wait <= 0 ? 0 : (int)(wait * 1000) + 1;
        if (poll(fds, p->inotify_fd >= 0 ? 2 : 1, ms) > 0 && p->inotify_fd >= 0 && (fds[1].revents & POLLIN)) {
            drain(p->inotify_fd);
            if (p->n_running < o->workers && p->scan_delay == 0) next_scan = 0; /* a job arrived */
        }
    }
    if (stop_flag) {
        LOG(p, "processor-stopping", NULL, "%d running job(s) re-queued", p->n_running);
        stop_all(p);
    }
    LOG(p, "processor-stop", NULL, "%s", stop_flag ? "on request" : "queue empty (--once)");
    teardown(p, old);
    free(p);
    return PQ_OK;
}
