/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/schema_project.c - pq_schema_map_project: restrict a schema map to
 * the fields named by dotted paths, logical ("a.element.b", "m.key") or
 * Parquet ("a.list.element.b").  Paths match whole name components, so
 * field names containing dots still work.  Selection is per leaf; a struct
 * keeps only its selected children, a map always keeps its whole key (and
 * its whole value unless part of it was named), and the output keeps schema
 * order.  The result borrows the input's elements.
 */
#include "parquet/schema.h"

#include <string.h>

static void select_leaves(const pq_schema_node *nd, bool *sel)
{
    for (int64_t i = 0; i < nd->n_leaves; i++) sel[nd->first_leaf + i] = true;
}

static bool any_selected(const pq_schema_node *nd, const bool *sel)
{
    for (int64_t i = 0; i < nd->n_leaves; i++)
        if (sel[nd->first_leaf + i]) return true;
    return false;
}

static bool match_below(const pq_schema_node *nd, const char *rest, bool *sel);

/* When `rest` starts with the component `name` (followed by '.' or the
 * end), match the remainder below `nd`. */
static bool match_name(const pq_schema_node *nd, const char *name, const char *rest, bool *sel)
{
    size_t len = strlen(name);
    if (strncmp(rest, name, len) != 0 || (rest[len] != 0 && rest[len] != '.')) return false;
    return match_below(nd, rest + len, sel);
}

/* `nd` matched the path so far; `rest` is "" (select nd) or ".more".
 * Names are compared as prefixes rather than split on dots, so field names
 * that contain dots still match.  Aliases: a list's child also answers to
 * "element"; a map's key_value struct to "key_value", and its key and value
 * may also be named right after the map ("m.key"). */
static bool match_below(const pq_schema_node *nd, const char *rest, bool *sel)
{
    if (!*rest) {
        select_leaves(nd, sel);
        return true;
    }
    if (*rest != '.') return false;
    rest++;
    pq_kind k = nd->field->type.kind;
    bool found = false;
    for (int64_t i = 0; i < nd->n_children; i++) {
        const pq_schema_node *ch = &nd->children[i];
        found |= match_name(ch, ch->field->name, rest, sel);
        if (k == PQ_KIND_LIST) found |= match_name(ch, "element", rest, sel);
        if (k != PQ_KIND_MAP) continue;
        found |= match_name(ch, "key_value", rest, sel);
        for (int64_t j = 0; j < ch->n_children; j++) {
            const pq_schema_node *g = &ch->children[j];
            found |= match_name(g, g->field->name, rest, sel);
            found |= match_name(g, j == 0 ? "key" : "value", rest, sel);
        }
    }
    return found;
}

/* Select by dotted logical path; false when nothing matched. */
static bool match_logical(const pq_schema_map *m, const char *path, bool *sel)
{
    bool found = false;
    for (int64_t i = 0; i < m->schema.n_fields; i++)
        found |= match_name(&m->nodes[i], m->schema.fields[i].name, path, sel);
    return found;
}

/* Select by Parquet path: the leaves whose path is `path` or lies below it. */
static bool match_parquet(const pq_schema_map *m, const char *path, bool *sel)
{
    size_t len = strlen(path);
    bool found = false;
    for (int64_t i = 0; i < m->n_leaves; i++) {
        const char *lp = m->leaves[i].path;
        if (strncmp(lp, path, len) == 0 && (lp[len] == 0 || lp[len] == '.')) {
            sel[i] = true;
            found = true;
        }
    }
    return found;
}

/* A map keeps its whole key and, when no part of its value was named, its
 * whole value: a map entry without a key means nothing. */
static void complete_maps(const pq_schema_node *nd, bool *sel)
{
    if (nd->field->type.kind == PQ_KIND_MAP && any_selected(nd, sel) && nd->n_children == 1 &&
        nd->children[0].n_children == 2) {
        const pq_schema_node *kv = &nd->children[0];
        select_leaves(&kv->children[0], sel);
        if (!any_selected(&kv->children[1], sel)) select_leaves(&kv->children[1], sel);
    }
    for (int64_t i = 0; i < nd->n_children; i++) complete_maps(&nd->children[i], sel);
}

