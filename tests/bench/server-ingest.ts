/**
 * Server ingest benchmark (issue 3): the real server (src/server/main.ts, as `npm start` runs it) on loopback, loaded
 * by autocannon with 100 connections, each request a push of 100 new visits (fresh UUIDv7 ids per request, plain
 * JSON), on PGlite and on a private PostgreSQL 15 cluster → visits/s and p99 latency. Beside it, on the same
 * database in the same run (server stopped), the DB-only rates through the server's own db client:
 *  - multi-row INSERTs of the same rows (as the push service stores them: same columns, same JSON, a sequence number
 *    each, into `records` with all its indexes), 100 per statement, one after another, in two honest forms — a
 *    VALUES list with 9 parameters a row, and the records repository's own INSERT (one array parameter per column
 *    and the contents as one JSON array, Decision 33); the faster of the two is the baseline the goal is measured
 *    against;
 *  - the push service alone, without HTTP: the same 100-visit batches, already parsed and hashed, applied 20 to a
 *    group (writer lock, lookup of the records and their households, one INSERT, commit), as the server's writer
 *    does when pushes queue.
 * Before each run the server first applies what the previous one left queued (see `drained`).
 * Ratio server ÷ DB-only baseline, goal ≥ 0.5×. The load average is printed beside the figures: the machine is
 * shared. Figures, not pass/fail: nothing here fails on speed.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { openDatabase, type Database, type DatabaseTarget } from '../../src/server/db/client.ts';
import { recordsRepository, type RecordWrite } from '../../src/server/db/records.ts';
import { applyPushGroup, preparePush, type PreparedPush } from '../../src/server/services/sync-push.ts';
import { contentHash } from '../../src/server/services/content-hash.ts';
import type { AuthUser } from '../../src/server/auth/authenticate.ts';
import { loadavg } from 'node:os';
import { uuidv7 } from '../../src/shared/ids.ts';
import { SKILL_CODES } from '../../src/shared/skills.ts';
import type { Visit } from '../../src/shared/records.ts';
import { BENCH_PASSWORD, BENCH_PROVINCE, prepareServerData, type PreparedCommune } from './sync-harness/server-data.ts';
import { fmt, median, printTable } from './stats.ts';

interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
}

/** tests/support/postgres.mjs (plain JS, no declarations): loaded by URL and checked at the seam. */
async function startPostgres(): Promise<PrivatePostgres | null> {
  const mod: unknown = await import(new URL('../support/postgres.mjs', import.meta.url).href);
  const start = (mod as { startPostgres?: unknown }).startPostgres;
  if (typeof start !== 'function') throw new Error('tests/support/postgres.mjs has no startPostgres()');
  return (await (start as () => Promise<PrivatePostgres | null>)()) ?? null;
}

const CONNECTIONS = 100;
const PER_REQUEST = 100;
const DURATION_S = Number(process.env.BENCH_INGEST_SECONDS ?? 12);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const DB_ONLY_STATEMENTS = 200;
const COMMUNE = '15061';
const PHONE = '0912000501';

/** A visit for a random household of the commune, about one of its members. */
function makeVisit(c: PreparedCommune, authorId: string, i: number): Visit {
  const h = c.households[Math.floor(Math.random() * c.households.length)]!;
  const personId = h.memberIds[i % h.memberIds.length]!;
  const now = new Date().toISOString();
  return {
    id: uuidv7(),
    householdId: h.id,
    hamletId: h.hamletId,
    provinceCode: BENCH_PROVINCE,
    communeCode: c.communeCode,
    visitedAt: now,
    recordedAt: now,
    corrects: null,
    outcomes: SKILL_CODES.slice(0, 1 + (i % SKILL_CODES.length)).map((skill, k) => ({
      personId,
      skill,
      outcome: k % 2 === 0 ? 'guided' : 'proficient',
      subSkills: [],
    })),
    notes: i % 5 === 0 ? 'Hướng dẫn cài VNeID mức 2' : '',
    followUpOn: i % 3 === 0 ? '2026-12-15' : null,
    authorId,
  };
}

function pushBody(c: PreparedCommune, deviceId: string): string {
  const changes = Array.from({ length: PER_REQUEST }, (_, i) => ({
    entity: 'visit',
    baseVersion: null,
    record: makeVisit(c, c.userId, i),
  }));
  return JSON.stringify({ deviceId, changes });
}

async function login(server: RunningServer): Promise<string> {
  const r = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: PHONE, password: BENCH_PASSWORD }),
  });
  if (!r.ok) throw new Error(`login failed: ${r.status}`);
  return ((await r.json()) as { token: string }).token;
}

/**
 * Waits until the server has applied every push still queued: autocannon stops with a request in flight on every
 * connection (100 × 100 visits), and the writer applies queued pushes in arrival order, so the answer to one more
 * push comes after all of them. Without this, the next run would start behind the previous run's backlog.
 */
