import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import { routes } from '../../../../src/client/app/routes.ts';
import { createHamlet } from '../../../../src/client/db/hamlets.ts';
import { getMeta } from '../../../../src/client/db/meta.ts';
import { ensurePersistence, isLowOnSpace } from '../../../../src/client/features/pwa/storage.ts';
import { renderApp } from '../../../support/render-app.tsx';

const MB = 1024 * 1024;

function stubStorage({ usage, quota, persisted = true }: { usage: number; quota: number; persisted?: boolean }) {
  const manager = {
    estimate: vi.fn(async () => ({ usage, quota })),
    persisted: vi.fn(async () => persisted),
    persist: vi.fn(async () => false),
  };
  Object.defineProperty(navigator, 'storage', { value: manager, configurable: true });
  return manager;
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'storage');
});

describe('low storage', () => {
  it('counts as low below 50 MB free or above 90 % used', () => {
    expect(isLowOnSpace({ usage: 960 * MB, quota: 1000 * MB })).toBe(true); // 40 MB free
    expect(isLowOnSpace({ usage: 900 * MB, quota: 1000 * MB })).toBe(false); // 100 MB free, 90 %
    expect(isLowOnSpace({ usage: 9300 * MB, quota: 10000 * MB })).toBe(true); // 93 % used, 700 MB free
    expect(isLowOnSpace({ usage: 10 * MB, quota: 2000 * MB })).toBe(false);
  });

  it('warns and links to the backup when space is low while changes are unsent', async () => {
    stubStorage({ usage: 980 * MB, quota: 1000 * MB });
    await createHamlet({ provinceCode: '25', communeCode: '09025' }, { name: 'Thôn Đông' });
    await renderApp(routes.settings());

    const warning = await screen.findByRole('alert');
    expect(warning.textContent).toContain('Bộ nhớ máy sắp đầy và còn 1 thay đổi chưa gửi');
    expect(screen.getByRole('link', { name: 'Sao lưu ngay' }).getAttribute('href')).toBe(`${routes.settings()}#sao-luu`);
  });

  it('stays quiet when space is low but everything has been sent', async () => {
    stubStorage({ usage: 980 * MB, quota: 1000 * MB });
    await renderApp(routes.settings());

    expect(await screen.findByText(/^Đã dùng 980 MB trên 1\.000 MB/)).toBeTruthy();
    expect(screen.getByText('Mọi thay đổi đã được gửi lên máy chủ.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('stays quiet when changes are unsent but there is room', async () => {
    stubStorage({ usage: 100 * MB, quota: 2000 * MB });
    await createHamlet({ provinceCode: '25', communeCode: '09025' }, { name: 'Thôn Đông' });
    await renderApp(routes.settings());

    expect(await screen.findByText('1 thay đổi chưa gửi lên máy chủ.')).toBeTruthy();
    expect(await screen.findByText(/^Đã dùng 100 MB/)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('persistent storage', () => {
  it('asks the browser once on first start, remembers the answer, and does not ask again', async () => {
    const manager = stubStorage({ usage: 0, quota: 1000 * MB, persisted: false });

    expect(await ensurePersistence()).toBe(false);
    expect(await ensurePersistence()).toBe(false);

    expect(manager.persist).toHaveBeenCalledTimes(1);
    expect(await getMeta('storagePersistence')).toMatchObject({ granted: false });
  });

  it('shows in settings that the data is not kept for good, with a button to ask again', async () => {
    const manager = stubStorage({ usage: 0, quota: 1000 * MB, persisted: false });
    manager.persist.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    const { user } = await renderApp(routes.settings());

    await user.click(await screen.findByRole('button', { name: 'Xin giữ dữ liệu lâu dài' }));

    expect(await screen.findByText(/^Dữ liệu được trình duyệt giữ lâu dài/)).toBeTruthy();
    expect(manager.persist).toHaveBeenCalledTimes(2);
  });
});
