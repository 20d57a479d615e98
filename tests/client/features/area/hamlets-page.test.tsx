import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import viValidation from '../../../../locales/vi/validation.json';
import { routePatterns, routes } from '../../../../src/client/app/routes.ts';
import { createHamlet, listHamlets } from '../../../../src/client/db/hamlets.ts';
import { createHousehold } from '../../../../src/client/db/households.ts';
import { getWorkingArea, setWorkingArea } from '../../../../src/client/db/meta.ts';
import { renderApp } from '../../../support/render-app.tsx';
import { serveAdminUnits } from './admin-units-fixture.ts';

const area = { provinceCode: '25', communeCode: '09025' };

beforeEach(async () => {
  serveAdminUnits();
  await setWorkingArea({ ...area, hamletId: null });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the hamlets of the working commune', () => {
  it('shows the commune by its full name with a way to change area', async () => {
    await renderApp(routes.hamlets());
    expect(await screen.findByText('Xã Yên Lạc, Tỉnh Phú Thọ')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Đổi địa bàn' }).getAttribute('href')).toBe(routes.area());
  });

  it('refuses an empty name with the Vietnamese message beside the field, and saves nothing', async () => {
    const { user } = await renderApp(routes.hamlets());
    await user.click(await screen.findByRole('button', { name: 'Thêm' }));

    const field = screen.getByLabelText('Tên thôn/tổ dân phố');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(viValidation.required).id).toBe(field.getAttribute('aria-describedby')?.split(' ')[0]);
    expect(await listHamlets(area.communeCode)).toEqual([]);
  });

  it('adds a hamlet and refuses a second one with the same name in other letter case and spacing', async () => {
    const { user } = await renderApp(routes.hamlets());
    const field = await screen.findByLabelText('Tên thôn/tổ dân phố');

    await user.type(field, 'Thôn Đông');
    await user.click(screen.getByRole('button', { name: 'Thêm' }));
    const list = await screen.findByRole('list', { name: 'Danh sách thôn/tổ' });
    expect(within(list).getByText('Thôn Đông')).toBeTruthy();
    expect(screen.getByText('Đã thêm “Thôn Đông”.')).toBeTruthy();

    await user.type(field, '  thôn   ĐÔNG ');
    await user.click(screen.getByRole('button', { name: 'Thêm' }));
    expect(await screen.findByText(viValidation.duplicateHamlet)).toBeTruthy();
    expect((await listHamlets(area.communeCode)).map((h) => h.name)).toEqual(['Thôn Đông']);
  });

  it('renames a hamlet, and refuses a name another hamlet of the commune already has', async () => {
    await createHamlet(area, { name: 'Thôn Đông' });
    await createHamlet(area, { name: 'Thôn Tây' });
    const { user } = await renderApp(routes.hamlets());

    await user.click(await screen.findByRole('button', { name: 'Đổi tên Thôn Đông' }));
    const field = screen.getByLabelText('Tên mới của Thôn Đông');
    await user.clear(field);
    await user.type(field, 'thôn tây');
    await user.click(screen.getByRole('button', { name: 'Lưu tên' }));
    expect(await screen.findByText(viValidation.duplicateHamlet)).toBeTruthy();

    await user.clear(field);
    await user.click(screen.getByRole('button', { name: 'Lưu tên' }));
    expect(await screen.findByText(viValidation.required)).toBeTruthy();

    await user.type(field, 'Thôn Bắc');
    await user.click(screen.getByRole('button', { name: 'Lưu tên' }));
    expect(await screen.findByText('Đã đổi tên thành “Thôn Bắc”.')).toBeTruthy();
    expect((await listHamlets(area.communeCode)).map((h) => h.name)).toEqual(['Thôn Bắc', 'Thôn Tây']);
  });

  it('refuses to delete a hamlet that has households, and deletes an empty one', async () => {
    const full = await createHamlet(area, { name: 'Thôn Đông' });
    await createHamlet(area, { name: 'Thôn Tây' });
    await createHousehold(
      { ...area, hamletId: full.id },
      { headName: 'Nguyễn Văn An', address: '', phone: '', note: '' },
      [],
    );
    const { user } = await renderApp(routes.hamlets());

    await user.click(await screen.findByRole('button', { name: 'Xoá Thôn Đông' }));
    await user.click(screen.getByRole('button', { name: 'Xoá thôn/tổ này' }));
    expect(await screen.findByText(viValidation.hamletNotEmpty)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Huỷ' }));

    await user.click(screen.getByRole('button', { name: 'Xoá Thôn Tây' }));
    await user.click(screen.getByRole('button', { name: 'Xoá thôn/tổ này' }));
    expect(await screen.findByText('Đã xoá “Thôn Tây”.')).toBeTruthy();
    expect((await listHamlets(area.communeCode)).map((h) => h.name)).toEqual(['Thôn Đông']);
  });

  it('choosing a hamlet makes it the working hamlet and opens its households', async () => {
    const hamlet = await createHamlet(area, { name: 'Thôn Đông' });
    const { user, router } = await renderApp(routes.hamlets(), {
      routes: [{ path: routePatterns.households, element: <p>Danh sách hộ</p> }],
    });

    await user.click(await screen.findByRole('button', { name: 'Chọn Thôn Đông để làm việc' }));

    expect(await screen.findByText('Danh sách hộ')).toBeTruthy();
    expect(router.state.location.pathname).toBe(routes.households(hamlet.id));
    expect(await getWorkingArea()).toEqual({ ...area, hamletId: hamlet.id });
    const nav = screen.getByRole('navigation', { name: 'Điều hướng chính' });
    expect(within(nav).getByRole('link', { name: 'Hộ dân' }).getAttribute('aria-current')).toBe('page');
  });
});
