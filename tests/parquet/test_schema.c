/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_schema.c - the Parquet schema bridge (schema.c):
 *  - writer elements of every kind (physical type, LogicalType,
 *    ConvertedType, scale/precision, field_id), 3-level lists and maps;
 *  - schema -> elements -> schema round trips for every kind and nesting,
 *    with the max definition / repetition level of every leaf;
 *  - hand-built legacy element lists (2-level lists, "array" and
 *    "<name>_tuple" groups, bare repeated primitive and group,
 *    MAP_KEY_VALUE, optional map key, map without value, repeated root
 *    child, legacy converted types, odd annotations) -> expected schema;
 *  - invalid element lists and invalid schemas -> exact status;
 *  - projection by logical and Parquet paths;
 *  - the footers of the parquet-testing corpus: every file maps, leaves
 *    agree with the column chunks, and known schemas render as expected.
 * Schemas are compared through a compact rendering, e.g.
 * "a:list<element:int32?>?" (a '?' marks a nullable field).
 */
#include "parquet/schema.h"

#include <dirent.h>

#include "harness.h"
#include "parquet/metadata.h"

#ifndef PQ_SHARED_DIR
#define PQ_SHARED_DIR "/work/shared"
#endif
#define DATA_DIR PQ_SHARED_DIR "/parquet-testing/data"

/* ------------------------------------------------------------ rendering */

static void render_field(const pq_field *f, char *buf, size_t cap, size_t *pos);

static void put(char *buf, size_t cap, size_t *pos, const char *s)
{
    size_t n = strlen(s);
    if (*pos + n >= cap) n = cap - 1 - *pos;
    memcpy(buf + *pos, s, n);
    *pos += n;
    buf[*pos] = 0;
}

static void render_field(const pq_field *f, char *buf, size_t cap, size_t *pos)
{
    char tn[64];
    put(buf, cap, pos, f->name);
    put(buf, cap, pos, ":");
    put(buf, cap, pos, pq_type_name(&f->type, tn, sizeof tn));
    if (f->n_children) {
        put(buf, cap, pos, "<");
        for (int64_t i = 0; i < f->n_children; i++) {
            if (i) put(buf, cap, pos, ",");
            render_field(&f->children[i], buf, cap, pos);
        }
        put(buf, cap, pos, ">");
    }
    if (f->nullable) put(buf, cap, pos, "?");
}

/* "f1; f2; ..." for the top-level fields of s. */
static const char *render(const pq_schema *s, char *buf, size_t cap)
{
    size_t pos = 0;
    buf[0] = 0;
    for (int64_t i = 0; i < s->n_fields; i++) {
        if (i) put(buf, cap, &pos, "; ");
        render_field(&s->fields[i], buf, cap, &pos);
    }
    return buf;
}

/* ------------------------------------------------------------ builders */

static pq_field leaf(const char *name, pq_type t, bool nullable)
{
    pq_field f;
    if (pq_field_init(&f, name, t, nullable, NULL, NULL)) abort();
    return f;
}
static pq_field list_of(const char *name, bool nullable, pq_field elem)
{
    pq_field f;
    if (pq_field_list(&f, name, nullable, &elem, NULL, NULL)) abort();
    return f;
}
static pq_field map_of(const char *name, bool nullable, pq_field key, pq_field val)
{
    pq_field f;
    if (pq_field_map(&f, name, nullable, &key, &val, NULL, NULL)) abort();
    return f;
}
static pq_field struct_of(const char *name, bool nullable, pq_field *kids, int n)
{
    pq_field f;
    if (pq_field_init(&f, name, pq_type_make(PQ_KIND_STRUCT), nullable, NULL, NULL)) abort();
    for (int i = 0; i < n; i++)
        if (pq_field_add_child(&f, &kids[i], NULL, NULL)) abort();
    return f;
}
static void add(pq_schema *s, pq_field f)
{
    if (pq_schema_add(s, &f, NULL)) abort();
}

/* Element list builder: e(name, rep, children or -1 for leaf, type). */
typedef struct els {
    pq_schema_element e[64];
    int32_t n;
} els;

static pq_schema_element *el_root(els *l, int32_t n_children)
{
    memset(l, 0, sizeof *l);
    pq_schema_element *e = &l->e[l->n++];
    e->name = "schema";
    e->has_num_children = true;
    e->num_children = n_children;
    e->converted_type = PQ_CT_NONE;
    return e;
}
static pq_schema_element *el_group(els *l, const char *name, pq_repetition rep, int32_t n_children)
{
    pq_schema_element *e = &l->e[l->n++];
    e->name = name;
    e->has_repetition = true;
    e->repetition = rep;
    e->has_num_children = true;
    e->num_children = n_children;
    e->converted_type = PQ_CT_NONE;
    return e;
}
static pq_schema_element *el_leaf(els *l, const char *name, pq_repetition rep, pq_physical t)
{
    pq_schema_element *e = &l->e[l->n++];
    e->name = name;
    e->has_repetition = true;
    e->repetition = rep;
    e->has_type = true;
    e->type = t;
    e->converted_type = PQ_CT_NONE;
    return e;
}

/* Map the list and check its rendering. */
static void check_elements(els *l, const char *want)
{
    pq_error err;
    pq_schema_map m;
    char buf[1024];
    pq_status s = pq_schema_map_from_elements(l->e, l->n, NULL, NULL, &m, &err);
    CHECK_OK(s, &err);
    if (s) return;
    CHECK_EQ_STR(render(&m.schema, buf, sizeof buf), want);
    pq_schema_map_reset(&m);
}

static const pq_leaf *find_leaf(const pq_schema_map *m, const char *path)
{
    for (int64_t i = 0; i < m->n_leaves; i++)
        if (strcmp(m->leaves[i].path, path) == 0) return &m->leaves[i];
    return NULL;
}

/* ------------------------------------------------------- writer elements */

typedef struct elem_case {
    const char *what;
    pq_type type;
    bool nullable;
    pq_physical physical;
    int32_t type_length;
    pq_logical_kind logical;
    pq_converted_type converted;
} elem_case;

static pq_type ts(pq_time_unit u, bool utc, bool int96)
{
    pq_type t = pq_type_timestamp(u, utc);
    t.from_int96 = int96;
    return t;
}

