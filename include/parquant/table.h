/* SPDX-License-Identifier: Apache-2.0
 *
 * parquant/table.h - in-memory columnar tables laid out like Apache Arrow.
 *
 * A pq_schema is a tree of pq_field.  A pq_table holds one pq_array per
 * top-level field, all of the same length.  Buffers follow the Arrow columnar
 * format so that an Arrow C Data Interface export is a matter of handing out
 * pointers:
 *
 *   kind                      buffers                     Arrow equivalent
 *   PQ_KIND_BOOL              validity, values (bits)     b
 *   PQ_KIND_INT (8..64, +/-)  validity, values            c C s S i I l L
 *   PQ_KIND_FLOAT16           validity, values (2 B)      e
 *   PQ_KIND_FLOAT / DOUBLE    validity, values            f g
 *   PQ_KIND_DATE              validity, int32 days        tdD
 *   PQ_KIND_TIME              int32 (ms) / int64 (us,ns)  ttm ttu ttn
 *   PQ_KIND_TIMESTAMP         int64 in `unit`             tsm: tsu: tsn: (UTC or naive)
 *   PQ_KIND_DECIMAL           16-byte LE two's complement d:p,s (decimal128)
 *   PQ_KIND_STRING/JSON       validity, int64 offsets, data   U (large utf8)
 *   PQ_KIND_BINARY            validity, int64 offsets, data   Z (large binary)
 *   PQ_KIND_FIXED / UUID      validity, values (width B)  w:N
 *   PQ_KIND_LIST              validity, int64 offsets, child[0]            +L
 *   PQ_KIND_MAP               validity, int64 offsets, child[0] = struct{key,value}   (+m with large offsets)
 *   PQ_KIND_STRUCT            validity, children          +s
 *   PQ_KIND_NULL              nothing (every slot null)   n
 *
 * Validity bitmaps are LSB-first, bit set = valid; a NULL bitmap means "all
 * valid".  Bits past `length` are unspecified.  Offsets arrays hold length+1
 * entries starting at 0.
 *
 * Ownership: a table owns its schema and arrays; arrays own their buffers
 * through their allocator.  A finished table is immutable and may be read from
 * several threads.  Arrays are also builders: the pq_array_append_* calls grow
 * the buffers (see the functions below).
 */
#ifndef PARQUANT_TABLE_H
#define PARQUANT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parquant/alloc.h"
#include "parquant/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Logical kind of a field: decides the memory layout (see file comment). */
typedef enum pq_kind {
    PQ_KIND_NULL = 0,
    PQ_KIND_BOOL,
    PQ_KIND_INT,       /**< bit_width 8/16/32/64, is_signed */
    PQ_KIND_FLOAT16,
    PQ_KIND_FLOAT,
    PQ_KIND_DOUBLE,
    PQ_KIND_DATE,      /**< int32 days since 1970-01-01 */
    PQ_KIND_TIME,      /**< time of day in `unit`; int32 for ms, int64 otherwise */
    PQ_KIND_TIMESTAMP, /**< int64 since the Unix epoch in `unit` */
    PQ_KIND_DECIMAL,   /**< precision 1..38, scale 0..precision */
    PQ_KIND_STRING,    /**< UTF-8 */
    PQ_KIND_JSON,      /**< UTF-8 JSON text */
    PQ_KIND_BINARY,
    PQ_KIND_FIXED,     /**< byte_width bytes each */
    PQ_KIND_UUID,      /**< 16 bytes, big-endian as in RFC 4122 */
    PQ_KIND_LIST,
    PQ_KIND_MAP,
    PQ_KIND_STRUCT,
    PQ_KIND_COUNT_
} pq_kind;

typedef enum pq_time_unit { PQ_UNIT_MILLIS = 0, PQ_UNIT_MICROS = 1, PQ_UNIT_NANOS = 2 } pq_time_unit;

/** Full description of a field's type.  Zero-initialise, then set what the kind uses. */
typedef struct pq_type {
    pq_kind kind;
    uint8_t bit_width;     /**< INT: 8, 16, 32 or 64 */
    bool is_signed;        /**< INT */
    pq_time_unit unit;     /**< TIME, TIMESTAMP */
    bool utc;              /**< TIME, TIMESTAMP: isAdjustedToUTC */
    int32_t precision;     /**< DECIMAL: 1..38 */
    int32_t scale;         /**< DECIMAL: 0..precision */
    int32_t byte_width;    /**< FIXED: >= 1 (UUID: 16, FLOAT16: 2, set by pq_type helpers) */
    bool from_int96;       /**< TIMESTAMP read from a legacy INT96 column (reader sets it;
                                the writer stores INT96 when set) */
} pq_type;

