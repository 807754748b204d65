/* SPDX-License-Identifier: Apache-2.0
 *
 * io/csv.h - streaming RFC 4180 CSV reader, and the block reader (pq_textin)
 * that the CSV and JSON readers share.
 *
 * pq_textin reads a pq_source front to back in blocks (1 MiB by default) into
 * one owned, mutable buffer.  A parser works on buf[pos, len); when a record
 * runs past the buffered bytes it calls pq_textin_fill, which keeps the
 * unfinished tail (moved to the front), reads at least one more block (and
 * at least as many bytes as are kept, so a record larger than a block costs
 * amortised linear time) and the parser re-scans the record.  The input is
 * never held whole.  After every fill buf[len, len + PQ_TEXTIN_PAD) is zero:
 * a NUL sentinel for the JSON scanner and slack for 16-byte vector loads.
 *
 * The CSV reader yields records as arrays of field views (pointer, length,
 * was-quoted) into that buffer, valid until the next call: no per-field
 * allocation.  Grammar (RFC 4180 with the usual relaxations):
 *   - the first record is the header unless options.header is false; every
 *     later record must have as many fields ("expected N fields, found M");
 *   - a field is quoted when it starts with '"'; inside, "" is one quote and
 *     delimiters, CR and LF are data; after the closing quote only the
 *     delimiter, a line end or the end of input may follow;
 *   - a '"' inside an unquoted field is an ordinary character (5'10");
 *   - records end with LF, CRLF or a lone CR; the last one may lack it;
 *   - lines that are completely empty are skipped (no record);
 *   - a UTF-8 byte-order mark at offset 0 is skipped;
 *   - every field must be valid UTF-8 (RFC 3629: no overlongs, surrogates or
 *     code points past U+10FFFF).
 * Errors are PQ_ERR_PARSE with err->where.line (1-based physical line),
 * where.field (1-based) and where.offset (byte offset in the source).
 * Records longer than options.max_record_bytes are PQ_ERR_LIMIT.
 */
#ifndef PARQUANT_IO_CSV_H
#define PARQUANT_IO_CSV_H

#include "core/core.h"
#include "core/utf8.h"
#include "io/source.h"

/* ------------------------------------------------------------ pq_textin */

#define PQ_TEXTIN_BLOCK ((size_t)1 << 20) /* default bytes per read */
#define PQ_TEXTIN_PAD 64                  /* zeroed bytes kept past len */

/** Sequential block reader over a pq_source.  Invariants: pos <= len <= cap,
 *  the allocation holds cap + PQ_TEXTIN_PAD bytes, buf[len..len+PAD) == 0,
 *  base + len == next (source offset of the next byte to read). */
typedef struct pq_textin {
    const pq_source *src;      /* borrowed, outlives the reader */
    uint8_t *buf;              /* owned; NULL until the first fill */
    size_t cap;                /* usable bytes of buf (PAD excluded) */
    size_t len;                /* bytes buffered */
    size_t pos;                /* first byte not yet consumed by the parser */
    int64_t base;              /* source offset of buf[0] */
    int64_t next;              /* source offset of the next byte to read */
    size_t block;              /* bytes per read, >= 1 */
    bool eof;                  /* every byte of the source is in buf */
    const pq_allocator *alloc; /* NULL = libc */
} pq_textin;

/** Prepare to read `src` from offset 0 in blocks of `block` bytes (0 =
 *  PQ_TEXTIN_BLOCK).  Allocates nothing; can't fail. */
void pq_textin_init(pq_textin *in, const pq_source *src, size_t block, const pq_allocator *a);
/** Free the buffer.  Accepts a zeroed reader. */
void pq_textin_reset(pq_textin *in);
/** Drop buf[0, pos), move the rest to the front and append the next bytes of
 *  the source: max(block, len - pos) of them, or what is left.  *got = bytes
 *  appended (0 only when eof was already set).  Pointers into buf are invalid
 *  afterwards.  @return PQ_ERR_NOMEM, PQ_ERR_IO (source read). */
PQ_NODISCARD pq_status pq_textin_fill(pq_textin *in, size_t *got, pq_error *err);
/** Source offset of buf position p. */
static inline int64_t pq_textin_offset(const pq_textin *in, const uint8_t *p)
{
    return in->base + (int64_t)(p - in->buf);
}


/* ----------------------------------------------------------- CSV reader */

typedef struct pq_csv_options {
    uint8_t delimiter;         /* field separator, default ','; not '"', CR, LF or >= 0x80 */
    bool header;               /* first record names the columns (default true) */
    size_t block_size;         /* bytes per read, 0 = PQ_TEXTIN_BLOCK (tests use tiny ones) */
    size_t max_record_bytes;   /* longest record, default 256 MiB */
    int64_t max_columns;       /* most fields in the header (or any record without
                                  header), default 1 Mi */
} pq_csv_options;

/** One field: a view into the reader's buffer, valid until the next call.
 *  `ptr` excludes the surrounding quotes; "" escapes are already undone. */
typedef struct pq_csv_field {
    const uint8_t *ptr;        /* non-NULL, even when len == 0 */
    size_t len;
    bool quoted;               /* written as "..." (so "" is an empty string, not a null) */
} pq_csv_field;

typedef struct pq_csv_record {
    const pq_csv_field *fields; /* n_fields views */
    int64_t n_fields;          /* 0 = end of input */
    int64_t line;              /* 1-based line of the record's first byte */
    int64_t offset;            /* source offset of the record's first byte */
    int64_t index;             /* 1-based data record number (header excluded) */
} pq_csv_record;

typedef struct pq_csv_reader pq_csv_reader;

void pq_csv_options_init(pq_csv_options *o);

/** Open a reader over `src` (borrowed until close) and, when o->header,
 *  read the header.  `o` may be NULL (defaults).  On failure *out is NULL.
 *  @return PQ_ERR_INVALID_ARG (delimiter), PQ_ERR_PARSE (header: bad UTF-8,
 *  bad quoting, or an empty input: "expected a header row"), PQ_ERR_LIMIT,
 *  PQ_ERR_IO, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_csv_open(pq_csv_reader **out, const pq_source *src, const pq_csv_options *o,
                                   const pq_allocator *a, pq_error *err);
/** Free the reader.  Accepts NULL. */
void pq_csv_close(pq_csv_reader *r);

/** Columns named by the header (0 without header). */
int64_t pq_csv_num_columns(const pq_csv_reader *r);
/** Name of column i (UTF-8, NUL-terminated, owned by the reader): the header
 *  text; an empty name becomes "column_<i+1>" and a repeated one gets a
 *  "_2", "_3"... suffix, so names are unique and non-empty. */
const char *pq_csv_column_name(const pq_csv_reader *r, int64_t i);

/** Read the next data record into *rec (views valid until the next call);
 *  rec->n_fields == 0 at the end of input.  After a failure the reader is
 *  unusable.  @return PQ_ERR_PARSE (field count, quoting, UTF-8),
 *  PQ_ERR_LIMIT, PQ_ERR_IO, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_csv_next(pq_csv_reader *r, pq_csv_record *rec, pq_error *err);

/** Source bytes read so far (for progress). */
int64_t pq_csv_bytes_read(const pq_csv_reader *r);

#endif /* PARQUANT_IO_CSV_H */
