/* SPDX-License-Identifier: Apache-2.0
 *
 * core/crc32.c - CRC-32 (gzip polynomial) for page checksums, through
 * libdeflate's carry-less-multiply implementation (several GB/s), so that
 * verifying CRCs on read costs little next to decompression.
 */
#include "core/core.h"

#include <libdeflate.h>

uint32_t pq_crc32(uint32_t crc, const void *p, size_t n)
{
    return libdeflate_crc32(crc, p, n);
}
