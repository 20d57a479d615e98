/**
 * Totals benchmark (issue 4): one province (Thanh Hóa, 166 communes) with 1,000,000 visits over a year, on PGlite
 * (on disk) and on a private PostgreSQL 15 cluster.
 *  1. Load: hamlets, households, people and visits with raw multi-row INSERTs into `records` (visits in time order,
 *     as they would arrive), then let the aggregator catch up from nothing, unbounded (one transaction, each household
 *     recomputed once, as the background run and a rebuild do): its rate in records/s.
 *     The background ANALYZE it starts (PGlite has no autovacuum) is waited for before reading.
 *  2. Totals through the real app (inject, no network): the median of 7 requests for the province (a month, a
 *     quarter, the year, and a 45-day custom period), a commune and a hamlet. Goal: the province in ≤ 200 ms.
 *  3. Exports streamed over loopback HTTP and discarded as they arrive: one row per household for 100,000 households
 *     as CSV and XLSX, their duration and the server's peak RSS above the RSS just before (sampled every 20 ms).
 * Figures, never pass/fail. BENCH_TOTALS_VISITS scales the data (default 1,000,000); BENCH_TOTALS_PGLITE_DIR keeps
 * PGlite's data, and a later run of the same size reads it again without loading (so does a DATABASE_URL server).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database, type DatabaseTarget } from '../../src/server/db/client.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { buildApp } from '../../src/server/app.ts';
import { createAggregator, adminUnits } from '../../src/server/services/aggregator.ts';
import { createAccount } from '../../src/server/services/accounts.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import { SKILL_CODES } from '../../src/shared/skills.ts';
import { isoDay, dayNumber } from '../../src/shared/totals.ts';
import { createPrng } from '../support/sync-sim/prng.ts';
import { fmt, median } from './stats.ts';

interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
}

async function startPostgres(): Promise<PrivatePostgres | null> {
  const mod: unknown = await import(new URL('../support/postgres.mjs', import.meta.url).href);
  const start = (mod as { startPostgres?: unknown }).startPostgres;
  if (typeof start !== 'function') throw new Error('tests/support/postgres.mjs has no startPostgres()');
  return (await (start as () => Promise<PrivatePostgres | null>)()) ?? null;
}

const PROVINCE = '38';
const VISITS = Number(process.env.BENCH_TOTALS_VISITS ?? 1_000_000);
const HOUSEHOLDS = Math.max(1000, Math.round(VISITS / 10));
const HAMLETS_PER_COMMUNE = 6;
const VOLUNTEERS_PER_COMMUNE = 4;
const LAST_DAY = dayNumber('2026-11-22');
const FIRST_DAY = LAST_DAY - 364;
const ROWS_PER_INSERT = 1000;
const PASSWORD = 'mat-khau-bench-totals';

interface Loaded {
  coordinatorPhone: string;
  commune: string;
  hamletId: string;
  records: number;
  loadSeconds: number;
}

const at = (day: number, seconds: number) => new Date(day * 86_400_000 - 7 * 3_600_000 + seconds * 1000).toISOString();

async function insertRecords(database: Database, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await database.query(
      `INSERT INTO records (entity, id, province_code, commune_code, version, seq, deleted, content_hash, data, updated_by)
       SELECT e, id, p, c, 1, nextval('change_seq'), false, 'bench', d, u
       FROM (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(o int, e text, id uuid, p text, c text, d jsonb, u uuid) ORDER BY o) s`,
      [JSON.stringify(rows.slice(i, i + ROWS_PER_INSERT).map((r, o) => ({ o, ...r })))],
    );
  }
}

/** Users, teams and every record of the province, raw. */

