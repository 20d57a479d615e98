import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { routes } from '../../../../src/client/app/routes.ts';
import { applyPulledPage } from '../../../../src/client/db/apply-pulled.ts';
import { getDb } from '../../../../src/client/db/database.ts';
import { createHamlet } from '../../../../src/client/db/hamlets.ts';
import { createHousehold, listMembers } from '../../../../src/client/db/households.ts';
import { logVisit } from '../../../../src/client/db/visits.ts';
import { SUB_SKILLS } from '../../../../src/shared/skills.ts';
import { renderResidents } from './render-residents.tsx';

const AREA = { provinceCode: '01', communeCode: '00004' };

async function householdWithVisit() {
  const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
  const household = await createHousehold({ ...AREA, hamletId: hamlet.id }, { headName: 'Nguyễn Văn An', address: '', phone: '', note: '' }, [
    { fullName: 'Nguyễn Văn An', birthYear: 1960, sex: null, relation: 'head' },
  ]);
  const [head] = await listMembers(household.id);
  await logVisit({
    householdId: household.id, visitedAt: '2026-11-01T09:00:00+07:00', notes: '', followUpOn: null,
    outcomes: [{ personId: head!.id, skill: 'online-safety', outcome: 'guided', subSkills: [] }],
  }, 'volunteer-a');
  return { hamlet, household };
}

const selfCheck = (householdId: string, hamletId: string, id: string, receivedAt: string, answers: Record<string, string>) => ({
  id, householdId, hamletId, ...AREA, answeredAt: receivedAt, receivedAt, answers,
});

describe('self-checks on the household page', () => {
  it('are stored when pulled and shown beside, never instead of, the observed outcomes, marked "Tự đánh giá"', async () => {
    const { hamlet, household } = await householdWithVisit();
    const allAlone = Object.fromEntries(SUB_SKILLS['online-safety'].map((s) => [s, 'alone']));
    await applyPulledPage([
      { seq: 41, entity: 'self-check', record: selfCheck(household.id, hamlet.id, '0190a000-0000-7000-8000-000000000101', '2026-11-20T02:00:00.000Z', { ...allAlone, 'pay-vietqr': 'with-help' }) },
      { seq: 42, entity: 'self-check', record: selfCheck(household.id, hamlet.id, '0190a000-0000-7000-8000-000000000102', '2026-11-21T02:00:00.000Z', { 'pay-vietqr': 'not-yet' }) },
    ], 42);
    expect(await getDb().selfChecks.where('householdId').equals(household.id).count()).toBe(2);

    await renderResidents(routes.household(household.id));
    const section = (await screen.findByRole('heading', { name: /Người dân tự đánh giá/ })).closest('section')!;
    expect(within(section).getByText('Tự đánh giá')).toBeTruthy();
    const row = (name: string) => within(section).getByText(name).closest('li')!;
    expect(row('Tự bảo vệ mình trên không gian mạng').textContent).toContain('Tự làm được');
    // The later self-check's word on payment stands.
    expect(row('Thanh toán trực tuyến').textContent).toContain('Chưa biết');
    expect(row('Mua sắm trực tuyến').textContent).toContain('Chưa trả lời');

    // The observed table still says what the volunteer saw: guided, not proficient.
    const observed = screen.getByRole('table');
    expect(within(observed).getByText('Đã hướng dẫn')).toBeTruthy();
    expect(within(observed).queryByText('Tự làm được')).toBeNull();
    expect(screen.getByRole('link', { name: 'Thẻ hộ' }).getAttribute('href')).toBe(routes.householdCard(household.id));
  });

  it('says when nobody has sent one yet', async () => {
    const { household } = await householdWithVisit();
    await renderResidents(routes.household(household.id));
    expect(await screen.findByText('Chưa có ai trong hộ gửi tự đánh giá.')).toBeTruthy();
  });
});
