/**
 * The engine's pipelined passes (src/client/sync/engine.ts): the next push batch is read while one travels and the
 * next pull page is fetched while one is written, two independent batches travel at once but a batch waits for the
 * one holding a record it refers to, every answer that arrived is written, a multi-page pull refreshes projections once (and still does when it is interrupted), and a
 * visit that comes back from the server unchanged is not written again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../../src/client/db/database.ts';
import { createHamlet } from '../../../src/client/db/hamlets.ts';
import { createHousehold } from '../../../src/client/db/households.ts';
import { logVisit } from '../../../src/client/db/visits.ts';
import { readReceipts } from '../../../src/client/db/receipts.ts';
import { countOutbox } from '../../../src/client/db/outbox.ts';
import { getSyncCursor, getSyncStatus } from '../../../src/client/db/sync-state.ts';
import { runSync, syncOnce } from '../../../src/client/sync/engine.ts';
import { logIn } from '../../../src/client/sync/session.ts';
import { uuidv7 } from '../../../src/shared/ids.ts';
import { FakeServer, PASSWORD, PHONE, USER } from './fake-server.ts';

const receiptOf = async (visitId: string) => (await readReceipts(getDb().receipts, [visitId])).get(visitId);

const AREA = { provinceCode: '01', communeCode: '00004' };
const NOW = '2026-11-20T08:00:00.000+07:00';
let server: FakeServer;

beforeEach(async () => {
  server = new FakeServer();
  server.install();
  await logIn(PHONE, PASSWORD);
  await vi.waitFor(async () => expect((await getSyncStatus()).lastSuccessAt).not.toBeNull());
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Wraps the fake server's fetch: `before` runs first and may throw, as a dropped connection does. */
function intercept(before: (path: string, calls: number) => void | Promise<void>) {
  const calls = new Map<string, number>();
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input), 'http://localhost').pathname;
    calls.set(path, (calls.get(path) ?? 0) + 1);
    await before(path, calls.get(path) ?? 0);
    return server.fetch(input, init);
  });
}

function seedHouseholdWithVisit(hamletId: string, headName: string) {
  const householdId = uuidv7();
  const personId = uuidv7();
  server.seed('household', {
    id: householdId, ...AREA, hamletId, headName, address: '', phone: null, note: '', version: 1, deleted: false,
    createdAt: NOW, updatedAt: NOW,
  });
  server.seed('person', {
    id: personId, householdId, fullName: headName, birthYear: 1970, sex: 'female', relation: 'head', version: 1,
    deleted: false, createdAt: NOW, updatedAt: NOW,
  });
  server.seed('visit', {
    id: uuidv7(), householdId, hamletId, ...AREA, visitedAt: NOW, recordedAt: NOW, corrects: null,
    outcomes: [{ personId, skill: 'online-safety', outcome: 'proficient', subSkills: [] }], notes: '', followUpOn: null,
    authorId: '0190a000-0000-7000-8000-0000000000ff',
  });
  return householdId;
}

function seedHamlet(): string {
  const hamletId = uuidv7();
  server.seed('hamlet', { id: hamletId, ...AREA, name: 'Thôn Bắc', version: 1, deleted: false, updatedAt: NOW });
  return hamletId;
}

/** Holds every push 20 ms on the way and counts how many were on the way at once (`most`). */
function countPushesInFlight(): { readonly most: number } {
  let inFlight = 0;
  const seen = { most: 0 };
  intercept(async (path) => {
    if (path !== '/api/sync/push') return;
    inFlight += 1;
    seen.most = Math.max(seen.most, inFlight);
    await new Promise((r) => setTimeout(r, 20));
    inFlight -= 1;
  });
  return seen;
}

