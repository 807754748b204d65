/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/encoding_dict.c - dictionary encoding (Parquet Encodings.md,
 * "Dictionary Encoding (PLAIN_DICTIONARY = 2 and RLE_DICTIONARY = 8)"):
 * the reader-side gather (indices -> values) and the writer-side builder
 * that maps values to dense indices.  The index streams themselves (1 byte
 * bit width + RLE/bit-packed hybrid) are in encoding_rle.c.
 *
 * Gather: every index is checked against the dictionary size before any
 * value is copied (max over the indices first, then a check-free copy loop
 * specialised for 1/4/8/12/16-byte values; BYTE_ARRAY values of up to 16
 * bytes move as one constant-size copy); the error names the first bad
 * index.  A failed gather leaves `out` unchanged (capacity aside).
 *
 * Builder: an open-addressing (linear probing) hash table of 64-bit slots,
 * each (hash32 << 32 | index + 1), 0 = empty, load factor <= 1/4 for
 * small tables and <= 1/2 for big ones.  Keys are
 * compared by value BITS, so -0.0 and 0.0 and distinct NaN payloads are
 * distinct entries and round-trip exactly.  Distinct values are kept in a
 * pq_values (the dictionary page's content, in insertion order); BYTE_ARRAY
 * keys live in its owned data buffer and are addressed by offsets, so
 * growth never invalidates them.  Lookups of 4- and 8-byte values hash with
 * one multiply-xorshift; byte strings with an 8-bytes-per-step multiply-
 * rotate hash and compare word-wise (no memcpy/memcmp calls for short
 * keys).  Nothing is allocated per value: the table and the value buffers
 * grow geometrically.  A failed add (PQ_ERR_NOMEM, PQ_ERR_LIMIT) keeps the
 * entries inserted so far; out_idx is then only partly written.
 */
#include "parquet/encoding.h"

#define DICT_MIN_SLOTS 256u
#define DICT_MAX_ENTRIES ((int64_t)INT32_MAX)

struct pq_dict_builder {
    pq_values vals;            /* distinct values, index order */
    uint64_t *slots;           /* cap entries: hash32 << 32 | (index + 1); 0 = empty */
    size_t cap;                /* power of two >= DICT_MIN_SLOTS */
    int64_t bytes_size;        /* BYTE_ARRAY: sum of 4 + length over the entries */
    const pq_allocator *alloc; /* owns this struct and slots */
};

/* ---------------------------------------------------------------- gather */

/* Copy dict values idx[0..n) of `w` bytes each to dst; indices pre-checked.
 * Constant widths let the compiler turn each memcpy into one move. */
static void gather_fixed(const uint8_t *src, int32_t w, const uint32_t *idx, int64_t n, uint8_t *dst)
{
#define GATHER_W(W) \
    for (int64_t i = 0; i < n; i++) memcpy(dst + (size_t)i * (W), src + (size_t)idx[i] * (W), (W)); \
    return;
    switch (w) {
    case 1: GATHER_W(1)
    case 2: GATHER_W(2)
    case 4: GATHER_W(4)
    case 8: GATHER_W(8)
    case 12: GATHER_W(12)
    case 16: GATHER_W(16)
    default: break;
    }
#undef GATHER_W
    for (int64_t i = 0; i < n; i++) memcpy(dst + (size_t)i * (size_t)w, src + (size_t)idx[i] * (size_t)w, (size_t)w);
}

/* BYTE_ARRAY gather: sum the lengths, reserve once, copy. */
static pq_status gather_bytes(const pq_values *dict, const uint32_t *idx, int64_t n, pq_values *out, pq_error *err)
{
    const int64_t *doff = (const int64_t *)(const void *)dict->offsets.data;
    size_t total = 0;
    for (int64_t i = 0; i < n; i++) total += (size_t)(doff[idx[i] + 1] - doff[idx[i]]);
    /* All-empty values: the dictionary's data may be unallocated (NULL). */
    const uint8_t *src = total ? dict->data.data : NULL;
    size_t obytes;
    if (pq_mul_overflow((size_t)n + 1, sizeof(int64_t), &obytes)) return PQ_NOMEM(err);
    PQ_TRY(pq_buf_reserve(&out->offsets, obytes, err));
    PQ_TRY(pq_buf_reserve(&out->data, total + 16, err)); /* slack for 16-byte copies */
    if (out->offsets.len == 0) {
        const int64_t zero = 0;
        memcpy(out->offsets.data, &zero, sizeof zero);
        out->offsets.len = sizeof zero;
    }
    int64_t *off = (int64_t *)(void *)(out->offsets.data + out->offsets.len);
    uint8_t *base = out->data.data;
    int64_t end = (int64_t)out->data.len;
    if (!src) {
        for (int64_t i = 0; i < n; i++) off[i] = end;
    } else {
        size_t slen = dict->data.len;
        for (int64_t i = 0; i < n; i++) {
            int64_t s = doff[idx[i]], l = doff[idx[i] + 1] - s;
            /* short values: one constant 16-byte move, reading only
             * initialised dictionary bytes, writing into the slack */
            if (l <= 16 && (size_t)s + 16 <= slen) memcpy(base + end, src + s, 16);
            else memcpy(base + end, src + s, (size_t)l);
            end += l;
            off[i] = end;
        }
    }
    out->data.len = (size_t)end;
    out->offsets.len += (size_t)n * sizeof(int64_t);
    out->n += n;
    return PQ_OK;
}

pq_status pq_dict_gather(const pq_values *dict, const uint32_t *idx, int64_t n, pq_values *out, pq_error *err)
{
    if (dict->type != out->type || dict->width != out->width)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a dictionary of type %d width %d, found type %d width %d",
                       (int)out->type, (int)out->width, (int)dict->type, (int)dict->width);
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)n);
    if (n == 0) return PQ_OK;
    uint32_t max = 0;
    for (int64_t i = 0; i < n; i++) max = idx[i] > max ? idx[i] : max;
    if ((int64_t)max >= dict->n) {
        int64_t i = 0;
        while ((int64_t)idx[i] < dict->n) i++;
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected dictionary indices below the dictionary size %lld, found %u at index %lld",
                       (long long)dict->n, idx[i], (long long)i);
    }
    if (out->type == PQ_PHYS_BYTE_ARRAY) return gather_bytes(dict, idx, n, out, err);
    size_t bytes = (size_t)n * (size_t)out->width;
    if (out->width && bytes / (size_t)out->width != (size_t)n) return PQ_NOMEM(err);
    PQ_TRY(pq_buf_reserve(&out->data, bytes + 1, err));
    if (bytes) gather_fixed(dict->data.data, out->width, idx, n, out->data.data + out->data.len);
    out->data.len += bytes;
    out->n += n;
    return PQ_OK;
}

