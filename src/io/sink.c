/* SPDX-License-Identifier: Apache-2.0
 *
 * io/sink.c - the output sink behind the writers (see sink.h).
 *
 * File mode invariants: `fd` is the open temporary file `tmp`; `buf` holds
 * `len` bytes not yet written; `offset` counts every byte accepted (flushed
 * or buffered).  The temporary name is "<path>.tmp-" plus six random
 * letters/digits, created with O_EXCL and retried on EEXIST: that is what
 * mkstemp does, but mkstemp creates files with mode 0600, and the finished
 * file should get the usual 0666 & ~umask like any fopen'd file (umask()
 * cannot be read without changing it, which would race other threads).
 * Once a write fails the sink is `failed`: later writes return PQ_ERR_STATE
 * and close removes the temporary file.  write(2) is retried on EINTR and
 * continued after short writes.  Pieces of PQ_SINK_DIRECT bytes or more (page
 * bodies) are not copied: one writev(2) sends the buffered bytes and the
 * piece together.  Every 8 MiB the kernel is asked to start writing back
 * (sync_file_range, Linux): the disk then works while pages are encoded and
 * the final fsync has little left to do.
 */
#include "io/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

struct pq_sink {
    const pq_allocator *alloc; /* allocator of everything below */
    int fd;                    /* temporary file, -1 in memory mode or once closed */
    char *path;                /* final path (file mode), owned */
    char *tmp;                 /* temporary path (file mode), owned */
    char *dir;                 /* folder of path (file mode), owned: close allocates nothing */
    uint8_t *buf;              /* file write buffer, PQ_SINK_BUFFER_SIZE bytes */
    size_t len;                /* buffered bytes, <= PQ_SINK_BUFFER_SIZE */
    pq_buf mem;                /* memory mode: the bytes */
    int64_t offset;            /* bytes accepted so far */
    int64_t written;           /* bytes handed to the kernel (file mode) */
    int64_t hinted;            /* bytes whose write-back was started */
    bool failed;               /* an earlier call failed */
};

/* strerror_r in both its GNU (returns the text) and XSI (fills buf) forms. */
static const char *err_text(int e, char *buf, size_t cap)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    return strerror_r(e, buf, cap);
#else
    if (strerror_r(e, buf, cap) != 0) snprintf(buf, cap, "error %d", e);
    return buf;
#endif
}

/* Report PQ_ERR_IO "<what>: <strerror(e)>" about the file the user named
 * (err->path = `path`, the final output path: the temporary file's random
 * name means nothing to the user, so `what` says when it was involved). */
static pq_status io_fail(pq_error *err, const char *what, const char *path, int e)
{
    char tb[128];
    pq_status s = PQ_FAIL(err, PQ_ERR_IO, "%s: %s", what, err_text(e, tb, sizeof tb));
    if (err) snprintf(err->path, sizeof err->path, "%s", path);
    return s;
}

static char *dup_str(const pq_allocator *a, const char *s, size_t extra)
{
    size_t n = strlen(s), total;
    if (pq_add_overflow(n, extra + 1, &total)) return NULL;
    char *p = (char *)pq_alloc(a, total);
    if (p) memcpy(p, s, n + 1);
    return p;
}

static void sink_free(pq_sink *s)
{
    pq_free(s->alloc, s->path);
    pq_free(s->alloc, s->tmp);
    pq_free(s->alloc, s->dir);
    pq_free(s->alloc, s->buf);
    pq_buf_reset(&s->mem);
    pq_free(s->alloc, s);
}

/* Fill `out` with 6 random characters from [A-Za-z0-9].  getrandom() is the
 * source; should it fail, a clock/pid/counter mix still makes collisions
 * unlikely, and O_EXCL makes them harmless. */
static void random_suffix(char out[6], unsigned attempt)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t x = 0;
    if (getrandom(&x, sizeof x, GRND_NONBLOCK) != (ssize_t)sizeof x) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 16) ^ attempt;
        x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; /* splitmix finaliser */
    }
    for (int i = 0; i < 6; i++) {
        out[i] = alphabet[x % 62];
        x /= 62;
    }
}

