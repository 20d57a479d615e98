import { describe, expect, it } from 'vitest';
import { exportBackup, importBackup } from '../../../src/client/db/backup.ts';
import { TungNhaDb, getDb, setDbForTesting } from '../../../src/client/db/database.ts';
import { createHamlet } from '../../../src/client/db/hamlets.ts';
import { createHousehold, listMembers, removePerson, updateHousehold } from '../../../src/client/db/households.ts';
import { acknowledge, peekOutbox } from '../../../src/client/db/outbox.ts';
import { correctVisit, logVisit } from '../../../src/client/db/visits.ts';
import { getDeviceId } from '../../../src/client/db/meta.ts';
import { addReceipts, readAllReceipts } from '../../../src/client/db/receipts.ts';
import { SKILL_CODES } from '../../../src/shared/skills.ts';

const AREA = { provinceCode: '01', communeCode: '00004' };
let phones = 0;

const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

/** Switches the app to a brand-new, empty database: a wiped or new phone. */
function newPhone(): TungNhaDb {
  phones += 1;
  const db = new TungNhaDb(`backup-${process.pid}-${phones}`);
  setDbForTesting(db);
  return db;
}

/** A device with two hamlets, three households, visits (one corrected, one already sent) and a removed member. */
async function fieldDevice() {
  await getDeviceId();
  const east = await createHamlet(AREA, { name: 'Thôn Đông' });
  const west = await createHamlet(AREA, { name: 'Thôn Tây' });
  const a = await createHousehold({ ...AREA, hamletId: east.id }, { headName: 'Nguyễn Văn Á', address: 'Xóm 1', phone: '0912345678', note: '' }, [
    { fullName: 'Nguyễn Văn Á', birthYear: 1960, sex: 'male', relation: 'head' },
    { fullName: 'Trần Thị Bình', birthYear: 1965, sex: 'female', relation: 'spouse' },
  ]);
  const b = await createHousehold({ ...AREA, hamletId: east.id }, { headName: 'Lê Thị Cúc', address: '', phone: '', note: 'đi làm ca chiều' }, [
    { fullName: 'Lê Thị Cúc', birthYear: 1970, sex: 'female', relation: 'head' },
    { fullName: 'Lê Văn Đông', birthYear: 1995, sex: 'male', relation: 'child' },
  ]);
  const c = await createHousehold({ ...AREA, hamletId: west.id }, { headName: 'Đặng Thị Én', address: 'Bản Hẻo', phone: '', note: '' }, [
    { fullName: 'Đặng Thị Én', birthYear: null, sex: null, relation: 'head' },
  ]);
  const [a1] = await listMembers(a.id);
  const [b1, b2] = await listMembers(b.id);
  const sent = await logVisit(
    { householdId: a.id, outcomes: SKILL_CODES.map((skill) => ({ personId: a1!.id, skill, outcome: 'proficient', subSkills: [] })), notes: '', followUpOn: null },
    'device-1',
  );
  const original = await logVisit(
    { householdId: b.id, outcomes: [{ personId: b1!.id, skill: 'online-safety', outcome: 'proficient', subSkills: ['safety-fake-calls'] }], notes: '', followUpOn: '2026-12-01' },
    'device-1',
  );
  await correctVisit(original.id, { householdId: b.id, outcomes: [{ personId: b1!.id, skill: 'online-safety', outcome: 'guided', subSkills: [] }], notes: 'sửa', followUpOn: '2026-12-05' }, 'device-1');
  await removePerson(b2!.id);

  // The server has acknowledged the hamlets, household A, its people and its visit.
  const db = getDb();
  const people = await db.people.where('householdId').equals(a.id).primaryKeys();
  const acked = new Set([`hamlet:${east.id}`, `hamlet:${west.id}`, `household:${a.id}`, `visit:${sent.id}`, ...people.map((p) => `person:${p}`)]);
  await acknowledge((await peekOutbox(100)).filter((e) => acked.has(e.key)));
  await addReceipts(db.receipts, new Map([[sent.id, 17]]));
  return { east, west, a, b, c };
}

async function snapshot(db: TungNhaDb) {
  const sortById = <T extends { id: string }>(rows: T[]) => rows.sort((x, y) => x.id.localeCompare(y.id));
  return {
    hamlets: sortById(await db.hamlets.toArray()),
    households: sortById(await db.households.toArray()),
    people: sortById(await db.people.toArray()),
    visits: sortById(await db.visits.toArray()),
    receipts: await readAllReceipts(db.receipts),
    summaries: await db.summaries.orderBy('householdId').toArray(),
    hamletTotals: await db.hamletTotals.orderBy('hamletId').toArray(),
    outboxKeys: (await db.outbox.toArray()).map((e) => e.key).sort(),
  };
}

