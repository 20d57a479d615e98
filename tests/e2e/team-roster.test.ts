/**
 * A team leader on a phone (Chromium, 360 px) against the server started as `npm start` starts it, with the demo
 * seed: logs in, opens the team from the sync screen, sees the demo members with their CCCD masked, adds a member
 * (a CCCD that disagrees with the birth year is refused beside the field first), then imports a CSV with one bad
 * row — the preview lists it and the import button stays disabled — fixes the file, and imports it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TEAM_MEMBERS } from '../../src/server/services/demo-seed.ts';
import { chromiumAvailable, launchPhone } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

const SLOW = { timeout: 20_000, interval: 250 };
const leader = DEMO_ACCOUNTS.find((a) => a.role === 'team-leader')!;

let server: RunningServer | undefined;
let dataDir: string;
let profile: string;
let ctx: BrowserContext | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install chromium');
  dataDir = await mkdtemp(join(tmpdir(), 'tn-e2e-roster-data-'));
  profile = await mkdtemp(join(tmpdir(), 'tn-e2e-roster-phone-'));
  server = await startServer(dataDir, { DEMO: '1' });
});

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(profile, { recursive: true, force: true });
});

const HEADER = 'Họ và tên;Số CCCD;Số điện thoại;Năm sinh;Giới tính;Đơn vị;Vai trò';
/** Row 3 has an 11-digit CCCD; the fixed file has the missing digit back. */
const BAD_CSV = `\uFEFF${HEADER}\r\nĐinh Văn Tài;038092005511;0900000011;1992;Nam;Bưu chính, viễn thông;Thành viên\r\nLò Thị Mây;03830300812;0900000012;2003;Nữ;Trường học;Thành viên\r\n`;
const GOOD_CSV = BAD_CSV.replace('03830300812', '038303008127');

async function chooseFile(page: Page, csv: string) {
  await page.getByLabel('Chọn tệp CSV hoặc XLSX').setInputFiles({ name: 'danh-sach-to.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
}

describe('a team leader keeps the team list', () => {
  it('adds a member, imports a file with a bad row, sees it listed, fixes it and imports', async () => {
    ctx = await launchPhone(profile);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });

    // 1. Log in, then reach the team from the sync screen.
    await page.goto(`${server!.url}/dang-nhap`);
    await page.getByLabel('Số điện thoại').fill(leader.phone);
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Đồng bộ' }).waitFor();
    await page.getByRole('link', { name: 'Danh sách tổ công nghệ số' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tổ công nghệ số' }).waitFor();
    await page.getByRole('link', { name: /Tổ công nghệ số cộng đồng xã Pù Luông/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Tổ công nghệ số cộng đồng xã Pù Luông' }).waitFor();

    // The demo members are listed with their CCCD masked: the whole number is nowhere on the page.
    const firstDemo = DEMO_TEAM_MEMBERS[0]!;
    const card = page.getByRole('article', { name: firstDemo.fullName });
    await card.getByText(`${firstDemo.cccd.slice(0, 3)}******${firstDemo.cccd.slice(9)}`).waitFor();
    expect(await page.getByRole('main').innerText()).not.toContain(firstDemo.cccd);
    expect(await page.getByRole('article').count()).toBe(DEMO_TEAM_MEMBERS.length);

    // 2. Add a member: a CCCD that disagrees with the birth year is refused beside the field, then fixed.
    await page.getByRole('button', { name: 'Thêm thành viên' }).click();
    const form = page.getByRole('form', { name: 'Thành viên mới' });
    await form.getByLabel('Họ và tên').fill('Cầm Thị Hương');
    await form.getByLabel('Số CCCD').fill('038197004455');
    await form.getByLabel('Số điện thoại').fill('0900 000 010');
    await form.getByLabel('Năm sinh').fill('1996');
    await form.getByLabel('Giới tính').selectOption({ label: 'Nữ' });
    await form.getByLabel('Đơn vị').selectOption({ label: 'Hội LHPN' });
    await form.getByRole('button', { name: 'Lưu thành viên' }).click();
    const cccdField = form.getByLabel('Số CCCD');
    await expect.poll(() => cccdField.getAttribute('aria-invalid'), SLOW).toBe('true');
    const describedBy = (await cccdField.getAttribute('aria-describedby')) ?? '';
    const messages = await Promise.all(describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).innerText()));
    expect(messages.join(' ')).toContain('không khớp năm sinh');
    await form.getByLabel('Năm sinh').fill('1997');
    await form.getByRole('button', { name: 'Lưu thành viên' }).click();
    await page.getByText('Đã thêm Cầm Thị Hương.').waitFor();
    await page.getByRole('article', { name: 'Cầm Thị Hương' }).getByText('038******455').waitFor();

    // 3. Import a file with one bad row: the preview lists it, the import button stays disabled.
    await page.getByRole('link', { name: 'Nhập danh sách từ tệp' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nhập danh sách thành viên' }).waitFor();
    await chooseFile(page, BAD_CSV);
    const problems = page.getByRole('region', { name: '1 lỗi cần sửa' });
    await problems.waitFor();
    expect(await problems.getByRole('row').nth(1).getByRole('cell').allInnerTexts()).toEqual(['3', 'Số CCCD', 'Số CCCD gồm đúng 12 chữ số']);
    expect(await page.getByRole('button', { name: 'Nhập 1 thành viên' }).isDisabled()).toBe(true);

    // 4. The fixed file previews clean and imports, all at once.
    await chooseFile(page, GOOD_CSV);
    const commit = page.getByRole('button', { name: 'Nhập 2 thành viên' });
    await commit.waitFor();
    expect(await page.getByRole('region', { name: /lỗi cần sửa/ }).count()).toBe(0);
    expect(await commit.isEnabled()).toBe(true);
    await commit.click();
    await page.getByText('Đã nhập 2 thành viên vào tổ.').waitFor();

    // 5. Back on the team page, both imported members are listed, masked.
    await page.getByRole('main').getByRole('link', { name: 'Về trang tổ' }).click();
    await page.getByRole('article', { name: 'Lò Thị Mây' }).getByText('038******127').waitFor();
    await page.getByRole('article', { name: 'Đinh Văn Tài' }).waitFor();
    expect(await page.getByRole('article').count()).toBe(DEMO_TEAM_MEMBERS.length + 3);

    // Nothing on the phone failed, and the server never logged a CCCD.
    expect(pageErrors).toEqual([]);
    expect(server!.output()).not.toContain('038303008127');
    expect(server!.output()).not.toContain(firstDemo.cccd);
  });
});
