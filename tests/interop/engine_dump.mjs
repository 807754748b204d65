#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// engine_dump.mjs FILE --engine duckdb|wasm|hyparquet: print the rows of a Parquet file as
// the named reference engine reads them, one canon v1 line per row (lib/canon.mjs), in file
// order.  check_corpus.mjs runs it once per file and engine, in a child process with a time
// limit, so an engine that hangs, crashes or runs out of memory fails only its own dump.
//   duckdb     DuckDB (@duckdb/node-api), lib/duck.mjs
//   wasm       arrow-rs compiled to WebAssembly (parquet-wasm + apache-arrow), lib/wasm.mjs
//   hyparquet  hyparquet + hyparquet-compressors (pure JavaScript), lib/hyparquet.mjs
// Exit status: 0 on success, 1 when the engine cannot read the file (the reason on stderr,
// one line starting "engine_dump: ENGINE: FILE: "), 2 on bad usage.
import { connect, fileLines } from './lib/duck.mjs';
import { hyparquetLines } from './lib/hyparquet.mjs';
import { wasmLines } from './lib/wasm.mjs';

const ENGINES = ['duckdb', 'wasm', 'hyparquet'];

async function* duckdbLines(file) {
  const { con } = await connect({ threads: 1 });
  yield* fileLines(con, file);
}

const LINES = { duckdb: duckdbLines, wasm: wasmLines, hyparquet: hyparquetLines };

const USAGE = `usage: engine_dump.mjs FILE --engine ${ENGINES.join('|')}`;
const args = process.argv.slice(2);
let file = null, engine = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--engine' && i + 1 < args.length) engine = args[++i];
  else if (!file && !args[i].startsWith('-')) file = args[i];
  else { console.error(USAGE); process.exit(2); }
}
if (!file || !LINES[engine]) { console.error(USAGE); process.exit(2); }

const out = process.stdout;
out.on('error', e => { if (e.code === 'EPIPE') process.exit(0); throw e; });
let buf = '';
try {
  for await (const line of LINES[engine](file)) {
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
  const msg = String(e && e.message ? e.message : e).split('\n')[0].slice(0, 500);
  console.error(`engine_dump: ${engine}: ${file}: ${msg}`);
  process.exitCode = 1;
}
