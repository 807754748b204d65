/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/replay_main.c - a main() for fuzz targets outside libFuzzer: feeds
 * every regular file of the folders given as arguments to
 * LLVMFuzzerTestOneInput, so seed corpora and saved crashers
 * (fuzz/regress/<target>/) are replayed by CTest in every build, ASan and
 * UBSan included.  A missing folder is skipped; a run that fed no file fails.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = (uint8_t *)malloc(n > 0 ? (size_t)n : 1);
    size_t got = buf && n > 0 ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    if (!buf) return 0;
    LLVMFuzzerTestOneInput(buf, got);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    int fed = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) continue;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char path[4096];
            struct stat st;
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) fed += replay_file(path);
        }
        closedir(d);
    }
    printf("%d passed, 0 failed\n", fed);
    return fed > 0 ? 0 : 1;
}
