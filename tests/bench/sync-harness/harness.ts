/**
 * Sync benchmark harness page: the app's own sync engine (src/client/sync/engine.ts), API client and Dexie
 * repositories, running in Chromium against real IndexedDB. The driver (tests/bench/sync-push-pull.ts) serves this
 * page on the real server's origin, so `/api` requests go to that server exactly as the app's do (and CDP network
 * emulation applies to them). Exposed as window.syncBench. Not part of the product build.
 *
 * Every `fetch` the page makes is recorded (path, start, end, bytes up, bytes down) so the driver can split a sync
 * pass into its push and pull phases and count the bytes that went up.
 */
import { getDb, type LocalVisit, type OutboxEntry } from '../../../src/client/db/database.ts';
import { saveSession } from '../../../src/client/db/sync-state.ts';
import { applyPushResults, readNextBatch } from '../../../src/client/db/push-batch.ts';
import { applyParsedPage, newPullSession, parsePulledChanges } from '../../../src/client/db/apply-pulled.ts';
import { getSyncCursor } from '../../../src/client/db/sync-state.ts';
import { refreshHouseholds } from '../../../src/client/db/projections.ts';
import { getDeviceId } from '../../../src/client/db/meta.ts';
import { syncOnce, type SyncOptions } from '../../../src/client/sync/engine.ts';
import { login as loginRequest, pull, push } from '../../../src/client/sync/remote.ts';
import { SKILL_CODES, SUB_SKILLS } from '../../../src/shared/skills.ts';
import { uuidv7 } from '../../../src/shared/ids.ts';
import { MAX_PULL_PAGE, MAX_PUSH_BATCH } from '../../../src/shared/sync.ts';
import type { OutcomeEntry } from '../../../src/shared/records.ts';
import { rng } from '../harness/seed-data.ts';

interface FetchRecord {
  path: string;
  method: string;
  start: number;
  headersAt: number;
  up: number;
  down: number;
}

const records: FetchRecord[] = [];
const originalFetch = window.fetch.bind(window);
const encoder = new TextEncoder();

function bodySize(body: BodyInit | null | undefined): number {
  if (body === null || body === undefined) return 0;
  if (typeof body === 'string') return encoder.encode(body).length;
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  if (body instanceof Blob) return body.size;
  return 0;
}

window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, location.href);
  const rec: FetchRecord = {
    path: url.pathname,
    method: init?.method ?? 'GET',
    start: performance.now(),
    headersAt: 0,
    up: bodySize(init?.body),
    down: 0,
  };
  records.push(rec);
  const response = await originalFetch(input, init);
  rec.headersAt = performance.now();
  rec.down = Number(response.headers.get('content-length') ?? 0);
  return response;
};

async function login(phone: string, password: string): Promise<string> {
  const session = await loginRequest(phone, password);
  await saveSession(session);
  return session.user.id;
}

/**
 * Puts `n` new visits and their outbox entries on the device, exactly as `logVisit` leaves them (the event, no
 * receipt, one outbox entry `visit:<id>` at rev 1), but in bulk: 1,000 a transaction. Each visit is for a
 * random household already on the device, about one of its members. Progress projections are not refreshed (sync
 * does not read them; a pull refreshes the households it touches).
 */
