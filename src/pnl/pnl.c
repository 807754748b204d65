/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl.c - the pq_pnl value: freeing, names of layouts and roles, the
 * header names that give a column its role, and the label dictionary that
 * string attributes (day, zone, regime) are coded through.
 */
#include "pnl/pnl_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;     /* header name, matched case-insensitively */
    pq_pnl_meta_kind kind;
} ROLES[PQ_PNL_ROLE_COUNT] = {
    [PQ_PNL_DATE] = {"Date", PQ_PNL_META_DATE},
    [PQ_PNL_DAY] = {"Day", PQ_PNL_META_STRING},
    [PQ_PNL_ZONE] = {"Zone", PQ_PNL_META_STRING},
    [PQ_PNL_START_TIME] = {"start_time", PQ_PNL_META_TIME},
    [PQ_PNL_END_TIME] = {"end_time", PQ_PNL_META_TIME},
    [PQ_PNL_REGIME] = {"market_regime", PQ_PNL_META_STRING},
    [PQ_PNL_CONFIDENCE] = {"Regime_Confidence_%", PQ_PNL_META_DOUBLE},
    [PQ_PNL_TRANSITION] = {"Market_regime_transition_threshold", PQ_PNL_META_DOUBLE},
    [PQ_PNL_CAPITAL] = {"capital", PQ_PNL_META_DOUBLE},
};

const char *pq_pnl_role_name(pq_pnl_role r)
{
    return (unsigned)r < PQ_PNL_ROLE_COUNT ? ROLES[r].name : "?";
}

pq_pnl_meta_kind pnl_role_kind(pq_pnl_role r) { return ROLES[r].kind; }

int pnl_role_of(const char *name)
{
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++)
        if (strcasecmp(name, ROLES[r].name) == 0) return r;
    return -1;
}

const char *pq_pnl_layout_name(pq_pnl_layout l)
{
    switch (l) {
    case PQ_PNL_LAYOUT_LEGACY: return "legacy";
    case PQ_PNL_LAYOUT_ZONE: return "zone";
    case PQ_PNL_LAYOUT_ENHANCED: return "enhanced";
    }
    return "?";
}

bool pnl_layout_parse(const char *s, pq_pnl_layout *out)
{
    for (int l = PQ_PNL_LAYOUT_LEGACY; l <= PQ_PNL_LAYOUT_ENHANCED; l++)
        if (strcmp(s, pq_pnl_layout_name((pq_pnl_layout)l)) == 0) {
            *out = (pq_pnl_layout)l;
            return true;
        }
    return false;
}

pq_pnl_layout pnl_layout_of(const pq_pnl *p)
{
    for (int r = PQ_PNL_START_TIME; r < PQ_PNL_ROLE_COUNT; r++)
        if (p->meta[r].present) return PQ_PNL_LAYOUT_ENHANCED;
    return p->meta[PQ_PNL_ZONE].present ? PQ_PNL_LAYOUT_ZONE : PQ_PNL_LAYOUT_LEGACY;
}

bool pq_pnl_header_matches(const char *const *names, int64_t n)
{
    if (n < 2 || pnl_role_of(names[0]) != PQ_PNL_DATE) return false;
    int r = pnl_role_of(names[1]);
    return r == PQ_PNL_DAY || r == PQ_PNL_ZONE || r == PQ_PNL_START_TIME;
}

void pnl_meta_free(pq_pnl_meta *m)
{
    free(m->name);
    free(m->days);
    free(m->micros);
    free(m->doubles);
    free(m->codes);
    for (int32_t i = 0; i < m->n_labels; i++) free(m->labels[i]);
    free(m->labels);
    free(m->nulls);
    memset(m, 0, sizeof *m);
}

void pq_pnl_free(pq_pnl *p)
{
    if (!p) return;
    if (p->names)
        for (int64_t s = 0; s < p->n_strategies; s++) free(p->names[s]);
    free(p->names);
    free(p->positions);
    free(p->values);
    free(p->nulls);
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++) pnl_meta_free(&p->meta[r]);
    memset(p, 0, sizeof *p);
}

bool pq_pnl_is_null(const pq_pnl *p, int64_t s, int64_t r)
{
    if (!p->nulls) return false;
    uint64_t bit = (uint64_t)s * (uint64_t)p->n_rows + (uint64_t)r;
    return (p->nulls[bit >> 3] >> (bit & 7)) & 1;
}

pq_status pnl_meta_alloc(pq_pnl_meta *m, pq_pnl_role role, const char *name, int64_t position, int64_t n_rows,
                         pq_error *err)
{
    memset(m, 0, sizeof *m);
    m->present = true;
    m->kind = ROLES[role].kind;
    m->position = position;
    m->name = strdup(name);
    size_t n = n_rows > 0 ? (size_t)n_rows : 1;
    switch (m->kind) {
    case PQ_PNL_META_DATE: m->days = calloc(n, sizeof *m->days); break;
    case PQ_PNL_META_TIME: m->micros = calloc(n, sizeof *m->micros); break;
    case PQ_PNL_META_DOUBLE: m->doubles = calloc(n, sizeof *m->doubles); break;
    case PQ_PNL_META_STRING: m->codes = calloc(n, sizeof *m->codes); break;
    }
    if (!m->name || !(m->days || m->micros || m->doubles || m->codes)) {
        pnl_meta_free(m);
        return PQ_NOMEM(err);
    }
    return PQ_OK;
}

