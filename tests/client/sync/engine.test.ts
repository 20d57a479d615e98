import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb, TungNhaDb, setDbForTesting } from '../../../src/client/db/database.ts';
import { createHamlet } from '../../../src/client/db/hamlets.ts';
import { createHousehold, updateHousehold } from '../../../src/client/db/households.ts';
import { logVisit } from '../../../src/client/db/visits.ts';
import { readReceipts } from '../../../src/client/db/receipts.ts';
import { countOutbox } from '../../../src/client/db/outbox.ts';
import { getSession, getSyncCursor, getSyncStatus } from '../../../src/client/db/sync-state.ts';
import { ApiError, NeedsLoginError } from '../../../src/client/lib/api.ts';
import { runSync, syncOnce } from '../../../src/client/sync/engine.ts';
import { logIn } from '../../../src/client/sync/session.ts';
import { uuidv7 } from '../../../src/shared/ids.ts';
import { FakeServer, PASSWORD, PHONE } from './fake-server.ts';

const receiptOf = async (visitId: string) => (await readReceipts(getDb().receipts, [visitId])).get(visitId);

const AREA = { provinceCode: '01', communeCode: '00004' };
let server: FakeServer;

beforeEach(async () => {
  server = new FakeServer();
  server.install();
  await logIn(PHONE, PASSWORD);
  // logIn starts a sync in the background; let it finish so each test starts from a quiet device.
  await vi.waitFor(async () => expect((await getSyncStatus()).state).toBe('idle'));
  await vi.waitFor(async () => expect((await getSyncStatus()).lastSuccessAt).not.toBeNull());
});

afterEach(() => {
  vi.unstubAllGlobals();
});

async function householdWithVisit(headName = 'Trần Văn Bình') {
  const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
  const household = await createHousehold(
    { ...AREA, hamletId: hamlet.id },
    { headName, address: 'Số 5 ngõ 3', phone: '0912345678', note: '' },
    [{ fullName: headName, birthYear: 1958, sex: 'male', relation: 'head' }],
  );
  const person = (await getDb().people.where('householdId').equals(household.id).first())!;
  const visit = await logVisit(
    {
      householdId: household.id,
      outcomes: [{ personId: person.id, skill: 'online-safety', outcome: 'guided', subSkills: [] }],
      notes: 'Đã hướng dẫn nhận biết cuộc gọi giả danh công an',
      followUpOn: null,
    },
    'device-author',
  );
  return { hamlet, household, person, visit };
}

