/* SPDX-License-Identifier: Apache-2.0
 *
 * io/csv.c - the shared block reader (pq_textin), UTF-8 validation and the
 * streaming RFC 4180 CSV reader declared in io/csv.h.
 *
 * Scanning: each field is found by one vector scan (SSE2 where available, a
 * byte loop elsewhere) for the few bytes that matter: the delimiter, CR and
 * LF outside quotes; the quote and LF inside quotes; and any byte >= 0x80,
 * which starts a UTF-8 check of one character.  Pure ASCII text is thus
 * validated as a side effect of the search.
 *
 * Records that run past the buffered bytes are re-scanned from their first
 * byte after pq_textin_fill (nothing is committed until the whole record is
 * in the buffer), so the scanner needs no state across blocks.  Quoted fields
 * with "" pairs are unescaped in place, inside the reader's own buffer, only
 * once their record is complete.
 */
#include "io/csv.h"

#include <stdio.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------ pq_textin */

void pq_textin_init(pq_textin *in, const pq_source *src, size_t block, const pq_allocator *a)
{
    memset(in, 0, sizeof *in);
    in->src = src;
    in->block = block ? block : PQ_TEXTIN_BLOCK;
    in->alloc = a;
}

void pq_textin_reset(pq_textin *in)
{
    if (!in) return;
    pq_free(in->alloc, in->buf);
    in->buf = NULL;
    in->cap = in->len = in->pos = 0;
}

/* Make cap >= need, keeping buf[0, len).  Grows to at least twice the old
 * capacity so that repeated growth stays amortised linear. */
static pq_status textin_grow(pq_textin *in, size_t need, pq_error *err)
{
    if (need <= in->cap && in->buf) return PQ_OK;
    size_t ncap = in->cap > need / 2 ? in->cap : need / 2;
    size_t bytes;
    if (pq_mul_overflow(ncap, 2, &ncap) || ncap < need) ncap = need;
    if (pq_add_overflow(ncap, PQ_TEXTIN_PAD, &bytes)) return PQ_FAIL(err, PQ_ERR_NOMEM, "input buffer size overflow");
    uint8_t *p = (uint8_t *)pq_realloc(in->alloc, in->buf, bytes);
    if (!p) return PQ_FAIL(err, PQ_ERR_NOMEM, "out of memory growing the input buffer to %zu bytes", bytes);
    in->buf = p;
    in->cap = ncap;
    return PQ_OK;
}

pq_status pq_textin_fill(pq_textin *in, size_t *got, pq_error *err)
{
    *got = 0;
    if (in->eof && in->buf) return PQ_OK;
    size_t keep = in->len - in->pos;
    if (in->pos) {
        memmove(in->buf, in->buf + in->pos, keep);
        in->base += (int64_t)in->pos;
        in->len = keep;
        in->pos = 0;
    }
    size_t want = keep > in->block ? keep : in->block, need;
    int64_t left = in->src->size - in->next;
    if ((uint64_t)left < (uint64_t)want) want = (size_t)left;
    if (pq_add_overflow(keep, want, &need)) return PQ_FAIL(err, PQ_ERR_NOMEM, "input buffer size overflow");
    /* The first fill reserves two blocks so that a tail plus a block fits
     * without reallocating on every later fill. */
    if (!in->buf && need < 2 * in->block && in->block <= SIZE_MAX / 2) need = 2 * in->block;
    PQ_TRY(textin_grow(in, need, err));
    PQ_TRY(pq_source_copy(in->src, in->next, (int64_t)want, in->buf + keep, err));
    in->next += (int64_t)want;
    in->len = keep + want;
    in->eof = in->next >= in->src->size;
    memset(in->buf + in->len, 0, PQ_TEXTIN_PAD);
    *got = want;
    return PQ_OK;
}

/* -------------------------------------------------------------- scanning */

/* First byte in [p, end) equal to a, b or c, or >= 0x80; `end` if none.
 * May read up to 15 bytes past `end` (the PQ_TEXTIN_PAD slack). */