/** One key/value pair of metadata.  `value` may be NULL (absent). */
typedef struct pq_kv {
    char *key;
    char *value;
} pq_kv;

/** A node of a schema tree. */
typedef struct pq_field {
    char *name;                 /**< owned, UTF-8 */
    pq_type type;
    bool nullable;              /**< OPTIONAL (true) or REQUIRED (false) */
    int32_t field_id;           /**< Parquet field_id, -1 = none */
    struct pq_field *children;  /**< owned array: STRUCT fields; LIST: 1 (element);
                                     MAP: 1 (non-nullable STRUCT "key_value" of key, value) */
    int64_t n_children;
} pq_field;

/** A schema: the top-level fields of a table. */
typedef struct pq_schema {
    pq_field *fields;           /**< owned array */
    int64_t n_fields;
    const pq_allocator *alloc;
} pq_schema;

/** A column of values (and a builder for it). */
typedef struct pq_array {
    pq_type type;
    int64_t length;             /**< number of slots */
    int64_t null_count;         /**< slots with validity bit clear */
    uint8_t *validity;          /**< owned bitmap, NULL = all valid */
    uint8_t *values;            /**< owned: fixed-width values, bits, or string bytes */
    int64_t *offsets;           /**< owned: length+1 entries for STRING/JSON/BINARY/LIST/MAP */
    struct pq_array *children;  /**< owned array of n_children arrays */
    int64_t n_children;
    /* builder state: capacities in bytes / entries */
    size_t validity_cap, values_cap, values_len, offsets_cap;
    const pq_allocator *alloc;
} pq_array;

/** A table: a schema plus one array per top-level field. */
typedef struct pq_table {
    pq_schema schema;
    pq_array *columns;          /**< owned array of schema.n_fields */
    int64_t num_rows;
} pq_table;

/* ----------------------------------------------------------- types */

/** Convenience constructors for pq_type. */
PQ_API pq_type pq_type_make(pq_kind kind);
PQ_API pq_type pq_type_int(int bit_width, bool is_signed);
PQ_API pq_type pq_type_timestamp(pq_time_unit unit, bool utc);
PQ_API pq_type pq_type_time(pq_time_unit unit, bool utc);
PQ_API pq_type pq_type_decimal(int32_t precision, int32_t scale);
PQ_API pq_type pq_type_fixed(int32_t byte_width);
/** Bytes per value of fixed-width kinds (0 for BOOL and variable/nested kinds). */
PQ_API size_t pq_type_value_size(const pq_type *t);
/** Short human name: "int64", "timestamp[us, UTC]", "decimal(12,2)", "list"... */
PQ_API const char *pq_type_name(const pq_type *t, char *buf, size_t cap);

/* ---------------------------------------------------------- fields */

/** Initialise `f` as a leaf field; copies `name`. */
PQ_NODISCARD PQ_API pq_status pq_field_init(pq_field *f, const char *name, pq_type type, bool nullable,
                                            const pq_allocator *a, pq_error *err);
/** Append a copy-moved child to a STRUCT/LIST/MAP field: `child` is moved
 *  (ownership transfers, *child is zeroed). */
PQ_NODISCARD PQ_API pq_status pq_field_add_child(pq_field *f, pq_field *child, const pq_allocator *a,
                                                 pq_error *err);
/** Deep copy. */
PQ_NODISCARD PQ_API pq_status pq_field_copy(pq_field *dst, const pq_field *src, const pq_allocator *a,
                                            pq_error *err);
/** Free names and children.  Accepts a zeroed field. */
PQ_API void pq_field_reset(pq_field *f, const pq_allocator *a);
/** Build a LIST field named `name` whose element is `element` (moved). */
PQ_NODISCARD PQ_API pq_status pq_field_list(pq_field *out, const char *name, bool nullable, pq_field *element,
                                            const pq_allocator *a, pq_error *err);
/** Build a MAP field: key (moved, made non-nullable) and value (moved). */
PQ_NODISCARD PQ_API pq_status pq_field_map(pq_field *out, const char *name, bool nullable, pq_field *key,
                                           pq_field *value, const pq_allocator *a, pq_error *err);

/* ---------------------------------------------------------- schema */

PQ_API void pq_schema_init(pq_schema *s, const pq_allocator *a);
PQ_API void pq_schema_reset(pq_schema *s);
/** Append a field (moved). */
PQ_NODISCARD PQ_API pq_status pq_schema_add(pq_schema *s, pq_field *field, pq_error *err);
PQ_NODISCARD PQ_API pq_status pq_schema_copy(pq_schema *dst, const pq_schema *src, pq_error *err);
/** Index of the top-level field named `name`, or -1. */
PQ_API int64_t pq_schema_find(const pq_schema *s, const char *name);

