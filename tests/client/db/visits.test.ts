import { describe, expect, it } from 'vitest';
import { liveQuery } from 'dexie';
import { createHamlet } from '../../../src/client/db/hamlets.ts';
import { createHousehold, deleteHousehold, listHamletHouseholds, listMembers, removePerson } from '../../../src/client/db/households.ts';
import { correctVisit, listHouseholdVisits, logVisit } from '../../../src/client/db/visits.ts';
import { getHamletOverview } from '../../../src/client/db/overview.ts';
import { countOutbox } from '../../../src/client/db/outbox.ts';
import { getDb, setDbForTesting, TungNhaDb } from '../../../src/client/db/database.ts';
import { SKILL_CODES } from '../../../src/shared/skills.ts';
import type { OutcomeEntry } from '../../../src/shared/records.ts';
import { uuidv7 } from '../../../src/shared/ids.ts';

const AREA = { provinceCode: '01', communeCode: '00004' };

async function householdWithTwo() {
  const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
  const household = await createHousehold(
    { ...AREA, hamletId: hamlet.id },
    { headName: 'Nguyễn Văn A', address: 'Xóm 1', phone: '0912 345 678', note: '' },
    [
      { fullName: 'Nguyễn Văn A', birthYear: 1960, sex: 'male', relation: 'head' },
      { fullName: 'Trần Thị Bình', birthYear: 1965, sex: 'female', relation: 'spouse' },
    ],
  );
  const members = await listMembers(household.id);
  return { hamlet, household, members };
}

const allFive = (personId: string, outcome: 'guided' | 'proficient'): OutcomeEntry[] =>
  SKILL_CODES.map((skill) => ({ personId, skill, outcome, subSkills: [] }));