describe('backup and restore', () => {
  it('restores every record, its projections and the unsent queue onto a wiped phone', async () => {
    await fieldDevice();
    const before = await snapshot(getDb());
    expect(before.outboxKeys.length).toBeGreaterThan(0);
    const file = JSON.stringify(await exportBackup());

    newPhone();
    const result = await importBackup(file);

    const after = await snapshot(getDb());
    const total = before.hamlets.length + before.households.length + before.people.length + before.visits.length;
    expect(result).toEqual({ ok: true, added: total, kept: 0 });
    expect(after.hamlets).toEqual(before.hamlets);
    expect(after.households).toEqual(before.households);
    expect(after.people).toEqual(before.people);
    expect(after.visits).toEqual(before.visits);
    expect(before.receipts.size).toBe(1);
    expect(after.receipts).toEqual(before.receipts);
    expect(after.summaries).toEqual(before.summaries);
    expect(after.hamletTotals).toEqual(before.hamletTotals);
    expect(after.outboxKeys).toEqual(before.outboxKeys);
  });

  it('leaves out local-only search text and records the device id and unsent entries in the file', async () => {
    const { b } = await fieldDevice();
    const backup = await exportBackup();
    expect(backup.deviceId).toBe(await getDeviceId());
    expect(backup.households.every((h) => !('searchText' in h))).toBe(true);
    expect(backup.unsent).toContainEqual({ entity: 'household', recordId: b.id });
    expect(backup.visits.find((v) => v.receipt === 17)).toBeDefined();
  });

  it('keeps the newer copy already on the device and takes the newer copy from the file', async () => {
    const { a, b } = await fieldDevice();
    const oldFile = JSON.stringify(await exportBackup());
    await tick();
    await updateHousehold(a.id, { headName: 'Nguyễn Văn Ánh', address: 'Xóm 1', phone: '0912345678', note: '' });
    const newFile = JSON.stringify(await exportBackup());

    // This phone has the edit: restoring the older file must not undo it.
    const result = await importBackup(oldFile);
    expect(result.ok && result.kept).toBeGreaterThan(0);
    expect((await getDb().households.get(a.id))?.headName).toBe('Nguyễn Văn Ánh');

    // A phone that only has the old copy takes the newer one from the file.
    newPhone();
    await importBackup(oldFile);
    await importBackup(newFile);
    const restored = await getDb().households.get(a.id);
    expect(restored?.headName).toBe('Nguyễn Văn Ánh');
    expect(restored?.searchText).toContain('nguyen van anh');
    expect((await getDb().households.get(b.id))?.headName).toBe('Lê Thị Cúc');
  });

  it('counts the records it added and the ones it kept when a file is imported twice', async () => {
    await fieldDevice();
    const file = JSON.stringify(await exportBackup());
    const records = (await snapshot(getDb())).visits.length;
    newPhone();
    const first = await importBackup(file);
    const second = await importBackup(file);
    expect(first.ok && first.kept).toBe(0);
    expect(second).toEqual({ ok: true, added: 0, kept: first.ok ? first.added : -1 });
    expect(await getDb().visits.count()).toBe(records);
  });

  it.each([
    ['text that is not JSON', 'Họ tên,Địa chỉ\nNguyễn Văn Á,Xóm 1'],
    ['JSON of another kind', JSON.stringify({ name: 'Thôn Đông', households: [] })],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
  ])('refuses %s as not a backup and changes nothing', async (_what, text) => {
    await fieldDevice();
    const before = await snapshot(getDb());
    const outboxBefore = await getDb().outbox.toArray();
    expect(await importBackup(text)).toEqual({ ok: false, reason: 'notBackup' });
    expect(await snapshot(getDb())).toEqual(before);
    expect(await getDb().outbox.toArray()).toEqual(outboxBefore);
  });

  it('refuses a damaged backup as invalid and changes nothing', async () => {
    await fieldDevice();
    const backup = await exportBackup();
    const damaged = [
      { ...backup, households: [{ ...backup.households[0], phone: 'không có' }, ...backup.households.slice(1)] },
      { ...backup, version: 99 },
      { ...backup, visits: [{ ...backup.visits[0], outcomes: 'all' }] },
      { ...backup, people: undefined },
      { ...backup, unsent: [{ entity: 'team', recordId: 'x' }] },
    ];

    const before = await snapshot(getDb());
    const outboxBefore = await getDb().outbox.toArray();
    for (const file of damaged) {
      expect(await importBackup(JSON.stringify(file))).toEqual({ ok: false, reason: 'invalidBackup' });
    }
    expect(await snapshot(getDb())).toEqual(before);
    expect(await getDb().outbox.toArray()).toEqual(outboxBefore);
  });
});
