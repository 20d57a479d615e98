/**
 * Benchmark harness page: runs the app's own data-layer and search code in the browser against real IndexedDB,
 * on the same origin as the app (so the app later opens the same database). Exposed as window.bench; driven by
 * tests/bench/run-bench.mjs through playwright-core. Not part of the product build.
 */
import { getDb } from '../../../src/client/db/database.ts';
import { rebuildAllProjections } from '../../../src/client/db/projections.ts';
import { listHamletHouseholds } from '../../../src/client/db/households.ts';
import { logVisit, projectionsSettled } from '../../../src/client/db/visits.ts';
import { getHamletOverview } from '../../../src/client/db/overview.ts';
import { setWorkingArea } from '../../../src/client/db/meta.ts';
import { searchHouseholds } from '../../../src/client/features/households/search.ts';
import { SKILL_CODES } from '../../../src/shared/skills.ts';
import { generate, rng, type SeedSpec } from './seed-data.ts';

const today = '2026-11-22';

async function seed(spec: SeedSpec) {
  const t0 = performance.now();
  const data = generate(spec);
  const db = getDb();
  const CHUNK = 5000;
  await db.hamlets.bulkPut(data.hamlets);
  for (let i = 0; i < data.households.length; i += CHUNK) {
    await db.households.bulkPut(data.households.slice(i, i + CHUNK).map((h) => ({ ...h, searchText: '' })));
  }
  for (let i = 0; i < data.people.length; i += CHUNK) await db.people.bulkPut(data.people.slice(i, i + CHUNK));
  for (let i = 0; i < data.visits.length; i += CHUNK) await db.visits.bulkPut(data.visits.slice(i, i + CHUNK));
  await db.transaction('rw', [db.households, db.people, db.visits, db.summaries, db.hamletTotals], () =>
    rebuildAllProjections(db),
  );
  const firstHamlet = data.hamlets[0]!;
  await setWorkingArea({ provinceCode: spec.provinceCode, communeCode: spec.communeCode, hamletId: firstHamlet.id });
  return {
    ms: performance.now() - t0,
    hamletIds: data.hamlets.map((h) => h.id),
    counts: {
      households: await db.households.count(),
      people: await db.people.count(),
      visits: await db.visits.count(),
    },
  };
}

function openRaw(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('bench-raw', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('visits', { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function rawPut(db: IDBDatabase, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('visits', 'readwrite');
    tx.objectStore('visits').put(value);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * Interleaves app saves and raw puts so both see the same machine state. A save returns once the visit is stored;
 * its household's summary and hamlet totals settle in a transaction right behind it (every later read waits for
 * it). That settling is awaited outside the timed part, so it never overlaps the raw put, and timed on its own as
 * "save until settled".
 */
async function saveVisits(n: number) {
  const db = getDb();
  const households = await db.households.limit(2000).toArray();
  const raw = await openRaw();
  const r = rng(7);
  const save: number[] = [];
  const settled: number[] = [];
  const put: number[] = [];
  const dexiePut: number[] = [];
  const threeTrips: number[] = [];
  const expected = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const h = households[Math.floor(r() * households.length)]!;
    const member = await db.people.where('householdId').equals(h.id).first();
    const outcomes = SKILL_CODES.slice(0, 3).map((skill) => ({
      personId: member!.id,
      skill,
      outcome: 'guided' as const,
      subSkills: [],
    }));
    // As the visit form does: it knows the household's hamlet and passes it along.
    const draft = { householdId: h.id, hamletId: h.hamletId, outcomes, notes: 'Đã hướng dẫn', followUpOn: '2026-12-01' };
    let t = performance.now();
    const saved = await logVisit(draft, 'bench-device');
    save.push(performance.now() - t);
    await projectionsSettled();
    settled.push(performance.now() - t);
    expected.set(h.id, (expected.get(h.id) ?? 0) + 1);
    t = performance.now();
    await rawPut(raw, { ...saved, id: `raw-${i}` });
    put.push(performance.now() - t);
    // Baselines that explain the gap: Dexie's own cost for one put in a transaction over the same tables, and
    // three dependent round trips (what saving a visit needs: read state; write + read totals; write projections).
    t = performance.now();
    await db.transaction('rw', [db.households, db.people, db.visits, db.summaries, db.hamletTotals, db.outbox, db.meta], () =>
      db.meta.put({ key: `bench-${i}`, value: saved }),
    );
    dexiePut.push(performance.now() - t);
    t = performance.now();
    await db.transaction('rw', [db.households, db.people, db.visits, db.summaries, db.hamletTotals, db.outbox, db.meta], async () => {
      await Promise.all([db.households.get(h.id), db.people.where('householdId').equals(h.id).toArray()]);
      await db.meta.put({ key: `bench-b-${i}`, value: saved });
      await db.meta.put({ key: `bench-c-${i}`, value: 1 });
    });
    threeTrips.push(performance.now() - t);
  }
  raw.close();
  // The saves must have left the data right: nothing queued, and each household's summary counting its new visit.
  const queued = await db.pendingProjections.count();
  const sample = [...expected.keys()].slice(0, 20);
  const summaries = await db.summaries.bulkGet(sample);
  const visitsLogged = await Promise.all(sample.map((id) => db.visits.where('householdId').equals(id).count()));
  const consistent = queued === 0 && summaries.every((s, i) => s?.visited === true && visitsLogged[i]! >= expected.get(sample[i]!)!);
  return { save, settled, put, dexiePut, threeTrips, consistent };
}

const QUERIES = ['nguyen van', 'tran thi h', 'đức', 'le minh', 'xom 3', '0912', 'pham thi lan'];

async function search(hamletId: string | null) {
  const db = getDb();
  const t0 = performance.now();
  let rows;
  if (hamletId) {
    rows = await listHamletHouseholds(hamletId);
  } else {
    // Every household of the commune, sorted, with summaries: the worst case of one list holding all 20,000.
    const lists = await Promise.all((await db.hamlets.toArray()).map((h) => listHamletHouseholds(h.id)));
    rows = lists.flat();
  }
  const loadMs = performance.now() - t0;
  const perKeystroke: number[] = [];
  let matches = 0;
  for (const q of QUERIES) {
    for (let i = 1; i <= q.length; i++) {
      const t = performance.now();
      matches += searchHouseholds(rows, q.slice(0, i), 'all', today).length;
      perKeystroke.push(performance.now() - t);
    }
  }
  return { rows: rows.length, loadMs, perKeystroke, matches };
}

async function overview(hamletId: string, n: number) {
  const times: number[] = [];
  let last = null;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    last = await getHamletOverview(hamletId, today);
    times.push(performance.now() - t);
  }
  return { times, last };
}

declare global {
  interface Window {
    bench: {
      seed: typeof seed;
      saveVisits: typeof saveVisits;
      search: typeof search;
      overview: typeof overview;
    };
  }
}

window.bench = { seed, saveVisits, search, overview };
document.getElementById('status')!.textContent = 'ready';
