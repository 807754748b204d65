/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/universes.c - which universes a backtest runs: the "--universes"
 * selection ("1,5,10-15,25", every bad part an error naming it), the names
 * of universe files under both conventions (with their ids), and the
 * listing of a folder's universes, one entry per stem, sorted.
 */
#include "backtest/universes.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ID_MAX 1000000      /* the largest id of a selection or a file name */
#define IDS_MAX 1000000     /* ids of a selection in all, before de-duplication */
#define PART_SHOWN 64       /* characters of a bad part quoted in a message */

/* ---------------------------------------------------------- selection */

void pq_bt_selection_reset(pq_bt_selection *s)
{
    if (!s) return;
    free(s->ids);
    s->ids = NULL;
    s->n = 0;
}

bool pq_bt_selection_has(const pq_bt_selection *s, int id)
{
    if (!s || !s->ids) return false;
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ids[mid] == id) return true;
        if (s->ids[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return false;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

typedef enum num_kind { NUM_OK, NUM_NONE, NUM_NEGATIVE, NUM_ZERO, NUM_BIG } num_kind;

/* One number at *p (end = end of the part): "-"? digits.  Advances *p past
 * it.  NUM_NONE when no digit is there; NUM_BIG above ID_MAX (no overflow:
 * accumulation stops there). */
static num_kind parse_number(const char **p, const char *end, long *value)
{
    const char *s = *p;
    bool neg = false;
    if (s < end && *s == '-' && s + 1 < end && is_digit(s[1])) {
        neg = true;
        s++;
    }
    if (s >= end || !is_digit(*s)) return NUM_NONE;
    long v = 0;
    bool big = false;
    for (; s < end && is_digit(*s); s++) {
        if (!big) v = v * 10 + (*s - '0');
        if (v > ID_MAX) big = true;
    }
    *p = s;
    *value = v;
    if (neg) return v == 0 ? NUM_ZERO : NUM_NEGATIVE;
    if (big) return NUM_BIG;
    return v == 0 ? NUM_ZERO : NUM_OK;
}

typedef struct id_range {
    long lo, hi;
} id_range;

/* "--universes: part K 'TEXT': PROBLEM" (long parts cut). */
static pq_status part_error(pq_error *err, size_t k, const char *part, size_t len, const char *problem)
{
    int shown = len > PART_SHOWN ? PART_SHOWN : (int)len;
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "--universes: part %zu '%.*s%s': %s", k, shown, part,
                   len > PART_SHOWN ? "..." : "", problem);
}

/* The error of a number that is not a valid id (kind != NUM_OK). */
static pq_status number_error(pq_error *err, size_t k, const char *part, size_t len, num_kind kind)
{
    switch (kind) {
    case NUM_NEGATIVE: return part_error(err, k, part, len, "ids start at 1 (a negative id)");
    case NUM_ZERO: return part_error(err, k, part, len, "ids start at 1 (0 is not an id)");
    case NUM_BIG: return part_error(err, k, part, len, "an id is at most 1000000");
    default: return part_error(err, k, part, len, "not an id nor a range of ids (A-B)");
    }
}

/* One trimmed part [part, part+len): "N" or "A - B". */
static pq_status parse_part(const char *part, size_t len, size_t k, id_range *out, pq_error *err)
{
    const char *end = part + len, *p = part;
    if (len == 0) return part_error(err, k, part, len, "empty part");
    long a = 0, b = 0;
    num_kind ka = parse_number(&p, end, &a);
    if (ka == NUM_NONE) return number_error(err, k, part, len, ka);
    while (p < end && is_space(*p)) p++;
    if (p == end) {
        if (ka != NUM_OK) return number_error(err, k, part, len, ka);
        out->lo = out->hi = a;
        return PQ_OK;
    }
    if (*p != '-') return number_error(err, k, part, len, NUM_NONE);
    p++;
    while (p < end && is_space(*p)) p++;
    num_kind kb = parse_number(&p, end, &b);
    if (kb == NUM_NONE || p != end) return number_error(err, k, part, len, NUM_NONE);
    if (ka != NUM_OK) return number_error(err, k, part, len, ka);
    if (kb != NUM_OK) return number_error(err, k, part, len, kb);
    if (a > b) {
        char problem[96];
        snprintf(problem, sizeof problem, "a range must go up (%ld > %ld)", a, b);
        return part_error(err, k, part, len, problem);
    }
    out->lo = a;
    out->hi = b;
    return PQ_OK;
}

static int cmp_range(const void *x, const void *y)
{
    const id_range *a = (const id_range *)x, *b = (const id_range *)y;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    return (a->hi > b->hi) - (a->hi < b->hi);
}

pq_status pq_bt_selection_parse(const char *text, pq_bt_selection *out, pq_error *err)
{
    out->ids = NULL;
    out->n = 0;
    if (!text) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "--universes: no selection given");
    const char *t = text;
    while (is_space(*t)) t++;
    if (!*t)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "--universes: the selection is empty (expected ids such as 1,5,10-15)");

    size_t n_parts = 1;
    for (const char *c = text; *c; c++) n_parts += *c == ',';
    size_t bytes;
    if (pq_mul_overflow(n_parts, sizeof(id_range), &bytes)) return PQ_NOMEM(err);
    id_range *ranges = (id_range *)malloc(bytes);
    if (!ranges) return PQ_NOMEM(err);

    size_t total = 0, k = 0;
    for (const char *p = text;;) {
        const char *comma = strchr(p, ',');
        const char *pe = comma ? comma : p + strlen(p);
        const char *b = p, *e = pe;
        while (b < e && is_space(*b)) b++;
        while (e > b && is_space(e[-1])) e--;
        pq_status st = parse_part(b, (size_t)(e - b), k + 1, &ranges[k], err);
        if (st != PQ_OK) {
            free(ranges);
            return st;
        }
        total += (size_t)(ranges[k].hi - ranges[k].lo + 1);
        if (total > IDS_MAX) {
            free(ranges);
            return part_error(err, k + 1, b, (size_t)(e - b), "more than 1000000 ids in all");
        }
        k++;
        if (!comma) break;
        p = comma + 1;
    }

    /* merge overlapping or touching ranges, then expand */
    qsort(ranges, k, sizeof *ranges, cmp_range);
    size_t m = 0, n_ids = 0;
    for (size_t i = 0; i < k; i++) {
        if (m > 0 && ranges[i].lo <= ranges[m - 1].hi + 1) {
            if (ranges[i].hi > ranges[m - 1].hi) ranges[m - 1].hi = ranges[i].hi;
        } else {
            ranges[m++] = ranges[i];
        }
    }
    for (size_t i = 0; i < m; i++) n_ids += (size_t)(ranges[i].hi - ranges[i].lo + 1);
    int *ids = (int *)malloc(n_ids * sizeof *ids); /* n_ids <= IDS_MAX: no overflow */
    if (!ids) {
        free(ranges);
        return PQ_NOMEM(err);
    }
    size_t j = 0;
    for (size_t i = 0; i < m; i++)
        for (long v = ranges[i].lo; v <= ranges[i].hi; v++) ids[j++] = (int)v;
    free(ranges);
    out->ids = ids;
    out->n = n_ids;
    return PQ_OK;
}

