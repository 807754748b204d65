/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/schema.c - the bridge between a Parquet schema (the depth-first
 * list of SchemaElement stored in the footer) and parquant's logical pq_field
 * tree, with the per-leaf facts the page layer needs.
 *
 * Reading (pq_schema_map_from_elements) runs in three stages: parse the
 * element list into a tree (num_children checked against the list, depth and
 * column limits applied), convert the tree into pq_fields applying the
 * backward-compatibility rules of the format's LogicalTypes.md (legacy LIST
 * and MAP shapes, bare REPEATED fields, ConvertedType when no LogicalType is
 * present), then annotate the logical tree with levels.  Annotations are
 * hints: one that does not fit its node (a TIMESTAMP on an INT32, a LIST
 * group without a repeated child, a MAP whose key_value group has three
 * fields) is ignored and the node is read as its physical type or as a plain
 * struct, so odd writers still give a readable table.  Only a broken tree
 * (counts past the end, a leaf without a type, a group with one) is corrupt.
 * Special cases, each named after the corpus file that needs it:
 *   - a MAP whose key_value group has no value field is read as a list of
 *     its keys, like arrow-rs (map_no_value.parquet);
 *   - an OPTIONAL map key is kept nullable (incorrect_map_schema.parquet);
 *   - DECIMAL with precision > 38 cannot be held in decimal128 and is read
 *     as its physical type (FLBA -> FIXED, BYTE_ARRAY -> BINARY);
 *   - an unknown LogicalType member means "read the physical type", even
 *     when a ConvertedType is present (unknown-logical-type.parquet).
 *
 * Levels are computed from the logical tree only, by one function shared by
 * the three constructors: a nullable field adds one definition level, a LIST
 * or MAP adds one definition and one repetition level for its repeated node.
 * The conversion keeps `nullable` equal to "the Parquet node is OPTIONAL",
 * so these levels equal the ones counted on the Parquet path; the reader
 * checks that equality for every leaf (a mismatch is a bug: PQ_ERR_INTERNAL).
 *
 * Writing (pq_schema_map_from_schema) validates the schema, copies it with
 * the names the format recommends for nested parts ("element", "key_value",
 * "key", "value") and produces the SchemaElements: 3-level lists and maps,
 * LogicalType plus the ConvertedType that old readers understand.
 *
 * Projection (pq_schema_map_project) is in schema_project.c.
 */
#include "parquet/schema.h"

#include <stdio.h>
#include <stdlib.h>

/* Hard bound on schema depth, whatever pq_limits says: the conversion
 * recurses once per Parquet node and levels must fit int16. */
#define PQ_SCHEMA_HARD_DEPTH 255
#define PQ_SCHEMA_DEFAULT_DEPTH 64
#define PQ_SCHEMA_DEFAULT_COLUMNS 100000

/* ------------------------------------------------------------ helpers */

/* Replace the owned name of `f` by a copy of `name`. */
static pq_status set_name(pq_field *f, const char *name, const pq_allocator *a, pq_error *err)
{
    size_t n = strlen(name);
    char *p = (char *)pq_alloc(a, n + 1);
    if (!p) return PQ_NOMEM(err);
    memcpy(p, name, n + 1);
    pq_free(a, f->name);
    f->name = p;
    return PQ_OK;
}

/* --------------------------------------------------------- level nodes */

/* Annotate field `f` (and its subtree) with levels.  `base_def`/`base_rep`
 * are the levels at which the parent is present (for a list's element: the
 * level at which the list has an element).  Leaves are numbered in schema
 * order from *next_leaf. */
static pq_status build_node(pq_arena *ar, const pq_field *f, pq_schema_node *n, int base_def, int base_rep,
                            int64_t *next_leaf, pq_error *err)
{
    n->field = f;
    n->def_level = (int16_t)(base_def + (f->nullable ? 1 : 0));
    n->rep_level = (int16_t)base_rep;
    n->elem_def_level = n->def_level;
    n->elem_rep_level = n->rep_level;
    n->first_leaf = *next_leaf;
    int child_def = n->def_level, child_rep = base_rep;
    if (f->type.kind == PQ_KIND_LIST || f->type.kind == PQ_KIND_MAP) {
        n->elem_def_level = (int16_t)(n->def_level + 1);
        n->elem_rep_level = (int16_t)(base_rep + 1);
        child_def = n->elem_def_level;
        child_rep = n->elem_rep_level;
    }
    if (child_def > INT16_MAX - 2 || child_rep > INT16_MAX - 2)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "field '%s': nesting too deep for 16-bit levels", f->name);
    if (f->n_children == 0) {
        (*next_leaf)++;
        n->n_leaves = 1;
        return PQ_OK;
    }
    n->children = (pq_schema_node *)pq_arena_alloc(ar, (size_t)f->n_children * sizeof(pq_schema_node),
                                                   _Alignof(pq_schema_node));
    if (!n->children) return PQ_NOMEM(err);
    n->n_children = f->n_children;
    for (int64_t i = 0; i < f->n_children; i++)
        PQ_TRY(build_node(ar, &f->children[i], &n->children[i], child_def, child_rep, next_leaf, err));
    n->n_leaves = *next_leaf - n->first_leaf;
    return PQ_OK;
}

/* Point leaves[first..] at the leaf nodes below `n`, in order. */
static void link_leaves(const pq_schema_node *n, int64_t top, pq_leaf *leaves)
{
    if (n->n_children == 0) {
        pq_leaf *l = &leaves[n->first_leaf];
        l->field = n->field;
        l->node = n;
        l->top = top;
        l->max_def = n->def_level;
        l->max_rep = n->rep_level;
        return;
    }
    for (int64_t i = 0; i < n->n_children; i++) link_leaves(&n->children[i], top, leaves);
}

/* Build m->nodes and m->leaves (n_leaves entries, zeroed) from m->schema.
 * The caller fills the Parquet side of each leaf (element, path...). */
