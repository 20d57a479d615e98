/**
 * Visit receipts (db/receipts.ts): a pushed batch's answers give every visit its receipt without rewriting the visits,
 * a pull gives receipts to what it brings and to own visits whose receipt the device lacks, and conflict decisions
 * keep the server's receipt.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb, type LocalConflict } from '../../../src/client/db/database.ts';
import { applyServerChoice, rerecordVisit } from '../../../src/client/db/conflicts.ts';
import { createHamlet } from '../../../src/client/db/hamlets.ts';
import { createHousehold } from '../../../src/client/db/households.ts';
import { logVisit } from '../../../src/client/db/visits.ts';
import { readAllReceipts, readReceipts } from '../../../src/client/db/receipts.ts';
import { countOutbox } from '../../../src/client/db/outbox.ts';
import { getSession, getSyncStatus, setSyncCursor } from '../../../src/client/db/sync-state.ts';
import { syncOnce } from '../../../src/client/sync/engine.ts';
import { syncEngineSettled } from '../../../src/client/sync/scheduler.ts';
import { logIn } from '../../../src/client/sync/session.ts';
import { uuidv7 } from '../../../src/shared/ids.ts';
import { FakeServer, PASSWORD, PHONE } from './fake-server.ts';

const AREA = { provinceCode: '01', communeCode: '00004' };
let server: FakeServer;

beforeEach(async () => {
  server = new FakeServer();
  server.install();
  await logIn(PHONE, PASSWORD);
  // logIn starts a sync; each test starts once it has finished.
  await syncEngineSettled();
  expect((await getSyncStatus()).lastSuccessAt).not.toBeNull();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A household with `n` visits logged on this device. */
async function householdWithVisits(n: number) {
  const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
  const household = await createHousehold(
    { ...AREA, hamletId: hamlet.id },
    { headName: 'Trần Văn Bình', address: 'Số 5 ngõ 3', phone: '0912345678', note: '' },
    [{ fullName: 'Trần Văn Bình', birthYear: 1958, sex: 'male', relation: 'head' }],
  );
  const person = (await getDb().people.where('householdId').equals(household.id).first())!;
  const visits = [];
  for (let i = 0; i < n; i++) {
    visits.push(
      await logVisit(
        {
          householdId: household.id,
          outcomes: [{ personId: person.id, skill: 'online-safety', outcome: i % 2 ? 'guided' : 'proficient', subSkills: [] }],
          notes: `Lần ${i + 1}`,
          followUpOn: null,
        },
        // Logged by this account, as the app does: the pull recognises its own visits.
        (await getSession())!.user.id,
      ),
    );
  }
  return { household, person, visits };
}

const serverSeqs = (ids: readonly string[]) => new Map(ids.map((id) => [id, server.get('visit', id)!.seq]));
const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

describe('visit receipts', () => {
  it('gives every pushed visit the server’s receipt in one row for the batch, leaving the visits as they were', async () => {
    const { visits } = await householdWithVisits(40);
    const ids = visits.map((v) => v.id);
    const before = byId(await getDb().visits.toArray());

    await syncOnce();

    expect(await countOutbox()).toBe(0);
    expect(await readReceipts(getDb().receipts, ids)).toEqual(serverSeqs(ids));
    expect(await getDb().visits.count()).toBe(40);
    expect(byId(await getDb().visits.toArray())).toEqual(before);
    // The push wrote one row for the batch; pulling the same visits back wrote nothing more.
    expect(await getDb().receipts.count()).toBe(1);
  });

  it('takes a receipt the device lacks from the pull, without writing the visit again', async () => {
    const { visits } = await householdWithVisits(3);
    await syncOnce();
    const ids = visits.map((v) => v.id);
    // As if the push's answers had never been stored, but the outbox entries were gone (a restored backup, say).
    await getDb().receipts.clear();
    await setSyncCursor(0);
    const puts = vi.spyOn(getDb().visits, 'bulkPut');

    await syncOnce();

    expect(await readReceipts(getDb().receipts, ids)).toEqual(serverSeqs(ids));
    expect(puts).not.toHaveBeenCalled();
  });

  it('gives visits pulled from another device their receipts, and looks many of them up at once', async () => {
    const { household, person } = await householdWithVisits(0);
    await syncOnce();
    const pulled: string[] = [];
    for (let i = 0; i < 50; i++) {
      const id = uuidv7();
      pulled.push(id);
      const at = new Date(Date.UTC(2026, 10, 1, 2, i)).toISOString();
      server.seed('visit', {
        id, householdId: household.id, hamletId: household.hamletId, ...AREA, visitedAt: at, recordedAt: at, corrects: null,
        outcomes: [{ personId: person.id, skill: 'online-payment', outcome: 'guided', subSkills: [] }], notes: '', followUpOn: null,
        authorId: '0190a000-0000-7000-8000-0000000000ff',
      });
    }

    await syncOnce({ pullPageSize: 20 });

    expect(await readReceipts(getDb().receipts, pulled)).toEqual(serverSeqs(pulled));
    expect(await readReceipts(getDb().receipts, pulled, { closeInTime: true })).toEqual(serverSeqs(pulled));
    expect(await readReceipts(getDb().receipts, pulled.slice(0, 2))).toEqual(serverSeqs(pulled.slice(0, 2)));
    expect((await readAllReceipts(getDb().receipts)).size).toBe(50);
  });
});

describe('visit receipts and conflict decisions', () => {
  function visitConflict(local: { id: string; householdId: string; hamletId: string }, notes: string): LocalConflict {
    const at = '2026-11-01T02:00:00.000Z';
    const serverRecord = {
      ...local, ...AREA, visitedAt: at, recordedAt: at, corrects: null, outcomes: [], notes, followUpOn: null,
      authorId: '0190a000-0000-7000-8000-0000000000ff',
    };
    return {
      id: uuidv7(), entity: 'visit', recordId: local.id, problem: 'sync.id-conflict', baseVersion: null, serverVersion: 1,
      serverRecord, deviceRecord: {}, createdAt: at,
    };
  }

  it('“use the server’s version” stores the server’s visit with its receipt', async () => {
    const { visits } = await householdWithVisits(1);
    const visit = visits[0]!;

    await applyServerChoice(visitConflict(visit, 'Bản của máy chủ'), 812);

    expect((await getDb().visits.get(visit.id))!.notes).toBe('Bản của máy chủ');
    expect(await readReceipts(getDb().receipts, [visit.id])).toEqual(new Map([[visit.id, 812]]));
  });

  it('“keep this device’s visit” records it again unsent, under a new id, beside the server’s sent one', async () => {
    const { visits } = await householdWithVisits(1);
    const visit = visits[0]!;

    const newId = await rerecordVisit(visitConflict(visit, 'Bản của máy chủ'), 813);

    expect(newId).not.toBeNull();
    expect((await getDb().visits.get(newId!))!.notes).toBe('Lần 1');
    expect(await readReceipts(getDb().receipts, [visit.id, newId!])).toEqual(new Map([[visit.id, 813]]));
  });
});
