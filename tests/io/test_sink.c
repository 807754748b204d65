/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/io/test_sink.c - io/sink.c: memory sinks hand over exactly the bytes
 * written; file sinks write through "<path>.tmp-XXXXXX" that only a
 * successful close renames over the final path, abort and failed closes
 * leave nothing behind, and I/O failures are PQ_ERR_IO naming the path.
 */
#include "io/sink.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

/* A fresh empty folder under /tmp; the caller removes it. */
static void make_dir(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/pq_sink_test_XXXXXX");
    if (!mkdtemp(buf)) {
        fprintf(stderr, "mkdtemp failed\n");
        exit(2);
    }
}

/* Number of entries in folder `dir`; *first receives the first name. */
static int count_entries(const char *dir, char *first, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    if (first && cap) first[0] = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == 0 && first) snprintf(first, cap, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)((i * 131u + seed * 7u) >> 3);
}

TEST(memory_sink_collects_bytes)
{
    pq_error err;
    pq_sink *s;
    CHECK_OK(pq_sink_open_memory(&s, NULL, &err), &err);
    CHECK_EQ_I64(pq_sink_offset(s), 0);
    CHECK(pq_sink_temp_path(s) == NULL);
    CHECK_OK(pq_sink_write(s, "PAR1", 4, &err), &err);
    CHECK_OK(pq_sink_write(s, "", 0, &err), &err);
    CHECK_OK(pq_sink_write(s, "abc", 3, &err), &err);
    CHECK_EQ_I64(pq_sink_offset(s), 7);
    uint8_t *data;
    size_t len;
    CHECK_OK(pq_sink_close_memory(s, &data, &len, &err), &err);
    CHECK_EQ_I64(len, 7);
    CHECK(data && memcmp(data, "PAR1abc", 7) == 0);
    free(data);
}

TEST(memory_sink_empty)
{
    pq_error err;
    pq_sink *s;
    CHECK_OK(pq_sink_open_memory(&s, NULL, &err), &err);
    uint8_t *data = (uint8_t *)1;
    size_t len = 9;
    CHECK_OK(pq_sink_close_memory(s, &data, &len, &err), &err);
    CHECK(data == NULL);
    CHECK_EQ_I64(len, 0);
    /* plain close of a memory sink discards */
    CHECK_OK(pq_sink_open_memory(&s, NULL, &err), &err);
    CHECK_OK(pq_sink_write(s, "x", 1, &err), &err);
    CHECK_OK(pq_sink_close(s, &err), &err);
}

/* Small pieces, a piece that straddles the buffer, pieces larger than the
 * buffer: the file holds exactly the concatenation, and the temporary file
 * is the only entry of the folder until close renames it. */
TEST(file_sink_temp_then_rename)
{
    char dir[64], path[128], name[256];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.parquet", dir);
    size_t total = 3 * PQ_SINK_BUFFER_SIZE + 12345;
    uint8_t *want = (uint8_t *)malloc(total);
    fill(want, total, 1);
    size_t pieces[] = {4, 1000, PQ_SINK_BUFFER_SIZE - 10, 20, 2 * PQ_SINK_BUFFER_SIZE + 5};
    pq_error err;
    pq_sink *s;
    CHECK_OK(pq_sink_open_file(&s, path, NULL, &err), &err);
    CHECK(pq_sink_temp_path(s) != NULL);
    CHECK_EQ_I64(count_entries(dir, name, sizeof name), 1);
    CHECK(strncmp(name, "out.parquet.tmp-", 16) == 0 && strlen(name) == 22);
    size_t at = 0;
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        CHECK_OK(pq_sink_write(s, want + at, pieces[i], &err), &err);
        at += pieces[i];
        CHECK_EQ_I64(pq_sink_offset(s), (int64_t)at);
    }
    CHECK_OK(pq_sink_write(s, want + at, total - at, &err), &err);
    CHECK(access(path, F_OK) != 0); /* not under the final name before close */
    CHECK_OK(pq_sink_close(s, &err), &err);
    CHECK_EQ_I64(count_entries(dir, name, sizeof name), 1);
    CHECK_EQ_STR(name, "out.parquet");
    size_t len = 0;
    unsigned char *got = harness_read_file(path, &len);
    CHECK(got && len == total && memcmp(got, want, total) == 0);
    /* the file gets the permissions fopen would give, not mkstemp's 0600 */
    mode_t um = umask(022);
    umask(um);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == (0666 & ~um));
    free(got);
    free(want);
    unlink(path);
    rmdir(dir);
}

/* Replacing an existing file: the old content stays until close. */
TEST(file_sink_replaces_existing)
{
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/f.bin", dir);
    FILE *fp = fopen(path, "wb");
    fputs("old", fp);
    fclose(fp);
    pq_error err;
    pq_sink *s;
    CHECK_OK(pq_sink_open_file(&s, path, NULL, &err), &err);
    CHECK_OK(pq_sink_write(s, "new!", 4, &err), &err);
    size_t len = 0;
    unsigned char *mid = harness_read_file(path, &len);
    CHECK(mid && len == 3 && memcmp(mid, "old", 3) == 0);
    free(mid);
    CHECK_OK(pq_sink_close(s, &err), &err);
    unsigned char *got = harness_read_file(path, &len);
    CHECK(got && len == 4 && memcmp(got, "new!", 4) == 0);
    free(got);
    CHECK_EQ_I64(count_entries(dir, NULL, 0), 1);
    unlink(path);
    rmdir(dir);
}