pq_status pq_schema_map_build_nodes(pq_schema_map *m, pq_error *err)
{
    int64_t nf = m->schema.n_fields, next = 0;
    m->nodes = (pq_schema_node *)pq_arena_alloc(&m->arena, (size_t)(nf ? nf : 1) * sizeof(pq_schema_node),
                                                _Alignof(pq_schema_node));
    if (!m->nodes) return PQ_NOMEM(err);
    for (int64_t i = 0; i < nf; i++) PQ_TRY(build_node(&m->arena, &m->schema.fields[i], &m->nodes[i], 0, 0, &next, err));
    m->n_leaves = next;
    m->leaves = (pq_leaf *)pq_arena_alloc(&m->arena, (size_t)(next ? next : 1) * sizeof(pq_leaf), _Alignof(pq_leaf));
    if (!m->leaves) return PQ_NOMEM(err);
    for (int64_t i = 0; i < nf; i++) link_leaves(&m->nodes[i], i, m->leaves);
    return PQ_OK;
}

/* Store `parts` (n names) as the leaf's path_parts and dotted path, copied
 * into the arena. */
pq_status pq_leaf_set_path(pq_arena *ar, pq_leaf *l, const char *const *parts, int32_t n, pq_error *err)
{
    size_t total = 1;
    l->path_parts = (const char **)pq_arena_alloc(ar, (size_t)(n ? n : 1) * sizeof(char *), _Alignof(char *));
    if (!l->path_parts) return PQ_NOMEM(err);
    for (int32_t i = 0; i < n; i++) {
        size_t len = strlen(parts[i]);
        char *p = pq_arena_strndup(ar, parts[i], len);
        if (!p) return PQ_NOMEM(err);
        l->path_parts[i] = p;
        total += len + 1;
    }
    char *path = (char *)pq_arena_alloc(ar, total, 1);
    if (!path) return PQ_NOMEM(err);
    size_t pos = 0;
    for (int32_t i = 0; i < n; i++) {
        size_t len = strlen(parts[i]);
        if (i) path[pos++] = '.';
        memcpy(path + pos, parts[i], len);
        pos += len;
    }
    path[pos] = 0;
    l->path = path;
    l->n_path = n;
    return PQ_OK;
}

int64_t pq_schema_node_child_holding(const pq_schema_node *nd, int64_t li)
{
    int64_t lo = 0, hi = nd->n_children - 1;
    while (lo <= hi) {
        int64_t mid = lo + (hi - lo) / 2;
        const pq_schema_node *ch = &nd->children[mid];
        if (li < ch->first_leaf) hi = mid - 1;
        else if (li >= ch->first_leaf + ch->n_leaves) lo = mid + 1;
        else return mid;
    }
    return -1;
}

void pq_schema_map_reset(pq_schema_map *m)
{
    if (!m) return;
    pq_schema_reset(&m->schema);
    pq_arena_reset(&m->arena);
    memset(m, 0, sizeof *m);
}

/* ===================================================== reading: types */

static pq_type plain_type(const pq_schema_element *el)
{
    switch (el->type) {
    case PQ_PHYS_BOOLEAN: return pq_type_make(PQ_KIND_BOOL);
    case PQ_PHYS_INT32: return pq_type_int(32, true);
    case PQ_PHYS_INT64: return pq_type_int(64, true);
    case PQ_PHYS_INT96: {
        pq_type t = pq_type_timestamp(PQ_UNIT_NANOS, false);
        t.from_int96 = true;
        return t;
    }
    case PQ_PHYS_FLOAT: return pq_type_make(PQ_KIND_FLOAT);
    case PQ_PHYS_DOUBLE: return pq_type_make(PQ_KIND_DOUBLE);
    case PQ_PHYS_BYTE_ARRAY: return pq_type_make(PQ_KIND_BINARY);
    case PQ_PHYS_FIXED_LEN_BYTE_ARRAY: return pq_type_fixed(el->type_length);
    }
    return pq_type_make(PQ_KIND_BINARY);
}

/* DECIMAL(precision, scale) on physical type of `el`; false when it does
 * not fit (then the plain type is used). */
static bool decimal_type(const pq_schema_element *el, int32_t precision, int32_t scale, pq_type *out)
{
    pq_physical p = el->type;
    if (p != PQ_PHYS_INT32 && p != PQ_PHYS_INT64 && p != PQ_PHYS_FIXED_LEN_BYTE_ARRAY && p != PQ_PHYS_BYTE_ARRAY)
        return false;
    /* decimal128 holds 38 digits; wider decimals stay raw bytes. */
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) return false;
    *out = pq_type_decimal(precision, scale);
    return true;
}

/* The logical type of a leaf from its LogicalType; false = use the plain type. */
static bool logical_leaf_type(const pq_schema_element *el, pq_type *out)
{
    const pq_logical_type *lt = &el->logical;
    pq_physical p = el->type;
    switch (lt->kind) {
    case PQ_LT_STRING: case PQ_LT_ENUM:
        if (p != PQ_PHYS_BYTE_ARRAY) return false;
        *out = pq_type_make(PQ_KIND_STRING);
        return true;
    case PQ_LT_JSON:
        if (p != PQ_PHYS_BYTE_ARRAY) return false;
        *out = pq_type_make(PQ_KIND_JSON);
        return true;
    case PQ_LT_BSON:
        if (p != PQ_PHYS_BYTE_ARRAY) return false;
        *out = pq_type_make(PQ_KIND_BINARY);
        return true;
    case PQ_LT_UUID:
        if (p != PQ_PHYS_FIXED_LEN_BYTE_ARRAY || el->type_length != 16) return false;
        *out = pq_type_make(PQ_KIND_UUID);
        return true;
    case PQ_LT_FLOAT16:
        if (p != PQ_PHYS_FIXED_LEN_BYTE_ARRAY || el->type_length != 2) return false;
        *out = pq_type_make(PQ_KIND_FLOAT16);
        return true;
    case PQ_LT_DECIMAL: return decimal_type(el, lt->precision, lt->scale, out);
    case PQ_LT_DATE:
        if (p != PQ_PHYS_INT32) return false;
        *out = pq_type_make(PQ_KIND_DATE);
        return true;
    case PQ_LT_TIME:
        if (lt->unit == PQ_UNIT_MILLIS ? p != PQ_PHYS_INT32 : p != PQ_PHYS_INT64) return false;
        if (lt->unit != PQ_UNIT_MILLIS && lt->unit != PQ_UNIT_MICROS && lt->unit != PQ_UNIT_NANOS) return false;
        *out = pq_type_time(lt->unit, lt->utc);
        return true;
    case PQ_LT_TIMESTAMP:
        if (p != PQ_PHYS_INT64) return false;
        if (lt->unit != PQ_UNIT_MILLIS && lt->unit != PQ_UNIT_MICROS && lt->unit != PQ_UNIT_NANOS) return false;
        *out = pq_type_timestamp(lt->unit, lt->utc);
        return true;
    case PQ_LT_INTEGER:
        if (lt->bit_width == 64 ? p != PQ_PHYS_INT64 : p != PQ_PHYS_INT32) return false;
        if (lt->bit_width != 8 && lt->bit_width != 16 && lt->bit_width != 32 && lt->bit_width != 64) return false;
        *out = pq_type_int(lt->bit_width, lt->is_signed);
        return true;
    case PQ_LT_NULL:
        *out = pq_type_make(PQ_KIND_NULL);
        return true;
    default: return false; /* LIST/MAP on a leaf, VARIANT, GEOMETRY, unknown members */
    }
}

