/* SPDX-License-Identifier: Apache-2.0
 *
 * core/error.c - filling and formatting pq_error records.  The detecting
 * function writes the message once (pq_error_set); callers only add the data
 * location.
 */
#include "core/core.h"

#include <stdarg.h>
#include <stdio.h>

void pq_error_clear(pq_error *err)
{
    if (!err) return;
    memset(err, 0, sizeof *err);
    err->where.offset = err->where.row_group = err->where.column = -1;
    err->where.page = err->where.line = err->where.field = err->where.record = -1;
}

pq_status pq_error_set(pq_error *err, pq_status code, const char *file, int line, const char *func,
                       const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    err->src_file = file;
    err->src_line = line;
    err->src_func = func;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

void pq_error_at_offset(pq_error *err, int64_t offset)
{
    if (err && err->where.offset < 0) err->where.offset = offset;
}

const char *pq_status_str(pq_status s)
{
    switch (s) {
    case PQ_OK: return "ok";
    case PQ_ERR_INVALID_ARG: return "invalid argument";
    case PQ_ERR_NOT_FOUND: return "not found";
    case PQ_ERR_STATE: return "invalid state";
    case PQ_ERR_NOMEM: return "out of memory";
    case PQ_ERR_LIMIT: return "limit exceeded";
    case PQ_ERR_IO: return "I/O error";
    case PQ_ERR_EOF: return "unexpected end of input";
    case PQ_ERR_CORRUPT: return "corrupt data";
    case PQ_ERR_CHECKSUM: return "checksum mismatch";
    case PQ_ERR_UNSUPPORTED: return "unsupported";
    case PQ_ERR_PARSE: return "parse error";
    case PQ_ERR_TYPE: return "type error";
    case PQ_NEED_MORE: return "need more input";
    case PQ_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

char *pq_error_format(const pq_error *err, char *buf, size_t cap)
{
    if (!buf || cap == 0) return buf;
    buf[0] = 0;
    if (!err) return buf;
    size_t n = 0;
#define PQ_APPEND(...)                                                        \
    do {                                                                      \
        if (n < cap) {                                                        \
            int w_ = snprintf(buf + n, cap - n, __VA_ARGS__);                 \
            if (w_ > 0) n += (size_t)w_;                                      \
        }                                                                     \
    } while (0)
    if (err->path[0]) PQ_APPEND("%s: ", err->path);
    if (err->where.line >= 0) {
        PQ_APPEND("line %lld: ", (long long)err->where.line);
        if (err->where.field >= 0) PQ_APPEND("field %lld: ", (long long)err->where.field);
    }
    if (err->where.record >= 0) PQ_APPEND("record %lld: ", (long long)err->where.record);
    if (err->column_path[0]) PQ_APPEND("column %s: ", err->column_path);
    if (err->where.row_group >= 0) PQ_APPEND("row group %lld: ", (long long)err->where.row_group);
    if (err->where.page >= 0) PQ_APPEND("page %lld: ", (long long)err->where.page);
    if (err->where.offset >= 0) PQ_APPEND("byte offset %lld: ", (long long)err->where.offset);
    PQ_APPEND("%s", err->message[0] ? err->message : pq_status_str(err->code));
#undef PQ_APPEND
    return buf;
}
