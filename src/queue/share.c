/* SPDX-License-Identifier: Apache-2.0
 *
 * queue/share.c - the shared folder itself: its layout, paths inside it,
 * the checks that keep a job's input_file inside input/ (no "..", no
 * absolute path, no symlink out), whole-file reads and atomic writes, the
 * event log, and where a job is now.
 */
#include "queue/queue.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/sink.h"

static const char *const DIR_NAMES[PQ_QDIR_COUNT] = {
    "input", "output", "jobs/queue", "jobs/processing", "jobs/completed", "jobs/failed", "logs", "data/parquet",
};

const char *pq_queue_dir_name(pq_queue_dir d) { return d < PQ_QDIR_COUNT ? DIR_NAMES[d] : "?"; }

bool pq_queue_path(char out[PQ_QUEUE_PATH], const char *root, pq_queue_dir d, const char *name)
{
    int n = name && *name ? snprintf(out, PQ_QUEUE_PATH, "%s/%s/%s", root, DIR_NAMES[d], name)
                          : snprintf(out, PQ_QUEUE_PATH, "%s/%s", root, DIR_NAMES[d]);
    return n > 0 && n < PQ_QUEUE_PATH;
}

/* mkdir -p of `path` (modified in place while walking, restored). */
static pq_status mkdirs(char *path, pq_error *err)
{
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        int rc = mkdir(path, 0777);
        int e = errno;
        struct stat st;
        if (rc != 0 && !(e == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
            pq_status s = PQ_FAIL(err, PQ_ERR_IO, "%s: cannot create the folder: %s", path,
                                  e == EEXIST ? "a file has that name" : strerror(e));
            *p = c;
            return s;
        }
        *p = c;
        if (c == '\0') return PQ_OK;
    }
}

pq_status pq_queue_init_share(const char *root, pq_error *err)
{
    char path[PQ_QUEUE_PATH];
    for (int d = 0; d < PQ_QDIR_COUNT; d++) {
        if (!pq_queue_path(path, root, (pq_queue_dir)d, NULL))
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: the share's path is too long", root);
        PQ_TRY(mkdirs(path, err));
    }
    return PQ_OK;
}

bool pq_job_id_valid(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > PQ_JOB_ID_MAX || id[0] == '.') return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The lexical checks on a relative input name: every part non-empty, not
 * "." or "..", not hidden, no backslash (a Windows client's separator would
 * name another file here). */
static pq_status check_input_name(const char *name, pq_error *err)
{
    if (!*name) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "input_file is empty");
    if (name[0] == '/') return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "input_file '%s' is an absolute path: name a file inside input/", name);
    if (strchr(name, '\\') || strchr(name, ':'))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "input_file '%s' holds '\\' or ':': name a file inside input/ with '/'", name);
    for (const char *p = name; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || p[0] == '.')
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "input_file '%s' has an empty, '.', '..' or hidden part: name a file inside input/", name);
        p += n + (e ? 1 : 0);
        if (e && !*p) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "input_file '%s' ends with '/'", name);
    }
    if (!ends_with(name, ".csv") && !ends_with(name, ".parquet"))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "input_file '%s' is neither .csv nor .parquet", name);
    return PQ_OK;
}

pq_status pq_queue_resolve_input(const char *root, const char *input_file, int64_t max_bytes, char out[PQ_QUEUE_PATH],
                                 pq_error *err)
{
    PQ_TRY(check_input_name(input_file, err));
    char dir[PQ_QUEUE_PATH], path[PQ_QUEUE_PATH], real_dir[PATH_MAX], real[PATH_MAX];
    if (!pq_queue_path(dir, root, PQ_QDIR_INPUT, NULL) || !pq_queue_path(path, root, PQ_QDIR_INPUT, input_file))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "input_file '%s': path too long", input_file);
    if (!realpath(dir, real_dir)) return PQ_FAIL(err, PQ_ERR_IO, "%s: %s", dir, strerror(errno));
    if (!realpath(path, real)) {
        int e = errno;
        return PQ_FAIL(err, e == ENOENT ? PQ_ERR_NOT_FOUND : PQ_ERR_IO, "input_file '%s': %s in %s", input_file,
                       e == ENOENT ? "no such file" : strerror(e), dir);
    }
    size_t n = strlen(real_dir);
    if (strncmp(real, real_dir, n) != 0 || real[n] != '/')
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "input_file '%s' leads outside input/ (to %s) through a symbolic link",
                       input_file, real);
    struct stat st;
    if (stat(real, &st) != 0) return PQ_FAIL(err, PQ_ERR_IO, "%s: %s", real, strerror(errno));
    if (!S_ISREG(st.st_mode)) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "input_file '%s' is not a regular file", input_file);
    if (max_bytes > 0 && st.st_size > max_bytes)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "input_file '%s' has %lld bytes, more than the limit of %lld", input_file,
                       (long long)st.st_size, (long long)max_bytes);
    if (strlen(real) >= PQ_QUEUE_PATH) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", real);
    memcpy(out, real, strlen(real) + 1);
    return PQ_OK;
}

