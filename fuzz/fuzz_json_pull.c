/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_json_pull.c - libFuzzer target for the streaming JSON pull
 * parser (src/io/json_pull.c).
 *
 * Input: byte 0 picks the options, the rest is the JSON text.
 *   bits 0-2  block size 1, 2, 3, 5, 8, 16, 64 or the default (1 MiB)
 *   bit 3     allow_nonfinite off
 *   bit 4     reject_duplicate_keys off
 *   bits 5-6  nesting limit 512, 4, 2 or 64
 *   bit 7     small token and value limits (24 and 200 bytes)
 *
 * Checks (any failure aborts):
 *   - pass 1 reads every token in the chosen block size and again in one
 *     block: same tokens (type, depth, offset, payload), same final
 *     status, message and error location; every status is OK, PARSE or
 *     LIMIT, errors have a message, OK ends with END; depths follow the
 *     nesting, strings are valid UTF-8, INT has d == i, a DOUBLE's d is
 *     strtod of its text;
 *   - pass 2 reads the same text with pq_jpull_value at every value of
 *     depth 1 (tokens elsewhere): the DOMs keep their invariants and,
 *     walked in order, give the same payload stream as pass 1 and the same
 *     final status and message (unless the value limit struck);
 *   - pass 3 skips every value of depth 1 with pq_jpull_skip and ends with
 *     the same status.
 */
#include "io/json_pull.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t BLOCKS[] = {1, 2, 3, 5, 8, 16, 64, 0};
static const int DEPTHS[] = {512, 4, 2, 64};

#define CHECK(c) \
    do {         \
        if (!(c)) abort(); \
    } while (0)

typedef struct outcome {
    pq_status status;
    pq_error err;
    pq_buf full;               /* tokens with depth and offset */
    pq_buf payload;            /* tokens as type + payload only */
} outcome;

static void put(pq_buf *b, const void *p, size_t n) { CHECK(pq_buf_append(b, p, n, NULL) == PQ_OK); }

/* Payload stream entry: a type code, then the text for strings/numbers
 * (INT also its value). */
static void put_payload(pq_buf *b, char code, const char *s, uint32_t len, int64_t i)
{
    put(b, &code, 1);
    if (code == 'I') put(b, &i, sizeof i);
    if (s) {
        put(b, &len, sizeof len);
        put(b, s, len);
    }
}

/* The payload code of a token. */
static char tok_code(pq_jtok_type t)
{
    static const char codes[] = "E{}[]KSIBDntf";
    return codes[t];
}

static void check_token(const pq_jtok *t, int32_t depth)
{
    CHECK(t->depth >= 0);
    switch (t->type) {
    case PQ_JTOK_OBJECT_END:
    case PQ_JTOK_ARRAY_END: CHECK(t->depth == depth - 1); break;
    case PQ_JTOK_END: CHECK(depth == 0); break;
    default: CHECK(t->depth == depth);
    }
    if (t->type == PQ_JTOK_KEY || t->type == PQ_JTOK_STRING) CHECK(pq_utf8_valid((const uint8_t *)t->str, t->len));
    if (t->type == PQ_JTOK_INT) CHECK(t->d == (double)t->i);
    if (t->type == PQ_JTOK_DOUBLE && t->len < 400 && (t->str[0] != 'N' && t->str[0] != 'I' && t->str[1] != 'I')) {
        char tmp[400];
        memcpy(tmp, t->str, t->len);
        tmp[t->len] = 0;
        double want = strtod(tmp, NULL);
        CHECK(memcmp(&want, &t->d, sizeof want) == 0);
    }
    if (t->type == PQ_JTOK_DOUBLE && t->str[0] == 'N') CHECK(isnan(t->d));
}

static void open_parser(pq_jpull **p, pq_source *src, const uint8_t *data, size_t size, const pq_jpull_options *o,
                        size_t block)
{
    pq_jpull_options opt = *o;
    opt.block_size = block;
    pq_source_open_memory(src, data, size, "fuzz");
    pq_error err;
    CHECK(pq_jpull_open(p, src, &opt, NULL, &err) == PQ_OK);
}

static void finish(outcome *out, pq_status s, const pq_error *err)
{
    out->status = s;
    CHECK(s == PQ_OK || s == PQ_ERR_PARSE || s == PQ_ERR_LIMIT);
    if (s != PQ_OK) {
        CHECK(err->message[0] != 0 && err->where.offset >= 0);
        out->err = *err;
    }
}

