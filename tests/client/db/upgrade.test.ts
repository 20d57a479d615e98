/**
 * THE schema upgrade test: a database written by v1 of the app (records, outbox and meta only) is opened by the
 * current code. Nothing may be lost or changed, the v2 projections (search text, summaries, hamlet totals) must
 * come out right, and the visits' receipts must move to the v6 receipts table. The v1 store definitions below are
 * copied from database.ts and must never change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { TungNhaDb, setDbForTesting, type HamletTotalsRow } from '../../../src/client/db/database.ts';
import { getHamletOverview } from '../../../src/client/db/overview.ts';
import { readAllReceipts, readReceipts } from '../../../src/client/db/receipts.ts';
import { logVisit } from '../../../src/client/db/visits.ts';
import { SKILL_CODES, type SkillCode } from '../../../src/shared/skills.ts';
import { zeroSkillCounts } from '../../../src/shared/progress.ts';
import type { OutcomeEntry, Outcome } from '../../../src/shared/records.ts';

const V1_STORES = {
  hamlets: 'id, communeCode',
  households: 'id, hamletId, communeCode',
  people: 'id, householdId',
  visits: 'id, householdId, corrects',
  outbox: '++seq, &key',
  meta: 'key',
};

const id = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const AREA = { provinceCode: '01', communeCode: '00004' };
const T0 = '2026-09-01T02:00:00.000Z';

const H1 = id(1);
const H2 = id(2);
const [A, B, C, D, E] = [id(11), id(12), id(13), id(14), id(15)];
const [a1, a2, b1, b2, c1, d1, e1, e2, e3] = [21, 22, 23, 24, 25, 26, 27, 28, 29].map(id) as [
  string, string, string, string, string, string, string, string, string,
];

const hamlet = (hid: string, name: string) => ({ id: hid, ...AREA, name, version: 1, deleted: false, updatedAt: T0 });
const household = (hid: string, hamletId: string, headName: string, address: string, phone: string | null, deleted = false) => ({
  id: hid, ...AREA, hamletId, headName, address, phone, note: '', version: 1, deleted, createdAt: T0, updatedAt: T0,
});
const person = (pid: string, householdId: string, fullName: string, birthYear: number | null, relation: string, deleted = false) => ({
  id: pid, householdId, fullName, birthYear, sex: null, relation, version: 1, deleted, createdAt: T0, updatedAt: T0,
});
const o = (personId: string, skill: SkillCode, outcome: Outcome): OutcomeEntry => ({ personId, skill, outcome, subSkills: [] });
const allFive = (personId: string, outcome: Outcome) => SKILL_CODES.map((s) => o(personId, s, outcome));
const visit = (
  vid: string, householdId: string, hamletId: string, visitedAt: string, outcomes: OutcomeEntry[],
  extra: { corrects?: string; recordedAt?: string; followUpOn?: string; receipt?: number } = {},
) => ({
  id: vid, householdId, hamletId, ...AREA, visitedAt, recordedAt: extra.recordedAt ?? visitedAt,
  corrects: extra.corrects ?? null, outcomes, notes: '', followUpOn: extra.followUpOn ?? null,
  authorId: 'device-v1', receipt: extra.receipt ?? null,
});

/** Two hamlets; a household at target, one with a corrected visit and a removed member, a deleted one, and more. */
function fixture() {
  return {
    hamlets: [hamlet(H1, 'Thôn Đông'), hamlet(H2, 'Thôn Tây')],
    households: [
      household(A, H1, 'Nguyễn Văn Á', 'Xóm 1', '0912345678'),
      household(B, H1, 'Lê Thị Cúc', 'Xóm 2', null),
      household(C, H1, 'Phạm Văn Dũng', 'Xóm 3', null, true),
      household(D, H2, 'Đặng Thị Én', '', null),
      household(E, H2, 'Hoàng Văn Giang', 'Bản Hẻo', '0212345678'),
    ],
    people: [
      person(a1, A, 'Nguyễn Văn Á', 1960, 'head'),
      person(a2, A, 'Trần Thị Bình', 1965, 'spouse'),
      person(b1, B, 'Lê Thị Cúc', 1970, 'head'),
      person(b2, B, 'Lê Văn Đông', 1995, 'child', true),
      person(c1, C, 'Phạm Văn Dũng', 1950, 'head'),
      person(d1, D, 'Đặng Thị Én', null, 'head'),
      person(e1, E, 'Hoàng Văn Giang', 1980, 'head'),
      person(e2, E, 'Hoàng Thị Hoa', 1982, 'spouse'),
      person(e3, E, 'Hoàng Minh Khang', 2010, 'child'),
    ],
    visits: [
      visit(id(31), A, H1, '2026-10-01T02:00:00.000Z', allFive(a1, 'proficient'), { receipt: 7 }),
      visit(id(32), B, H1, '2026-10-02T02:00:00.000Z', [o(b1, 'online-safety', 'proficient'), ...allFive(b2, 'proficient')], {
        followUpOn: '2026-10-10', receipt: 8,
      }),
      visit(id(33), B, H1, '2026-10-02T02:00:00.000Z', [o(b1, 'online-safety', 'guided')], {
        corrects: id(32), recordedAt: '2026-10-03T02:00:00.000Z', followUpOn: '2026-10-15',
      }),
      visit(id(34), C, H1, '2026-10-04T02:00:00.000Z', allFive(c1, 'proficient')),
      visit(id(35), E, H2, '2026-10-05T02:00:00.000Z', [o(e1, 'online-payment', 'guided'), o(e2, 'online-payment', 'proficient')], {
        followUpOn: '2026-11-30',
      }),
    ],
    outbox: [
      { key: `visit:${id(33)}`, entity: 'visit', recordId: id(33), rev: 1, queuedAt: T0, attempts: 2, lastError: 'offline' },
      { key: `visit:${id(35)}`, entity: 'visit', recordId: id(35), rev: 1, queuedAt: T0, attempts: 0, lastError: null },
      { key: `household:${E}`, entity: 'household', recordId: E, rev: 3, queuedAt: T0, attempts: 0, lastError: null },
    ],
    meta: [
      { key: 'deviceId', value: id(99) },
      { key: 'workingArea', value: { ...AREA, hamletId: H1 } },
      { key: 'syncCursor', value: 1234 },
      { key: 'a-setting-from-the-future', value: { nested: [1, 'hai', null] } },
    ],
  };
}

