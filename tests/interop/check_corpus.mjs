#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// Test "parquant reads the apache/parquet-testing core files as DuckDB does".
//   node check_corpus.mjs [--parquant PATH] [--corpus DIR] [--all]
// For each file of the core set (plain Parquet features: the 'core' class of
// ../shared/specs/parquet.md that DuckDB reads) compares `parquant cat FILE --format jsonl`
// with DuckDB's canonical dump line by line.  The two corrupt-checksum files may instead be
// refused with a checksum error (parquant verifies page CRCs; DuckDB does not).
// --all compares every file of DIR that DuckDB reads (the 'should' and 'edge' classes too).
// DIR defaults to $PQ_CORPUS, else ../shared/parquet-testing/data beside the repository.
// Ends with "N passed, M failed"; exit status 1 on any failure.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { connect, dumpFile } from './lib/duck.mjs';
import { REPO_DIR, Tally, firstDifference, option, parquantCat, parquantPath, runCheck } from './lib/check.mjs';

export const CORE = [
  'alltypes_dictionary.parquet', 'alltypes_plain.parquet', 'alltypes_plain.snappy.parquet',
  'alltypes_tiny_pages.parquet', 'alltypes_tiny_pages_plain.parquet',
  'binary.parquet', 'int32_decimal.parquet', 'int64_decimal.parquet',
  'fixed_length_decimal.parquet', 'fixed_length_decimal_legacy.parquet',
  'byte_stream_split.zstd.parquet',
  'delta_binary_packed.parquet', 'delta_byte_array.parquet', 'delta_encoding_optional_column.parquet',
  'delta_encoding_required_column.parquet', 'delta_length_byte_array.parquet',
  'datapage_v2.snappy.parquet', 'rle_boolean_encoding.parquet',
  'datapage_v1-snappy-compressed-checksum.parquet', 'datapage_v1-uncompressed-checksum.parquet',
  'plain-dict-uncompressed-checksum.parquet', 'rle-dict-snappy-checksum.parquet',
  'datapage_v1-corrupt-checksum.parquet', 'rle-dict-uncompressed-corrupt-checksum.parquet',
  'fixed_length_byte_array.parquet', 'int32_with_null_pages.parquet',
  'list_columns.parquet', 'nested_lists.snappy.parquet', 'nested_maps.snappy.parquet',
  'nested_structs.rust.parquet', 'nonnullable.impala.parquet', 'nullable.impala.parquet',
  'nulls.snappy.parquet', 'null_list.parquet',
  'lz4_raw_compressed.parquet', 'lz4_raw_compressed_larger.parquet',
  'unknown-logical-type.parquet',
];
const CORRUPT_CRC = new Set(['datapage_v1-corrupt-checksum.parquet', 'rle-dict-uncompressed-corrupt-checksum.parquet']);
// --all only: files where DuckDB's rows are not the reference (see ../shared/specs/parquet.md).
const KNOWN = {
  'int96_from_spark.parquet': 'INT96 values beyond the int64-nanosecond range: every engine differs',
  'nation.dict-malformed.parquet': 'malformed dictionary page: refusing it is correct',
};

function allParquet(dir) {
  const out = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...allParquet(p));
    else if (n.endsWith('.parquet')) out.push(p);
  }
  return out;
}

await runCheck('corpus', async () => {
  const args = process.argv.slice(2);
  const bin = parquantPath(args);
  const corpus = resolve(option(args, '--corpus', process.env.PQ_CORPUS || join(REPO_DIR, '..', 'shared', 'parquet-testing', 'data')));
  if (!existsSync(corpus)) throw new Error(`corpus folder not found: ${corpus} (pass --corpus DIR or set PQ_CORPUS)`);
  const all = args.includes('--all');
  const files = all ? allParquet(corpus) : CORE.map(n => join(corpus, n));
  const { con } = await connect({ threads: 2 });
  const tally = new Tally();
  for (const file of files) {
    const name = relative(corpus, file);
    if (!existsSync(file)) { tally.fail(name, 'missing from the corpus'); continue; }
    let expected;
    try {
      expected = await dumpFile(con, file);
    } catch (e) {
      if (all) { console.log(`skip ${name}: DuckDB cannot read it (${e.message.split('\n')[0]})`); continue; }
      tally.fail(name, `DuckDB cannot read a core file: ${e.message.split('\n')[0]}`);
      continue;
    }
    const got = parquantCat(bin, file);
    const diff = got.error ? null : firstDifference(expected, got.lines, 'duckdb  ', 'parquant');
    if (all && KNOWN[name] && (got.error || diff)) {
      console.log(`skip ${name}: known divergence (${KNOWN[name]})`);
      continue;
    }
    if (got.error) {
      if (CORRUPT_CRC.has(name) && /checksum|crc/i.test(got.error)) tally.pass(name, 'refused: CRC mismatch');
      else tally.fail(name, got.error);
      continue;
    }
    if (diff) tally.fail(name, diff);
    else tally.pass(name, `${expected.length} rows`);
  }
  tally.finish();
});
