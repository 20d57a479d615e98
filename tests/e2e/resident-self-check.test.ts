/**
 * Issue 5, end to end, against the server started as `npm start` starts it (demo seed) and the built PWA:
 * a volunteer creates the household card online; a resident's phone has loaded the app once, goes offline, opens
 * the household link from the card, reads a guide, completes a self-check and sends it — it waits on the phone —
 * then comes back online and it reaches the server; the volunteer syncs and sees it on the household page, marked
 * as self-reported, beside the observed outcomes.
 *
 * Playwright's setOffline does not flip navigator.onLine in Debian's Chromium, so no `online` event fires: the
 * resident presses "Thử gửi lại ngay" and the volunteer "Đồng bộ ngay", as a person would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/server/services/demo-seed.ts';
import { normalizeLinkCode } from '../../src/shared/household-link.ts';
import { SUB_SKILLS } from '../../src/shared/skills.ts';
import { chromiumAvailable, launchPhone } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

const SLOW = { timeout: 20_000, interval: 250 };
/** Says where a failing run was: e2e failures otherwise only name the test. */
const step = (name: string) => console.log(`[resident e2e] ${new Date().toISOString()} ${name}`);
const volunteer = DEMO_ACCOUNTS.find((a) => a.role === 'volunteer');

let server: RunningServer | undefined;
let dataDir: string;
const profiles: string[] = [];
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install chromium');
  if (!volunteer) throw new Error('the demo seed must have a volunteer');
  dataDir = await mkdtemp(join(tmpdir(), 'tn-e2e-resident-data-'));
  for (let i = 0; i < 2; i += 1) profiles.push(await mkdtemp(join(tmpdir(), `tn-e2e-resident-phone-${i}-`)));
  // The server rebuilds the PWA when a source is newer than the build; vitest's NODE_ENV=test would make that a
  // development bundle, which registers no service worker. The product runs in production mode.
  server = await startServer(dataDir, { DEMO: '1', NODE_ENV: 'production' });
});

afterAll(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => undefined);
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
  for (const p of profiles) await rm(p, { recursive: true, force: true });
});