let dbName = '';
let counter = 0;
const opened: Dexie[] = [];

async function createV1(data: Partial<Record<keyof typeof V1_STORES, readonly unknown[]>>): Promise<void> {
  counter += 1;
  dbName = `upgrade-${process.pid}-${counter}`;
  const v1 = new Dexie(dbName);
  v1.version(1).stores(V1_STORES);
  await v1.open();
  await v1.transaction('rw', v1.tables, async () => {
    for (const [table, rows] of Object.entries(data)) await v1.table(table).bulkAdd(rows);
  });
  v1.close();
}

async function openCurrent(): Promise<TungNhaDb> {
  const db = new TungNhaDb(dbName);
  opened.push(db);
  await db.open();
  return db;
}

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((x, y) => x.id.localeCompare(y.id));

describe('upgrading a version-1 database', () => {
  it('keeps every record, outbox entry and meta row unchanged', async () => {
    const data = fixture();
    await createV1(data);
    const db = await openCurrent();

    expect(db.verno).toBe(6);
    expect(byId(await db.hamlets.toArray())).toEqual(byId(data.hamlets));
    expect(byId(await db.people.toArray())).toEqual(byId(data.people));
    // The visits are the same but for their receipts, which moved to the receipts table.
    expect(byId(await db.visits.toArray())).toEqual(byId(data.visits.map(({ receipt: _r, ...v }) => v)));
    expect(await readAllReceipts(db.receipts)).toEqual(new Map([[id(31), 7], [id(32), 8]]));
    const households = await db.households.toArray();
    expect(byId(households.map(({ searchText: _s, ...h }) => h))).toEqual(byId(data.households));
    expect(await db.outbox.orderBy('seq').toArray()).toEqual(data.outbox.map((e, i) => ({ ...e, seq: i + 1 })));
    expect(await db.meta.toArray()).toEqual([...data.meta].sort((x, y) => x.key.localeCompare(y.key)));
  });

  it('fills in the folded search text of every household from its living members', async () => {
    await createV1(fixture());
    const db = await openCurrent();

    expect((await db.households.get(A))?.searchText).toBe('nguyen van a | nguyen van a | tran thi binh | xom 1 | 0912345678');
    expect((await db.households.get(B))?.searchText).toBe('le thi cuc | le thi cuc | xom 2');
    expect((await db.households.get(D))?.searchText).toBe('dang thi en | dang thi en');
    expect((await db.households.get(C))?.searchText).toBe('pham van dung | pham van dung | xom 3');
  });

  it('computes each household summary from its visits, corrections and living members', async () => {
    await createV1(fixture());
    const db = await openCurrent();

    expect(await db.summaries.get(A)).toEqual({
      householdId: A, hamletId: H1, people: 2, visited: true, atTarget: true,
      lastVisitedAt: '2026-10-01T02:00:00.000Z', followUpOn: null,
      proficient: { ...zeroSkillCounts(), ...Object.fromEntries(SKILL_CODES.map((s) => [s, 1])) },
      guided: zeroSkillCounts(),
    });
    // The correction replaced b1's proficient with guided; b2 was removed, so their five skills do not count.
    expect(await db.summaries.get(B)).toEqual({
      householdId: B, hamletId: H1, people: 1, visited: true, atTarget: false,
      lastVisitedAt: '2026-10-02T02:00:00.000Z', followUpOn: '2026-10-15',
      proficient: zeroSkillCounts(),
      guided: { ...zeroSkillCounts(), 'online-safety': 1 },
    });
    expect(await db.summaries.get(C)).toBeUndefined();
    expect(await db.summaries.get(D)).toMatchObject({ people: 1, visited: false, atTarget: false, lastVisitedAt: null });
    expect(await db.summaries.count()).toBe(4);
  });

  it('computes the running totals of each hamlet, leaving out the deleted household', async () => {
    await createV1(fixture());
    const db = await openCurrent();

    const h1: HamletTotalsRow = {
      hamletId: H1, households: 2, visited: 2, atTarget: 1, people: 3,
      proficient: Object.fromEntries(SKILL_CODES.map((s) => [s, 1])) as HamletTotalsRow['proficient'],
      guided: { ...zeroSkillCounts(), 'online-safety': 1 },
    };
    const h2: HamletTotalsRow = {
      hamletId: H2, households: 2, visited: 1, atTarget: 0, people: 4,
      proficient: { ...zeroSkillCounts(), 'online-payment': 1 },
      guided: { ...zeroSkillCounts(), 'online-payment': 1 },
    };
    expect(await db.hamletTotals.get(H1)).toEqual(h1);
    expect(await db.hamletTotals.get(H2)).toEqual(h2);
  });

  it('leaves a database the app can keep working on: follow-ups are indexed and new visits update the totals', async () => {
    await createV1(fixture());
    const db = await openCurrent();
    setDbForTesting(db);

    expect((await getHamletOverview(H1, '2026-10-20')).followUpsDue).toBe(1);
    expect((await getHamletOverview(H2, '2026-10-20')).followUpsDue).toBe(0);

    await logVisit({ householdId: D, outcomes: allFive(d1, 'proficient'), notes: '', followUpOn: null }, 'device-v2');
    expect(await getHamletOverview(H2, '2026-10-20')).toMatchObject({ households: 2, visited: 2, atTarget: 1, people: 4 });
    expect(await db.outbox.count()).toBe(4);
  });

  it('does not wipe a database that holds only meta rows it does not know', async () => {
    const meta = [
      { key: 'deviceId', value: id(98) },
      { key: 'unknown-flag', value: true },
      { key: 'unknown-list', value: ['một', 'hai'] },
    ];
    await createV1({ meta });
    const db = await openCurrent();

    expect(await db.meta.toArray()).toEqual([...meta].sort((x, y) => x.key.localeCompare(y.key)));
    expect(await db.summaries.count()).toBe(0);
    expect(await db.hamletTotals.count()).toBe(0);
  });

  it('opens an already-upgraded database again without touching it', async () => {
    await createV1(fixture());
    const first = await openCurrent();
    const totals = await first.hamletTotals.toArray();
    first.close();

    const again = await openCurrent();
    expect(await again.hamletTotals.toArray()).toEqual(totals);
    expect(await again.households.count()).toBe(5);
  });
});

