/* SPDX-License-Identifier: Apache-2.0
 *
 * convert/infer.h - the internal engine of `parquant convert`: text value
 * parsers, CSV and JSON type inference (infer.c) and the two-pass converter
 * that fills pq_tables (convert.c; pq_convert_file in convert.h drives it).
 *
 * Rules (lossless: every value reads back as the text it came from, up to
 * the canonical spelling of numbers):
 *
 * CSV, per column, over every non-empty cell:
 *   BOOL       true / false, any case
 *   INT64      [+-]digits that fit int64, without leading zeros ("007" stays
 *              text: it is an identifier, and INT64 would drop the zeros)
 *   DECIMAL    integers beyond int64 of up to 38 digits: decimal(38, 0)
 *   DOUBLE     [+-](d+[.d*]|.d+)([eE][+-]d+), nan, inf, infinity (any case,
 *              optional sign), same leading-zero rule; parsed correctly
 *              rounded (an out-of-range value becomes +-inf)
 *   DATE       YYYY-MM-DD, a valid proleptic Gregorian date, years 0000-9999
 *   TIMESTAMP  YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|+-HH[:MM]]; microseconds
 *              unless some value has a non-zero digit past the sixth of its
 *              fraction (then nanoseconds, and text if a value falls outside
 *              the int64-nanosecond range 1677..2262); isAdjustedToUTC when
 *              any value has a zone (values without one are taken as UTC),
 *              else local (naive) time.  Offsets are applied: the stored
 *              instant is UTC.
 *   STRING     anything else, and any mix except INT+DECIMAL -> DECIMAL,
 *              INT/DECIMAL+DOUBLE -> DOUBLE, DATE+TIMESTAMP -> TIMESTAMP
 *              (dates become midnight)
 * Cells are never trimmed (" 1" is text).  An empty unquoted cell is null;
 * a quoted empty cell ("") is the empty string in a STRING column and null
 * elsewhere.  A column with no value at all is an all-null STRING column.
 *
 * JSON: a schema tree merged over all records.  null never constrains;
 * true/false BOOL; integers INT64, or DECIMAL(38,0) beyond int64, or text
 * beyond 38 digits; any integer mixed with a fraction/exponent number
 * DOUBLE; strings STRING; objects STRUCT (fields in order of first
 * appearance, merged recursively; an object that never has a key is text
 * "{}"); arrays LIST of the merged element type (empty arrays only fix the
 * kind; LIST<STRING> of nulls if no element is ever seen); any other mix
 * (string and number, object and scalar, list and object...) is a STRING
 * column holding each value's text: strings as their text, other values as
 * compact JSON.  Containers nested deeper than PQ_JSON_SCHEMA_DEPTH are
 * kept as JSON text too.  Missing keys and null are nulls; every field is
 * nullable.  With duplicate keys in one object the last one wins.  Field
 * names follow the CSV header rules: a key is cut at an embedded NUL, an
 * empty key becomes "column_<i>", and "_<k>" is added until a name differs
 * from its siblings (values are still matched by the original key bytes).
 */
#ifndef PARQUANT_CONVERT_INFER_H
#define PARQUANT_CONVERT_INFER_H

#include "convert/convert.h"
#include "core/core.h"
#include "io/csv.h"
#include "io/json.h"
#include "parquant/table.h"

/* ------------------------------------------------------- value parsers */

/** Outcomes of pq_text_int. */
typedef enum pq_text_int_kind {
    PQ_TEXT_NOT_INT = 0,  /* not an integer (or leading zeros) */
    PQ_TEXT_INT64,        /* fits int64: *out set */
    PQ_TEXT_INT128,       /* integer of 19..38 digits beyond int64 */
    PQ_TEXT_INT_HUGE      /* integer of more than 38 digits */
} pq_text_int_kind;

pq_text_int_kind pq_text_int(const uint8_t *p, size_t n, int64_t *out);
/** [+-]digits of at most 38 digits into 16-byte LE two's complement. */
bool pq_text_int128(const uint8_t *p, size_t n, uint8_t out[16]);
/** True/false in any case. */
bool pq_text_bool(const uint8_t *p, size_t n, bool *out);
/** Syntax check of the DOUBLE spellings above (integers included). */
bool pq_text_is_double(const uint8_t *p, size_t n);
/** Parse a pq_text_is_double text, correctly rounded.  `scratch` holds the
 *  NUL-terminated copy strtod needs when the fast path does not apply.
 *  Relies on the "C" LC_NUMERIC locale.  @return PQ_ERR_TYPE, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_text_double(const uint8_t *p, size_t n, pq_buf *scratch, double *out, pq_error *err);
/** YYYY-MM-DD into days since 1970-01-01. */
bool pq_text_date(const uint8_t *p, size_t n, int32_t *out);

/** A parsed timestamp (or date: hms and fraction zero). */
typedef struct pq_text_ts {
    int64_t seconds;       /* since the epoch, UTC-adjusted when zoned */
    int32_t nanos;         /* 0..999999999 */
    bool zoned;            /* had Z or an offset */
    bool date_only;        /* was YYYY-MM-DD */
    bool sub_micro;        /* nanos % 1000 != 0 */
} pq_text_ts;

/** A TIMESTAMP (or DATE) text; see the rules above. */
bool pq_text_timestamp(const uint8_t *p, size_t n, pq_text_ts *out);
/** The instant in `unit` (MICROS truncates nothing: callers use NANOS when
 *  sub_micro); false on int64 overflow. */
bool pq_text_ts_value(const pq_text_ts *ts, pq_time_unit unit, int64_t *out);

/* ------------------------------------------------------- CSV inference */