TEST(writer_leaf_elements)
{
    const elem_case cases[] = {
        {"bool", pq_type_make(PQ_KIND_BOOL), false, PQ_PHYS_BOOLEAN, 0, PQ_LT_NONE, PQ_CT_NONE},
        {"int8", pq_type_int(8, true), true, PQ_PHYS_INT32, 0, PQ_LT_INTEGER, PQ_CT_INT_8},
        {"int16", pq_type_int(16, true), false, PQ_PHYS_INT32, 0, PQ_LT_INTEGER, PQ_CT_INT_16},
        {"int32", pq_type_int(32, true), false, PQ_PHYS_INT32, 0, PQ_LT_NONE, PQ_CT_NONE},
        {"int64", pq_type_int(64, true), false, PQ_PHYS_INT64, 0, PQ_LT_NONE, PQ_CT_NONE},
        {"uint8", pq_type_int(8, false), false, PQ_PHYS_INT32, 0, PQ_LT_INTEGER, PQ_CT_UINT_8},
        {"uint16", pq_type_int(16, false), false, PQ_PHYS_INT32, 0, PQ_LT_INTEGER, PQ_CT_UINT_16},
        {"uint32", pq_type_int(32, false), false, PQ_PHYS_INT32, 0, PQ_LT_INTEGER, PQ_CT_UINT_32},
        {"uint64", pq_type_int(64, false), false, PQ_PHYS_INT64, 0, PQ_LT_INTEGER, PQ_CT_UINT_64},
        {"float16", pq_type_make(PQ_KIND_FLOAT16), false, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 2, PQ_LT_FLOAT16, PQ_CT_NONE},
        {"float", pq_type_make(PQ_KIND_FLOAT), false, PQ_PHYS_FLOAT, 0, PQ_LT_NONE, PQ_CT_NONE},
        {"double", pq_type_make(PQ_KIND_DOUBLE), false, PQ_PHYS_DOUBLE, 0, PQ_LT_NONE, PQ_CT_NONE},
        {"date", pq_type_make(PQ_KIND_DATE), false, PQ_PHYS_INT32, 0, PQ_LT_DATE, PQ_CT_DATE},
        {"time ms utc", pq_type_time(PQ_UNIT_MILLIS, true), false, PQ_PHYS_INT32, 0, PQ_LT_TIME, PQ_CT_TIME_MILLIS},
        {"time ms local", pq_type_time(PQ_UNIT_MILLIS, false), false, PQ_PHYS_INT32, 0, PQ_LT_TIME, PQ_CT_NONE},
        {"time us utc", pq_type_time(PQ_UNIT_MICROS, true), false, PQ_PHYS_INT64, 0, PQ_LT_TIME, PQ_CT_TIME_MICROS},
        {"time ns utc", pq_type_time(PQ_UNIT_NANOS, true), false, PQ_PHYS_INT64, 0, PQ_LT_TIME, PQ_CT_NONE},
        {"ts ms utc", ts(PQ_UNIT_MILLIS, true, false), false, PQ_PHYS_INT64, 0, PQ_LT_TIMESTAMP, PQ_CT_TIMESTAMP_MILLIS},
        {"ts us utc", ts(PQ_UNIT_MICROS, true, false), false, PQ_PHYS_INT64, 0, PQ_LT_TIMESTAMP, PQ_CT_TIMESTAMP_MICROS},
        {"ts us local", ts(PQ_UNIT_MICROS, false, false), false, PQ_PHYS_INT64, 0, PQ_LT_TIMESTAMP, PQ_CT_NONE},
        {"ts ns utc", ts(PQ_UNIT_NANOS, true, false), false, PQ_PHYS_INT64, 0, PQ_LT_TIMESTAMP, PQ_CT_NONE},
        {"ts int96", ts(PQ_UNIT_NANOS, false, true), false, PQ_PHYS_INT96, 0, PQ_LT_NONE, PQ_CT_NONE},
        {"decimal(1,0)", pq_type_decimal(1, 0), false, PQ_PHYS_INT32, 0, PQ_LT_DECIMAL, PQ_CT_DECIMAL},
        {"decimal(9,2)", pq_type_decimal(9, 2), false, PQ_PHYS_INT32, 0, PQ_LT_DECIMAL, PQ_CT_DECIMAL},
        {"decimal(10,2)", pq_type_decimal(10, 2), false, PQ_PHYS_INT64, 0, PQ_LT_DECIMAL, PQ_CT_DECIMAL},
        {"decimal(18,0)", pq_type_decimal(18, 0), false, PQ_PHYS_INT64, 0, PQ_LT_DECIMAL, PQ_CT_DECIMAL},
        {"decimal(19,4)", pq_type_decimal(19, 4), false, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 9, PQ_LT_DECIMAL, PQ_CT_DECIMAL},
        {"decimal(21,4)", pq_type_decimal(21, 4), false, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 9, PQ_LT_DECIMAL, PQ_CT_DECIMAL},
        {"decimal(22,4)", pq_type_decimal(22, 4), false, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 10, PQ_LT_DECIMAL, PQ_CT_DECIMAL},
        {"decimal(38,38)", pq_type_decimal(38, 38), false, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 16, PQ_LT_DECIMAL, PQ_CT_DECIMAL},
        {"string", pq_type_make(PQ_KIND_STRING), false, PQ_PHYS_BYTE_ARRAY, 0, PQ_LT_STRING, PQ_CT_UTF8},
        {"json", pq_type_make(PQ_KIND_JSON), false, PQ_PHYS_BYTE_ARRAY, 0, PQ_LT_JSON, PQ_CT_JSON},
        {"binary", pq_type_make(PQ_KIND_BINARY), false, PQ_PHYS_BYTE_ARRAY, 0, PQ_LT_NONE, PQ_CT_NONE},
        {"fixed(7)", pq_type_fixed(7), false, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 7, PQ_LT_NONE, PQ_CT_NONE},
        {"uuid", pq_type_make(PQ_KIND_UUID), false, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 16, PQ_LT_UUID, PQ_CT_NONE},
        {"null", pq_type_make(PQ_KIND_NULL), false, PQ_PHYS_INT32, 0, PQ_LT_NULL, PQ_CT_NONE},
    };
    pq_error err;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const elem_case *c = &cases[i];
        harness_case = c->what;
        pq_schema s;
        pq_schema_init(&s, NULL);
        pq_field f = leaf("c", c->type, c->nullable);
        f.field_id = (int32_t)i;
        add(&s, f);
        pq_schema_map m;
        CHECK_OK(pq_schema_map_from_schema(&s, NULL, &m, &err), &err);
        CHECK_EQ_I64(m.n_elements, 2);
        const pq_schema_element *r = &m.elements[0], *e = &m.elements[1];
        CHECK(strcmp(r->name, "schema") == 0 && r->has_num_children && r->num_children == 1 && !r->has_type);
        CHECK(e->has_type && !e->has_num_children);
        CHECK_EQ_I64(e->type, c->physical);
        CHECK_EQ_I64(e->type_length, c->type_length);
        CHECK_EQ_I64(e->logical.kind, c->logical);
        CHECK_EQ_I64(e->converted_type, c->converted);
        CHECK(e->has_field_id && e->field_id == (int32_t)i);
        /* NULL columns are always OPTIONAL */
        pq_repetition want = c->nullable || c->type.kind == PQ_KIND_NULL ? PQ_REP_OPTIONAL : PQ_REP_REQUIRED;
        CHECK(e->has_repetition && e->repetition == want);
        if (c->type.kind == PQ_KIND_DECIMAL) {
            CHECK(e->has_precision && e->precision == c->type.precision);
            CHECK(e->has_scale && e->scale == c->type.scale);
            CHECK(e->logical.precision == c->type.precision && e->logical.scale == c->type.scale);
        }
        if (c->logical == PQ_LT_TIME || c->logical == PQ_LT_TIMESTAMP)
            CHECK(e->logical.unit == c->type.unit && e->logical.utc == c->type.utc);
        if (c->logical == PQ_LT_INTEGER)
            CHECK(e->logical.bit_width == c->type.bit_width && e->logical.is_signed == c->type.is_signed);
        CHECK_EQ_I64(m.n_leaves, 1);
        CHECK(m.leaves[0].physical == c->physical && m.leaves[0].type_length == c->type_length);
        CHECK(m.leaves[0].max_def == (want == PQ_REP_OPTIONAL) && m.leaves[0].max_rep == 0);
        CHECK_EQ_STR(m.leaves[0].path, "c");
        /* read back: the same type (INT96 comes back as ns, from_int96) */
        pq_schema_map rm;
        CHECK_OK(pq_schema_map_from_elements(m.elements, m.n_elements, NULL, NULL, &rm, &err), &err);
        const pq_type *a = &m.schema.fields[0].type, *b = &rm.schema.fields[0].type;
        CHECK(a->kind == b->kind && a->bit_width == b->bit_width && a->is_signed == b->is_signed &&
              a->unit == b->unit && a->utc == b->utc && a->precision == b->precision && a->scale == b->scale &&
              a->byte_width == b->byte_width && a->from_int96 == b->from_int96);
        CHECK(rm.schema.fields[0].nullable == (want == PQ_REP_OPTIONAL));
        CHECK(rm.schema.fields[0].field_id == (int32_t)i);
        pq_schema_map_reset(&rm);
        pq_schema_map_reset(&m);
        pq_schema_reset(&s);
    }
}

