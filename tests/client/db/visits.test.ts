import { describe, expect, it } from 'vitest';
import { createHamlet } from '../../../src/client/db/hamlets.ts';
import { createHousehold, listHamletHouseholds, listMembers, removePerson } from '../../../src/client/db/households.ts';
import { correctVisit, listHouseholdVisits, logVisit } from '../../../src/client/db/visits.ts';
import { getHamletOverview } from '../../../src/client/db/overview.ts';
import { countOutbox } from '../../../src/client/db/outbox.ts';
import { getDb } from '../../../src/client/db/database.ts';
import { SKILL_CODES } from '../../../src/shared/skills.ts';
import type { OutcomeEntry } from '../../../src/shared/records.ts';

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
});
