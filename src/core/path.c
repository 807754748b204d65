/* SPDX-License-Identifier: Apache-2.0
 *
 * core/path.c - path helpers (core/path.h).
 */
#include "core/path.h"

#include <stdio.h>
#include <string.h>

void pq_path_parent(const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "%s", path);
    char *slash = strrchr(out, '/');
    if (!slash) snprintf(out, cap, ".");
    else if (slash == out) out[1] = 0;
    else *slash = 0;
}
