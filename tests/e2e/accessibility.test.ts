/**
 * axe-core on every screen a volunteer or a resident meets (issue 5, "must hold": 0 violations), in Debian Chromium
 * against the built app served as `npm start` serves it, under the app's real Content Security Policy:
 *  - a fresh phone's start page at 360 px and 320 px, in normal, large-text and high-contrast modes (chosen in
 *    Settings, as a person would);
 *  - a working phone (a hamlet, a household with a visit): the area picker, hamlets, households list, household
 *    page, household form, visit form, overview, settings, login and sync screens, in the same three modes at 360 px,
 *    and the sync screen once logged in.
 * The fresh phone's start page is painted from the HTML (prerendered) and handed to the app without a layout shift.
 * WCAG 2.0/2.1 A and AA plus best practices. Every violation is listed with its rule, the elements and axe's help;
 * a console error or a CSP violation anywhere fails the test as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/server/services/demo-seed.ts';
import { normalizeLinkCode } from '../../src/shared/household-link.ts';
import { axeViolations, formatViolations } from '../support/axe.ts';
import { chromiumAvailable, launchPhone } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

const SLOW = { timeout: 20_000, interval: 250 };

type Mode = 'normal' | 'large text' | 'high contrast';
const MODES: Mode[] = ['normal', 'large text', 'high contrast'];

/**
 * The server rebuilds a stale dist/ itself, with this process's environment: under vitest (NODE_ENV=test) that build
 * would not be a production one and would register no service worker.
 */
const PRODUCTION = { NODE_ENV: 'production' };

let server: RunningServer | undefined;
let dataDir: string;
const profiles: string[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install chromium');
  dataDir = await mkdtemp(join(tmpdir(), 'tn-e2e-a11y-data-'));
  server = await startServer(dataDir, { ...PRODUCTION, DEMO: '1' });
});

afterAll(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => undefined);
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
  for (const p of profiles) await rm(p, { recursive: true, force: true });
});

/** Errors any page reported: an uncaught exception, a React warning or a CSP violation fails the test. */
const pageErrors: string[] = [];

async function phone(): Promise<Page> {
  const profile = await mkdtemp(join(tmpdir(), 'tn-e2e-a11y-phone-'));
  profiles.push(profile);
  const ctx = await launchPhone(profile);
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  return page;
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });

/** Opens a URL by a full load, waits until the screen shows what `ready` waits for, and audits it. */
async function audit(page: Page, where: string, ready: () => Promise<unknown>): Promise<string[]> {
  await ready();
  // Nothing still loading (lazy screens, live queries).
  await expect.poll(() => page.getByText('Đang tải…', { exact: true }).count(), SLOW).toBe(0);
  return formatViolations(where, await axeViolations(page));
}

/** Sets large text / high contrast in Settings, as a person would. */
async function chooseMode(page: Page, mode: Mode) {
  await page.goto(`${server!.url}/cai-dat`);
  await heading(page, 'Cài đặt').waitFor();
  const large = page.getByRole('checkbox', { name: /^Chữ to/ });
  const contrast = page.getByRole('checkbox', { name: /^Tương phản cao/ });
  await large.setChecked(mode === 'large text');
  await contrast.setChecked(mode === 'high contrast');
  const expected = { text: mode === 'large text' ? 'large' : null, contrast: mode === 'high contrast' ? 'high' : null };
  await expect
    .poll(() => page.evaluate(() => ({ text: document.documentElement.dataset.text ?? null, contrast: document.documentElement.dataset.contrast ?? null })))
    .toEqual(expected);
}

interface Screen {
  name: string;
  path: string;
  /** Waits until the screen shows its content (and may bring it to the state to audit). */
  ready: (page: Page) => Promise<unknown>;
}

/** Audits each screen (a full load of its URL) in each display mode and at each width. */
async function auditScreens(page: Page, screens: Screen[], modes: Mode[], widths: number[] = [360]): Promise<string[]> {
  const found: string[] = [];
  for (const mode of modes) {
    await chooseMode(page, mode);
    for (const width of widths) {
      await page.setViewportSize({ width, height: 740 });
      for (const screen of screens) {
        await page.goto(`${server!.url}${screen.path}`);
        found.push(...(await audit(page, `${screen.name}, ${width} px, ${mode}`, () => screen.ready(page))));
      }
    }
  }
  await page.setViewportSize({ width: 360, height: 740 });
  return found;
}

