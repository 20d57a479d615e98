import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { getDb } from '../../../../src/client/db/database.ts';
import { createHamlet } from '../../../../src/client/db/hamlets.ts';
import { createHousehold, updateHousehold } from '../../../../src/client/db/households.ts';
import { countOutbox } from '../../../../src/client/db/outbox.ts';
import { getSession, getSyncStatus, updateSyncStatus } from '../../../../src/client/db/sync-state.ts';
import { SyncPage } from '../../../../src/client/features/sync-status/sync-page.tsx';
import { SyncNavLink } from '../../../../src/client/features/sync-status/sync-badge.tsx';
import { syncOnce } from '../../../../src/client/sync/engine.ts';
import { logIn } from '../../../../src/client/sync/session.ts';
import { ensureI18n } from '../../../support/render-app.tsx';
import { FakeServer, PASSWORD, PHONE, USER } from '../../sync/fake-server.ts';

const AREA = { provinceCode: '01', communeCode: '00004' };
let server: FakeServer;

beforeEach(() => {
  server = new FakeServer();
  server.install();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

async function loggedIn() {
  await logIn(PHONE, PASSWORD);
  await vi.waitFor(async () => expect((await getSyncStatus()).lastSuccessAt).not.toBeNull());
}

async function makeHousehold(headName: string) {
  const hamlet = await createHamlet(AREA, { name: 'Thôn Tây' });
  return createHousehold(
    { ...AREA, hamletId: hamlet.id },
    { headName, address: 'Xóm 2', phone: '0987654321', note: '' },
    [{ fullName: headName, birthYear: 1950, sex: 'female', relation: 'head' }],
  );
}

async function renderSync() {
  await ensureI18n();
  const router = createMemoryRouter(
    [
      { path: '/dong-bo', element: <><SyncNavLink current /><SyncPage /></> },
      { path: '/dang-nhap', element: <h1>Màn hình đăng nhập</h1> },
    ],
    { initialEntries: ['/dong-bo'] },
  );
  render(<RouterProvider router={router} />);
  return { router, user: userEvent.setup() };
}

describe('sync screen', () => {
  it('invites a person who is not logged in to log in, and keeps their data', async () => {
    await makeHousehold('Bùi Thị Lan');
    const { user, router } = await renderSync();

    expect(await screen.findByText(/Bạn chưa đăng nhập/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Đồng bộ ngay' })).toBeNull();
    expect(screen.getByText('Thay đổi chưa gửi').previousElementSibling?.textContent).toBe('3');
    await user.click(screen.getByRole('link', { name: 'Đăng nhập để đồng bộ' }));
    expect(router.state.location.pathname).toBe('/dang-nhap');
    expect(router.state.location.state).toEqual({ from: '/dong-bo' });
  });

  it('shows who is logged in with a masked phone, the unsent count and the last sync, and syncs on request', async () => {
    await loggedIn();
    await makeHousehold('Bùi Thị Lan');
    const { user } = await renderSync();

    expect(await screen.findByText(USER.name)).toBeTruthy();
    expect(screen.getByText('0912•••678')).toBeTruthy();
    expect(screen.getByText(USER.scopeLabel)).toBeTruthy();
    expect(screen.queryByText(PHONE)).toBeNull();
    expect(screen.getByRole('link', { name: /Đồng bộ: 3 chưa gửi/ })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Đồng bộ ngay' }));

    expect(await screen.findByText('Đã đồng bộ xong.')).toBeTruthy();
    expect(screen.getByText('Thay đổi chưa gửi').previousElementSibling?.textContent).toBe('0');
    expect(screen.getByRole('link', { name: /Đồng bộ: Đã gửi hết/ })).toBeTruthy();
    expect(screen.queryByText('Chưa đồng bộ lần nào')).toBeNull();
  });

  it('counts the records received while a sync runs, and not once it has ended', async () => {
    await loggedIn();
    await renderSync();
    await updateSyncStatus({ state: 'running', received: 12_345 });

    const label = await screen.findByText('Đã nhận về');
    expect(label.nextElementSibling?.textContent).toBe('12.345 bản ghi');
    expect(screen.getByText('Đang đồng bộ…')).toBeTruthy();

    await updateSyncStatus({ state: 'idle', received: null });
    await vi.waitFor(() => expect(screen.queryByText('Đã nhận về')).toBeNull());
  });

  it('shows both versions of a conflict side by side and takes the server copy when asked', async () => {
    await loggedIn();
    const household = await makeHousehold('Bùi Thị Lan');
    await syncOnce();
    server.editElsewhere('household', household.id, { address: 'Xóm 3, cạnh nhà văn hóa' });
    await updateHousehold(household.id, { headName: 'Bùi Thị Lan', address: 'Xóm 2, ngõ 4', phone: '0987654321', note: '' });
    await syncOnce();
    const { user } = await renderSync();

    const card = (await screen.findByRole('heading', { name: 'Hộ Bùi Thị Lan' })).closest('section')!;
    const row = within(card).getByRole('row', { name: /Địa chỉ/ });
    expect(within(row).getByText('Xóm 2, ngõ 4')).toBeTruthy();
    expect(within(row).getByText('Xóm 3, cạnh nhà văn hóa')).toBeTruthy();
    expect(within(row).getByText('Khác nhau')).toBeTruthy();
    expect(within(card).getByRole('columnheader', { name: 'Trên máy này' })).toBeTruthy();
    expect(within(card).getByRole('columnheader', { name: 'Trên máy chủ' })).toBeTruthy();

    await user.click(within(card).getByRole('button', { name: 'Dùng bản trên máy chủ' }));

    await vi.waitFor(async () => expect(await getDb().conflicts.count()).toBe(0));
    const local = (await getDb().households.get(household.id))!;
    expect(local.address).toBe('Xóm 3, cạnh nhà văn hóa');
    expect(local.version).toBe(2);
    expect(await countOutbox()).toBe(0);
    await vi.waitFor(() => expect(screen.queryByRole('heading', { name: 'Hộ Bùi Thị Lan' })).toBeNull());
  });

  it('keeps the device copy when asked: the server stores it as the next version', async () => {
    await loggedIn();
    const household = await makeHousehold('Bùi Thị Lan');
    await syncOnce();
    server.editElsewhere('household', household.id, { address: 'Xóm 3' });
    await updateHousehold(household.id, { headName: 'Bùi Thị Lan', address: 'Xóm 2, ngõ 4', phone: '0987654321', note: '' });
    await syncOnce();
    const { user } = await renderSync();

    const card = (await screen.findByRole('heading', { name: 'Hộ Bùi Thị Lan' })).closest('section')!;
    await user.click(within(card).getByRole('button', { name: 'Giữ bản trên máy này' }));

    await vi.waitFor(async () => expect(await countOutbox()).toBe(0));
    expect(server.get('household', household.id)!.record.address).toBe('Xóm 2, ngõ 4');
    expect((await getDb().households.get(household.id))!.version).toBe(server.get('household', household.id)!.version);
    expect(await getDb().conflicts.count()).toBe(0);
  });

  it('lists a refused change with its reason', async () => {
    await loggedIn();
    const household = await makeHousehold('Bùi Thị Lan');
    server.reject.set(household.id, 'sync.out-of-scope');
    await syncOnce();
    await renderSync();

    const section = (await screen.findByRole('heading', { name: 'Thay đổi bị máy chủ từ chối' })).closest('section')!;
    expect(within(section).getByText('Hộ Bùi Thị Lan')).toBeTruthy();
    expect(within(section).getByText(/^Lý do: /)).toBeTruthy();
    expect(within(section).getByText('Đã thử 1 lần')).toBeTruthy();
  });

  it('shows the unsent count in the sync tab', async () => {
    await loggedIn();
    await makeHousehold('Bùi Thị Lan');
    await renderSync();
    const tab = await screen.findByRole('link', { name: /^Đồng bộ: 3 chưa gửi/ });
    expect(tab.textContent).toContain('3');
  });

  it('warns before logging out with unsent changes and keeps every record', async () => {
    await loggedIn();
    const household = await makeHousehold('Bùi Thị Lan');
    const { user } = await renderSync();

    await user.click(await screen.findByRole('button', { name: 'Đăng xuất' }));
    expect(screen.getByText(/Còn 3 thay đổi chưa gửi/)).toBeTruthy();
    expect(await getSession()).toBeDefined();

    await user.click(screen.getByRole('button', { name: 'Vẫn đăng xuất' }));

    expect(await screen.findByText('Đã đăng xuất. Dữ liệu trên máy vẫn còn nguyên.')).toBeTruthy();
    expect(await getSession()).toBeUndefined();
    expect(await countOutbox()).toBe(3);
    expect(await getDb().households.get(household.id)).toBeDefined();
    expect(screen.getByRole('link', { name: 'Đăng nhập để đồng bộ' })).toBeTruthy();
  });
});
