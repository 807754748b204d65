#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// Test "parquant reads DuckDB's files".
//   node check_reads_duckdb_files.mjs [--parquant PATH] [--rows N] [--wide-rows N] [--keep DIR]
// Writes the reference matrix of duckdb_write.mjs (every DuckDB type that maps to Parquet,
// every codec, dictionary on/off, DuckDB's V2 writer, several row groups, 0 and 1 row) into a
// temporary folder, then for each file compares `parquant cat FILE --format jsonl` with
// DuckDB's own canonical dump, line by line.  Reports the first differing line per file and
// ends with "N passed, M failed"; exit status 1 on any failure.
// The binary is --parquant PATH, else $PARQUANT, else build/parquant.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, dumpFile } from './lib/duck.mjs';
import { Tally, firstDifference, option, parquantCat, parquantPath, runCheck } from './lib/check.mjs';
import { writeMatrix } from './duckdb_write.mjs';

await runCheck('parquant reads DuckDB files', async () => {
  const args = process.argv.slice(2);
  const bin = parquantPath(args);
  const keep = option(args, '--keep');
  const rows = Number(option(args, '--rows', 5000));
  const wideRows = Number(option(args, '--wide-rows', 30000));
  const dir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'pq-duck-files-'));
  try {
    const files = await writeMatrix(dir, { rows, wideRows });
    const { con } = await connect({ threads: 2 });
    const tally = new Tally();
    for (const f of files) {
      const expected = await dumpFile(con, f.path);
      const got = parquantCat(bin, f.path);
      if (got.error) { tally.fail(f.name, got.error); continue; }
      const diff = firstDifference(expected, got.lines, 'duckdb  ', 'parquant');
      if (diff) tally.fail(f.name, diff);
      else tally.pass(f.name, `${expected.length} rows`);
    }
    tally.finish();
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
});