TEST(writer_nested_elements)
{
    pq_error err;
    pq_schema s;
    pq_schema_init(&s, NULL);
    add(&s, list_of("l", true, leaf("item", pq_type_int(32, true), true)));
    add(&s, map_of("m", false, leaf("k", pq_type_make(PQ_KIND_STRING), true), leaf("v", pq_type_int(64, true), true)));
    pq_field kids[2] = {leaf("x", pq_type_make(PQ_KIND_DOUBLE), false), list_of("y", false, leaf("e", pq_type_make(PQ_KIND_BOOL), false))};
    add(&s, struct_of("s", true, kids, 2));
    pq_schema_map m;
    CHECK_OK(pq_schema_map_from_schema(&s, NULL, &m, &err), &err);
    static const struct {
        const char *name;
        int rep; /* -1 root */
        int n_children; /* -1 leaf */
        pq_logical_kind lt;
        pq_converted_type ct;
    } want[] = {
        {"schema", -1, 3, PQ_LT_NONE, PQ_CT_NONE},
        {"l", PQ_REP_OPTIONAL, 1, PQ_LT_LIST, PQ_CT_LIST},
        {"list", PQ_REP_REPEATED, 1, PQ_LT_NONE, PQ_CT_NONE},
        {"element", PQ_REP_OPTIONAL, -1, PQ_LT_NONE, PQ_CT_NONE},
        {"m", PQ_REP_REQUIRED, 1, PQ_LT_MAP, PQ_CT_MAP},
        {"key_value", PQ_REP_REPEATED, 2, PQ_LT_NONE, PQ_CT_NONE},
        {"key", PQ_REP_REQUIRED, -1, PQ_LT_STRING, PQ_CT_UTF8},
        {"value", PQ_REP_OPTIONAL, -1, PQ_LT_NONE, PQ_CT_NONE},
        {"s", PQ_REP_OPTIONAL, 2, PQ_LT_NONE, PQ_CT_NONE},
        {"x", PQ_REP_REQUIRED, -1, PQ_LT_NONE, PQ_CT_NONE},
        {"y", PQ_REP_REQUIRED, 1, PQ_LT_LIST, PQ_CT_LIST},
        {"list", PQ_REP_REPEATED, 1, PQ_LT_NONE, PQ_CT_NONE},
        {"element", PQ_REP_REQUIRED, -1, PQ_LT_NONE, PQ_CT_NONE},
    };
    CHECK_EQ_I64(m.n_elements, (int64_t)(sizeof want / sizeof want[0]));
    for (int32_t i = 0; i < m.n_elements && i < (int32_t)(sizeof want / sizeof want[0]); i++) {
        const pq_schema_element *e = &m.elements[i];
        CHECK_EQ_STR(e->name, want[i].name);
        if (want[i].rep >= 0) CHECK(e->has_repetition && (int)e->repetition == want[i].rep);
        if (want[i].n_children >= 0) CHECK(e->has_num_children && e->num_children == want[i].n_children && !e->has_type);
        else CHECK(e->has_type);
        CHECK_EQ_I64(e->logical.kind, want[i].lt);
        CHECK_EQ_I64(e->converted_type, want[i].ct);
    }
    /* Leaves: paths, levels. */
    static const struct { const char *path; int def, rep; } lv[] = {
        {"l.list.element", 3, 1}, {"m.key_value.key", 1, 1}, {"m.key_value.value", 2, 1},
        {"s.x", 1, 0}, {"s.y.list.element", 2, 1},
    };
    CHECK_EQ_I64(m.n_leaves, 5);
    for (int i = 0; i < 5 && i < m.n_leaves; i++) {
        CHECK_EQ_STR(m.leaves[i].path, lv[i].path);
        CHECK_EQ_I64(m.leaves[i].max_def, lv[i].def);
        CHECK_EQ_I64(m.leaves[i].max_rep, lv[i].rep);
        CHECK(m.leaves[i].element == &m.elements[i == 0 ? 3 : i == 1 ? 6 : i == 2 ? 7 : i == 3 ? 9 : 12]);
    }
    CHECK(m.leaves[2].n_path == 3 && strcmp(m.leaves[2].path_parts[1], "key_value") == 0);
    CHECK(m.leaves[3].top == 2 && m.leaves[0].top == 0);
    /* Nodes: the list node's levels. */
    const pq_schema_node *ln = &m.nodes[0];
    CHECK(ln->def_level == 1 && ln->rep_level == 0 && ln->elem_def_level == 2 && ln->elem_rep_level == 1);
    CHECK(ln->n_children == 1 && ln->children[0].def_level == 3 && ln->first_leaf == 0 && ln->n_leaves == 1);
    CHECK(m.nodes[2].first_leaf == 3 && m.nodes[2].n_leaves == 2);
    /* The map's key was made required and the names normalised. */
    char buf[512];
    CHECK_EQ_STR(render(&m.schema, buf, sizeof buf),
                 "l:list<element:int32?>?; m:map<key_value:struct<key:string,value:int64?>>; "
                 "s:struct<x:double,y:list<element:bool>>?");
    pq_schema_map_reset(&m);
    pq_schema_reset(&s);
}

/* ---------------------------------------------------------- round trips */

/* Every kind at several nestings survives schema -> elements -> schema. */
TEST(schema_roundtrip_all)
{
    pq_error err;
    pq_schema s;
    pq_schema_init(&s, NULL);
    pq_type types[] = {pq_type_make(PQ_KIND_BOOL), pq_type_int(8, true), pq_type_int(16, false),
                       pq_type_int(32, false), pq_type_int(64, false), pq_type_int(64, true),
                       pq_type_make(PQ_KIND_FLOAT16), pq_type_make(PQ_KIND_FLOAT), pq_type_make(PQ_KIND_DOUBLE),
                       pq_type_make(PQ_KIND_DATE), pq_type_time(PQ_UNIT_MILLIS, false),
                       pq_type_time(PQ_UNIT_NANOS, true), ts(PQ_UNIT_MILLIS, false, false),
                       ts(PQ_UNIT_NANOS, false, true), pq_type_decimal(12, 3), pq_type_decimal(30, 30),
                       pq_type_make(PQ_KIND_STRING), pq_type_make(PQ_KIND_JSON), pq_type_make(PQ_KIND_BINARY),
                       pq_type_fixed(1), pq_type_make(PQ_KIND_UUID), pq_type_make(PQ_KIND_NULL)};
    int nt = (int)(sizeof types / sizeof types[0]);
    for (int i = 0; i < nt; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%d", i);
        pq_field e = leaf("element", types[i], i % 2);
        pq_field v = leaf("value", types[(i + 3) % nt], i % 3 == 0);
        pq_field k = leaf("key", types[i], false);
        pq_field kids[3] = {leaf("a", types[i], true), list_of("b", i % 2 == 0, e), map_of("c", true, k, v)};
        add(&s, struct_of(name, i % 2 == 1, kids, 3));
    }
    add(&s, list_of("deep", true, list_of("element", false, list_of("element", true, leaf("element", pq_type_make(PQ_KIND_STRING), true)))));
    pq_schema_map m, rm;
    CHECK_OK(pq_schema_map_from_schema(&s, NULL, &m, &err), &err);
    CHECK_OK(pq_schema_map_from_elements(m.elements, m.n_elements, NULL, NULL, &rm, &err), &err);
    char a[8192], b[8192];
    CHECK_EQ_STR(render(&rm.schema, b, sizeof b), render(&m.schema, a, sizeof a));
    CHECK_EQ_I64(rm.n_leaves, m.n_leaves);
    for (int64_t i = 0; i < m.n_leaves && i < rm.n_leaves; i++) {
        CHECK_EQ_STR(rm.leaves[i].path, m.leaves[i].path);
        CHECK_EQ_I64(rm.leaves[i].max_def, m.leaves[i].max_def);
        CHECK_EQ_I64(rm.leaves[i].max_rep, m.leaves[i].max_rep);
        CHECK_EQ_I64(rm.leaves[i].physical, m.leaves[i].physical);
        CHECK_EQ_I64(rm.leaves[i].top, m.leaves[i].top);
    }
    const pq_leaf *l = find_leaf(&m, "deep.list.element.list.element.list.element");
    CHECK(l && l->max_def == 6 && l->max_rep == 3);
    pq_schema_map_reset(&rm);
    pq_schema_map_reset(&m);
    pq_schema_reset(&s);
}

