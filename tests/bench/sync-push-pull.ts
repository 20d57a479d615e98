/**
 * Sync benchmark (issue 3): the REAL client engine (src/client/sync/engine.ts `syncOnce`) in headless Chromium with
 * real IndexedDB, against the real server (`npm start`'s src/server/main.ts on PGlite, fresh DATA_DIR) on loopback.
 *  - push 10,000 visits from a device's outbox until it is empty → visits/s, on loopback and under emulated slow 4G
 *    (CDP: 150 ms latency, 200,000 B/s down, 93,750 B/s up) → visits/s and bytes sent up;
 *  - the same pass then pulls those 10,000 visits back (they are new to the device's cursor, but the device holds
 *    them already) → visits/s;
 *  - a second volunteer of the same commune, on another phone that had synced before, then pulls the 10,000 visits
 *    that are new to it → visits/s;
 *  - pull 100,000 records to a fresh device (new profile, logged in, cursor 0) → records/s and time.
 * The harness page (tests/bench/sync-harness) is fulfilled by playwright on the server's origin, then the route is
 * removed: every /api request afterwards goes from the page straight to the server, as the app's do.
 * Each run uses a commune of its own (prepared before the server starts), so runs do not see each other's data.
 * Figures, not pass/fail: nothing here fails on speed.
 */
import { build } from 'vite';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPhone } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { BENCH_PASSWORD, prepareServerData, type CommuneSpec } from './sync-harness/server-data.ts';
import { fmt, median, printTable } from './stats.ts';
import { PUSH_REQUESTS_IN_FLIGHT } from '../../src/client/sync/engine.ts';

const root = new URL('../..', import.meta.url).pathname;
const HARNESS_BASE = '/__sync-bench/';
const VISITS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Which parts to run (comma-separated; all by default): loopback, slow, profile, pull. */
const PARTS = new Set((process.env.SYNC_BENCH_PARTS ?? 'loopback,slow,profile,pull').split(',').map((p) => p.trim()));
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };
const ANCHOR = { push: 1146, pushTuned: 2060, pull: 1079, slow: '69–110', slowBytes: 7 * 1024 * 1024 };

const base = (communeCode: string, phone: string, visits = 0, otherPhones: string[] = []): CommuneSpec => ({
  communeCode, phone, otherPhones, hamlets: 10, households: 2000, peoplePerHousehold: 3, visits,
});

type Harness = Window['syncBench'];
type SyncResult = Awaited<ReturnType<Harness['sync']>>;

async function buildHarness(): Promise<string> {
  // Beside the app build, so parallel runs with their own DIST_DIR never rebuild each other's harness.
  const outDir = process.env.DIST_DIR ? `${join(root, process.env.DIST_DIR)}-sync-bench-harness` : join(root, '.tmp', 'sync-bench-harness');
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
  newPullPerS: number;
  pushMs: number;
  pullMs: number;
  up: number;
  pushRequests: number;
  pulled: number;
  basePerS: number;
  /** The second phone's bare IndexedDB writes of 10,000 visit rows, right after its pull (harness `idbFloor`). */
  floorPerS: number;
}

async function loggedIn(server: RunningServer, harnessDir: string, phone: string) {
  const device = await openDevice(server, harnessDir);
  const userId = await device.page.evaluate(([p, pw]) => window.syncBench.login(p, pw), [phone, BENCH_PASSWORD] as const);
  return { ...device, userId };
}

/**
 * Two phones of one commune: both log in and pull the commune (untimed set-up, figure kept); the first gets 10,000
 * visits in its outbox and runs one timed pass (push, then pull back); then the second runs a timed pass that pulls
 * those visits, new to it.
 */