pq_status pnl_meta_set_null(pq_pnl_meta *m, int64_t row, int64_t n_rows, pq_error *err)
{
    if (m->kind == PQ_PNL_META_STRING) {
        m->codes[row] = -1;
        return PQ_OK;
    }
    if (!m->nulls && !(m->nulls = calloc((size_t)(n_rows + 7) / 8 + 1, 1))) return PQ_NOMEM(err);
    m->nulls[row >> 3] |= (uint8_t)(1u << (row & 7));
    if (m->kind == PQ_PNL_META_DOUBLE) m->doubles[row] = 0.0;
    return PQ_OK;
}

pq_status pnl_meta_resize(pq_pnl_meta *m, int64_t old_rows, int64_t rows, pq_error *err)
{
    size_t n = (size_t)(rows > 0 ? rows : 1);
    void **arr = m->days ? (void **)&m->days : m->micros ? (void **)&m->micros
               : m->doubles ? (void **)&m->doubles : (void **)&m->codes;
    size_t w = (m->days || m->codes) ? 4 : 8;
    void *grown = realloc(*arr, n * w);
    if (!grown) return PQ_NOMEM(err);
    *arr = grown;
    if (rows > old_rows) memset((uint8_t *)grown + (size_t)old_rows * w, 0, (size_t)(rows - old_rows) * w);
    if (m->nulls) {
        size_t old_bytes = (size_t)old_rows / 8 + 1, bytes = n / 8 + 1;
        uint8_t *nb = realloc(m->nulls, bytes);
        if (!nb) return PQ_NOMEM(err);
        if (bytes > old_bytes) memset(nb + old_bytes, 0, bytes - old_bytes);
        m->nulls = nb;
    }
    return PQ_OK;
}