/* Create the temporary file: s->tmp must have room for ".tmp-XXXXXX". */
static pq_status create_temp(pq_sink *s, pq_error *err)
{
    size_t n = strlen(s->path);
    memcpy(s->tmp, s->path, n);
    memcpy(s->tmp + n, ".tmp-", 5);
    s->tmp[n + 11] = 0;
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        random_suffix(s->tmp + n + 5, attempt);
        int fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) { s->fd = fd; return PQ_OK; }
        if (errno != EEXIST && errno != EINTR) return io_fail(err, "cannot create a temporary file in its folder", s->path, errno);
    }
    return io_fail(err, "cannot create a unique temporary file in its folder", s->path, EEXIST);
}

pq_status pq_sink_open_file(pq_sink **out, const char *path, const pq_allocator *a, pq_error *err)
{
    *out = NULL;
    if (!path || !path[0]) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected an output path, found an empty one");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return io_fail(err, "cannot write", path, EISDIR);
    pq_sink *s = (pq_sink *)pq_calloc(a, 1, sizeof *s);
    if (!s) return PQ_NOMEM(err);
    s->alloc = a;
    s->fd = -1;
    pq_buf_init(&s->mem, a);
    s->path = dup_str(a, path, 0);
    s->tmp = dup_str(a, path, 11);
    s->dir = dup_str(a, path, 1);
    s->buf = (uint8_t *)pq_alloc(a, PQ_SINK_BUFFER_SIZE);
    if (!s->path || !s->tmp || !s->dir || !s->buf) {
        sink_free(s);
        return PQ_NOMEM(err);
    }
    char *slash = strrchr(s->dir, '/');
    if (!slash) strcpy(s->dir, ".");
    else if (slash == s->dir) s->dir[1] = 0;
    else *slash = 0;
    pq_status st2 = create_temp(s, err);
    if (st2) {
        sink_free(s);
        return st2;
    }
    *out = s;
    return PQ_OK;
}

pq_status pq_sink_open_memory(pq_sink **out, const pq_allocator *a, pq_error *err)
{
    *out = NULL;
    pq_sink *s = (pq_sink *)pq_calloc(a, 1, sizeof *s);
    if (!s) return PQ_NOMEM(err);
    s->alloc = a;
    s->fd = -1;
    pq_buf_init(&s->mem, a);
    *out = s;
    return PQ_OK;
}

/* Pieces at least this large bypass the buffer. */
#define PQ_SINK_DIRECT ((size_t)64 << 10)
/* Write-back is started for every this many bytes. */
#define PQ_SINK_HINT ((int64_t)8 << 20)

/* Start write-back of the bytes written since the last hint, once there
 * are enough of them.  Only a hint: errors surface at fsync. */
static void hint_writeback(pq_sink *s)
{
#ifdef SYNC_FILE_RANGE_WRITE
    if (s->written - s->hinted < PQ_SINK_HINT) return;
    (void)sync_file_range(s->fd, s->hinted, s->written - s->hinted, SYNC_FILE_RANGE_WRITE);
    s->hinted = s->written;
#else
    (void)s;
#endif
}

/* writev(2) the two pieces a (na bytes) then b (nb bytes) completely,
 * retrying on EINTR and after short writes. */
static pq_status write_all2(pq_sink *s, const uint8_t *a, size_t na, const uint8_t *b, size_t nb, pq_error *err)
{
    while (na + nb > 0) {
        struct iovec iov[2];
        int cnt = 0;
        size_t cap = (size_t)1 << 30; /* bounded: ssize_t results, EINVAL past SSIZE_MAX */
        if (na) {
            iov[cnt].iov_base = (void *)(uintptr_t)a;
            iov[cnt++].iov_len = na < cap ? na : cap;
        }
        if (nb && na < cap) {
            iov[cnt].iov_base = (void *)(uintptr_t)b;
            iov[cnt++].iov_len = nb < cap - na ? nb : cap - na;
        }
        ssize_t w = writev(s->fd, iov, cnt);
        if (w < 0) {
            if (errno == EINTR) continue;
            s->failed = true;
            return io_fail(err, "cannot write the temporary file", s->path, errno);
        }
        if (w == 0) {
            s->failed = true;
            return io_fail(err, "cannot write the temporary file", s->path, EIO);
        }
        s->written += w;
        size_t done = (size_t)w, fa = done < na ? done : na;
        na -= fa;
        done -= fa;
        nb -= done;
        /* advance only pointers that still have bytes (b may be NULL) */
        a = na ? a + fa : a;
        b = done ? b + done : b;
    }
    hint_writeback(s);
    return PQ_OK;
}