/* INT_8.. / UINT_8.. converted types: width and sign, or 0. */
static int converted_int(pq_converted_type ct, bool *is_signed)
{
    *is_signed = ct >= PQ_CT_INT_8;
    switch (ct) {
    case PQ_CT_INT_8: case PQ_CT_UINT_8: return 8;
    case PQ_CT_INT_16: case PQ_CT_UINT_16: return 16;
    case PQ_CT_INT_32: case PQ_CT_UINT_32: return 32;
    case PQ_CT_INT_64: case PQ_CT_UINT_64: return 64;
    default: return 0;
    }
}

/* The logical type of a leaf from its legacy ConvertedType; false = plain.
 * Legacy time types imply isAdjustedToUTC = true (LogicalTypes.md). */
static bool converted_leaf_type(const pq_schema_element *el, pq_type *out)
{
    pq_physical p = el->type;
    bool sgn;
    int bits = converted_int(el->converted_type, &sgn);
    if (bits) {
        if (bits == 64 ? p != PQ_PHYS_INT64 : p != PQ_PHYS_INT32) return false;
        *out = pq_type_int(bits, sgn);
        return true;
    }
    switch (el->converted_type) {
    case PQ_CT_UTF8: case PQ_CT_ENUM:
        if (p != PQ_PHYS_BYTE_ARRAY) return false;
        *out = pq_type_make(PQ_KIND_STRING);
        return true;
    case PQ_CT_JSON:
        if (p != PQ_PHYS_BYTE_ARRAY) return false;
        *out = pq_type_make(PQ_KIND_JSON);
        return true;
    case PQ_CT_BSON:
        if (p != PQ_PHYS_BYTE_ARRAY) return false;
        *out = pq_type_make(PQ_KIND_BINARY);
        return true;
    case PQ_CT_DECIMAL:
        if (!el->has_precision) return false;
        return decimal_type(el, el->precision, el->has_scale ? el->scale : 0, out);
    case PQ_CT_DATE:
        if (p != PQ_PHYS_INT32) return false;
        *out = pq_type_make(PQ_KIND_DATE);
        return true;
    case PQ_CT_TIME_MILLIS: case PQ_CT_TIME_MICROS: {
        bool ms = el->converted_type == PQ_CT_TIME_MILLIS;
        if (ms ? p != PQ_PHYS_INT32 : p != PQ_PHYS_INT64) return false;
        *out = pq_type_time(ms ? PQ_UNIT_MILLIS : PQ_UNIT_MICROS, true);
        return true;
    }
    case PQ_CT_TIMESTAMP_MILLIS: case PQ_CT_TIMESTAMP_MICROS:
        if (p != PQ_PHYS_INT64) return false;
        *out = pq_type_timestamp(el->converted_type == PQ_CT_TIMESTAMP_MILLIS ? PQ_UNIT_MILLIS : PQ_UNIT_MICROS, true);
        return true;
    case PQ_CT_INTERVAL:
        /* months, days, millis as three u32 LE: kept as raw 12 bytes. */
        if (p != PQ_PHYS_FIXED_LEN_BYTE_ARRAY || el->type_length != 12) return false;
        *out = pq_type_fixed(12);
        return true;
    default: return false;
    }
}

/* Logical type of leaf element `el` (has_type checked by the caller). */
static pq_type leaf_type(const pq_schema_element *el)
{
    pq_type t;
    if (el->type == PQ_PHYS_INT96) return plain_type(el); /* legacy timestamps, annotations ignored */
    if (el->logical.kind != PQ_LT_NONE) {
        if (logical_leaf_type(el, &t)) return t;
        return plain_type(el);
    }
    if (el->converted_type != PQ_CT_NONE && converted_leaf_type(el, &t)) return t;
    return plain_type(el);
}

/* =================================================== reading: the tree */

/* Where a leaf came from, recorded during the conversion. */
typedef struct leaf_src {
    int32_t element;        /* index in els */
    int32_t n_path;
    const char **path;      /* arena copy of the Parquet path names */
    int16_t def, rep;       /* levels counted on the Parquet path */
} leaf_src;

typedef struct rd_ctx {
    const pq_schema_element *els;
    int32_t n;
    int32_t *next_sibling;  /* index past each element's subtree */
    const pq_allocator *a;
    pq_arena *arena;
    const char *stack[PQ_SCHEMA_HARD_DEPTH + 1]; /* Parquet path being converted */
    int16_t def_stack[PQ_SCHEMA_HARD_DEPTH + 1], rep_stack[PQ_SCHEMA_HARD_DEPTH + 1];
    int depth;
    leaf_src *leaves;       /* n_leaves entries (counted by parse_tree) */
    int64_t n_leaves, cap_leaves;
} rd_ctx;

static bool el_is_group(const pq_schema_element *el)
{
    return el->has_num_children && el->num_children > 0;
}

/* Check the subtree rooted at `i` (depth `depth`) and record where it ends
 * in next_sibling[i]; counts leaves in *n_leaves. */
