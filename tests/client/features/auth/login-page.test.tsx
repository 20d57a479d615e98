import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { LoginPage } from '../../../../src/client/features/auth/login-page.tsx';
import { getSession, getSyncStatus } from '../../../../src/client/db/sync-state.ts';
import { ensureI18n } from '../../../support/render-app.tsx';
import { FakeServer, PASSWORD, PHONE, USER } from '../../sync/fake-server.ts';

let server: FakeServer;

beforeEach(() => {
  server = new FakeServer();
  server.install();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

async function renderLogin(from?: string) {
  await ensureI18n();
  const router = createMemoryRouter(
    [
      { path: '/dang-nhap', element: <LoginPage /> },
      { path: '/dong-bo', element: <h1>Màn hình đồng bộ</h1> },
      { path: '/ho/:id', element: <h1>Màn hình hộ</h1> },
    ],
    { initialEntries: [{ pathname: '/dang-nhap', state: from ? { from } : null }] },
  );
  render(<RouterProvider router={router} />);
  return { router, user: userEvent.setup() };
}

describe('login page', () => {
  it('asks for the phone and password before calling the server', async () => {
    const { user } = await renderLogin();
    await user.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    expect(screen.getByText('Hãy nhập số điện thoại.')).toBeTruthy();
    expect(screen.getByText('Hãy nhập mật khẩu.')).toBeTruthy();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('says plainly when the phone or password is wrong and stores nothing', async () => {
    const { user, router } = await renderLogin();
    await user.type(screen.getByLabelText('Số điện thoại'), PHONE);
    await user.type(screen.getByLabelText('Mật khẩu'), 'sai-mat-khau');
    await user.click(screen.getByRole('button', { name: 'Đăng nhập' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/không đúng/);
    expect(router.state.location.pathname).toBe('/dang-nhap');
    expect(await getSession()).toBeUndefined();
  });

  it('stores the session, starts a sync and returns to the screen the person came from', async () => {
    const { user, router } = await renderLogin('/ho/abc');
    await user.type(screen.getByLabelText('Số điện thoại'), '0912 345 678');
    await user.type(screen.getByLabelText('Mật khẩu'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Đăng nhập' }));

    expect(await screen.findByRole('heading', { name: 'Màn hình hộ' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/ho/abc');
    expect((await getSession())?.user.name).toBe(USER.name);
    await vi.waitFor(async () => expect((await getSyncStatus()).lastSuccessAt).not.toBeNull());
    expect(server.fetch.mock.calls.some(([url]) => String(url).startsWith('/api/sync/pull'))).toBe(true);
  });

  it('goes to the sync screen when opened directly', async () => {
    const { user } = await renderLogin();
    await user.type(screen.getByLabelText('Số điện thoại'), PHONE);
    await user.type(screen.getByLabelText('Mật khẩu'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    expect(await screen.findByRole('heading', { name: 'Màn hình đồng bộ' })).toBeTruthy();
    await vi.waitFor(async () => expect((await getSyncStatus()).state).toBe('idle'));
  });
});