/* ---------------------------------------------------- legacy elements */

TEST(legacy_lists)
{
    els l;
    /* 2-level list of a repeated primitive */
    el_root(&l, 1);
    el_group(&l, "a", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_LIST;
    el_leaf(&l, "array", PQ_REP_REPEATED, PQ_PHYS_INT32);
    check_elements(&l, "a:list<array:int32>?");
    /* repeated group named "array" is the element */
    el_root(&l, 1);
    el_group(&l, "a", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_LIST;
    el_group(&l, "array", PQ_REP_REPEATED, 1);
    el_leaf(&l, "x", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    check_elements(&l, "a:list<array:struct<x:int32>>?");
    /* "<name>_tuple" */
    el_root(&l, 1);
    el_group(&l, "b", PQ_REP_REQUIRED, 1)->logical.kind = PQ_LT_LIST;
    el_group(&l, "b_tuple", PQ_REP_REPEATED, 1);
    el_leaf(&l, "x", PQ_REP_OPTIONAL, PQ_PHYS_INT64);
    check_elements(&l, "b:list<b_tuple:struct<x:int64?>>");
    /* a repeated group with two fields is the element */
    el_root(&l, 1);
    el_group(&l, "c", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_LIST;
    el_group(&l, "bag", PQ_REP_REPEATED, 2);
    el_leaf(&l, "x", PQ_REP_REQUIRED, PQ_PHYS_FLOAT);
    el_leaf(&l, "y", PQ_REP_OPTIONAL, PQ_PHYS_DOUBLE);
    check_elements(&l, "c:list<bag:struct<x:float,y:double?>>?");
    /* standard 3 levels with an old element name */
    el_root(&l, 1);
    el_group(&l, "d", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_LIST;
    el_group(&l, "list", PQ_REP_REPEATED, 1);
    el_leaf(&l, "item", PQ_REP_OPTIONAL, PQ_PHYS_INT64);
    check_elements(&l, "d:list<item:int64?>?");
    /* old_list_structure.parquet: list<list<int32>> in 2 levels each */
    el_root(&l, 1);
    el_group(&l, "a", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_LIST;
    el_group(&l, "array", PQ_REP_REPEATED, 1)->converted_type = PQ_CT_LIST;
    el_leaf(&l, "array", PQ_REP_REPEATED, PQ_PHYS_INT32);
    check_elements(&l, "a:list<array:list<array:int32>>?");
    /* a one-field repeated group whose field is repeated: the group is the element */
    el_root(&l, 1);
    el_group(&l, "e", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_LIST;
    el_group(&l, "rg", PQ_REP_REPEATED, 1);
    el_leaf(&l, "v", PQ_REP_REPEATED, PQ_PHYS_INT32);
    check_elements(&l, "e:list<rg:struct<v:list<v:int32>>>?");
    /* bare repeated primitive and group, also at the root */
    el_root(&l, 3);
    el_leaf(&l, "r", PQ_REP_REPEATED, PQ_PHYS_BYTE_ARRAY)->converted_type = PQ_CT_UTF8;
    el_group(&l, "phoneNumbers", PQ_REP_OPTIONAL, 1);
    el_group(&l, "phone", PQ_REP_REPEATED, 2);
    el_leaf(&l, "number", PQ_REP_REQUIRED, PQ_PHYS_INT64);
    el_leaf(&l, "kind", PQ_REP_OPTIONAL, PQ_PHYS_BYTE_ARRAY)->converted_type = PQ_CT_UTF8;
    el_group(&l, "g", PQ_REP_REPEATED, 1);
    el_leaf(&l, "n", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    check_elements(&l, "r:list<r:string>; phoneNumbers:struct<phone:list<phone:struct<number:int64,kind:string?>>>?; "
                       "g:list<g:struct<n:int32>>");
    /* LIST annotation on a group that is not a list: a plain struct */
    el_root(&l, 1);
    el_group(&l, "s", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_LIST;
    el_leaf(&l, "x", PQ_REP_OPTIONAL, PQ_PHYS_INT32);
    check_elements(&l, "s:struct<x:int32?>?");
    /* repeated LIST group at struct level: a list of lists */
    el_root(&l, 1);
    el_group(&l, "rl", PQ_REP_REPEATED, 1)->converted_type = PQ_CT_LIST;
    el_group(&l, "list", PQ_REP_REPEATED, 1);
    el_leaf(&l, "element", PQ_REP_OPTIONAL, PQ_PHYS_INT32);
    check_elements(&l, "rl:list<rl:list<element:int32?>>");

    /* levels of a legacy list */
    pq_error err;
    pq_schema_map m;
    el_root(&l, 1);
    el_group(&l, "a", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_LIST;
    el_group(&l, "array", PQ_REP_REPEATED, 1)->converted_type = PQ_CT_LIST;
    el_leaf(&l, "array", PQ_REP_REPEATED, PQ_PHYS_INT32);
    CHECK_OK(pq_schema_map_from_elements(l.e, l.n, NULL, NULL, &m, &err), &err);
    CHECK(m.n_leaves == 1 && m.leaves[0].max_def == 3 && m.leaves[0].max_rep == 2);
    CHECK_EQ_STR(m.leaves[0].path, "a.array.array");
    CHECK(m.leaves[0].element == &m.elements[3] && m.leaves[0].n_path == 3);
    pq_schema_map_reset(&m);
}

TEST(legacy_maps)
{
    els l;
    /* MAP + MAP_KEY_VALUE, fields taken by position whatever their names */
    el_root(&l, 1);
    el_group(&l, "m", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_MAP;
    el_group(&l, "map", PQ_REP_REPEATED, 2)->converted_type = PQ_CT_MAP_KEY_VALUE;
    el_leaf(&l, "k", PQ_REP_REQUIRED, PQ_PHYS_BYTE_ARRAY)->converted_type = PQ_CT_UTF8;
    el_leaf(&l, "v", PQ_REP_OPTIONAL, PQ_PHYS_INT32);
    check_elements(&l, "m:map<map:struct<k:string,v:int32?>>?");
    /* outer group annotated MAP_KEY_VALUE (old writers) */
    el_root(&l, 1);
    el_group(&l, "m", PQ_REP_REQUIRED, 1)->converted_type = PQ_CT_MAP_KEY_VALUE;
    el_group(&l, "map", PQ_REP_REPEATED, 2);
    el_leaf(&l, "key", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    el_leaf(&l, "value", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    check_elements(&l, "m:map<map:struct<key:int32,value:int32>>");
    /* optional key tolerated (incorrect_map_schema.parquet) */
    el_root(&l, 1);
    el_group(&l, "m", PQ_REP_OPTIONAL, 1)->logical.kind = PQ_LT_MAP;
    el_group(&l, "key_value", PQ_REP_REPEATED, 2);
    el_leaf(&l, "key", PQ_REP_OPTIONAL, PQ_PHYS_BYTE_ARRAY)->logical.kind = PQ_LT_STRING;
    el_leaf(&l, "value", PQ_REP_OPTIONAL, PQ_PHYS_BYTE_ARRAY)->logical.kind = PQ_LT_STRING;
    check_elements(&l, "m:map<key_value:struct<key:string?,value:string?>>?");
    /* no value field: a list of keys (map_no_value.parquet, as arrow-rs) */
    el_root(&l, 1);
    el_group(&l, "m", PQ_REP_OPTIONAL, 1)->logical.kind = PQ_LT_MAP;
    el_group(&l, "key_value", PQ_REP_REPEATED, 1);
    el_leaf(&l, "key", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    check_elements(&l, "m:list<key:int32>?");
    /* map value holding a map */
    el_root(&l, 1);
    el_group(&l, "a", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_MAP;
    el_group(&l, "key_value", PQ_REP_REPEATED, 2);
    el_leaf(&l, "key", PQ_REP_REQUIRED, PQ_PHYS_BYTE_ARRAY)->converted_type = PQ_CT_UTF8;
    el_group(&l, "value", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_MAP;
    el_group(&l, "key_value", PQ_REP_REPEATED, 2);
    el_leaf(&l, "key", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    el_leaf(&l, "value", PQ_REP_OPTIONAL, PQ_PHYS_BOOLEAN);
    check_elements(&l, "a:map<key_value:struct<key:string,value:map<key_value:struct<key:int32,value:bool?>>?>>?");
    /* three fields in key_value: not a map; read as the structure it is */
    el_root(&l, 1);
    el_group(&l, "m", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_MAP;
    el_group(&l, "kv", PQ_REP_REPEATED, 3);
    el_leaf(&l, "a", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    el_leaf(&l, "b", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    el_leaf(&l, "c", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    check_elements(&l, "m:struct<kv:list<kv:struct<a:int32,b:int32,c:int32>>>?");
    /* levels through a map */
    pq_error err;
    pq_schema_map m;
    el_root(&l, 1);
    el_group(&l, "m", PQ_REP_OPTIONAL, 1)->converted_type = PQ_CT_MAP;
    el_group(&l, "key_value", PQ_REP_REPEATED, 2);
    el_leaf(&l, "key", PQ_REP_REQUIRED, PQ_PHYS_INT32);
    el_leaf(&l, "value", PQ_REP_OPTIONAL, PQ_PHYS_INT32);
    CHECK_OK(pq_schema_map_from_elements(l.e, l.n, NULL, NULL, &m, &err), &err);
    CHECK(m.leaves[0].max_def == 2 && m.leaves[0].max_rep == 1);
    CHECK(m.leaves[1].max_def == 3 && m.leaves[1].max_rep == 1);
    CHECK(m.nodes[0].elem_def_level == 2 && m.nodes[0].children[0].def_level == 2);
    pq_schema_map_reset(&m);
}

/* One leaf with the given annotations; returns its rendering. */
static void check_leaf(pq_physical t, int32_t len, pq_converted_type ct, pq_logical_type lt, int32_t prec, int32_t scale,
                       const char *want)
{
    els l;
    el_root(&l, 1);
    pq_schema_element *e = el_leaf(&l, "x", PQ_REP_REQUIRED, t);
    e->type_length = len;
    e->converted_type = ct;
    e->logical = lt;
    if (prec >= 0) {
        e->has_precision = e->has_scale = true;
        e->precision = prec;
        e->scale = scale;
    }
    check_elements(&l, want);
}

static pq_logical_type lt_of(pq_logical_kind k)
{
    pq_logical_type t;
    memset(&t, 0, sizeof t);
    t.kind = k;
    return t;
}

TEST(leaf_annotations)
{
    pq_logical_type none = lt_of(PQ_LT_NONE);
    /* legacy converted types */
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_UTF8, none, -1, 0, "x:string");
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_ENUM, none, -1, 0, "x:string");
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_JSON, none, -1, 0, "x:json");
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_BSON, none, -1, 0, "x:binary");
    check_leaf(PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 6, PQ_CT_DECIMAL, none, 10, 2, "x:decimal(10,2)");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_DECIMAL, none, 7, 7, "x:decimal(7,7)");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_DECIMAL, none, -1, 0, "x:int32"); /* no precision */
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_DATE, none, -1, 0, "x:date");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_TIME_MILLIS, none, -1, 0, "x:time[ms, UTC]");
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_TIME_MICROS, none, -1, 0, "x:time[us, UTC]");
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_TIMESTAMP_MILLIS, none, -1, 0, "x:timestamp[ms, UTC]");
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_TIMESTAMP_MICROS, none, -1, 0, "x:timestamp[us, UTC]");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_INT_8, none, -1, 0, "x:int8");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_INT_16, none, -1, 0, "x:int16");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_INT_32, none, -1, 0, "x:int32");
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_INT_64, none, -1, 0, "x:int64");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_UINT_8, none, -1, 0, "x:uint8");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_UINT_16, none, -1, 0, "x:uint16");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_UINT_32, none, -1, 0, "x:uint32");
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_UINT_64, none, -1, 0, "x:uint64");
    check_leaf(PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 12, PQ_CT_INTERVAL, none, -1, 0, "x:fixed[12]");
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_INT_8, none, -1, 0, "x:int64");      /* wrong physical: ignored */
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_TIMESTAMP_MILLIS, none, -1, 0, "x:int32");
    /* plain physical types */
    check_leaf(PQ_PHYS_BOOLEAN, 0, PQ_CT_NONE, none, -1, 0, "x:bool");
    check_leaf(PQ_PHYS_FLOAT, 0, PQ_CT_NONE, none, -1, 0, "x:float");
    check_leaf(PQ_PHYS_DOUBLE, 0, PQ_CT_NONE, none, -1, 0, "x:double");
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_NONE, none, -1, 0, "x:binary");
    check_leaf(PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 5, PQ_CT_NONE, none, -1, 0, "x:fixed[5]");
    check_leaf(PQ_PHYS_INT96, 0, PQ_CT_NONE, none, -1, 0, "x:timestamp[ns] (int96)");
    check_leaf(PQ_PHYS_INT96, 0, PQ_CT_TIMESTAMP_MILLIS, none, -1, 0, "x:timestamp[ns] (int96)");
    /* logical types */
    pq_logical_type t = lt_of(PQ_LT_TIMESTAMP);
    t.unit = PQ_UNIT_NANOS;
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_NONE, t, -1, 0, "x:timestamp[ns]");
    t.utc = true;
    t.unit = PQ_UNIT_MILLIS;
    /* LogicalType wins over the converted type */
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_TIMESTAMP_MICROS, t, -1, 0, "x:timestamp[ms, UTC]");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_NONE, t, -1, 0, "x:int32");           /* TIMESTAMP on INT32: ignored */
    t = lt_of(PQ_LT_TIME);
    t.unit = PQ_UNIT_MICROS;
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_NONE, t, -1, 0, "x:time[us]");
    t = lt_of(PQ_LT_INTEGER);
    t.bit_width = 16;
    t.is_signed = false;
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_NONE, t, -1, 0, "x:uint16");
    t.bit_width = 64;
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_NONE, t, -1, 0, "x:int32");           /* INTEGER(64) on INT32 */
    t = lt_of(PQ_LT_DECIMAL);
    t.precision = 20;
    t.scale = 5;
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_NONE, t, -1, 0, "x:decimal(20,5)");
    t.precision = 40;                                                      /* > 38: raw bytes */
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_NONE, t, -1, 0, "x:binary");
    check_leaf(PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 17, PQ_CT_NONE, t, -1, 0, "x:fixed[17]");
    check_leaf(PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 17, PQ_CT_DECIMAL, none, 40, 0, "x:fixed[17]");
    t.precision = 5;
    t.scale = 6;                                                           /* scale > precision */
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_NONE, t, -1, 0, "x:int32");
    check_leaf(PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 2, PQ_CT_NONE, lt_of(PQ_LT_FLOAT16), -1, 0, "x:float16");
    check_leaf(PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 4, PQ_CT_NONE, lt_of(PQ_LT_FLOAT16), -1, 0, "x:fixed[4]");
    check_leaf(PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 16, PQ_CT_NONE, lt_of(PQ_LT_UUID), -1, 0, "x:uuid");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_NONE, lt_of(PQ_LT_NULL), -1, 0, "x:null");
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_NONE, lt_of(PQ_LT_ENUM), -1, 0, "x:string");
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_NONE, lt_of(PQ_LT_BSON), -1, 0, "x:binary");
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_NONE, lt_of(PQ_LT_JSON), -1, 0, "x:json");
    check_leaf(PQ_PHYS_INT32, 0, PQ_CT_NONE, lt_of(PQ_LT_DATE), -1, 0, "x:date");
    /* unknown or unsupported logical types read the physical type */
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_UTF8, lt_of(PQ_LT_UNKNOWN_MEMBER), -1, 0, "x:binary");
    check_leaf(PQ_PHYS_BYTE_ARRAY, 0, PQ_CT_NONE, lt_of(PQ_LT_GEOMETRY), -1, 0, "x:binary");
    check_leaf(PQ_PHYS_INT64, 0, PQ_CT_NONE, lt_of(PQ_LT_STRING), -1, 0, "x:int64");
}

