/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/io/test_source.c - io/source.c: range checks (table-driven, with
 * overflow and boundary cases), memory sources, mapped and pread file
 * sources compared byte by byte with what was written, empty files, I/O
 * errors (missing file, directory, file shrunk under a pread source) and
 * out-of-memory in the pread scratch buffer.
 */
#include "io/source.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "harness.h"

#define FILE_BYTES 70000 /* more than one page, not a multiple of it */

static uint8_t pattern_byte(int64_t i) { return (uint8_t)((i * 131 + (i >> 8)) & 0xff); }

/* Write FILE_BYTES pattern bytes to a fresh temporary file; returns its path in buf. */
static const char *make_file(char *buf, size_t cap, int64_t n)
{
    snprintf(buf, cap, "/tmp/pq_test_source_XXXXXX");
    int fd = mkstemp(buf);
    if (fd < 0) return NULL;
    uint8_t *data = (uint8_t *)malloc(n ? (size_t)n : 1);
    for (int64_t i = 0; i < n; i++) data[i] = pattern_byte(i);
    ssize_t w = n ? write(fd, data, (size_t)n) : 0;
    free(data);
    close(fd);
    return w == n ? buf : NULL;
}

static bool bytes_match(pq_bytes b, int64_t offset)
{
    for (size_t i = 0; i < b.len; i++)
        if (b.ptr[i] != pattern_byte(offset + (int64_t)i)) return false;
    return true;
}

/* Range cases over a source of `size` bytes; the expected outcome comes
 * from a reference formula that cannot overflow. */
typedef struct range_case {
    int64_t offset, len;
} range_case;

static bool range_ok(int64_t offset, int64_t len, int64_t size)
{
    return offset >= 0 && len >= 0 && len <= size && offset <= size - len;
}

static void check_ranges(const pq_source *src, int64_t size)
{
    const range_case cases[] = {
        {0, 0},        {0, 1},         {0, size},         {size, 0},         {size - 1, 1},
        {size, 1},     {size - 1, 2},  {0, size + 1},     {-1, 1},           {0, -1},
        {-1, 0},       {INT64_MAX, 1}, {1, INT64_MAX},    {INT64_MAX, INT64_MAX}, {INT64_MIN, 0},
        {size + 100, 0}, {size / 2, size - size / 2}, {size / 2, size - size / 2 + 1},
    };
    int n_ok = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pq_error err;
        pq_error_clear(&err);
        bool ok = range_ok(cases[i].offset, cases[i].len, size);
        n_ok += ok;
        pq_status s = pq_source_check_range(src, cases[i].offset, cases[i].len, &err);
        CHECK_EQ_I64(s, ok ? PQ_OK : PQ_ERR_CORRUPT);
        if (!ok) {
            CHECK(strstr(err.message, "expected range [") != NULL);
            CHECK(strstr(err.message, "within file of") != NULL);
            if (cases[i].offset >= 0) CHECK_EQ_I64(err.where.offset, cases[i].offset);
        }
    }
    CHECK(n_ok >= 3); /* the table exercises both outcomes */
}