/* Pass 1: every token. */
static void read_tokens(const uint8_t *data, size_t size, const pq_jpull_options *o, size_t block, outcome *out)
{
    pq_jpull *p;
    pq_source src;
    open_parser(&p, &src, data, size, o, block);
    pq_jtok t;
    pq_error err;
    pq_status s;
    int32_t depth = 0;
    int64_t last = -1;
    while ((s = pq_jpull_next(p, &t, &err)) == PQ_OK) {
        check_token(&t, depth);
        CHECK(t.offset > last && t.offset <= (int64_t)size);
        last = t.offset;
        if (t.type == PQ_JTOK_OBJECT_BEGIN || t.type == PQ_JTOK_ARRAY_BEGIN) depth++;
        if (t.type == PQ_JTOK_OBJECT_END || t.type == PQ_JTOK_ARRAY_END) depth--;
        put(&out->full, &t.type, sizeof t.type);
        put(&out->full, &t.depth, sizeof t.depth);
        put(&out->full, &t.offset, sizeof t.offset);
        put_payload(&out->payload, tok_code(t.type), t.type >= PQ_JTOK_KEY && t.type <= PQ_JTOK_DOUBLE ? t.str : NULL,
                    t.len, t.i);
        if (t.type == PQ_JTOK_DOUBLE) put(&out->payload, &t.d, sizeof t.d);
        if (t.type == PQ_JTOK_END) break;
    }
    finish(out, s, &err);
    if (s == PQ_OK) { /* END again */
        CHECK(pq_jpull_next(p, &t, &err) == PQ_OK && t.type == PQ_JTOK_END);
    } else { /* sticky */
        pq_error again;
        CHECK(pq_jpull_next(p, &t, &again) == s && strcmp(again.message, err.message) == 0);
    }
    pq_jpull_close(p);
    pq_source_close(&src);
}

/* Check node i's subtree and append its payload stream; returns the index
 * after it. */
static uint32_t walk(const pq_json_node *n, uint32_t i, uint32_t total, pq_buf *out)
{
    CHECK(i < total && n[i].next > i && n[i].next <= total);
    switch (n[i].type) {
    case PQ_JSON_OBJECT:
    case PQ_JSON_ARRAY: {
        bool obj = n[i].type == PQ_JSON_OBJECT;
        put_payload(out, obj ? '{' : '[', NULL, 0, 0);
        uint32_t c = i + 1;
        for (uint32_t k = 0; k < n[i].count; k++) {
            if (obj) {
                CHECK(c < total && n[c].type == PQ_JSON_STRING && n[c].next == c + 1);
                CHECK(pq_utf8_valid((const uint8_t *)n[c].str, n[c].len));
                put_payload(out, 'K', n[c].str, n[c].len, 0);
                c++;
            }
            c = walk(n, c, total, out);
        }
        CHECK(c == n[i].next);
        put_payload(out, obj ? '}' : ']', NULL, 0, 0);
        return c;
    }
    case PQ_JSON_STRING:
        CHECK(n[i].str && pq_utf8_valid((const uint8_t *)n[i].str, n[i].len));
        put_payload(out, 'S', n[i].str, n[i].len, 0);
        break;
    case PQ_JSON_INT: put_payload(out, 'I', n[i].str, n[i].len, n[i].i); break;
    case PQ_JSON_BIGINT: put_payload(out, 'B', n[i].str, n[i].len, 0); break;
    case PQ_JSON_DOUBLE: {
        /* `i` holds the value's bits (pq_jpull_node_double) */
        double d = pq_jpull_node_double(&n[i]);
        put_payload(out, 'D', n[i].str, n[i].len, 0);
        put(out, &d, sizeof d);
        break;
    }
    case PQ_JSON_NULL: put_payload(out, 'n', NULL, 0, 0); break;
    case PQ_JSON_TRUE: put_payload(out, 't', NULL, 0, 0); break;
    case PQ_JSON_FALSE: put_payload(out, 'f', NULL, 0, 0); break;
    default: CHECK(0);
    }
    CHECK(n[i].next == i + 1 && n[i].count == 0);
    return i + 1;
}

/* Pass 2 (use_value) / pass 3: values of depth 1 through pq_jpull_value or
 * pq_jpull_skip, tokens elsewhere. */