static inline const uint8_t *scan3(const uint8_t *p, const uint8_t *end, uint8_t a, uint8_t b, uint8_t c)
{
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b), vc = _mm_set1_epi8((char)c);
    while (p < end) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, vc), v));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) {
            const uint8_t *q = p + __builtin_ctz(bits);
            return q < end ? q : end;
        }
        p += 16;
    }
    return end;
#else
    while (p < end && *p != a && *p != b && *p != c && *p < 0x80) p++;
    return p;
#endif
}

/* ------------------------------------------------------------ the reader */

struct pq_csv_reader {
    pq_textin in;
    pq_csv_options opt;
    const pq_allocator *alloc;
    pq_csv_field *fields;      /* views of the current record */
    uint8_t *escaped;          /* per field: 1 when "" pairs remain to undo */
    size_t fields_cap;         /* entries of fields / escaped */
    int64_t max_store;         /* fields stored per record; later ones are only counted */
    int64_t line;              /* line on which the next record starts */
    int64_t records;           /* data records returned */
    int64_t n_cols;            /* header fields, 0 without header */
    char **names;              /* n_cols owned names */
    bool failed;               /* a call failed: the stream position is lost */
};

/* Scanner state for one attempt at one record; discarded on PQ_NEED_MORE. */
typedef struct csv_scan {
    const uint8_t *p, *end;
    bool eof;
    int64_t line;
} csv_scan;

/* Attach a data location to the error just reported and return `s`. */
static pq_status at(pq_error *err, pq_status s, int64_t line, int64_t field, int64_t offset)
{
    if (err) {
        err->where.line = line;
        err->where.field = field;
        err->where.offset = offset;
    }
    return s;
}

/* Render byte c for a message: 'x' when printable ASCII, else 0xNN. */
static const char *show_byte(uint8_t c, char buf[8])
{
    if (c >= 0x20 && c < 0x7f) snprintf(buf, 8, "'%c'", c);
    else snprintf(buf, 8, "0x%02X", c);
    return buf;
}

/* Check the UTF-8 character at s->p (a byte >= 0x80) and step over it. */
static pq_status step_utf8(pq_csv_reader *r, csv_scan *s, int64_t fieldno, pq_error *err)
{
    int n = pq_utf8_seq(s->p, s->end);
    if (n > 0) {
        s->p += n;
        return PQ_OK;
    }
    if (n < 0 && !s->eof) return PQ_NEED_MORE;
    int64_t off = pq_textin_offset(&r->in, s->p);
    pq_status st = n < 0 ? PQ_FAIL(err, PQ_ERR_PARSE, "expected UTF-8 text, found a sequence cut short by the end "
                                                      "of input at offset %lld", (long long)off)
                         : PQ_FAIL(err, PQ_ERR_PARSE, "expected UTF-8 text, found invalid byte 0x%02X at offset %lld",
                                   s->p[0], (long long)off);
    return at(err, st, s->line, fieldno, off);
}

/* Scan a quoted field; s->p is at the opening quote.  On return s->p is
 * just past the closing quote, on a delimiter, a line end or the end. */
static pq_status scan_quoted(pq_csv_reader *r, csv_scan *s, pq_csv_field *f, uint8_t *esc, int64_t fieldno,
                             pq_error *err)
{
    const uint8_t *open = s->p;
    int64_t open_line = s->line;
    s->p++;
    for (;;) {
        s->p = scan3(s->p, s->end, '"', '\n', '"');
        if (s->p == s->end) {
            if (!s->eof) return PQ_NEED_MORE;
            int64_t off = pq_textin_offset(&r->in, open);
            return at(err, PQ_FAIL(err, PQ_ERR_PARSE, "expected a closing quote for the field opened on line %lld "
                                   "at offset %lld, found end of input", (long long)open_line, (long long)off),
                      open_line, fieldno, off);
        }
        uint8_t c = *s->p;
        if (c == '"') {
            if (s->p + 1 == s->end && !s->eof) return PQ_NEED_MORE;
            if (s->p + 1 < s->end && s->p[1] == '"') {
                *esc = 1;
                s->p += 2;
                continue;
            }
            break;
        }
        if (c == '\n') {
            s->line++;
            s->p++;
            continue;
        }
        PQ_TRY(step_utf8(r, s, fieldno, err));
    }
    f->ptr = open + 1;
    f->len = (size_t)(s->p - (open + 1));
    f->quoted = true;
    s->p++;
    if (s->p == s->end) return s->eof ? PQ_OK : PQ_NEED_MORE;
    uint8_t c = *s->p;
    if (c == r->opt.delimiter || c == '\n' || c == '\r') return PQ_OK;
    char b[8];
    int64_t off = pq_textin_offset(&r->in, s->p);
    return at(err, PQ_FAIL(err, PQ_ERR_PARSE, "expected a delimiter or end of line after a closing quote, found %s "
                           "at offset %lld", show_byte(c, b), (long long)off),
              s->line, fieldno, off);
}