TEST(memory_source)
{
    uint8_t data[100];
    for (int i = 0; i < 100; i++) data[i] = pattern_byte(i);
    pq_source src;
    pq_source_open_memory(&src, data, sizeof data, "mem");
    CHECK(pq_source_is_direct(&src));
    CHECK_EQ_I64(src.size, 100);
    CHECK_EQ_STR(src.name, "mem");
    check_ranges(&src, 100);

    pq_bytes b;
    pq_error err;
    CHECK_OK(pq_source_view(&src, 10, 50, &b, &err), &err);
    CHECK(b.ptr == data + 10 && b.len == 50); /* zero copy */
    CHECK_OK(pq_source_view(&src, 100, 0, &b, &err), &err);
    CHECK(b.len == 0);
    pq_error_clear(&err);
    CHECK_STATUS(pq_source_view(&src, 90, 11, &b, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "expected range [90, 101) within file of 100 bytes") != NULL);

    uint8_t copy[20];
    CHECK_OK(pq_source_copy(&src, 80, 20, copy, &err), &err);
    CHECK(memcmp(copy, data + 80, 20) == 0);
    CHECK_STATUS(pq_source_copy(&src, 81, 20, copy, &err), PQ_ERR_CORRUPT);

    pq_buf scratch;
    pq_buf_init(&scratch, NULL);
    CHECK_OK(pq_source_read(&src, 5, 5, &scratch, &b, &err), &err);
    CHECK(b.ptr == data + 5 && scratch.data == NULL); /* direct: scratch untouched */
    pq_source_will_need(&src, 0, 100);                 /* no-op for memory */
    pq_source_close(&src);
    pq_source_close(&src); /* twice is fine */
    CHECK_EQ_I64(src.size, 0);
}

TEST(empty_memory_source)
{
    pq_source src;
    pq_source_open_memory(&src, NULL, 0, NULL);
    CHECK_EQ_STR(src.name, "");
    check_ranges(&src, 0);
    pq_bytes b = {(const uint8_t *)"x", 1};
    CHECK_OK(pq_source_view(&src, 0, 0, &b, NULL), NULL);
    CHECK(b.len == 0 && b.ptr == NULL);
    CHECK_STATUS(pq_source_view(&src, 0, 1, &b, NULL), PQ_ERR_CORRUPT);
    pq_source_close(&src);
}

/* Both file modes must give the written bytes everywhere. */
static void check_file_mode(bool use_mmap)
{
    char path[64];
    CHECK(make_file(path, sizeof path, FILE_BYTES) != NULL);
    pq_source src;
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_source_open_file_mode(&src, path, use_mmap, &err), &err);
    CHECK_EQ_I64(src.size, FILE_BYTES);
    CHECK_EQ_STR(src.name, path);
    CHECK(pq_source_is_direct(&src) == use_mmap);
    check_ranges(&src, FILE_BYTES);

    pq_buf scratch;
    pq_buf_init(&scratch, NULL);
    const int64_t offs[][2] = {{0, FILE_BYTES}, {0, 4}, {FILE_BYTES - 8, 8}, {4095, 4097}, {12345, 0}, {FILE_BYTES, 0}};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        pq_bytes b;
        CHECK_OK(pq_source_read(&src, offs[i][0], offs[i][1], &scratch, &b, &err), &err);
        CHECK_EQ_I64(b.len, offs[i][1]);
        CHECK(bytes_match(b, offs[i][0]));
        pq_source_will_need(&src, offs[i][0], offs[i][1]);
        uint8_t *copy = (uint8_t *)malloc((size_t)offs[i][1] + 1);
        CHECK_OK(pq_source_copy(&src, offs[i][0], offs[i][1], copy, &err), &err);
        CHECK(bytes_match(pq_bytes_make(copy, (size_t)offs[i][1]), offs[i][0]));
        free(copy);
    }
    pq_bytes b;
    pq_error_clear(&err);
    CHECK_STATUS(pq_source_read(&src, FILE_BYTES - 1, 2, &scratch, &b, &err), PQ_ERR_CORRUPT);
    pq_source_will_need(&src, -5, 10);                /* ignored, no crash */
    pq_source_will_need(&src, FILE_BYTES - 5, 1000);  /* clipped */
    if (use_mmap) {
        CHECK_OK(pq_source_view(&src, 100, 200, &b, &err), &err);
        CHECK(bytes_match(b, 100));
    } else {
        CHECK_STATUS(pq_source_view(&src, 100, 200, &b, &err), PQ_ERR_STATE);
    }
    pq_buf_reset(&scratch);
    pq_source_close(&src);
    unlink(path);
}

TEST(mapped_file) { check_file_mode(true); }
TEST(pread_file) { check_file_mode(false); }

