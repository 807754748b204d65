/* SPDX-License-Identifier: Apache-2.0
 *
 * table/array_internal.h - bulk access to pq_array buffers for the Parquet
 * reader and the converters, which fill arrays faster than one append call
 * per value.  Protocol: pq_array_reserve(arr, n) guarantees room for n more
 * slots in values/offsets/validity; the caller writes values at slot
 * indexes length..length+n-1 directly, sets validity bits through
 * pq_array_set_valid_range / pq_array_set_null, then bumps `length` (and
 * `null_count`, values_len for byte data).
 */
#ifndef PARQUANT_TABLE_ARRAY_INTERNAL_H
#define PARQUANT_TABLE_ARRAY_INTERNAL_H

#include "core/core.h"
#include "parquant/table.h"

/** True for kinds with an offsets buffer. */
bool pq_kind_has_offsets(pq_kind k);
/** Create the validity bitmap (all existing slots valid) if absent, sized
 *  for length + 16 slots: call it BEFORE pq_array_reserve, which then grows
 *  the bitmap with the other buffers. */
PQ_NODISCARD pq_status pq_array_ensure_validity(pq_array *arr, pq_error *err);
/** Mark slot i (i < capacity) null: requires the bitmap (ensure_validity). */
static inline void pq_array_set_null(pq_array *arr, int64_t i) { pq_bit_clear(arr->validity, i); }
/** Set slots [start, start+n) valid (bitmap present). */
void pq_array_set_valid_range(pq_array *arr, int64_t start, int64_t n);
/** Take ownership of `data` (values buffer) and, for byte kinds, its length. */
void pq_array_adopt_values(pq_array *arr, uint8_t *data, size_t cap, size_t len);

#endif /* PARQUANT_TABLE_ARRAY_INTERNAL_H */
