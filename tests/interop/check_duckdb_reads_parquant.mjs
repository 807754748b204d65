#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// Test "DuckDB reads parquant's files".
//   node check_duckdb_reads_parquant.mjs DIR
// DIR holds pairs X.parquet + X.expected.jsonl written by pq_gen_interop (the expected lines
// come from the values parquant was asked to write, not from reading the file back).  Each
// .parquet is read by DuckDB and its canonical dump compared with X.expected.jsonl line by
// line.  A .parquet without its .expected.jsonl (or the reverse) fails, and so does an
// empty DIR.  Ends with "N passed, M failed"; exit status 1 on any failure.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect, dumpFile } from './lib/duck.mjs';
import { Tally, firstDifference, runCheck, splitLines } from './lib/check.mjs';

await runCheck('DuckDB reads parquant files', async () => {
  const dirArg = process.argv[2];
  if (!dirArg || dirArg.startsWith('-')) throw new Error('usage: check_duckdb_reads_parquant.mjs DIR');
  const dir = resolve(dirArg);
  const names = readdirSync(dir);
  const stems = new Set();
  for (const n of names) {
    if (n.endsWith('.expected.jsonl')) stems.add(n.slice(0, -'.expected.jsonl'.length));
    else if (n.endsWith('.parquet')) stems.add(n.slice(0, -'.parquet'.length));
  }
  const { con } = await connect({ threads: 2 });
  const tally = new Tally();
  for (const stem of [...stems].sort()) {
    const file = join(dir, stem + '.parquet'), exp = join(dir, stem + '.expected.jsonl');
    if (!existsSync(file)) { tally.fail(stem, `${exp} has no ${stem}.parquet`); continue; }
    if (!existsSync(exp)) { tally.fail(stem, `${file} has no ${stem}.expected.jsonl`); continue; }
    const expected = splitLines(readFileSync(exp, 'utf8'));
    let got;
    try {
      got = await dumpFile(con, file);
    } catch (e) {
      tally.fail(stem, `DuckDB cannot read it: ${e.message.split('\n')[0]}`);
      continue;
    }
    const diff = firstDifference(expected, got, 'expected', 'duckdb  ');
    if (diff) tally.fail(stem, diff);
    else tally.pass(stem, `${expected.length} rows`);
  }
  tally.finish();
});