/* "1,3,5-7" (the selection syntax) of sorted, distinct ids into buf; ends
 * with ",..." when it does not fit; "none" for no id. */
static void format_ids(char *buf, size_t cap, const int *ids, size_t n)
{
    if (n == 0) {
        snprintf(buf, cap, "none");
        return;
    }
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && ids[j + 1] == ids[j] + 1) j++;
        char item[32];
        if (j > i) snprintf(item, sizeof item, "%s%d-%d", i ? "," : "", ids[i], ids[j]);
        else snprintf(item, sizeof item, "%s%d", i ? "," : "", ids[i]);
        size_t il = strlen(item);
        if (len + il + 5 > cap) { /* room for ",..." and the NUL */
            snprintf(buf + len, cap - len, ",...");
            return;
        }
        memcpy(buf + len, item, il + 1);
        len += il;
        i = j + 1;
    }
}

/* ------------------------------------------------------------- names */

static const int GRID_INTERVALS[5] = {1, 5, 15, 30, 60};
static const int GRID_LOOKBACKS[5] = {5, 10, 15, 20, 30};

/* The digits at *p as a value 1..ID_MAX, advancing *p; false (the name
 * does not parse) for no digit, 0, or a value above ID_MAX. */
static bool name_number(const char **p, const char *end, int *out)
{
    const char *s = *p;
    long v = 0;
    if (s >= end || !is_digit(*s)) return false;
    for (; s < end && is_digit(*s); s++) {
        v = v * 10 + (*s - '0');
        if (v > ID_MAX) return false;
    }
    if (v == 0) return false;
    *p = s;
    *out = (int)v;
    return true;
}

static bool take(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0) return false;
    *p += n;
    return true;
}

/* The part after "universe_": "<NNN>_<X>min_<Y>lb" or "<I>m_<L>lb".  Leaves
 * the fields at 0 when neither matches. */
