/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/json_compare.c - compare mode of the JSON emitter (see
 * json_compare.h).  Keeps the JSON path of the source position (a key or
 * an index per open container) only to name the place of a difference.
 */
#include "migrate/json_compare.h"

#include "table/canon.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PATH_KEY_MAX 48 /* bytes of a key kept for messages */

typedef struct path_level {
    bool is_object;
    int64_t index;               /* next element index (arrays) */
    char key[PATH_KEY_MAX + 4];  /* last key (objects), truncated with "..." */
} path_level;

struct pq_jcompare {
    pq_jpull *pull;
    const pq_allocator *alloc;
    path_level levels[PQ_JEMIT_MAX_DEPTH];
    int depth;
};

pq_status pq_jcompare_open(pq_jcompare **out, const pq_source *src, const pq_allocator *a, pq_error *err)
{
    *out = NULL;
    pq_jcompare *c = pq_calloc(a, 1, sizeof *c);
    if (c == NULL) return PQ_NOMEM(err);
    c->alloc = a;
    pq_jpull_options o;
    pq_jpull_options_init(&o);
    pq_status s = pq_jpull_open(&c->pull, src, &o, a, err);
    if (s) {
        pq_free(a, c);
        return s;
    }
    *out = c;
    return PQ_OK;
}

void pq_jcompare_close(pq_jcompare *c)
{
    if (c == NULL) return;
    pq_jpull_close(c->pull);
    pq_free(c->alloc, c);
}

void pq_jemit_init_compare(pq_jemit *e, pq_jcompare *c)
{
    memset(e, 0, sizeof *e);
    e->against = c;
    e->indent = -1;
}

/* "$.results.Pequeno.up[3]" of the current source position. */
static void path_text(const pq_jcompare *c, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "$");
    for (int d = 0; d < c->depth && n < cap; d++) {
        const path_level *l = &c->levels[d];
        if (l->is_object) n += (size_t)snprintf(buf + n, cap - n, ".%s", l->key);
        else n += (size_t)snprintf(buf + n, cap - n, "[%lld]", (long long)(l->index > 0 ? l->index - 1 : 0));
    }
}

/* Short text of a token for messages. */
static void token_text(const pq_jtok *t, char *buf, size_t cap)
{
    switch (t->type) {
    case PQ_JTOK_END: snprintf(buf, cap, "the end of the document"); break;
    case PQ_JTOK_OBJECT_BEGIN: snprintf(buf, cap, "an object"); break;
    case PQ_JTOK_OBJECT_END: snprintf(buf, cap, "the end of an object"); break;
    case PQ_JTOK_ARRAY_BEGIN: snprintf(buf, cap, "an array"); break;
    case PQ_JTOK_ARRAY_END: snprintf(buf, cap, "the end of an array"); break;
    case PQ_JTOK_KEY: snprintf(buf, cap, "key \"%.*s\"", (int)(t->len > 40 ? 40 : t->len), t->str); break;
    case PQ_JTOK_STRING: snprintf(buf, cap, "string \"%.*s\"", (int)(t->len > 40 ? 40 : t->len), t->str); break;
    case PQ_JTOK_INT: snprintf(buf, cap, "integer %lld", (long long)t->i); break;
    case PQ_JTOK_BIGINT: snprintf(buf, cap, "integer %.*s", (int)(t->len > 40 ? 40 : t->len), t->str); break;
    case PQ_JTOK_DOUBLE: snprintf(buf, cap, "float %.17g", t->d); break;
    case PQ_JTOK_NULL: snprintf(buf, cap, "null"); break;
    case PQ_JTOK_TRUE: snprintf(buf, cap, "true"); break;
    case PQ_JTOK_FALSE: snprintf(buf, cap, "false"); break;
    }
}

static bool same_bytes(const pq_jtok *a, const pq_jtok *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->str, b->str, a->len) == 0);
}

static bool same_double(double a, double b)
{
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    uint64_t x, y;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    return x == y;
}

static bool tokens_equal(const pq_jtok *src, const pq_jtok *exp)
{
    if (src->type != exp->type) return false;
    switch (src->type) {
    case PQ_JTOK_KEY:
    case PQ_JTOK_STRING:
    case PQ_JTOK_BIGINT: return same_bytes(src, exp);
    case PQ_JTOK_INT: return src->i == exp->i;
    case PQ_JTOK_DOUBLE: return same_double(src->d, exp->d);
    default: return true;
    }
}

/* Track the source path with token `t` (already compared equal). */
static void follow(pq_jcompare *c, const pq_jtok *t)
{
    path_level *top = c->depth > 0 ? &c->levels[c->depth - 1] : NULL;
    switch (t->type) {
    case PQ_JTOK_KEY: {
        size_t n = t->len < PATH_KEY_MAX ? t->len : PATH_KEY_MAX;
        memcpy(top->key, t->str, n);
        strcpy(top->key + n, t->len > PATH_KEY_MAX ? "..." : "");
        return;
    }
    case PQ_JTOK_OBJECT_END:
    case PQ_JTOK_ARRAY_END: c->depth--; return;
    default: break;
    }
    if (top && !top->is_object) top->index++;
    if (t->type == PQ_JTOK_OBJECT_BEGIN || t->type == PQ_JTOK_ARRAY_BEGIN) {
        if (c->depth < PQ_JEMIT_MAX_DEPTH) {
            path_level *l = &c->levels[c->depth];
            l->is_object = t->type == PQ_JTOK_OBJECT_BEGIN;
            l->index = 0;
            l->key[0] = 0;
        }
        c->depth++;
    }
}

static pq_status differ(pq_jcompare *c, const pq_jtok *src, const pq_jtok *exp, pq_error *err)
{
    char path[160], a[80], b[80];
    path_text(c, path, sizeof path);
    token_text(src, a, sizeof a);
    token_text(exp, b, sizeof b);
    pq_status s = PQ_FAIL(err, PQ_ERR_CORRUPT, "differs at %s (byte %lld of the source): source has %s, the copy has %s",
                          path, (long long)src->offset, a, b);
    if (err) err->where.offset = src->offset;
    return s;
}

pq_status pq_jcompare_token(pq_jemit *e, const pq_jtok *t, pq_error *err)
{
    pq_jcompare *c = e->against;
    pq_jtok src;
    PQ_TRY(pq_jpull_next(c->pull, &src, err));
    if (!tokens_equal(&src, t)) return differ(c, &src, t, err);
    follow(c, &src);
    return PQ_OK;
}

pq_status pq_jcompare_finish(pq_jemit *e, pq_error *err)
{
    pq_jcompare *c = e->against;
    pq_jtok src, end = { .type = PQ_JTOK_END };
    PQ_TRY(pq_jpull_next(c->pull, &src, err));
    if (src.type != PQ_JTOK_END) return differ(c, &src, &end, err);
    return PQ_OK;
}
