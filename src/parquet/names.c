/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/names.c - printable names of the Parquet format enums (codec,
 * encoding, physical type) as spelled in parquet.thrift, and the parser of
 * codec names used by command-line options.  Name lookups never fail: a
 * value outside the enum prints as "UNKNOWN".  Parsing is case-insensitive.
 */
#include "parquant/parquet.h"

#include "core/core.h"

/* ASCII case-insensitive equality (locale-independent, unlike strcasecmp). */
static bool ascii_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y - 'A' + 'a');
        if (x != y) return false;
        if (x == 0) return true;
    }
}

const char *pq_codec_name(pq_codec c)
{
    static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                        "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "UNKNOWN";
}

const char *pq_encoding_name(pq_encoding e)
{
    /* Value 1 (GROUP_VAR_INT) was never used and is not a valid encoding. */
    static const char *const names[] = {"PLAIN",
                                        NULL,
                                        "PLAIN_DICTIONARY",
                                        "RLE",
                                        "BIT_PACKED",
                                        "DELTA_BINARY_PACKED",
                                        "DELTA_LENGTH_BYTE_ARRAY",
                                        "DELTA_BYTE_ARRAY",
                                        "RLE_DICTIONARY",
                                        "BYTE_STREAM_SPLIT"};
    if (e == PQ_ENC_DEFAULT) return "DEFAULT";
    if ((unsigned)e < sizeof names / sizeof names[0] && names[e]) return names[e];
    return "UNKNOWN";
}

const char *pq_physical_name(pq_physical t)
{
    static const char *const names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                        "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "UNKNOWN";
}

pq_status pq_codec_parse(const char *name, pq_codec *out, pq_error *err)
{
    static const struct {
        const char *name;
        pq_codec codec;
    } table[] = {
        {"none", PQ_CODEC_UNCOMPRESSED}, {"uncompressed", PQ_CODEC_UNCOMPRESSED},
        {"snappy", PQ_CODEC_SNAPPY},     {"gzip", PQ_CODEC_GZIP},
        {"zstd", PQ_CODEC_ZSTD},         {"lz4_raw", PQ_CODEC_LZ4_RAW},
        {"lz4", PQ_CODEC_LZ4},           {"brotli", PQ_CODEC_BROTLI},
        {"lzo", PQ_CODEC_LZO},
    };
    if (!name) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a codec name, found NULL");
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (ascii_ieq(name, table[i].name)) {
            *out = table[i].codec;
            return PQ_OK;
        }
    }
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG,
                   "unknown codec '%.64s' (expected one of none, uncompressed, snappy, gzip, zstd, lz4_raw, lz4, "
                   "brotli, lzo)",
                   name);
}
