import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/server/services/content-hash.ts';

/**
 * The canonical text as the first version of content-hash.ts built it (keys sorted at every level, `version` and
 * undefined values left out, each value through JSON.stringify): stored hashes were taken with it, so the fast path
 * must give the very same text.
 */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? '' : reference(v))).join(',')}]`;
  const object = value as Record<string, unknown>;
  const parts = Object.keys(object)
    .sort()
    .filter((k) => k !== 'version' && object[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${reference(object[k])}`);
  return `{${parts.join(',')}}`;
}
const referenceHash = (record: Record<string, unknown>) => createHash('sha256').update(reference(record)).digest('hex');

const STRINGS = [
  '', 'plain', 'Nguyễn Thị Hồng Nhung', 'Ấp Bình Thạnh 2', 'a "quoted" word', 'back\\slash', 'line\nbreak', 'tab\there',
  '\u0000nul', '\u001funit separator', '\u007fdel', '\u2028line separator', 'emoji 👍 pair', 'lone \ud800 high',
  'lone \udc00 low', '\udc00\ud800 reversed pair', '2026-11-23T10:00:00.000Z', '0198a0b0-1234-7abc-8def-0123456789ab',
];

describe('content hash', () => {
  it('gives the hash stored records were taken with (a fixed record keeps a fixed hash)', () => {
    const record = {
      id: '0198a0b0-1234-7abc-8def-0123456789ab', version: 3, name: 'Nguyễn Văn "Tư"\\ \u0007 tab\t',
      members: [{ b: 1, a: null }], deleted: false, score: 1.5e-7, zeta: undefined,
    };
    expect(contentHash(record)).toBe('1a18327c90c8f58c04067641ed56bfa0747f6c46ba4157d4b8982d7da1bd5b68');
  });

  it('builds the same canonical text as the first version for every kind of string, number and nesting', () => {
    for (const [i, s] of STRINGS.entries()) {
      const record = {
        id: s, notes: s, [s === '' ? 'empty' : s]: s, nested: { z: [s, null, 1, -0, 2.5e21, true], a: { [s]: [s] } },
        list: [undefined, s, [s]], version: i, n: i / 3, gone: undefined,
      };
      expect(contentHash(record), JSON.stringify(s)).toBe(referenceHash(record));
    }
  });

  it('leaves out the version the server assigns, and tells different contents apart', () => {
    const visit = { id: 'v1', outcomes: [{ skill: 'online-safety', outcome: 'guided' }], notes: '' };
    expect(contentHash({ ...visit, version: 7 })).toBe(contentHash(visit));
    expect(contentHash({ ...visit, notes: 'khác' })).not.toBe(contentHash(visit));
    expect(contentHash({ ...visit, notes: '"' })).not.toBe(contentHash({ ...visit, notes: '\\"' }));
  });
});
