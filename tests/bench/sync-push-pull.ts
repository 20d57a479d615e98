/**
 * Sync benchmark (issue 3): the REAL client engine (src/client/sync/engine.ts `syncOnce`) in headless Chromium with
 * real IndexedDB, against the real server (`npm start`'s src/server/main.ts on PGlite, fresh DATA_DIR) on loopback.
 *  - push 10,000 visits from a device's outbox until it is empty → visits/s, on loopback and under emulated slow 4G
 *    (CDP: 150 ms latency, 200,000 B/s down, 93,750 B/s up) → visits/s and bytes sent up;
 *  - the same pass then pulls those 10,000 visits back (they are new to the device's cursor) → visits/s;
 *  - pull 100,000 records to a fresh device (new profile, logged in, cursor 0) → records/s and time.
 * The harness page (tests/bench/sync-harness) is fulfilled by playwright on the server's origin, then the route is
 * removed: every /api request afterwards goes from the page straight to the server, as the app's do.
 * Each device logs in as a volunteer of its own commune (prepared before the server starts), so runs do not see
 * each other's data. Figures, not pass/fail: nothing here fails on speed.
 */
import { build } from 'vite';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPhone } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { BENCH_PASSWORD, prepareServerData, type CommuneSpec } from './sync-harness/server-data.ts';
import { fmt, median, printTable } from './stats.ts';

const root = new URL('../..', import.meta.url).pathname;
const HARNESS_BASE = '/__sync-bench/';
const VISITS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };
const ANCHOR = { push: 1146, pushTuned: 2060, pull: 1079, slow: '69–110', slowBytes: 7 * 1024 * 1024 };

const base = (communeCode: string, phone: string, visits = 0): CommuneSpec => ({
  communeCode, phone, hamlets: 10, households: 2000, peoplePerHousehold: 3, visits,
});

type Harness = Window['syncBench'];
type SyncResult = Awaited<ReturnType<Harness['sync']>>;

