/**
 * The volunteer's whole offline loop (issue 2), in Debian Chromium with real IndexedDB, against the built app served
 * as `npm start` serves it: choose the area, create a hamlet and a household with two members, log a visit; go
 * offline and reload (the shell comes from the service worker, every record is there); log another visit offline;
 * close the browser, stop the server, relaunch on the same profile: everything is still there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, launchPhone } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

let server: RunningServer | undefined;
let dataDir: string;
let profile: string;
let ctx: BrowserContext | undefined;

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install chromium');
  dataDir = await mkdtemp(join(tmpdir(), 'tn-e2e-data-'));
  profile = await mkdtemp(join(tmpdir(), 'tn-e2e-profile-'));
  server = await startServer(dataDir);
});

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(profile, { recursive: true, force: true });
});

/** Errors the page reported: an uncaught exception, a React warning or a CSP violation fails the test. */
const pageErrors: string[] = [];

async function firstPage(context: BrowserContext): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Failed network loads while offline are the browser's own report of the test's premise, not app errors.
    if (m.type() === 'error' && !m.text().includes('net::ERR_INTERNET_DISCONNECTED')) pageErrors.push(m.text());
  });
  return page;
}

async function logVisit(page: Page, who: string[], mark: (page: Page) => Promise<void>) {
  await page.getByRole('link', { name: 'Ghi lần thăm' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Ghi lần thăm' }).isVisible()).toBe(true);
  for (const name of who) await page.getByRole('button', { name, exact: true }).click();
  await mark(page);
  await page.getByRole('button', { name: 'Lưu lần thăm' }).click();
  await page.getByText('Đã lưu').first().waitFor();
}

describe('a volunteer working offline', () => {
  it('registers a household, logs visits online and offline, and keeps everything across an offline reload and a relaunch', async () => {
    ctx = await launchPhone(profile);
    let page = await firstPage(ctx);
    await page.goto(server!.url);

    // Area: province → commune (search without diacritics).
    await page.getByLabel('Tỉnh/thành phố').selectOption('38');
    await page.getByLabel('Tìm xã/phường').fill('ngoc lac');
    await page.getByRole('radio', { name: 'Xã Ngọc Lặc' }).check();
    await page.getByRole('button', { name: 'Lưu và chọn thôn/tổ' }).click();

    // Hamlet.
    await page.getByLabel('Tên thôn/tổ dân phố').fill('Thôn Đông');
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await page.getByRole('button', { name: 'Chọn Thôn Đông để làm việc' }).click();

    // Household with two members.
    await page.getByRole('link', { name: 'Thêm hộ' }).click();
    await page.getByLabel('Họ tên chủ hộ').fill('Nguyễn Văn An');
    await page.getByLabel('Địa chỉ').fill('Xóm 3, số nhà 12');
    await page.getByLabel('Số điện thoại').fill('0912 345 678');
    await page.getByRole('button', { name: 'Thêm thành viên' }).click();
    const second = page.getByRole('group', { name: 'Thành viên 2' });
    await second.getByLabel('Họ và tên').fill('Trần Thị Bình');
    await second.getByLabel('Năm sinh').fill('1968');
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Nguyễn Văn An/ }).waitFor();

    // First visit, online: An proficient in all five.
    await logVisit(page, ['Nguyễn Văn An'], async (p) => {
      await p.getByRole('button', { name: 'Đánh dấu Nguyễn Văn An thành thạo cả 5 kỹ năng' }).click();
    });
    await page.getByText('Đạt mục tiêu: có người thành thạo cả 5 kỹ năng').waitFor();
    const householdUrl = page.url();

    // The service worker is active and controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    // Offline reload: the shell comes from the service worker, the records from IndexedDB.
    await ctx.setOffline(true);
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await page.getByRole('heading', { level: 1, name: /Nguyễn Văn An/ }).waitFor();
    await expect.poll(() => page.getByText('Trần Thị Bình').first().isVisible()).toBe(true);

    // Second visit, offline: Bình guided in online payment.
    await logVisit(page, ['Trần Thị Bình'], async (p) => {
      await p.getByRole('radiogroup', { name: 'Trần Thị Bình — Thanh toán trực tuyến' }).getByRole('radio', { name: 'Đã hướng dẫn' }).check();
    });
    await expect.poll(() => page.getByRole('link', { name: /^Sửa lần thăm/ }).count()).toBe(2);

    // Close the browser and stop the server: nothing but the phone remains.
    await ctx.close();
    ctx = undefined;
    await server!.stop();

    ctx = await launchPhone(profile);
    await ctx.setOffline(true);
    page = await firstPage(ctx);
    const relaunched = await page.goto(householdUrl);
    expect(relaunched?.fromServiceWorker()).toBe(true);
    await page.getByRole('heading', { level: 1, name: /Nguyễn Văn An/ }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: /^Sửa lần thăm/ }).count()).toBe(2);
    await page.getByText('Đạt mục tiêu: có người thành thạo cả 5 kỹ năng').waitFor();

    // And the registry still lists the household, found by a search without diacritics.
    await page.getByRole('link', { name: 'Về danh sách hộ' }).click();
    await page.getByLabel('Tìm hộ, người, địa chỉ, số điện thoại').fill('tran thi binh');
    await expect.poll(() => page.getByRole('link', { name: /Nguyễn Văn An/ }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