static pq_status parse_tree(rd_ctx *c, int32_t i, int depth, int max_depth, int64_t max_cols, int64_t *n_leaves,
                            pq_error *err)
{
    const pq_schema_element *el = &c->els[i];
    if (depth > max_depth)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "schema nesting depth exceeds the limit of %d at element %d", max_depth, i);
    if (!el->name) return PQ_FAIL(err, PQ_ERR_CORRUPT, "schema element %d has no name", i);
    if (el->has_num_children && el->num_children < 0)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected num_children >= 0, found %d at schema element %d ('%s')",
                       el->num_children, i, el->name);
    if (depth > 0) {
        if (!el->has_repetition)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "schema element %d ('%s') has no repetition_type", i, el->name);
        if ((unsigned)el->repetition > PQ_REP_REPEATED)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "schema element %d ('%s'): bad repetition %d", i, el->name,
                           (int)el->repetition);
    } else if (el->has_repetition && el->repetition == PQ_REP_REPEATED) {
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "schema root '%s' is REPEATED", el->name);
    }
    int32_t next = i + 1;
    if (depth == 0 || el_is_group(el)) {
        if (el->has_type)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "schema group %d ('%s') has a physical type", i, el->name);
        int32_t nc = el->has_num_children ? el->num_children : 0;
        for (int32_t k = 0; k < nc; k++) {
            if (next >= c->n)
                return PQ_FAIL(err, PQ_ERR_CORRUPT,
                               "schema element %d ('%s') declares %d children, found %d before the end of the list",
                               i, el->name, nc, k);
            int32_t child = next;
            PQ_TRY(parse_tree(c, child, depth + 1, max_depth, max_cols, n_leaves, err));
            next = c->next_sibling[child];
        }
    } else {
        if (!el->has_type)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "schema leaf %d ('%s') has no physical type", i, el->name);
        if ((unsigned)el->type > PQ_PHYS_FIXED_LEN_BYTE_ARRAY)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "schema leaf %d ('%s'): bad physical type %d", i, el->name,
                           (int)el->type);
        if (el->type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY && el->type_length <= 0)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected type_length > 0, found %d for FIXED_LEN_BYTE_ARRAY '%s'",
                           el->type_length, el->name);
        if (++*n_leaves > max_cols)
            return PQ_FAIL(err, PQ_ERR_LIMIT, "schema has more than %lld leaf columns", (long long)max_cols);
    }
    c->next_sibling[i] = next;
    return PQ_OK;
}

/* Enter element i on the Parquet path (levels counted on the way). */
static void rd_push(rd_ctx *c, int32_t i)
{
    const pq_schema_element *el = &c->els[i];
    int d = c->depth++;
    c->stack[d] = el->name;
    c->def_stack[d + 1] = (int16_t)(c->def_stack[d] + (el->repetition != PQ_REP_REQUIRED));
    c->rep_stack[d + 1] = (int16_t)(c->rep_stack[d] + (el->repetition == PQ_REP_REPEATED));
}

static void rd_pop(rd_ctx *c) { c->depth--; }


static pq_status record_leaf(rd_ctx *c, int32_t i, pq_error *err)
{
    leaf_src *s = &c->leaves[c->n_leaves++];
    s->element = i;
    s->n_path = c->depth;
    s->def = c->def_stack[c->depth];
    s->rep = c->rep_stack[c->depth];
    s->path = (const char **)pq_arena_alloc(c->arena, (size_t)(c->depth ? c->depth : 1) * sizeof(char *),
                                            _Alignof(char *));
    if (!s->path) return PQ_NOMEM(err);
    for (int d = 0; d < c->depth; d++) s->path[d] = c->stack[d];
    return PQ_OK;
}

static pq_status convert_element(rd_ctx *c, int32_t i, bool as_element, pq_field *out, pq_error *err);

/* Build a struct from the children of group i.  The children array is
 * allocated once (wide schemas have groups of thousands of fields). */
static pq_status convert_struct(rd_ctx *c, int32_t i, bool nullable, pq_field *out, pq_error *err)
{
    const pq_schema_element *el = &c->els[i];
    PQ_TRY(pq_field_init(out, el->name, pq_type_make(PQ_KIND_STRUCT), nullable, c->a, err));
    out->children = (pq_field *)pq_calloc(c->a, (size_t)el->num_children, sizeof(pq_field));
    if (!out->children) { pq_field_reset(out, c->a); return PQ_NOMEM(err); }
    /* The first child is i+1, each next one starts where the previous
     * subtree ends. */
    for (int32_t k = 0, at = i + 1; k < el->num_children; k++, at = c->next_sibling[at]) {
        pq_status s = convert_element(c, at, false, &out->children[k], err);
        if (s) { pq_field_reset(out, c->a); return s; }
        out->n_children = k + 1;
    }
    return PQ_OK;
}

static bool has_list_annotation(const pq_schema_element *el)
{
    return el->logical.kind == PQ_LT_LIST || (el->logical.kind == PQ_LT_NONE && el->converted_type == PQ_CT_LIST);
}

static bool has_map_annotation(const pq_schema_element *el)
{
    return el->logical.kind == PQ_LT_MAP ||
           (el->logical.kind == PQ_LT_NONE &&
            (el->converted_type == PQ_CT_MAP || el->converted_type == PQ_CT_MAP_KEY_VALUE));
}

/* A LIST group is well formed when its only child is REPEATED. */
static bool list_shape_ok(const rd_ctx *c, int32_t i)
{
    const pq_schema_element *el = &c->els[i];
    return el->num_children == 1 && c->els[i + 1].repetition == PQ_REP_REPEATED;
}

/* True when the repeated child r of LIST group g is itself the element
 * (backward-compatibility rules of LogicalTypes.md). */
static bool repeated_is_element(const rd_ctx *c, int32_t g, int32_t r)
{
    const pq_schema_element *rel = &c->els[r];
    if (!el_is_group(rel) || rel->num_children > 1) return true;
    if (c->els[r + 1].repetition == PQ_REP_REPEATED) return true;
    if (strcmp(rel->name, "array") == 0) return true;
    size_t gl = strlen(c->els[g].name);
    return strncmp(rel->name, c->els[g].name, gl) == 0 && strcmp(rel->name + gl, "_tuple") == 0;
}

/* LIST group i (well formed) -> list field. */
static pq_status convert_list(rd_ctx *c, int32_t i, bool nullable, pq_field *out, pq_error *err)
{
    int32_t r = i + 1;
    pq_field elem;
    pq_status s;
    if (repeated_is_element(c, i, r)) {
        s = convert_element(c, r, true, &elem, err);
    } else {
        rd_push(c, r);
        s = convert_element(c, r + 1, false, &elem, err);
        rd_pop(c);
    }
    if (s) return s;
    s = pq_field_list(out, c->els[i].name, nullable, &elem, c->a, err);
    if (s) pq_field_reset(&elem, c->a);
    return s;
}

