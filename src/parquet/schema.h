/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/schema.h - the bridge between a Parquet schema (the flat,
 * depth-first list of SchemaElement in the footer) and parquant's logical
 * pq_schema tree, plus the per-leaf facts the page layer needs (physical
 * type, max definition / repetition level, dotted path).
 *
 * Reading (pq_schema_map_from_elements) applies the format's backward-
 * compatibility rules: 3-level LIST, 2-level lists (repeated primitive or
 * group; a repeated group with more than one field, or named "array" or
 * "<name>_tuple", is the element), bare REPEATED fields without annotation
 * (a list of required elements), MAP / MAP_KEY_VALUE with fields taken by
 * position and an optional key tolerated, legacy converted types when no
 * LogicalType is present, INT96 as timestamp[ns], unknown logical types as
 * their physical type.
 *
 * Writing (pq_schema_map_from_schema) produces elements with both
 * logicalType and converted_type, 3-level lists ("<name>" LIST > repeated
 * group "list" > "element") and maps ("<name>" MAP > repeated group
 * "key_value" > "key", "value"), and picks the physical type of each leaf:
 *   BOOL->BOOLEAN; INT8/16/32 and UINT8/16/32->INT32; INT64/UINT64->INT64;
 *   FLOAT16->FLBA(2); FLOAT; DOUBLE; DATE->INT32; TIME ms->INT32, us/ns->INT64;
 *   TIMESTAMP->INT64 (INT96 when type.from_int96); DECIMAL p<=9->INT32,
 *   p<=18->INT64, else FLBA(minimal bytes); STRING/JSON/BINARY->BYTE_ARRAY;
 *   FIXED->FLBA(width); UUID->FLBA(16); NULL->INT32 with logical type NULL.
 */
#ifndef PARQUANT_PARQUET_SCHEMA_H
#define PARQUANT_PARQUET_SCHEMA_H

#include "core/core.h"
#include "parquant/parquet.h"

/** One node of the logical tree, annotated with its levels.  Parallel to the
 *  pq_field tree of `pq_schema_map.schema`. */
typedef struct pq_schema_node {
    const pq_field *field;        /* the logical field (in map->schema) */
    int16_t def_level;            /* definition level at which this node is
                                     present and non-null (counts every optional
                                     or repeated Parquet node on the path,
                                     this node's included) */
    int16_t rep_level;            /* repetition level of the innermost repeated
                                     Parquet node at or above this node */
    int16_t elem_def_level;       /* LIST/MAP: def level at which the list has
                                     at least one element (the repeated node
                                     is present); else = def_level */
    int16_t elem_rep_level;       /* LIST/MAP: rep level of the repeated node */
    int64_t first_leaf, n_leaves; /* leaves below, in schema order */
    struct pq_schema_node *children;
    int64_t n_children;
} pq_schema_node;

/** One leaf column (one column chunk per row group). */
typedef struct pq_leaf {
    const pq_schema_element *element; /* its SchemaElement */
    pq_physical physical;
    int32_t type_length;              /* FLBA width, else 0 */
    int16_t max_def, max_rep;
    const char *path;                 /* dotted Parquet path "a.list.element" */
    const char **path_parts;          /* path_in_schema */
    int32_t n_path;
    const pq_field *field;            /* the logical leaf field */
    const pq_schema_node *node;       /* its node in the tree */
    int64_t top;                      /* index of its top-level field */
} pq_leaf;

typedef struct pq_schema_map {
    pq_schema schema;                 /* logical schema (owned) */
    pq_schema_node *nodes;            /* one per top-level field (owned, arena) */
    pq_leaf *leaves;                  /* arena */
    int64_t n_leaves;
    pq_schema_element *elements;      /* writer: generated elements (arena);
                                         reader: borrowed from the footer */
    int32_t n_elements;
    pq_arena arena;                   /* owns nodes, leaves, paths, elements */
} pq_schema_map;

/** Build the map of a file's schema.  The elements are copied (shallowly:
 *  names stay borrowed) into the map's arena, so `leaf->element` points into
 *  that copy and the footer's strings must outlive the map.  @return PQ_ERR_CORRUPT (bad tree: num_children past the end,
 *  leaf without type, group with a type, root with a repetition of REPEATED...),
 *  PQ_ERR_LIMIT (depth / columns), PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_schema_map_from_elements(const pq_schema_element *els, int32_t n, const pq_limits *limits,
                                                   const pq_allocator *a, pq_schema_map *out, pq_error *err);

/** Build the map (and the SchemaElements) for writing `schema` (copied).
 *  @return PQ_ERR_INVALID_ARG for a schema that can't be written (empty
 *  struct, list without one child, decimal precision out of range,
 *  non-positive fixed width, duplicate sibling names...). */
PQ_NODISCARD pq_status pq_schema_map_from_schema(const pq_schema *schema, const pq_allocator *a,
                                                 pq_schema_map *out, pq_error *err);

/** Restrict `in` to the fields named by `paths` (the result borrows `in`'s
 *  elements, so `in` must outlive it) (dotted logical names, or
 *  the Parquet path), producing a new map over the same elements whose
 *  schema keeps only the selected fields (structs keep only the selected
 *  children, in schema order) and whose leaves are the selected leaves.
 *  `leaf_ids` (out->n_leaves entries, allocated in out->arena) maps each
 *  leaf of `out` to its index in `in`.  @return PQ_ERR_NOT_FOUND naming the path. */
PQ_NODISCARD pq_status pq_schema_map_project(const pq_schema_map *in, const char *const *paths, size_t n,
                                             pq_schema_map *out, int64_t **leaf_ids, pq_error *err);

/** Free everything.  Accepts a zeroed map. */
void pq_schema_map_reset(pq_schema_map *m);

/** Index of the child of `nd` whose leaves include leaf `li`, or -1.
 *  Children cover consecutive leaf ranges in order, so this is a binary
 *  search (wide structs). */
int64_t pq_schema_node_child_holding(const pq_schema_node *nd, int64_t li);

/* Shared by the schema units (schema.c, schema_project.c): */
/** Build m->nodes and m->leaves (levels from m->schema; the Parquet side of
 *  each leaf is left zeroed for the caller to fill). */
PQ_NODISCARD pq_status pq_schema_map_build_nodes(pq_schema_map *m, pq_error *err);
/** Copy `parts` (n names) into the arena as the leaf's path_parts and dotted path. */
PQ_NODISCARD pq_status pq_leaf_set_path(pq_arena *ar, pq_leaf *l, const char *const *parts, int32_t n, pq_error *err);

#endif /* PARQUANT_PARQUET_SCHEMA_H */