/* ------------------------------------------------------ invalid input */

TEST(invalid_elements)
{
    pq_error err;
    pq_schema_map m;
    els l;
    el_root(&l, 0);
    /* no elements */
    CHECK_STATUS(pq_schema_map_from_elements(l.e, 0, NULL, NULL, &m, &err), PQ_ERR_CORRUPT);
    /* empty schema is fine */
    el_root(&l, 0);
    CHECK_OK(pq_schema_map_from_elements(l.e, l.n, NULL, NULL, &m, &err), &err);
    CHECK(m.schema.n_fields == 0 && m.n_leaves == 0);
    pq_schema_map_reset(&m);

    static const char *const names[] = {"children past the end", "negative children", "leaf without type",
                                        "group with type", "root repeated", "no repetition", "trailing elements",
                                        "flba without length", "bad physical", "no name", "bad repetition",
                                        "root with type"};
    for (int c = 0; c < (int)(sizeof names / sizeof names[0]); c++) {
        harness_case = names[c];
        el_root(&l, 2);
        el_leaf(&l, "a", PQ_REP_REQUIRED, PQ_PHYS_INT32);
        pq_schema_element *g = el_group(&l, "g", PQ_REP_OPTIONAL, 1);
        pq_schema_element *x = el_leaf(&l, "x", PQ_REP_OPTIONAL, PQ_PHYS_INT64);
        switch (c) {
        case 0: g->num_children = 2; break;
        case 1: g->num_children = -1; break;
        case 2: x->has_type = false; break;
        case 3: g->has_type = true; break;
        case 4: l.e[0].has_repetition = true; l.e[0].repetition = PQ_REP_REPEATED; break;
        case 5: x->has_repetition = false; break;
        case 6: l.e[0].num_children = 1; break;
        case 7: x->type = PQ_PHYS_FIXED_LEN_BYTE_ARRAY; x->type_length = 0; break;
        case 8: x->type = (pq_physical)9; break;
        case 9: x->name = NULL; break;
        case 10: x->repetition = (pq_repetition)3; break;
        case 11: l.e[0].has_type = true; break;
        }
        CHECK_STATUS(pq_schema_map_from_elements(l.e, l.n, NULL, NULL, &m, &err), PQ_ERR_CORRUPT);
        CHECK(m.schema.n_fields == 0 && m.n_leaves == 0); /* reset on failure */
    }
    harness_case = "invalid_elements";
    /* limits */
    pq_limits lim = {0, 0, 2, 0};
    el_root(&l, 1);
    el_group(&l, "a", PQ_REP_OPTIONAL, 1);
    el_group(&l, "b", PQ_REP_OPTIONAL, 1);
    el_leaf(&l, "c", PQ_REP_OPTIONAL, PQ_PHYS_INT32);
    CHECK_STATUS(pq_schema_map_from_elements(l.e, l.n, &lim, NULL, &m, &err), PQ_ERR_LIMIT);
    lim.max_nesting_depth = 3;
    CHECK_OK(pq_schema_map_from_elements(l.e, l.n, &lim, NULL, &m, &err), &err);
    pq_schema_map_reset(&m);
    lim.max_columns = 2;
    el_root(&l, 3);
    for (int i = 0; i < 3; i++) el_leaf(&l, "c", PQ_REP_OPTIONAL, PQ_PHYS_INT32);
    CHECK_STATUS(pq_schema_map_from_elements(l.e, l.n, &lim, NULL, &m, &err), PQ_ERR_LIMIT);
    /* a deep chain stays within the hard bound of 255 levels */
    static pq_schema_element deep[400];
    memset(deep, 0, sizeof deep);
    for (int i = 0; i < 400; i++) {
        deep[i].name = "d";
        deep[i].converted_type = PQ_CT_NONE;
        deep[i].has_repetition = i > 0;
        deep[i].repetition = PQ_REP_OPTIONAL;
        deep[i].has_num_children = i < 399;
        deep[i].num_children = 1;
    }
    deep[399].has_type = true;
    deep[399].type = PQ_PHYS_INT32;
    lim.max_nesting_depth = 1000;
    lim.max_columns = 0;
    CHECK_STATUS(pq_schema_map_from_elements(deep, 400, &lim, NULL, &m, &err), PQ_ERR_LIMIT);
    CHECK_OK(pq_schema_map_from_elements(deep + 200, 200, &lim, NULL, &m, &err), &err);
    CHECK(m.n_leaves == 1 && m.leaves[0].max_def == 199);
    pq_schema_map_reset(&m);
}