/* A MAP group is well formed when its only child is a repeated group of
 * one (key only) or two (key, value) fields, taken by position. */
static bool map_shape_ok(const rd_ctx *c, int32_t i)
{
    if (c->els[i].num_children != 1) return false;
    const pq_schema_element *kv = &c->els[i + 1];
    return kv->repetition == PQ_REP_REPEATED && el_is_group(kv) && kv->num_children <= 2;
}

/* MAP group i (well formed) -> map field, or a list of keys when the
 * key_value group has no value (as arrow-rs reads map_no_value.parquet). */
static pq_status convert_map(rd_ctx *c, int32_t i, bool nullable, pq_field *out, pq_error *err)
{
    int32_t kvi = i + 1;
    const pq_schema_element *kv = &c->els[kvi];
    pq_field key, val, kvf;
    memset(&val, 0, sizeof val);
    memset(&kvf, 0, sizeof kvf);
    rd_push(c, kvi);
    pq_status s = convert_element(c, kvi + 1, false, &key, err);
    if (s) { rd_pop(c); return s; }
    if (kv->num_children == 1) {
        rd_pop(c);
        s = pq_field_list(out, c->els[i].name, nullable, &key, c->a, err);
        if (s) pq_field_reset(&key, c->a);
        return s;
    }
    s = convert_element(c, c->next_sibling[kvi + 1], false, &val, err);
    rd_pop(c);
    if (!s) s = pq_field_init(&kvf, kv->name, pq_type_make(PQ_KIND_STRUCT), false, c->a, err);
    if (!s) s = pq_field_add_child(&kvf, &key, c->a, err);
    if (!s) s = pq_field_add_child(&kvf, &val, c->a, err);
    if (!s) s = pq_field_init(out, c->els[i].name, pq_type_make(PQ_KIND_MAP), nullable, c->a, err);
    if (!s) {
        s = pq_field_add_child(out, &kvf, c->a, err);
        if (s) pq_field_reset(out, c->a);
    }
    pq_field_reset(&key, c->a);
    pq_field_reset(&val, c->a);
    pq_field_reset(&kvf, c->a);
    return s;
}

/* Convert element i, already pushed, ignoring its own repetition when it is
 * the repeated node of an enclosing list (`as_element`). */
static pq_status convert_body(rd_ctx *c, int32_t i, bool as_element, pq_field *out, pq_error *err)
{
    const pq_schema_element *el = &c->els[i];
    bool repeated = !as_element && el->repetition == PQ_REP_REPEATED;
    bool nullable = !as_element && el->repetition == PQ_REP_OPTIONAL;
    pq_field body;
    pq_status s;
    if (!el_is_group(el)) {
        PQ_TRY(record_leaf(c, i, err));
        s = pq_field_init(&body, el->name, leaf_type(el), nullable, c->a, err);
    } else if (has_list_annotation(el) && list_shape_ok(c, i)) {
        s = convert_list(c, i, nullable, &body, err);
    } else if (has_map_annotation(el) && map_shape_ok(c, i)) {
        s = convert_map(c, i, nullable, &body, err);
    } else {
        s = convert_struct(c, i, nullable, &body, err);
    }
    if (s) return s;
    if (el->has_field_id) body.field_id = el->field_id;
    if (!repeated) {
        *out = body;
        return PQ_OK;
    }
    /* A bare REPEATED node: a required list of required elements. */
    s = pq_field_list(out, el->name, false, &body, c->a, err);
    if (s) pq_field_reset(&body, c->a);
    else out->field_id = out->children[0].field_id;
    return s;
}

static pq_status convert_element(rd_ctx *c, int32_t i, bool as_element, pq_field *out, pq_error *err)
{
    rd_push(c, i);
    pq_status s = convert_body(c, i, as_element, out, err);
    rd_pop(c);
    return s;
}

/* Fill the Parquet side of every leaf from the records `src` (one per leaf,
 * in schema order) and check the levels counted on the Parquet path against
 * the ones derived from the logical tree. */
static pq_status attach_leaves(pq_schema_map *m, const leaf_src *src, int64_t n, pq_error *err)
{
    if (m->n_leaves != n)
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "schema conversion made %lld leaves from %lld leaf elements",
                       (long long)m->n_leaves, (long long)n);
    for (int64_t k = 0; k < n; k++) {
        pq_leaf *l = &m->leaves[k];
        const leaf_src *s = &src[k];
        l->element = &m->elements[s->element];
        l->physical = l->element->type;
        l->type_length = l->physical == PQ_PHYS_FIXED_LEN_BYTE_ARRAY ? l->element->type_length : 0;
        PQ_TRY(pq_leaf_set_path(&m->arena, l, s->path, s->n_path, err));
        if (l->max_def != s->def || l->max_rep != s->rep)
            return PQ_FAIL(err, PQ_ERR_INTERNAL, "leaf '%s': logical levels %d/%d differ from Parquet levels %d/%d",
                           l->path, l->max_def, l->max_rep, s->def, s->rep);
    }
    return PQ_OK;
}

/* Convert the parsed tree (ctx ready) into m->schema, then levels. */
static pq_status convert_root(pq_schema_map *m, rd_ctx *c, pq_error *err)
{
    const pq_schema_element *root = &c->els[0];
    int32_t nc = root->has_num_children ? root->num_children : 0;
    if (nc > 0) {
        m->schema.fields = (pq_field *)pq_calloc(c->a, (size_t)nc, sizeof(pq_field));
        if (!m->schema.fields) return PQ_NOMEM(err);
    }
    for (int32_t k = 0, at = 1; k < nc; k++, at = c->next_sibling[at]) {
        PQ_TRY(convert_element(c, at, false, &m->schema.fields[k], err));
        m->schema.n_fields = k + 1;
    }
    PQ_TRY(pq_schema_map_build_nodes(m, err));
    return attach_leaves(m, c->leaves, c->n_leaves, err);
}

