import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { routes } from '../../../../src/client/app/routes.ts';
import { listMembers } from '../../../../src/client/db/households.ts';
import { logVisit } from '../../../../src/client/db/visits.ts';
import { SKILL_CODES } from '../../../../src/shared/skills.ts';
import { todayIso } from '../../../../src/client/lib/format.ts';
import { makeHamlet, makeHousehold, renderScreens } from './render-screens.tsx';

describe('household registry', () => {
  it('lists households in Vietnamese alphabetical order (Ánh < Bình < Dũng < Đức < Ế)', async () => {
    const hamlet = await makeHamlet();
    for (const name of ['Ế Văn Em', 'Đức Minh', 'Bình An', 'Dũng Trí', 'Ánh Hồng']) await makeHousehold(hamlet.id, name);
    await renderScreens(routes.households(hamlet.id));
    await screen.findByText('Ánh Hồng');
    const names = screen.getAllByRole('link').map((a) => a.querySelector('strong')?.textContent).filter(Boolean);
    expect(names).toEqual(['Ánh Hồng', 'Bình An', 'Dũng Trí', 'Đức Minh', 'Ế Văn Em']);
    expect(screen.getByRole('status', { name: '' }).textContent).toBe('5 hộ');
  });

  it('filters as you type, ignoring diacritics, with "d" finding "Đ" and decomposed input', async () => {
    const hamlet = await makeHamlet();
    await makeHousehold(hamlet.id, 'Nguyễn Văn A', { address: 'Xóm 1' });
    await makeHousehold(hamlet.id, 'Đặng Thị Lan', { members: [{ fullName: 'Phạm Văn Hùng', birthYear: 1990, sex: 'male' }] });
    await makeHousehold(hamlet.id, 'Lê Thị Bình', { address: 'Đường Đê', phone: '0912345678' });
    const { user } = await renderScreens(routes.households(hamlet.id));
    const search = await screen.findByLabelText('Tìm hộ, người, địa chỉ, số điện thoại');
    await screen.findByText('Nguyễn Văn A');

    await user.type(search, 'nguyen van a');
    expect(await screen.findByText('1 hộ')).toBeTruthy();
    expect(screen.getByText('Nguyễn Văn A')).toBeTruthy();
    expect(screen.queryByText('Đặng Thị Lan')).toBeNull();

    await user.clear(search);
    await user.type(search, 'dang');
    await screen.findByText('1 hộ');
    expect(screen.getByText('Đặng Thị Lan')).toBeTruthy();

    await user.clear(search);
    await user.type(search, 'hùng'.normalize('NFD'));
    await screen.findByText('1 hộ');
    expect(screen.getByText('Đặng Thị Lan')).toBeTruthy();

    await user.clear(search);
    await user.type(search, '0912 345');
    await screen.findByText('1 hộ');
    expect(screen.getByText('Lê Thị Bình')).toBeTruthy();

    await user.clear(search);
    await user.type(search, 'khong ai ten nay');
    expect(await screen.findByText(/Không có hộ nào khớp/)).toBeTruthy();
  });

  it('shows the phone masked and links each row to its household page', async () => {
    const hamlet = await makeHamlet();
    const h = await makeHousehold(hamlet.id, 'Lê Thị Bình', { phone: '0912 345 678', address: 'Xóm Chùa' });
    await renderScreens(routes.households(hamlet.id));
    const link = await screen.findByRole('link', { name: /Lê Thị Bình/ });
    expect(link.getAttribute('href')).toBe(routes.household(h.id));
    expect(link.textContent).toContain('0912•••678');
    expect(link.textContent).not.toContain('345');
    expect(link.textContent).toContain('1 người');
    expect(link.textContent).toContain('Chưa thăm');
  });

  it('narrows the list with the status filters and opens on "follow-up due" from the URL', async () => {
    const hamlet = await makeHamlet();
    const done = await makeHousehold(hamlet.id, 'An Khang');
    const due = await makeHousehold(hamlet.id, 'Bùi Hà');
    await makeHousehold(hamlet.id, 'Cao Sơn');
    const [doneHead] = await listMembers(done.id);
    const [dueHead] = await listMembers(due.id);
    const all = (personId: string, outcome: 'guided' | 'proficient') =>
      SKILL_CODES.map((skill) => ({ personId, skill, outcome, subSkills: [] }));
    await logVisit({ householdId: done.id, outcomes: all(doneHead!.id, 'proficient'), notes: '', followUpOn: null }, 'd');
    await logVisit({ householdId: due.id, outcomes: all(dueHead!.id, 'guided'), notes: '', followUpOn: todayIso() }, 'd');

    const { user } = await renderScreens(`${routes.households(hamlet.id)}?loc=den-hen`);
    const chip = await screen.findByRole('button', { name: 'Đến hẹn thăm lại' });
    expect(chip.getAttribute('aria-pressed')).toBe('true');
    await screen.findByText('Bùi Hà');
    expect(screen.queryByText('An Khang')).toBeNull();
    expect(screen.getByText(/^Đến hẹn \d{2}\/\d{2}\/\d{4}$/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Đạt mục tiêu' }));
    await screen.findByText('An Khang');
    expect(screen.queryByText('Bùi Hà')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Chưa thăm' }));
    await screen.findByText('Cao Sơn');
    expect(screen.queryByText('An Khang')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Chưa đạt' }));
    await screen.findByText('Bùi Hà');
    expect(screen.getByText('Cao Sơn')).toBeTruthy();
    expect(screen.queryByText('An Khang')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Tất cả' }));
    expect(await screen.findByText('3 hộ')).toBeTruthy();
  });

  it('shows an empty state and the add button for a hamlet without households', async () => {
    const hamlet = await makeHamlet();
    await renderScreens(routes.households(hamlet.id));
    expect(await screen.findByText(/Thôn này chưa có hộ nào/)).toBeTruthy();
    const add = screen.getByRole('link', { name: /Thêm hộ/ });
    expect(add.getAttribute('href')).toBe(routes.newHousehold(hamlet.id));
    expect(screen.getByRole('heading', { level: 1, name: 'Thôn Đông' })).toBeTruthy();
  });

  it('renders the first 100 matches and more on request', async () => {
    const hamlet = await makeHamlet();
    for (let i = 0; i < 130; i++) await makeHousehold(hamlet.id, `Hộ số ${i}`);
    const { user } = await renderScreens(routes.households(hamlet.id));
    await screen.findByText('130 hộ');
    expect(screen.getAllByRole('link', { name: /Hộ số/ })).toHaveLength(100);
    await user.click(screen.getByRole('button', { name: 'Xem thêm' }));
    expect(screen.getAllByRole('link', { name: /Hộ số/ })).toHaveLength(130);
    expect(screen.queryByRole('button', { name: 'Xem thêm' })).toBeNull();
  });
});
