import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { getWorkingArea } from '../../../../src/client/db/meta.ts';
import { routes } from '../../../../src/client/app/routes.ts';
import { renderApp } from '../../../support/render-app.tsx';
import { serveAdminUnits } from './admin-units-fixture.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('choosing the working area', () => {
  it('finds a commune typed without tone marks and saves it as the working area', async () => {
    serveAdminUnits();
    const { user, router } = await renderApp(routes.area());

    await user.selectOptions(await screen.findByLabelText('Tỉnh/thành phố'), 'Tỉnh Phú Thọ');
    await user.type(screen.getByLabelText('Tìm xã/phường'), 'yen lac');

    const communes = screen.getByRole('group', { name: 'Xã/phường/đặc khu' });
    expect(within(communes).getAllByRole('radio').map((r) => r.closest('label')?.textContent)).toEqual(['Xã Yên Lạc']);
    await user.click(within(communes).getByRole('radio', { name: 'Xã Yên Lạc' }));
    await user.click(screen.getByRole('button', { name: 'Lưu và chọn thôn/tổ' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Thôn/tổ dân phố' })).toBeTruthy();
    expect(router.state.location.pathname).toBe(routes.hamlets());
    expect(await screen.findByText('Xã Yên Lạc, Tỉnh Phú Thọ')).toBeTruthy();
    expect(await getWorkingArea()).toEqual({ provinceCode: '25', communeCode: '09025', hamletId: null });
  });

  it('matches đ when the search is typed with a plain d, and lists communes in Vietnamese order', async () => {
    serveAdminUnits();
    const { user } = await renderApp(routes.area());

    await user.selectOptions(await screen.findByLabelText('Tỉnh/thành phố'), 'Tỉnh Phú Thọ');
    await user.type(screen.getByLabelText('Tìm xã/phường'), 'dong');

    const names = within(screen.getByRole('group', { name: 'Xã/phường/đặc khu' }))
      .getAllByRole('radio')
      .map((r) => r.closest('label')?.textContent ?? '');
    expect(names).toContain('Xã Đồng Lương');
    expect(names).toContain('Xã Đại Đồng');
    // Vietnamese collation: "Cự Đồng" before "Đại Đồng" before "Lai Đồng" (đ sorts after d, before e).
    expect(names.indexOf('Xã Cự Đồng')).toBeLessThan(names.indexOf('Xã Đại Đồng'));
    expect(names.indexOf('Xã Đại Đồng')).toBeLessThan(names.indexOf('Xã Lai Đồng'));
  });

  it('asks for a commune before saving', async () => {
    serveAdminUnits();
    const { user } = await renderApp(routes.area());

    await user.selectOptions(await screen.findByLabelText('Tỉnh/thành phố'), 'Thành phố Hà Nội');
    await user.click(screen.getByRole('button', { name: 'Lưu và chọn thôn/tổ' }));

    expect(screen.getByRole('alert').textContent).toBe('Hãy chọn một xã/phường trong danh sách.');
    expect(await getWorkingArea()).toBeUndefined();
  });

  it('explains in Vietnamese when the list cannot load, and loads it on retry', async () => {
    serveAdminUnits({ failures: 1 });
    const { user } = await renderApp(routes.area());

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Không tải được danh sách tỉnh và xã/phường');
    await user.click(within(alert).getByRole('button', { name: 'Thử lại' }));

    expect(await screen.findByLabelText('Tỉnh/thành phố')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
