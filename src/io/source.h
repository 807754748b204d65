/* SPDX-License-Identifier: Apache-2.0
 *
 * io/source.h - a read-only, random-access byte source: a file or bytes in
 * the caller's memory.  The Parquet reader takes every byte it reads (footer,
 * column chunks, page indexes) through this one interface, so there is a
 * single code path whatever the bytes come from.
 *
 * A file is mapped whole and read-only (mmap + madvise hints); when mapping is
 * impossible (a zero-length file, a file system without mmap, address space
 * exhausted) the source falls back to pread into caller-supplied buffers.
 * Memory sources borrow the caller's bytes.
 *
 * Every request names an absolute range [offset, offset + len) that is
 * checked against the source size with overflow-checked arithmetic before
 * any pointer is formed; a range outside the source is PQ_ERR_CORRUPT (the
 * offsets come from file metadata, so a bad range means bad metadata).
 *
 * Threading: after open, every function taking a const source may be called
 * from several threads at once (mapped bytes are immutable, pread is
 * positional).  Open and close are not concurrent with anything.
 */
#ifndef PARQUANT_IO_SOURCE_H
#define PARQUANT_IO_SOURCE_H

#include "core/core.h"

typedef struct pq_source {
    const uint8_t *data;       /* whole content (mapped or borrowed); NULL in pread mode
                                  and for empty sources */
    int64_t size;              /* bytes in the source, >= 0 */
    int fd;                    /* open descriptor in pread mode, else -1 */
    bool mapped;               /* data is an mmap to unmap at close */
    char name[256];            /* path (or caller-chosen name), for messages */
    _Atomic int64_t *counter;  /* when set (after open), every view, read and copy adds
                                  its length: the bytes the owner fetched */
} pq_source;

/** Open the file `path` read-only and map it.  Falls back to pread mode when
 *  mmap fails.  On failure *src is left closed (pq_source_close is a no-op).
 *  @return PQ_ERR_IO naming the path and strerror(errno). */
PQ_NODISCARD pq_status pq_source_open_file(pq_source *src, const char *path, pq_error *err);

/** Same, choosing the mode: use_mmap false always reads with pread (tests,
 *  and files that may change while open).  An empty file is always a
 *  direct source with no bytes. */
PQ_NODISCARD pq_status pq_source_open_file_mode(pq_source *src, const char *path, bool use_mmap, pq_error *err);

/** Borrow `len` bytes at `data` (NULL allowed when len == 0) until close.
 *  `name` (may be NULL) is used in messages.  Can't fail. */
void pq_source_open_memory(pq_source *src, const void *data, size_t len, const char *name);

/** Unmap / close.  Accepts a zeroed or already closed source. */
void pq_source_close(pq_source *src);

/** True when pq_source_view can serve any in-range request without copying. */
static inline bool pq_source_is_direct(const pq_source *src) { return src->fd < 0; }

/** Check that [offset, offset + len) lies within the source.
 *  @return PQ_ERR_CORRUPT "expected range [a, b) within file of N bytes". */
PQ_NODISCARD pq_status pq_source_check_range(const pq_source *src, int64_t offset, int64_t len, pq_error *err);

/** Zero-copy view of [offset, offset + len), valid until close.  Only for
 *  direct sources (mapped file or memory): a pread-mode source answers
 *  PQ_ERR_STATE (use pq_source_read).  @return PQ_ERR_CORRUPT for a range
 *  outside the source. */
PQ_NODISCARD pq_status pq_source_view(const pq_source *src, int64_t offset, int64_t len, pq_bytes *out,
                                      pq_error *err);

/** View of [offset, offset + len) for any source: zero-copy when direct,
 *  otherwise pread into `scratch` (its old content is dropped; it grows as
 *  needed) and the view points there, valid until scratch changes.
 *  @return PQ_ERR_CORRUPT (range), PQ_ERR_IO, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_source_read(const pq_source *src, int64_t offset, int64_t len, pq_buf *scratch,
                                      pq_bytes *out, pq_error *err);

/** Copy [offset, offset + len) to `dst` (len bytes).
 *  @return PQ_ERR_CORRUPT (range), PQ_ERR_IO. */
PQ_NODISCARD pq_status pq_source_copy(const pq_source *src, int64_t offset, int64_t len, void *dst, pq_error *err);

/** Hint that [offset, offset + len) will be read soon (MADV_WILLNEED on a
 *  mapping, posix_fadvise in pread mode).  Out-of-range parts are ignored.
 *  Can't fail. */
void pq_source_will_need(const pq_source *src, int64_t offset, int64_t len);

/** Sources mapped from files at least this big drop the pages of what was
 *  read (pq_source_done_with). */
#define PQ_SOURCE_DROP_MIN ((int64_t)256 << 20)

/** Hint that [offset, offset + len) was consumed: a mapped file of at least
 *  PQ_SOURCE_DROP_MIN bytes unmaps those pages from this process
 *  (MADV_DONTNEED: they stay in the page cache and fault back in if read
 *  again), so scanning a file bigger than memory does not keep it all
 *  resident.  Views into the range stay valid.  No-op otherwise. */
void pq_source_done_with(const pq_source *src, int64_t offset, int64_t len);

#endif /* PARQUANT_IO_SOURCE_H */
