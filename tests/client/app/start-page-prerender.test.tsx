import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import { startPageMarkup, type StartPageStrings } from '../../../src/client/app/start-page-markup.ts';
import { routes } from '../../../src/client/app/routes.ts';
import { renderApp } from '../../support/render-app.tsx';

const locale = (ns: string): unknown => JSON.parse(readFileSync(resolve(process.cwd(), `locales/vi/${ns}.json`), 'utf8'));
const strings = { common: locale('common'), area: locale('area'), sync: locale('sync') } as StartPageStrings;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the start page prerendered into index.html', () => {
  it('is exactly what the app renders on a first visit while the area list loads, so replacing it moves nothing', async () => {
    // The area list never arrives: the screen stays as a slow phone first shows it.
    vi.stubGlobal('fetch', () => new Promise<Response>(() => undefined));
    const { container } = await renderApp(routes.area());
    await screen.findByRole('heading', { level: 1, name: 'Chọn địa bàn' });
    // Once the device's database has been read (no working area, no session, nothing unsent) the screen is the
    // prerendered one — and it stays so.
    const markup = startPageMarkup(strings);
    await waitFor(() => expect(container.innerHTML).toBe(markup), { timeout: 10_000 });
    await new Promise((done) => setTimeout(done, 200));

    expect(container.innerHTML).toBe(markup);
  });

  it('escapes the words it writes into the HTML', () => {
    const tricky = structuredClone(strings);
    tricky.area.area.title = 'Xã <A> & "B"';

    expect(startPageMarkup(tricky)).toContain('<h1>Xã &lt;A&gt; &amp; &quot;B&quot;</h1>');
  });
});