/** Version 4 as it shipped (copied from database.ts; must never change): conflicts and the residents' tables. */
const V4_STORES = {
  hamlets: 'id, communeCode',
  households: 'id, hamletId, communeCode',
  people: 'id, householdId',
  visits: 'id, householdId',
  summaries: 'householdId, hamletId, [hamletId+followUpOn]',
  hamletTotals: 'hamletId',
  outbox: '++seq, &key',
  meta: 'key',
  conflicts: 'id, recordId',
  selfChecks: 'id, householdId',
  selfCheckDrafts: 'id',
  selfCheckSends: 'id, state',
  householdCards: 'householdId',
};

describe('upgrading a version-4 database (only the versions with an upgrader are declared)', () => {
  it('keeps every table and row, adds the pending-projections and receipts tables and does not run the v2 upgrader', async () => {
    counter += 1;
    dbName = `upgrade-${process.pid}-${counter}`;
    const v4 = new Dexie(dbName);
    v4.version(4).stores(V4_STORES);
    await v4.open();
    const rows = {
      hamlets: [hamlet(H1, 'Thôn Đông')],
      households: [household(A, H1, 'Nguyễn Văn Á', 'Xóm 1', '0912345678')],
      summaries: [{ householdId: A, hamletId: H1, followUpOn: null, marker: 'kept as it was' }],
      conflicts: [{ id: id(61), recordId: A, entity: 'household' }],
      selfCheckDrafts: [{ id: id(62), answers: { 'public-services': 'alone' } }],
      householdCards: [{ householdId: A, linkId: id(63), code: 'ABCD-EFGH', hamletName: 'Thôn Đông', createdAt: T0 }],
    };
    await v4.transaction('rw', v4.tables, async () => {
      for (const [table, list] of Object.entries(rows)) await v4.table(table).bulkAdd(list);
    });
    v4.close();

    const db = await openCurrent();
    expect(db.verno).toBe(6);
    for (const [table, list] of Object.entries(rows)) expect(await db.table(table).toArray()).toEqual(list);
    expect(await db.receipts.count()).toBe(0);
    // The v2 upgrader did not run again: the summary row is the one v4 stored, not a recomputed one.
    expect(await db.summaries.toArray()).toEqual(rows.summaries);
    await db.pendingProjections.put({ householdId: A });
    expect(await db.pendingProjections.count()).toBe(1);
    expect(await db.visits.where('householdId').equals(A).count()).toBe(0);
  });
});

