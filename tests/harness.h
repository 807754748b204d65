/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/harness.h - the only test header: check macros that print file:line
 * and the case name on failure and keep counting, a case runner, and a
 * failing allocator for fault injection (fail the Nth allocation, as in
 * SQLite's *fault.test).
 *
 *   TEST(roundtrip_int64) { ... CHECK_OK(pq_x(..., &err), &err); CHECK(n == 3); }
 *   int main(void) { RUN(roundtrip_int64); return harness_done(); }
 *
 * Each test executable ends by printing "N passed, M failed" (checks), and
 * exits non-zero when any check failed.
 */
#ifndef PARQUANT_TESTS_HARNESS_H
#define PARQUANT_TESTS_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquant/alloc.h"
#include "parquant/error.h"

static int harness_passed, harness_failed;

/* Message of an error record, "" for NULL (a function, so that passing
 * `&err` does not trip -Waddress). */
static inline const char *harness_msg(const pq_error *e) { return e ? e->message : ""; }
static const char *harness_case = "?";

#define TEST(name) static void name(void)
#define RUN(name) (harness_case = #name, name())

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (cond) harness_passed++;                                                    \
        else {                                                                         \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: [%s] CHECK failed: %s\n", __FILE__, __LINE__, harness_case, #cond); \
        }                                                                              \
    } while (0)

#define CHECK_EQ_I64(a, b)                                                             \
    do {                                                                               \
        long long ha_ = (long long)(a), hb_ = (long long)(b);                          \
        if (ha_ == hb_) harness_passed++;                                              \
        else {                                                                         \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: [%s] %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
                    harness_case, #a, ha_, #b, hb_);                                   \
        }                                                                              \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                             \
    do {                                                                               \
        const char *ha_ = (a), *hb_ = (b);                                             \
        if (ha_ && hb_ && strcmp(ha_, hb_) == 0) harness_passed++;                     \
        else {                                                                         \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: [%s] %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    harness_case, #a, ha_ ? ha_ : "(null)", hb_ ? hb_ : "(null)");     \
        }                                                                              \
    } while (0)

/** Check that a call returned PQ_OK; print the error message otherwise. */
#define CHECK_OK(expr, errp)                                                           \
    do {                                                                               \
        pq_status hs_ = (expr);                                                        \
        if (hs_ == PQ_OK) harness_passed++;                                            \
        else {                                                                         \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: [%s] %s failed: status %d: %s\n", __FILE__, __LINE__, \
                    harness_case, #expr, (int)hs_, harness_msg(errp));      \
        }                                                                              \
    } while (0)

/** Check that a call failed with exactly `code`. */
#define CHECK_STATUS(expr, code)                                                       \
    do {                                                                               \
        pq_status hs_ = (expr);                                                        \
        if (hs_ == (code)) harness_passed++;                                           \
        else {                                                                         \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: [%s] %s returned %d, expected %s (%d)\n", __FILE__, __LINE__, \
                    harness_case, #expr, (int)hs_, #code, (int)(code));                \
        }                                                                              \
    } while (0)

static inline int harness_done(void)
{
    printf("%d passed, %d failed\n", harness_passed, harness_failed);
    return harness_failed ? 1 : 0;
}

/* ------------------------------------------------ fault-injecting allocator */

/** Allocator that fails the `fail_at`-th allocation (1-based; 0 = never) and
 *  counts calls and live blocks. */
typedef struct harness_fault {
    long calls;
    long fail_at;
    long live;
    int failed;
} harness_fault;

static void *harness_fault_alloc(void *ctx, size_t n)
{
    harness_fault *f = (harness_fault *)ctx;
    if (f->fail_at && ++f->calls == f->fail_at) { f->failed = 1; return NULL; }
    if (!f->fail_at) f->calls++;
    void *p = malloc(n ? n : 1);
    if (p) f->live++;
    return p;
}
static void *harness_fault_realloc(void *ctx, void *p, size_t n)
{
    harness_fault *f = (harness_fault *)ctx;
    if (f->fail_at && ++f->calls == f->fail_at) { f->failed = 1; return NULL; }
    if (!f->fail_at) f->calls++;
    void *q = realloc(p, n ? n : 1);
    if (q && !p) f->live++;
    return q;
}
static void harness_fault_free(void *ctx, void *p)
{
    harness_fault *f = (harness_fault *)ctx;
    if (p) f->live--;
    free(p);
}
/** Build an allocator over `f` that fails call number fail_at. */
static inline pq_allocator harness_fault_allocator(harness_fault *f, long fail_at)
{
    memset(f, 0, sizeof *f);
    f->fail_at = fail_at;
    pq_allocator a = {harness_fault_alloc, harness_fault_realloc, harness_fault_free, f};
    return a;
}

/** Write `text` to `path` (replacing it); a failure ends the test run
 *  (exit 2), since every check after it would be about the wrong file. */
static inline void harness_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    size_t n = strlen(text);
    if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "[%s] cannot write %s\n", harness_case, path);
        exit(2);
    }
}

/** Read a whole file into malloc'd memory; NULL on failure. */
static inline unsigned char *harness_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *buf = (unsigned char *)malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) { free(buf); buf = NULL; }
    fclose(fp);
    if (buf) *len = (size_t)n;
    return buf;
}

#endif /* PARQUANT_TESTS_HARNESS_H */