/* A one-field schema that from_schema must reject naming `path`. */
static void check_invalid(pq_field f, const char *path)
{
    pq_error err;
    pq_schema s;
    pq_schema_map m;
    pq_schema_init(&s, NULL);
    add(&s, f);
    CHECK_STATUS(pq_schema_map_from_schema(&s, NULL, &m, &err), PQ_ERR_INVALID_ARG);
    char want[128];
    snprintf(want, sizeof want, "'%s'", path);
    bool named = strstr(err.message, want) != NULL;
    if (!named) fprintf(stderr, "  message '%s' does not name %s\n", err.message, want);
    CHECK(named);
    CHECK(m.schema.n_fields == 0);
    pq_schema_reset(&s);
}

TEST(invalid_schemas)
{
    check_invalid(leaf("", pq_type_int(32, true), false), "");
    pq_field kids[2] = {leaf("x", pq_type_int(32, true), false), leaf("x", pq_type_int(64, true), false)};
    check_invalid(struct_of("s", true, kids, 2), "s.x");
    check_invalid(struct_of("s", true, NULL, 0), "s");
    pq_field inner[1] = {leaf("", pq_type_make(PQ_KIND_BOOL), true)};
    check_invalid(struct_of("s", true, inner, 1), "s.");
    check_invalid(leaf("d", pq_type_decimal(0, 0), false), "d");
    check_invalid(leaf("d", pq_type_decimal(39, 2), false), "d");
    check_invalid(leaf("d", pq_type_decimal(5, 6), false), "d");
    check_invalid(leaf("d", pq_type_decimal(5, -1), false), "d");
    check_invalid(list_of("l", true, leaf("element", pq_type_fixed(0), false)), "l.element");
    check_invalid(list_of("l", true, leaf("element", pq_type_int(12, true), false)), "l.element");
    pq_type bad_unit = pq_type_timestamp((pq_time_unit)7, true);
    check_invalid(leaf("t", bad_unit, false), "t");
    pq_type bad_kind = pq_type_make(PQ_KIND_INT);
    bad_kind.kind = PQ_KIND_COUNT_;
    check_invalid(leaf("k", bad_kind, false), "k");
    /* a list with two children, a map whose child is not a key/value struct */
    pq_field l2 = list_of("l", true, leaf("a", pq_type_int(32, true), false));
    pq_field extra = leaf("b", pq_type_int(32, true), false);
    if (pq_field_add_child(&l2, &extra, NULL, NULL)) abort();
    check_invalid(l2, "l");
    pq_field badmap = leaf("m", pq_type_make(PQ_KIND_MAP), false);
    pq_field kv = leaf("kv", pq_type_int(32, true), false);
    if (pq_field_add_child(&badmap, &kv, NULL, NULL)) abort();
    check_invalid(badmap, "m");
    pq_field leafkid = leaf("x", pq_type_int(32, true), false);
    pq_field k2 = leaf("y", pq_type_int(32, true), false);
    if (pq_field_add_child(&leafkid, &k2, NULL, NULL)) abort();
    check_invalid(leafkid, "x");
    /* duplicate top-level names */
    pq_error err;
    pq_schema s;
    pq_schema_map m;
    pq_schema_init(&s, NULL);
    add(&s, leaf("a", pq_type_int(32, true), false));
    add(&s, leaf("b", pq_type_int(32, true), false));
    add(&s, leaf("a", pq_type_int(32, true), true));
    CHECK_STATUS(pq_schema_map_from_schema(&s, NULL, &m, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "'a'") != NULL);
    pq_schema_reset(&s);
    /* the empty schema is writable */
    pq_schema_init(&s, NULL);
    CHECK_OK(pq_schema_map_from_schema(&s, NULL, &m, &err), &err);
    CHECK(m.n_elements == 1 && m.elements[0].num_children == 0 && m.n_leaves == 0);
    pq_schema_map_reset(&m);
}