/** Version 5 as it shipped (copied from database.ts; must never change): visits carried their receipt. */
const V5_STORES = { ...V4_STORES, pendingProjections: 'householdId' };

describe('upgrading a version-5 database (receipts on the visits)', () => {
  it('moves every receipt to the receipts table, takes it off its visit and changes nothing else', async () => {
    counter += 1;
    dbName = `upgrade-${process.pid}-${counter}`;
    const v5 = new Dexie(dbName);
    v5.version(5).stores(V5_STORES);
    await v5.open();
    // 2,500 visits, every other one sent: more than one receipts row's worth (2,000).
    const visits = Array.from({ length: 2500 }, (_, i) =>
      visit(id(1000 + i), A, H1, T0, [o(a1, 'online-safety', 'guided')], i % 2 === 0 ? { receipt: 5000 + i } : {}),
    );
    await v5.transaction('rw', v5.tables, async () => {
      await v5.table('visits').bulkAdd(visits);
      await v5.table('pendingProjections').add({ householdId: A });
    });
    v5.close();

    const db = await openCurrent();
    expect(db.verno).toBe(6);
    const stored = byId(await db.visits.toArray());
    expect(stored).toEqual(byId(visits.map(({ receipt: _r, ...v }) => v)));
    expect(stored.some((v) => 'receipt' in v)).toBe(false);
    const expected = new Map(visits.flatMap((v) => (v.receipt === null ? [] : [[v.id, v.receipt] as const])));
    expect(expected.size).toBe(1250);
    expect(await readAllReceipts(db.receipts)).toEqual(expected);
    // Looked up the way the household page and a pull do: by key, and (ids close in time) over their id range.
    expect(await readReceipts(db.receipts, [id(1000), id(1001), id(3498)])).toEqual(new Map([[id(1000), 5000], [id(3498), 7498]]));
    const many = visits.slice(100, 400).map((v) => v.id);
    const manyExpected = new Map([...expected].filter(([k]) => many.includes(k)));
    expect(await readReceipts(db.receipts, many, { closeInTime: true })).toEqual(manyExpected);
    expect(await readReceipts(db.receipts, many)).toEqual(manyExpected);
    expect(await db.pendingProjections.count()).toBe(0);
  });
});
