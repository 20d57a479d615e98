import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { routes } from '../../../../src/client/app/routes.ts';
import { getDb } from '../../../../src/client/db/database.ts';
import { listMembers } from '../../../../src/client/db/households.ts';
import { addReceipts } from '../../../../src/client/db/receipts.ts';
import { correctVisit, logVisit } from '../../../../src/client/db/visits.ts';
import { makeHamlet, makeHousehold, renderScreens } from './render-screens.tsx';

async function householdWithVisits() {
  const hamlet = await makeHamlet();
  const household = await makeHousehold(hamlet.id, 'Nguyễn Văn An');
  const [head] = await listMembers(household.id);
  const draft = (visitedAt: string) => ({
    householdId: household.id,
    visitedAt,
    outcomes: [{ personId: head!.id, skill: 'online-safety' as const, outcome: 'guided' as const, subSkills: [] }],
    notes: '',
    followUpOn: null,
  });
  const january = await logVisit(draft('2026-01-10T09:00:00+07:00'), 'volunteer-a');
  const february = await logVisit(draft('2026-02-10T09:00:00+07:00'), 'volunteer-a');
  return { household, january, february, draft };
}

/** The history entry of the visit made on that day (its heading reads "Ngày dd/mm/yyyy"). */
async function entryOf(date: string): Promise<HTMLElement> {
  const heading = await screen.findByText(`Ngày ${date}`);
  const entry = heading.closest('li');
  if (!entry) throw new Error(`no history entry for ${date}`);
  return entry;
}

describe('the household page shows whether each visit has reached the server', () => {
  it('says "Chưa gửi" on a visit without a receipt and "Đã gửi" with the receipt number on one the server kept', async () => {
    const { household, january } = await householdWithVisits();
    await addReceipts(getDb().receipts, new Map([[january.id, 1234]]));
    await renderScreens(routes.household(household.id));

    expect(within(await entryOf('10/01/2026')).getByText('Đã gửi · số 1.234')).toBeTruthy();
    const february = await entryOf('10/02/2026');
    expect(within(february).getByText('Chưa gửi')).toBeTruthy();
    expect(within(february).queryByText(/Đã gửi/)).toBeNull();
  });

  it('turns "Chưa gửi" into "Đã gửi" as soon as the sync engine stores the receipt', async () => {
    const { household, february } = await householdWithVisits();
    await renderScreens(routes.household(household.id));
    expect(within(await entryOf('10/02/2026')).getByText('Chưa gửi')).toBeTruthy();

    await addReceipts(getDb().receipts, new Map([[february.id, 7]]));

    expect(await within(await entryOf('10/02/2026')).findByText('Đã gửi · số 7')).toBeTruthy();
    expect(screen.getAllByText('Chưa gửi')).toHaveLength(1);
  });

  it('shows a correction that has not been sent yet as "Chưa gửi", even when the original was sent', async () => {
    const { household, january, draft } = await householdWithVisits();
    await addReceipts(getDb().receipts, new Map([[january.id, 41]]));
    await correctVisit(january.id, { ...draft('2026-01-11T09:00:00+07:00'), notes: 'Sửa lại ngày' }, 'volunteer-a');
    await renderScreens(routes.household(household.id));

    const corrected = await entryOf('11/01/2026');
    expect(within(corrected).getByText('đã sửa')).toBeTruthy();
    expect(within(corrected).getByText('Chưa gửi')).toBeTruthy();
    expect(screen.queryByText('Đã gửi · số 41')).toBeNull();
  });
});
