import { describe, expect, it } from 'vitest';
import { getDb } from '../../../src/client/db/database.ts';
import { createHamlet, deleteHamlet, getHamlet, listHamlets, renameHamlet } from '../../../src/client/db/hamlets.ts';
import {
  addPerson,
  createHousehold,
  deleteHousehold,
  getHousehold,
  listHamletHouseholds,
  listMembers,
  matchesFilter,
  removePerson,
  updateHousehold,
  updatePerson,
} from '../../../src/client/db/households.ts';
import { acknowledge, countOutbox, outboxKey, peekOutbox } from '../../../src/client/db/outbox.ts';
import { getHamletOverview } from '../../../src/client/db/overview.ts';
import { logVisit } from '../../../src/client/db/visits.ts';
import { ValidationError } from '../../../src/client/db/validation.ts';
import { SKILL_CODES } from '../../../src/shared/skills.ts';
import type { PersonInput } from '../../../src/shared/records.ts';

const AREA = { provinceCode: '01', communeCode: '00004' };
const TODAY = '2026-11-22';

const head: PersonInput = { fullName: 'Nguyễn Văn Á', birthYear: 1960, sex: 'male', relation: 'head' };
const spouse: PersonInput = { fullName: 'Trần Thị Bình', birthYear: 1965, sex: 'female', relation: 'spouse' };
const form = { headName: 'Nguyễn Văn Á', address: 'Xóm 1', phone: '0912 345 678', note: '' };

async function errorsOf(p: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ValidationError) return e.errors;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

async function hamletWithHousehold(members: PersonInput[] = [head, spouse]) {
  const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
  const household = await createHousehold({ ...AREA, hamletId: hamlet.id }, form, members);
  return { hamlet, household, members: await listMembers(household.id) };
}

const proficientInAll = (personId: string) =>
  SKILL_CODES.map((skill) => ({ personId, skill, outcome: 'proficient' as const, subSkills: [] }));

describe('creating a household', () => {
  it('saves the household and its members with the phone normalised and searchable text', async () => {
    const { hamlet, household, members } = await hamletWithHousehold();
    expect(household).toMatchObject({ hamletId: hamlet.id, headName: 'Nguyễn Văn Á', phone: '0912345678', version: 0, deleted: false });
    expect(household.searchText).toBe('nguyen van a | nguyen van a | tran thi binh | xom 1 | 0912345678');
    expect(members.map((m) => m.fullName)).toEqual(['Nguyễn Văn Á', 'Trần Thị Bình']);
    expect(await getHamletOverview(hamlet.id, TODAY)).toMatchObject({ households: 1, people: 2, visited: 0 });
  });

  it('reports each invalid field by its path and saves nothing', async () => {
    const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
    const errors = await errorsOf(
      createHousehold(
        { ...AREA, hamletId: hamlet.id },
        { headName: '   ', address: '', phone: '0912 abc', note: '' },
        [head, { ...spouse, birthYear: 1850 }, { ...spouse, fullName: 'Bé\u0007Na' }],
      ),
    );
    expect(errors).toEqual({
      headName: 'required',
      phone: 'phoneInvalid',
      'members.1.birthYear': 'birthYear',
      'members.2.fullName': 'invalidCharacters',
    });
    expect(await getDb().households.count()).toBe(0);
    expect(await getDb().people.count()).toBe(0);
    expect(await countOutbox()).toBe(1); // the hamlet only
    expect(await getDb().hamletTotals.count()).toBe(0);
  });

  it('reports a value of the wrong kind with the translatable key "invalid", never with zod’s own text', async () => {
    const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
    // What a form bug or an old draft could hand over at run time, past the types.
    const badForm = { ...form, note: undefined } as unknown as typeof form;
    const badMember = { ...head, sex: 'unknown' } as unknown as PersonInput;
    expect(await errorsOf(createHousehold({ ...AREA, hamletId: hamlet.id }, badForm, [badMember]))).toEqual({
      note: 'invalid',
      'members.0.sex': 'invalid',
    });
    expect(await getDb().households.count()).toBe(0);
  });

  it('refuses a hamlet that does not exist or was deleted, and saves nothing', async () => {
    const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
    await deleteHamlet(hamlet.id);
    expect(await errorsOf(createHousehold({ ...AREA, hamletId: hamlet.id }, form, [head]))).toEqual({ _: 'notFound' });
    expect(await getDb().households.count()).toBe(0);
    expect(await getDb().people.count()).toBe(0);
  });

  it('accepts a household without a phone', async () => {
    const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
    const household = await createHousehold({ ...AREA, hamletId: hamlet.id }, { ...form, phone: '' }, [head]);
    expect(household.phone).toBeNull();
  });
});

