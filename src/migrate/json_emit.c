/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/json_emit.c - the event grammar and the text mode of the JSON
 * emitter declared in json_emit.h.  Every event becomes a pq_jtok; the
 * layout work (separators, newlines, indentation) is done once here, then
 * the token is either printed (text mode) or handed to the comparison
 * against the source (json_compare.c), which ignores layout.
 *
 * Text layout follows CPython's json encoder with indent=2: before each item
 * of a container "\n" plus 2*depth spaces (after a "," unless it is the
 * first item), after the last item "\n" plus 2*(depth-1) spaces and the
 * closer; an empty container is "[]" / "{}".  Compact (indent < 0) uses the
 * default separators ", " and ": ".
 */
#include "migrate/json_emit.h"

#include "migrate/json_compare.h"
#include "table/canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLUSH_BYTES ((size_t)1 << 20)

void pq_jemit_init_text(pq_jemit *e, pq_buf *out, pq_sink *sink, int indent)
{
    memset(e, 0, sizeof *e);
    e->out = out;
    e->sink = sink;
    e->indent = indent;
}

void pq_jemit_init_digest(pq_jemit *e, pq_jdigest *d)
{
    memset(e, 0, sizeof *e);
    e->digest = d;
    e->indent = -1;
}

/* Text mode: layout is printed (the other modes ignore it). */
static bool printing(const pq_jemit *e) { return e->against == NULL && e->digest == NULL; }

/* ---------------------------------------------------------- text mode */

static pq_status put(pq_jemit *e, const char *s, size_t n, pq_error *err)
{
    return pq_buf_append(e->out, s, n, err);
}

static pq_status newline_indent(pq_jemit *e, int depth, pq_error *err)
{
    static const char spaces[] = "                                                                ";
    PQ_TRY(pq_buf_push(e->out, '\n', err));
    size_t n = (size_t)depth * (size_t)e->indent;
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        PQ_TRY(put(e, spaces, k, err));
        n -= k;
    }
    return PQ_OK;
}

static pq_status flush(pq_jemit *e, pq_error *err)
{
    if (e->sink == NULL || e->out->len == 0) return PQ_OK;
    PQ_TRY(pq_sink_write(e->sink, e->out->data, e->out->len, err));
    e->out->len = 0;
    return PQ_OK;
}

static pq_status print_token(pq_jemit *e, const pq_jtok *t, pq_error *err)
{
    switch (t->type) {
    case PQ_JTOK_OBJECT_BEGIN: return pq_buf_push(e->out, '{', err);
    case PQ_JTOK_ARRAY_BEGIN: return pq_buf_push(e->out, '[', err);
    case PQ_JTOK_OBJECT_END: return pq_buf_push(e->out, '}', err);
    case PQ_JTOK_ARRAY_END: return pq_buf_push(e->out, ']', err);
    case PQ_JTOK_KEY:
        PQ_TRY(pq_canon_python_string(t->str, t->len, e->out, err));
        return put(e, ": ", 2, err);
    case PQ_JTOK_STRING: return pq_canon_python_string(t->str, t->len, e->out, err);
    case PQ_JTOK_INT: {
        char b[24];
        int n = snprintf(b, sizeof b, "%lld", (long long)t->i);
        return put(e, b, (size_t)n, err);
    }
    case PQ_JTOK_BIGINT: return put(e, t->str, t->len, err);
    case PQ_JTOK_DOUBLE: return pq_canon_python_double(t->d, e->out, err);
    case PQ_JTOK_NULL: return put(e, "null", 4, err);
    case PQ_JTOK_TRUE: return put(e, "true", 4, err);
    case PQ_JTOK_FALSE: return put(e, "false", 5, err);
    case PQ_JTOK_END: break;
    }
    return PQ_FAIL(err, PQ_ERR_STATE, "json emitter: token %d cannot be printed", (int)t->type);
}

/* Separator and indentation before an item (key or value) at the current depth. */
static pq_status print_before_item(pq_jemit *e, pq_error *err)
{
    if (e->depth == 0) return PQ_OK;
    if (e->count[e->depth - 1] > 0) PQ_TRY(pq_buf_push(e->out, ',', err));
    if (e->indent >= 0) return newline_indent(e, e->depth, err);
    if (e->count[e->depth - 1] > 0) PQ_TRY(pq_buf_push(e->out, ' ', err));
    return PQ_OK;
}

