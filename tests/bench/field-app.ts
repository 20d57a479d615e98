/**
 * Field-app benchmark (issue 2): in headless Chromium with real IndexedDB and 20,000 households / 60,000 people /
 * 100,000 visits loaded:
 *  - initial JS (gzip) the start page loads before it is interactive, fresh and with data;
 *  - save-a-visit through the app's data layer vs a raw IndexedDB single-record put, interleaved in the same run;
 *  - search-as-you-type per keystroke over one hamlet's list (2,000 households) and over all 20,000;
 *  - the hamlet overview;
 *  - cold start to interactive (browser relaunched on the same profile, time to the first household row).
 * Prints one table. Figures, not pass/fail: nothing here fails on speed.
 */
import { build } from 'vite';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPhone } from '../support/browser.ts';
import { serveStatic } from './static-server.ts';
import { fmt, median, percentile, printTable } from './stats.ts';

const root = new URL('../..', import.meta.url).pathname;
const SPEC = { provinceCode: '38', communeCode: '15061', hamlets: 10, households: 20_000, peoplePerHousehold: 3, visits: 100_000 };

async function buildAll(): Promise<{ appDir: string; harnessDir: string }> {
  const appDir = join(root, process.env.DIST_DIR ?? 'dist');
  if (!existsSync(join(appDir, 'index.html')) || process.env.BENCH_REBUILD !== '0') {
    await build({ root, logLevel: 'warn' });
  }
  // Beside the app build, so parallel runs with their own DIST_DIR never rebuild each other's harness.
  const harnessDir = process.env.DIST_DIR ? `${appDir}-bench-harness` : join(root, '.tmp', 'bench-harness');
  await build({
    configFile: false,
    root: join(root, 'tests/bench/harness'),
    base: '/__bench/',
    logLevel: 'warn',
    build: { outDir: harnessDir, emptyOutDir: true, target: 'es2022' },
  });
  return { appDir, harnessDir };
}

/** Loads `path`, collects every script the page itself requests until `ready` holds, and sums their gzip sizes. */
async function scriptsUntilReady(page: Page, appDir: string, url: string, ready: () => Promise<unknown>) {
  const scripts = new Set<string>();
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
  });
  const t0 = Date.now();
  await page.goto(url);
  await ready();
  const ms = Date.now() - t0;
  let gzip = 0;
  let raw = 0;
  for (const s of scripts) {
    const body = await readFile(join(appDir, s));
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { ms, files: [...scripts], gzip, raw };
}

const firstHouseholdRow = (page: Page) =>
  page.waitForFunction(() => document.querySelectorAll('main a[href^="/ho/"]').length > 0, null, { timeout: 60_000 });