/* ---------------------------------------------------------- projection */

static void projection_schema(pq_schema_map *m)
{
    pq_schema s;
    pq_schema_init(&s, NULL);
    add(&s, leaf("a", pq_type_int(32, true), false));
    pq_field pq[2] = {leaf("p", pq_type_int(64, true), true), leaf("q", pq_type_make(PQ_KIND_STRING), true)};
    pq_field sk[2] = {leaf("x", pq_type_make(PQ_KIND_DOUBLE), true), struct_of("y", true, pq, 2)};
    add(&s, struct_of("s", true, sk, 2));
    pq_field uv[2] = {leaf("u", pq_type_int(8, true), true), leaf("v", pq_type_int(16, true), true)};
    add(&s, list_of("l", true, struct_of("element", true, uv, 2)));
    pq_field wz[2] = {leaf("w", pq_type_make(PQ_KIND_BOOL), true), leaf("z", pq_type_make(PQ_KIND_DATE), true)};
    add(&s, map_of("m", true, leaf("key", pq_type_make(PQ_KIND_STRING), false), struct_of("value", true, wz, 2)));
    if (pq_schema_map_from_schema(&s, NULL, m, NULL)) abort();
    pq_schema_reset(&s);
}

typedef struct proj_case {
    const char *paths[3];
    const char *want;
    int64_t ids[9];
    int n_ids;
} proj_case;

TEST(projection)
{
    /* leaves: 0 a, 1 s.x, 2 s.y.p, 3 s.y.q, 4 l..u, 5 l..v, 6 m..key, 7 m..value.w, 8 m..value.z */
    static const proj_case cases[] = {
        {{"a"}, "a:int32", {0}, 1},
        {{"s.y.q"}, "s:struct<y:struct<q:string?>?>?", {3}, 1},
        {{"s.y"}, "s:struct<y:struct<p:int64?,q:string?>?>?", {2, 3}, 2},
        {{"s", "s.x"}, "s:struct<x:double?,y:struct<p:int64?,q:string?>?>?", {1, 2, 3}, 3},
        {{"s.x", "a", "s.x"}, "a:int32; s:struct<x:double?>?", {0, 1}, 2},
        {{"l.element.v"}, "l:list<element:struct<v:int16?>?>?", {5}, 1},
        {{"l.list.element.v"}, "l:list<element:struct<v:int16?>?>?", {5}, 1},
        {{"l.list"}, "l:list<element:struct<u:int8?,v:int16?>?>?", {4, 5}, 2},
        {{"m.key_value.key"}, "m:map<key_value:struct<key:string,value:struct<w:bool?,z:date?>?>>?", {6, 7, 8}, 3},
        {{"m.key_value.value.z"}, "m:map<key_value:struct<key:string,value:struct<z:date?>?>>?", {6, 8}, 2},
        {{"m.value.w"}, "m:map<key_value:struct<key:string,value:struct<w:bool?>?>>?", {6, 7}, 2},
        {{"m", "a"}, "a:int32; m:map<key_value:struct<key:string,value:struct<w:bool?,z:date?>?>>?", {0, 6, 7, 8}, 4},
        {{NULL}, "a:int32; s:struct<x:double?,y:struct<p:int64?,q:string?>?>?; "
                 "l:list<element:struct<u:int8?,v:int16?>?>?; "
                 "m:map<key_value:struct<key:string,value:struct<w:bool?,z:date?>?>>?",
         {0, 1, 2, 3, 4, 5, 6, 7, 8}, 9},
    };
    pq_error err;
    pq_schema_map m, p;
    projection_schema(&m);
    CHECK_EQ_I64(m.n_leaves, 9);
    char buf[1024];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const proj_case *pc = &cases[c];
        size_t n = 0;
        while (n < 3 && pc->paths[n]) n++;
        int64_t *ids = NULL;
        pq_status s = pq_schema_map_project(&m, pc->paths, n, &p, &ids, &err);
        CHECK_OK(s, &err);
        if (s) continue;
        CHECK_EQ_STR(render(&p.schema, buf, sizeof buf), pc->want);
        CHECK_EQ_I64(p.n_leaves, pc->n_ids);
        for (int i = 0; i < pc->n_ids && i < p.n_leaves; i++) {
            CHECK_EQ_I64(ids[i], pc->ids[i]);
            const pq_leaf *a = &p.leaves[i], *b = &m.leaves[ids[i]];
            CHECK_EQ_STR(a->path, b->path);
            CHECK(a->max_def == b->max_def && a->max_rep == b->max_rep && a->element == b->element);
            CHECK(a->physical == b->physical && a->node->field == a->field);
            CHECK(a->top >= 0 && a->top < p.schema.n_fields);
        }
        CHECK(p.elements == m.elements && p.n_elements == m.n_elements);
        pq_schema_map_reset(&p);
    }
    const char *bad[] = {"nope"};
    int64_t *ids = NULL;
    CHECK_STATUS(pq_schema_map_project(&m, bad, 1, &p, &ids, &err), PQ_ERR_NOT_FOUND);
    CHECK(strstr(err.message, "'nope'") != NULL && ids == NULL);
    const char *bad2[] = {"a", "s.y.r"};
    CHECK_STATUS(pq_schema_map_project(&m, bad2, 2, &p, &ids, &err), PQ_ERR_NOT_FOUND);
    CHECK(strstr(err.message, "'s.y.r'") != NULL);
    const char *bad3[] = {"s.yy"}; /* prefix of a name is not a match */
    CHECK_STATUS(pq_schema_map_project(&m, bad3, 1, &p, &ids, &err), PQ_ERR_NOT_FOUND);
    pq_schema_map_reset(&m);

    /* projection of a map read from legacy elements, by Parquet path */
    els l;
    el_root(&l, 2);
    el_leaf(&l, "id", PQ_REP_REQUIRED, PQ_PHYS_INT64);
    el_group(&l, "phoneNumbers", PQ_REP_OPTIONAL, 1);
    el_group(&l, "phone", PQ_REP_REPEATED, 2);
    el_leaf(&l, "number", PQ_REP_REQUIRED, PQ_PHYS_INT64);
    el_leaf(&l, "kind", PQ_REP_OPTIONAL, PQ_PHYS_BYTE_ARRAY)->converted_type = PQ_CT_UTF8;
    CHECK_OK(pq_schema_map_from_elements(l.e, l.n, NULL, NULL, &m, &err), &err);
    const char *pp[] = {"phoneNumbers.phone.kind"};
    CHECK_OK(pq_schema_map_project(&m, pp, 1, &p, &ids, &err), &err);
    CHECK_EQ_STR(render(&p.schema, buf, sizeof buf), "phoneNumbers:struct<phone:list<phone:struct<kind:string?>>>?");
    CHECK(p.n_leaves == 1 && ids[0] == 2 && p.leaves[0].max_def == 3 && p.leaves[0].max_rep == 1);
    pq_schema_map_reset(&p);
    const char *pe[] = {"phoneNumbers.phone.element.number"};
    CHECK_OK(pq_schema_map_project(&m, pe, 1, &p, &ids, &err), &err);
    CHECK(p.n_leaves == 1 && ids[0] == 1);
    pq_schema_map_reset(&p);
    pq_schema_map_reset(&m);
}

/* ------------------------------------------------------- fault injection */