static pq_status print_before_end(pq_jemit *e, pq_error *err)
{
    if (e->indent >= 0 && e->count[e->depth - 1] > 0) return newline_indent(e, e->depth - 1, err);
    return PQ_OK;
}

/* ------------------------------------------------------------ grammar */

static pq_status out_token(pq_jemit *e, const pq_jtok *t, pq_error *err)
{
    if (e->digest) {
        pq_jdigest_token(e->digest, t);
        return PQ_OK;
    }
    if (e->against) return pq_jcompare_token(e, t, err);
    return print_token(e, t, err);
}

/* A value (scalar or container start) may come now? */
static pq_status check_value_place(pq_jemit *e, pq_error *err)
{
    if (e->done) return PQ_FAIL(err, PQ_ERR_STATE, "json emitter: a second top-level value");
    if (e->depth > 0 && e->is_object[e->depth - 1] && !e->after_key)
        return PQ_FAIL(err, PQ_ERR_STATE, "json emitter: a value in an object without a key");
    return PQ_OK;
}

/* Book-keeping after a complete value at the current depth. */
static pq_status value_done(pq_jemit *e, pq_error *err)
{
    if (e->depth == 0) {
        e->done = true;
        return PQ_OK;
    }
    e->after_key = false;
    e->count[e->depth - 1]++;
    if (e->sink && e->out->len >= FLUSH_BYTES) return flush(e, err);
    return PQ_OK;
}

static pq_status scalar(pq_jemit *e, const pq_jtok *t, pq_error *err)
{
    PQ_TRY(check_value_place(e, err));
    bool in_array = e->depth > 0 && !e->is_object[e->depth - 1];
    if (in_array && printing(e)) PQ_TRY(print_before_item(e, err));
    PQ_TRY(out_token(e, t, err));
    return value_done(e, err);
}

static pq_status begin(pq_jemit *e, bool object, pq_error *err)
{
    PQ_TRY(check_value_place(e, err));
    if (e->depth >= PQ_JEMIT_MAX_DEPTH)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "json emitter: nesting deeper than %d", PQ_JEMIT_MAX_DEPTH);
    bool in_array = e->depth > 0 && !e->is_object[e->depth - 1];
    if (in_array && printing(e)) PQ_TRY(print_before_item(e, err));
    pq_jtok t = { .type = object ? PQ_JTOK_OBJECT_BEGIN : PQ_JTOK_ARRAY_BEGIN, .depth = e->depth };
    PQ_TRY(out_token(e, &t, err));
    /* the container's own slot in its parent is counted when it ends */
    e->is_object[e->depth] = object;
    e->count[e->depth] = 0;
    e->depth++;
    e->after_key = false;
    return PQ_OK;
}

static pq_status end(pq_jemit *e, bool object, pq_error *err)
{
    if (e->depth == 0 || e->is_object[e->depth - 1] != object || e->after_key)
        return PQ_FAIL(err, PQ_ERR_STATE, "json emitter: unbalanced %s end", object ? "object" : "array");
    if (printing(e)) PQ_TRY(print_before_end(e, err));
    pq_jtok t = { .type = object ? PQ_JTOK_OBJECT_END : PQ_JTOK_ARRAY_END, .depth = e->depth - 1 };
    PQ_TRY(out_token(e, &t, err));
    e->depth--;
    /* the parent had after_key set when this container was its member's value */
    if (e->depth > 0 && e->is_object[e->depth - 1]) e->after_key = true;
    return value_done(e, err);
}

pq_status pq_jemit_object_begin(pq_jemit *e, pq_error *err) { return begin(e, true, err); }
pq_status pq_jemit_object_end(pq_jemit *e, pq_error *err) { return end(e, true, err); }
pq_status pq_jemit_array_begin(pq_jemit *e, pq_error *err) { return begin(e, false, err); }
pq_status pq_jemit_array_end(pq_jemit *e, pq_error *err) { return end(e, false, err); }

pq_status pq_jemit_key(pq_jemit *e, const char *s, size_t n, pq_error *err)
{
    if (e->depth == 0 || !e->is_object[e->depth - 1] || e->after_key)
        return PQ_FAIL(err, PQ_ERR_STATE, "json emitter: a key outside an object or after a key");
    if (n > UINT32_MAX) return PQ_FAIL(err, PQ_ERR_LIMIT, "json emitter: key of %zu bytes", n);
    if (printing(e)) PQ_TRY(print_before_item(e, err));
    pq_jtok t = { .type = PQ_JTOK_KEY, .str = s, .len = (uint32_t)n, .depth = e->depth };
    PQ_TRY(out_token(e, &t, err));
    e->after_key = true;
    return PQ_OK;
}