async function seedOutboxVisits(n: number, authorId: string, seed = 11): Promise<{ ms: number; outbox: number }> {
  const t0 = performance.now();
  const db = getDb();
  const households = await db.households.toArray();
  const people = await db.people.toArray();
  const members = new Map<string, string[]>();
  for (const p of people) members.set(p.householdId, [...(members.get(p.householdId) ?? []), p.id]);
  const withMembers = households.filter((h) => (members.get(h.id)?.length ?? 0) > 0);
  if (withMembers.length === 0) throw new Error('no households with members on the device: pull first');
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const CHUNK = 1000;
  for (let start = 0; start < n; start += CHUNK) {
    const visits: LocalVisit[] = [];
    const outbox: OutboxEntry[] = [];
    for (let i = start; i < Math.min(n, start + CHUNK); i++) {
      const h = pick(withMembers);
      const personId = pick(members.get(h.id) ?? []);
      const outcomes: OutcomeEntry[] = [];
      for (const skill of SKILL_CODES) {
        if (r() < 0.6) {
          outcomes.push({
            personId,
            skill,
            outcome: r() < 0.45 ? 'proficient' : 'guided',
            subSkills: r() < 0.5 ? [pick(SUB_SKILLS[skill])] : [],
          });
        }
      }
      if (outcomes.length === 0) outcomes.push({ personId, skill: 'online-safety', outcome: 'guided', subSkills: [] });
      const now = new Date().toISOString();
      const id = uuidv7();
      visits.push({
        id,
        householdId: h.id,
        hamletId: h.hamletId,
        provinceCode: h.provinceCode,
        communeCode: h.communeCode,
        visitedAt: now,
        recordedAt: now,
        corrects: null,
        outcomes,
        notes: r() < 0.2 ? 'Hướng dẫn cài VNeID mức 2' : '',
        followUpOn: r() < 0.3 ? '2026-12-15' : null,
        authorId,
      });
      outbox.push({ key: `visit:${id}`, entity: 'visit', recordId: id, rev: 1, queuedAt: now, attempts: 0, lastError: null });
    }
    await db.transaction('rw', [db.visits, db.outbox], async () => {
      await db.visits.bulkAdd(visits);
      await db.outbox.bulkAdd(outbox);
    });
  }
  return { ms: performance.now() - t0, outbox: await db.outbox.count() };
}

function phaseOf(recs: readonly FetchRecord[], path: string) {
  const rs = recs.filter((r) => r.path === path);
  return { requests: rs.length, up: rs.reduce((s, r) => s + r.up, 0), down: rs.reduce((s, r) => s + r.down, 0) };
}

/**
 * One pass of the real engine (`syncOnce`: push the outbox, then pull after the cursor), timed. The push phase ends
 * when the first pull request starts; the outbox is empty then (checked by the driver).
 */
async function sync(options: SyncOptions = {}) {
  records.length = 0;
  const db = getDb();
  const outboxBefore = await db.outbox.count();
  const t0 = performance.now();
  const report = await syncOnce(options);
  const end = performance.now();
  const firstPull = records.find((r) => r.path === '/api/sync/pull');
  const pushEnd = firstPull?.start ?? end;
  return {
    report,
    outboxBefore,
    outboxAfter: await db.outbox.count(),
    totalMs: end - t0,
    pushMs: pushEnd - t0,
    pullMs: end - pushEnd,
    push: phaseOf(records, '/api/sync/push'),
    pull: phaseOf(records, '/api/sync/pull'),
    visits: await db.visits.count(),
    /** Each request of the pass: path, and when it started and got its answer's headers (ms from the start). */
    timeline: records.map((r) => ({ path: r.path, start: r.start - t0, headers: r.headersAt - t0 })),
  };
}

/**
 * The engine's push loop (engine.ts pushAll) with its steps run one after another and each timed: reading a batch
 * from IndexedDB, the request (JSON + gzip in the page, the network, the server, the answer's parse) and applying the
 * answers in IndexedDB. The engine overlaps them; here they take turns, so each step's cost shows.
 * Inside the request: `encodeMs` is from the call to the moment fetch starts (session read, JSON.stringify, gzip),
 * `serverMs` from fetch start to the answer's headers.
 */
async function profilePush(batchSize = MAX_PUSH_BATCH) {
  records.length = 0;
  const deviceId = await getDeviceId();
  const sent = new Set<string>();
  const t = { readMs: 0, requestMs: 0, encodeMs: 0, serverMs: 0, applyMs: 0, batches: 0, pushed: 0 };
  const t0 = performance.now();
  let after = 0;
  for (;;) {
    let s = performance.now();
    const batch = await readNextBatch(batchSize, sent, after);
    t.readMs += performance.now() - s;
    const { items } = batch;
    if (items.length === 0) break;
    after = batch.next;
    for (const item of items) sent.add(item.key);
    s = performance.now();
    const before = records.length;
    const results = await push({ deviceId, changes: items.map((i) => i.change) });
    t.requestMs += performance.now() - s;
    const rec = records[before];
    if (rec) {
      t.encodeMs += rec.start - s;
      t.serverMs += rec.headersAt - rec.start;
    }
    s = performance.now();
    const outcome = await applyPushResults(items, results);
    t.applyMs += performance.now() - s;
    t.batches += 1;
    t.pushed += outcome.acknowledged;
  }
  return { ...t, totalMs: performance.now() - t0, up: phaseOf(records, '/api/sync/push').up };
}

