/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl_dataset.c - the partitioned layout: a Hive-style dataset folder,
 * DIR/year=2024/month=01/part-0.parquet, each file a wide P&L file of that
 * month's rows (DuckDB reads it with read_parquet over DIR's parquet files
 * and hive_partitioning = true).  The folder is built beside DIR (DIR.tmp-XXXXXX), every file and
 * folder fsynced, then renamed into place, so DIR is either the old dataset
 * or the complete new one.  Also lists a dataset's files for the loader.
 */
#define _XOPEN_SOURCE 700
#include "pnl/pnl_write.h"

#include "core/calendar.h"
#include "core/path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)ftw;
    return flag == FTW_DP || flag == FTW_D ? rmdir(path) : unlink(path);
}

/* Remove a folder and everything in it (best effort). */
static void remove_tree(const char *dir) { nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static pq_status fsync_dir(const char *dir, pq_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot open folder: %s", dir, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && e != EINVAL) return PQ_FAIL(err, PQ_ERR_IO, "%s: fsync: %s", dir, strerror(e));
    return PQ_OK;
}

static pq_status make_dir(const char *dir, pq_error *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot create folder: %s", dir, strerror(errno));
    return PQ_OK;
}

typedef struct part_key {
    int64_t year;
    unsigned month;
} part_key;

static int64_t key_of(const pq_pnl *p, int64_t r, bool by_month, part_key *k)
{
    int64_t y;
    unsigned m, d;
    pq_civil_from_days(p->meta[PQ_PNL_DATE].days[r], &y, &m, &d);
    k->year = y;
    k->month = by_month ? m : 0;
    return y * 16 + k->month;
}

typedef struct row_key {
    int64_t key;
    int64_t row;
} row_key;

static int cmp_row_key(const void *a, const void *b)
{
    const row_key *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static pq_status write_parts(const pq_pnl *p, const char *tmp, const pq_pnl_write_options *o, bool by_month,
                             int64_t *files, pq_error *err)
{
    int64_t n = p->n_rows;
    row_key *rk = malloc((size_t)(n ? n : 1) * sizeof *rk);
    int64_t *rows = malloc((size_t)(n ? n : 1) * sizeof *rows);
    pq_status st = rk && rows ? PQ_OK : PQ_NOMEM(err);
    part_key k;
    for (int64_t r = 0; st == PQ_OK && r < n; r++) {
        rk[r].key = p->meta[PQ_PNL_DATE].days[r];
        rk[r].row = r;
    }
    /* by date, ties in source order: each partition's rows come out
     * contiguous, and the dataset reads back as pq_pnl_sort_by_date's order */
    if (st == PQ_OK) qsort(rk, (size_t)n, sizeof *rk, cmp_row_key);
    char dir[4200], file[4300];
    for (int64_t i = 0; st == PQ_OK && i < n;) {
        int64_t j = i;
        part_key k2;
        int64_t pk = key_of(p, rk[i].row, by_month, &k);
        while (j < n && key_of(p, rk[j].row, by_month, &k2) == pk) {
            rows[j - i] = rk[j].row;
            j++;
        }
        if (k.year < 0 || k.year > 9999) {
            st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "year %lld cannot be a partition", (long long)k.year);
            break;
        }
        snprintf(dir, sizeof dir, "%.4000s/year=%04lld", tmp, (long long)k.year);
        st = make_dir(dir, err);
        if (st == PQ_OK && by_month) {
            size_t len = strlen(dir);
            snprintf(dir + len, sizeof dir - len, "/month=%02u", k.month);
            st = make_dir(dir, err);
        }
        snprintf(file, sizeof file, "%s/part-0.parquet", dir);
        if (st == PQ_OK)
            st = o->part_store == PQ_PNL_STORE_LONG ? pnl_write_long_rows(p, rows, j - i, file, o, err)
                                                    : pnl_write_wide_rows(p, rows, j - i, file, o, err);
        if (st == PQ_OK) st = fsync_dir(dir, err);
        if (st == PQ_OK && by_month) {
            char up[4200];
            pq_path_parent(dir, up, sizeof up);
            st = fsync_dir(up, err);
        }
        if (st == PQ_OK) (*files)++;
        i = j;
    }
    free(rk);
    free(rows);
    return st;
}

pq_status pnl_write_dataset(const pq_pnl *p, const char *dir, const pq_pnl_write_options *o, int64_t *files_written,
                            pq_error *err)
{
    unsigned by = o->partition_by ? o->partition_by : (PQ_PNL_PART_YEAR | PQ_PNL_PART_MONTH);
    if (by != PQ_PNL_PART_YEAR && by != (PQ_PNL_PART_YEAR | PQ_PNL_PART_MONTH))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "partition keys: 'year' or 'year,month' (the files keep every column)");
    struct stat st_out;
    if (stat(dir, &st_out) == 0 && !S_ISDIR(st_out.st_mode))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s exists and is not a folder", dir);
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') len--;
    char tmp[4096], old[4096], parent[4096];
    if (len + 16 >= sizeof tmp) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "path too long");
    snprintf(tmp, sizeof tmp, "%.*s.tmp-XXXXXX", (int)len, dir);
    if (!mkdtemp(tmp)) return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot create a folder beside it: %s", dir, strerror(errno));
    int64_t files = 0;
    pq_status s = write_parts(p, tmp, o, by & PQ_PNL_PART_MONTH, &files, err);
    if (s == PQ_OK) s = fsync_dir(tmp, err);
    char target[4096];
    snprintf(target, sizeof target, "%.*s", (int)len, dir);
    pq_path_parent(target, parent, sizeof parent);
    old[0] = 0;
    if (s == PQ_OK && stat(target, &st_out) == 0) {
        snprintf(old, sizeof old, "%.4000s.old-XXXXXX", target);
        if (!mkdtemp(old) || rmdir(old) != 0 || rename(target, old) != 0)
            s = PQ_FAIL(err, PQ_ERR_IO, "%s: cannot move the previous dataset aside: %s", target, strerror(errno));
    }
    if (s == PQ_OK && rename(tmp, target) != 0) {
        s = PQ_FAIL(err, PQ_ERR_IO, "%s: cannot rename the new dataset into place: %s", target, strerror(errno));
        if (old[0]) (void)rename(old, target);
        old[0] = 0;
    }
    if (s == PQ_OK) s = fsync_dir(parent, err);
    if (s != PQ_OK) remove_tree(tmp);
    if (old[0]) remove_tree(old);
    if (s == PQ_OK && files_written) *files_written = files;
    return s;
}

