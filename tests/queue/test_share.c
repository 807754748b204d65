/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/queue/test_share.c - the shared folder (queue/share.c) in a
 * temporary folder: pq_queue_init_share creates every folder, twice is
 * fine, a file in a folder's place is PQ_ERR_IO; pq_queue_path and the
 * folder names; pq_queue_resolve_input keeps input_file inside input/
 * (relative, no "..", no hidden or empty part, no backslash, .csv or
 * .parquet, no symlink out, a regular file, the size limit) with exact
 * statuses; pq_queue_write_file / pq_queue_read_file round trip, missing
 * file, size limit, no temporary file left; pq_queue_find for each state;
 * pq_queue_log writes one line per event to logs/queue_YYYYMMDD.log.
 */
#include "queue/queue.h"

#include "harness.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char root[512];   /* the share: <tmp>/share */
static char tmp[256];    /* the temporary folder */


/* path = root/<rel> */
static void at(char *path, size_t cap, const char *rel) { snprintf(path, cap, "%s/%s", root, rel); }

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --------------------------------------------------------------- cases */

TEST(init_share_creates_the_folders)
{
    static const char *const dirs[] = {"input", "output", "jobs/queue", "jobs/processing", "jobs/completed",
                                       "jobs/failed", "logs", "data/parquet"};
    pq_error err;
    char path[PATH_MAX];
    CHECK(!is_dir(root));
    CHECK_OK(pq_queue_init_share(root, &err), &err);
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        at(path, sizeof path, dirs[i]);
        CHECK(is_dir(path));
        if (!is_dir(path)) fprintf(stderr, "  missing %s\n", path);
        CHECK_EQ_STR(pq_queue_dir_name((pq_queue_dir)i), dirs[i]);
    }
    CHECK_EQ_STR(pq_queue_dir_name(PQ_QDIR_COUNT), "?");
    /* again: nothing to do */
    CHECK_OK(pq_queue_init_share(root, &err), &err);

    /* a file where a folder goes */
    char other[PATH_MAX];
    snprintf(other, sizeof other, "%s/other", tmp);
    CHECK_OK(pq_queue_init_share(other, &err), &err);
    char logs[PATH_MAX + 8];
    snprintf(logs, sizeof logs, "%s/logs", other);
    CHECK(rmdir(logs) == 0);
    harness_write_text(logs, "x");
    pq_error_clear(&err);
    CHECK_STATUS(pq_queue_init_share(other, &err), PQ_ERR_IO);
    CHECK(strstr(err.message, "logs: cannot create the folder: a file has that name") != NULL);
    /* a file in place of a parent folder */
    char third[PATH_MAX], jobs[PATH_MAX + 8];
    snprintf(third, sizeof third, "%s/third", tmp);
    CHECK(mkdir(third, 0777) == 0);
    snprintf(jobs, sizeof jobs, "%s/jobs", third);
    harness_write_text(jobs, "x");
    pq_error_clear(&err);
    CHECK_STATUS(pq_queue_init_share(third, &err), PQ_ERR_IO);
    CHECK(strstr(err.message, "/jobs: cannot create the folder") != NULL);
    /* the folders before it were made */
    char input[PATH_MAX + 8];
    snprintf(input, sizeof input, "%s/input", third);
    CHECK(is_dir(input));
}

TEST(paths_in_the_share)
{
    char out[PQ_QUEUE_PATH];
    CHECK(pq_queue_path(out, "/r", PQ_QDIR_QUEUE, "j1.json"));
    CHECK_EQ_STR(out, "/r/jobs/queue/j1.json");
    CHECK(pq_queue_path(out, "/r", PQ_QDIR_CACHE, NULL));
    CHECK_EQ_STR(out, "/r/data/parquet");
    CHECK(pq_queue_path(out, "/r", PQ_QDIR_INPUT, ""));
    CHECK_EQ_STR(out, "/r/input");
    /* too long */
    char *name = malloc(PQ_QUEUE_PATH);
    memset(name, 'n', PQ_QUEUE_PATH - 1);
    name[PQ_QUEUE_PATH - 1] = '\0';
    CHECK(!pq_queue_path(out, "/r", PQ_QDIR_INPUT, name));
    /* exactly fits: "/r/input/" + name = PQ_QUEUE_PATH - 1 bytes */
    name[PQ_QUEUE_PATH - 1 - 9] = '\0';
    CHECK(pq_queue_path(out, "/r", PQ_QDIR_INPUT, name));
    CHECK_EQ_I64(strlen(out), PQ_QUEUE_PATH - 1);
    name[PQ_QUEUE_PATH - 1 - 9] = 'n'; /* one byte more */
    name[PQ_QUEUE_PATH - 1 - 8] = '\0';
    CHECK(!pq_queue_path(out, "/r", PQ_QDIR_INPUT, name));
    free(name);
}

