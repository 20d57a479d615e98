import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { routes } from '../../../../src/client/app/routes.ts';
import { getDb } from '../../../../src/client/db/database.ts';
import { listMembers } from '../../../../src/client/db/households.ts';
import { listHouseholdVisits, logVisit } from '../../../../src/client/db/visits.ts';
import { getHamletOverview } from '../../../../src/client/db/overview.ts';
import { SKILL_CODES } from '../../../../src/shared/skills.ts';
import { todayIso } from '../../../../src/client/lib/format.ts';
import { addDays, addMonths } from '../../../../src/client/features/visits/visit-draft.ts';
import { makeHamlet, makeHousehold, renderScreens } from '../households/render-screens.tsx';

const SKILL_NAMES = [
  'Sử dụng dịch vụ công trực tuyến',
  'Mua sắm trực tuyến',
  'Thanh toán trực tuyến',
  'Tự bảo vệ mình trên không gian mạng',
  'Sử dụng nền tảng số khác của địa phương',
];

async function twoPersonHousehold() {
  const hamlet = await makeHamlet();
  const household = await makeHousehold(hamlet.id, 'Nguyễn Văn A', {
    members: [{ fullName: 'Nguyễn Thị Bình', birthYear: 1990, sex: 'female' }],
  });
  return { hamlet, household };
}

describe('logging a visit', () => {
  it('takes one tap a skill and updates the household page and its at-target badge', async () => {
    const { hamlet, household } = await twoPersonHousehold();
    const { user, router } = await renderScreens(routes.newVisit(household.id));

    await user.click(await screen.findByRole('button', { name: 'Nguyễn Văn A', pressed: false }));
    for (const skill of SKILL_NAMES) {
      const group = screen.getByRole('radiogroup', { name: `Nguyễn Văn A — ${skill}` });
      await user.click(within(group).getByRole('radio', { name: 'Thành thạo' }));
    }
    const payment = screen.getByRole('radiogroup', { name: 'Nguyễn Văn A — Thanh toán trực tuyến' });
    expect(within(payment).getByRole<HTMLInputElement>('radio', { name: 'Thành thạo' }).checked).toBe(true);
    await user.click(screen.getByRole('button', { name: '1 tuần' }));
    await user.click(screen.getByRole('button', { name: 'Lưu lần thăm' }));

    expect(await screen.findByText('Đã lưu')).toBeTruthy();
    expect(router.state.location.pathname).toBe(routes.household(household.id));
    expect(screen.getByText('Đạt mục tiêu: có người thành thạo cả 5 kỹ năng')).toBeTruthy();
    const table = screen.getByRole('table');
    const rowA = within(table).getByRole('row', { name: /Nguyễn Văn A/ });
    expect(within(rowA).getAllByText('Thành thạo')).toHaveLength(5);
    const rowB = within(table).getByRole('row', { name: /Nguyễn Thị Bình/ });
    expect(within(rowB).getAllByText('Chưa')).toHaveLength(5);
    // Once as the household's next follow-up, once in the visit's history entry.
    expect(screen.getAllByText(/^Hẹn thăm lại: \d{2}\/\d{2}\/\d{4}$/)).toHaveLength(2);

    const [visit] = await listHouseholdVisits(household.id);
    expect(visit?.current.outcomes).toHaveLength(5);
    expect(visit?.current.followUpOn).toBe(addDays(todayIso(), 7));
    expect((await getHamletOverview(hamlet.id, todayIso())).atTarget).toBe(1);
  });

  it('records guided skills and the sub-skills covered, leaving "Chưa" skills out', async () => {
    const { household } = await twoPersonHousehold();
    const { user } = await renderScreens(routes.newVisit(household.id));
    await user.click(await screen.findByRole('button', { name: 'Nguyễn Thị Bình' }));
    const payment = screen.getByRole('radiogroup', { name: 'Nguyễn Thị Bình — Thanh toán trực tuyến' });
    await user.click(within(payment).getByRole('radio', { name: 'Đã hướng dẫn' }));
    await user.click(screen.getByText('Nội dung đã hướng dẫn'));
    await user.click(screen.getByRole('checkbox', { name: 'Thanh toán bằng mã VietQR' }));
    await user.type(screen.getByLabelText('Ghi chú'), 'Đã cài app ngân hàng');
    await user.click(screen.getByRole('button', { name: 'Lưu lần thăm' }));
    await screen.findByText('Đã lưu');

    const [visit] = await listHouseholdVisits(household.id);
    const [bình] = (await listMembers(household.id)).filter((m) => m.fullName === 'Nguyễn Thị Bình');
    expect(visit?.current.outcomes).toEqual([
      { personId: bình!.id, skill: 'online-payment', outcome: 'guided', subSkills: ['pay-vietqr'] },
    ]);
    expect(screen.getByText(/Thanh toán — Đã hướng dẫn/)).toBeTruthy();
    expect(screen.getByText('Ghi chú: Đã cài app ngân hàng')).toBeTruthy();
  });

  it('selects the only member by default', async () => {
    const hamlet = await makeHamlet();
    const household = await makeHousehold(hamlet.id, 'Hà Văn Một');
    await renderScreens(routes.newVisit(household.id));
    const chip = await screen.findByRole('button', { name: 'Hà Văn Một' });
    expect(chip.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getAllByRole('radiogroup')).toHaveLength(5);
  });

  it('refuses to save a visit with nothing marked and no notes', async () => {
    const { household } = await twoPersonHousehold();
    const { user } = await renderScreens(routes.newVisit(household.id));
    await user.click(await screen.findByRole('button', { name: 'Lưu lần thăm' }));
    expect(await screen.findByText(/^Chưa ghi gì: hãy chọn người/)).toBeTruthy();
    expect(await getDb().visits.count()).toBe(0);
  });
});