describe('editing a household', () => {
  it('updates the fields and the search text and keeps one outbox entry for the record', async () => {
    const { household } = await hamletWithHousehold();
    const updated = await updateHousehold(household.id, { headName: 'Nguyễn Văn Ánh', address: 'Xóm 3', phone: '', note: 'ghi chú' });
    expect(updated).toMatchObject({ headName: 'Nguyễn Văn Ánh', address: 'Xóm 3', phone: null, note: 'ghi chú', createdAt: household.createdAt });
    expect(updated.searchText).toBe('nguyen van anh | nguyen van a | tran thi binh | xom 3');
    const entries = (await peekOutbox(10)).filter((e) => e.key === outboxKey('household', household.id));
    expect(entries).toHaveLength(1);
    expect(entries[0]?.rev).toBe(2);
  });

  it('refuses invalid input and leaves the household as it was', async () => {
    const { household } = await hamletWithHousehold();
    expect(await errorsOf(updateHousehold(household.id, { ...form, headName: '' }))).toEqual({ headName: 'required' });
    expect(await getHousehold(household.id)).toEqual(household);
  });

  it('refuses to edit a deleted household', async () => {
    const { household } = await hamletWithHousehold();
    await deleteHousehold(household.id);
    expect(await errorsOf(updateHousehold(household.id, form))).toEqual({ _: 'notFound' });
  });

  it('adds and renames members, keeping the search text and totals in step', async () => {
    const { hamlet, household } = await hamletWithHousehold([head]);
    const child = await addPerson(household.id, { fullName: 'Nguyễn Thị Cúc', birthYear: 2001, sex: 'female', relation: 'child' });
    expect((await getHamletOverview(hamlet.id, TODAY)).people).toBe(2);
    await updatePerson(child.id, { fullName: 'Nguyễn Thị Cúc Hoa', birthYear: 2001, sex: 'female', relation: 'child' });
    expect((await getHousehold(household.id))?.searchText).toContain('nguyen thi cuc hoa');
    expect(await errorsOf(addPerson(household.id, { ...head, birthYear: 3000 }))).toEqual({ birthYear: 'birthYear' });
  });
});

describe('removing members and households', () => {
  it('takes a removed member out of the totals, the target and the search text, keeping their visits', async () => {
    const { hamlet, household, members } = await hamletWithHousehold();
    const spouseRow = members.find((m) => m.relation === 'spouse')!;
    await logVisit({ householdId: household.id, outcomes: proficientInAll(spouseRow.id), notes: '', followUpOn: null }, 'd');
    expect(await getHamletOverview(hamlet.id, TODAY)).toMatchObject({ people: 2, atTarget: 1 });

    await removePerson(spouseRow.id);

    const overview = await getHamletOverview(hamlet.id, TODAY);
    expect(overview).toMatchObject({ households: 1, people: 1, visited: 1, atTarget: 0 });
    expect(overview.proficient['online-safety']).toBe(0);
    expect((await getHousehold(household.id))?.searchText).not.toContain('binh');
    expect((await listMembers(household.id)).map((m) => m.id)).toEqual([members[0]!.id]);
    expect(await getDb().visits.count()).toBe(1);
  });

  it('takes a deleted household out of the totals and the list, leaving a tombstone to sync', async () => {
    const { hamlet, household, members } = await hamletWithHousehold();
    const other = await createHousehold({ ...AREA, hamletId: hamlet.id }, { ...form, headName: 'Lê Thị Cúc' }, [
      { ...head, fullName: 'Lê Thị Cúc' },
    ]);
    await logVisit({ householdId: household.id, outcomes: proficientInAll(members[0]!.id), notes: '', followUpOn: '2026-11-01' }, 'd');

    await deleteHousehold(household.id);

    expect(await getHamletOverview(hamlet.id, TODAY)).toMatchObject({
      households: 1, people: 1, visited: 0, atTarget: 0, followUpsDue: 0,
    });
    expect((await listHamletHouseholds(hamlet.id)).map((r) => r.household.id)).toEqual([other.id]);
    expect(await getHousehold(household.id)).toBeUndefined();
    expect((await getDb().households.get(household.id))?.deleted).toBe(true);
    expect(await getDb().summaries.get(household.id)).toBeUndefined();
    expect((await peekOutbox(10)).find((e) => e.key === outboxKey('household', household.id))?.rev).toBe(2);
  });

  it('ignores a second delete of the same household', async () => {
    const { hamlet, household } = await hamletWithHousehold();
    await deleteHousehold(household.id);
    await deleteHousehold(household.id);
    expect((await getHamletOverview(hamlet.id, TODAY)).households).toBe(0);
    expect((await peekOutbox(10)).find((e) => e.key === outboxKey('household', household.id))?.rev).toBe(2);
  });
});

