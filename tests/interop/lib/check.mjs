// SPDX-License-Identifier: Apache-2.0
//
// Shared plumbing of the interop checks: locating the parquant binary, running
// `parquant cat FILE --format jsonl`, comparing two lists of canonical lines, and the
// "N passed, M failed" tally (same closing line as tests/harness.h, exit 1 on any failure).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { INTEROP_DIR } from './duck.mjs';

export const REPO_DIR = resolve(INTEROP_DIR, '..', '..');

// The binary: --parquant PATH, else $PARQUANT, else build/parquant in the repository.
export function parquantPath(args) {
  const i = args.indexOf('--parquant');
  let p = i >= 0 ? args[i + 1] : process.env.PARQUANT;
  if (!p) p = resolve(REPO_DIR, 'build', 'parquant');
  p = resolve(p);
  try {
    accessSync(p, constants.X_OK);
  } catch {
    throw new Error(`parquant binary not found or not executable: ${p} (build it, or pass --parquant PATH / set PARQUANT)`);
  }
  return p;
}

// Value of `--name VALUE` in args, or `def`.
export function option(args, name, def = null) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
}

// Splits program output into lines; a final newline does not make an extra empty line.
export function splitLines(text) {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// Runs `parquant cat FILE --format jsonl`: {lines} or {error}.
export function parquantCat(bin, file, { timeoutMs = 170000 } = {}) {
  const r = spawnSync(bin, ['cat', file, '--format', 'jsonl'], {
    encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutMs,
  });
  if (r.error) return { error: `cannot run ${bin}: ${r.error.message}` };
  if (r.status !== 0) {
    const why = r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`;
    return { error: `parquant cat failed (${why}): ${(r.stderr || '').trim().slice(0, 2000)}` };
  }
  return { lines: splitLines(r.stdout) };
}

// A long line shown around column `at` (0-based), so the difference is visible.
function clip(s, at = 0) {
  if (s.length <= 600) return s;
  const from = Math.max(0, at - 200), to = Math.min(s.length, from + 600);
  return (from ? '...' : '') + s.slice(from, to) + (to < s.length ? '...' : '') + ` (${s.length} chars)`;
}

// null when equal, else a description of the first difference.
export function firstDifference(expected, actual, expectedName = 'expected', actualName = 'actual') {
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) {
      let col = 0;
      while (col < expected[i].length && expected[i][col] === actual[i][col]) col++;
      return `line ${i + 1} differs at column ${col + 1}:\n    ${expectedName}: ${clip(expected[i], col)}\n    ${actualName}: ${clip(actual[i], col)}`;
    }
  }
  if (expected.length !== actual.length) {
    const longer = expected.length > actual.length ? expectedName : actualName;
    const extra = (expected.length > actual.length ? expected : actual)[n];
    return `${expectedName} has ${expected.length} lines, ${actualName} has ${actual.length}; first extra line ${n + 1} (${longer}): ${clip(extra)}`;
  }
  return null;
}

// Pass/fail tally with the harness's closing line.
export class Tally {
  constructor() { this.passed = 0; this.failed = 0; }
  pass(name, note = '') { this.passed++; console.log(`ok   ${name}${note ? ' (' + note + ')' : ''}`); }
  fail(name, why) { this.failed++; console.log(`FAIL ${name}: ${why}`); }
  finish() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exitCode = this.failed || this.passed === 0 ? 1 : 0;
  }
}

// Runs main(); any exception (DuckDB not installed, binary missing) is a failure.
export async function runCheck(name, main) {
  try {
    await main();
  } catch (e) {
    console.log(`FAIL ${name}: ${e && e.message ? e.message : e}`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  }
}