describe('correcting a visit', () => {
  it('prefills from the visit and saves the correction as a new event, keeping the original', async () => {
    const { hamlet, household } = await twoPersonHousehold();
    const [a] = await listMembers(household.id);
    const original = await logVisit(
      {
        householdId: household.id,
        outcomes: SKILL_CODES.map((skill) => ({ personId: a!.id, skill, outcome: 'proficient' as const, subSkills: [] })),
        notes: 'lần đầu',
        followUpOn: null,
      },
      'other-device',
    );
    const { user } = await renderScreens(routes.household(household.id));
    await screen.findByText('Đạt mục tiêu: có người thành thạo cả 5 kỹ năng');
    expect(screen.getByText(/^Do người khác ghi/)).toBeTruthy();
    await user.click(screen.getByRole('link', { name: /^Sửa lần thăm ngày/ }));

    const safety = await screen.findByRole('radiogroup', { name: 'Nguyễn Văn A — Tự bảo vệ mình trên không gian mạng' });
    expect(within(safety).getByRole<HTMLInputElement>('radio', { name: 'Thành thạo' }).checked).toBe(true);
    expect(screen.getByLabelText<HTMLTextAreaElement>('Ghi chú').value).toBe('lần đầu');
    await user.click(within(safety).getByRole('radio', { name: 'Đã hướng dẫn' }));
    await user.click(screen.getByRole('button', { name: 'Lưu bản sửa' }));

    await screen.findByText('Đã lưu');
    expect(screen.getByText('Chưa đạt mục tiêu: chưa có ai thành thạo cả 5 kỹ năng')).toBeTruthy();
    expect(screen.getByText('đã sửa')).toBeTruthy();
    expect(await getDb().visits.count()).toBe(2);
    const kept = await getDb().visits.get(original.id);
    expect(kept?.outcomes.every((o) => o.outcome === 'proficient')).toBe(true);
    const [effective] = await listHouseholdVisits(household.id);
    expect(effective?.current.corrects).toBe(original.id);
    expect(effective?.current.visitedAt).toBe(original.visitedAt);
    expect((await getHamletOverview(hamlet.id, todayIso())).atTarget).toBe(0);
  });
});

describe('follow-up date arithmetic', () => {
  it('adds weeks across a month end and clamps a month to the last day', () => {
    expect(addDays('2026-11-28', 7)).toBe('2026-12-05');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
  });
});