/* Scan an unquoted field from s->p up to a delimiter, line end or the end. */
static pq_status scan_plain(pq_csv_reader *r, csv_scan *s, pq_csv_field *f, int64_t fieldno, pq_error *err)
{
    const uint8_t *start = s->p;
    const uint8_t d = r->opt.delimiter;
    for (;;) {
        s->p = scan3(s->p, s->end, d, '\n', '\r');
        if (s->p == s->end || *s->p < 0x80) break;
        PQ_TRY(step_utf8(r, s, fieldno, err));
    }
    if (s->p == s->end && !s->eof) return PQ_NEED_MORE;
    f->ptr = start;
    f->len = (size_t)(s->p - start);
    f->quoted = false;
    return PQ_OK;
}

/* Skip empty lines before a record, committing them at once. */
static pq_status skip_blank_lines(pq_csv_reader *r)
{
    pq_textin *in = &r->in;
    for (;;) {
        const uint8_t *p = in->buf + in->pos, *end = in->buf + in->len;
        if (p == end) return in->eof ? PQ_OK : PQ_NEED_MORE;
        if (*p == '\n') {
            in->pos++;
            r->line++;
            continue;
        }
        if (*p != '\r') return PQ_OK;
        if (p + 1 == end && !in->eof) return PQ_NEED_MORE;
        in->pos += (p + 1 < end && p[1] == '\n') ? 2 : 1;
        r->line++;
    }
}

/* Room for field number nf (0-based) when it is to be stored. */
static pq_status ensure_field(pq_csv_reader *r, int64_t nf, pq_error *err)
{
    if ((size_t)nf < r->fields_cap) return PQ_OK;
    size_t ncap = r->fields_cap ? r->fields_cap * 2 : 16, bytes;
    if (pq_mul_overflow(ncap, sizeof(pq_csv_field), &bytes)) return PQ_NOMEM(err);
    pq_csv_field *f = (pq_csv_field *)pq_realloc(r->alloc, r->fields, bytes);
    if (!f) return PQ_NOMEM(err);
    r->fields = f;
    uint8_t *e = (uint8_t *)pq_realloc(r->alloc, r->escaped, ncap);
    if (!e) return PQ_NOMEM(err);
    r->escaped = e;
    r->fields_cap = ncap;
    return PQ_OK;
}

/* Undo "" pairs of a quoted field in place; returns the new length.  Every
 * quote inside a complete quoted field is the first of a pair. */
static size_t unescape_quotes(uint8_t *p, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        p[w++] = p[i];
        if (p[i] == '"') i++;
    }
    return w;
}

/* Step over the line end at s->p (CR, LF or CRLF). */
static pq_status step_line_end(csv_scan *s)
{
    if (*s->p == '\r') {
        if (s->p + 1 == s->end && !s->eof) return PQ_NEED_MORE;
        s->p += (s->p + 1 < s->end && s->p[1] == '\n') ? 2 : 1;
    } else s->p++;
    s->line++;
    return PQ_OK;
}

/* General scanner of one record's fields (any quoting, UTF-8 checks).
 * Fields beyond max_store are scanned into a throw-away view.  *any_esc is
 * set when a stored field has "" pairs left to undo. */