static pq_status flush_buffer(pq_sink *s, pq_error *err)
{
    if (s->len == 0) return PQ_OK;
    pq_status st = write_all2(s, s->buf, s->len, NULL, 0, err);
    s->len = 0;
    return st;
}

pq_status pq_sink_write(pq_sink *s, const void *p, size_t n, pq_error *err)
{
    if (s->failed) return PQ_FAIL(err, PQ_ERR_STATE, "sink unusable after an earlier failure");
    if (n == 0) return PQ_OK;
    int64_t end;
    if (n > (size_t)INT64_MAX || pq_add_overflow_i64(s->offset, (int64_t)n, &end))
        return PQ_FAIL(err, PQ_ERR_LIMIT, "output larger than 2^63 bytes");
    if (s->fd < 0) {
        pq_status st = pq_buf_append(&s->mem, p, n, err);
        if (st) { s->failed = true; return st; }
    } else if (n >= PQ_SINK_DIRECT) {
        size_t had = s->len;
        s->len = 0;
        PQ_TRY(write_all2(s, s->buf, had, (const uint8_t *)p, n, err));
    } else {
        if (s->len + n > PQ_SINK_BUFFER_SIZE) PQ_TRY(flush_buffer(s, err));
        memcpy(s->buf + s->len, p, n);
        s->len += n;
    }
    s->offset = end;
    return PQ_OK;
}

int64_t pq_sink_offset(const pq_sink *s) { return s->offset; }

const char *pq_sink_temp_path(const pq_sink *s) { return s->fd >= 0 ? s->tmp : NULL; }

/* fsync the folder holding s->path so the rename is durable.  Folders that
 * cannot be opened for reading (EACCES) or synced (EINVAL, EROFS: some file
 * systems) are left alone: durability is then up to the system; a real
 * I/O error is reported. */
static pq_status sync_folder(const pq_sink *s, pq_error *err)
{
    int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno == EACCES ? PQ_OK : io_fail(err, "cannot open its folder to sync it", s->path, errno);
    pq_status st = PQ_OK;
    if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) st = io_fail(err, "cannot sync its folder", s->path, errno);
    close(fd);
    return st;
}

/* Flush, sync and close the temporary file, then rename it into place. */
static pq_status finish_file(pq_sink *s, pq_error *err)
{
    if (s->failed) return PQ_FAIL(err, PQ_ERR_STATE, "sink unusable after an earlier failure");
    PQ_TRY(flush_buffer(s, err));
    if (fsync(s->fd) != 0) return io_fail(err, "cannot sync the temporary file", s->path, errno);
    int fd = s->fd;
    s->fd = -1;
    if (close(fd) != 0) return io_fail(err, "cannot close the temporary file", s->path, errno);
    if (rename(s->tmp, s->path) != 0) return io_fail(err, "cannot rename the temporary file to this name", s->path, errno);
    pq_status st = sync_folder(s, err);
    /* The file is in place but not durably: honour "no file under the
     * final name after a failure". */
    if (st) unlink(s->path);
    return st;
}

pq_status pq_sink_close(pq_sink *s, pq_error *err)
{
    if (!s) return PQ_OK;
    pq_status st = PQ_OK;
    if (s->tmp) {
        st = finish_file(s, err);
        if (st) {
            if (s->fd >= 0) close(s->fd);
            unlink(s->tmp); /* no-op when the rename happened */
        }
    }
    sink_free(s);
    return st;
}

pq_status pq_sink_close_memory(pq_sink *s, uint8_t **out_data, size_t *out_len, pq_error *err)
{
    *out_data = NULL;
    *out_len = 0;
    if (s->tmp) {
        pq_sink_abort(s);
        return PQ_FAIL(err, PQ_ERR_STATE, "expected a memory sink, found a file sink");
    }
    if (s->failed) {
        sink_free(s);
        return PQ_FAIL(err, PQ_ERR_STATE, "sink unusable after an earlier failure");
    }
    *out_data = s->mem.data;
    *out_len = s->mem.len;
    s->mem.data = NULL;
    s->mem.len = s->mem.cap = 0;
    sink_free(s);
    return PQ_OK;
}

void pq_sink_abort(pq_sink *s)
{
    if (!s) return;
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
        unlink(s->tmp);
    }
    sink_free(s);
}
