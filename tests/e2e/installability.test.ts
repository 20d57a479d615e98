/**
 * The PWA is installable (issue 5, "must hold"). Lighthouse 12 no longer audits installability, so this asks
 * Chromium itself through the DevTools protocol, against the built app served as `npm start` serves it: once the
 * service worker controls the page, `Page.getInstallabilityErrors` returns none and `Page.getAppManifest` parses
 * with no errors — a Vietnamese name and short name, a maskable icon whose file really is that size, a theme colour
 * matching the page's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { chromiumAvailable, launchPhone } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

/**
 * The server rebuilds a stale dist/ itself, with this process's environment: under vitest (NODE_ENV=test) that build
 * would not be a production one and would register no service worker.
 */
const PRODUCTION = { NODE_ENV: 'production' };

let server: RunningServer | undefined;
let dataDir: string;
let profile: string;
let ctx: BrowserContext | undefined;
let page: Page;
let cdp: CDPSession;
const pageErrors: string[] = [];

interface ManifestIcon {
  src: string;
  sizes?: string;
  type?: string;
  purpose?: string;
}

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install chromium');
  dataDir = await mkdtemp(join(tmpdir(), 'tn-e2e-install-data-'));
  profile = await mkdtemp(join(tmpdir(), 'tn-e2e-install-profile-'));
  server = await startServer(dataDir, PRODUCTION);
  ctx = await launchPhone(profile);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(server.url);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  // Installability needs a service worker with a fetch handler in control of the page.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  cdp = await ctx.newCDPSession(page);
});

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(profile, { recursive: true, force: true });
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error('not a PNG');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('installing the app on a phone', () => {
  it('has no installability errors once the service worker controls the page', async () => {
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.map((e) => [e.errorId, ...e.errorArguments.map((a) => `${a.name}=${a.value}`)].join(' '))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('has a manifest that parses with no errors, named in Vietnamese, with a maskable icon and a theme colour', async () => {
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect(new URL(manifest.url).pathname).toBe('/manifest.webmanifest');
    const data = JSON.parse(manifest.data ?? 'null') as {
      name: string;
      short_name: string;
      lang: string;
      start_url: string;
      display: string;
      theme_color: string;
      icons: ManifestIcon[];
    };
    expect(data.lang).toBe('vi');
    expect(data.short_name).toBe('Từng Nhà');
    expect(data.name).toMatch(/^Từng Nhà — Tổ công nghệ số cộng đồng$/);
    expect(data.start_url).toBe('/');
    expect(data.display).toBe('standalone');

    // The theme colour is the one the page declares, so the installed app's bar matches the browser's.
    const metaTheme = await page.locator('meta[name="theme-color"]').getAttribute('content');
    expect(data.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(data.theme_color.toLowerCase()).toBe(metaTheme?.toLowerCase());

    // A maskable icon of at least 512 px, served as a PNG of exactly the size it claims.
    const maskable = data.icons.filter((i) => (i.purpose ?? 'any').split(/\s+/).includes('maskable'));
    expect(maskable.length).toBeGreaterThan(0);
    for (const icon of [...maskable, ...data.icons.filter((i) => !maskable.includes(i))]) {
      const response = await fetch(new URL(icon.src, manifest.url));
      expect(response.status, icon.src).toBe(200);
      expect(response.headers.get('content-type'), icon.src).toBe(icon.type ?? 'image/png');
      const { width, height } = pngSize(new Uint8Array(await response.arrayBuffer()));
      expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
    }
    expect(Math.max(...maskable.map((i) => Number(i.sizes?.split('x')[0] ?? 0)))).toBeGreaterThanOrEqual(512);
  });
});