TEST(resolve_input)
{
    pq_error err;
    char path[PATH_MAX], real[PATH_MAX], out[PQ_QUEUE_PATH];
    CHECK_OK(pq_queue_init_share(root, &err), &err);
    at(path, sizeof path, "input/a.csv");
    harness_write_text(path, "a,b\n1,2\n"); /* 8 bytes */
    at(path, sizeof path, "input/sub");
    CHECK(mkdir(path, 0777) == 0);
    at(path, sizeof path, "input/sub/b.parquet");
    harness_write_text(path, "PAR1");
    at(path, sizeof path, "input/.hidden.csv");
    harness_write_text(path, "x");
    at(path, sizeof path, "input/a.txt");
    harness_write_text(path, "x");
    at(path, sizeof path, "input/x.csv");
    CHECK(mkdir(path, 0777) == 0);
    char outside[PATH_MAX];
    snprintf(outside, sizeof outside, "%s/outside.csv", tmp);
    harness_write_text(outside, "a\n1\n");
    at(path, sizeof path, "input/link.csv");
    CHECK(symlink(outside, path) == 0);
    at(path, sizeof path, "input/inner.csv");
    CHECK(symlink("sub/../a.csv", path) == 0);
    at(path, sizeof path, "input/dangling.csv");
    CHECK(symlink("nowhere.csv", path) == 0);
    at(path, sizeof path, "input/sublink");
    CHECK(symlink(tmp, path) == 0); /* a folder link leading out */

    /* accepted: the real path */
    at(path, sizeof path, "input/a.csv");
    CHECK(realpath(path, real) != NULL);
    memset(out, 0, sizeof out);
    CHECK_OK(pq_queue_resolve_input(root, "a.csv", 0, out, &err), &err);
    CHECK_EQ_STR(out, real);
    CHECK_OK(pq_queue_resolve_input(root, "a.csv", 8, out, &err), &err); /* exactly the limit */
    CHECK_EQ_STR(out, real);
    CHECK_OK(pq_queue_resolve_input(root, "inner.csv", 0, out, &err), &err); /* symlink inside to inside */
    CHECK_EQ_STR(out, real);
    at(path, sizeof path, "input/sub/b.parquet");
    CHECK(realpath(path, real) != NULL);
    CHECK_OK(pq_queue_resolve_input(root, "sub/b.parquet", 0, out, &err), &err);
    CHECK_EQ_STR(out, real);

    static const struct { const char *name; pq_status want; const char *sub; } bad[] = {
        {"../x.csv", PQ_ERR_INVALID_ARG, "hidden part"},
        {"/etc/passwd", PQ_ERR_INVALID_ARG, "is an absolute path"},
        {"/etc/x.csv", PQ_ERR_INVALID_ARG, "is an absolute path"},
        {"sub/../a.csv", PQ_ERR_INVALID_ARG, "'..'"},
        {"./a.csv", PQ_ERR_INVALID_ARG, "'.'"},
        {".hidden.csv", PQ_ERR_INVALID_ARG, "hidden part"},
        {"sub/.hidden.csv", PQ_ERR_INVALID_ARG, "hidden part"},
        {"a.txt", PQ_ERR_INVALID_ARG, "is neither .csv nor .parquet"},
        {"a.CSV", PQ_ERR_INVALID_ARG, "is neither .csv nor .parquet"},
        {"dir\\a.csv", PQ_ERR_INVALID_ARG, "holds '\\' or ':'"},
        {"c:a.csv", PQ_ERR_INVALID_ARG, "holds '\\' or ':'"},
        {"", PQ_ERR_INVALID_ARG, "input_file is empty"},
        {"sub/", PQ_ERR_INVALID_ARG, "ends with '/'"},
        {"sub//b.parquet", PQ_ERR_INVALID_ARG, "empty"},
        {"link.csv", PQ_ERR_INVALID_ARG, "outside"},
        {"sublink/outside.csv", PQ_ERR_INVALID_ARG, "outside"},
        {"x.csv", PQ_ERR_INVALID_ARG, "is not a regular file"},
        {"missing.csv", PQ_ERR_NOT_FOUND, "no such file"},
        {"sub/missing.parquet", PQ_ERR_NOT_FOUND, "no such file"},
        {"dangling.csv", PQ_ERR_NOT_FOUND, "no such file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pq_error_clear(&err);
        strcpy(out, "untouched");
        pq_status st = pq_queue_resolve_input(root, bad[i].name, 0, out, &err);
        CHECK_EQ_I64(st, bad[i].want);
        CHECK(strstr(err.message, bad[i].sub) != NULL);
        CHECK_EQ_STR(out, "untouched");
        if (st != bad[i].want || !strstr(err.message, bad[i].sub))
            fprintf(stderr, "  input_file \"%s\": status %d, message \"%s\"\n", bad[i].name, (int)st, err.message);
    }
    /* larger than max_bytes */
    pq_error_clear(&err);
    CHECK_STATUS(pq_queue_resolve_input(root, "a.csv", 7, out, &err), PQ_ERR_LIMIT);
    CHECK(strstr(err.message, "has 8 bytes, more than the limit of 7") != NULL);
}

TEST(write_and_read_files)
{
    pq_error err;
    char dir[PATH_MAX], path[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/rw", tmp);
    CHECK(mkdir(dir, 0777) == 0);
    snprintf(path, sizeof path, "%s/f.json", dir);
    const char text[] = "{\"a\":1}\n";
    CHECK_OK(pq_queue_write_file(path, text, sizeof text - 1, &err), &err);
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_OK(pq_queue_read_file(path, 1024, &b, &err), &err);
    CHECK_EQ_I64(b.len, sizeof text - 1);
    CHECK(b.len == sizeof text - 1 && memcmp(b.data, text, b.len) == 0);
    CHECK(b.data && b.data[b.len] == '\0');
    /* exactly max bytes is fine, one less is the limit */
    CHECK_OK(pq_queue_read_file(path, sizeof text - 1, &b, &err), &err);
    CHECK_EQ_I64(b.len, sizeof text - 1);
    pq_error_clear(&err);
    CHECK_STATUS(pq_queue_read_file(path, sizeof text - 2, &b, &err), PQ_ERR_LIMIT);
    CHECK(strstr(err.message, "larger than 7 bytes") != NULL);

    /* overwrite with a larger file (crosses the 64 KiB read size); binary */
    size_t big_n = 200000;
    unsigned char *big = malloc(big_n);
    for (size_t i = 0; i < big_n; i++) big[i] = (unsigned char)(i * 7 + 3);
    CHECK_OK(pq_queue_write_file(path, big, big_n, &err), &err);
    CHECK_OK(pq_queue_read_file(path, big_n, &b, &err), &err);
    CHECK_EQ_I64(b.len, big_n);
    CHECK(b.len == big_n && memcmp(b.data, big, big_n) == 0);
    pq_error_clear(&err);
    CHECK_STATUS(pq_queue_read_file(path, 100000, &b, &err), PQ_ERR_LIMIT);
    free(big);
    /* an empty file */
    CHECK_OK(pq_queue_write_file(path, "", 0, &err), &err);
    CHECK_OK(pq_queue_read_file(path, 0, &b, &err), &err);
    CHECK_EQ_I64(b.len, 0);

    /* missing file; a folder */
    snprintf(path, sizeof path, "%s/missing.json", dir);
    pq_error_clear(&err);
    CHECK_STATUS(pq_queue_read_file(path, 1024, &b, &err), PQ_ERR_NOT_FOUND);
    CHECK(strstr(err.message, "missing.json") != NULL);
    pq_error_clear(&err);
    CHECK_STATUS(pq_queue_read_file(dir, 1024, &b, &err), PQ_ERR_IO);
    /* writing into a missing folder */
    snprintf(path, sizeof path, "%s/nofolder/f.json", dir);
    pq_error_clear(&err);
    CHECK_STATUS(pq_queue_write_file(path, "x", 1, &err), PQ_ERR_IO);
    pq_buf_reset(&b);

    /* only f.json is left: no temporary file */
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    int files = 0, temps = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        files++;
        if (strstr(e->d_name, ".tmp-")) temps++;
    }
    if (d) closedir(d);
    CHECK_EQ_I64(files, 1);
    CHECK_EQ_I64(temps, 0);
}

TEST(find_a_job)
{
    pq_error err;
    char q[PATH_MAX], p[PATH_MAX], c[PATH_MAX], f[PATH_MAX];
    CHECK_OK(pq_queue_init_share(root, &err), &err);
    at(q, sizeof q, "jobs/queue/j1.json");
    at(p, sizeof p, "jobs/processing/j1.json");
    at(c, sizeof c, "jobs/completed/j1.json");
    at(f, sizeof f, "jobs/failed/j1.json");
    pq_buf rec;
    pq_buf_init(&rec, NULL);

    CHECK_EQ_I64(pq_queue_find(root, "j1", &rec), PQ_JOB_UNKNOWN);
    CHECK_EQ_I64(pq_queue_find(root, "j1", NULL), PQ_JOB_UNKNOWN);

    const char *queued = "{\"job_id\":\"j1\",\"state\":\"queued\"}\n";
    CHECK_OK(pq_queue_write_file(q, queued, strlen(queued), &err), &err);
    CHECK_EQ_I64(pq_queue_find(root, "j1", &rec), PQ_JOB_QUEUED);
    CHECK(rec.len == strlen(queued) && memcmp(rec.data, queued, rec.len) == 0);
    CHECK_EQ_I64(pq_queue_find(root, "j1", NULL), PQ_JOB_QUEUED);

    CHECK(rename(q, p) == 0);
    CHECK_EQ_I64(pq_queue_find(root, "j1", &rec), PQ_JOB_RUNNING);
    CHECK(rec.len == strlen(queued) && memcmp(rec.data, queued, rec.len) == 0);
    CHECK_EQ_I64(pq_queue_find(root, "j1", NULL), PQ_JOB_RUNNING);

    const char *done = "{\"job_id\":\"j1\",\"status\":\"completed\"}\n";
    CHECK(unlink(p) == 0);
    CHECK_OK(pq_queue_write_file(c, done, strlen(done), &err), &err);
    CHECK_EQ_I64(pq_queue_find(root, "j1", &rec), PQ_JOB_COMPLETED);
    CHECK(rec.len == strlen(done) && memcmp(rec.data, done, rec.len) == 0);
    CHECK_EQ_I64(pq_queue_find(root, "j1", NULL), PQ_JOB_COMPLETED);

    const char *failed = "{\"job_id\":\"j1\",\"status\":\"failed\"}\n";
    CHECK(rename(c, f) == 0);
    CHECK_OK(pq_queue_write_file(f, failed, strlen(failed), &err), &err);
    CHECK_EQ_I64(pq_queue_find(root, "j1", &rec), PQ_JOB_FAILED);
    CHECK(rec.len == strlen(failed) && memcmp(rec.data, failed, rec.len) == 0);

    /* a finished record wins over a stale copy earlier in the pipeline */
    CHECK_OK(pq_queue_write_file(q, queued, strlen(queued), &err), &err);
    CHECK_EQ_I64(pq_queue_find(root, "j1", &rec), PQ_JOB_FAILED);
    CHECK(unlink(f) == 0);
    CHECK_EQ_I64(pq_queue_find(root, "j1", &rec), PQ_JOB_QUEUED);
    CHECK(unlink(q) == 0);

    /* absent, another id, invalid ids (no path is built from them) */
    CHECK_EQ_I64(pq_queue_find(root, "j1", &rec), PQ_JOB_UNKNOWN);
    CHECK_EQ_I64(pq_queue_find(root, "j2", &rec), PQ_JOB_UNKNOWN);
    at(q, sizeof q, "jobs/queue/.x.json");
    harness_write_text(q, "{}");
    CHECK_EQ_I64(pq_queue_find(root, ".x", &rec), PQ_JOB_UNKNOWN);
    CHECK_EQ_I64(pq_queue_find(root, "../queue/j1", &rec), PQ_JOB_UNKNOWN);
    CHECK_EQ_I64(pq_queue_find(root, "", &rec), PQ_JOB_UNKNOWN);
    pq_buf_reset(&rec);

    CHECK_EQ_STR(pq_job_state_name(PQ_JOB_QUEUED), "queued");
    CHECK_EQ_STR(pq_job_state_name(PQ_JOB_RUNNING), "running");
    CHECK_EQ_STR(pq_job_state_name(PQ_JOB_COMPLETED), "completed");
    CHECK_EQ_STR(pq_job_state_name(PQ_JOB_FAILED), "failed");
    CHECK_EQ_STR(pq_job_state_name(PQ_JOB_UNKNOWN), "unknown");
}

static char echoed[4096];
static int n_echoed;
static void echo(const char *line)
{
    snprintf(echoed, sizeof echoed, "%s", line);
    n_echoed++;
}

TEST(log_lines)
{
    pq_error err;
    CHECK_OK(pq_queue_init_share(root, &err), &err);
    time_t before = time(NULL);
    pq_queue_log(root, "proc-1", "claimed", "j1", echo, "attempt %d\nof %s\r!", 2, "three");
    pq_queue_log(root, "proc-1", "idle", NULL, NULL, "%s", "nothing");
    time_t after = time(NULL);
    /* the file of today (UTC); the day may have turned between the calls */
    char name[64], path[PATH_MAX];
    struct tm tm;
    size_t len = 0;
    unsigned char *text = NULL;
    for (int k = 0; k < 2 && !text; k++) {
        time_t t = k ? after : before;
        gmtime_r(&t, &tm);
        strftime(name, sizeof name, "logs/queue_%Y%m%d.log", &tm);
        at(path, sizeof path, name);
        text = harness_read_file(path, &len);
    }
    CHECK(text != NULL);
    if (!text) return;
    text[len] = '\0'; /* harness_read_file leaves room for it */
    /* two lines, the first: TIME PROCESSOR EVENT JOB text */
    int lines = 0;
    for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
    CHECK_EQ_I64(lines, 2);
    CHECK(len > 0 && text[len - 1] == '\n');
    char *first = (char *)text, *nl = strchr(first, '\n');
    CHECK(nl != NULL);
    if (nl) *nl = '\0';
    CHECK_EQ_I64(strlen(first), 20 + strlen(" proc-1 claimed j1 attempt 2 of three !"));
    CHECK(strlen(first) > 20 && strcmp(first + 20, " proc-1 claimed j1 attempt 2 of three !") == 0);
    CHECK(first[4] == '-' && first[7] == '-' && first[10] == 'T' && first[19] == 'Z');
    CHECK_EQ_I64(n_echoed, 1);
    CHECK_EQ_STR(echoed, first);
    const char *second = nl ? nl + 1 : "";
    CHECK(strlen(second) > 20 && strcmp(second + 20, " proc-1 idle - nothing\n") == 0);
    free(text);

    /* a message longer than the line buffer stays one line, cut */
    char big[5000];
    memset(big, 'm', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    unlink(path);
    pq_queue_log(root, "p", "e", "j", NULL, "%s", big);
    text = harness_read_file(path, &len);
    CHECK(text != NULL);
    if (text) {
        lines = 0;
        for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
        CHECK_EQ_I64(lines, 1);
        CHECK(len > 1000 && len < 2048 && text[len - 1] == '\n');
        free(text);
    }
    /* a share without logs/: ignored, nothing breaks */
    char none[PATH_MAX];
    snprintf(none, sizeof none, "%s/no-share", tmp);
    n_echoed = 0;
    pq_queue_log(none, "p", "e", "j", echo, "x");
    CHECK_EQ_I64(n_echoed, 1);
    CHECK(strlen(echoed) > 20 && strcmp(echoed + 20, " p e j x") == 0);
    CHECK(!is_dir(none));

    char when[32];
    pq_queue_time_str(0, when);
    CHECK_EQ_STR(when, "1970-01-01T00:00:00Z");
    pq_queue_time_str(1700000000, when);
    CHECK_EQ_STR(when, "2023-11-14T22:13:20Z");
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/pq_queue_share_XXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 2;
    }
    snprintf(root, sizeof root, "%s/share", tmp);
    RUN(init_share_creates_the_folders);
    RUN(paths_in_the_share);
    RUN(resolve_input);
    RUN(write_and_read_files);
    RUN(find_a_job);
    RUN(log_lines);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    return harness_done();
}