describe('logging visits', () => {
  it('updates the hamlet totals and marks the household at target when one member is proficient in all five', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    const before = await getHamletOverview(hamlet.id, '2026-11-22');
    expect(before).toMatchObject({ households: 1, visited: 0, atTarget: 0, people: 2 });

    await logVisit({ householdId: household.id, outcomes: allFive(members[0]!.id, 'proficient'), notes: '', followUpOn: '2026-11-20' }, 'device-1');

    const after = await getHamletOverview(hamlet.id, '2026-11-22');
    expect(after).toMatchObject({ households: 1, visited: 1, atTarget: 1, followUpsDue: 1 });
    expect(after.proficient['online-payment']).toBe(1);
    const [row] = await listHamletHouseholds(hamlet.id);
    expect(row?.summary?.atTarget).toBe(true);
  });

  it('treats a correction as a new event that replaces the visit without editing it', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    const visit = await logVisit({ householdId: household.id, outcomes: allFive(members[0]!.id, 'proficient'), notes: 'lần 1', followUpOn: null }, 'device-1');
    await correctVisit(visit.id, { householdId: household.id, outcomes: allFive(members[0]!.id, 'guided'), notes: 'sửa', followUpOn: null }, 'device-1');

    expect(await getDb().visits.count()).toBe(2);
    expect((await getDb().visits.get(visit.id))?.notes).toBe('lần 1');
    const history = await listHouseholdVisits(household.id);
    expect(history).toHaveLength(1);
    expect(history[0]?.current.notes).toBe('sửa');
    const overview = await getHamletOverview(hamlet.id, '2026-11-22');
    expect(overview.atTarget).toBe(0);
    expect(overview.guided['public-services']).toBe(1);
  });

  it('queues every write in the outbox, one entry per record', async () => {
    const { household, members } = await householdWithTwo();
    expect(await countOutbox()).toBe(4); // hamlet, household, two people
    await logVisit({ householdId: household.id, outcomes: allFive(members[1]!.id, 'guided'), notes: '', followUpOn: null }, 'd');
    await removePerson(members[1]!.id);
    expect(await countOutbox()).toBe(5); // + the visit; the person's second write coalesces
  });

  it('keeps the same totals whether the caller names the hamlet, names a wrong one, or names none', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    const other = await createHamlet(AREA, { name: 'Thôn Tây' });
    const person = members[0]!.id;
    await logVisit({ householdId: household.id, hamletId: hamlet.id, outcomes: allFive(person, 'guided'), notes: '', followUpOn: null }, 'd');
    await logVisit({ householdId: household.id, hamletId: other.id, outcomes: allFive(person, 'proficient'), notes: '', followUpOn: null }, 'd');
    await logVisit({ householdId: household.id, outcomes: allFive(members[1]!.id, 'guided'), notes: '', followUpOn: null }, 'd');

    const overview = await getHamletOverview(hamlet.id, '2026-11-22');
    expect(overview).toMatchObject({ households: 1, visited: 1, atTarget: 1, people: 2 });
    expect(overview.proficient['online-safety']).toBe(1);
    expect(overview.guided['online-safety']).toBe(1);
    expect(await getDb().hamletTotals.get(other.id)).toBeUndefined();
  });

  it('refuses a visit for someone outside the household and saves nothing', async () => {
    const { household } = await householdWithTwo();
    await expect(
      logVisit({ householdId: household.id, outcomes: allFive('0190a000-0000-7000-8000-000000000000', 'guided'), notes: '', followUpOn: null }, 'd'),
    ).rejects.toMatchObject({ errors: { outcomes: 'invalid' } });
    expect(await getDb().visits.count()).toBe(0);
  });

  it('records the household’s own hamlet, commune and province whatever hamlet the form names', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    const elsewhere = { provinceCode: '79', communeCode: '26734' };
    const far = await createHamlet(elsewhere, { name: 'Ấp Bình An' });
    const farHousehold = await createHousehold(
      { ...elsewhere, hamletId: far.id },
      { headName: 'Võ Thị Cúc', address: '', phone: '', note: '' },
      [{ fullName: 'Võ Thị Cúc', birthYear: 1970, sex: 'female', relation: 'head' }],
    );
    const [farHead] = await listMembers(farHousehold.id);
    // Two saves in the first hamlet, so its area is known; then one in the far hamlet that names the first one.
    await logVisit({ householdId: household.id, hamletId: hamlet.id, outcomes: allFive(members[0]!.id, 'guided'), notes: '', followUpOn: null }, 'd');
    await logVisit({ householdId: household.id, hamletId: hamlet.id, outcomes: allFive(members[1]!.id, 'guided'), notes: '', followUpOn: null }, 'd');
    const visit = await logVisit({ householdId: farHousehold.id, hamletId: hamlet.id, outcomes: allFive(farHead!.id, 'proficient'), notes: '', followUpOn: null }, 'd');

    expect(visit).toMatchObject({ hamletId: far.id, ...elsewhere });
    expect(await getDb().visits.get(visit.id)).toMatchObject({ hamletId: far.id, ...elsewhere });
    expect(await getHamletOverview(far.id, '2026-11-22')).toMatchObject({ households: 1, visited: 1, atTarget: 1 });
    expect(await getHamletOverview(hamlet.id, '2026-11-22')).toMatchObject({ households: 1, visited: 1, atTarget: 0 });
    expect(await countOutbox()).toBe(4 + 3 + 3); // two households with their hamlets and people, three visits
  });

  it('refuses a visit to a deleted household even when the form names its hamlet, and saves nothing', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    await logVisit({ householdId: household.id, hamletId: hamlet.id, outcomes: allFive(members[0]!.id, 'guided'), notes: '', followUpOn: null }, 'd');
    await deleteHousehold(household.id);
    const before = { visits: await getDb().visits.count(), outbox: await countOutbox() };

    await expect(
      logVisit({ householdId: household.id, hamletId: hamlet.id, outcomes: allFive(members[0]!.id, 'proficient'), notes: '', followUpOn: null }, 'd'),
    ).rejects.toMatchObject({ errors: { _: 'notFound' } });
    await expect(
      logVisit({ householdId: household.id, hamletId: hamlet.id, outcomes: [], notes: 'vắng nhà', followUpOn: null }, 'd'),
    ).rejects.toMatchObject({ errors: { _: 'notFound' } });
    expect({ visits: await getDb().visits.count(), outbox: await countOutbox() }).toEqual(before);
    expect(await getDb().pendingProjections.count()).toBe(0);
    expect((await getHamletOverview(hamlet.id, '2026-11-22')).households).toBe(0);
  });

  it('shows the new totals to a read issued the moment the save returns, with nothing left queued', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    const db = getDb();
    for (let i = 0; i < 3; i++) {
      await logVisit({ householdId: household.id, hamletId: hamlet.id, outcomes: allFive(members[i % 2]!.id, 'proficient'), notes: '', followUpOn: '2026-11-21' }, 'd');
      const [totals, summary, queued] = await Promise.all([db.hamletTotals.get(hamlet.id), db.summaries.get(household.id), db.pendingProjections.count()]);
      expect(totals).toMatchObject({ households: 1, visited: 1, atTarget: 1 });
      expect(summary).toMatchObject({ visited: true, atTarget: true, followUpOn: '2026-11-21' });
      expect(queued).toBe(0);
    }
  });
});