pq_status pq_schema_map_from_elements(const pq_schema_element *els, int32_t n, const pq_limits *limits,
                                      const pq_allocator *a, pq_schema_map *out, pq_error *err)
{
    memset(out, 0, sizeof *out);
    pq_schema_init(&out->schema, a);
    pq_arena_init(&out->arena, a);
    if (!els || n <= 0) return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a schema with a root element, found %d elements", n);
    int max_depth = limits && limits->max_nesting_depth > 0 ? limits->max_nesting_depth : PQ_SCHEMA_DEFAULT_DEPTH;
    if (max_depth > PQ_SCHEMA_HARD_DEPTH) max_depth = PQ_SCHEMA_HARD_DEPTH;
    int64_t max_cols = limits && limits->max_columns > 0 ? limits->max_columns : PQ_SCHEMA_DEFAULT_COLUMNS;

    rd_ctx *c = (rd_ctx *)pq_calloc(a, 1, sizeof *c);
    pq_status s = PQ_OK;
    if (!c) { s = PQ_NOMEM(err); goto done; }
    c->els = els;
    c->n = n;
    c->a = a;
    c->arena = &out->arena;
    c->next_sibling = (int32_t *)pq_arena_alloc(&out->arena, (size_t)n * sizeof(int32_t), _Alignof(int32_t));
    out->elements = (pq_schema_element *)pq_arena_alloc(&out->arena, (size_t)n * sizeof(pq_schema_element),
                                                        _Alignof(pq_schema_element));
    if (!c->next_sibling || !out->elements) { s = PQ_NOMEM(err); goto done; }
    memcpy(out->elements, els, (size_t)n * sizeof(pq_schema_element));
    out->n_elements = n;
    int64_t n_leaves = 0;
    if ((s = parse_tree(c, 0, 0, max_depth, max_cols, &n_leaves, err))) goto done;
    if (c->next_sibling[0] != n) {
        s = PQ_FAIL(err, PQ_ERR_CORRUPT, "schema tree ends at element %d, found %d elements", c->next_sibling[0], n);
        goto done;
    }
    c->leaves = (leaf_src *)pq_arena_alloc(&out->arena, (size_t)(n_leaves ? n_leaves : 1) * sizeof(leaf_src),
                                           _Alignof(leaf_src));
    if (!c->leaves) { s = PQ_NOMEM(err); goto done; }
    c->els = out->elements; /* names and types now read from our copy */
    s = convert_root(out, c, err);
done:
    pq_free(a, c);
    if (s) pq_schema_map_reset(out);
    return s;
}

/* ===================================================== writing: checks */

/* Append ".name" (or "name" at the start) to the path buffer, truncating. */
static size_t path_push(char *buf, size_t cap, size_t len, const char *name)
{
    int w = snprintf(buf + len, cap - len, "%s%s", len ? "." : "", name);
    if (w < 0) return len;
    return (size_t)w >= cap - len ? cap - 1 : len + (size_t)w;
}

static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* PQ_ERR_INVALID_ARG when two of the n fields share a name. */
static pq_status check_unique(const pq_field *fs, int64_t n, const char *path, const pq_allocator *a, pq_error *err)
{
    if (n < 2) return PQ_OK;
    const char **names = (const char **)pq_alloc(a, (size_t)n * sizeof(char *));
    if (!names) return PQ_NOMEM(err);
    for (int64_t i = 0; i < n; i++) names[i] = fs[i].name;
    qsort(names, (size_t)n, sizeof(char *), cmp_names);
    pq_status s = PQ_OK;
    for (int64_t i = 1; i < n && !s; i++)
        if (strcmp(names[i - 1], names[i]) == 0)
            s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s%s%s': duplicate name among siblings", path,
                        *path ? "." : "", names[i]);
    pq_free(a, names);
    return s;
}

/* Type checks of a leaf field named by `path`. */
static pq_status check_leaf_type(const pq_type *t, const char *path, pq_error *err)
{
    switch (t->kind) {
    case PQ_KIND_INT:
        if (t->bit_width != 8 && t->bit_width != 16 && t->bit_width != 32 && t->bit_width != 64)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': integer bit width %d is not 8, 16, 32 or 64", path,
                           t->bit_width);
        return PQ_OK;
    case PQ_KIND_DECIMAL:
        if (t->precision < 1 || t->precision > 38 || t->scale < 0 || t->scale > t->precision)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': decimal(%d,%d) needs precision 1..38, scale 0..precision",
                           path, t->precision, t->scale);
        return PQ_OK;
    case PQ_KIND_FIXED:
        if (t->byte_width < 1)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': fixed width %d is not positive", path, t->byte_width);
        return PQ_OK;
    case PQ_KIND_TIME: case PQ_KIND_TIMESTAMP:
        if (t->unit != PQ_UNIT_MILLIS && t->unit != PQ_UNIT_MICROS && t->unit != PQ_UNIT_NANOS)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': bad time unit %d", path, (int)t->unit);
        return PQ_OK;
    default: return PQ_OK;
    }
}

/* Validate field `f` (a copy owned by the map) for writing and normalise it:
 * list element "element", map parts "key_value" / "key" / "value", map key
 * and key_value REQUIRED, NULL fields OPTIONAL (the format has no required
 * null column).  `path` holds the dotted path of the parent. */
static pq_status prepare_field(pq_field *f, char *path, size_t cap, size_t plen, int depth, const pq_allocator *a,
                               pq_error *err)
{
    size_t len = path_push(path, cap, plen, f->name);
    pq_status s = PQ_OK;
    if (depth > PQ_SCHEMA_HARD_DEPTH)
        s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': nested deeper than %d levels", path, PQ_SCHEMA_HARD_DEPTH);
    else if (!f->name[0])
        s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': empty name", path);
    else if ((unsigned)f->type.kind >= PQ_KIND_COUNT_)
        s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': bad kind %d", path, (int)f->type.kind);
    if (s) goto out;
    switch (f->type.kind) {
    case PQ_KIND_STRUCT:
        if (f->n_children < 1) s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': struct without fields", path);
        else s = check_unique(f->children, f->n_children, path, a, err);
        break;
    case PQ_KIND_LIST:
        if (f->n_children != 1)
            s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': list needs 1 child, found %lld", path,
                        (long long)f->n_children);
        else s = set_name(&f->children[0], "element", a, err);
        break;
    case PQ_KIND_MAP: {
        pq_field *kv = f->n_children == 1 ? &f->children[0] : NULL;
        if (!kv || kv->type.kind != PQ_KIND_STRUCT || kv->n_children != 2) {
            s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': map needs one struct child of key and value", path);
            break;
        }
        kv->nullable = false;
        kv->children[0].nullable = false;
        if (!(s = set_name(kv, "key_value", a, err)) && !(s = set_name(&kv->children[0], "key", a, err)))
            s = set_name(&kv->children[1], "value", a, err);
        break;
    }
    default:
        if (f->n_children != 0)
            s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field '%s': a leaf kind with %lld children", path,
                        (long long)f->n_children);
        else s = check_leaf_type(&f->type, path, err);
        if (f->type.kind == PQ_KIND_NULL) f->nullable = true;
        break;
    }
    for (int64_t i = 0; i < f->n_children && !s; i++)
        s = prepare_field(&f->children[i], path, cap, len, depth + 1, a, err);
