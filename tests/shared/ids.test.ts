import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, uuidv7 } from '../../src/shared/ids.ts';

/** The 48-bit Unix-millisecond prefix of a UUIDv7. */
function timeOf(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

describe('uuidv7', () => {
  it('produces lower-case RFC 9562 UUIDs with version 7 and the 10xx variant', () => {
    for (let i = 0; i < 200; i++) {
      const id = uuidv7();
      expect(id).toMatch(UUID_PATTERN);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
  });

  // The generator remembers the last time it used, so each test below moves to a later, fixed time.
  it('puts the given time in the first 48 bits', () => {
    const t = Date.UTC(2201, 4, 17, 8, 30, 12, 345);
    expect(timeOf(uuidv7(t))).toBe(t);
  });

  it('keeps 10,000 ids made in the same millisecond strictly increasing and distinct', () => {
    const t = Date.UTC(2202, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => uuidv7(t));
    for (let i = 1; i < ids.length; i++) expect(ids[i - 1]! < ids[i]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_PATTERN);
    // A counter overflow may borrow a few milliseconds, never more than the ids need.
    expect(timeOf(ids[0]!)).toBe(t);
    expect(timeOf(ids.at(-1)!) - t).toBeLessThanOrEqual(Math.ceil(10_000 / 2048));
  });

  it('stays monotonic when the clock goes backwards', () => {
    const t = Date.UTC(2203, 0, 1);
    const first = uuidv7(t);
    const second = uuidv7(t - 5_000);
    expect(second > first).toBe(true);
  });

  it('starts from the new time when the clock moves on', () => {
    const t = Date.UTC(2204, 0, 1);
    uuidv7(t);
    expect(timeOf(uuidv7(t + 1))).toBe(t + 1);
  });
});
