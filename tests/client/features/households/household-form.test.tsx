import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { routes } from '../../../../src/client/app/routes.ts';
import { getDb } from '../../../../src/client/db/database.ts';
import { listHamletHouseholds, listMembers } from '../../../../src/client/db/households.ts';
import { makeHamlet, makeHousehold, renderScreens } from './render-screens.tsx';

function errorOf(input: HTMLElement): string | null {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ');
  const el = ids.map((id) => document.getElementById(id)).find((e) => e?.getAttribute('role') === 'alert');
  return el?.textContent ?? null;
}

describe('new household form', () => {
  it('saves the head as member 1 and any added members, normalising the phone', async () => {
    const hamlet = await makeHamlet();
    const { user, router } = await renderScreens(routes.newHousehold(hamlet.id));
    await user.type(await screen.findByLabelText('Họ tên chủ hộ'), 'Nguyễn Văn An');
    await user.type(screen.getByLabelText('Số điện thoại'), '+84 912 345 678');
    const member1 = screen.getByRole('group', { name: 'Thành viên 1' });
    expect(within(member1).getByLabelText<HTMLInputElement>('Họ và tên').value).toBe('Nguyễn Văn An');
    await user.click(screen.getByRole('button', { name: 'Thêm thành viên' }));
    const member2 = screen.getByRole('group', { name: 'Thành viên 2' });
    await user.type(within(member2).getByLabelText('Họ và tên'), 'Nguyễn Thị Bé');
    await user.type(within(member2).getByLabelText('Năm sinh'), '2001');
    await user.selectOptions(within(member2).getByLabelText('Giới tính'), 'Nữ');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));

    expect(await screen.findByText('Đã lưu')).toBeTruthy();
    const [row] = await listHamletHouseholds(hamlet.id);
    expect(row?.household.phone).toBe('0912345678');
    expect(router.state.location.pathname).toBe(routes.household(row!.household.id));
    const members = await listMembers(row!.household.id);
    expect(members.map((m) => [m.fullName, m.relation, m.birthYear, m.sex])).toEqual([
      ['Nguyễn Văn An', 'head', null, null],
      ['Nguyễn Thị Bé', 'child', 2001, 'female'],
    ]);
  });

  it('shows each Vietnamese message beside its field, focuses the first, keeps the input and saves nothing', async () => {
    const hamlet = await makeHamlet();
    const { user } = await renderScreens(routes.newHousehold(hamlet.id));
    await user.type(await screen.findByLabelText('Số điện thoại'), '12345');
    await user.type(screen.getByLabelText('Địa chỉ'), 'Xóm Chùa');
    await user.click(screen.getByRole('button', { name: 'Thêm thành viên' }));
    const member2 = screen.getByRole('group', { name: 'Thành viên 2' });
    await user.type(within(member2).getByLabelText('Họ và tên'), 'Trần Văn Cường');
    await user.type(within(member2).getByLabelText('Năm sinh'), '1850');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));

    const head = screen.getByLabelText('Họ tên chủ hộ');
    await screen.findByText(/Chưa lưu được/);
    expect(errorOf(head)).toBe('Cần nhập mục này');
    expect(document.activeElement).toBe(head);
    expect(errorOf(screen.getByLabelText('Số điện thoại'))).toMatch(/^Số điện thoại không đúng/);
    expect(errorOf(within(member2).getByLabelText('Năm sinh'))).toBe(
      'Năm sinh phải từ 1900 đến năm nay (4 chữ số, ví dụ 1965)',
    );
    expect(screen.getByLabelText<HTMLInputElement>('Địa chỉ').value).toBe('Xóm Chùa');
    expect(within(member2).getByLabelText<HTMLInputElement>('Họ và tên').value).toBe('Trần Văn Cường');
    expect(await getDb().households.count()).toBe(0);
    expect(await getDb().people.count()).toBe(0);
  });

  it('warns about an unknown prefix but still saves the number', async () => {
    const hamlet = await makeHamlet();
    const { user } = await renderScreens(routes.newHousehold(hamlet.id));
    await user.type(await screen.findByLabelText('Họ tên chủ hộ'), 'Lò Văn Pá');
    await user.type(screen.getByLabelText('Số điện thoại'), '0123 456 789');
    expect(screen.getByText('Đầu số lạ — kiểm tra lại, vẫn có thể lưu')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Đã lưu')).toBeTruthy();
    const [row] = await listHamletHouseholds(hamlet.id);
    expect(row?.household.phone).toBe('0123456789');
  });
});