static void parse_universe_tail(const char *s, const char *end, pq_bt_universe_file *f)
{
    const char *p = s;
    int a, x, y;
    if (!name_number(&p, end, &a)) return;
    if (take(&p, end, "_")) { /* universe_<NNN>_<X>min_<Y>lb */
        if (name_number(&p, end, &x) && take(&p, end, "min_") && name_number(&p, end, &y) && take(&p, end, "lb") &&
            p == end) {
            f->id = a;
            f->interval = x;
            f->lookback = y;
        }
        return;
    }
    if (take(&p, end, "m_") && name_number(&p, end, &y) && take(&p, end, "lb") && p == end) {
        f->interval = a;
        f->lookback = y;
        for (int i = 0; i < 5; i++)
            for (int l = 0; l < 5; l++)
                if (GRID_INTERVALS[i] == a && GRID_LOOKBACKS[l] == y) f->id = i * 5 + l + 1;
    }
}

static bool has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The first `needle` in [s, s+n), or NULL. */
static const char *find_in(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0) return s + i;
    return NULL;
}

/* The universe rules without allocating: *stem_len is the stem's length. */
static bool universe_name(const char *name, pq_bt_universe_file *out, size_t *stem_len)
{
    memset(out, 0, sizeof *out);
    if (!name || name[0] == '.' || strstr(name, ".tmp-")) return false;
    size_t n = strlen(name);
    bool parquet = has_suffix(name, n, ".parquet");
    if (!parquet && !has_suffix(name, n, ".json")) return false;
    size_t sl = n - (parquet ? 8 : 5);
    if (sl == 0) return false;
    if (has_suffix(name, sl, "_metadata") || find_in(name, sl, "_backtest")) return false;
    if (find_in(name, sl, "_candles_")) return false;
    /* the last "universe_" at the start or after '_' */
    const char *u = NULL;
    for (size_t i = 0; i + 9 <= sl; i++)
        if ((i == 0 || name[i - 1] == '_') && memcmp(name + i, "universe_", 9) == 0) u = name + i;
    if (!u) return false;
    parse_universe_tail(u + 9, name + sl, out);
    out->is_parquet = parquet;
    *stem_len = sl;
    return true;
}

bool pq_bt_universe_name(const char *name, pq_bt_universe_file *out)
{
    size_t sl = 0;
    if (!universe_name(name, out, &sl)) return false;
    out->stem = strndup(name, sl);
    if (!out->stem) {
        memset(out, 0, sizeof *out);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------- folder */

void pq_bt_universe_list_reset(pq_bt_universe_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->files[i].path);
        free(l->files[i].stem);
    }
    free(l->files);
    l->files = NULL;
    l->n = 0;
}

/* Stem, then the Parquet before the JSON: pairs end up side by side. */
static int cmp_stem(const void *x, const void *y)
{
    const pq_bt_universe_file *a = (const pq_bt_universe_file *)x, *b = (const pq_bt_universe_file *)y;
    int c = strcmp(a->stem, b->stem);
    if (c) return c;
    return (int)b->is_parquet - (int)a->is_parquet;
}

/* (interval, lookback, stem), unknown intervals last. */
static int cmp_order(const void *x, const void *y)
{
    const pq_bt_universe_file *a = (const pq_bt_universe_file *)x, *b = (const pq_bt_universe_file *)y;
    if ((a->interval == 0) != (b->interval == 0)) return a->interval == 0 ? 1 : -1;
    if (a->interval != b->interval) return a->interval < b->interval ? -1 : 1;
    if (a->lookback != b->lookback) return a->lookback < b->lookback ? -1 : 1;
    return strcmp(a->stem, b->stem);
}

static int cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

/* Append one file to l (capacity *cap); takes f's strings either way. */
static pq_status push_file(pq_bt_universe_list *l, size_t *cap, pq_bt_universe_file *f, pq_error *err)
{
    if (l->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16, bytes;
        if (nc < *cap || pq_mul_overflow(nc, sizeof *l->files, &bytes)) goto nomem;
        pq_bt_universe_file *g = (pq_bt_universe_file *)realloc(l->files, bytes);
        if (!g) goto nomem;
        l->files = g;
        *cap = nc;
    }
    l->files[l->n++] = *f;
    return PQ_OK;
nomem:
    free(f->path);
    free(f->stem);
    return PQ_NOMEM(err);
}

