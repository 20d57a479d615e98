/**
 * The reporting period in the address (?tu=YYYY-MM-DD&den=YYYY-MM-DD), so a drill-down, a reload or a shared link
 * keeps it. Presets are the calendar week (Monday first), month and quarter containing today in Vietnam.
 */
import { dayNumber, MAX_PERIOD_DAYS, presetPeriod, vnToday } from '../../../shared/totals.ts';

export type PeriodPreset = 'week' | 'month' | 'quarter';
export const PERIOD_PRESETS: readonly PeriodPreset[] = ['week', 'month', 'quarter'];

export interface Period {
  from: string;
  to: string;
}

export function presetOf(preset: PeriodPreset, now: Date = new Date()): Period {
  return presetPeriod(preset, vnToday(now));
}

export function isValidPeriod(p: Period): boolean {
  const a = dayNumber(p.from);
  const b = dayNumber(p.to);
  return Number.isFinite(a) && Number.isFinite(b) && a <= b && b - a < MAX_PERIOD_DAYS;
}

/** The period the address names, or this month. */
export function periodFromSearch(search: URLSearchParams, now: Date = new Date()): Period {
  const p = { from: search.get('tu') ?? '', to: search.get('den') ?? '' };
  return isValidPeriod(p) ? p : presetOf('month', now);
}

/** Which preset a period is, if any (for the picker). */
export function presetMatching(p: Period, now: Date = new Date()): PeriodPreset | null {
  return PERIOD_PRESETS.find((preset) => {
    const q = presetOf(preset, now);
    return q.from === p.from && q.to === p.to;
  }) ?? null;
}