describe('pushing in batches', () => {
  it('keeps two independent batches on the way at once, and sends every change once', async () => {
    const names = ['Thôn 1', 'Thôn 2', 'Thôn 3', 'Thôn 4', 'Thôn 5'];
    for (const name of names) await createHamlet(AREA, { name });
    const pushes = countPushesInFlight();

    const outcome = await syncOnce({ pushBatchSize: 2 });

    expect(outcome).toMatchObject({ kind: 'synced', pushed: 5 });
    expect(pushes.most).toBe(2);
    const pushedNames = server.received.map((c) => server.get('hamlet', c.id)!.record.name);
    expect([...pushedNames].sort()).toEqual(names);
    expect(await countOutbox()).toBe(0);
  });

  it('holds back a batch that refers to a record still on its way: a hamlet, then its household, then the members', async () => {
    const hamlet = await createHamlet(AREA, { name: 'Thôn Nam' });
    await createHousehold(
      { ...AREA, hamletId: hamlet.id },
      { headName: 'Lê Thị Cúc', address: '', phone: '', note: '' },
      [{ fullName: 'Lê Thị Cúc', birthYear: 1962, sex: 'female', relation: 'head' }],
    );
    const pushes = countPushesInFlight();

    const outcome = await syncOnce({ pushBatchSize: 1 });

    expect(outcome).toMatchObject({ kind: 'synced', pushed: 3, rejected: 0 });
    expect(pushes.most).toBe(1);
    expect(server.received.map((c) => c.entity)).toEqual(['hamlet', 'household', 'person']);
  });

  it('writes the answers that arrived when a later batch fails, and sends only the rest next time', async () => {
    for (let i = 1; i <= 5; i++) await createHamlet(AREA, { name: `Thôn ${i}` });
    intercept((path, calls) => {
      if (path === '/api/sync/push' && calls === 3) throw new TypeError('Failed to fetch');
    });

    await expect(runSync({ pushBatchSize: 2 })).rejects.toMatchObject({ code: 'network' });

    expect(await countOutbox()).toBe(1);
    const versions = (await getDb().hamlets.toArray()).map((h) => h.version).sort();
    expect(versions).toEqual([0, 1, 1, 1, 1]);
    const sent = server.received.length;
    await runSync({ pushBatchSize: 2 });
    expect(server.received.length).toBe(sent + 1);
    expect(await countOutbox()).toBe(0);
  });
  it('writes the answers of a batch that arrived even when the batch sent beside it failed', async () => {
    for (let i = 1; i <= 5; i++) await createHamlet(AREA, { name: `Thôn ${i}` });
    intercept(async (path, calls) => {
      if (path !== '/api/sync/push') return;
      // The first batch fails while the second is still on its way.
      await new Promise((r) => setTimeout(r, calls === 1 ? 20 : 60));
      if (calls === 1) throw new TypeError('Failed to fetch');
    });

    await expect(runSync({ pushBatchSize: 2 })).rejects.toMatchObject({ code: 'network' });

    // The second batch was on its way beside the first; nothing new was sent after the failure.
    expect(server.received.length).toBe(2);
    expect(await countOutbox()).toBe(3);
    const versions = (await getDb().hamlets.toArray()).map((h) => h.version).sort();
    expect(versions).toEqual([0, 0, 0, 1, 1]);
  });
});

describe('pulling in pages', () => {
  it('refreshes the households of the pages a pull applied even when a later page fails', async () => {
    const hamletId = seedHamlet();
    const first = seedHouseholdWithVisit(hamletId, 'Đỗ Văn An');
    seedHouseholdWithVisit(hamletId, 'Vũ Thị Bích');
    intercept((path, calls) => {
      // The pass's first pull request (page 1) gets through; page 2 does not.
      if (path === '/api/sync/pull' && calls === 2) throw new TypeError('Failed to fetch');
    });

    await expect(runSync({ pullPageSize: 4 })).rejects.toMatchObject({ code: 'network' });

    const db = getDb();
    expect(await getSyncCursor()).toBe(4);
    expect(await db.summaries.get(first)).toMatchObject({ visited: true, atTarget: false, people: 1 });
    expect((await db.hamletTotals.get(hamletId))?.households).toBe(1);
  });

  it('keeps projections right after a pull that touches most of the device’s households', async () => {
    const hamletId = seedHamlet();
    const ids = Array.from({ length: 520 }, (_, i) => seedHouseholdWithVisit(hamletId, `Hộ số ${i + 1}`));

    const outcome = await syncOnce({ pullPageSize: 700 });

    expect(outcome).toMatchObject({ kind: 'synced', pulled: 1 + 520 * 3 });
    const db = getDb();
    expect(await db.summaries.count()).toBe(520);
    expect(await db.hamletTotals.get(hamletId)).toMatchObject({ households: 520, visited: 520, people: 520 });
    expect((await db.households.get(ids[519]!))!.searchText).toContain('ho so 520');
  }, 30_000);

  it('does not write again, nor refresh, a visit of this device that comes back unchanged', async () => {
    const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
    const household = await createHousehold(
      { ...AREA, hamletId: hamlet.id },
      { headName: 'Trần Văn Bình', address: '', phone: '', note: '' },
      [{ fullName: 'Trần Văn Bình', birthYear: 1958, sex: 'male', relation: 'head' }],
    );
    const person = (await getDb().people.where('householdId').equals(household.id).first())!;
    await syncOnce();
    const visit = await logVisit(
      { householdId: household.id, outcomes: [{ personId: person.id, skill: 'online-safety', outcome: 'guided', subSkills: [] }], notes: '', followUpOn: null },
      USER.id,
    );
    // A marker no refresh would keep: if the pulled-back visit were written again, its household would be refreshed.
    server.duringPush = async () => {
      await getDb().summaries.update(household.id, { people: 99 });
    };

    const outcome = await syncOnce();

    expect(outcome).toMatchObject({ kind: 'synced', pushed: 1, pulled: 1 });
    const seq = server.get('visit', visit.id)!.seq;
    expect(await receiptOf(visit.id)).toBe(seq);
    expect(await getSyncCursor()).toBe(seq);
    expect((await getDb().summaries.get(household.id))!.people).toBe(99);
  });
});