/* Every universe file of the folder, unpaired and unsorted. */
static pq_status list_folder(const char *dir, DIR *d, pq_bt_universe_list *l, pq_error *err)
{
    size_t cap = 0;
    size_t dl = strlen(dir);
    const char *sep = dl > 0 && dir[dl - 1] == '/' ? "" : "/";
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot list the folder: %s", dir, strerror(errno));
            return PQ_OK;
        }
        pq_bt_universe_file f;
        size_t sl = 0;
        if (!universe_name(e->d_name, &f, &sl)) continue;
        char path[PATH_MAX];
        int pn = snprintf(path, sizeof path, "%s%s%s", dir, sep, e->d_name);
        if (pn < 0 || pn >= (int)sizeof path)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "path too long (%d bytes or more): %s%s%s", PATH_MAX, dir, sep,
                           e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) {
            if (errno == ENOENT || errno == ELOOP) continue; /* a dangling or looping link, or gone meanwhile */
            return PQ_FAIL(err, PQ_ERR_IO, "%s: %s", path, strerror(errno));
        }
        if (!S_ISREG(st.st_mode)) continue;
        f.path = strdup(path);
        f.stem = strndup(e->d_name, sl);
        if (!f.path || !f.stem) {
            free(f.path);
            free(f.stem);
            return PQ_NOMEM(err);
        }
        PQ_TRY(push_file(l, &cap, &f, err));
    }
}

/* The ids of the list, sorted and distinct, into a new array. */
static pq_status ids_of(const pq_bt_universe_list *l, int **ids, size_t *n, pq_error *err)
{
    *ids = (int *)malloc((l->n ? l->n : 1) * sizeof **ids);
    if (!*ids) return PQ_NOMEM(err);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->files[i].id > 0) (*ids)[k++] = l->files[i].id;
    qsort(*ids, k, sizeof **ids, cmp_int);
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (m == 0 || (*ids)[m - 1] != (*ids)[i]) (*ids)[m++] = (*ids)[i];
    *n = m;
    return PQ_OK;
}

static pq_status no_match_error(const char *dir, const pq_bt_selection *sel, const pq_bt_universe_list *l,
                                pq_error *err)
{
    int *found = NULL;
    size_t n_found = 0;
    PQ_TRY(ids_of(l, &found, &n_found, err));
    char asked[96], have[96];
    format_ids(asked, sizeof asked, sel->ids, sel->n);
    format_ids(have, sizeof have, found, n_found);
    free(found);
    return PQ_FAIL(err, PQ_ERR_NOT_FOUND, "--universes %s: no universe in %s has one of these ids (ids found: %s)",
                   asked, dir, have);
}

/* Pair, filter and sort the raw listing in place. */
static pq_status arrange(const char *dir, const pq_bt_selection *sel, pq_bt_universe_list *l, pq_error *err)
{
    if (l->n > 1) qsort(l->files, l->n, sizeof *l->files, cmp_stem);
    size_t m = 0;
    for (size_t i = 0; i < l->n; i++) {
        pq_bt_universe_file *f = &l->files[i];
        if (m > 0 && strcmp(l->files[m - 1].stem, f->stem) == 0) {
            /* the JSON beside the Parquet kept at m - 1 */
            l->files[m - 1].has_json = true;
            free(f->path);
            free(f->stem);
            continue;
        }
        l->files[m++] = *f;
    }
    l->n = m;
    if (m == 0)
        return PQ_FAIL(err, PQ_ERR_NOT_FOUND,
                       "%s: no universe file (looked for universe_*.parquet|json and *_universe_*.parquet|json)", dir);
    if (sel && sel->n > 0) {
        size_t hits = 0;
        for (size_t i = 0; i < l->n; i++) hits += l->files[i].id > 0 && pq_bt_selection_has(sel, l->files[i].id);
        if (hits == 0) return no_match_error(dir, sel, l, err);
        size_t k = 0;
        for (size_t i = 0; i < l->n; i++) {
            pq_bt_universe_file *f = &l->files[i];
            if (f->id > 0 && pq_bt_selection_has(sel, f->id)) {
                l->files[k++] = *f;
            } else {
                free(f->path);
                free(f->stem);
            }
        }
        l->n = k;
    }
    if (l->n > 1) qsort(l->files, l->n, sizeof *l->files, cmp_order);
    return PQ_OK;
}

pq_status pq_bt_find_universes(const char *dir, const pq_bt_selection *sel, pq_bt_universe_list *out, pq_error *err)
{
    out->files = NULL;
    out->n = 0;
    if (!dir) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "no universe folder given");
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        if (e == ENOENT) return PQ_FAIL(err, PQ_ERR_NOT_FOUND, "%s: no such folder", dir);
        if (e == ENOTDIR) return PQ_FAIL(err, PQ_ERR_NOT_FOUND, "%s: not a folder", dir);
        return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot open the folder: %s", dir, strerror(e));
    }
    pq_bt_universe_list l = {NULL, 0};
    pq_status st = list_folder(dir, d, &l, err);
    closedir(d);
    if (st == PQ_OK) st = arrange(dir, sel, &l, err);
    if (st != PQ_OK) {
        pq_bt_universe_list_reset(&l);
        return st;
    }
    *out = l;
    return PQ_OK;
}
