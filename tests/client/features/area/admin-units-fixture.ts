/** Serves the real public/data/admin-units-2025.json to fetch(), as the static server would. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { vi } from 'vitest';
import { ADMIN_UNITS_URL, clearAdminUnitsCache } from '../../../../src/client/features/area/admin-units.ts';

const adminUnitsText = readFileSync(resolve(process.cwd(), 'public/data/admin-units-2025.json'), 'utf8');

/** fetch answers the admin-unit list; `failures` first answers that many network errors. */
export function serveAdminUnits({ failures = 0 } = {}) {
  clearAdminUnitsCache();
  let remaining = failures;
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.endsWith(ADMIN_UNITS_URL)) return new Response('not found', { status: 404 });
    if (remaining > 0) {
      remaining -= 1;
      throw new TypeError('Failed to fetch');
    }
    return new Response(adminUnitsText, { headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}