describe('push', () => {
  it('drains the outbox oldest first and stores versions and visit receipts', async () => {
    const { hamlet, household, person, visit } = await householdWithVisit();
    expect(await countOutbox()).toBe(4);

    const outcome = await syncOnce();

    expect(outcome).toMatchObject({ kind: 'synced', pushed: 4, conflicts: 0, rejected: 0 });
    expect(await countOutbox()).toBe(0);
    expect(server.received.map((c) => c.entity)).toEqual(['hamlet', 'household', 'person', 'visit']);
    expect(server.received.slice(0, 3).every((c) => c.baseVersion === 0)).toBe(true);
    expect(server.received[3]!.baseVersion).toBeNull();
    const db = getDb();
    expect((await db.hamlets.get(hamlet.id))!.version).toBe(1);
    expect((await db.households.get(household.id))!.version).toBe(1);
    expect((await db.people.get(person.id))!.version).toBe(1);
    expect(await receiptOf(visit.id)).toBe(server.get('visit', visit.id)!.seq);
  });

  it('never sends local-only fields and compresses large bodies', async () => {
    const { household } = await householdWithVisit('Lê Thị Cúc');
    await syncOnce();
    const stored = server.get('household', household.id)!.record;
    expect(stored).not.toHaveProperty('searchText');
    expect(Object.values(Object.fromEntries(server.records)).some((r) => 'receipt' in r.record)).toBe(false);
    // Four records with a visit are well over 1 KB of JSON.
    expect(server.pushEncodings).toContain('gzip');
  });

  it('keeps an edit made while the push is in flight queued, and sends it next time', async () => {
    const { household } = await householdWithVisit();
    server.duringPush = async () => {
      await updateHousehold(household.id, { headName: 'Trần Văn Bình (ông)', address: 'Số 5 ngõ 3', phone: '', note: '' });
    };

    await syncOnce();

    const db = getDb();
    expect(await countOutbox()).toBe(1);
    const local = (await db.households.get(household.id))!;
    expect(local.headName).toBe('Trần Văn Bình (ông)');
    expect(local.version).toBe(1);
    expect(server.get('household', household.id)!.record.headName).toBe('Trần Văn Bình');

    await syncOnce();

    expect(await countOutbox()).toBe(0);
    expect(server.get('household', household.id)!.record.headName).toBe('Trần Văn Bình (ông)');
    expect(server.get('household', household.id)!.version).toBe(2);
    expect((await db.households.get(household.id))!.version).toBe(2);
  });

  it('retries a push whose answer was lost and gets duplicate, never a second visit', async () => {
    const { visit } = await householdWithVisit();
    server.loseNextPushResponse = true;

    await expect(runSync()).rejects.toMatchObject({ code: 'network' });
    expect(await countOutbox()).toBe(4);
    expect((await getSyncStatus()).state).toBe('error');

    await runSync();

    expect(await countOutbox()).toBe(0);
    const visitsOnServer = [...server.records.values()].filter((r) => r.entity === 'visit');
    expect(visitsOnServer).toHaveLength(1);
    expect(server.received.filter((c) => c.id === visit.id)).toHaveLength(2);
    expect(await receiptOf(visit.id)).toBe(visitsOnServer[0]!.seq);
  });

  it('keeps a conflicting edit and its outbox entry, stores the conflict and does not re-send it', async () => {
    const { household } = await householdWithVisit();
    await syncOnce();
    server.editElsewhere('household', household.id, { headName: 'Trần Văn Bính' });
    await updateHousehold(household.id, { headName: 'Trần Văn Bình', address: 'Số 7 ngõ 3', phone: '', note: '' });

    const outcome = await syncOnce();

    expect(outcome).toMatchObject({ kind: 'synced', conflicts: 1 });
    const db = getDb();
    const local = (await db.households.get(household.id))!;
    expect(local.address).toBe('Số 7 ngõ 3');
    expect(local.headName).toBe('Trần Văn Bình');
    expect(local.version).toBe(1);
    expect(await countOutbox()).toBe(1);
    const conflicts = await db.conflicts.toArray();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ entity: 'household', recordId: household.id, serverVersion: 2 });
    expect(conflicts[0]!.serverRecord.headName).toBe('Trần Văn Bính');

    const sends = server.received.length;
    await syncOnce();
    expect(server.received.length).toBe(sends);
  });

  it('marks a refused change with the reason and stops retrying it after a few attempts', async () => {
    const { household } = await householdWithVisit();
    server.reject.set(household.id, 'sync.out-of-scope');

    for (let i = 0; i < 5; i++) await syncOnce();

    const entry = (await getDb().outbox.toArray()).find((e) => e.recordId === household.id)!;
    expect(entry.lastError).toBe('sync.out-of-scope');
    expect(entry.attempts).toBe(3);
    expect(server.received.filter((c) => c.id === household.id)).toHaveLength(3);

    // A new edit is worth a fresh try.
    await updateHousehold(household.id, { headName: 'Trần Văn Bình', address: 'Số 9', phone: '', note: '' });
    server.reject.delete(household.id);
    await syncOnce();
    expect(await countOutbox()).toBe(0);
  });
});

