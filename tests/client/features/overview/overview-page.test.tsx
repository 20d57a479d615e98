import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { routes } from '../../../../src/client/app/routes.ts';
import { listMembers } from '../../../../src/client/db/households.ts';
import { logVisit } from '../../../../src/client/db/visits.ts';
import { SKILL_CODES } from '../../../../src/shared/skills.ts';
import { todayIso } from '../../../../src/client/lib/format.ts';
import { makeHamlet, makeHousehold, renderScreens } from '../households/render-screens.tsx';

function stat(label: string): string | null | undefined {
  return screen.getByText(label).closest('.stat')?.textContent;
}

describe('hamlet overview', () => {
  it('shows totals, shares, people per skill and the follow-ups due, and updates live', async () => {
    const hamlet = await makeHamlet();
    const a = await makeHousehold(hamlet.id, 'An', { members: [{ fullName: 'An Con', birthYear: 2000, sex: null }] });
    const b = await makeHousehold(hamlet.id, 'Bình');
    await makeHousehold(hamlet.id, 'Cúc');
    await makeHousehold(hamlet.id, 'Dung');
    const [aHead] = await listMembers(a.id);
    const [bHead] = await listMembers(b.id);
    await logVisit(
      {
        householdId: a.id,
        outcomes: SKILL_CODES.map((skill) => ({ personId: aHead!.id, skill, outcome: 'proficient' as const, subSkills: [] })),
        notes: '',
        followUpOn: null,
      },
      'd',
    );
    await logVisit(
      {
        householdId: b.id,
        outcomes: [{ personId: bHead!.id, skill: 'online-payment', outcome: 'guided', subSkills: [] }],
        notes: '',
        followUpOn: todayIso(),
      },
      'd',
    );

    const { user } = await renderScreens(routes.overview(hamlet.id));
    expect(await screen.findByRole('heading', { level: 1, name: 'Tổng quan: Thôn Đông' })).toBeTruthy();
    await screen.findByText('Số hộ');
    expect(stat('Số hộ')).toContain('4');
    expect(stat('Hộ đã thăm')).toMatch(/^2.*50\s?% tổng số hộ$/);
    expect(stat('Hộ đạt mục tiêu')).toMatch(/^1.*25\s?% tổng số hộ$/);
    expect(stat('Số người')).toContain('5');

    const payment = screen.getByText('Thanh toán trực tuyến').closest('li')!;
    expect(within(payment).getByText(/^Thành thạo: 1 \(20\s?%\)$/)).toBeTruthy();
    expect(within(payment).getByText(/^Đã hướng dẫn: 1 \(20\s?%\)$/)).toBeTruthy();
    const shopping = screen.getByText('Mua sắm trực tuyến').closest('li')!;
    expect(within(shopping).getByText(/^Đã hướng dẫn: 0 \(0\s?%\)$/)).toBeTruthy();

    expect(screen.getByText('1 hộ đến hẹn thăm lại')).toBeTruthy();
    await user.click(screen.getByRole('link', { name: 'Xem các hộ đến hẹn' }));
    expect(await screen.findByText('Bình')).toBeTruthy();
    expect(screen.queryByText('Cúc')).toBeNull();
    expect(screen.getByRole('button', { name: 'Đến hẹn thăm lại' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('follows new visits without a reload', async () => {
    const hamlet = await makeHamlet();
    const a = await makeHousehold(hamlet.id, 'An');
    await renderScreens(routes.overview(hamlet.id));
    await screen.findByText('Hộ đã thăm');
    expect(stat('Hộ đã thăm')).toMatch(/^0/);
    const [head] = await listMembers(a.id);
    await logVisit({ householdId: a.id, outcomes: [{ personId: head!.id, skill: 'online-safety', outcome: 'guided', subSkills: [] }], notes: '', followUpOn: null }, 'd');
    await screen.findByText(/100\s?% tổng số hộ/);
    expect(stat('Hộ đã thăm')).toMatch(/^1/);
  });

  it('says so when the hamlet has no households yet', async () => {
    const hamlet = await makeHamlet();
    await renderScreens(routes.overview(hamlet.id));
    expect(await screen.findByText('Thôn này chưa có hộ nào, nên chưa có số liệu.')).toBeTruthy();
  });
});