async function drained(server: RunningServer, token: string, c: PreparedCommune): Promise<void> {
  const r = await fetch(`${server.url}/api/sync/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ deviceId: 'bench-ingest-drain', changes: [{ entity: 'visit', baseVersion: null, record: makeVisit(c, c.userId, 0) }] }),
  });
  if (!r.ok) throw new Error(`push failed: ${r.status}`);
}

interface LoadResult {
  visitsPerS: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
}

async function load(server: RunningServer, token: string, c: PreparedCommune, seconds: number, connections: number): Promise<LoadResult> {
  const deviceId = 'bench-ingest-device';
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    timeout: 120,
    requests: [
      {
        method: 'POST',
        path: '/api/sync/push',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest: (req) => ({ ...req, body: pushBody(c, deviceId) }),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    visitsPerS: (ok * PER_REQUEST) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** The rows the push service would store for these visits (a stored visit has no `version` in its data). */
function dbOnlyRows(c: PreparedCommune, n: number): RecordWrite[] {
  return Array.from({ length: n }, (_, i) => {
    const v = makeVisit(c, c.userId, i) as unknown as Record<string, unknown>;
    return {
      entity: 'visit', id: String(v.id), provinceCode: BENCH_PROVINCE, communeCode: c.communeCode, version: 1,
      deleted: false, contentHash: contentHash(v), data: v, updatedBy: c.userId,
    };
  });
}

/** Multi-row INSERTs with a VALUES list (9 parameters a row), 100 rows a statement, one after another: rows/s. */
async function dbOnlyValues(database: Database, rows: RecordWrite[]): Promise<number> {
  const statements: { text: string; params: unknown[] }[] = [];
  for (let i = 0; i < rows.length; i += PER_REQUEST) {
    const chunk = rows.slice(i, i + PER_REQUEST);
    const params: unknown[] = [];
    const values = chunk.map((w) => {
      const p = params.length;
      params.push(w.entity, w.id, w.provinceCode, w.communeCode, w.version, w.deleted, w.contentHash, JSON.stringify(w.data), w.updatedBy);
      return `($${p + 1}, $${p + 2}::uuid, $${p + 3}, $${p + 4}, $${p + 5}, nextval('change_seq'), $${p + 6}, $${p + 7}, $${p + 8}::jsonb, $${p + 9}::uuid)`;
    });
    statements.push({
      text: `INSERT INTO records (entity, id, province_code, commune_code, version, seq, deleted, content_hash, data, updated_by) VALUES ${values.join(', ')}`,
      params,
    });
  }
  const t0 = performance.now();
  for (const s of statements) await database.query(s.text, s.params);
  return rows.length / ((performance.now() - t0) / 1000);
}

/** Multi-row INSERTs through the records repository's own statement (array columns), 100 rows a statement: rows/s. */
async function dbOnlyJson(database: Database, rows: RecordWrite[]): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += PER_REQUEST) await recordsRepository(database.db).insert(rows.slice(i, i + PER_REQUEST));
  return rows.length / ((performance.now() - t0) / 1000);
}

const GROUP = 20;

/** The push service without HTTP: 100-visit batches, parsed and hashed beforehand, applied 20 batches a group. */
async function dbOnlyService(database: Database, c: PreparedCommune, batches: number): Promise<number> {
  const user: AuthUser = {
    id: c.userId, name: 'Tình nguyện viên', phone: PHONE, role: 'volunteer',
    scope: { kind: 'communes', communes: [c.communeCode] }, scopeLabel: c.communeCode, teamId: null, tokenHash: 'bench',
  };
  const prepared: PreparedPush[] = Array.from({ length: batches }, () =>
    preparePush(user, 'bench-ingest-device', (JSON.parse(pushBody(c, 'bench-ingest-device')) as { changes: unknown[] }).changes),
  );
  const t0 = performance.now();
  for (let i = 0; i < prepared.length; i += GROUP) {
    const results = await applyPushGroup(database.db, prepared.slice(i, i + GROUP));
    if (results.flat().some((r) => r.status !== 'applied')) throw new Error('the push service did not apply every visit');
  }
  return (prepared.length * PER_REQUEST) / ((performance.now() - t0) / 1000);
}

interface DbFigures {
  label: string;
  load: LoadResult[];
  values: number[];
  json: number[];
  service: number[];
  loadAverage: string[];
}

const loadNow = () => loadavg().map((x) => x.toFixed(1)).join(' ');

async function benchOne(label: string, target: DatabaseTarget, dataDir: string, env: Record<string, string>): Promise<DbFigures> {
  const [commune] = await prepareServerData(target, [
    { communeCode: COMMUNE, phone: PHONE, hamlets: 10, households: 2000, peoplePerHousehold: 3, visits: 0 },
  ]);
  if (!commune) throw new Error('no commune prepared');
  const server = await startServer(dataDir, { LOG_LEVEL: 'warn', ...env });
  const figures: DbFigures = { label, load: [], values: [], json: [], service: [], loadAverage: [loadNow()] };
  try {
    const token = await login(server);
    await load(server, token, commune, 3, 10); // warm-up: JIT, connection pool, caches
    for (let i = 0; i < RUNS; i++) {
      await drained(server, token, commune);
      figures.load.push(await load(server, token, commune, DURATION_S, CONNECTIONS));
      const l = figures.load.at(-1)!;
      console.log(`  ${label}: ${fmt(l.visitsPerS, 0)} visits/s, p99 ${l.p99} ms, ${l.ok} ok, ${l.failed} failed`);
    }
  } catch (error) {
    console.error(server.output().split('\n').slice(-30).join('\n'));
    throw error;
  } finally {
    await server.stop();
  }
  // Same database, server stopped (PGlite: one process owns the directory).
  const database = await openDatabase(target);
  try {
    for (let i = 0; i < RUNS; i++) {
      figures.values.push(await dbOnlyValues(database, dbOnlyRows(commune, DB_ONLY_STATEMENTS * PER_REQUEST)));
      figures.json.push(await dbOnlyJson(database, dbOnlyRows(commune, DB_ONLY_STATEMENTS * PER_REQUEST)));
      figures.service.push(await dbOnlyService(database, commune, DB_ONLY_STATEMENTS));
      console.log(
        `  ${label} DB-only: multi-row VALUES ${fmt(figures.values.at(-1)!, 0)} rows/s, repository INSERT ` +
          `${fmt(figures.json.at(-1)!, 0)} rows/s, push service ${fmt(figures.service.at(-1)!, 0)} visits/s`,
      );
    }
  } finally {
    await database.close();
  }
  figures.loadAverage.push(loadNow());
  return figures;
}

const list = (xs: number[], d = 0) => xs.map((x) => fmt(x, d)).join(', ');

function printFigures(f: DbFigures): void {
  const server = median(f.load.map((l) => l.visitsPerS));
  const values = median(f.values);
  const json = median(f.json);
  const multi = Math.max(values, json);
  const ratio = server / multi;
  printTable(
    `Server ingest — ${f.label}: autocannon ${CONNECTIONS} connections × ${DURATION_S} s, ${PER_REQUEST} visits a ` +
      `request, ${f.load.length} runs (2-core machine shared with other work: medians, noisy; load average ` +
      `${f.loadAverage.join(' → ')})`,
    [
      ['server push, visits/s', `${fmt(server, 0)} median (${list(f.load.map((l) => l.visitsPerS))})`, '', ''],
      ['  latency p50 / p99', `${fmt(median(f.load.map((l) => l.p50)), 0)} / ${fmt(median(f.load.map((l) => l.p99)), 0)} ms median (p99s ${list(f.load.map((l) => l.p99))})`, '', ''],
      ['  requests ok / failed (all runs)', `${f.load.reduce((s, l) => s + l.ok, 0)} / ${f.load.reduce((s, l) => s + l.failed, 0)}`, '', ''],
      ['DB-only multi-row INSERT, VALUES (100 a statement)', `${fmt(values, 0)} rows/s median (${list(f.values)})`, '', ''],
      ['DB-only multi-row INSERT, repository form (100 a statement)', `${fmt(json, 0)} rows/s median (${list(f.json)})`, '', ''],
      ['push service without HTTP (20 batches a group)', `${fmt(median(f.service), 0)} visits/s median (${list(f.service)})`, '', ''],
      ['server ÷ DB-only multi-row (the faster form)', `${fmt(ratio, 2)}×`, '≥ 0.5×', ratio >= 0.5 ? 'met' : 'MISSED'],
    ],
  );
}

export async function runServerIngestBench(): Promise<void> {
  const results: DbFigures[] = [];
  const pgliteDir = await mkdtemp(join(tmpdir(), 'tn-ingest-pglite-'));
  try {
    results.push(await benchOne('PGlite', { kind: 'pglite', dataDir: join(pgliteDir, 'pglite') }, pgliteDir, {}));
  } finally {
    await rm(pgliteDir, { recursive: true, force: true });
  }
  const pg = await startPostgres();
  if (pg === null) {
    console.error('*** PostgreSQL is not installed here: the PostgreSQL half of the ingest benchmark did not run. ***');
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'tn-ingest-pg-'));
    try {
      results.push(await benchOne('PostgreSQL 15', { kind: 'postgres', url: pg.url }, dataDir, {
        DATABASE_URL: pg.url,
        // With DATABASE_URL the server refuses to start without a CCCD key (it would not generate one per server).
        CCCD_KEY: randomBytes(32).toString('base64'),
      }));
    } finally {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  for (const f of results) printFigures(f);
}