out:
    path[plen] = 0;
    return s;
}

/* ================================================= writing: elements */

static int32_t count_elements(const pq_field *f)
{
    int32_t n = 1;
    if (f->type.kind == PQ_KIND_LIST || f->type.kind == PQ_KIND_MAP) n++; /* the repeated group */
    const pq_field *kids = f->children;
    int64_t nk = f->n_children;
    if (f->type.kind == PQ_KIND_MAP) { kids = f->children[0].children; nk = 2; }
    for (int64_t i = 0; i < nk; i++) n += count_elements(&kids[i]);
    return n;
}

/* Smallest FLBA holding every decimal of `precision` digits. */
static int32_t decimal_flba_width(int32_t precision)
{
    static const int8_t max_digits[16] = {2, 4, 6, 9, 11, 14, 16, 18, 21, 23, 26, 28, 31, 33, 35, 38};
    int32_t n = 1;
    while (n < 16 && max_digits[n - 1] < precision) n++;
    return n;
}

/* Physical type, LogicalType and ConvertedType of a leaf of type `t`
 * (schema.h lists the mapping; ConvertedTypes only where they mean the same
 * thing: legacy time types imply UTC). */
static void set_leaf_element(pq_schema_element *el, const pq_type *t)
{
    pq_logical_type *lt = &el->logical;
    el->has_type = true;
    switch (t->kind) {
    case PQ_KIND_NULL: el->type = PQ_PHYS_INT32; lt->kind = PQ_LT_NULL; break;
    case PQ_KIND_BOOL: el->type = PQ_PHYS_BOOLEAN; break;
    case PQ_KIND_INT: {
        el->type = t->bit_width == 64 ? PQ_PHYS_INT64 : PQ_PHYS_INT32;
        if (t->is_signed && t->bit_width >= 32) break; /* plain INT32 / INT64 */
        lt->kind = PQ_LT_INTEGER;
        lt->bit_width = (int8_t)t->bit_width;
        lt->is_signed = t->is_signed;
        int idx = t->bit_width == 8 ? 0 : t->bit_width == 16 ? 1 : t->bit_width == 32 ? 2 : 3;
        el->converted_type = (pq_converted_type)((t->is_signed ? PQ_CT_INT_8 : PQ_CT_UINT_8) + idx);
        break;
    }
    case PQ_KIND_FLOAT16: el->type = PQ_PHYS_FIXED_LEN_BYTE_ARRAY; el->type_length = 2; lt->kind = PQ_LT_FLOAT16; break;
    case PQ_KIND_FLOAT: el->type = PQ_PHYS_FLOAT; break;
    case PQ_KIND_DOUBLE: el->type = PQ_PHYS_DOUBLE; break;
    case PQ_KIND_DATE: el->type = PQ_PHYS_INT32; lt->kind = PQ_LT_DATE; el->converted_type = PQ_CT_DATE; break;
    case PQ_KIND_TIME:
        el->type = t->unit == PQ_UNIT_MILLIS ? PQ_PHYS_INT32 : PQ_PHYS_INT64;
        lt->kind = PQ_LT_TIME;
        lt->unit = t->unit;
        lt->utc = t->utc;
        if (t->utc && t->unit != PQ_UNIT_NANOS)
            el->converted_type = t->unit == PQ_UNIT_MILLIS ? PQ_CT_TIME_MILLIS : PQ_CT_TIME_MICROS;
        break;
    case PQ_KIND_TIMESTAMP:
        if (t->from_int96) { el->type = PQ_PHYS_INT96; break; }
        el->type = PQ_PHYS_INT64;
        lt->kind = PQ_LT_TIMESTAMP;
        lt->unit = t->unit;
        lt->utc = t->utc;
        if (t->utc && t->unit != PQ_UNIT_NANOS)
            el->converted_type = t->unit == PQ_UNIT_MILLIS ? PQ_CT_TIMESTAMP_MILLIS : PQ_CT_TIMESTAMP_MICROS;
        break;
    case PQ_KIND_DECIMAL:
        if (t->precision <= 9) el->type = PQ_PHYS_INT32;
        else if (t->precision <= 18) el->type = PQ_PHYS_INT64;
        else { el->type = PQ_PHYS_FIXED_LEN_BYTE_ARRAY; el->type_length = decimal_flba_width(t->precision); }
        lt->kind = PQ_LT_DECIMAL;
        lt->precision = t->precision;
        lt->scale = t->scale;
        el->converted_type = PQ_CT_DECIMAL;
        el->has_precision = el->has_scale = true;
        el->precision = t->precision;
        el->scale = t->scale;
        break;
    case PQ_KIND_STRING: el->type = PQ_PHYS_BYTE_ARRAY; lt->kind = PQ_LT_STRING; el->converted_type = PQ_CT_UTF8; break;
    case PQ_KIND_JSON: el->type = PQ_PHYS_BYTE_ARRAY; lt->kind = PQ_LT_JSON; el->converted_type = PQ_CT_JSON; break;
    case PQ_KIND_BINARY: el->type = PQ_PHYS_BYTE_ARRAY; break;
    case PQ_KIND_FIXED: el->type = PQ_PHYS_FIXED_LEN_BYTE_ARRAY; el->type_length = t->byte_width; break;
    case PQ_KIND_UUID: el->type = PQ_PHYS_FIXED_LEN_BYTE_ARRAY; el->type_length = 16; lt->kind = PQ_LT_UUID; break;
    default: break; /* nested kinds are groups */
    }
}