async function phone(profile: string, label: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await launchPhone(profile);
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  // A missing element fails within 20 s with the locator's name, well inside the test's time.
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageErrors.push(`${label} pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Failed loads while offline are the browser's own report of the test's premise, not app errors.
    if (m.type() === 'error' && !m.text().includes('net::ERR_INTERNET_DISCONNECTED')) pageErrors.push(`${label}: ${m.text()}`);
  });
  return { ctx, page };
}

const syncTab = (page: Page) => page.getByRole('link', { name: /^Đồng bộ:/ });

async function serviceWorkerInControl(page: Page) {
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000, interval: 500 })
    .toBe(true);
}

async function syncUntilDone(page: Page) {
  await syncTab(page).click();
  await page.getByRole('heading', { level: 1, name: 'Đồng bộ' }).waitFor();
  await expect
    .poll(async () => {
      await page.getByRole('button', { name: 'Đồng bộ ngay' }).click();
      await page.getByRole('button', { name: 'Đồng bộ ngay' }).waitFor();
      return (await syncTab(page).getAttribute('aria-label')) ?? '';
    }, SLOW)
    .toMatch(/Đã gửi hết · Sẵn sàng/);
}

describe('a resident sends a self-check to their household through its card', () => {
  it('works offline on the resident\'s phone and reaches the volunteer marked as self-reported', async () => {
    const v = await phone(profiles[0]!, 'volunteer');
    const r = await phone(profiles[1]!, 'resident');

    step('The residents phone loads');
    // The resident's phone loads the app once (the service worker precaches the shell and every lazy screen).
    await r.page.goto(`${server!.url}/`);
    await r.page.getByRole('heading', { level: 1 }).first().waitFor();
    await serviceWorkerInControl(r.page);

    step('1. The volunteer');
    // 1. The volunteer logs in, opens the demo household and creates its card (online).
    await v.page.goto(`${server!.url}/dang-nhap`);
    await v.page.getByLabel('Số điện thoại').fill(volunteer!.phone);
    await v.page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await v.page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await expect.poll(async () => (await syncTab(v.page).getAttribute('aria-label')) ?? '', SLOW).toMatch(/Đã gửi hết · Sẵn sàng/);
    await v.page.getByRole('link', { name: 'Thôn/Tổ', exact: true }).click();
    await v.page.getByRole('link', { name: 'Chọn địa bàn' }).click();
    await v.page.getByLabel('Tỉnh/thành phố').selectOption('38');
    await v.page.getByLabel('Tìm xã/phường').fill('pu luong');
    await v.page.getByRole('radio', { name: 'Xã Pù Luông' }).check();
    await v.page.getByRole('button', { name: 'Lưu và chọn thôn/tổ' }).click();
    await v.page.getByRole('button', { name: 'Chọn Bản Đôn để làm việc' }).click();
    await v.page.getByRole('link', { name: /Hà Văn Khuyên/ }).click();
    await v.page.getByRole('heading', { level: 1, name: 'Hà Văn Khuyên' }).waitFor();
    const householdUrl = v.page.url();
    await v.page.getByRole('link', { name: 'Thẻ hộ' }).click();
    await v.page.getByRole('heading', { level: 1, name: 'Thẻ hộ gia đình' }).waitFor();
    await v.page.getByRole('button', { name: 'Tạo thẻ hộ' }).click();
    const card = v.page.getByRole('region', { name: 'Tự đánh giá kỹ năng số' });
    await card.getByRole('img', { name: 'Mã QR mở trang tự đánh giá của hộ' }).waitFor();
    const printed = (await card.locator('.household-card-code').innerText()).replace(/^.*:\s*/s, '').trim();
    expect(printed).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    const cardText = await card.innerText();
    expect(cardText).toContain('Bản Đôn');
    expect(cardText).not.toContain('Hà Văn Khuyên');
    const code = normalizeLinkCode(printed)!;

    step('2. The resident');
    // 2. The resident, offline, opens the link from the card: the cached app shell serves it.
    await r.ctx.setOffline(true);
    const opened = await r.page.goto(`${server!.url}/ma/${code}`);
    expect(opened?.fromServiceWorker()).toBe(true);
    await r.page.getByRole('heading', { level: 1, name: 'Chào mừng bạn' }).waitFor();
    await r.page.getByText(/Máy đang không có mạng/).waitFor();

    step('A guide opens');
    // A guide opens offline too, with its steps (the lazy screen and the guides' content are precached).
    await r.page.goto(`${server!.url}/huong-dan/safety-never-share-otp`);
    await r.page.getByRole('heading', { level: 2, name: 'Các bước' }).waitFor();
    expect(await r.page.locator('.guide-steps li').count()).toBeGreaterThanOrEqual(3);
    await r.page.goBack();
    await r.page.getByRole('link', { name: 'Bắt đầu tự đánh giá' }).click();

    step('3. The self-check');
    // 3. The self-check: all of online safety done alone, one payment task with help.
    await r.page.getByRole('heading', { level: 1, name: 'Tự đánh giá kỹ năng số' }).waitFor();
    await r.page.getByRole('link', { name: 'Trả lời về kỹ năng Tự bảo vệ mình trên không gian mạng' }).click();
    const groups = r.page.getByRole('group');
    await expect.poll(() => groups.count(), SLOW).toBe(SUB_SKILLS['online-safety'].length);
    for (let i = 0; i < SUB_SKILLS['online-safety'].length; i += 1) {
      await groups.nth(i).getByRole('radio', { name: 'Tôi tự làm được' }).check();
    }
    await r.page.getByRole('link', { name: /^Kỹ năng tiếp theo: Sử dụng nền tảng số/ }).waitFor();
    await r.page.getByRole('link', { name: 'Xong, xem kết quả' }).click();
    await r.page.getByRole('link', { name: 'Trả lời về kỹ năng Thanh toán trực tuyến' }).click();
    await r.page.getByRole('group').first().getByRole('radio', { name: 'Cần người giúp' }).check();
    await r.page.getByRole('link', { name: 'Xong, xem kết quả' }).click();
    const safety = r.page.getByRole('listitem').filter({ has: r.page.getByRole('heading', { name: 'Tự bảo vệ mình trên không gian mạng' }) });
    await safety.getByText('Tự làm được', { exact: true }).waitFor();
    await r.page.getByText(`Kết quả sẽ gửi cho hộ có mã ${printed}.`).waitFor();
    await r.page.getByRole('button', { name: 'Gửi kết quả' }).click();
    await r.page.getByText(/kết quả sẽ tự gửi khi có mạng/).waitFor();
    await r.page.getByText('Đang chờ gửi', { exact: true }).waitFor();

    step('4. Back online');
    // 4. Back online: it reaches the server.
    await r.ctx.setOffline(false);
    await expect
      .poll(async () => {
        const retry = r.page.getByRole('button', { name: 'Thử gửi lại ngay' });
        if (await retry.isVisible()) await retry.click();
        return r.page.getByText('Đã gửi', { exact: true }).count();
      }, SLOW)
      .toBe(1);

    step('5. The volunteer syncs');
    // 5. The volunteer syncs and sees it on the household page, as self-reported, beside the observed outcomes.
    await syncUntilDone(v.page);
    await v.page.goto(householdUrl);
    await v.page.getByRole('heading', { level: 1, name: 'Hà Văn Khuyên' }).waitFor();
    const section = v.page.getByRole('region', { name: /Người dân tự đánh giá/ });
    await section.getByText('Tự đánh giá', { exact: true }).waitFor();
    await expect
      .poll(() => section.getByRole('listitem').filter({ hasText: 'Tự bảo vệ mình trên không gian mạng' }).innerText(), SLOW)
      .toContain('Tự làm được');
    expect(await section.getByRole('listitem').filter({ hasText: 'Thanh toán trực tuyến' }).innerText()).toContain('Cần người giúp');
    // The observed table is untouched: nobody was observed proficient.
    expect(await v.page.getByRole('table').getByText('Thành thạo', { exact: true }).count()).toBe(0);

    expect(pageErrors).toEqual([]);
  }, 180_000);
});