/* ------------------------------------------------------------- listing */

typedef struct path_list {
    char **v;
    int64_t n, cap;
} path_list;

static pq_status list_push(path_list *l, const char *path, pq_error *err)
{
    if (l->n == l->cap) {
        int64_t cap = l->cap ? l->cap * 2 : 64;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v) return PQ_NOMEM(err);
        l->v = v, l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(path))) return PQ_NOMEM(err);
    l->n++;
    return PQ_OK;
}

/* Every *.parquet below dir; names starting with '.' or '_' are skipped
 * (temporary files, _SUCCESS markers), as Hive readers do. */
static pq_status walk(const char *dir, int depth, path_list *l, pq_error *err)
{
    if (depth > 32) return PQ_FAIL(err, PQ_ERR_LIMIT, "%s: folders nested too deep", dir);
    DIR *d = opendir(dir);
    if (!d) return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot list the folder: %s", dir, strerror(errno));
    pq_status st = PQ_OK;
    struct dirent *e;
    char path[4096];
    while (st == PQ_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || e->d_name[0] == '_') continue;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path) {
            st = PQ_FAIL(err, PQ_ERR_LIMIT, "%s: path too long", dir);
            break;
        }
        struct stat sb;
        if (lstat(path, &sb) != 0) continue;
        if (S_ISDIR(sb.st_mode)) st = walk(path, depth + 1, l, err);
        else if (S_ISREG(sb.st_mode)) {
            size_t n = strlen(e->d_name);
            if (n >= 8 && strcmp(e->d_name + n - 8, ".parquet") == 0) st = list_push(l, path, err);
        }
    }
    closedir(d);
    return st;
}

static int cmp_path(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void pnl_free_strings(char **v, int64_t n)
{
    if (!v) return;
    for (int64_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

pq_status pnl_dataset_files(const char *dir, char ***out, int64_t *n, pq_error *err)
{
    path_list l = {0};
    pq_status st = walk(dir, 0, &l, err);
    if (st == PQ_OK && l.n == 0) st = PQ_FAIL(err, PQ_ERR_NOT_FOUND, "%s: no .parquet file in the folder", dir);
    if (st != PQ_OK) {
        pnl_free_strings(l.v, l.n);
        return st;
    }
    qsort(l.v, (size_t)l.n, sizeof *l.v, cmp_path);
    *out = l.v;
    *n = l.n;
    return PQ_OK;
}