pq_status pq_queue_write_file(const char *path, const void *data, size_t len, pq_error *err)
{
    pq_sink *s = NULL;
    PQ_TRY(pq_sink_open_file(&s, path, NULL, err));
    pq_status st = pq_sink_write(s, data, len, err);
    if (st != PQ_OK) {
        pq_sink_abort(s);
        return st;
    }
    return pq_sink_close(s, err);
}

pq_status pq_queue_read_file(const char *path, size_t max, pq_buf *out, pq_error *err)
{
    out->len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return PQ_FAIL(err, e == ENOENT ? PQ_ERR_NOT_FOUND : PQ_ERR_IO, "%s: %s", path, strerror(e));
    }
    pq_status st = PQ_OK;
    for (;;) {
        if (out->len > max) {
            st = PQ_FAIL(err, PQ_ERR_LIMIT, "%s: larger than %zu bytes", path, max);
            break;
        }
        if ((st = pq_buf_reserve(out, 65536, err)) != PQ_OK) break;
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            st = PQ_FAIL(err, PQ_ERR_IO, "%s: %s", path, strerror(errno));
            break;
        }
        if (n == 0) break;
        out->len += (size_t)n;
    }
    close(fd);
    if (st == PQ_OK) out->data[out->len] = '\0';
    return st;
}

void pq_queue_time_str(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void pq_queue_log(const char *root, const char *processor, const char *event, const char *job_id,
                  void (*echo)(const char *line), const char *fmt, ...)
{
    char line[2048], when[32], name[64], path[PQ_QUEUE_PATH];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    pq_queue_time_str((int64_t)now, when);
    int n = snprintf(line, sizeof line, "%s %s %s %s ", when, processor, event, job_id && *job_id ? job_id : "-");
    if (n < 0 || n >= (int)sizeof line) return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = strlen(line);
    if (m < 0) len = (size_t)n;
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r') line[i] = ' '; /* one event, one line */
    line[len++] = '\n';
    line[len] = '\0';
    strftime(name, sizeof name, "queue_%Y%m%d.log", &tm);
    if (pq_queue_path(path, root, PQ_QDIR_LOGS, name)) {
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ssize_t w = write(fd, line, len);
            (void)w;
            close(fd);
        }
    }
    if (echo) {
        line[len - 1] = '\0';
        echo(line);
    }
}

const char *pq_job_state_name(pq_job_state s)
{
    static const char *const names[] = {"queued", "running", "completed", "failed", "unknown"};
    return s <= PQ_JOB_UNKNOWN ? names[s] : "unknown";
}

pq_job_state pq_queue_find(const char *root, const char *id, pq_buf *record)
{
    static const struct { pq_queue_dir d; pq_job_state s; } order[] = {
        {PQ_QDIR_COMPLETED, PQ_JOB_COMPLETED}, {PQ_QDIR_FAILED, PQ_JOB_FAILED}, {PQ_QDIR_PROCESSING, PQ_JOB_RUNNING},
        {PQ_QDIR_QUEUE, PQ_JOB_QUEUED},
    };
    char name[PQ_JOB_ID_MAX + 8], path[PQ_QUEUE_PATH];
    if (!pq_job_id_valid(id)) return PQ_JOB_UNKNOWN;
    snprintf(name, sizeof name, "%s.json", id);
    /* Twice: a job seen in none of the four was between two renames. */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
            if (!pq_queue_path(path, root, order[i].d, name)) return PQ_JOB_UNKNOWN;
            if (record) {
                if (pq_queue_read_file(path, PQ_JOB_MAX_BYTES * 4u, record, NULL) == PQ_OK) return order[i].s;
            } else if (access(path, F_OK) == 0) {
                return order[i].s;
            }
        }
    }
    return PQ_JOB_UNKNOWN;
}