/* ---------------------------------------------------------- arrays */

/** Initialise an empty array (and its children, recursively) for `field`. */
PQ_NODISCARD PQ_API pq_status pq_array_init(pq_array *arr, const pq_field *field, const pq_allocator *a,
                                            pq_error *err);
/** Free every buffer and child.  Accepts a zeroed array. */
PQ_API void pq_array_reset(pq_array *arr);
/** Drop all values but keep capacity (children too). */
PQ_API void pq_array_clear(pq_array *arr);
/** Reserve room for `n` more slots (values; for variable kinds also offsets). */
PQ_NODISCARD PQ_API pq_status pq_array_reserve(pq_array *arr, int64_t n, pq_error *err);
/** Reserve `nbytes` more bytes of string/binary data. */
PQ_NODISCARD PQ_API pq_status pq_array_reserve_data(pq_array *arr, size_t nbytes, pq_error *err);

static inline bool pq_bit_get(const uint8_t *bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
static inline void pq_bit_set(uint8_t *bits, int64_t i) { bits[i >> 3] = (uint8_t)(bits[i >> 3] | (1u << (i & 7))); }
static inline void pq_bit_clear(uint8_t *bits, int64_t i) { bits[i >> 3] = (uint8_t)(bits[i >> 3] & ~(1u << (i & 7))); }
/** True when slot i holds a value. */
static inline bool pq_array_is_valid(const pq_array *a, int64_t i) { return a->validity == NULL || pq_bit_get(a->validity, i); }

/** Append a null slot (any kind; nested kinds append an empty/absent entry). */
PQ_NODISCARD PQ_API pq_status pq_array_append_null(pq_array *arr, pq_error *err);
/** Append `n` null slots. */
PQ_NODISCARD PQ_API pq_status pq_array_append_nulls(pq_array *arr, int64_t n, pq_error *err);
/** Append a fixed-width value: `value` points to pq_type_value_size() bytes
 *  (for BOOL: one byte 0/1). */
PQ_NODISCARD PQ_API pq_status pq_array_append_fixed(pq_array *arr, const void *value, pq_error *err);
PQ_NODISCARD PQ_API pq_status pq_array_append_bool(pq_array *arr, bool v, pq_error *err);
PQ_NODISCARD PQ_API pq_status pq_array_append_i64(pq_array *arr, int64_t v, pq_error *err); /**< INT/DATE/TIME/TIMESTAMP, narrowed to the width */
PQ_NODISCARD PQ_API pq_status pq_array_append_double(pq_array *arr, double v, pq_error *err); /**< FLOAT/DOUBLE */
/** Append bytes to STRING/JSON/BINARY (any length) or FIXED/UUID (exactly byte_width). */
PQ_NODISCARD PQ_API pq_status pq_array_append_bytes(pq_array *arr, const void *p, size_t n, pq_error *err);
/** LIST/MAP: close one valid entry whose elements were appended to child[0]
 *  since the previous entry.  STRUCT: mark one valid slot (children appended
 *  by the caller). */
PQ_NODISCARD PQ_API pq_status pq_array_append_valid(pq_array *arr, pq_error *err);

/** Borrowed bytes of slot i of a STRING/JSON/BINARY/FIXED/UUID array. */
PQ_API const uint8_t *pq_array_bytes(const pq_array *arr, int64_t i, size_t *out_len);

/** Check the array's invariants (lengths, offsets monotonic and in bounds,
 *  children lengths, null_count matching the bitmap).  For data built from
 *  untrusted input before it is handed out. */
PQ_NODISCARD PQ_API pq_status pq_array_validate(const pq_array *arr, pq_error *err);
/** Deep comparison of slot values; returns true when equal (NaN == NaN bitwise). */
PQ_API bool pq_array_equal(const pq_array *a, const pq_array *b);

/* ---------------------------------------------------------- tables */

/** Initialise an empty table for `schema` (copied). */
PQ_NODISCARD PQ_API pq_status pq_table_init(pq_table *t, const pq_schema *schema, pq_error *err);
/** Free schema and arrays.  Accepts a zeroed table. */
PQ_API void pq_table_reset(pq_table *t);
/** Drop all rows, keep schema and capacity. */
PQ_API void pq_table_clear(pq_table *t);
/** Recompute num_rows from the columns and check they agree. */
PQ_NODISCARD PQ_API pq_status pq_table_finish(pq_table *t, pq_error *err);
PQ_API bool pq_table_equal(const pq_table *a, const pq_table *b);

#ifdef __cplusplus
}
#endif
#endif /* PARQUANT_TABLE_H */