pq_status pq_jemit_string(pq_jemit *e, const char *s, size_t n, pq_error *err)
{
    if (n > UINT32_MAX) return PQ_FAIL(err, PQ_ERR_LIMIT, "json emitter: string of %zu bytes", n);
    pq_jtok t = { .type = PQ_JTOK_STRING, .str = s, .len = (uint32_t)n, .depth = e->depth };
    return scalar(e, &t, err);
}

pq_status pq_jemit_int(pq_jemit *e, int64_t v, pq_error *err)
{
    pq_jtok t = { .type = PQ_JTOK_INT, .i = v, .d = (double)v, .depth = e->depth };
    return scalar(e, &t, err);
}

pq_status pq_jemit_double(pq_jemit *e, double v, pq_error *err)
{
    pq_jtok t = { .type = PQ_JTOK_DOUBLE, .d = v, .depth = e->depth };
    return scalar(e, &t, err);
}

pq_status pq_jemit_bigint(pq_jemit *e, const char *text, size_t n, pq_error *err)
{
    if (n > UINT32_MAX) return PQ_FAIL(err, PQ_ERR_LIMIT, "json emitter: number of %zu bytes", n);
    pq_jtok t = { .type = PQ_JTOK_BIGINT, .str = text, .len = (uint32_t)n, .depth = e->depth };
    return scalar(e, &t, err);
}

pq_status pq_jemit_bool(pq_jemit *e, bool v, pq_error *err)
{
    pq_jtok t = { .type = v ? PQ_JTOK_TRUE : PQ_JTOK_FALSE, .depth = e->depth };
    return scalar(e, &t, err);
}

pq_status pq_jemit_null(pq_jemit *e, pq_error *err)
{
    pq_jtok t = { .type = PQ_JTOK_NULL, .depth = e->depth };
    return scalar(e, &t, err);
}

pq_status pq_jemit_node(pq_jemit *e, const pq_json_node *nodes, uint32_t i, pq_error *err)
{
    const pq_json_node *n = &nodes[i];
    switch ((pq_json_type)n->type) {
    case PQ_JSON_NULL: return pq_jemit_null(e, err);
    case PQ_JSON_FALSE: return pq_jemit_bool(e, false, err);
    case PQ_JSON_TRUE: return pq_jemit_bool(e, true, err);
    case PQ_JSON_INT: return pq_jemit_int(e, n->i, err);
    case PQ_JSON_BIGINT: return pq_jemit_bigint(e, n->str, n->len, err);
    case PQ_JSON_DOUBLE: return pq_jemit_double(e, pq_jpull_node_double(n), err);
    case PQ_JSON_STRING: return pq_jemit_string(e, n->str, n->len, err);
    case PQ_JSON_ARRAY:
        PQ_TRY(pq_jemit_array_begin(e, err));
        for (uint32_t c = i + 1; c < n->next; c = nodes[c].next) PQ_TRY(pq_jemit_node(e, nodes, c, err));
        return pq_jemit_array_end(e, err);
    case PQ_JSON_OBJECT:
        PQ_TRY(pq_jemit_object_begin(e, err));
        for (uint32_t c = i + 1; c < n->next; c = nodes[nodes[c].next].next) {
            PQ_TRY(pq_jemit_key(e, nodes[c].str, nodes[c].len, err));
            PQ_TRY(pq_jemit_node(e, nodes, nodes[c].next, err));
        }
        return pq_jemit_object_end(e, err);
    }
    return PQ_FAIL(err, PQ_ERR_STATE, "json emitter: DOM node of type %d", (int)n->type);
}

pq_status pq_jemit_finish(pq_jemit *e, pq_error *err)
{
    if (!e->done || e->depth != 0) return PQ_FAIL(err, PQ_ERR_STATE, "json emitter: document incomplete");
    if (e->digest) {
        pq_jtok t = { .type = PQ_JTOK_END };
        pq_jdigest_token(e->digest, &t);
        return PQ_OK;
    }
    if (e->against) return pq_jcompare_finish(e, err);
    return flush(e, err);
}
