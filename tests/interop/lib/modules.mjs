// SPDX-License-Identifier: Apache-2.0
//
// Loading the reference engines' npm packages from tests/interop/node_modules (installed by
// scripts/setup.sh with `npm ci`, versions pinned by package-lock.json), from any working
// directory, with a message saying how to install them when they are missing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const INTEROP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SETUP_HINT = 'run scripts/setup.sh (npm ci in tests/interop)';

const loaded = new Map();

// The module `spec` (a package name) as resolved from tests/interop/package.json.  A
// CommonJS or wasm-bindgen package whose ESM form is a default export is unwrapped.
export async function loadModule(spec) {
  if (loaded.has(spec)) return loaded.get(spec);
  const req = createRequire(join(INTEROP_DIR, 'package.json'));
  let path;
  try {
    path = req.resolve(spec);
  } catch {
    throw new Error(`${spec} not found in ${INTEROP_DIR}/node_modules: ${SETUP_HINT}`);
  }
  let m;
  try {
    m = await import(pathToFileURL(path).href);
  } catch (e) {
    throw new Error(`cannot load ${spec} (${e.message}): ${SETUP_HINT}`);
  }
  const mod = m.default && typeof m.default === 'object' && Object.keys(m).length <= 1 ? m.default : m;
  loaded.set(spec, mod);
  return mod;
}

// Installed version of a package, or null (read from the file: a package's "exports" may
// hide its package.json from require).
export function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(INTEROP_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}