static pq_status scan_fields(pq_csv_reader *r, csv_scan *s, int64_t *out_n, bool *any_esc, pq_error *err)
{
    int64_t nf = 0;
    pq_csv_field spare;
    uint8_t spare_esc;
    for (;;) {
        bool store = nf < r->max_store;
        if (store) PQ_TRY(ensure_field(r, nf, err));
        else if (!r->opt.header || r->n_cols == 0)
            return at(err, PQ_FAIL(err, PQ_ERR_LIMIT, "expected at most %lld fields in a record, found more",
                                   (long long)r->max_store), s->line, nf + 1, pq_textin_offset(&r->in, s->p));
        pq_csv_field *f = store ? &r->fields[nf] : &spare;
        uint8_t *esc = store ? &r->escaped[nf] : &spare_esc;
        *esc = 0;
        if (s->p < s->end && *s->p == '"') PQ_TRY(scan_quoted(r, s, f, esc, nf + 1, err));
        else PQ_TRY(scan_plain(r, s, f, nf + 1, err));
        *any_esc |= store && *esc;
        nf++;
        if (s->p == s->end) break;
        if (*s->p == r->opt.delimiter) {
            s->p++;
            continue;
        }
        PQ_TRY(step_line_end(s));
        break;
    }
    *out_n = nf;
    return PQ_OK;
}

/* Fast path for the common record: unquoted ASCII fields ending in LF or
 * CRLF, all within the buffer.  One 16-byte compare finds every delimiter,
 * line end, quote, CR and non-ASCII byte at once; the fields are the gaps
 * between set bits.  Returns true with the record scanned, or false (s
 * untouched) when anything else turns up: the general scanner then takes
 * the record from its start. */
static bool scan_fast(pq_csv_reader *r, csv_scan *s, int64_t *out_n)
{
#if defined(__SSE2__)
    const uint8_t d = r->opt.delimiter, *start = s->p, *end = s->end;
    const __m128i vd = _mm_set1_epi8((char)d), vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r'),
                  vq = _mm_set1_epi8('"');
    /* Past max_store fields are only counted (header mode) or refused; past
     * the array's capacity the general scanner grows it. */
    const bool count_only = r->opt.header && r->n_cols > 0;
    const int64_t max_store = r->max_store;
    const int64_t lim = (int64_t)r->fields_cap < max_store ? (int64_t)r->fields_cap : max_store;
    pq_csv_field *fields = r->fields;
    int64_t nf = 0;
    for (const uint8_t *base = start; base < end; base += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)base);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vn)),
                                 _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vr), _mm_cmpeq_epi8(v, vq)), v));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        while (bits) {
            const uint8_t *q = base + __builtin_ctz(bits);
            bits &= bits - 1;
            if (q >= end) return false;
            uint8_t c = *q;
            bool crlf = false;
            if (c != d && c != '\n' && !(crlf = c == '\r' && q + 1 < end && q[1] == '\n')) return false;
            if (nf < lim) {
                fields[nf].ptr = start;
                fields[nf].len = (size_t)(q - start);
                fields[nf].quoted = false;
            } else if (nf < max_store || !count_only) return false;
            nf++;
            start = q + 1;
            if (c == d) continue;
            s->p = crlf ? q + 2 : q + 1;
            s->line++;
            *out_n = nf;
            return true;
        }
    }
#else
    (void)r; (void)s; (void)out_n;
#endif
    return false;
}

/* One attempt at the next record: PQ_OK (rec filled; n_fields 0 at the
 * end), PQ_NEED_MORE (nothing committed) or an error. */