describe('pull', () => {
  function seedHousehold(headName: string) {
    const hamletId = uuidv7();
    const householdId = uuidv7();
    const now = new Date().toISOString();
    server.seed('hamlet', { id: hamletId, ...AREA, name: `Thôn của ${headName}`, version: 1, deleted: false, updatedAt: now });
    server.seed('household', {
      id: householdId, ...AREA, hamletId, headName, address: '', phone: null, note: '', version: 1, deleted: false,
      createdAt: now, updatedAt: now,
    });
    return { hamletId, householdId };
  }

  it('applies every page, advances the cursor and refreshes search text and totals', async () => {
    const a = seedHousehold('Đỗ Văn An');
    const b = seedHousehold('Vũ Thị Bích');
    const c = seedHousehold('Hoàng Văn Cường');

    const outcome = await syncOnce({ pullPageSize: 2 });

    expect(outcome).toMatchObject({ kind: 'synced', pulled: 6 });
    expect(await getSyncCursor()).toBe(server.seq);
    const db = getDb();
    expect((await db.households.get(b.householdId))!.searchText).toContain('vu thi bich');
    expect((await db.hamletTotals.get(a.hamletId))!.households).toBe(1);
    expect(await db.households.get(c.householdId)).toBeDefined();
    expect(server.fetch.mock.calls.filter(([url]) => String(url).includes('/sync/pull')).length).toBeGreaterThanOrEqual(3);
  });

  it('counts the records a running pass has received, page by page, and forgets the count when it ends', async () => {
    for (const name of ['Đỗ Văn An', 'Vũ Thị Bích', 'Hoàng Văn Cường']) seedHousehold(name);
    const counted: number[] = [];
    const outcome = await syncOnce({ pullPageSize: 2, onPulled: async (n) => void counted.push(n) });
    expect(outcome).toMatchObject({ kind: 'synced', pulled: 6 });
    // After each page but the last: the pass then ends.
    expect(counted).toEqual([2, 4]);

    // runSync stores the count for the sync screen: what it held when each page was asked for.
    for (const name of ['Lê Văn Dũng', 'Phạm Thị Hoa', 'Ngô Văn Giang']) seedHousehold(name);
    const held: (number | null | undefined)[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes('/sync/pull')) held.push((await getSyncStatus()).received);
      return server.fetch(input, init);
    });
    await runSync({ pullPageSize: 2 });
    expect(held[0]).toBe(0);
    expect(held.at(-1)).toBe(2);
    expect(await getSyncStatus()).toMatchObject({ state: 'idle', received: null });
  });

  it('applies nothing of a page that fails halfway, and keeps the cursor', async () => {
    const a = seedHousehold('Đỗ Văn An');
    const before = await getSyncCursor();
    server.nextPullOverride = (after) => {
      const good = server.pull(after, 500).changes;
      return { changes: [...good, { seq: 999, entity: 'household', record: { id: 'not-a-record' } }], cursor: 999, hasMore: false };
    };

    await expect(runSync()).rejects.toThrow();

    const db = getDb();
    expect(await db.hamlets.get(a.hamletId)).toBeUndefined();
    expect(await db.households.get(a.householdId)).toBeUndefined();
    expect(await getSyncCursor()).toBe(before);
    expect((await getSyncStatus()).lastErrorCode).toBe('bad-response');

    await runSync();
    expect(await db.households.get(a.householdId)).toBeDefined();
  });

  it('does not overwrite a record with unsent local changes', async () => {
    const { household } = await householdWithVisit();
    await syncOnce();
    await updateHousehold(household.id, { headName: 'Trần Văn Bình', address: 'Nhà mới', phone: '', note: '' });
    server.editElsewhere('household', household.id, { address: 'Địa chỉ từ máy khác' });
    // The push fails (server down), the pull still runs on its own in this check.
    const { applyPulledPage } = await import('../../../src/client/db/apply-pulled.ts');
    const page = server.pull(await getSyncCursor(), 500);
    await applyPulledPage(page.changes, page.cursor);

    const local = (await getDb().households.get(household.id))!;
    expect(local.address).toBe('Nhà mới');
    expect(local.version).toBe(1);
    expect(await countOutbox()).toBe(1);
    expect(await getSyncCursor()).toBe(page.cursor);
  });

  it('re-pulls everything on a wiped device', async () => {
    const { household, visit } = await householdWithVisit();
    await syncOnce();

    setDbForTesting(new TungNhaDb(`wiped-${uuidv7()}`));
    await logIn(PHONE, PASSWORD);
    await vi.waitFor(async () => expect(await getDb().visits.get(visit.id)).toBeDefined());

    const db = getDb();
    expect((await db.households.get(household.id))!.headName).toBe('Trần Văn Bình');
    expect(await receiptOf(visit.id)).toBe(server.get('visit', visit.id)!.seq);
    expect((await db.summaries.get(household.id))!.visited).toBe(true);
  });
});

describe('session', () => {
  it('asks for login again on a 401 and keeps the outbox untouched', async () => {
    await householdWithVisit();
    server.expireSessions();

    await expect(runSync()).rejects.toBeInstanceOf(NeedsLoginError);

    expect(await countOutbox()).toBe(4);
    expect(await getSession()).toBeUndefined();
    expect((await getSyncStatus()).state).toBe('needs-login');
    // Without a session nothing is sent.
    const calls = server.fetch.mock.calls.length;
    expect(await runSync()).toEqual({ kind: 'signed-out' });
    expect(server.fetch.mock.calls.length).toBe(calls);
  });

  it('turns a Problem body into an ApiError with its code', async () => {
    const { login } = await import('../../../src/client/sync/remote.ts');
    await expect(login(PHONE, 'sai')).rejects.toEqual(expect.objectContaining({ code: 'auth.invalid-credentials' }));
    await expect(login(PHONE, 'sai')).rejects.toBeInstanceOf(ApiError);
    await expect(login(PHONE, 'sai')).rejects.not.toBeInstanceOf(NeedsLoginError);
  });
});