TEST(file_sink_abort_leaves_nothing)
{
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/x.parquet", dir);
    pq_error err;
    pq_sink *s;
    CHECK_OK(pq_sink_open_file(&s, path, NULL, &err), &err);
    uint8_t big[5000];
    fill(big, sizeof big, 3);
    CHECK_OK(pq_sink_write(s, big, sizeof big, &err), &err);
    pq_sink_abort(s);
    pq_sink_abort(NULL);
    CHECK_EQ_I64(count_entries(dir, NULL, 0), 0);
    /* close_memory on a file sink is refused and removes the temp file */
    CHECK_OK(pq_sink_open_file(&s, path, NULL, &err), &err);
    uint8_t *data;
    size_t len;
    CHECK_STATUS(pq_sink_close_memory(s, &data, &len, &err), PQ_ERR_STATE);
    CHECK(data == NULL && len == 0);
    CHECK_EQ_I64(count_entries(dir, NULL, 0), 0);
    rmdir(dir);
}

TEST(file_sink_unwritable_folder)
{
    char dir[64], path[192];
    make_dir(dir, sizeof dir);
    pq_error err;
    pq_error_clear(&err);
    pq_sink *s = (pq_sink *)1;
    snprintf(path, sizeof path, "%s/missing/sub/out.parquet", dir);
    CHECK_STATUS(pq_sink_open_file(&s, path, NULL, &err), PQ_ERR_IO);
    CHECK(s == NULL);
    CHECK(strstr(err.message, ".tmp-") == NULL); /* the user never named the temporary file */
    CHECK(strstr(err.message, strerror(ENOENT)) != NULL);
    CHECK(strstr(err.path, "missing/sub/out.parquet") != NULL);
    /* a folder under the final name */
    pq_error_clear(&err);
    CHECK_STATUS(pq_sink_open_file(&s, dir, NULL, &err), PQ_ERR_IO);
    CHECK_EQ_STR(err.path, dir);
    CHECK(strstr(err.message, strerror(EISDIR)) != NULL);
    /* a regular file where a folder should be */
    char file[128];
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *fp = fopen(file, "wb");
    fclose(fp);
    snprintf(path, sizeof path, "%s/plain/out.parquet", dir);
    CHECK_STATUS(pq_sink_open_file(&s, path, NULL, &err), PQ_ERR_IO);
    CHECK_STATUS(pq_sink_open_file(&s, "", NULL, &err), PQ_ERR_INVALID_ARG);
    CHECK_EQ_I64(count_entries(dir, NULL, 0), 1);
    unlink(file);
    rmdir(dir);
}

/* The rename fails when a folder appears under the final name: close
 * reports PQ_ERR_IO and removes the temporary file. */
TEST(file_sink_failed_close_cleans_up)
{
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.parquet", dir);
    pq_error err;
    pq_sink *s;
    CHECK_OK(pq_sink_open_file(&s, path, NULL, &err), &err);
    CHECK_OK(pq_sink_write(s, "data", 4, &err), &err);
    CHECK(mkdir(path, 0755) == 0);
    char sub[160];
    snprintf(sub, sizeof sub, "%s/keep", path);
    CHECK(mkdir(sub, 0755) == 0); /* non-empty: rename(2) cannot replace it */
    pq_error_clear(&err);
    CHECK_STATUS(pq_sink_close(s, &err), PQ_ERR_IO);
    CHECK_EQ_STR(err.path, path);
    CHECK(strstr(err.message, "rename") != NULL);
    CHECK_EQ_I64(count_entries(dir, NULL, 0), 1); /* only the folder we made */
    rmdir(sub);
    rmdir(path);
    rmdir(dir);
}

/* Out of memory at every allocation of open + write + close. */
TEST(file_sink_allocation_failures)
{
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/o.bin", dir);
    for (long n = 1; n < 20; n++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, n);
        pq_error err;
        pq_sink *s;
        pq_status st = pq_sink_open_file(&s, path, &a, &err);
        if (st == PQ_OK) {
            st = pq_sink_write(s, "abc", 3, &err);
            pq_status c = pq_sink_close(s, &err);
            if (st == PQ_OK) st = c;
        }
        CHECK(st == PQ_OK || st == PQ_ERR_NOMEM);
        CHECK_EQ_I64(f.live, 0);
        if (st == PQ_OK) {
            CHECK(!f.failed);
            unlink(path);
        }
        CHECK_EQ_I64(count_entries(dir, NULL, 0), 0);
        pq_sink *m;
        a = harness_fault_allocator(&f, n);
        st = pq_sink_open_memory(&m, &a, &err);
        if (st == PQ_OK) {
            st = pq_sink_write(m, "abcdef", 6, &err);
            if (st == PQ_OK) {
                uint8_t *d;
                size_t len;
                st = pq_sink_close_memory(m, &d, &len, &err);
                if (st == PQ_OK) pq_free(&a, d);
            } else {
                CHECK_STATUS(pq_sink_write(m, "x", 1, &err), PQ_ERR_STATE);
                pq_sink_abort(m);
            }
        }
        CHECK(st == PQ_OK || st == PQ_ERR_NOMEM);
        CHECK_EQ_I64(f.live, 0);
    }
    rmdir(dir);
}

int main(void)
{
    RUN(memory_sink_collects_bytes);
    RUN(memory_sink_empty);
    RUN(file_sink_temp_then_rename);
    RUN(file_sink_replaces_existing);
    RUN(file_sink_abort_leaves_nothing);
    RUN(file_sink_unwritable_folder);
    RUN(file_sink_failed_close_cleans_up);
    RUN(file_sink_allocation_failures);
    return harness_done();
}