typedef enum pq_csv_class {
    PQ_CSV_NULL = 0,       /* no value yet */
    PQ_CSV_BOOL,
    PQ_CSV_INT,
    PQ_CSV_DECIMAL,
    PQ_CSV_DOUBLE,
    PQ_CSV_DATE,
    PQ_CSV_TIMESTAMP,
    PQ_CSV_STRING
} pq_csv_class;

/** What pass 1 learnt about one column. */
typedef struct pq_csv_column {
    uint8_t cls;           /* pq_csv_class: the join over the cells seen */
    bool ts_zoned;         /* a timestamp had a zone */
    bool ts_nanos;         /* a timestamp needs nanoseconds */
    bool ts_ns_overflow;   /* a timestamp is outside the int64-ns range */
    int64_t values;        /* non-null cells */
} pq_csv_column;

/** Class of one non-empty cell, with its timestamp flags in *ts_flags
 *  (bit 0 zoned, bit 1 needs ns, bit 2 outside the ns range). */
pq_csv_class pq_csv_classify(const uint8_t *p, size_t n, unsigned *ts_flags);
/** Join of two classes (see the rules above). */
pq_csv_class pq_csv_join(pq_csv_class a, pq_csv_class b);
/** Fold one record (n_cols fields) into cols[]. */
void pq_csv_infer_record(pq_csv_column *cols, const pq_csv_record *rec);
/** Final type of an inferred column. */
pq_type pq_csv_column_type(const pq_csv_column *c);

/* ------------------------------------------------------ JSON inference */

#define PQ_JSON_SCHEMA_DEPTH 24     /* containers nested deeper are kept as text */
#define PQ_JSON_MAX_FIELDS 100000   /* distinct keys of one object (PQ_ERR_LIMIT beyond) */

typedef enum pq_jkind {
    PQ_J_NULL = 0,         /* nothing but nulls yet: an all-null STRING */
    PQ_J_BOOL,
    PQ_J_INT,
    PQ_J_DECIMAL,          /* decimal(38, 0) */
    PQ_J_DOUBLE,
    PQ_J_STRING,
    PQ_J_LIST,
    PQ_J_STRUCT,
    PQ_J_TEXT              /* conflict: STRING of each value's text */
} pq_jkind;

typedef struct pq_jfield pq_jfield;

/** A node of the inferred schema tree. */
typedef struct pq_jnode {
    uint8_t kind;          /* pq_jkind */
    struct pq_jnode *elem; /* LIST: owned element type */
    pq_jfield *fields;     /* STRUCT: owned, n_fields in first-appearance order */
    uint32_t n_fields, cap_fields;
    uint32_t *index;       /* STRUCT: open-addressing table of field+1 by name hash */
    uint32_t index_mask;   /* table size - 1 (0 when no table) */
    uint32_t hint;         /* STRUCT: field after the last one looked up */
    uint32_t *slots;       /* STRUCT: pass-2 scratch, one DOM index per field */
} pq_jnode;

struct pq_jfield {
    char *name;            /* owned, NUL-terminated (may hold NUL: use name_len) */
    uint32_t name_len;
    uint64_t hash;
    pq_jnode type;
};

/** Whole-file JSON inference state: the root is the record STRUCT. */
typedef struct pq_json_infer {
    pq_jnode root;
    const pq_allocator *alloc;
    int64_t records;
} pq_json_infer;

void pq_json_infer_init(pq_json_infer *ji, const pq_allocator *a);
void pq_json_infer_reset(pq_json_infer *ji);
/** Merge one record.  @return PQ_ERR_LIMIT (more than PQ_JSON_MAX_FIELDS
 *  keys in one object: usually a map keyed by ids), PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_json_infer_record(pq_json_infer *ji, const pq_json_record *rec, pq_error *err);
/** After the last record: settle the tree (empty structs to text, pass-2
 *  scratch) and build the schema (out is initialised here).
 *  @return PQ_ERR_PARSE when there is no field at all, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_json_infer_finish(pq_json_infer *ji, pq_schema *out, pq_error *err);
/** Index of the field named key[0, len) in STRUCT node t, or -1. */
int64_t pq_jnode_find(pq_jnode *t, const char *key, size_t len);

/* ------------------------------------------- the two-pass engine (convert.c) */

typedef struct pq_convert_reader pq_convert_reader;

/** Run pass 1 over `src` (borrowed until close): detect the format
 *  (o->format, else the `name` extension, else the first byte), infer the
 *  schema.  `block_size` 0 = default (tests pass tiny sizes).  Errors carry
 *  where.line/field/offset; the caller adds the path.
 *  @return PQ_ERR_PARSE, PQ_ERR_LIMIT, PQ_ERR_IO, PQ_ERR_NOMEM, PQ_ERR_INVALID_ARG. */
PQ_NODISCARD pq_status pq_convert_reader_open(pq_convert_reader **out, const pq_source *src, const char *name,
                                              const pq_convert_options *o, size_t block_size, pq_error *err);
/** The inferred schema (owned by the reader). */
const pq_schema *pq_convert_reader_schema(const pq_convert_reader *r);
/** Pass 2: clear `t` (initialised by the caller for the reader's schema)
 *  and fill it with the next batch_rows rows at most; t->num_rows == 0 at
 *  the end.  @return as for open, plus PQ_ERR_TYPE when a value no longer
 *  fits its inferred type (the input changed between the passes). */
PQ_NODISCARD pq_status pq_convert_reader_next(pq_convert_reader *r, pq_table *t, pq_error *err);
/** Rows returned by pass 2 so far. */
int64_t pq_convert_reader_rows(const pq_convert_reader *r);
void pq_convert_reader_close(pq_convert_reader *r);

#endif /* PARQUANT_CONVERT_INFER_H */