async function buildHarness(): Promise<string> {
  const outDir = join(root, '.tmp', 'sync-bench-harness');
  await build({
    configFile: false,
    root: join(root, 'tests/bench/sync-harness'),
    base: HARNESS_BASE,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  return outDir;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/** A fresh phone (new profile) with the harness open on the server's origin. */
async function openDevice(server: RunningServer, harnessDir: string) {
  const profile = await mkdtemp(join(tmpdir(), 'tn-sync-bench-'));
  const ctx: BrowserContext = await launchPhone(profile);
  const page: Page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.route(`${server.url}${HARNESS_BASE}**`, async (route) => {
    const path = new URL(route.request().url()).pathname.slice(HARNESS_BASE.length) || 'index.html';
    const body = await readFile(join(harnessDir, path)).catch(() => null);
    if (body === null) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, body, contentType: TYPES[extname(path)] ?? 'application/octet-stream' });
  });
  await page.goto(`${server.url}${HARNESS_BASE}`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  // No interception from here on: the engine's requests go straight to the server.
  await page.unrouteAll();
  return {
    page,
    async close() {
      await ctx.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

function check(r: SyncResult, what: string): void {
  if (r.report.kind !== 'synced') throw new Error(`${what}: sync did not run (${r.report.kind})`);
  if (r.outboxAfter !== 0) throw new Error(`${what}: ${r.outboxAfter} outbox entries left after the pass`);
  if (r.report.rejected > 0 || r.report.conflicts > 0) {
    throw new Error(`${what}: ${r.report.rejected} rejected, ${r.report.conflicts} conflicts`);
  }
}

interface PushRun {
  pushPerS: number;
  pullPerS: number;
  pushMs: number;
  pullMs: number;
  up: number;
  pushRequests: number;
  pulled: number;
  basePerS: number;
}

/** One device: log in, pull the commune (untimed set-up, figure kept), seed 10,000 visits, one timed pass. */
async function pushRun(server: RunningServer, harnessDir: string, phone: string, slow: boolean): Promise<PushRun> {
  const device = await openDevice(server, harnessDir);
  try {
    const { page } = device;
    const userId = await page.evaluate(([p, pw]) => window.syncBench.login(p, pw), [phone, BENCH_PASSWORD] as const);
    const first = await page.evaluate(() => window.syncBench.sync());
    check(first, 'initial pull');
    await page.evaluate(([n, id]) => window.syncBench.seedOutboxVisits(n, id), [VISITS, userId] as const);
    if (slow) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    }
    const r = await page.evaluate(() => window.syncBench.sync());
    check(r, slow ? 'slow-4G push' : 'loopback push');
    if (r.report.kind !== 'synced' || r.report.pushed !== VISITS) throw new Error(`pushed ${JSON.stringify(r.report)}`);
    const pulled = r.report.pulled;
    return {
      pushPerS: VISITS / (r.pushMs / 1000),
      pullPerS: pulled / (r.pullMs / 1000),
      pushMs: r.pushMs,
      pullMs: r.pullMs,
      up: r.push.up,
      pushRequests: r.push.requests,
      pulled,
      basePerS: first.report.kind === 'synced' ? first.report.pulled / (first.pullMs / 1000) : NaN,
    };
  } finally {
    await device.close();
  }
}

async function pullRun(server: RunningServer, harnessDir: string, phone: string, pullPageSize?: number) {
  const device = await openDevice(server, harnessDir);
  try {
    const { page } = device;
    await page.evaluate(([p, pw]) => window.syncBench.login(p, pw), [phone, BENCH_PASSWORD] as const);
    const r = await page.evaluate((size) => window.syncBench.sync(size ? { pullPageSize: size } : {}), pullPageSize);
    check(r, 'pull');
    const pulled = r.report.kind === 'synced' ? r.report.pulled : 0;
    return { pulled, ms: r.pullMs, perS: pulled / (r.pullMs / 1000), pages: r.pull.requests, down: r.pull.down };
  } finally {
    await device.close();
  }
}

async function profileRun(server: RunningServer, harnessDir: string, phone: string) {
  const device = await openDevice(server, harnessDir);
  try {
    const { page } = device;
    const userId = await page.evaluate(([p, pw]) => window.syncBench.login(p, pw), [phone, BENCH_PASSWORD] as const);
    check(await page.evaluate(() => window.syncBench.sync()), 'initial pull');
    await page.evaluate(([n, id]) => window.syncBench.seedOutboxVisits(n, id), [VISITS, userId] as const);
    return await page.evaluate(() => window.syncBench.profilePush());
  } finally {
    await device.close();
  }
}

const perS = (xs: number[]) => `${fmt(median(xs), 0)}/s median (${xs.map((x) => fmt(x, 0)).join(', ')})`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const mb = (b: number) => `${fmt(b / 1024 / 1024, 2)} MiB`;

export async function runSyncPushPullBench(): Promise<void> {
  const harnessDir = await buildHarness();
  const dataDir = await mkdtemp(join(tmpdir(), 'tn-sync-bench-data-'));
  const phones = { loop: ['0912000101', '0912000102', '0912000103'], slow: ['0912000201', '0912000202', '0912000203'], pull: '0912000301', profile: '0912000401' };
  const loopPhones = phones.loop.slice(0, RUNS);
  const slowPhones = phones.slow.slice(0, RUNS);
  let commune = 15000;
  const next = () => String((commune += 3));
  const t0 = Date.now();
  const pullSpec = base(next(), phones.pull, 100_000 - 10 - 2000 - 6000);
  const prepared = await prepareServerData({ kind: 'pglite', dataDir: join(dataDir, 'pglite') }, [
    ...loopPhones.map((p) => base(next(), p)),
    ...slowPhones.map((p) => base(next(), p)),
    base(next(), phones.profile),
    pullSpec,
  ]);
  const pullRecords = prepared.at(-1)?.records ?? 0;
  console.log(`  server data prepared in ${fmt((Date.now() - t0) / 1000, 1)} s (${prepared.map((p) => p.records).join(' + ')} records)`);
  const server = await startServer(dataDir, { LOG_LEVEL: 'warn' });
  try {
    const loop: PushRun[] = [];
    for (const phone of loopPhones) {
      loop.push(await pushRun(server, harnessDir, phone, false));
      console.log(`  loopback push run: ${fmt(loop.at(-1)!.pushPerS, 0)} visits/s, pull-back ${fmt(loop.at(-1)!.pullPerS, 0)} visits/s`);
    }
    const slow: PushRun[] = [];
    for (const phone of slowPhones) {
      slow.push(await pushRun(server, harnessDir, phone, true));
      console.log(`  slow-4G push run: ${fmt(slow.at(-1)!.pushPerS, 0)} visits/s, ${mb(slow.at(-1)!.up)} up`);
    }
    const profile = await profileRun(server, harnessDir, phones.profile);
    console.log(`  profiled push: ${fmt(profile.pushed / (profile.totalMs / 1000), 0)} visits/s (read ${fmt(profile.readMs, 0)} ms, ` +
      `encode ${fmt(profile.encodeMs, 0)} ms, fetch→headers ${fmt(profile.serverMs, 0)} ms, apply ${fmt(profile.applyMs, 0)} ms)`);
    const pulls: Awaited<ReturnType<typeof pullRun>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      pulls.push(await pullRun(server, harnessDir, phones.pull));
      const p = pulls.at(-1)!;
      console.log(`  fresh-device pull run: ${p.pulled} records in ${fmt(p.ms / 1000, 1)} s → ${fmt(p.perS, 0)}/s`);
    }

    const pushL = loop.map((r) => r.pushPerS);
    const pullL = loop.map((r) => r.pullPerS);
    const pushS = slow.map((r) => r.pushPerS);
    const pull100 = pulls.map((r) => r.perS);
    printTable(
      `Sync — real engine in headless Chromium ↔ real server (PGlite) on loopback; ${VISITS.toLocaleString('en')} visits ` +
        `per push run, ${RUNS} runs each (2-core machine shared with other work: medians, noisy)`,
      [
        ['push 10,000 visits, loopback', perS(pushL), '≥ 5,000/s', verdict(median(pushL) >= 5000)],
        ['  vs PouchDB 9 anchor (1,146/s; 2,060 tuned)', `${fmt(median(pushL) / ANCHOR.push, 1)}× (${fmt(median(pushL) / ANCHOR.pushTuned, 1)}× tuned)`, '', ''],
        ['  requests per run', `${loop[0]?.pushRequests ?? 0} pushes, ${mb(median(loop.map((r) => r.up)))} up (gzip)`, '', ''],
        ['pull 10,000 visits back, loopback', perS(pullL), '≥ 5,000/s', verdict(median(pullL) >= 5000)],
        ['  vs PouchDB 9 anchor (1,079/s)', `${fmt(median(pullL) / ANCHOR.pull, 1)}×`, '', ''],
        ['push 10,000 visits, slow 4G', perS(pushS), '≥ 550/s', verdict(median(pushS) >= 550)],
        ['  bytes sent up (request bodies)', `${mb(median(slow.map((r) => r.up)))} (anchor 7 MB)`, '', ''],
        ['  vs PouchDB 9 anchor (69–110/s)', `${fmt(median(pushS) / 110, 1)}–${fmt(median(pushS) / 69, 1)}×`, '', ''],
        ['pull 10,000 visits back, slow 4G', perS(slow.map((r) => r.pullPerS)), '', ''],
        [`pull ${pullRecords.toLocaleString('en')} records, fresh device`, perS(pull100), '≥ 5,000/s', verdict(median(pull100) >= 5000)],
        ['  time', `${fmt(median(pulls.map((r) => r.ms)) / 1000, 1)} s median, ${pulls[0]?.pages ?? 0} pages, ${mb(median(pulls.map((r) => r.down)))} down`, '', ''],
        ['  vs PouchDB 9 anchor (1,079/s)', `${fmt(median(pull100) / ANCHOR.pull, 1)}×`, '', ''],
        ['pull 8,010 records (first login, set-up)', perS([...loop, ...slow].map((r) => r.basePerS)), '', ''],
      ],
    );
    const share = (ms: number) => `${fmt(ms / 1000, 2)} s (${fmt((100 * ms) / profile.totalMs, 0)} %)`;
    printTable(`Where a loopback push spends its time (one profiled run, ${profile.pushed} visits, ${profile.batches} batches)`, [
      ['total', `${fmt(profile.totalMs / 1000, 2)} s → ${fmt(profile.pushed / (profile.totalMs / 1000), 0)} visits/s`, '', ''],
      ['read batch from IndexedDB (readPushBatch)', share(profile.readMs), '', ''],
      ['JSON + gzip in the page (before fetch)', share(profile.encodeMs), '', ''],
      ['fetch → answer headers (network + server)', share(profile.serverMs), '', ''],
      ['answer body + parse (rest of the request)', share(profile.requestMs - profile.encodeMs - profile.serverMs), '', ''],
      ['apply answers in IndexedDB (applyPushResults)', share(profile.applyMs), '', ''],
    ]);
  } catch (error) {
    console.error(server.output().split('\n').slice(-30).join('\n'));
    throw error;
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