describe('the outbox', () => {
  it('keeps a newer edit queued when the server acknowledges an older snapshot', async () => {
    const { household } = await hamletWithHousehold();
    const key = outboxKey('household', household.id);
    const sent = (await peekOutbox(10)).find((e) => e.key === key)!;
    expect(sent.rev).toBe(1);

    await updateHousehold(household.id, { ...form, note: 'sửa trong lúc đang gửi' });
    await acknowledge([{ key, rev: sent.rev }]);
    const still = (await peekOutbox(10)).find((e) => e.key === key);
    expect(still?.rev).toBe(2);

    await acknowledge([{ key, rev: 2 }]);
    expect((await peekOutbox(10)).find((e) => e.key === key)).toBeUndefined();
  });

  it('hands out entries in the order they were first queued: hamlet, household, then people', async () => {
    const { hamlet, household, members } = await hamletWithHousehold();
    await updateHousehold(household.id, { ...form, note: 'sau' });
    expect((await peekOutbox(10)).map((e) => e.recordId)).toEqual([hamlet.id, household.id, ...members.map((m) => m.id)]);
    expect((await peekOutbox(2)).map((e) => e.recordId)).toEqual([hamlet.id, household.id]);
  });
});

describe('hamlets', () => {
  it('refuses a second hamlet whose name differs only in case, spacing, NFC/NFD or tone-mark position', async () => {
    await createHamlet(AREA, { name: 'Thôn Đông' });
    await createHamlet(AREA, { name: 'Thôn Hòa Bình' });
    for (const name of ['thôn đông', 'THÔN ĐÔNG', '  Thôn   Đông ', 'Thôn Đông'.normalize('NFD'), 'Thôn Hoà Bình']) {
      expect(await errorsOf(createHamlet(AREA, { name }))).toEqual({ name: 'duplicateHamlet' });
    }
    expect(await getDb().hamlets.count()).toBe(2);
    expect(await countOutbox()).toBe(2);
  });

  it('accepts names that differ only in tone marks, which can be two real places', async () => {
    await createHamlet(AREA, { name: 'Thôn Hòa' });
    await createHamlet(AREA, { name: 'Thôn Hoa' });
    await createHamlet(AREA, { name: 'Thôn Dông' });
    await createHamlet(AREA, { name: 'Thôn Đông' });
    expect(await getDb().hamlets.count()).toBe(4);
  });

  it('allows the same name in another commune and again after the first was deleted', async () => {
    const first = await createHamlet(AREA, { name: 'Thôn 1' });
    await createHamlet({ ...AREA, communeCode: '00008' }, { name: 'Thôn 1' });
    await deleteHamlet(first.id);
    await createHamlet(AREA, { name: 'Thôn 1' });
    expect((await listHamlets(AREA.communeCode)).map((h) => h.name)).toEqual(['Thôn 1']);
  });

  it('lists a commune’s hamlets in Vietnamese order', async () => {
    for (const name of ['Thôn Đông', 'Thôn 10', 'Ấp Bắc', 'Thôn 2', 'Bản Dền', 'Ấp An']) await createHamlet(AREA, { name });
    expect((await listHamlets(AREA.communeCode)).map((h) => h.name)).toEqual([
      'Ấp An', 'Ấp Bắc', 'Bản Dền', 'Thôn 2', 'Thôn 10', 'Thôn Đông',
    ]);
  });

  it('renames a hamlet, refusing the name of another one but not a new spelling of its own', async () => {
    const east = await createHamlet(AREA, { name: 'Thôn Đông' });
    await createHamlet(AREA, { name: 'Thôn Tây' });
    expect(await errorsOf(renameHamlet(east.id, { name: 'thôn tây' }))).toEqual({ name: 'duplicateHamlet' });
    const renamed = await renameHamlet(east.id, { name: 'THÔN ĐÔNG' });
    expect(renamed.name).toBe('THÔN ĐÔNG');
    expect(await errorsOf(renameHamlet(east.id, { name: '' }))).toEqual({ name: 'required' });
  });

  it('refuses to delete a hamlet that still has households, and deletes it once they are gone', async () => {
    const { hamlet, household } = await hamletWithHousehold();
    expect(await errorsOf(deleteHamlet(hamlet.id))).toEqual({ _: 'hamletNotEmpty' });
    expect(await getHamlet(hamlet.id)).toBeDefined();

    await deleteHousehold(household.id);
    await deleteHamlet(hamlet.id);
    expect(await getHamlet(hamlet.id)).toBeUndefined();
    expect((await getDb().hamlets.get(hamlet.id))?.deleted).toBe(true);
  });
});

