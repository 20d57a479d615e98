import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { alignedRuns } from '../../src/server/services/totals.ts';
import { BIT_SPANS } from '../../src/server/services/aggregator.ts';
import { dayNumber } from '../../src/shared/totals.ts';

describe('the aligned runs of days a period is read from', () => {
  it('cover every day of the period exactly once, in order, each run aligned to its own length', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3000, max: 40_000 }), fc.integer({ min: 0, max: 3000 }), (from, length) => {
        const to = from + length;
        const days: number[] = [];
        for (const { s, b } of alignedRuns(from, to)) {
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(BIT_SPANS);
          for (let d = b * 4 ** s; d < (b + 1) * 4 ** s; d++) days.push(d);
        }
        expect(days).toEqual(Array.from({ length: length + 1 }, (_, i) => from + i));
      }),
    );
  });

  it('read at most 3 runs of each shorter length on each side, so a year takes a few dozen rows per area', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 4 ** BIT_SPANS * 2 }), (from, length) => {
        const runs = alignedRuns(from, from + length);
        for (let s = 0; s < BIT_SPANS; s++) expect(runs.filter((r) => r.s === s).length).toBeLessThanOrEqual(6);
        expect(runs.filter((r) => r.s === BIT_SPANS).length).toBeLessThanOrEqual(3);
      }),
    );
    expect(alignedRuns(dayNumber('2025-11-23'), dayNumber('2026-11-22')).length).toBeLessThanOrEqual(24);
  });
});