typedef struct wr_ctx {
    pq_schema_element *els;
    int32_t n;
    leaf_src *leaves;
    int64_t n_leaves;
    pq_arena *arena;
    const char *stack[PQ_SCHEMA_HARD_DEPTH * 2 + 2]; /* a list adds two Parquet nodes */
    int16_t def_stack[PQ_SCHEMA_HARD_DEPTH * 2 + 3], rep_stack[PQ_SCHEMA_HARD_DEPTH * 2 + 3];
    int depth;
} wr_ctx;

/* Append one element and enter it on the path. */
static pq_schema_element *wr_push(wr_ctx *c, const char *name, pq_repetition rep)
{
    pq_schema_element *el = &c->els[c->n++];
    memset(el, 0, sizeof *el);
    el->name = name;
    el->has_repetition = true;
    el->repetition = rep;
    el->converted_type = PQ_CT_NONE;
    el->logical.kind = PQ_LT_NONE;
    int d = c->depth++;
    c->stack[d] = name;
    c->def_stack[d + 1] = (int16_t)(c->def_stack[d] + (rep != PQ_REP_REQUIRED));
    c->rep_stack[d + 1] = (int16_t)(c->rep_stack[d] + (rep == PQ_REP_REPEATED));
    return el;
}

static void set_group(pq_schema_element *el, int32_t n_children)
{
    el->has_num_children = true;
    el->num_children = n_children;
}

/* Emit the elements of field f, depth first. */
static pq_status emit_field(wr_ctx *c, const pq_field *f, pq_error *err)
{
    pq_schema_element *el = wr_push(c, f->name, f->nullable ? PQ_REP_OPTIONAL : PQ_REP_REQUIRED);
    if (f->field_id >= 0) { el->has_field_id = true; el->field_id = f->field_id; }
    pq_kind k = f->type.kind;
    if (k == PQ_KIND_STRUCT) {
        set_group(el, (int32_t)f->n_children);
        for (int64_t i = 0; i < f->n_children; i++) PQ_TRY(emit_field(c, &f->children[i], err));
    } else if (k == PQ_KIND_LIST || k == PQ_KIND_MAP) {
        bool list = k == PQ_KIND_LIST;
        set_group(el, 1);
        el->logical.kind = list ? PQ_LT_LIST : PQ_LT_MAP;
        el->converted_type = list ? PQ_CT_LIST : PQ_CT_MAP;
        const pq_field *kids = list ? f->children : f->children[0].children;
        pq_schema_element *rep = wr_push(c, list ? "list" : "key_value", PQ_REP_REPEATED);
        set_group(rep, list ? 1 : 2);
        for (int i = 0; i < (list ? 1 : 2); i++) PQ_TRY(emit_field(c, &kids[i], err));
        c->depth--;
    } else {
        set_leaf_element(el, &f->type);
        leaf_src *s = &c->leaves[c->n_leaves++];
        s->element = c->n - 1;
        s->n_path = c->depth;
        s->def = c->def_stack[c->depth];
        s->rep = c->rep_stack[c->depth];
        s->path = (const char **)pq_arena_alloc(c->arena, (size_t)c->depth * sizeof(char *), _Alignof(char *));
        if (!s->path) return PQ_NOMEM(err);
        memcpy(s->path, c->stack, (size_t)c->depth * sizeof(char *));
    }
    c->depth--;
    return PQ_OK;
}

/* Copy `schema` into m->schema with allocator a and prepare it. */
static pq_status copy_for_writing(pq_schema_map *m, const pq_schema *schema, const pq_allocator *a, pq_error *err)
{
    char path[512];
    path[0] = 0;
    for (int64_t i = 0; i < schema->n_fields; i++) {
        pq_field f;
        PQ_TRY(pq_field_copy(&f, &schema->fields[i], a, err));
        pq_status s = pq_schema_add(&m->schema, &f, err);
        if (s) { pq_field_reset(&f, a); return s; }
    }
    PQ_TRY(check_unique(m->schema.fields, m->schema.n_fields, "", a, err));
    for (int64_t i = 0; i < m->schema.n_fields; i++)
        PQ_TRY(prepare_field(&m->schema.fields[i], path, sizeof path, 0, 1, a, err));
    return PQ_OK;
}

static pq_status from_schema(pq_schema_map *m, const pq_schema *schema, const pq_allocator *a, pq_error *err)
{
    PQ_TRY(copy_for_writing(m, schema, a, err));
    PQ_TRY(pq_schema_map_build_nodes(m, err));
    int64_t total = 1;
    for (int64_t i = 0; i < m->schema.n_fields; i++) {
        total += count_elements(&m->schema.fields[i]);
        if (total > INT32_MAX) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "schema has more than 2^31 elements");
    }
    wr_ctx *c = (wr_ctx *)pq_calloc(a, 1, sizeof *c);
    if (!c) return PQ_NOMEM(err);
    c->arena = &m->arena;
    c->els = (pq_schema_element *)pq_arena_alloc(&m->arena, (size_t)total * sizeof(pq_schema_element),
                                                 _Alignof(pq_schema_element));
    c->leaves = (leaf_src *)pq_arena_alloc(&m->arena, (size_t)(m->n_leaves ? m->n_leaves : 1) * sizeof(leaf_src),
                                           _Alignof(leaf_src));
    pq_status s = PQ_OK;
    if (!c->els || !c->leaves) s = PQ_NOMEM(err);
    if (!s) {
        pq_schema_element *root = &c->els[c->n++];
        memset(root, 0, sizeof *root);
        root->name = "schema";
        root->converted_type = PQ_CT_NONE;
        set_group(root, (int32_t)m->schema.n_fields);
    }
    for (int64_t i = 0; i < m->schema.n_fields && !s; i++) s = emit_field(c, &m->schema.fields[i], err);
    if (!s) {
        m->elements = c->els;
        m->n_elements = c->n;
        s = attach_leaves(m, c->leaves, c->n_leaves, err);
    }
    pq_free(a, c);
    return s;
}

pq_status pq_schema_map_from_schema(const pq_schema *schema, const pq_allocator *a, pq_schema_map *out,
                                    pq_error *err)
{
    memset(out, 0, sizeof *out);
    pq_schema_init(&out->schema, a);
    pq_arena_init(&out->arena, a);
    pq_status s = from_schema(out, schema, a, err);
    if (s) pq_schema_map_reset(out);
    return s;
}