static pq_status scan_record(pq_csv_reader *r, pq_csv_record *rec, pq_error *err)
{
    pq_textin *in = &r->in;
    /* An empty line is one empty field (RFC 4180): a null record when the
     * header has one column, and skipped as noise otherwise. */
    if (r->n_cols != 1) PQ_TRY(skip_blank_lines(r));
    csv_scan s = {in->buf + in->pos, in->buf + in->len, in->eof, r->line};
    memset(rec, 0, sizeof *rec);
    /* An empty buffer is the end only at EOF (skip_blank_lines, skipped for
     * one-column files, is not there to ask for more). */
    if (s.p == s.end) return s.eof ? PQ_OK : PQ_NEED_MORE;
    const uint8_t *start = s.p;
    int64_t nf = 0;
    bool any_esc = false;
    if (!scan_fast(r, &s, &nf)) PQ_TRY(scan_fields(r, &s, &nf, &any_esc, err));
    int64_t stored = nf < r->max_store ? nf : r->max_store;
    for (int64_t i = 0; any_esc && i < stored; i++) {
        if (!r->escaped[i]) continue;
        uint8_t *w = in->buf + (r->fields[i].ptr - in->buf);
        r->fields[i].len = unescape_quotes(w, r->fields[i].len);
    }
    rec->fields = r->fields;
    rec->n_fields = nf;
    rec->line = r->line;
    rec->offset = pq_textin_offset(in, start);
    in->pos = (size_t)(s.p - in->buf);
    r->line = s.line;
    return PQ_OK;
}

/* Scan the next record, reading more input as often as needed. */
static pq_status read_record(pq_csv_reader *r, pq_csv_record *rec, pq_error *err)
{
    for (;;) {
        pq_status s = scan_record(r, rec, err);
        if (s != PQ_NEED_MORE) return s;
        size_t kept = r->in.len - r->in.pos;
        if (kept > r->opt.max_record_bytes)
            return at(err, PQ_FAIL(err, PQ_ERR_LIMIT, "expected a record of at most %zu bytes, found a longer one",
                                   r->opt.max_record_bytes),
                      r->line, -1, pq_textin_offset(&r->in, r->in.buf + r->in.pos));
        size_t got;
        PQ_TRY(pq_textin_fill(&r->in, &got, err));
    }
}

/* ------------------------------------------------------------ the header */

/* FNV-1a of a NUL-terminated name. */
static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

/* Open-addressing set of names (borrowed pointers), for de-duplication. */
typedef struct name_set {
    const char **slots;
    size_t mask;
} name_set;

static bool name_set_has(const name_set *ns, const char *s)
{
    for (size_t i = (size_t)name_hash(s) & ns->mask;; i = (i + 1) & ns->mask) {
        if (!ns->slots[i]) return false;
        if (strcmp(ns->slots[i], s) == 0) return true;
    }
}

static void name_set_add(name_set *ns, const char *s)
{
    size_t i = (size_t)name_hash(s) & ns->mask;
    while (ns->slots[i]) i = (i + 1) & ns->mask;
    ns->slots[i] = s;
}

/* Copy header field i into an owned name, made non-empty and unique. */
static pq_status make_name(pq_csv_reader *r, name_set *ns, int64_t i, const pq_csv_field *f, pq_error *err)
{
    size_t n = f->len, cap;
    /* 48 spare bytes hold "column_<i>" or a "_<k>" suffix. */
    if (pq_add_overflow(n, 48, &cap)) return PQ_NOMEM(err);
    char *s = (char *)pq_alloc(r->alloc, cap);
    if (!s) return PQ_NOMEM(err);
    r->names[i] = s;
    if (n) memcpy(s, f->ptr, n);
    s[n] = 0;
    /* A NUL inside the name would make it collide after truncation: cut there. */
    n = strlen(s);
    if (n == 0) snprintf(s, cap, "column_%lld", (long long)(i + 1));
    if (name_set_has(ns, s)) {
        for (long long k = 2;; k++) {
            snprintf(s + n, cap - n, "_%lld", k);
            if (!name_set_has(ns, s)) break;
        }
    }
    name_set_add(ns, s);
    return PQ_OK;
}

/* Read the header record and build unique column names. */
static pq_status read_header(pq_csv_reader *r, pq_error *err)
{
    pq_csv_record rec;
    PQ_TRY(read_record(r, &rec, err));
    if (rec.n_fields == 0)
        return at(err, PQ_FAIL(err, PQ_ERR_PARSE, "expected a header row, found end of input"), r->line, -1,
                  pq_textin_offset(&r->in, r->in.buf + r->in.pos));
    r->names = (char **)pq_calloc(r->alloc, (size_t)rec.n_fields, sizeof(char *));
    if (!r->names) return PQ_NOMEM(err);
    r->n_cols = rec.n_fields;
    size_t slots = 16;
    while (slots < (size_t)rec.n_fields * 2) slots *= 2;
    name_set ns = {(const char **)pq_calloc(r->alloc, slots, sizeof(char *)), slots - 1};
    if (!ns.slots) return PQ_NOMEM(err);
    pq_status s = PQ_OK;
    for (int64_t i = 0; i < rec.n_fields && s == PQ_OK; i++) s = make_name(r, &ns, i, &rec.fields[i], err);
    pq_free(r->alloc, (void *)ns.slots);
    r->max_store = r->n_cols + 1;
    return s;
}

