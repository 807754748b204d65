/* SPDX-License-Identifier: Apache-2.0
 *
 * table/schema.c - pq_type constructors and names, pq_field trees and
 * pq_schema: the description of a table.  Fields own their names and
 * children; moves transfer ownership and zero the source.
 */
#include "core/core.h"
#include "parquant/table.h"

#include <stdio.h>

pq_type pq_type_make(pq_kind kind)
{
    pq_type t;
    memset(&t, 0, sizeof t);
    t.kind = kind;
    switch (kind) {
    case PQ_KIND_INT: t.bit_width = 64; t.is_signed = true; break;
    case PQ_KIND_FLOAT16: t.byte_width = 2; break;
    case PQ_KIND_UUID: t.byte_width = 16; break;
    case PQ_KIND_TIMESTAMP: case PQ_KIND_TIME: t.unit = PQ_UNIT_MICROS; break;
    case PQ_KIND_DECIMAL: t.precision = 38; break;
    default: break;
    }
    return t;
}

pq_type pq_type_int(int bit_width, bool is_signed)
{
    pq_type t = pq_type_make(PQ_KIND_INT);
    t.bit_width = (uint8_t)bit_width;
    t.is_signed = is_signed;
    return t;
}

pq_type pq_type_timestamp(pq_time_unit unit, bool utc)
{
    pq_type t = pq_type_make(PQ_KIND_TIMESTAMP);
    t.unit = unit;
    t.utc = utc;
    return t;
}

pq_type pq_type_time(pq_time_unit unit, bool utc)
{
    pq_type t = pq_type_make(PQ_KIND_TIME);
    t.unit = unit;
    t.utc = utc;
    return t;
}

pq_type pq_type_decimal(int32_t precision, int32_t scale)
{
    pq_type t = pq_type_make(PQ_KIND_DECIMAL);
    t.precision = precision;
    t.scale = scale;
    return t;
}

pq_type pq_type_fixed(int32_t byte_width)
{
    pq_type t = pq_type_make(PQ_KIND_FIXED);
    t.byte_width = byte_width;
    return t;
}

size_t pq_type_value_size(const pq_type *t)
{
    switch (t->kind) {
    case PQ_KIND_INT: return (size_t)(t->bit_width / 8);
    case PQ_KIND_FLOAT16: return 2;
    case PQ_KIND_FLOAT: case PQ_KIND_DATE: return 4;
    case PQ_KIND_DOUBLE: case PQ_KIND_TIMESTAMP: return 8;
    case PQ_KIND_TIME: return t->unit == PQ_UNIT_MILLIS ? 4 : 8;
    case PQ_KIND_DECIMAL: return 16;
    case PQ_KIND_FIXED: return t->byte_width > 0 ? (size_t)t->byte_width : 0;
    case PQ_KIND_UUID: return 16;
    default: return 0;
    }
}

static const char *unit_name(pq_time_unit u)
{
    return u == PQ_UNIT_MILLIS ? "ms" : u == PQ_UNIT_MICROS ? "us" : "ns";
}

const char *pq_type_name(const pq_type *t, char *buf, size_t cap)
{
    switch (t->kind) {
    case PQ_KIND_NULL: snprintf(buf, cap, "null"); break;
    case PQ_KIND_BOOL: snprintf(buf, cap, "bool"); break;
    case PQ_KIND_INT: snprintf(buf, cap, "%sint%d", t->is_signed ? "" : "u", t->bit_width); break;
    case PQ_KIND_FLOAT16: snprintf(buf, cap, "float16"); break;
    case PQ_KIND_FLOAT: snprintf(buf, cap, "float"); break;
    case PQ_KIND_DOUBLE: snprintf(buf, cap, "double"); break;
    case PQ_KIND_DATE: snprintf(buf, cap, "date"); break;
    case PQ_KIND_TIME: snprintf(buf, cap, "time[%s%s]", unit_name(t->unit), t->utc ? ", UTC" : ""); break;
    case PQ_KIND_TIMESTAMP:
        snprintf(buf, cap, "timestamp[%s%s]%s", unit_name(t->unit), t->utc ? ", UTC" : "",
                 t->from_int96 ? " (int96)" : "");
        break;
    case PQ_KIND_DECIMAL: snprintf(buf, cap, "decimal(%d,%d)", t->precision, t->scale); break;
    case PQ_KIND_STRING: snprintf(buf, cap, "string"); break;
    case PQ_KIND_JSON: snprintf(buf, cap, "json"); break;
    case PQ_KIND_BINARY: snprintf(buf, cap, "binary"); break;
    case PQ_KIND_FIXED: snprintf(buf, cap, "fixed[%d]", t->byte_width); break;
    case PQ_KIND_UUID: snprintf(buf, cap, "uuid"); break;
    case PQ_KIND_LIST: snprintf(buf, cap, "list"); break;
    case PQ_KIND_MAP: snprintf(buf, cap, "map"); break;
    case PQ_KIND_STRUCT: snprintf(buf, cap, "struct"); break;
    default: snprintf(buf, cap, "?"); break;
    }
    return buf;
}

/* ------------------------------------------------------------ fields */

static char *dup_str(const char *s, const pq_allocator *a)
{
    size_t n = strlen(s);
    char *p = (char *)pq_alloc(a, n + 1);
    if (p) memcpy(p, s, n + 1);
    return p;
}