async function pushRun(
  server: RunningServer,
  harnessDir: string,
  phones: readonly [string, string],
  slow: boolean,
  pushRequestsInFlight: number,
): Promise<PushRun> {
  const [pusher, puller] = [await loggedIn(server, harnessDir, phones[0]), await loggedIn(server, harnessDir, phones[1])];
  try {
    const first = await pusher.page.evaluate(() => window.syncBench.sync());
    check(first, 'initial pull');
    check(await puller.page.evaluate(() => window.syncBench.sync()), 'second phone initial pull');
    await pusher.page.evaluate(([n, id]) => window.syncBench.seedOutboxVisits(n, id), [VISITS, pusher.userId] as const);
    if (slow) {
      for (const { page } of [pusher, puller]) {
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
      }
    }
    const r = await pusher.page.evaluate((n) => window.syncBench.sync({ pushRequestsInFlight: n }), pushRequestsInFlight);
    check(r, slow ? 'slow-4G push' : 'loopback push');
    if (r.report.kind !== 'synced' || r.report.pushed !== VISITS) throw new Error(`pushed ${JSON.stringify(r.report)}`);
    const n = await puller.page.evaluate(() => window.syncBench.sync());
    check(n, 'second phone pull');
    if (n.report.kind !== 'synced' || n.report.pulled !== VISITS) throw new Error(`second phone pulled ${JSON.stringify(n.report)}`);
    const pulled = r.report.pulled;
    const floor = await puller.page.evaluate((v) => window.syncBench.idbFloor(v), VISITS);
    return {
      pushPerS: VISITS / (r.pushMs / 1000),
      pullPerS: pulled / (r.pullMs / 1000),
      newPullPerS: n.report.pulled / (n.pullMs / 1000),
      pushMs: r.pushMs,
      pullMs: r.pullMs,
      up: r.push.up,
      pushRequests: r.push.requests,
      pulled,
      basePerS: first.report.kind === 'synced' ? first.report.pulled / (first.pullMs / 1000) : NaN,
      floorPerS: floor.rows / (floor.ms / 1000),
    };
  } finally {
    await pusher.close();
    await puller.close();
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
    const floor = await page.evaluate((v) => window.syncBench.idbFloor(v), VISITS);
    return {
      pulled, ms: r.pullMs, perS: pulled / (r.pullMs / 1000), pages: r.pull.requests, down: r.pull.down,
      floorPerS: floor.rows / (floor.ms / 1000),
    };
  } finally {
    await device.close();
  }
}

/**
 * One device's push with its steps taken in turn and timed (harness `profilePush`), the same visits pulled back, and
 * a second phone of the commune (synced before the push) pulling them as new, steps in turn too.
 */
async function profileRun(server: RunningServer, harnessDir: string, phones: readonly [string, string]) {
  const device = await loggedIn(server, harnessDir, phones[0]);
  const other = await loggedIn(server, harnessDir, phones[1]);
  try {
    const { page } = device;
    check(await page.evaluate(() => window.syncBench.sync()), 'initial pull');
    check(await other.page.evaluate(() => window.syncBench.sync()), 'second phone initial pull');
    await page.evaluate(([n, id]) => window.syncBench.seedOutboxVisits(n, id), [VISITS, device.userId] as const);
    const push = await page.evaluate(() => window.syncBench.profilePush());
    // The same visits pulled back (new to the device's cursor), steps in turn, with the projection refresh timed apart.
    const pull = await page.evaluate(() => window.syncBench.profilePull(undefined, true));
    const newPull = await other.page.evaluate(() => window.syncBench.profilePull());
    return { ...push, pull, newPull };
  } finally {
    await device.close();
    await other.close();
  }
}

const loadAverage = () => loadavg().map((l) => fmt(l, 1)).join(' ');
const perS = (xs: number[]) => `${fmt(median(xs), 0)}/s median (${xs.map((x) => fmt(x, 0)).join(', ')})`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
/**
 * The pull's ceiling on this machine, measured on the same phone in the same run: IndexedDB's bare writes, one row per
 * record as the app stores them. A pull can be no faster than writing what it brings, before its network, server,
 * contract check and projections.
 */
const floorRows = (floor: number[], ratios: number[]): [string, string, string, string][] =>
  floor.length === 0
    ? []
    : [
        ['  bare IndexedDB writes, 10,000 visit rows, same phone (baseline, same run)', perS(floor), 'the pull\'s ceiling', ''],
        ['  pull vs bare writes (median of per-run ratios)', `${fmt(median(ratios), 2)}×`, '', ''],
      ];