TEST(out_of_memory)
{
    pq_schema_map seed;
    projection_schema(&seed);
    for (long fail = 1; fail < 2000; fail++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, fail);
        pq_error err;
        pq_schema_map m, rm, p;
        pq_status s = pq_schema_map_from_schema(&seed.schema, &a, &m, &err);
        if (s == PQ_OK) {
            s = pq_schema_map_from_elements(m.elements, m.n_elements, NULL, &a, &rm, &err);
            if (s == PQ_OK) {
                const char *paths[] = {"s.y", "m.value.z"};
                int64_t *ids;
                s = pq_schema_map_project(&rm, paths, 2, &p, &ids, &err);
                if (s == PQ_OK) pq_schema_map_reset(&p);
                pq_schema_map_reset(&rm);
            }
            pq_schema_map_reset(&m);
        }
        CHECK(s == PQ_OK || s == PQ_ERR_NOMEM);
        CHECK_EQ_I64(f.live, 0);
        if (!f.failed) break;
    }
    pq_schema_map_reset(&seed);
}

/* ------------------------------------------------------------- corpus */

typedef struct corpus_file {
    unsigned char *data;
    size_t len;
    pq_arena arena;
    pq_file_metadata md;
} corpus_file;

static bool corpus_load(const char *path, corpus_file *f)
{
    memset(f, 0, sizeof *f);
    f->data = harness_read_file(path, &f->len);
    if (!f->data) return false;
    if (f->len < 12 || memcmp(f->data + f->len - 4, "PAR1", 4) != 0) { free(f->data); return false; }
    uint32_t n = pq_load_u32le(f->data + f->len - 8);
    if (n > f->len - 12) { free(f->data); return false; }
    pq_arena_init(&f->arena, NULL);
    pq_error err;
    if (pq_meta_decode_file(pq_bytes_make(f->data + f->len - 8 - n, n), &f->arena, NULL, &f->md, &err)) {
        pq_arena_reset(&f->arena);
        free(f->data);
        return false;
    }
    return true;
}

static void corpus_free(corpus_file *f)
{
    pq_arena_reset(&f->arena);
    free(f->data);
}

/* Every leaf agrees with the column chunks of every row group. */
static void check_leaves_vs_chunks(const char *name, const pq_schema_map *m, const pq_file_metadata *md)
{
    for (int32_t g = 0; g < md->n_row_groups; g++) {
        const pq_row_group_meta *rg = &md->row_groups[g];
        bool n_ok = rg->n_columns == m->n_leaves;
        if (!n_ok) fprintf(stderr, "  %s: %d chunks, %lld leaves\n", name, rg->n_columns, (long long)m->n_leaves);
        CHECK(n_ok);
        for (int32_t c = 0; c < rg->n_columns && c < m->n_leaves; c++) {
            const pq_column_meta *cm = &rg->columns[c].meta_data;
            if (!rg->columns[c].has_meta_data) continue;
            const pq_leaf *l = &m->leaves[c];
            bool ok = cm->type == l->physical && cm->n_path == l->n_path;
            for (int32_t k = 0; ok && k < cm->n_path; k++) ok = strcmp(cm->path_in_schema[k], l->path_parts[k]) == 0;
            if (!ok) fprintf(stderr, "  %s: chunk %d does not match leaf %s\n", name, c, l->path);
            CHECK(ok);
        }
    }
}

TEST(corpus_footers)
{
    static const struct { const char *file, *want; } known[] = {
        {"list_columns.parquet", "int64_list:list<item:int64?>?; utf8_list:list<item:string?>?"},
        {"nested_lists.snappy.parquet",
         "a:list<element:list<element:list<element:string?>?>?>?; b:int32"},
        {"nested_maps.snappy.parquet",
         "a:map<key_value:struct<key:string,value:map<key_value:struct<key:int32,value:bool>>?>>?; b:int32; c:double"},
        {"old_list_structure.parquet", "a:list<array:list<array:int32>>"},
        {"repeated_no_annotation.parquet",
         "id:int32; phoneNumbers:struct<phone:list<phone:struct<number:int64,kind:string?>>>?"},
        {"map_no_value.parquet",
         "my_map:map<key_value:struct<key:int32,value:int32?>>; my_map_no_v:list<key:int32>; my_list:list<element:int32>"},
        {"incorrect_map_schema.parquet", "my_map:map<key_value:struct<key:string?,value:string?>>?"},
        {"unknown-logical-type.parquet", "column with known type:string?; column with unknown type:binary?"},
        {"int96_from_spark.parquet", "a:timestamp[ns] (int96)?"},
        {"fixed_length_decimal_legacy.parquet", "value:decimal(13,2)?"},
        {"byte_array_decimal.parquet", "value:decimal(4,2)?"},
        {"float16_nonzeros_and_nans.parquet", "x:float16?"},
        {"null_list.parquet", "emptylist:list<item:null?>?"},
        {"repeated_primitive_no_list.parquet",
         "Int32_list:list<Int32_list:int32>; String_list:list<String_list:string>; "
         "group_of_lists:struct<Int32_list_in_group:list<Int32_list_in_group:int32>,"
         "String_list_in_group:list<String_list_in_group:string>>"},
    };
    pq_error err;
    char buf[2048];
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, known[i].file);
        harness_case = known[i].file;
        corpus_file f;
        bool loaded = corpus_load(path, &f);
        CHECK(loaded);
        if (!loaded) continue;
        pq_schema_map m;
        CHECK_OK(pq_schema_map_from_elements(f.md.schema, f.md.n_schema, NULL, NULL, &m, &err), &err);
        CHECK_EQ_STR(render(&m.schema, buf, sizeof buf), known[i].want);
        check_leaves_vs_chunks(known[i].file, &m, &f.md);
        pq_schema_map_reset(&m);
        corpus_free(&f);
    }
    /* Every file of data/: maps, leaves match the chunks, writing the
     * logical schema back gives elements that map to the same schema. */
    harness_case = "corpus_all";
    DIR *d = opendir(DATA_DIR);
    CHECK(d != NULL);
    int n_files = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 8 || strcmp(de->d_name + nl - 8, ".parquet") != 0) continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, de->d_name);
        corpus_file f;
        if (!corpus_load(path, &f)) continue;
        n_files++;
        pq_schema_map m, w, rm;
        pq_status s = pq_schema_map_from_elements(f.md.schema, f.md.n_schema, NULL, NULL, &m, &err);
        if (s) fprintf(stderr, "  %s: %s\n", de->d_name, err.message);
        CHECK_OK(s, &err);
        if (!s) {
            check_leaves_vs_chunks(de->d_name, &m, &f.md);
            s = pq_schema_map_from_schema(&m.schema, NULL, &w, &err);
            /* odd schemas (optional keys, NULL leaves) are still writable */
            if (s) fprintf(stderr, "  %s: write: %s\n", de->d_name, err.message);
            CHECK_OK(s, &err);
            if (!s) {
                CHECK_OK(pq_schema_map_from_elements(w.elements, w.n_elements, NULL, NULL, &rm, &err), &err);
                char b2[8192];
                static char b1[65536], b3[65536];
                render(&w.schema, b1, sizeof b1);
                render(&rm.schema, b3, sizeof b3);
                CHECK_EQ_STR(b3, b1);
                CHECK_EQ_I64(rm.n_leaves, m.n_leaves);
                (void)b2;
                pq_schema_map_reset(&rm);
                pq_schema_map_reset(&w);
            }
            pq_schema_map_reset(&m);
        }
        corpus_free(&f);
    }
    if (d) closedir(d);
    CHECK(n_files >= 60);
}

int main(void)
{
    RUN(writer_leaf_elements);
    RUN(writer_nested_elements);
    RUN(schema_roundtrip_all);
    RUN(legacy_lists);
    RUN(legacy_maps);
    RUN(leaf_annotations);
    RUN(invalid_elements);
    RUN(invalid_schemas);
    RUN(projection);
    RUN(out_of_memory);
    RUN(corpus_footers);
    return harness_done();
}