export async function runFieldAppBench(): Promise<void> {
  const { appDir, harnessDir } = await buildAll();
  const server = await serveStatic(appDir, harnessDir);
  const profile = await mkdtemp(join(tmpdir(), 'tn-bench-'));
  let ctx: BrowserContext | undefined;
  try {
    // 1. A fresh phone: the start page (area picker) and what it loads.
    ctx = await launchPhone(profile);
    let page = ctx.pages()[0] ?? (await ctx.newPage());
    // Interactive: the province field, which only the app renders (the prerendered HTML shows the page while the
    // list loads, so its heading is there before any script ran).
    const fresh = await scriptsUntilReady(page, appDir, `${server.url}/`, () =>
      page.getByRole('combobox').first().waitFor({ timeout: 60_000 }),
    );

    // 2. Load the data through the harness (same origin, same database).
    await page.goto(`${server.url}/__bench/`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const seeded = await page.evaluate((spec) => window.bench.seed(spec), SPEC);
    const save = await page.evaluate(() => window.bench.saveVisits(300));
    const searchHamlet = await page.evaluate((id) => window.bench.search(id), seeded.hamletIds[0]!);
    const searchAll = await page.evaluate(() => window.bench.search(null));
    const overview = await page.evaluate((id) => window.bench.overview(id, 100), seeded.hamletIds[0]!);
    await ctx.close();

    // 3. Cold starts: relaunch the browser on the same profile, open the app, wait for the first household row.
    const cold: number[] = [];
    let withData: Awaited<ReturnType<typeof scriptsUntilReady>> | undefined;
    for (let i = 0; i < 5; i++) {
      ctx = await launchPhone(profile);
      page = ctx.pages()[0] ?? (await ctx.newPage());
      const r = await scriptsUntilReady(page, appDir, `${server.url}/`, () => firstHouseholdRow(page));
      cold.push(r.ms);
      if (i === 0) withData = r;
      await ctx.close();
      ctx = undefined;
    }

    const saveMed = median(save.save);
    const putMed = median(save.put);
    const kb = (b: number) => `${fmt(b / 1024, 1)} KiB`;
    printTable(
      `Field app — Chromium ${'headless'}, ${seeded.counts.households.toLocaleString('en')} households / ` +
        `${seeded.counts.people.toLocaleString('en')} people / ${seeded.counts.visits.toLocaleString('en')} visits ` +
        `(seeded in ${fmt(seeded.ms / 1000, 1)} s)`,
      [
        ['initial JS, fresh start page (gzip)', `${kb(fresh.gzip)} in ${fresh.files.length} files (${kb(fresh.raw)} raw)`, '≤ 190 KiB', fresh.gzip <= 190 * 1024 ? 'met' : 'MISSED'],
        ['initial JS, registry start page (gzip)', `${kb(withData!.gzip)} in ${withData!.files.length} files`, '≤ 190 KiB', withData!.gzip <= 190 * 1024 ? 'met' : 'MISSED'],
        ['save a visit (median of 300)', `${fmt(saveMed)} ms (p95 ${fmt(percentile(save.save, 95))})`, '', ''],
        ['save until its totals are settled (same saves)', `${fmt(median(save.settled))} ms (p95 ${fmt(percentile(save.settled, 95))})`, '', save.consistent ? 'data checked' : 'DATA WRONG'],
        ['raw IndexedDB put (median, same run)', `${fmt(putMed)} ms (p95 ${fmt(percentile(save.put, 95))})`, '', ''],
        ['Dexie: one put in a transaction (same run)', `${fmt(median(save.dexiePut))} ms`, '', ''],
        ['Dexie: three dependent round trips (same run)', `${fmt(median(save.threeTrips))} ms`, '', ''],
        ['save-a-visit ÷ raw put', `${fmt(saveMed / putMed)}×`, '≤ 3×', saveMed / putMed <= 3 ? 'met' : 'MISSED'],
        [`search per keystroke, one hamlet (${searchHamlet.rows} rows)`, `${fmt(median(searchHamlet.perKeystroke), 3)} ms median, p95 ${fmt(percentile(searchHamlet.perKeystroke, 95), 3)}`, '≤ 50 ms', median(searchHamlet.perKeystroke) <= 50 ? 'met' : 'MISSED'],
        [`search per keystroke, all (${searchAll.rows} rows)`, `${fmt(median(searchAll.perKeystroke), 3)} ms median, p95 ${fmt(percentile(searchAll.perKeystroke, 95), 3)}`, '≤ 50 ms', median(searchAll.perKeystroke) <= 50 ? 'met' : 'MISSED'],
        [`load + sort hamlet list (${searchHamlet.rows})`, `${fmt(searchHamlet.loadMs)} ms`, '', ''],
        ['hamlet overview (median of 100)', `${fmt(median(overview.times))} ms (p95 ${fmt(percentile(overview.times, 95))})`, '≤ 50 ms', median(overview.times) <= 50 ? 'met' : 'MISSED'],
        ['cold start to first household row', `${fmt(median(cold), 0)} ms median of ${cold.length} (${cold.map((c) => fmt(c, 0)).join(', ')})`, '', ''],
      ],
    );
    console.log(`  start-page scripts (registry): ${withData!.files.join(', ')}`);
  } finally {
    await ctx?.close().catch(() => undefined);
    await server.close();
    await rm(profile, { recursive: true, force: true });
  }
}
