/**
 * A record's content fingerprint for idempotency: SHA-256 of its canonical JSON (keys sorted) without `version`,
 * which the server assigns. Same content pushed twice → same hash → `duplicate`, never a new change.
 */
import { createHash } from 'node:crypto';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'version' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(record: Record<string, unknown>): string {
  return createHash('sha256').update(canonical(record)).digest('hex');
}
