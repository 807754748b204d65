/* SPDX-License-Identifier: Apache-2.0
 *
 * core/path.h - small path helpers shared by the writers that stage a
 * folder beside its final name (pnl datasets, optimize reports).
 */
#ifndef PARQUANT_CORE_PATH_H
#define PARQUANT_CORE_PATH_H

#include <stddef.h>

/** The folder holding `path` into out: "a/b" -> "a", "/b" -> "/", "b" -> ".". */
void pq_path_parent(const char *path, char *out, size_t cap);

#endif /* PARQUANT_CORE_PATH_H */
