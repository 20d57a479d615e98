/**
 * The 2025 list of provinces and communes, a static asset (public/data, precached by the service worker so it
 * works offline). Fetched on first need, validated, then kept in memory for the session.
 */
import { parseAdminUnits, type AdminUnits } from '../../../shared/areas.ts';

export const ADMIN_UNITS_URL = '/data/admin-units-2025.json';

let cached: Promise<AdminUnits> | null = null;

async function fetchAdminUnits(): Promise<AdminUnits> {
  const response = await fetch(ADMIN_UNITS_URL);
  if (!response.ok) throw new Error(`admin units: HTTP ${response.status}`);
  const parsed = parseAdminUnits(await response.json());
  if (parsed === null) throw new Error('admin units: unexpected shape');
  return parsed;
}

export function loadAdminUnits(): Promise<AdminUnits> {
  cached ??= fetchAdminUnits().catch((error: unknown) => {
    cached = null; // a later retry fetches again
    throw error;
  });
  return cached;
}

/** Forgets the in-memory copy (tests start each case from the network). */
export function clearAdminUnitsCache(): void {
  cached = null;
}