/* --------------------------------------------------------------- hashing */

/* 64-bit finaliser (MurmurHash3 fmix64 with one multiply): every input bit
 * reaches the high 32 bits that the table uses. */
static inline uint32_t hash_u64(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return (uint32_t)x;
}

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* The last 1..8 bytes of p[0..n) (n >= 1) as one word, without a
 * variable-length memcpy: overlapping loads when the string is long enough,
 * else 4-byte / 1-to-3-byte combinations (as wyhash does).  Different
 * strings of the same length give different words. */
static inline uint64_t load_tail(const uint8_t *p, size_t n, size_t total)
{
    if (total >= 8) return pq_load_u64le(p + n - 8);
    if (n >= 4) return ((uint64_t)pq_load_u32le(p) << 32) | pq_load_u32le(p + n - 4);
    return ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
}

/* Byte-string hash: 8 bytes per multiply-rotate step, the tail as one word,
 * the length mixed in so "a" and "a\0" differ. */
static inline uint32_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)n * 0xff51afd7ed558ccdULL);
    size_t total = n;
    while (n > 8) {
        h = rotl64(h ^ (pq_load_u64le(p) * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL;
        p += 8;
        n -= 8;
    }
    if (n) h = rotl64(h ^ (load_tail(p, n, total) * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* a[0..n) == b[0..n), word at a time with an overlapping last word; short
 * keys avoid a memcmp call. */
static inline bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 < n; i += 8)
            if (pq_load_u64le(a + i) != pq_load_u64le(b + i)) return false;
        return pq_load_u64le(a + n - 8) == pq_load_u64le(b + n - 8);
    }
    if (n >= 4) return pq_load_u32le(a) == pq_load_u32le(b) && pq_load_u32le(a + n - 4) == pq_load_u32le(b + n - 4);
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

/* ------------------------------------------------------------- the table */

pq_status pq_dict_builder_create(pq_dict_builder **out, pq_physical type, int32_t type_length, const pq_allocator *a,
                                 pq_error *err)
{
    *out = NULL;
    if (type < PQ_PHYS_BOOLEAN || type > PQ_PHYS_FIXED_LEN_BYTE_ARRAY)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a physical type 0..7, found %d", (int)type);
    if (type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY && type_length < 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a FIXED_LEN_BYTE_ARRAY length >= 0, found %d", (int)type_length);
    pq_dict_builder *d = (pq_dict_builder *)pq_alloc(a, sizeof *d);
    if (!d) return PQ_NOMEM(err);
    d->slots = (uint64_t *)pq_calloc(a, DICT_MIN_SLOTS, sizeof(uint64_t));
    if (!d->slots) {
        pq_free(a, d);
        return PQ_NOMEM(err);
    }
    d->cap = DICT_MIN_SLOTS;
    d->bytes_size = 0;
    d->alloc = a;
    pq_values_init(&d->vals, type, type_length, a);
    *out = d;
    return PQ_OK;
}

void pq_dict_builder_destroy(pq_dict_builder *d)
{
    if (!d) return;
    pq_values_reset(&d->vals);
    pq_free(d->alloc, d->slots);
    pq_free(d->alloc, d);
}

void pq_dict_builder_clear(pq_dict_builder *d)
{
    memset(d->slots, 0, d->cap * sizeof(uint64_t));
    pq_values_clear(&d->vals);
    d->bytes_size = 0;
}

int64_t pq_dict_builder_count(const pq_dict_builder *d) { return d->vals.n; }

int64_t pq_dict_builder_plain_size(const pq_dict_builder *d)
{
    if (d->vals.type == PQ_PHYS_BYTE_ARRAY) return d->bytes_size;
    if (d->vals.type == PQ_PHYS_BOOLEAN) return (d->vals.n + 7) / 8; /* PLAIN booleans are bit-packed */
    return d->vals.n * d->vals.width;
}

pq_values_view pq_dict_builder_values(const pq_dict_builder *d) { return pq_values_view_of(&d->vals); }

/* Double the slot array, reinserting by the stored hashes. */
static pq_status grow_table(pq_dict_builder *d, pq_error *err)
{
    if (d->cap > SIZE_MAX / 2 / sizeof(uint64_t)) return PQ_NOMEM(err);
    size_t cap = d->cap * 2, mask = cap - 1;
    uint64_t *slots = (uint64_t *)pq_calloc(d->alloc, cap, sizeof(uint64_t));
    if (!slots) return PQ_NOMEM(err);
    for (size_t i = 0; i < d->cap; i++) {
        uint64_t s = d->slots[i];
        if (!s) continue;
        size_t pos = (size_t)(s >> 32) & mask;
        while (slots[pos]) pos = (pos + 1) & mask;
        slots[pos] = s;
    }
    pq_free(d->alloc, d->slots);
    d->slots = slots;
    d->cap = cap;
    return PQ_OK;
}

/* Before inserting one more entry: enforce the entry limit and keep the load
 * factor at most 1/2.  *grew tells the caller that slot positions changed,
 * so the free slot it found must be looked up again. */
static pq_status make_room(pq_dict_builder *d, bool *grew, pq_error *err)
{
    *grew = false;
    if (d->vals.n >= DICT_MAX_ENTRIES)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "expected at most %lld dictionary entries, found more",
                       (long long)DICT_MAX_ENTRIES);
    /* Load <= 1/4 while the slots fit in 512 KiB (probes then hit at once:
     * fewer mispredicted branches on the hot lookup), <= 1/2 beyond, where
     * cache misses on a bigger table would cost more. */
    size_t load = d->cap <= ((size_t)1 << 16) ? 4 : 2;
    if ((size_t)(d->vals.n + 1) * load <= d->cap) return PQ_OK;
    PQ_TRY(grow_table(d, err));
    *grew = true;
    return PQ_OK;
}

/* Find the empty slot for a key known to be absent (after a growth). */
static size_t free_slot(const pq_dict_builder *d, uint32_t h)
{
    size_t mask = d->cap - 1, pos = h & mask;
    while (d->slots[pos]) pos = (pos + 1) & mask;
    return pos;
}

/* Insert a fixed-width key at slot `pos` (empty) with hash h. */
static pq_status insert_fixed(pq_dict_builder *d, size_t pos, uint32_t h, const uint8_t *key, uint32_t *idx,
                              pq_error *err)
{
    bool grew;
    PQ_TRY(make_room(d, &grew, err));
    size_t w = (size_t)d->vals.width;
    PQ_TRY(pq_buf_reserve(&d->vals.data, w + 1, err));
    if (grew) pos = free_slot(d, h);
    if (w) memcpy(d->vals.data.data + d->vals.data.len, key, w);
    d->vals.data.len += w;
    *idx = (uint32_t)d->vals.n++;
    d->slots[pos] = ((uint64_t)h << 32) | ((uint64_t)*idx + 1);
    return PQ_OK;
}

/* Add loop for one constant key width W in {4, 8}: keys compare as integers. */
#define ADD_INT_LOOP(W, LOAD)                                                         \
    for (int64_t i = 0; i < v->n; i++) {                                              \
        const uint8_t *key = v->data + (size_t)i * (W);                               \
        uint64_t x = LOAD(key);                                                       \
        uint32_t h = hash_u64(x);                                                     \
        size_t mask = d->cap - 1, pos = h & mask;                                     \
        for (;;) {                                                                    \
            uint64_t s = d->slots[pos];                                               \
            if (!s) {                                                                 \
                PQ_TRY(insert_fixed(d, pos, h, key, &out_idx[i], err));               \
                break;                                                                \
            }                                                                         \
            uint32_t e = (uint32_t)s - 1;                                             \
            if ((uint32_t)(s >> 32) == h && LOAD(d->vals.data.data + (size_t)e * (W)) == x) { \
                out_idx[i] = e;                                                       \
                break;                                                                \
            }                                                                         \
            pos = (pos + 1) & mask;                                                   \
        }                                                                             \
    }                                                                                 \
    return PQ_OK;

static pq_status add_u32(pq_dict_builder *d, const pq_values_view *v, uint32_t *out_idx, pq_error *err)
{
    ADD_INT_LOOP(4, pq_load_u32le)
}

static pq_status add_u64(pq_dict_builder *d, const pq_values_view *v, uint32_t *out_idx, pq_error *err)
{
    ADD_INT_LOOP(8, pq_load_u64le)
}

/* Any other fixed width (BOOLEAN, INT96, FLBA): byte hash and compare. */
static pq_status add_fixed(pq_dict_builder *d, const pq_values_view *v, uint32_t *out_idx, pq_error *err)
{
    size_t w = (size_t)v->width;
    /* Width 0 (FLBA(0)) may come with no data at all. */
    const uint8_t *base = v->data ? v->data : (const uint8_t *)"";
    for (int64_t i = 0; i < v->n; i++) {
        const uint8_t *key = base + (size_t)i * w;
        uint32_t h = hash_bytes(key, w);
        size_t mask = d->cap - 1, pos = h & mask;
        for (;;) {
            uint64_t s = d->slots[pos];
            if (!s) {
                PQ_TRY(insert_fixed(d, pos, h, key, &out_idx[i], err));
                break;
            }
            uint32_t e = (uint32_t)s - 1;
            if ((uint32_t)(s >> 32) == h && (w == 0 || bytes_equal(d->vals.data.data + (size_t)e * w, key, w))) {
                out_idx[i] = e;
                break;
            }
            pos = (pos + 1) & mask;
        }
    }
    return PQ_OK;
}

/* Insert a BYTE_ARRAY key of `len` bytes at empty slot `pos`. */
static pq_status insert_bytes(pq_dict_builder *d, size_t pos, uint32_t h, const uint8_t *key, size_t len,
                              uint32_t *idx, pq_error *err)
{
    bool grew;
    PQ_TRY(make_room(d, &grew, err));
    pq_values *vals = &d->vals;
    PQ_TRY(pq_buf_reserve(&vals->offsets, 2 * sizeof(int64_t), err));
    PQ_TRY(pq_buf_reserve(&vals->data, len + 1, err));
    if (grew) pos = free_slot(d, h);
    if (vals->offsets.len == 0) {
        const int64_t zero = 0;
        memcpy(vals->offsets.data, &zero, sizeof zero);
        vals->offsets.len = sizeof zero;
    }
    if (len) memcpy(vals->data.data + vals->data.len, key, len);
    vals->data.len += len;
    int64_t end = (int64_t)vals->data.len;
    memcpy(vals->offsets.data + vals->offsets.len, &end, sizeof end);
    vals->offsets.len += sizeof end;
    *idx = (uint32_t)vals->n++;
    d->bytes_size += 4 + (int64_t)len;
    d->slots[pos] = ((uint64_t)h << 32) | ((uint64_t)*idx + 1);
    return PQ_OK;
}

static pq_status add_bytes(pq_dict_builder *d, const pq_values_view *v, uint32_t *out_idx, pq_error *err)
{
    /* A view of only empty values may have no data at all (NULL). */
    const uint8_t *base = v->data ? v->data : (const uint8_t *)"";
    for (int64_t i = 0; i < v->n; i++) {
        const uint8_t *key = v->data ? base + v->offsets[i] : base;
        size_t len = (size_t)(v->offsets[i + 1] - v->offsets[i]);
        uint32_t h = hash_bytes(key, len);
        size_t mask = d->cap - 1, pos = h & mask;
        for (;;) {
            uint64_t s = d->slots[pos];
            if (!s) {
                PQ_TRY(insert_bytes(d, pos, h, key, len, &out_idx[i], err));
                break;
            }
            uint32_t e = (uint32_t)s - 1;
            if ((uint32_t)(s >> 32) == h) {
                const int64_t *off = (const int64_t *)(const void *)d->vals.offsets.data;
                if ((size_t)(off[e + 1] - off[e]) == len &&
                    (len == 0 || bytes_equal(d->vals.data.data + off[e], key, len))) {
                    out_idx[i] = e;
                    break;
                }
            }
            pos = (pos + 1) & mask;
        }
    }
    return PQ_OK;
}

pq_status pq_dict_builder_add(pq_dict_builder *d, const pq_values_view *v, uint32_t *out_idx, pq_error *err)
{
    if (v->type != d->vals.type || v->width != d->vals.width)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected values of type %d width %d, found type %d width %d",
                       (int)d->vals.type, (int)d->vals.width, (int)v->type, (int)v->width);
    if (v->n <= 0) return PQ_OK;
    if (v->type == PQ_PHYS_BYTE_ARRAY) return add_bytes(d, v, out_idx, err);
    if (v->width == 4) return add_u32(d, v, out_idx, err);
    if (v->width == 8) return add_u64(d, v, out_idx, err);
    return add_fixed(d, v, out_idx, err);
}