export async function load(database: Database): Promise<Loaded> {
  const rng = createPrng(38);
  const communes = adminUnits().provinceCommunes.get(PROVINCE)!;
  const t0 = performance.now();
  const volunteers = new Map<string, string[]>();
  let phone = 970_000_000;
  for (const commune of communes) {
    const team = uuidv7();
    await database.query(`INSERT INTO teams (id, name, province_code, commune_code) VALUES ($1, $2, $3, $4)`, [team, `Tổ ${commune}`, PROVINCE, commune]);
    const ids: string[] = [];
    for (let i = 0; i < VOLUNTEERS_PER_COMMUNE; i++) {
      const id = uuidv7();
      ids.push(id);
      await database.query(
        `INSERT INTO users (id, phone, name, role, password_hash, scope_kind, scope_communes, scope_label, team_id)
         VALUES ($1, $2, $3, 'volunteer', 'x', 'communes', ARRAY[$4], $4, $5)`,
        [id, `0${phone++}`, `Tình nguyện viên ${commune}-${i}`, commune, team],
      );
    }
    volunteers.set(commune, ids);
  }
  const coordinatorPhone = '0961000038';
  await createAccount(database.db, { phone: coordinatorPhone, name: 'Điều phối tỉnh', role: 'coordinator', password: PASSWORD, scope: { kind: 'province', code: PROVINCE } });

  const hamlets: { id: string; commune: string }[] = [];
  const rows: Record<string, unknown>[] = [];
  for (const commune of communes) {
    for (let i = 0; i < HAMLETS_PER_COMMUNE; i++) {
      const id = uuidv7();
      hamlets.push({ id, commune });
      rows.push({ e: 'hamlet', id, p: PROVINCE, c: commune, d: { id, provinceCode: PROVINCE, communeCode: commune, name: `Thôn ${i + 1}`, version: 1, deleted: false, updatedAt: at(FIRST_DAY - 30, 0) } });
    }
  }
  const households: { id: string; hamlet: { id: string; commune: string }; members: string[] }[] = [];
  for (let i = 0; i < HOUSEHOLDS; i++) {
    const hamlet = hamlets[i % hamlets.length]!;
    const id = uuidv7();
    const created = at(FIRST_DAY - 30 + rng.int(0, 200), rng.int(0, 86_399));
    const members = Array.from({ length: rng.int(1, 4) }, () => uuidv7());
    households.push({ id, hamlet, members });
    rows.push({ e: 'household', id, p: PROVINCE, c: hamlet.commune, d: {
      id, provinceCode: PROVINCE, communeCode: hamlet.commune, hamletId: hamlet.id, headName: `Chủ hộ ${i}`, address: `Xóm ${i % 40}`,
      phone: null, note: '', version: 1, deleted: false, createdAt: created, updatedAt: created,
    } });
    for (const [k, pid] of members.entries()) {
      rows.push({ e: 'person', id: pid, p: PROVINCE, c: hamlet.commune, d: {
        id: pid, householdId: id, fullName: `Người ${i}-${k}`, birthYear: 1950 + rng.int(0, 60), sex: rng.chance(0.5) ? 'female' : 'male',
        relation: k === 0 ? 'head' : 'child', version: 1, deleted: false, createdAt: created, updatedAt: created,
      } });
    }
  }
  await insertRecords(database, rows);
  let count = rows.length;
  rows.length = 0;
  // Visits in time order, as devices would send them.
  const perDay = Math.ceil(VISITS / 365);
  let made = 0;
  for (let day = FIRST_DAY; day <= LAST_DAY && made < VISITS; day++) {
    for (let i = 0; i < perDay && made < VISITS; i++, made++) {
      const h = households[rng.int(0, households.length - 1)]!;
      const author = rng.pick(volunteers.get(h.hamlet.commune)!);
      const id = uuidv7();
      const when = at(day, 25_000 + rng.int(0, 40_000));
      const outcomes = h.members.filter(() => rng.chance(0.5)).flatMap((personId) =>
        SKILL_CODES.filter(() => rng.chance(0.4)).map((skill) => ({ personId, skill, outcome: rng.chance(0.45) ? 'proficient' : 'guided', subSkills: [] })));
      rows.push({ e: 'visit', id, p: PROVINCE, c: h.hamlet.commune, u: author, d: {
        id, householdId: h.id, hamletId: h.hamlet.id, provinceCode: PROVINCE, communeCode: h.hamlet.commune, visitedAt: when,
        recordedAt: when, corrects: null, outcomes, notes: '', followUpOn: rng.chance(0.3) ? isoDay(day + rng.int(3, 30)) : null, authorId: author,
      } });
      if (rows.length >= 20_000) {
        await insertRecords(database, rows);
        count += rows.length;
        rows.length = 0;
      }
    }
  }
  await insertRecords(database, rows);
  count += rows.length;
  const biggest = communes[0]!;
  return {
    coordinatorPhone, commune: biggest, hamletId: hamlets.find((h) => h.commune === biggest)!.id, records: count,
    loadSeconds: (performance.now() - t0) / 1000,
  };
}