describe('edit household page', () => {
  it('saves the household fields and shows the full phone on the household page', async () => {
    const hamlet = await makeHamlet();
    const h = await makeHousehold(hamlet.id, 'Lê Văn Tám', { address: 'Xóm 2' });
    const { user } = await renderScreens(routes.editHousehold(h.id));
    const phone = await screen.findByLabelText('Số điện thoại');
    await user.type(phone, '0987654321');
    await user.click(screen.getByRole('button', { name: 'Lưu thông tin hộ' }));
    expect(await screen.findByText('Đã lưu')).toBeTruthy();
    const call = screen.getByRole('link', { name: 'Gọi 0987 654 321' });
    expect(call.getAttribute('href')).toBe('tel:0987654321');
  });

  it('edits, adds and removes members one at a time, asking before a removal', async () => {
    const hamlet = await makeHamlet();
    const h = await makeHousehold(hamlet.id, 'Lê Văn Tám', {
      members: [{ fullName: 'Lê Thị Chín', birthYear: 1990, sex: 'female' }],
    });
    const { user } = await renderScreens(routes.editHousehold(h.id));

    await user.click(await screen.findByRole('button', { name: 'Sửa thông tin Lê Thị Chín' }));
    const form = screen.getByRole('form', { name: 'Lê Thị Chín' });
    const year = within(form).getByLabelText('Năm sinh');
    await user.clear(year);
    await user.type(year, '3000');
    await user.click(within(form).getByRole('button', { name: 'Lưu thành viên' }));
    expect(errorOf(within(form).getByLabelText('Năm sinh'))).toMatch(/^Năm sinh phải từ 1900/);
    await user.clear(within(form).getByLabelText('Năm sinh'));
    await user.type(within(form).getByLabelText('Năm sinh'), '1991');
    await user.click(within(form).getByRole('button', { name: 'Lưu thành viên' }));
    await screen.findByText('Đã lưu thành viên.');
    expect((await listMembers(h.id)).find((m) => m.fullName === 'Lê Thị Chín')?.birthYear).toBe(1991);

    await user.click(screen.getByRole('button', { name: 'Thêm thành viên' }));
    const added = screen.getByRole('form', { name: 'Thành viên mới' });
    await user.type(within(added).getByLabelText('Họ và tên'), 'Lê Văn Mười');
    await user.click(within(added).getByRole('button', { name: 'Lưu thành viên' }));
    await screen.findByRole('heading', { name: 'Lê Văn Mười' });
    expect(await listMembers(h.id)).toHaveLength(3);

    await user.click(screen.getByRole('button', { name: 'Xóa Lê Văn Mười khỏi hộ' }));
    expect(await listMembers(h.id)).toHaveLength(3);
    const confirm = screen.getByText(/Xóa Lê Văn Mười khỏi hộ\? Các lần thăm trước/);
    expect(confirm).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Xóa' }));
    await screen.findByText('Đã xóa Lê Văn Mười khỏi hộ.');
    expect((await listMembers(h.id)).map((m) => m.fullName)).toEqual(['Lê Văn Tám', 'Lê Thị Chín']);
  });

  it('deletes the household after confirmation and returns to the registry', async () => {
    const hamlet = await makeHamlet();
    const h = await makeHousehold(hamlet.id, 'Lê Văn Tám');
    const { user, router } = await renderScreens(routes.editHousehold(h.id));
    await user.click(await screen.findByRole('button', { name: 'Xóa hộ này' }));
    await user.click(screen.getByRole('button', { name: 'Xóa hộ' }));
    expect(await screen.findByText(/Thôn này chưa có hộ nào/)).toBeTruthy();
    expect(router.state.location.pathname).toBe(routes.households(hamlet.id));
    expect(await listHamletHouseholds(hamlet.id)).toHaveLength(0);
  });
});
