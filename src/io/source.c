/* SPDX-License-Identifier: Apache-2.0
 *
 * io/source.c - read-only byte sources (see source.h): a file mapped whole
 * with mmap(PROT_READ, MAP_PRIVATE), a file read with pread when it cannot be
 * mapped, or borrowed memory.
 *
 * Invariants: size >= 0; in direct mode (fd < 0) data points to size bytes
 * (or is NULL when size == 0); in pread mode fd is open and data is NULL.
 * Every range is validated by pq_source_check_range before any pointer
 * arithmetic or system call, so offsets from untrusted metadata can never
 * reach outside the source.
 *
 * Hints: the whole mapping gets MADV_SEQUENTIAL at open (column chunks are
 * read front to back), and each chunk gets MADV_WILLNEED before it is
 * decoded so the kernel reads ahead while earlier pages are decompressed.
 */
#include "io/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copy `name` into the fixed-size name field, truncating. */
static void set_name(pq_source *src, const char *name)
{
    snprintf(src->name, sizeof src->name, "%s", name ? name : "");
}

/* Fail with PQ_ERR_IO for `what` on src's file, quoting errno. */
static pq_status io_fail(pq_error *err, const char *what, const char *path, int errnum)
{
    return PQ_FAIL(err, PQ_ERR_IO, "%s '%s' failed: %s", what, path, strerror(errnum));
}

/* Map the open descriptor; false (errno set) when mmap is refused. */
static bool map_file(pq_source *src)
{
    if (src->size == 0 || (uint64_t)src->size > (uint64_t)SIZE_MAX) return false;
    void *p = mmap(NULL, (size_t)src->size, PROT_READ, MAP_PRIVATE, src->fd, 0);
    if (p == MAP_FAILED) return false;
    /* Advisory only: a refused hint changes nothing. */
    (void)madvise(p, (size_t)src->size, MADV_SEQUENTIAL);
    src->data = (const uint8_t *)p;
    src->mapped = true;
    return true;
}

pq_status pq_source_open_file_mode(pq_source *src, const char *path, bool use_mmap, pq_error *err)
{
    memset(src, 0, sizeof *src);
    src->fd = -1;
    set_name(src, path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_fail(err, "open", path, errno);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return io_fail(err, "stat", path, e);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return io_fail(err, "open", path, EISDIR);
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        /* a pipe or terminal has no size and can't be read twice or by
         * offset, which both the reader and the two-pass converter need */
        close(fd);
        pq_status s = PQ_FAIL(err, PQ_ERR_INVALID_ARG,
                              "expected a regular file, found a pipe, socket or character device");
        if (err) snprintf(err->path, sizeof err->path, "%s", path);
        return s;
    }
    if (st.st_size < 0) {
        close(fd);
        return PQ_FAIL(err, PQ_ERR_IO, "stat '%s' reported a negative size", path);
    }
    src->size = (int64_t)st.st_size;
    src->fd = fd;
    /* An empty file has nothing to map or read: it is a direct source.  A
     * mapping stays valid after its descriptor is closed. */
    if (src->size == 0 || (use_mmap && map_file(src))) {
        close(fd);
        src->fd = -1;
    }
    return PQ_OK;
}

pq_status pq_source_open_file(pq_source *src, const char *path, pq_error *err)
{
    return pq_source_open_file_mode(src, path, true, err);
}

void pq_source_open_memory(pq_source *src, const void *data, size_t len, const char *name)
{
    memset(src, 0, sizeof *src);
    src->fd = -1;
    src->data = len ? (const uint8_t *)data : NULL;
    src->size = (int64_t)len;
    set_name(src, name);
}

void pq_source_close(pq_source *src)
{
    if (!src) return;
    if (src->mapped && src->data) munmap((void *)(uintptr_t)src->data, (size_t)src->size);
    if (src->fd >= 0) close(src->fd);
    src->data = NULL;
    src->mapped = false;
    src->fd = -1;
    src->size = 0;
}

pq_status pq_source_check_range(const pq_source *src, int64_t offset, int64_t len, pq_error *err)
{
    int64_t end;
    bool overflow = pq_add_overflow_i64(offset, len, &end);
    if (offset >= 0 && len >= 0 && !overflow && end <= src->size) return PQ_OK;
    pq_status s;
    if (overflow)
        s = PQ_FAIL(err, PQ_ERR_CORRUPT, "expected range [%lld, %lld + %lld) within file of %lld bytes",
                    (long long)offset, (long long)offset, (long long)len, (long long)src->size);
    else
        s = PQ_FAIL(err, PQ_ERR_CORRUPT, "expected range [%lld, %lld) within file of %lld bytes",
                    (long long)offset, (long long)end, (long long)src->size);
    if (offset >= 0) pq_error_at_offset(err, offset);
    return s;
}

