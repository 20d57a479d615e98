import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { routes } from '../../../../src/client/app/routes.ts';
import { TungNhaDb, setDbForTesting } from '../../../../src/client/db/database.ts';
import { createHamlet, listHamlets } from '../../../../src/client/db/hamlets.ts';
import { countOutbox } from '../../../../src/client/db/outbox.ts';
import { todayIso } from '../../../../src/client/lib/format.ts';
import { renderApp } from '../../../support/render-app.tsx';

const area = { provinceCode: '25', communeCode: '09025' };

const spies: { mockRestore(): void }[] = [];

afterEach(() => {
  for (const spy of spies.splice(0)) spy.mockRestore();
});

/** Catches what the export hands to the browser's download: the file name and the file's text. */
function captureDownloads() {
  const files: { name: string; blob: Blob }[] = [];
  const blobs = new Map<string, Blob>();
  spies.push(
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      const url = `blob:test/${blobs.size}`;
      blobs.set(url, blob as Blob);
      return url;
    }),
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined),
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      const blob = blobs.get(this.href);
      if (blob) files.push({ name: this.download, blob });
    }),
  );
  return files;
}

describe('settings', () => {
  it('switches the whole interface to English and remembers the choice', async () => {
    const { user } = await renderApp(routes.settings());
    expect(screen.getByRole('heading', { level: 1, name: 'Cài đặt' })).toBeTruthy();

    await user.click(screen.getByRole('radio', { name: 'English' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).getByRole('link', { name: 'Households' })).toBeTruthy();
    expect(localStorage.getItem('tung-nha.language')).toBe('en');
    expect(document.documentElement.lang).toBe('en');

    await user.click(screen.getByRole('radio', { name: 'Tiếng Việt' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Cài đặt' })).toBeTruthy();
  });

  it('turns large text and high contrast on the page and remembers them', async () => {
    const { user } = await renderApp(routes.settings());

    await user.click(screen.getByRole('checkbox', { name: /Chữ to/ }));
    await user.click(screen.getByRole('checkbox', { name: /Tương phản cao/ }));
    expect(document.documentElement.dataset.text).toBe('large');
    expect(document.documentElement.dataset.contrast).toBe('high');
    expect(JSON.parse(localStorage.getItem('tung-nha.display') ?? '{}')).toEqual({ largeText: true, highContrast: true });

    await user.click(screen.getByRole('checkbox', { name: /Chữ to/ }));
    expect(document.documentElement.dataset.text).toBeUndefined();
  });

  it('exports a dated backup file that restores the records and their unsent changes on a wiped device', async () => {
    const files = captureDownloads();
    await createHamlet(area, { name: 'Thôn Đông' });
    const { user } = await renderApp(routes.settings());

    await user.click(screen.getByRole('button', { name: 'Tải tệp sao lưu' }));
    const fileName = `tung-nha-sao-luu-${todayIso()}.json`;
    expect(await screen.findByText(`Đã tạo tệp sao lưu ${fileName}.`)).toBeTruthy();
    expect(files.map((f) => f.name)).toEqual([fileName]);

    setDbForTesting(new TungNhaDb(`restored-${Date.now()}`));
    expect(await listHamlets(area.communeCode)).toEqual([]);

    const text = await files[0]!.blob.text();
    await user.upload(screen.getByLabelText('Nhập từ tệp sao lưu'), new File([text], fileName, { type: 'application/json' }));

    expect(
      await screen.findByText('Đã nhập tệp sao lưu: thêm hoặc cập nhật 1 bản ghi, giữ nguyên 0 bản ghi đã có trên máy.'),
    ).toBeTruthy();
    expect((await listHamlets(area.communeCode)).map((h) => h.name)).toEqual(['Thôn Đông']);
    expect(await countOutbox()).toBe(1);
  });

  it('refuses a file that is not a backup and keeps the data on the device', async () => {
    await createHamlet(area, { name: 'Thôn Đông' });
    const { user } = await renderApp(routes.settings());

    await user.upload(
      screen.getByLabelText('Nhập từ tệp sao lưu'),
      new File(['{"danh_sach": []}'], 'khac.json', { type: 'application/json' }),
    );

    expect((await screen.findByRole('alert')).textContent).toBe(
      'Tệp này không phải tệp sao lưu của Từng Nhà. Dữ liệu trên máy không thay đổi.',
    );
    expect((await listHamlets(area.communeCode)).map((h) => h.name)).toEqual(['Thôn Đông']);
  });
});
