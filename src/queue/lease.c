/* SPDX-License-Identifier: Apache-2.0
 *
 * queue/lease.c - claims, leases, and the renames that move a job between
 * the share's folders (queue/lease.h).  Every decision between processors
 * is one rename; a processor that dies between two steps leaves a file
 * that the recovery scan of queue/processor.c finds and finishes.
 */
#include "queue/lease.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void pq_qproc_init(pq_qproc *p)
{
    memset(p, 0, sizeof *p);
    if (gethostname(p->host, sizeof p->host - 1) != 0 || !p->host[0]) snprintf(p->host, sizeof p->host, "localhost");
    for (char *c = p->host; *c; c++)
        if (*c == ':' || *c == ' ' || *c == '/') *c = '_';
    p->pid = (long)getpid();
    snprintf(p->id, sizeof p->id, "%s:%ld", p->host, p->pid);
}

static bool proc_path(char out[PQ_QUEUE_PATH], const char *root, const char *id, const char *suffix)
{
    char name[PQ_JOB_ID_MAX + 64];
    snprintf(name, sizeof name, "%s%s", id, suffix);
    return pq_queue_path(out, root, PQ_QDIR_PROCESSING, name);
}

pq_status pq_lease_claim(const char *root, const char *name, const pq_qproc *p, pq_error *err)
{
    char from[PQ_QUEUE_PATH], to[PQ_QUEUE_PATH], lease[PQ_QUEUE_PATH], stem[PQ_JOB_ID_MAX + 8];
    size_t n = strlen(name);
    if (n < 6 || n - 5 >= sizeof stem) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: not a job file name", name);
    memcpy(stem, name, n - 5);
    stem[n - 5] = '\0';
    if (!pq_queue_path(from, root, PQ_QDIR_QUEUE, name) || !pq_queue_path(to, root, PQ_QDIR_PROCESSING, name) ||
        !proc_path(lease, root, stem, ".lease"))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", name);
    /* A job of the same name already running (a duplicate id): the rename
     * would replace its file.  Leave this one queued until that one ends. */
    if (access(to, F_OK) == 0) return PQ_FAIL(err, PQ_ERR_NOT_FOUND, "%s: a job of that id is running", name);
    if (rename(from, to) != 0) {
        int e = errno;
        return PQ_FAIL(err, e == ENOENT ? PQ_ERR_NOT_FOUND : PQ_ERR_IO, "%s: cannot claim: %s", from, strerror(e));
    }
    char text[512], when[32];
    pq_queue_time_str((int64_t)time(NULL), when);
    int len = snprintf(text, sizeof text,
                       "{\"processor\":\"%s\",\"host\":\"%s\",\"pid\":%ld,\"lease_s\":%.3f,\"claimed_at\":\"%s\"}\n",
                       p->id, p->host, p->pid, p->lease, when);
    /* Without a lease the job still counts as claimed: the recovery scan
     * then watches the job file itself. */
    pq_status st = pq_queue_write_file(lease, text, (size_t)len, err);
    (void)st;
    return PQ_OK;
}

bool pq_lease_heartbeat(const char *root, const char *id)
{
    char job[PQ_QUEUE_PATH], lease[PQ_QUEUE_PATH];
    if (!proc_path(job, root, id, ".json") || !proc_path(lease, root, id, ".lease")) return true;
    if (access(job, F_OK) != 0 && errno == ENOENT) return false;
    (void)utimensat(AT_FDCWD, lease, NULL, 0);
    return true;
}

pq_status pq_lease_aside(const char *root, const char *from, const char *id, const char *tag, const pq_qproc *p,
                         char out[PQ_QUEUE_PATH], pq_error *err)
{
    char src[PQ_QUEUE_PATH], suffix[64];
    snprintf(suffix, sizeof suffix, ".json.%s-%ld", tag, p->pid);
    if (!pq_queue_path(src, root, PQ_QDIR_PROCESSING, from) || !proc_path(out, root, id, suffix))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", from);
    if (rename(src, out) != 0) {
        int e = errno;
        return PQ_FAIL(err, e == ENOENT ? PQ_ERR_NOT_FOUND : PQ_ERR_IO, "%s: cannot move aside: %s", src, strerror(e));
    }
    return PQ_OK;
}

/* Remove processing/<id>.lease unless another claim of the id runs (its
 * job file is back in processing/). */
static void drop_lease(const char *root, const char *id)
{
    char job[PQ_QUEUE_PATH], lease[PQ_QUEUE_PATH];
    if (proc_path(job, root, id, ".json") && proc_path(lease, root, id, ".lease") && access(job, F_OK) != 0)
        (void)unlink(lease);
}

pq_status pq_lease_unclaim(const char *root, const char *name, const char *id, const pq_qproc *p, pq_error *err)
{
    char aside[PQ_QUEUE_PATH], back[PQ_QUEUE_PATH];
    if (!pq_queue_path(back, root, PQ_QDIR_QUEUE, name)) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", name);
    PQ_TRY(pq_lease_aside(root, name, id, "back", p, aside, err));
    if (rename(aside, back) != 0) {
        int e = errno;
        return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot put back into the queue: %s", aside, strerror(e));
    }
    drop_lease(root, id);
    return PQ_OK;
}

pq_status pq_lease_requeue(const char *root, const pq_job *job, const char *aside, pq_error *err)
{
    char path[PQ_QUEUE_PATH], name[PQ_JOB_ID_MAX + 8];
    snprintf(name, sizeof name, "%s.json", job->id);
    if (!pq_queue_path(path, root, PQ_QDIR_QUEUE, name)) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", name);
    pq_buf text;
    pq_buf_init(&text, NULL);
    pq_status st = pq_job_write_json(job, &text, err);
    if (st == PQ_OK) st = pq_queue_write_file(path, text.data, text.len, err);
    pq_buf_reset(&text);
    if (st != PQ_OK) return st;
    if (aside) (void)unlink(aside);
    drop_lease(root, job->id);
    return PQ_OK;
}

pq_status pq_lease_record(const char *root, bool failed, const char *id, const pq_buf *record, const char *aside,
                          pq_error *err)
{
    pq_queue_dir d = failed ? PQ_QDIR_FAILED : PQ_QDIR_COMPLETED;
    char path[PQ_QUEUE_PATH], name[PQ_JOB_ID_MAX + 40];
    snprintf(name, sizeof name, "%s.json", id);
    if (!pq_queue_path(path, root, d, name)) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", name);
    if (access(path, F_OK) == 0) { /* a record of that id exists: keep both */
        snprintf(name, sizeof name, "%s.%lld.json", id, (long long)time(NULL));
        if (!pq_queue_path(path, root, d, name)) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", name);
    }
    PQ_TRY(pq_queue_write_file(path, record->data, record->len, err));
    if (aside) (void)unlink(aside);
    drop_lease(root, id);
    return PQ_OK;
}

pq_status pq_lease_update(const char *root, const pq_job *job, pq_error *err)
{
    char path[PQ_QUEUE_PATH];
    if (!proc_path(path, root, job->id, ".json")) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", job->id);
    pq_buf text;
    pq_buf_init(&text, NULL);
    pq_status st = pq_job_write_json(job, &text, err);
    if (st == PQ_OK) st = pq_queue_write_file(path, text.data, text.len, err);
    pq_buf_reset(&text);
    return st;
}