pq_status pnl_set_null(pq_pnl *p, int64_t s, int64_t r, pq_error *err)
{
    size_t cells = (size_t)p->n_rows * (size_t)p->n_strategies;
    if (!p->nulls && !(p->nulls = calloc(cells / 8 + 1, 1))) return PQ_NOMEM(err);
    size_t bit = (size_t)s * (size_t)p->n_rows + (size_t)r;
    p->nulls[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    p->values[bit] = NAN;
    return PQ_OK;
}

int pnl_meta_order(const pq_pnl *p, int order[PQ_PNL_ROLE_COUNT])
{
    int n = 0;
    for (int r = 0; r < PQ_PNL_ROLE_COUNT; r++)
        if (p->meta[r].present) order[n++] = r;
    for (int i = 1; i < n; i++) /* by position; a handful of columns */
        for (int j = i; j > 0 && p->meta[order[j]].position < p->meta[order[j - 1]].position; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    return n;
}

int64_t pnl_columns(const pq_pnl *p, pnl_col *out)
{
    int order[PQ_PNL_ROLE_COUNT];
    int nm = pnl_meta_order(p, order), mi = 0;
    int64_t si = 0, n = 0;
    while (mi < nm || si < p->n_strategies) {
        bool meta = mi < nm && (si >= p->n_strategies || p->meta[order[mi]].position < p->positions[si]);
        if (meta) out[n++] = (pnl_col){order[mi++], -1};
        else out[n++] = (pnl_col){-1, si++};
    }
    return n;
}

bool pnl_meta_is_null(const pq_pnl_meta *m, int64_t row)
{
    if (m->kind == PQ_PNL_META_STRING) return m->codes[row] < 0;
    return m->nulls && ((m->nulls[row >> 3] >> (row & 7)) & 1);
}

/* ------------------------------------------------------------- labels */

static uint64_t hash_bytes(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

void pnl_labels_init(pnl_labels *d, pq_pnl_meta *m)
{
    memset(d, 0, sizeof *d);
    d->meta = m;
}

void pnl_labels_reset(pnl_labels *d) { free(d->slots); memset(d, 0, sizeof *d); }

pq_status pnl_labels_code(pnl_labels *d, const uint8_t *s, size_t n, int32_t *code, pq_error *err)
{
    pq_pnl_meta *m = d->meta;
    if (d->last >= 0 && d->last < m->n_labels && strlen(m->labels[d->last]) == n &&
        memcmp(m->labels[d->last], s, n) == 0) {
        *code = d->last;
        return PQ_OK;
    }
    if ((size_t)m->n_labels * 2 + 2 > d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        int32_t *slots = malloc(cap * sizeof *slots);
        if (!slots) return PQ_NOMEM(err);
        for (size_t i = 0; i < cap; i++) slots[i] = -1;
        for (int32_t i = 0; i < m->n_labels; i++) {
            size_t h = hash_bytes(m->labels[i], strlen(m->labels[i])) & (cap - 1);
            while (slots[h] >= 0) h = (h + 1) & (cap - 1);
            slots[h] = i;
        }
        free(d->slots);
        d->slots = slots;
        d->cap = cap;
    }
    size_t h = hash_bytes(s, n) & (d->cap - 1);
    for (; d->slots[h] >= 0; h = (h + 1) & (d->cap - 1)) {
        const char *l = m->labels[d->slots[h]];
        if (strlen(l) == n && memcmp(l, s, n) == 0) {
            *code = d->last = d->slots[h];
            return PQ_OK;
        }
    }
    if (m->n_labels == INT32_MAX) return PQ_FAIL(err, PQ_ERR_LIMIT, "column %s: too many distinct labels", m->name);
    char **labels = realloc(m->labels, ((size_t)m->n_labels + 1) * sizeof *labels);
    if (!labels) return PQ_NOMEM(err);
    m->labels = labels;
    char *copy = malloc(n + 1);
    if (!copy) return PQ_NOMEM(err);
    memcpy(copy, s, n);
    copy[n] = 0;
    m->labels[m->n_labels] = copy;
    d->slots[h] = m->n_labels;
    *code = d->last = m->n_labels++;
    return PQ_OK;
}

/* ------------------------------------------------------------ row order */

typedef struct date_row {
    int32_t day;
    int64_t row;
} date_row;

static int cmp_date_row(const void *a, const void *b)
{
    const date_row *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Permute `n` elements of width w at base by perm (new[i] = old[perm[i]]). */
static bool permute(void *base, size_t w, const int64_t *perm, int64_t n)
{
    uint8_t *tmp = malloc((size_t)n * w + 1), *b = base;
    if (!tmp) return false;
    for (int64_t i = 0; i < n; i++) memcpy(tmp + (size_t)i * w, b + (size_t)perm[i] * w, w);
    memcpy(b, tmp, (size_t)n * w);
    free(tmp);
    return true;
}

static bool permute_bits(uint8_t *bits, size_t first, const int64_t *perm, int64_t n)
{
    uint8_t *tmp = calloc((size_t)n / 8 + 1, 1);
    if (!tmp) return false;
    for (int64_t i = 0; i < n; i++) {
        size_t src = first + (size_t)perm[i];
        if ((bits[src >> 3] >> (src & 7)) & 1) tmp[i >> 3] |= (uint8_t)(1u << (i & 7));
    }
    for (int64_t i = 0; i < n; i++) {
        size_t dst = first + (size_t)i;
        if ((tmp[i >> 3] >> (i & 7)) & 1) bits[dst >> 3] |= (uint8_t)(1u << (dst & 7));
        else bits[dst >> 3] &= (uint8_t) ~(1u << (dst & 7));
    }
    free(tmp);
    return true;
}

pq_status pq_pnl_sort_by_date(pq_pnl *p, pq_error *err)
{
    int64_t n = p->n_rows;
    if (n <= 1 || !p->meta[PQ_PNL_DATE].present) return PQ_OK;
    date_row *dr = malloc((size_t)n * sizeof *dr);
    int64_t *perm = malloc((size_t)n * sizeof *perm);
    if (!dr || !perm) {
        free(dr);
        free(perm);
        return PQ_NOMEM(err);
    }
    for (int64_t r = 0; r < n; r++) dr[r] = (date_row){p->meta[PQ_PNL_DATE].days[r], r};
    qsort(dr, (size_t)n, sizeof *dr, cmp_date_row);
    bool sorted = true, ok = true;
    for (int64_t r = 0; r < n; r++) {
        perm[r] = dr[r].row;
        if (perm[r] != r) sorted = false;
    }
    free(dr);
    for (int64_t s = 0; !sorted && ok && s < p->n_strategies; s++) {
        ok = permute(p->values + (size_t)s * (size_t)n, 8, perm, n);
        if (ok && p->nulls) ok = permute_bits(p->nulls, (size_t)s * (size_t)n, perm, n);
    }
    for (int k = 0; !sorted && ok && k < PQ_PNL_ROLE_COUNT; k++) {
        pq_pnl_meta *m = &p->meta[k];
        if (!m->present) continue;
        if (m->days) ok = permute(m->days, 4, perm, n);
        if (m->micros) ok = ok && permute(m->micros, 8, perm, n);
        if (m->doubles) ok = ok && permute(m->doubles, 8, perm, n);
        if (m->codes) ok = ok && permute(m->codes, 4, perm, n);
        if (m->nulls) ok = ok && permute_bits(m->nulls, 0, perm, n);
    }
    free(perm);
    return ok ? PQ_OK : PQ_NOMEM(err);
}