const mb = (b: number) => `${fmt(b / 1024 / 1024, 2)} MiB`;

export async function runSyncPushPullBench(): Promise<void> {
  const harnessDir = await buildHarness();
  const dataDir = await mkdtemp(join(tmpdir(), 'tn-sync-bench-data-'));
  const pairs = (prefix: string) =>
    Array.from({ length: RUNS }, (_, i) => [`091200${prefix}${i}1`, `091200${prefix}${i}2`] as const);
  const phones = { loop: pairs('01'), slow: pairs('02'), pull: '0912000301', profile: ['0912000401', '0912000402'] as const };
  let commune = 15000;
  const next = () => String((commune += 3));
  const t0 = Date.now();
  const pullSpec = base(next(), phones.pull, 100_000 - 10 - 2000 - 6000);
  const specs = [
    ...(PARTS.has('loopback') ? phones.loop.map(([a, b]) => base(next(), a, 0, [b])) : []),
    ...(PARTS.has('slow') ? phones.slow.map(([a, b]) => base(next(), a, 0, [b])) : []),
    ...(PARTS.has('profile') ? [base(next(), phones.profile[0], 0, [phones.profile[1]])] : []),
    ...(PARTS.has('pull') ? [pullSpec] : []),
  ];
  const prepared = await prepareServerData({ kind: 'pglite', dataDir: join(dataDir, 'pglite') }, specs);
  const pullRecords = PARTS.has('pull') ? (prepared.at(-1)?.records ?? 0) : 0;
  console.log(`  server data prepared in ${fmt((Date.now() - t0) / 1000, 1)} s (${prepared.map((p) => p.records).join(' + ')} records)`);
  const server = await startServer(dataDir, { LOG_LEVEL: 'warn' });
  try {
    // Each pair of phones also runs the push with one request in flight at a time (the engine before two did): the
    // baseline, measured in the same run and on the same commune, first or second in turn so drift in the machine's
    // load does not favour either.
    const both = async (pair: readonly [string, string], slowNet: boolean, i: number) => {
      const order = i % 2 === 0 ? [PUSH_REQUESTS_IN_FLIGHT, 1] : [1, PUSH_REQUESTS_IN_FLIGHT];
      const got = new Map<number, PushRun>();
      for (const n of order) got.set(n, await pushRun(server, harnessDir, pair, slowNet, n));
      return { engine: got.get(PUSH_REQUESTS_IN_FLIGHT)!, one: got.get(1)! };
    };
    const loop: PushRun[] = [];
    const loopOne: PushRun[] = [];
    for (const [i, pair] of PARTS.has('loopback') ? phones.loop.entries() : []) {
      const { engine: r, one } = await both(pair, false, i);
      loop.push(r);
      loopOne.push(one);
      console.log(`  loopback run: push ${fmt(r.pushPerS, 0)} visits/s (one request at a time: ${fmt(one.pushPerS, 0)}), ` +
        `pull-back ${fmt(r.pullPerS, 0)} visits/s, second phone pulls ${fmt(r.newPullPerS, 0)} visits/s ` +
        `(bare IndexedDB writes ${fmt(r.floorPerS, 0)} rows/s); load ${loadAverage()}`);
    }
    const slow: PushRun[] = [];
    const slowOne: PushRun[] = [];
    for (const [i, pair] of PARTS.has('slow') ? phones.slow.entries() : []) {
      const { engine: r, one } = await both(pair, true, i);
      slow.push(r);
      slowOne.push(one);
      console.log(`  slow-4G run: push ${fmt(r.pushPerS, 0)} visits/s (one request at a time: ${fmt(one.pushPerS, 0)}), ` +
        `${mb(r.up)} up, second phone pulls ${fmt(r.newPullPerS, 0)} visits/s; load ${loadAverage()}`);
    }
    const profile = PARTS.has('profile') ? await profileRun(server, harnessDir, phones.profile) : null;
    if (profile) {
      console.log(`  profiled push: ${fmt(profile.pushed / (profile.totalMs / 1000), 0)} visits/s (read ${fmt(profile.readMs, 0)} ms, ` +
        `encode ${fmt(profile.encodeMs, 0)} ms, fetch→headers ${fmt(profile.serverMs, 0)} ms, apply ${fmt(profile.applyMs, 0)} ms)`);
    }
    const pulls: Awaited<ReturnType<typeof pullRun>>[] = [];
    for (let i = 0; PARTS.has('pull') && i < RUNS; i++) {
      pulls.push(await pullRun(server, harnessDir, phones.pull));
      const p = pulls.at(-1)!;
      console.log(`  fresh-device pull run: ${p.pulled} records in ${fmt(p.ms / 1000, 1)} s → ${fmt(p.perS, 0)}/s ` +
        `(bare IndexedDB writes ${fmt(p.floorPerS, 0)} rows/s); load ${loadAverage()}`);
    }

    const pushL = loop.map((r) => r.pushPerS);
    const pullL = loop.map((r) => r.pullPerS);
    const newL = loop.map((r) => r.newPullPerS);
    const pushS = slow.map((r) => r.pushPerS);
    const pull100 = pulls.map((r) => r.perS);
    printTable(
      `Sync — real engine in headless Chromium ↔ real server (PGlite) on loopback; ${VISITS.toLocaleString('en')} visits ` +
        `per push run, ${RUNS} runs each (2-core machine shared with other work: medians, noisy)`,
      [
        ['push 10,000 visits, loopback', perS(pushL), '≥ 5,000/s', verdict(median(pushL) >= 5000)],
        ['  vs PouchDB 9 anchor (1,146/s; 2,060 tuned)', `${fmt(median(pushL) / ANCHOR.push, 1)}× (${fmt(median(pushL) / ANCHOR.pushTuned, 1)}× tuned)`, '', ''],
        ['  one push request at a time (baseline, same run)', perS(loopOne.map((r) => r.pushPerS)), '', ''],
        ['  two in flight vs one (median of per-run ratios)', `${fmt(median(loop.map((r, i) => r.pushPerS / (loopOne[i]?.pushPerS ?? NaN))), 2)}×`, '', ''],
        ['  requests per run', `${loop[0]?.pushRequests ?? 0} pushes, ${mb(median(loop.map((r) => r.up)))} up (gzip)`, '', ''],
        ['pull 10,000 new visits (another phone\'s), loopback', perS(newL), '≥ 5,000/s', verdict(median(newL) >= 5000)],
        ['  vs PouchDB 9 anchor (1,079/s)', `${fmt(median(newL) / ANCHOR.pull, 1)}×`, '', ''],
        ...floorRows(loop.map((r) => r.floorPerS), loop.map((r) => r.newPullPerS / r.floorPerS)),
        ['pull 10,000 own visits back (held already), loopback', perS(pullL), '', ''],
        ['push 10,000 visits, slow 4G', perS(pushS), '≥ 550/s', verdict(median(pushS) >= 550)],
        ['  one push request at a time (baseline, same run)', perS(slowOne.map((r) => r.pushPerS)), '', ''],
        ['  two in flight vs one (median of per-run ratios)', `${fmt(median(slow.map((r, i) => r.pushPerS / (slowOne[i]?.pushPerS ?? NaN))), 2)}×`, '', ''],
        ['  bytes sent up (request bodies)', `${mb(median(slow.map((r) => r.up)))} (anchor 7 MB)`, '', ''],
        ['  vs PouchDB 9 anchor (69–110/s)', `${fmt(median(pushS) / 110, 1)}–${fmt(median(pushS) / 69, 1)}×`, '', ''],
        ['pull 10,000 new visits, slow 4G', perS(slow.map((r) => r.newPullPerS)), '', ''],
        [`pull ${pullRecords.toLocaleString('en')} records, fresh device`, perS(pull100), '≥ 5,000/s', verdict(median(pull100) >= 5000)],
        ['  time', `${fmt(median(pulls.map((r) => r.ms)) / 1000, 1)} s median, ${pulls[0]?.pages ?? 0} pages, ${mb(median(pulls.map((r) => r.down)))} down`, '', ''],
        ['  vs PouchDB 9 anchor (1,079/s)', `${fmt(median(pull100) / ANCHOR.pull, 1)}×`, '', ''],
        ...floorRows(pulls.map((r) => r.floorPerS), pulls.map((r) => r.perS / r.floorPerS)),
        ['pull 8,010 records (first login, set-up)', perS([...loop, ...slow].map((r) => r.basePerS)), '', ''],
      ],
    );
    if (!profile) return;
    const share = (ms: number) => `${fmt(ms / 1000, 2)} s (${fmt((100 * ms) / profile.totalMs, 0)} %)`;
    printTable(`Where a loopback push spends its time (one profiled run, ${profile.pushed} visits, ${profile.batches} batches, steps taken in turn; the engine overlaps them)`, [
      ['total, steps in turn', `${fmt(profile.totalMs / 1000, 2)} s → ${fmt(profile.pushed / (profile.totalMs / 1000), 0)} visits/s`, '', ''],
      ['read batch from IndexedDB (readNextBatch)', share(profile.readMs), '', ''],
      ['JSON + gzip in the page (before fetch)', share(profile.encodeMs), '', ''],
      ['fetch → answer headers (network + server)', share(profile.serverMs), '', ''],
      ['answer body + parse (rest of the request)', share(profile.requestMs - profile.encodeMs - profile.serverMs), '', ''],
      ['apply answers in IndexedDB (applyPushResults)', share(profile.applyMs), '', ''],
      // Were the device free (no IndexedDB, no encoding) and the server on a core of its own, a push could go no faster.
      ['the server\'s ceiling: visits / (fetch → headers) time', `${fmt(profile.pushed / (profile.serverMs / 1000), 0)} visits/s`, '', ''],
    ]);
    const { pull } = profile;
    const pullShare = (ms: number) => `${fmt(ms / 1000, 2)} s (${fmt((100 * ms) / pull.totalMs, 0)} %)`;
    printTable(`Where a loopback pull spends its time (the same ${pull.pulled} visits pulled back, ${pull.pages} pages, steps in turn; the engine overlaps them)`, [
      ['total, steps in turn', `${fmt(pull.totalMs / 1000, 2)} s → ${fmt(pull.pulled / (pull.totalMs / 1000), 0)} records/s`, '', ''],
      ['request → answer headers (network + server)', pullShare(pull.serverMs), '', ''],
      ['answer body + JSON parse', pullShare(pull.requestMs - pull.serverMs), '', ''],
      ['contract check of every change (parsePulledChanges)', pullShare(pull.parseMs), '', ''],
      ['page transaction in IndexedDB (applyParsedPage)', pullShare(pull.applyMs), '', ''],
      // Timed apart and left out of the total: it refreshes every household the page names, where the page itself
      // refreshes only those whose records it wrote (none when its visits come back unchanged).
      ['projections of every household the page names, refreshed again alone (not in the total)', `${fmt(pull.refreshMs / 1000, 2)} s`, '', ''],
    ]);
    const { newPull } = profile;
    const newShare = (ms: number) => `${fmt(ms / 1000, 2)} s (${fmt((100 * ms) / newPull.totalMs, 0)} %)`;
    printTable(`Where a second phone's pull of those ${newPull.pulled} visits (new to it) spends its time (${newPull.pages} pages, steps in turn; the engine overlaps them)`, [
      ['total, steps in turn', `${fmt(newPull.totalMs / 1000, 2)} s → ${fmt(newPull.pulled / (newPull.totalMs / 1000), 0)} records/s`, '', ''],
      ['request → answer headers (network + server)', newShare(newPull.serverMs), '', ''],
      ['answer body + JSON parse', newShare(newPull.requestMs - newPull.serverMs), '', ''],
      ['contract check of every change (parsePulledChanges)', newShare(newPull.parseMs), '', ''],
      ['page transactions in IndexedDB (applyParsedPage)', newShare(newPull.applyMs), '', ''],
      ['  of which the last page (it refreshes the projections of every household the pull touched)', newShare(newPull.lastApplyMs), '', ''],
    ]);
  } catch (error) {
    console.error(server.output().split('\n').slice(-30).join('\n'));
    throw error;
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