TEST(empty_file)
{
    char path[64];
    CHECK(make_file(path, sizeof path, 0) != NULL);
    for (int mode = 0; mode < 2; mode++) {
        pq_source src;
        pq_error err;
        CHECK_OK(pq_source_open_file_mode(&src, path, mode == 1, &err), &err);
        CHECK_EQ_I64(src.size, 0);
        CHECK(pq_source_is_direct(&src));
        pq_bytes b;
        CHECK_OK(pq_source_view(&src, 0, 0, &b, &err), &err);
        CHECK_STATUS(pq_source_view(&src, 0, 1, &b, &err), PQ_ERR_CORRUPT);
        pq_source_close(&src);
    }
    unlink(path);
}

TEST(open_errors)
{
    pq_source src;
    pq_error err;
    pq_error_clear(&err);
    CHECK_STATUS(pq_source_open_file(&src, "/nonexistent/dir/file.parquet", &err), PQ_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/dir/file.parquet") != NULL);
    CHECK(strstr(err.message, strerror(ENOENT)) != NULL);
    pq_source_close(&src); /* closed state after failure */
    pq_error_clear(&err);
    CHECK_STATUS(pq_source_open_file(&src, "/tmp", &err), PQ_ERR_IO);
    CHECK(strstr(err.message, strerror(EISDIR)) != NULL);
    pq_source_close(&src);
    pq_source zero;
    memset(&zero, 0, sizeof zero);
    pq_source_close(&zero);
    pq_source_close(NULL);
}

/* A file that shrinks under a pread source: reads past the new end are I/O errors. */
TEST(pread_file_shrunk)
{
    char path[64];
    CHECK(make_file(path, sizeof path, FILE_BYTES) != NULL);
    pq_source src;
    pq_error err;
    CHECK_OK(pq_source_open_file_mode(&src, path, false, &err), &err);
    CHECK(truncate(path, 1000) == 0);
    pq_buf scratch;
    pq_buf_init(&scratch, NULL);
    pq_bytes b;
    CHECK_OK(pq_source_read(&src, 0, 1000, &scratch, &b, &err), &err);
    CHECK(bytes_match(b, 0));
    pq_error_clear(&err);
    CHECK_STATUS(pq_source_read(&src, 500, 1000, &scratch, &b, &err), PQ_ERR_IO);
    CHECK(strstr(err.message, "file ended at byte 1000") != NULL);
    uint8_t tmp[16];
    CHECK_STATUS(pq_source_copy(&src, 2000, 16, tmp, &err), PQ_ERR_IO);
    pq_buf_reset(&scratch);
    pq_source_close(&src);
    unlink(path);
}

TEST(pread_scratch_nomem)
{
    char path[64];
    CHECK(make_file(path, sizeof path, FILE_BYTES) != NULL);
    pq_source src;
    pq_error err;
    CHECK_OK(pq_source_open_file_mode(&src, path, false, &err), &err);
    harness_fault f;
    pq_allocator a = harness_fault_allocator(&f, 1);
    pq_buf scratch;
    pq_buf_init(&scratch, &a);
    pq_bytes b;
    CHECK_STATUS(pq_source_read(&src, 0, 100, &scratch, &b, &err), PQ_ERR_NOMEM);
    CHECK(f.failed);
    CHECK_OK(pq_source_read(&src, 0, 100, &scratch, &b, &err), &err); /* the next call succeeds */
    CHECK(bytes_match(b, 0));
    pq_buf_reset(&scratch);
    CHECK_EQ_I64(f.live, 0);
    pq_source_close(&src);
    unlink(path);
}

int main(void)
{
    RUN(memory_source);
    RUN(empty_memory_source);
    RUN(mapped_file);
    RUN(pread_file);
    RUN(empty_file);
    RUN(open_errors);
    RUN(pread_file_shrunk);
    RUN(pread_scratch_nomem);
    return harness_done();
}