describe('a saved visit seen from elsewhere in the app', () => {
  it('reaches a live count of unsent changes, as it reaches the sync scheduler that watches the outbox', async () => {
    const { household, members } = await householdWithTwo();
    const seen: number[] = [];
    const subscription = liveQuery(() => countOutbox()).subscribe({ next: (n) => seen.push(n) });
    try {
      await expect.poll(() => seen.at(-1)).toBe(4);
      await logVisit({ householdId: household.id, outcomes: allFive(members[0]!.id, 'guided'), notes: '', followUpOn: null }, 'd');
      await expect.poll(() => seen.at(-1)).toBe(5);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('reaches a live list of the household’s visits, as the household page shows it', async () => {
    const { household, members } = await householdWithTwo();
    const seen: number[] = [];
    const subscription = liveQuery(() => listHouseholdVisits(household.id)).subscribe({ next: (v) => seen.push(v.length) });
    try {
      await expect.poll(() => seen.at(-1)).toBe(0);
      await logVisit({ householdId: household.id, outcomes: allFive(members[0]!.id, 'guided'), notes: '', followUpOn: null }, 'd');
      await expect.poll(() => seen.at(-1)).toBe(1);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('reaches a live hamlet overview once its totals are settled', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    const seen: number[] = [];
    const subscription = liveQuery(() => getHamletOverview(hamlet.id, '2026-11-22')).subscribe({ next: (o) => seen.push(o.atTarget) });
    try {
      await expect.poll(() => seen.at(-1)).toBe(0);
      await logVisit({ householdId: household.id, hamletId: hamlet.id, outcomes: allFive(members[0]!.id, 'proficient'), notes: '', followUpOn: null }, 'd');
      await expect.poll(() => seen.at(-1)).toBe(1);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('is saved after the database was closed under the app (as another tab’s upgrade closes it)', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    const db = getDb();
    db.close({ disableAutoOpen: false });

    const visit = await logVisit({ householdId: household.id, hamletId: hamlet.id, outcomes: allFive(members[1]!.id, 'proficient'), notes: '', followUpOn: null }, 'd');

    expect(await db.visits.get(visit.id)).toMatchObject({ householdId: household.id, hamletId: hamlet.id });
    expect(await getHamletOverview(hamlet.id, '2026-11-22')).toMatchObject({ visited: 1, atTarget: 1 });
  });
});

describe('a save interrupted between the visit and its totals', () => {
  const LATER = new Date(Date.now() + 60_000).toISOString();

  it('is settled when the database opens again, before anything reads the totals', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    const db = getDb();
    // What the save's first transaction leaves if the phone dies before the second one: the visit, its outbox
    // entry and the queued household, with the summary and totals not yet moved.
    const first = await logVisit({ householdId: household.id, outcomes: allFive(members[0]!.id, 'guided'), notes: '', followUpOn: null }, 'd');
    const stale = await db.hamletTotals.get(hamlet.id);
    const later = { ...first, id: uuidv7(), visitedAt: LATER, recordedAt: LATER, outcomes: allFive(members[1]!.id, 'proficient'), followUpOn: '2026-11-01' };
    await db.transaction('rw', [db.visits, db.outbox, db.pendingProjections], async () => {
      await db.visits.add(later);
      await db.outbox.add({ key: `visit:${later.id}`, entity: 'visit', recordId: later.id, rev: 1, queuedAt: LATER, attempts: 0, lastError: null });
      await db.pendingProjections.put({ householdId: household.id });
    });
    expect(await db.hamletTotals.get(hamlet.id)).toEqual(stale);
    db.close();

    const reopened = new TungNhaDb(db.name);
    setDbForTesting(reopened);
    try {
      expect(await getHamletOverview(hamlet.id, '2026-11-22')).toMatchObject({ households: 1, visited: 1, atTarget: 1, followUpsDue: 1 });
      expect(await reopened.summaries.get(household.id)).toMatchObject({ atTarget: true, followUpOn: '2026-11-01' });
      expect(await reopened.pendingProjections.count()).toBe(0);
    } finally {
      reopened.close();
    }
  });

  it('is settled by the next save, whichever household that save is for', async () => {
    const { hamlet, household, members } = await householdWithTwo();
    const other = await createHousehold(
      { ...AREA, hamletId: hamlet.id },
      { headName: 'Lê Văn Cường', address: 'Xóm 2', phone: '', note: '' },
      [{ fullName: 'Lê Văn Cường', birthYear: 1980, sex: 'male', relation: 'head' }],
    );
    const [otherHead] = await listMembers(other.id);
    const db = getDb();
    const template = await logVisit({ householdId: household.id, outcomes: allFive(members[0]!.id, 'guided'), notes: '', followUpOn: null }, 'd');
    // A save whose second transaction never ran, left queued while the app kept going.
    await db.transaction('rw', [db.visits, db.pendingProjections], async () => {
      await db.visits.add({ ...template, id: uuidv7(), visitedAt: LATER, recordedAt: LATER, outcomes: allFive(members[0]!.id, 'proficient') });
      await db.pendingProjections.put({ householdId: household.id });
    });

    await logVisit({ householdId: other.id, hamletId: hamlet.id, outcomes: allFive(otherHead!.id, 'guided'), notes: '', followUpOn: null }, 'd');

    expect(await getHamletOverview(hamlet.id, '2026-11-22')).toMatchObject({ households: 2, visited: 2, atTarget: 1 });
    expect(await db.pendingProjections.count()).toBe(0);
  });
});