describe('listing', () => {
  it('lists members head first, then oldest first, then by name', async () => {
    const { household } = await hamletWithHousehold([
      { fullName: 'Út', birthYear: null, sex: null, relation: 'child' },
      { fullName: 'Bình', birthYear: 1990, sex: null, relation: 'child' },
      { fullName: 'An', birthYear: 1990, sex: null, relation: 'child' },
      { fullName: 'Chủ Hộ', birthYear: 1970, sex: null, relation: 'head' },
      { fullName: 'Bà Nội', birthYear: 1940, sex: null, relation: 'grandparent' },
    ]);
    expect((await listMembers(household.id)).map((m) => m.fullName)).toEqual(['Chủ Hộ', 'Bà Nội', 'An', 'Bình', 'Út']);
  });

  it('lists a hamlet’s households by head name in Vietnamese order and filters them', async () => {
    const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
    const make = (headName: string) => createHousehold({ ...AREA, hamletId: hamlet.id }, { ...form, headName }, [{ ...head, fullName: headName }]);
    const duc = await make('Đỗ Đức');
    const dung = await make('Dương Dũng');
    const an = await make('Âu An');
    const [ducHead] = await listMembers(duc.id);
    await logVisit({ householdId: duc.id, outcomes: proficientInAll(ducHead!.id), notes: '', followUpOn: '2026-11-20' }, 'd');
    await logVisit({ householdId: an.id, outcomes: [], notes: 'vắng nhà', followUpOn: '2026-12-01' }, 'd');

    const rows = await listHamletHouseholds(hamlet.id);
    expect(rows.map((r) => r.household.headName)).toEqual(['Âu An', 'Dương Dũng', 'Đỗ Đức']);
    const pick = (filter: Parameters<typeof matchesFilter>[1]) =>
      rows.filter((r) => matchesFilter(r, filter, TODAY)).map((r) => r.household.id);
    expect(pick('all')).toEqual([an.id, dung.id, duc.id]);
    expect(pick('not-visited')).toEqual([dung.id]);
    expect(pick('follow-up-due')).toEqual([duc.id]);
    expect(pick('at-target')).toEqual([duc.id]);
    expect(pick('not-at-target')).toEqual([an.id, dung.id]);
  });
});