/* Count a request in the owner's counter, if any. */
static void count(const pq_source *src, int64_t len)
{
    if (src->counter) atomic_fetch_add_explicit(src->counter, len, memory_order_relaxed);
}

pq_status pq_source_view(const pq_source *src, int64_t offset, int64_t len, pq_bytes *out, pq_error *err)
{
    PQ_TRY(pq_source_check_range(src, offset, len, err));
    count(src, len);
    if (!pq_source_is_direct(src))
        return PQ_FAIL(err, PQ_ERR_STATE, "source '%s' is not mapped: use pq_source_read", src->name);
    out->ptr = len ? src->data + offset : NULL;
    out->len = (size_t)len;
    return PQ_OK;
}

/* pread exactly len bytes at offset into dst, retrying short reads and EINTR. */
static pq_status pread_all(const pq_source *src, int64_t offset, int64_t len, uint8_t *dst, pq_error *err)
{
    int64_t done = 0;
    while (done < len) {
        size_t want = (size_t)(len - done);
        if (want > ((size_t)1 << 30)) want = (size_t)1 << 30;
        ssize_t n = pread(src->fd, dst + done, want, (off_t)(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_fail(err, "read", src->name, errno);
        }
        if (n == 0)
            return PQ_FAIL(err, PQ_ERR_IO, "read '%s' failed: file ended at byte %lld, expected %lld bytes",
                           src->name, (long long)(offset + done), (long long)(offset + len));
        done += n;
    }
    return PQ_OK;
}

pq_status pq_source_read(const pq_source *src, int64_t offset, int64_t len, pq_buf *scratch, pq_bytes *out,
                         pq_error *err)
{
    if (pq_source_is_direct(src)) return pq_source_view(src, offset, len, out, err);
    PQ_TRY(pq_source_check_range(src, offset, len, err));
    count(src, len);
    scratch->len = 0;
    PQ_TRY(pq_buf_reserve(scratch, (size_t)len, err));
    PQ_TRY(pread_all(src, offset, len, scratch->data, err));
    scratch->len = (size_t)len;
    out->ptr = len ? scratch->data : NULL;
    out->len = (size_t)len;
    return PQ_OK;
}

pq_status pq_source_copy(const pq_source *src, int64_t offset, int64_t len, void *dst, pq_error *err)
{
    PQ_TRY(pq_source_check_range(src, offset, len, err));
    count(src, len);
    if (len == 0) return PQ_OK;
    if (pq_source_is_direct(src)) {
        memcpy(dst, src->data + offset, (size_t)len);
        return PQ_OK;
    }
    return pread_all(src, offset, len, (uint8_t *)dst, err);
}

void pq_source_will_need(const pq_source *src, int64_t offset, int64_t len)
{
    if (offset < 0 || len <= 0 || offset >= src->size) return;
    if (len > src->size - offset) len = src->size - offset;
    /* A small range is within the kernel's read-ahead, and the system call
     * costs more than it saves: a 25k-column file has 25k chunks of ~700 B. */
    if (len < ((int64_t)64 << 10)) return;
    if (src->mapped) {
        /* madvise wants a page-aligned start. */
        long page = sysconf(_SC_PAGESIZE);
        if (page <= 0) return;
        int64_t start = offset - offset % page;
        (void)madvise((void *)(uintptr_t)(src->data + start), (size_t)(offset + len - start), MADV_WILLNEED);
    } else if (src->fd >= 0) {
        (void)posix_fadvise(src->fd, (off_t)offset, (off_t)len, POSIX_FADV_WILLNEED);
    }
}

void pq_source_done_with(const pq_source *src, int64_t offset, int64_t len)
{
    if (!src->mapped || src->size < PQ_SOURCE_DROP_MIN || offset < 0 || len <= 0 || offset >= src->size) return;
    if (len > src->size - offset) len = src->size - offset;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return;
    /* Only whole pages inside the range: a page shared with a neighbouring
     * range may still be wanted. */
    int64_t start = (offset + page - 1) / page * page, end = (offset + len) / page * page;
    if (end > start) (void)madvise((void *)(uintptr_t)(src->data + start), (size_t)(end - start), MADV_DONTNEED);
}
