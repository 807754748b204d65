/* SPDX-License-Identifier: Apache-2.0
 *
 * parquant/error.h - status codes and the error record every fallible call fills.
 *
 * Every fallible function returns a pq_status (PQ_OK = 0) and takes a
 * `pq_error *err` as its last argument.  `err` may be NULL; its content is
 * defined only when the call failed.  The function that detects a problem
 * writes the message ("expected X, found Y at offset N"); callers may add the
 * data location (file, row group, column, page, line) but never rewrite it.
 *
 * Status values are grouped in blocks of ten by class and are frozen once
 * released: new codes are added, existing ones never change meaning.
 */
#ifndef PARQUANT_ERROR_H
#define PARQUANT_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define PQ_API
#elif defined(__GNUC__)
#define PQ_API __attribute__((visibility("default")))
#else
#define PQ_API
#endif

#if defined(__GNUC__)
#define PQ_NODISCARD __attribute__((warn_unused_result))
#define PQ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PQ_NODISCARD
#define PQ_PRINTF(a, b)
#endif

/** Result of a fallible call.  Values are frozen. */
typedef enum pq_status {
    PQ_OK = 0,
    /* 10-19: caller errors */
    PQ_ERR_INVALID_ARG = 10, /**< bad argument or option */
    PQ_ERR_NOT_FOUND = 11,   /**< named column / field / key absent */
    PQ_ERR_STATE = 12,       /**< call not allowed in the object's state */
    /* 20-29: resources */
    PQ_ERR_NOMEM = 20,    /**< allocation failed */
    PQ_ERR_LIMIT = 21,    /**< input exceeds a configured limit */
    /* 30-39: I/O */
    PQ_ERR_IO = 30,       /**< read/write/open/rename failed (errno in message) */
    PQ_ERR_EOF = 31,      /**< input ended before a complete item */
    /* 40-49: bad data */
    PQ_ERR_CORRUPT = 40,     /**< malformed bytes: format violation */
    PQ_ERR_CHECKSUM = 41,    /**< CRC mismatch */
    PQ_ERR_UNSUPPORTED = 42, /**< valid but not supported (encryption, LZO ...) */
    PQ_ERR_PARSE = 43,       /**< text input (CSV/JSON) could not be parsed */
    PQ_ERR_TYPE = 44,        /**< value does not fit the column's type */
    /* 50-59: streaming */
    PQ_NEED_MORE = 50,       /**< parser needs more input; not an error in itself */
    /* 90: internal */
    PQ_ERR_INTERNAL = 90     /**< invariant broken: a bug in parquant */
} pq_status;

/** Where in the data an error happened; -1 = unknown / not applicable. */
typedef struct pq_error_location {
    int64_t offset;     /**< byte offset in the file, >= 0 */
    int64_t row_group;  /**< row group index */
    int64_t column;     /**< leaf column index */
    int64_t page;       /**< page index inside the column chunk */
    int64_t line;       /**< 1-based text line (CSV/JSON) */
    int64_t field;      /**< 1-based CSV field (column) number */
    int64_t record;     /**< 1-based record number (JSON value, CSV data row) */
} pq_error_location;

/** Error record.  Plain data: no heap, safe to copy. */
typedef struct pq_error {
    pq_status code;         /**< status of the failed call */
    char message[256];      /**< the problem, from the detecting function */
    char path[256];         /**< file the error is about, "" if none */
    char column_path[128];  /**< dotted column path, "" if none */
    pq_error_location where; /**< data location */
    const char *src_file;   /**< parquant source file that detected it */
    int src_line;           /**< line in that file */
    const char *src_func;   /**< function that detected it */
} pq_error;

/** Reset `err` to "no error" with all locations unknown.  Accepts NULL. */
PQ_API void pq_error_clear(pq_error *err);

/** Short constant name of a status ("corrupt data", "out of memory"...). */
PQ_API const char *pq_status_str(pq_status s);

/**
 * Format the whole error as one line:
 * "FILE: column a.b: row group 2: page 7: offset 1234: line 5: message".
 * Writes at most `cap` bytes including the NUL.  Returns `buf`.
 */
PQ_API char *pq_error_format(const pq_error *err, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* PARQUANT_ERROR_H */
