/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/queue/eio_open.c - an LD_PRELOAD shim for tests/queue/queue_faults.sh
 * that injects a read failure the way a network share produces one: the
 * first PQ_EIO_TIMES opens (default 1) of a path ending in PQ_EIO_MATCH fail
 * with EIO; every other open goes to the C library.  Counted per process.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int injected;

static int should_fail(const char *path)
{
    const char *match = getenv("PQ_EIO_MATCH");
    if (!match || !*match || !path) return 0;
    size_t n = strlen(path), m = strlen(match);
    if (n < m || strcmp(path + n - m, match) != 0) return 0;
    const char *t = getenv("PQ_EIO_TIMES");
    int times = t ? atoi(t) : 1;
    if (injected >= times) return 0;
    injected++;
    return 1;
}

static int real_open(const char *name, const char *path, int flags, mode_t mode)
{
    int (*next)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, name);
    if (!next) {
        errno = ENOSYS;
        return -1;
    }
    return next(path, flags, mode);
}

#define SHIM(fn)                                           \
    int fn(const char *path, int flags, ...)               \
    {                                                      \
        mode_t mode = 0;                                   \
        if (flags & (O_CREAT | O_TMPFILE)) {               \
            va_list ap;                                    \
            va_start(ap, flags);                           \
            mode = (mode_t)va_arg(ap, int);                \
            va_end(ap);                                    \
        }                                                  \
        if (should_fail(path)) {                           \
            errno = EIO;                                   \
            return -1;                                     \
        }                                                  \
        return real_open(#fn, path, flags, mode);          \
    }

SHIM(open)
SHIM(open64)