async function logInAsVolunteer(page: Page) {
  const volunteer = DEMO_ACCOUNTS.find((a) => a.role === 'volunteer');
  if (!volunteer) throw new Error('the demo seed has no volunteer');
  await page.goto(`${server!.url}/dang-nhap`);
  await page.getByLabel('Số điện thoại').fill(volunteer.phone);
  await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await heading(page, 'Đồng bộ').waitFor();
  // The first sync ends idle (a phone's own hamlet outside the demo volunteer's commune keeps its changes waiting).
  await expect.poll(() => page.getByRole('link', { name: /^Đồng bộ:/ }).getAttribute('aria-label'), SLOW).toMatch(/· Sẵn sàng$/);
}

describe('accessibility of every screen (axe-core, WCAG 2.1 AA + best practices)', () => {
  it('serves the app under a CSP that refuses inline scripts, so the audits run under the real policy', async () => {
    const response = await fetch(`${server!.url}/`, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
  });

  it('reports a control without an accessible name by rule, element and help, without tripping the CSP', async () => {
    const page = await phone();
    await page.goto(server!.url);
    await page.getByLabel('Tỉnh/thành phố').waitFor();
    await page.evaluate(() => {
      const unnamed = document.createElement('button');
      unnamed.id = 'unnamed-control';
      document.querySelector('main')?.append(unnamed);
    });
    const report = formatViolations('start page', await axeViolations(page)).join('\n');
    expect(report).toContain('start page: button-name (critical) — Buttons must have discernible text');
    expect(report).toContain('#unnamed-control');
    expect(pageErrors).toEqual([]);
  });

  it('finds no violation on a fresh phone’s start page at 360 px and 320 px, in every display mode', async () => {
    const page = await phone();
    const start: Screen = { name: 'start page', path: '/', ready: (p) => p.getByLabel('Tỉnh/thành phố').waitFor() };
    const found = await auditScreens(page, [start], MODES, [360, 320]);
    // The area picker with a province chosen and the communes listed.
    await page.goto(server!.url);
    await page.getByLabel('Tỉnh/thành phố').selectOption('38');
    await page.getByLabel('Tìm xã/phường').fill('ngoc');
    found.push(
      ...(await audit(page, 'area picker with communes', () => page.getByRole('radio', { name: 'Xã Ngọc Lặc' }).waitFor())),
    );
    expect(found.join('\n')).toBe('');
    expect(pageErrors).toEqual([]);
  });

  it('paints a fresh phone’s start page from the HTML, then hands it to the app without moving anything', async () => {
    const html = await (await fetch(`${server!.url}/`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('<h1>Chọn địa bàn</h1>');
    const page = await phone();
    await page.goto(server!.url);
    // public/boot.js recognised a first visit before the first paint.
    expect(await page.evaluate(() => document.documentElement.dataset.start ?? null)).toBe('fresh');
    await page.getByLabel('Tỉnh/thành phố').waitFor();
    expect(await page.locator('.start-page').count()).toBe(0);
    // The app's scripts are requested only once the page was painted (boot.js adds them): on a slow link the words
    // and styles never share the bandwidth with them.
    expect(html).not.toContain('<script type="module"');
    expect(html).not.toContain('rel="modulepreload"');
    const order = await page.evaluate(() => ({
      firstPaint: performance.getEntriesByType('paint').find((entry) => entry.name === 'first-contentful-paint')?.startTime ?? null,
      scripts: performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).pathname.startsWith('/assets/') && entry.name.endsWith('.js'))
        .map((entry) => entry.startTime),
    }));
    expect(order.firstPaint).not.toBeNull();
    expect(order.scripts.length).toBeGreaterThan(3);
    expect(Math.min(...order.scripts)).toBeGreaterThanOrEqual(order.firstPaint!);
    const shifted = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) total += (entry as PerformanceEntry & { value: number }).value;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(total), 500);
        }),
    );
    expect(shifted).toBe(0);
    // The same phone again: the app has run here, so it shows the boot message, never a first visit's screen.
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.start ?? null)).toBeNull();
    await page.getByLabel('Tỉnh/thành phố').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('finds no violation on the volunteer’s screens in normal, large-text and high-contrast modes, logged out and in', async () => {
    const page = await phone();

    // A working phone: area, hamlet, a household with two members and a visit (all through the UI).
    await page.goto(server!.url);
    await page.getByLabel('Tỉnh/thành phố').selectOption('38');
    await page.getByLabel('Tìm xã/phường').fill('ngoc lac');
    await page.getByRole('radio', { name: 'Xã Ngọc Lặc' }).check();
    await page.getByRole('button', { name: 'Lưu và chọn thôn/tổ' }).click();
    await page.getByLabel('Tên thôn/tổ dân phố').fill('Thôn Đông');
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await page.getByRole('button', { name: 'Chọn Thôn Đông để làm việc' }).click();
    await page.getByRole('link', { name: 'Thêm hộ' }).click();
    await page.getByLabel('Họ tên chủ hộ').waitFor();
    const householdsUrl = new URL(page.url()).pathname.replace(/\/ho-moi$/, '');
    await page.getByLabel('Họ tên chủ hộ').fill('Nguyễn Văn An');
    await page.getByLabel('Địa chỉ').fill('Xóm 3, số nhà 12');
    await page.getByLabel('Số điện thoại').fill('0912 345 678');
    await page.getByRole('button', { name: 'Thêm thành viên' }).click();
    const second = page.getByRole('group', { name: 'Thành viên 2' });
    await second.getByLabel('Họ và tên').fill('Trần Thị Bình');
    await second.getByLabel('Năm sinh').fill('1968');
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await heading(page, /Nguyễn Văn An/).waitFor();
    const householdUrl = new URL(page.url()).pathname;
    await page.getByRole('link', { name: 'Ghi lần thăm' }).click();
    await heading(page, 'Ghi lần thăm').waitFor();
    await page.getByRole('button', { name: 'Nguyễn Văn An', exact: true }).click();
    await page.getByRole('button', { name: 'Đánh dấu Nguyễn Văn An thành thạo cả 5 kỹ năng' }).click();
    await page.getByRole('button', { name: 'Lưu lần thăm' }).click();
    await page.getByText('Đã lưu').first().waitFor();

    // Some screens are audited again in the state a person brings them to (errors shown, people chosen).
    const screens: Screen[] = [
      { name: 'area picker', path: '/khu-vuc', ready: (p) => p.getByRole('radio', { name: 'Xã Ngọc Lặc' }).waitFor() },
      { name: 'hamlets', path: '/thon', ready: (p) => p.getByRole('button', { name: 'Đổi tên Thôn Đông' }).waitFor() },
      { name: 'households list', path: householdsUrl, ready: (p) => p.getByRole('link', { name: /Nguyễn Văn An/ }).waitFor() },
      { name: 'new household form', path: `${householdsUrl}/ho-moi`, ready: (p) => p.getByLabel('Họ tên chủ hộ').waitFor() },
      {
        name: 'new household form showing its errors',
        path: `${householdsUrl}/ho-moi`,
        ready: async (p) => {
          await p.getByRole('button', { name: 'Lưu', exact: true }).click();
          await p.getByText('Cần nhập mục này').first().waitFor();
        },
      },
      { name: 'household page', path: householdUrl, ready: (p) => p.getByRole('link', { name: /^Sửa lần thăm/ }).waitFor() },
      { name: 'household card, not synced yet', path: `${householdUrl}/the`, ready: (p) => p.getByText(/^Hộ này chưa được gửi lên máy chủ/).waitFor() },
      { name: 'household edit form', path: `${householdUrl}/sua`, ready: (p) => p.getByRole('button', { name: 'Sửa thông tin Trần Thị Bình' }).waitFor() },
      { name: 'visit form', path: `${householdUrl}/tham-moi`, ready: (p) => p.getByRole('button', { name: 'Lưu lần thăm' }).waitFor() },
      {
        name: 'visit form with both members chosen',
        path: `${householdUrl}/tham-moi`,
        ready: async (p) => {
          for (const name of ['Nguyễn Văn An', 'Trần Thị Bình']) await p.getByRole('button', { name, exact: true }).click();
          await p.getByRole('radiogroup', { name: 'Trần Thị Bình — Thanh toán trực tuyến' }).waitFor();
        },
      },
      { name: 'overview', path: `${householdsUrl}/tong-quan`, ready: (p) => heading(p, /^Tổng quan: /).waitFor() },
      { name: 'settings', path: '/cai-dat', ready: (p) => p.getByRole('checkbox', { name: /^Chữ to/ }).waitFor() },
      { name: 'login', path: '/dang-nhap', ready: (p) => p.getByLabel('Mật khẩu').waitFor() },
      { name: 'sync (logged out)', path: '/dong-bo', ready: (p) => p.getByRole('link', { name: 'Đăng nhập để đồng bộ' }).waitFor() },
      { name: 'page not found', path: '/khong-co-trang-nay', ready: (p) => heading(p, 'Không tìm thấy trang').waitFor() },
    ];

    const found = await auditScreens(page, screens, MODES);

    // Logged in (the demo seed's volunteer): the sync screen shows the account and the sync summary.
    await logInAsVolunteer(page);
    found.push(
      ...(await auditScreens(page, [{ name: 'sync (logged in)', path: '/dong-bo', ready: (p) => p.getByRole('button', { name: 'Đăng xuất' }).waitFor() }], MODES)),
    );

    expect(found.join('\n')).toBe('');
    expect(pageErrors).toEqual([]);
  });

  it('finds no violation on the household card, the resident’s screens and the self-report on the household page', async () => {
    // The volunteer prints a card for the demo household (logged in, online).
    const volunteer = await phone();
    await logInAsVolunteer(volunteer);
    await volunteer.getByRole('link', { name: 'Thôn/Tổ', exact: true }).click();
    await volunteer.getByRole('link', { name: 'Chọn địa bàn' }).click();
    await volunteer.getByLabel('Tỉnh/thành phố').selectOption('38');
    await volunteer.getByLabel('Tìm xã/phường').fill('pu luong');
    await volunteer.getByRole('radio', { name: 'Xã Pù Luông' }).check();
    await volunteer.getByRole('button', { name: 'Lưu và chọn thôn/tổ' }).click();
    await volunteer.getByRole('button', { name: 'Chọn Bản Đôn để làm việc' }).click();
    await volunteer.getByRole('link', { name: /Hà Văn Khuyên/ }).click();
    await heading(volunteer, 'Hà Văn Khuyên').waitFor();
    const householdPath = new URL(volunteer.url()).pathname;
    await volunteer.goto(`${server!.url}${householdPath}/the`);
    await volunteer.getByRole('button', { name: 'Tạo thẻ hộ' }).click();
    const card = volunteer.getByRole('region', { name: 'Tự đánh giá kỹ năng số' });
    await card.getByRole('img', { name: 'Mã QR mở trang tự đánh giá của hộ' }).waitFor();
    const printed = (await card.locator('.household-card-code').innerText()).replace(/^.*:\s*/s, '').trim();
    const code = normalizeLinkCode(printed);
    if (code === null) throw new Error(`the card shows no usable code: ${printed}`);

    const found = await auditScreens(
      volunteer,
      [{ name: 'household card', path: `${householdPath}/the`, ready: (p) => p.getByRole('button', { name: /^Thu hồi mã kết thúc bằng/ }).waitFor() }],
      MODES,
    );

    // The resident's phone: no account. The household link, the self-check, a skill's questions, the guides.
    const resident = await phone();
    const residentScreens: Screen[] = [
      { name: 'household link', path: `/ma/${code}`, ready: (p) => p.getByRole('link', { name: 'Bắt đầu tự đánh giá' }).waitFor() },
      {
        name: 'self-check',
        path: '/tu-danh-gia',
        ready: (p) => p.getByRole('link', { name: 'Trả lời về kỹ năng Thanh toán trực tuyến' }).waitFor(),
      },
      {
        name: 'self-check questions, answered',
        path: '/tu-danh-gia/online-safety',
        ready: async (p) => {
          await p.getByRole('group').first().getByRole('radio', { name: 'Cần người giúp' }).check();
          await p.getByRole('link', { name: 'Xong, xem kết quả' }).waitFor();
        },
      },
      { name: 'guides', path: '/huong-dan', ready: (p) => heading(p, 'Hướng dẫn kỹ năng số').waitFor() },
      { name: 'guide', path: '/huong-dan/safety-never-share-otp', ready: (p) => p.getByRole('heading', { level: 2, name: 'Các bước' }).waitFor() },
    ];
    found.push(...(await auditScreens(resident, residentScreens, MODES)));
    found.push(...(await auditScreens(resident, residentScreens, ['normal'], [320])));

    // The resident sends the answers; the volunteer's household page shows them beside the observed outcomes.
    await resident.goto(`${server!.url}/tu-danh-gia`);
    await resident.getByRole('button', { name: 'Gửi kết quả' }).click();
    await expect.poll(() => resident.getByText('Đã gửi', { exact: true }).count(), SLOW).toBe(1);
    await volunteer.goto(`${server!.url}/dong-bo`);
    await expect
      .poll(async () => {
        await volunteer.getByRole('button', { name: 'Đồng bộ ngay' }).click();
        await volunteer.getByRole('button', { name: 'Đồng bộ ngay' }).waitFor();
        return volunteer.getByRole('link', { name: /^Đồng bộ:/ }).getAttribute('aria-label');
      }, SLOW)
      .toMatch(/Đã gửi hết · Sẵn sàng/);
    found.push(
      ...(await auditScreens(
        volunteer,
        [{ name: 'household page with a self-report', path: householdPath, ready: (p) => p.getByRole('region', { name: /Người dân tự đánh giá/ }).getByText('Cần người giúp').first().waitFor() }],
        MODES,
      )),
    );

    expect(found.join('\n')).toBe('');
    expect(pageErrors).toEqual([]);
  });
});
