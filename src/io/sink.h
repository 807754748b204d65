/* SPDX-License-Identifier: Apache-2.0
 *
 * io/sink.h - byte sinks the writers append to: a file written through a
 * temporary name and renamed over the final path only when complete, or a
 * growable buffer in memory.
 *
 * File mode: pq_sink_open_file creates "<path>.tmp-XXXXXX" in the folder of
 * `path` (O_CREAT | O_EXCL, mode 0666 before the umask, like fopen), appends
 * through a 1 MiB buffer (pieces of 64 KiB or more are not copied: they go
 * to the kernel with the buffered bytes in one writev), and pq_sink_close flushes, fsyncs, renames the temporary
 * file over `path` and fsyncs the folder, so a crash leaves either the old
 * file or the complete new one, never a torn file under the final name.
 * pq_sink_abort (or any failing close) closes and unlinks the temporary file.
 *
 * Memory mode: bytes are appended to a pq_buf handed over by
 * pq_sink_close_memory.
 *
 * Errors are PQ_ERR_IO with strerror(errno) and the path in the message and
 * in err->path; a failed write leaves the sink usable only for abort.
 * A sink is used by one thread at a time.
 */
#ifndef PARQUANT_IO_SINK_H
#define PARQUANT_IO_SINK_H

#include "core/core.h"

typedef struct pq_sink pq_sink;

/** Size of the file sink's write buffer. */
#define PQ_SINK_BUFFER_SIZE ((size_t)1 << 20)

/** Create the temporary file beside `path` (copied).  On failure *out is
 *  NULL and nothing is left on disk.  @return PQ_ERR_IO, PQ_ERR_NOMEM,
 *  PQ_ERR_INVALID_ARG (empty path). */
PQ_NODISCARD pq_status pq_sink_open_file(pq_sink **out, const char *path, const pq_allocator *a, pq_error *err);

/** Create a memory sink.  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_sink_open_memory(pq_sink **out, const pq_allocator *a, pq_error *err);

/** Append n bytes.  @return PQ_ERR_IO (file), PQ_ERR_NOMEM (memory),
 *  PQ_ERR_STATE after an earlier failure. */
PQ_NODISCARD pq_status pq_sink_write(pq_sink *s, const void *p, size_t n, pq_error *err);

/** Bytes appended so far (the offset of the next byte). */
int64_t pq_sink_offset(const pq_sink *s);

/** File mode: flush, fsync, rename over the final path, fsync the folder;
 *  memory mode: discard the bytes.  Frees `s` whatever happens and
 *  allocates nothing.  On failure nothing is left under either name (the
 *  temporary file is removed, and so is the renamed file when only the
 *  folder sync failed).  @return PQ_ERR_IO, PQ_ERR_STATE. */
PQ_NODISCARD pq_status pq_sink_close(pq_sink *s, pq_error *err);

/** Memory mode only: hand the bytes over (*out_data is freed with
 *  pq_free(a, ...) using the sink's allocator; NULL when no byte was
 *  written) and free `s`.  @return PQ_ERR_STATE for a file sink (which is
 *  then aborted) or after an earlier failure. */
PQ_NODISCARD pq_status pq_sink_close_memory(pq_sink *s, uint8_t **out_data, size_t *out_len, pq_error *err);

/** Discard: close and unlink the temporary file, free.  Accepts NULL. */
void pq_sink_abort(pq_sink *s);

/** Path of the temporary file (file mode), else NULL.  For tests. */
const char *pq_sink_temp_path(const pq_sink *s);

#endif /* PARQUANT_IO_SINK_H */