static void read_values(const uint8_t *data, size_t size, const pq_jpull_options *o, size_t block, bool use_value,
                        outcome *out)
{
    pq_jpull *p;
    pq_source src;
    open_parser(&p, &src, data, size, o, block);
    pq_jtok t;
    pq_jtok_type type;
    pq_error err;
    pq_status s;
    int32_t depth = 0;
    for (;;) {
        if ((s = pq_jpull_peek(p, &type, &err)) != PQ_OK) break;
        bool value_here = depth == 1 && type != PQ_JTOK_KEY && type != PQ_JTOK_OBJECT_END &&
                          type != PQ_JTOK_ARRAY_END;
        if (value_here && use_value) {
            const pq_json_node *n;
            uint32_t count;
            if ((s = pq_jpull_value(p, &n, &count, &err)) != PQ_OK) break;
            CHECK(count > 0 && walk(n, 0, count, &out->payload) == count);
            continue;
        }
        if (value_here) {
            if ((s = pq_jpull_skip(p, &err)) != PQ_OK) break;
            continue;
        }
        if (type == PQ_JTOK_KEY || type == PQ_JTOK_OBJECT_END || type == PQ_JTOK_ARRAY_END || type == PQ_JTOK_END) {
            /* no value starts here: both refuse, without harm */
            const pq_json_node *n;
            uint32_t count;
            CHECK(pq_jpull_value(p, &n, &count, &err) == PQ_ERR_STATE && n == NULL && count == 0);
            CHECK(pq_jpull_skip(p, &err) == PQ_ERR_STATE);
        }
        if ((s = pq_jpull_next(p, &t, &err)) != PQ_OK) break;
        CHECK(t.type == type);
        if (t.type == PQ_JTOK_OBJECT_BEGIN || t.type == PQ_JTOK_ARRAY_BEGIN) depth++;
        if (t.type == PQ_JTOK_OBJECT_END || t.type == PQ_JTOK_ARRAY_END) depth--;
        if (use_value) {
            put_payload(&out->payload, tok_code(t.type),
                        t.type >= PQ_JTOK_KEY && t.type <= PQ_JTOK_DOUBLE ? t.str : NULL, t.len, t.i);
            if (t.type == PQ_JTOK_DOUBLE) put(&out->payload, &t.d, sizeof t.d);
        }
        if (t.type == PQ_JTOK_END) break;
    }
    finish(out, s, &err);
    pq_jpull_close(p);
    pq_source_close(&src);
}

static bool same_buf(const pq_buf *a, const pq_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void same_status(const outcome *a, const outcome *b)
{
    CHECK(a->status == b->status);
    if (a->status == PQ_OK) return;
    CHECK(strcmp(a->err.message, b->err.message) == 0 && a->err.where.offset == b->err.where.offset &&
          a->err.where.line == b->err.where.line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t bits = data[0];
    data++;
    size--;
    pq_jpull_options o;
    pq_jpull_options_init(&o);
    size_t block = BLOCKS[bits & 7];
    o.allow_nonfinite = !(bits & 8);
    o.reject_duplicate_keys = !(bits & 16);
    o.max_depth = DEPTHS[(bits >> 5) & 3];
    if (bits & 128) {
        o.max_token_bytes = 24;
        o.max_value_bytes = 200;
    }

    outcome small, whole, values, skips;
    outcome *all[] = {&small, &whole, &values, &skips};
    for (int k = 0; k < 4; k++) {
        memset(all[k], 0, sizeof *all[k]);
        pq_buf_init(&all[k]->full, NULL);
        pq_buf_init(&all[k]->payload, NULL);
    }
    read_tokens(data, size, &o, block, &small);
    read_tokens(data, size, &o, 0, &whole);
    same_status(&small, &whole);
    CHECK(same_buf(&small.full, &whole.full) && same_buf(&small.payload, &whole.payload));

    read_values(data, size, &o, block, true, &values);
    read_values(data, size, &o, block, false, &skips);
    bool value_limit = values.status == PQ_ERR_LIMIT && strstr(values.err.message, "value of at most") != NULL;
    if (!value_limit) {
        same_status(&values, &whole);
        if (values.status == PQ_OK) CHECK(same_buf(&values.payload, &whole.payload));
    }
    same_status(&skips, &whole);
    for (int k = 0; k < 4; k++) {
        pq_buf_reset(&all[k]->full);
        pq_buf_reset(&all[k]->payload);
    }
    return 0;
}