/* ------------------------------------------------------------------ API */

void pq_csv_options_init(pq_csv_options *o)
{
    memset(o, 0, sizeof *o);
    o->delimiter = ',';
    o->header = true;
    o->max_record_bytes = (size_t)256 << 20;
    o->max_columns = (int64_t)1 << 20;
}

/* Fill until at least 3 bytes are buffered (or the end) and skip a BOM. */
static pq_status skip_bom(pq_textin *in, pq_error *err)
{
    size_t got;
    do PQ_TRY(pq_textin_fill(in, &got, err));
    while (in->len < 3 && !in->eof);
    if (in->len >= 3 && memcmp(in->buf, "\xEF\xBB\xBF", 3) == 0) in->pos = 3;
    return PQ_OK;
}

pq_status pq_csv_open(pq_csv_reader **out, const pq_source *src, const pq_csv_options *o, const pq_allocator *a,
                      pq_error *err)
{
    *out = NULL;
    pq_csv_options opt;
    if (o) opt = *o;
    else pq_csv_options_init(&opt);
    uint8_t d = opt.delimiter;
    if (d == '"' || d == '\n' || d == '\r' || d >= 0x80)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected an ASCII delimiter other than quote, CR and LF, found 0x%02X", d);
    if (opt.max_columns <= 0 || opt.max_record_bytes == 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected positive CSV limits");
    pq_csv_reader *r = (pq_csv_reader *)pq_calloc(a, 1, sizeof *r);
    if (!r) return PQ_NOMEM(err);
    r->opt = opt;
    r->alloc = a;
    r->line = 1;
    r->max_store = opt.max_columns;
    pq_textin_init(&r->in, src, opt.block_size, a);
    pq_status s = skip_bom(&r->in, err);
    if (s == PQ_OK && opt.header) s = read_header(r, err);
    if (s != PQ_OK) {
        pq_csv_close(r);
        return s;
    }
    *out = r;
    return PQ_OK;
}

void pq_csv_close(pq_csv_reader *r)
{
    if (!r) return;
    if (r->names)
        for (int64_t i = 0; i < r->n_cols; i++) pq_free(r->alloc, r->names[i]);
    pq_free(r->alloc, r->names);
    pq_free(r->alloc, r->fields);
    pq_free(r->alloc, r->escaped);
    pq_textin_reset(&r->in);
    pq_free(r->alloc, r);
}

int64_t pq_csv_num_columns(const pq_csv_reader *r) { return r->n_cols; }

const char *pq_csv_column_name(const pq_csv_reader *r, int64_t i)
{
    return i >= 0 && i < r->n_cols ? r->names[i] : NULL;
}

int64_t pq_csv_bytes_read(const pq_csv_reader *r) { return r->in.next; }

pq_status pq_csv_next(pq_csv_reader *r, pq_csv_record *rec, pq_error *err)
{
    if (r->failed) return PQ_FAIL(err, PQ_ERR_STATE, "expected a usable CSV reader, found one that failed before");
    pq_status s = read_record(r, rec, err);
    if (s == PQ_OK && rec->n_fields > 0) {
        rec->index = ++r->records;
        if (r->opt.header && rec->n_fields != r->n_cols)
            s = at(err, PQ_FAIL(err, PQ_ERR_PARSE, "expected %lld fields, found %lld", (long long)r->n_cols,
                                (long long)rec->n_fields),
                   rec->line, -1, rec->offset);
    }
    if (s != PQ_OK) {
        r->failed = true;
        memset(rec, 0, sizeof *rec);
    }
    return s;
}