/* Copy the part of nd's field that holds selected leaves. */
static pq_status copy_pruned(const pq_schema_node *nd, const bool *sel, const pq_allocator *a, pq_field *out,
                             pq_error *err)
{
    const pq_field *f = nd->field;
    if (nd->n_children == 0) return pq_field_copy(out, f, a, err);
    PQ_TRY(pq_field_init(out, f->name, f->type, f->nullable, a, err));
    out->field_id = f->field_id;
    for (int64_t i = 0; i < nd->n_children; i++) {
        if (!any_selected(&nd->children[i], sel)) continue;
        pq_field ch;
        memset(&ch, 0, sizeof ch);
        pq_status s = copy_pruned(&nd->children[i], sel, a, &ch, err);
        if (!s) s = pq_field_add_child(out, &ch, a, err);
        if (s) { pq_field_reset(&ch, a); pq_field_reset(out, a); return s; }
    }
    return PQ_OK;
}

/* Build `out` from `in` restricted to the leaves marked in sel. */
static pq_status project_selected(const pq_schema_map *in, const bool *sel, pq_schema_map *out, int64_t **leaf_ids,
                                  pq_error *err)
{
    const pq_allocator *a = in->schema.alloc;
    for (int64_t i = 0; i < in->schema.n_fields; i++) {
        if (!any_selected(&in->nodes[i], sel)) continue;
        pq_field f;
        PQ_TRY(copy_pruned(&in->nodes[i], sel, a, &f, err));
        pq_status s = pq_schema_add(&out->schema, &f, err);
        if (s) { pq_field_reset(&f, a); return s; }
    }
    PQ_TRY(pq_schema_map_build_nodes(out, err));
    int64_t *ids = (int64_t *)pq_arena_alloc(&out->arena, (size_t)(out->n_leaves ? out->n_leaves : 1) * sizeof(int64_t),
                                             _Alignof(int64_t));
    if (!ids) return PQ_NOMEM(err);
    int64_t k = 0;
    for (int64_t j = 0; j < in->n_leaves; j++)
        if (sel[j]) {
            if (k == out->n_leaves) break;
            ids[k++] = j;
        }
    if (k != out->n_leaves)
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "projection kept %lld leaves, expected %lld", (long long)out->n_leaves,
                       (long long)k);
    for (k = 0; k < out->n_leaves; k++) {
        pq_leaf *l = &out->leaves[k];
        const pq_leaf *src = &in->leaves[ids[k]];
        l->element = src->element;
        l->physical = src->physical;
        l->type_length = src->type_length;
        PQ_TRY(pq_leaf_set_path(&out->arena, l, src->path_parts, src->n_path, err));
        if (l->max_def != src->max_def || l->max_rep != src->max_rep)
            return PQ_FAIL(err, PQ_ERR_INTERNAL, "projected leaf '%s' changed levels", l->path);
    }
    out->elements = in->elements;
    out->n_elements = in->n_elements;
    *leaf_ids = ids;
    return PQ_OK;
}

pq_status pq_schema_map_project(const pq_schema_map *in, const char *const *paths, size_t n, pq_schema_map *out,
                                int64_t **leaf_ids, pq_error *err)
{
    const pq_allocator *a = in->schema.alloc;
    memset(out, 0, sizeof *out);
    pq_schema_init(&out->schema, a);
    pq_arena_init(&out->arena, a);
    *leaf_ids = NULL;
    bool *sel = (bool *)pq_calloc(a, (size_t)(in->n_leaves ? in->n_leaves : 1), sizeof(bool));
    if (!sel) return PQ_NOMEM(err);
    pq_status s = PQ_OK;
    if (n == 0)
        for (int64_t i = 0; i < in->n_leaves; i++) sel[i] = true;
    for (size_t i = 0; i < n && !s; i++) {
        if (!paths[i]) s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "projection path %zu is NULL", i);
        else if (!match_logical(in, paths[i], sel) && !match_parquet(in, paths[i], sel))
            s = PQ_FAIL(err, PQ_ERR_NOT_FOUND, "no field or column matches the path '%s'", paths[i]);
    }
    if (!s) {
        for (int64_t i = 0; i < in->schema.n_fields; i++) complete_maps(&in->nodes[i], sel);
        s = project_selected(in, sel, out, leaf_ids, err);
    }
    pq_free(a, sel);
    if (s) {
        pq_schema_map_reset(out);
        *leaf_ids = NULL;
    }
    return s;
}