async function timeTotals(app: FastifyInstance, token: string, query: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t = performance.now();
    const res = await app.inject({ method: 'GET', url: `/api/reports/totals?${query}`, headers: { authorization: `Bearer ${token}` } });
    if (res.statusCode !== 200) throw new Error(`totals ${query}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    if (i > 0) times.push(performance.now() - t); // the first one warms caches
  }
  return median(times);
}

/** Streams an export over loopback, discarding it; the server's peak RSS above its RSS just before. */
async function timeExport(port: number, href: string): Promise<{ seconds: number; bytes: number; peakMiB: number; baseMiB: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t = performance.now();
  const bytes = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: href }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`export ${href}: ${res.statusCode}`));
      let n = 0;
      res.on('data', (chunk: Buffer) => (n += chunk.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  clearInterval(sampler);
  return { seconds: (performance.now() - t) / 1000, bytes, peakMiB: (peak - base) / 2 ** 20, baseMiB: base / 2 ** 20 };
}

interface Figures {
  label: string;
  records: number;
  loadSeconds: number;
  catchUpSeconds: number;
  analyzeSeconds: number;
  totals: Record<string, number>;
  exports: Record<string, { seconds: number; bytes: number; peakMiB: number; baseMiB: number }>;
  households: number;
}

/**
 * The data a kept PGlite directory already holds from an earlier run of the same size, caught up; null when it holds
 * none (it is loaded then). Its load and catch-up are not measured again: the table shows NaN for them.
 */
async function loadedBefore(database: Database): Promise<Loaded | null> {
  const [state] = await database.query<{ visits: number; behind: number }>(
    `SELECT (SELECT count(*)::int FROM records WHERE entity = 'visit') AS visits,
            (SELECT coalesce(max(seq), 0) FROM records) - (SELECT watermark FROM agg_state WHERE id = 1) AS behind`);
  if (Number(state?.visits ?? 0) !== VISITS || Number(state?.behind) !== 0) return null;
  const communes = adminUnits().provinceCommunes.get(PROVINCE)!;
  const [hamlet] = await database.query<{ id: string }>(
    `SELECT id::text AS id FROM records WHERE entity = 'hamlet' AND commune_code = $1 ORDER BY records.seq LIMIT 1`, [communes[0]]);
  const [count] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM records');
  return { coordinatorPhone: '0961000038', commune: communes[0]!, hamletId: hamlet!.id, records: Number(count!.n), loadSeconds: Number.NaN };
}

async function benchOne(label: string, target: DatabaseTarget): Promise<Figures> {
  const database = await openDatabase(target);
  try {
    await migrate(database);
    // A database that outlives the run (a kept PGlite directory, or DATABASE_URL's server) may hold the data already.
    const persistent = target.kind === 'pglite' ? process.env.BENCH_TOTALS_PGLITE_DIR !== undefined : process.env.DATABASE_URL !== undefined;
    const kept = persistent ? await loadedBefore(database) : null;
    let loaded: Loaded;
    let catchUpSeconds = Number.NaN;
    let analyzeSeconds = Number.NaN;
    if (kept !== null) {
      loaded = kept;
      console.log(`  ${label}: ${loaded.records.toLocaleString('en')} records already loaded and caught up (kept from an earlier run)`);
    } else {
      console.log(`  ${label}: loading ${VISITS.toLocaleString('en')} visits, ${HOUSEHOLDS.toLocaleString('en')} households…`);
      loaded = await load(database);
      console.log(`  ${label}: ${loaded.records.toLocaleString('en')} records in ${fmt(loaded.loadSeconds, 0)} s; aggregating…`);
      // Unbounded, as the background run and a rebuild go: everything waiting in one transaction.
      const aggregator = createAggregator(database);
      const t0 = performance.now();
      const caughtUp = await aggregator.catchUp();
      if (caughtUp.watermark < caughtUp.latestSeq) throw new Error(`catch-up stopped at ${caughtUp.watermark} of ${caughtUp.latestSeq}`);
      catchUpSeconds = (performance.now() - t0) / 1000;
      // The ANALYZE the catch-up started in the background (nothing waited for it): stop() waits for it to end.
      const t1 = performance.now();
      await aggregator.stop();
      analyzeSeconds = (performance.now() - t1) / 1000;
    }

    const app = await buildApp({ database, logger: false, aggregateInBackground: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: loaded.coordinatorPhone, password: PASSWORD } });
      const token = (login.json() as { token: string }).token;
      const q = (kind: string, id: string, from: string, to: string) => `kind=${kind}&id=${id}&from=${from}&to=${to}`;
      const totals: Record<string, number> = {
        'province, month (+166 communes)': await timeTotals(app, token, q('province', PROVINCE, '2026-10-01', '2026-10-31')),
        'province, quarter': await timeTotals(app, token, q('province', PROVINCE, '2026-07-01', '2026-09-30')),
        'province, year': await timeTotals(app, token, q('province', PROVINCE, '2026-01-01', '2026-12-31')),
        'province, custom 45 days': await timeTotals(app, token, q('province', PROVINCE, '2026-09-10', '2026-10-24')),
        'province, custom whole year': await timeTotals(app, token, q('province', PROVINCE, isoDay(FIRST_DAY), isoDay(LAST_DAY))),
        'commune, month (+hamlets, teams, volunteers)': await timeTotals(app, token, q('commune', loaded.commune, '2026-10-01', '2026-10-31')),
        'commune, custom 45 days': await timeTotals(app, token, q('commune', loaded.commune, '2026-09-10', '2026-10-24')),
        'hamlet, month': await timeTotals(app, token, q('hamlet', loaded.hamletId, '2026-10-01', '2026-10-31')),
        'hamlet, custom 45 days': await timeTotals(app, token, q('hamlet', loaded.hamletId, '2026-09-10', '2026-10-24')),
      };
      for (const [k, v] of Object.entries(totals)) console.log(`  ${label}: totals ${k}: ${fmt(v, 1)} ms`);
      const exports: Figures['exports'] = {};
      for (const format of ['csv', 'xlsx'] as const) {
        const link = await app.inject({
          method: 'POST', url: '/api/reports/export-links', headers: { authorization: `Bearer ${token}` },
          payload: { kind: 'province', id: PROVINCE, from: '2026-10-01', to: '2026-10-31', format, rows: 'households' },
        });
        exports[format] = await timeExport(port, (link.json() as { href: string }).href);
        console.log(`  ${label}: export ${format}: ${fmt(exports[format]!.seconds, 1)} s, ${fmt(exports[format]!.bytes / 2 ** 20, 1)} MiB, peak RSS +${fmt(exports[format]!.peakMiB, 0)} MiB`);
      }
      return { label, records: loaded.records, loadSeconds: loaded.loadSeconds, catchUpSeconds, analyzeSeconds, totals, exports, households: HOUSEHOLDS };
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

export async function runTotalsBench(): Promise<void> {
  const figures: Figures[] = [];
  // BENCH_TOTALS_ONLY=pglite|postgres runs one database (a pass at 1,000,000 visits takes minutes).
  const only = process.env.BENCH_TOTALS_ONLY;
  if (only !== 'postgres') {
    // BENCH_TOTALS_PGLITE_DIR keeps PGlite's data there, and a later run of the same size reads it again (saves
    // the 20 minutes of loading and catching up 1,000,000 visits while working on the reads).
    const keep = process.env.BENCH_TOTALS_PGLITE_DIR;
    const dir = keep ?? (await mkdtemp(join(tmpdir(), 'tn-bench-totals-')));
    try {
      figures.push(await benchOne('PGlite', { kind: 'pglite', dataDir: keep ?? join(dir, 'pglite') }));
    } finally {
      if (keep === undefined) await rm(dir, { recursive: true, force: true });
    }
  }
  const pg = only === 'pglite' || process.env.DATABASE_URL ? null : await startPostgres();
  const url = only === 'pglite' ? undefined : (process.env.DATABASE_URL ?? pg?.url);
  if (url === undefined && only !== 'pglite') {
    console.error('\n*** PostgreSQL is not available here: the totals bench ran on PGlite only. ***\n');
  } else if (url !== undefined) {
    try {
      figures.push(await benchOne('PostgreSQL', { kind: 'postgres', url }));
    } finally {
      await pg?.stop();
    }
  }

  const cols = figures.map((f) => f.label);
  const kept = (v: number, show: (v: number) => string) => (Number.isNaN(v) ? 'not measured: data kept from an earlier run' : show(v));
  const rows: [string, ...string[]][] = [
    ['records loaded (raw multi-row INSERT)', ...figures.map((f) => `${f.records.toLocaleString('en')} in ${kept(f.loadSeconds, (v) => `${fmt(v, 0)} s`)}`)],
    ['aggregator catch-up from nothing', ...figures.map((f) => kept(f.catchUpSeconds, (v) => `${fmt(v, 0)} s = ${fmt(f.records / v, 0)} records/s (${fmt(VISITS / v, 0)} visits/s)`))],
    ['its background ANALYZE, still running when the catch-up ended', ...figures.map((f) => kept(f.analyzeSeconds, (v) => `${fmt(v, 1)} s`))],
    ...Object.keys(figures[0]?.totals ?? {}).map((k): [string, ...string[]] => [
      `totals ${k}, median of 7${k.startsWith('province') ? ' (goal ≤ 200 ms)' : ''}`, ...figures.map((f) => `${fmt(f.totals[k]!, 1)} ms`),
    ]),
    ...(['csv', 'xlsx'] as const).map((format): [string, ...string[]] => [
      `export ${figures[0]?.households.toLocaleString('en')} households as ${format.toUpperCase()} (streamed)`,
      ...figures.map((f) => {
        const e = f.exports[format]!;
        return `${fmt(e.seconds, 1)} s, ${fmt(e.bytes / 2 ** 20, 1)} MiB, peak RSS +${fmt(e.peakMiB, 0)} MiB over ${fmt(e.baseMiB, 0)}`;
      }),
    ]),
  ];
  const widths = [Math.max(...rows.map((r) => r[0].length)), ...cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i + 1]!.length)))];
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\nTotals: one province, ${VISITS.toLocaleString('en')} visits`);
  console.log(line(['measure', ...cols]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
