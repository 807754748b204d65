/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_config.c - libFuzzer target for the INI configuration reader
 * (src/config/config_ini.c through libinih, value checking in config.c).
 *
 * Input: the bytes of an INI file (given to pq_config_load through a
 * memfd).  Checks (any failure aborts): the load ends in PQ_OK, PQ_ERR_PARSE
 * or PQ_ERR_NOMEM with a message; a failed load leaves every key at its
 * default; after a good load every item has a section, key and source, and
 * each warning names the file.
 */
#include "parquant/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) \
    do {         \
        if (!(c)) abort(); \
    } while (0)

static char path[64];

static void on_warning(void *ctx, const char *message)
{
    (void)ctx;
    CHECK(strncmp(message, path, strlen(path)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz.ini", 0);
    if (fd < 0) return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    pq_config *c = pq_config_new();
    if (!c) {
        close(fd);
        return 0;
    }
    pq_error err;
    pq_error_clear(&err);
    pq_status s = pq_config_load(c, path, on_warning, NULL, &err);
    CHECK(s == PQ_OK || s == PQ_ERR_PARSE || s == PQ_ERR_NOMEM);
    if (s != PQ_OK) {
        CHECK(err.message[0] != 0);
        CHECK(!pq_config_is_set(c, "general", "seed") && pq_config_int(c, "general", "seed") == 42);
    }
    pq_config_item it;
    for (size_t i = 0; pq_config_item_at(c, i, &it); i++) {
        CHECK(it.section && it.key && it.source && it.type);
        CHECK(it.used_by || it.reason);
    }
    double zw[4];
    (void)pq_config_numbers(c, "optimization", "zone_weights", zw, 4);
    pq_config_free(c);
    close(fd);
    return 0;
}
