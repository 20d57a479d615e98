#!/usr/bin/env node
/**
 * `npm test`: the whole check a clean clone must pass.
 *  1. typecheck (every runtime's tsconfig) and lint;
 *  2. build the PWA (the e2e tests run against the built app, served as `npm start` serves it);
 *  3. every vitest project (shared, client, server on PGlite, e2e in Chromium);
 *  4. the server tests again on a real PostgreSQL server: DATABASE_URL if given, else a private throw-away cluster
 *     started here (tests/support/postgres.mjs) — loudly reported if it cannot start;
 *  5. the plain closing line "N passed, N failed" (vitest counts, plus one per failed step above).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });

let passed = 0;
let failed = 0;
const failures = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n▶ ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function step(label, cmd, args) {
  if (!run(label, cmd, args)) {
    failed += 1;
    failures.push(label);
  }
}

function vitest(label, args, env = {}) {
  const out = join(tmp, `vitest-${label}.json`);
  rmSync(out, { force: true });
  const ok = run(`tests (${label})`, 'npx', ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], env);
  let report;
  try {
    report = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    failed += 1;
    failures.push(`tests (${label}): no report (vitest crashed)`);
    return;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  if (report.numPendingTests + report.numTodoTests > 0) {
    failed += report.numPendingTests + report.numTodoTests;
    failures.push(`tests (${label}): ${report.numPendingTests + report.numTodoTests} skipped/todo test(s) — a skipped test checks nothing`);
  }
  if (!ok && report.numFailedTests === 0) {
    failed += 1;
    failures.push(`tests (${label}): vitest exited non-zero (see above)`);
  }
  if (report.numTotalTests === 0) {
    failed += 1;
    failures.push(`tests (${label}): ran no test`);
  }
}

step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('lint', 'npm', ['run', '--silent', 'lint']);
step('build', 'npx', ['vite', 'build', '--logLevel', 'warn']);

vitest('pglite', []);

let pg = null;
let pgUrl = process.env.DATABASE_URL;
if (!pgUrl) {
  const { startPostgres } = await import('./postgres.mjs');
  pg = await startPostgres();
  pgUrl = pg?.url;
}
if (pgUrl) {
  vitest('postgres', ['--project', 'server'], { DATABASE_URL: pgUrl });
} else {
  console.error('\n!!! PostgreSQL could not be started and DATABASE_URL is not set: the server tests did NOT run on PostgreSQL.');
  console.error('!!! Install Debian\'s postgresql package (initdb, pg_ctl) or set DATABASE_URL.\n');
  failed += 1;
  failures.push('server tests on PostgreSQL: no PostgreSQL server');
}
await pg?.stop();

if (failures.length) {
  console.log('\nFailed:');
  for (const f of failures) console.log(`  ✗ ${f}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