pq_status pq_field_init(pq_field *f, const char *name, pq_type type, bool nullable, const pq_allocator *a,
                        pq_error *err)
{
    memset(f, 0, sizeof *f);
    f->name = dup_str(name ? name : "", a);
    if (!f->name) return PQ_NOMEM(err);
    f->type = type;
    f->nullable = nullable;
    f->field_id = -1;
    return PQ_OK;
}

void pq_field_reset(pq_field *f, const pq_allocator *a)
{
    if (!f) return;
    for (int64_t i = 0; i < f->n_children; i++) pq_field_reset(&f->children[i], a);
    pq_free(a, f->children);
    pq_free(a, f->name);
    memset(f, 0, sizeof *f);
}

pq_status pq_field_add_child(pq_field *f, pq_field *child, const pq_allocator *a, pq_error *err)
{
    size_t bytes;
    if (pq_mul_overflow((size_t)f->n_children + 1, sizeof(pq_field), &bytes)) return PQ_NOMEM(err);
    pq_field *c = (pq_field *)pq_realloc(a, f->children, bytes);
    if (!c) return PQ_NOMEM(err);
    f->children = c;
    f->children[f->n_children++] = *child;
    memset(child, 0, sizeof *child);
    return PQ_OK;
}

pq_status pq_field_copy(pq_field *dst, const pq_field *src, const pq_allocator *a, pq_error *err)
{
    PQ_TRY(pq_field_init(dst, src->name, src->type, src->nullable, a, err));
    dst->field_id = src->field_id;
    if (src->n_children == 0) return PQ_OK;
    dst->children = (pq_field *)pq_calloc(a, (size_t)src->n_children, sizeof(pq_field));
    if (!dst->children) { pq_field_reset(dst, a); return PQ_NOMEM(err); }
    for (int64_t i = 0; i < src->n_children; i++) {
        pq_status s = pq_field_copy(&dst->children[i], &src->children[i], a, err);
        if (s) { dst->n_children = i; pq_field_reset(dst, a); return s; }
        dst->n_children = i + 1;
    }
    return PQ_OK;
}

pq_status pq_field_list(pq_field *out, const char *name, bool nullable, pq_field *element, const pq_allocator *a,
                        pq_error *err)
{
    PQ_TRY(pq_field_init(out, name, pq_type_make(PQ_KIND_LIST), nullable, a, err));
    pq_status s = pq_field_add_child(out, element, a, err);
    if (s) pq_field_reset(out, a);
    return s;
}

pq_status pq_field_map(pq_field *out, const char *name, bool nullable, pq_field *key, pq_field *value,
                       const pq_allocator *a, pq_error *err)
{
    pq_field kv;
    key->nullable = false;
    PQ_TRY(pq_field_init(out, name, pq_type_make(PQ_KIND_MAP), nullable, a, err));
    pq_status s = pq_field_init(&kv, "key_value", pq_type_make(PQ_KIND_STRUCT), false, a, err);
    if (s) { pq_field_reset(out, a); return s; }
    if ((s = pq_field_add_child(&kv, key, a, err)) || (s = pq_field_add_child(&kv, value, a, err)) ||
        (s = pq_field_add_child(out, &kv, a, err))) {
        pq_field_reset(&kv, a);
        pq_field_reset(out, a);
    }
    return s;
}

/* ------------------------------------------------------------ schema */

void pq_schema_init(pq_schema *s, const pq_allocator *a)
{
    s->fields = NULL;
    s->n_fields = 0;
    s->alloc = a;
}

void pq_schema_reset(pq_schema *s)
{
    if (!s) return;
    for (int64_t i = 0; i < s->n_fields; i++) pq_field_reset(&s->fields[i], s->alloc);
    pq_free(s->alloc, s->fields);
    s->fields = NULL;
    s->n_fields = 0;
}

pq_status pq_schema_add(pq_schema *s, pq_field *field, pq_error *err)
{
    size_t bytes;
    if (pq_mul_overflow((size_t)s->n_fields + 1, sizeof(pq_field), &bytes)) return PQ_NOMEM(err);
    pq_field *f = (pq_field *)pq_realloc(s->alloc, s->fields, bytes);
    if (!f) return PQ_NOMEM(err);
    s->fields = f;
    s->fields[s->n_fields++] = *field;
    memset(field, 0, sizeof *field);
    return PQ_OK;
}

pq_status pq_schema_copy(pq_schema *dst, const pq_schema *src, pq_error *err)
{
    pq_schema_init(dst, src->alloc);
    if (src->n_fields == 0) return PQ_OK;
    dst->fields = (pq_field *)pq_calloc(src->alloc, (size_t)src->n_fields, sizeof(pq_field));
    if (!dst->fields) return PQ_NOMEM(err);
    for (int64_t i = 0; i < src->n_fields; i++) {
        pq_status s = pq_field_copy(&dst->fields[i], &src->fields[i], src->alloc, err);
        if (s) { pq_schema_reset(dst); return s; }
        dst->n_fields = i + 1;
    }
    return PQ_OK;
}

int64_t pq_schema_find(const pq_schema *s, const char *name)
{
    for (int64_t i = 0; i < s->n_fields; i++)
        if (strcmp(s->fields[i].name, name) == 0) return i;
    return -1;
}
