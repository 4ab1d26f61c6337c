#!/usr/bin/env node
// Runs the test suite with node's test runner, passing explicit file paths (Node 20 does not expand
// quoted globs). Usage: node scripts/run-tests.mjs [unit|integration|browser ...]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const groups = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'browser'];

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? walk(p) : d.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = groups.flatMap((g) => walk(path.join(root, 'test', g))).sort().map((f) => path.relative(root, f));
if (files.length === 0) {
  console.error(`no test files found for: ${groups.join(', ')}`);
  process.exit(1);
}
// --test-force-exit: a file whose tests are all done ends even if a handle (a timer, a socket) is
// still open, instead of sitting there unreported; --test-timeout: a test that never settles fails
// by name after five minutes instead of holding the run until CI's limit.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', '--test-timeout=300000', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
