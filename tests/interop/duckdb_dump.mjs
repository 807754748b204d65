#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// duckdb_dump.mjs FILE [--threads N]: print the rows of a Parquet file as DuckDB reads them,
// one canon v1 line per row (lib/canon.mjs), in file order.  The reference output that
// `parquant cat FILE --format jsonl` must reproduce byte for byte.
// Exit status: 0 on success, 1 when DuckDB cannot read the file, 2 on bad usage.
import { connect, fileLines } from './lib/duck.mjs';

const args = process.argv.slice(2);
let file = null, threads = 0;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (!file && !args[i].startsWith('-')) file = args[i];
  else { console.error('usage: duckdb_dump.mjs FILE [--threads N]'); process.exit(2); }
}
if (!file) { console.error('usage: duckdb_dump.mjs FILE [--threads N]'); process.exit(2); }

const out = process.stdout;
out.on('error', e => { if (e.code === 'EPIPE') process.exit(0); throw e; });
let buf = '';
try {
  const { con } = await connect({ threads });
  for await (const line of fileLines(con, file)) {
    buf += line + '\n';
    // flush in ~1 MiB blocks, waiting for the pipe to drain so memory stays bounded
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise(r => out.once('drain', r));
      buf = '';
    }
  }
  out.write(buf);
} catch (e) {
  out.write(buf);
  console.error(`duckdb_dump: ${file}: ${e && e.message ? e.message : e}`);
  process.exitCode = 1;
}