/**
 * The engine's pull loop (engine.ts pullAll), steps one after another and timed: the request (network, server,
 * JSON parse of the answer), the contract check of every change, and the page's IndexedDB transaction.
 */
async function profilePull(pageSize = MAX_PULL_PAGE, measureRefresh = false) {
  records.length = 0;
  const t = { requestMs: 0, serverMs: 0, parseMs: 0, applyMs: 0, lastApplyMs: 0, refreshMs: 0, pages: 0, pulled: 0 };
  const t0 = performance.now();
  let after = await getSyncCursor();
  // As the engine does: one session across the pull's pages (first visits are folded into the summaries).
  const session = newPullSession();
  for (;;) {
    let s = performance.now();
    const before = records.length;
    const page = await pull(after, pageSize);
    t.requestMs += performance.now() - s;
    const rec = records[before];
    if (rec) t.serverMs += rec.headersAt - rec.start;
    s = performance.now();
    const parsed = parsePulledChanges(page.changes);
    t.parseMs += performance.now() - s;
    s = performance.now();
    const more = page.hasMore && page.cursor > after;
    t.pulled += await applyParsedPage(parsed, page.cursor, { moreFollow: more && !measureRefresh, session });
    t.lastApplyMs = performance.now() - s;
    t.applyMs += t.lastApplyMs;
    if (measureRefresh) {
      // The projection refresh alone, run again on the same households (it is idempotent): its share of the apply.
      const ids = new Set(parsed.flatMap((c) => (c.entity === 'visit' || c.entity === 'person' ? [c.record.householdId] : c.entity === 'household' ? [c.record.id] : [])));
      const db = getDb();
      s = performance.now();
      await db.transaction('rw', [db.households, db.people, db.visits, db.summaries, db.hamletTotals], () => refreshHouseholds(db, ids));
      t.refreshMs += performance.now() - s;
    }
    t.pages += 1;
    if (!more) break;
    after = page.cursor;
  }
  // The refresh run again for measuring is not part of the pull.
  return { ...t, totalMs: performance.now() - t0 - t.refreshMs, down: phaseOf(records, '/api/sync/pull').down };
}

/**
 * The floor under any pull: the device's own visits (as the pull stored them) written again with the bare IndexedDB
 * API into a scratch database with the same key and index as `visits`, one row per visit, 2,000 a transaction (a
 * pull page), no Dexie, no other table, no reads. Only the writes are timed; the scratch database is deleted after.
 */
async function idbFloor(n: number): Promise<{ rows: number; ms: number }> {
  const rows = await getDb().visits.limit(n).toArray();
  const name = `idb-floor-${Date.now()}`;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('visits', { keyPath: 'id' }).createIndex('householdId', 'householdId');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += MAX_PULL_PAGE) {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('visits', 'readwrite');
      const store = tx.objectStore('visits');
      for (const row of rows.slice(i, i + MAX_PULL_PAGE)) store.put(row);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  const ms = performance.now() - t0;
  db.close();
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
  return { rows: rows.length, ms };
}

async function counts() {
  const db = getDb();
  return {
    hamlets: await db.hamlets.count(),
    households: await db.households.count(),
    people: await db.people.count(),
    visits: await db.visits.count(),
    outbox: await db.outbox.count(),
  };
}

declare global {
  interface Window {
    syncBench: {
      login: typeof login;
      seedOutboxVisits: typeof seedOutboxVisits;
      sync: typeof sync;
      profilePush: typeof profilePush;
      profilePull: typeof profilePull;
      counts: typeof counts;
      idbFloor: typeof idbFloor;
    };
  }
}

window.syncBench = { login, seedOutboxVisits, sync, profilePush, profilePull, counts, idbFloor };
document.getElementById('status')!.textContent = 'ready';
