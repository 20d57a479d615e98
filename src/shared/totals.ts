/**
 * The totals contract (coordinators' reports): which node of the area tree and which period a request asks for,
 * and the answer — totals of the node and of its children, a weekly visit series, and the stamp every answer and
 * export carries (the change sequence number it reflects, when, how many devices in scope are behind).
 *
 * Days are calendar days in Vietnam (UTC+7, no daylight saving): a visit at 23:30 on the 1st in Hà Nội counts on
 * the 1st whatever the server's time zone. Periods are inclusive [from, to]. States (registered, at target,
 * proficient, follow-ups due) are "as of" the period's last day; flows (visits, households visited, active
 * volunteers) count what happened within it.
 */
import * as z from 'zod/mini';
import { SKILL_CODES } from './skills.ts';

export const NODE_KINDS = ['province', 'district', 'commune', 'hamlet', 'team', 'volunteer'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** Calendar periods the aggregates keep distinct counts for (weeks start on Monday). */
export const PERIOD_GRAINS = ['week', 'month', 'quarter', 'year'] as const;
export type PeriodGrain = (typeof PERIOD_GRAINS)[number];

export const EXPORT_FORMATS = ['csv', 'xlsx', 'a4'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** summary: the node and its children; households: one row per household (CSV/XLSX only). */
export const EXPORT_ROWS = ['summary', 'households'] as const;
export type ExportRows = (typeof EXPORT_ROWS)[number];
/** The language of an export's words (numbers and dates stay vi-VN); official documents are Vietnamese by default. */
export const EXPORT_LANGS = ['vi', 'en'] as const;
export type ExportLang = (typeof EXPORT_LANGS)[number];

/** The longest period a request may ask for (about ten years). */
export const MAX_PERIOD_DAYS = 3660;

const NODE_ID: Record<NodeKind, RegExp> = {
  province: /^\d{2}$/,
  district: /^\d{3}$/,
  commune: /^\d{5}$/,
  hamlet: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  team: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  volunteer: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};

export function isNodeId(kind: NodeKind, id: string): boolean {
  return NODE_ID[kind].test(id);
}

// ---- Days -----------------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const VN_OFFSET_MS = 7 * 3_600_000;

/** "2026-11-22" → days since 1970-01-01 (NaN when not a real date). */
export function dayNumber(isoDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return ms / DAY_MS;
}

/** days since 1970-01-01 → "2026-11-22" */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Vietnam calendar day of an instant ("2026-11-21T17:30:00Z" → the 22nd). */
export function vnDayOfInstant(isoDateTime: string): number {
  return Math.floor((Date.parse(isoDateTime) + VN_OFFSET_MS) / DAY_MS);
}

/** Today in Vietnam, as a day number. */
export function vnToday(now: Date = new Date()): number {
  return Math.floor((now.getTime() + VN_OFFSET_MS) / DAY_MS);
}

function ymd(day: number): { y: number; m: number; d: number } {
  const t = new Date(day * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** The bucket of a day in a calendar grain: weeks are numbered from the Monday 1970-01-05 (week 1). */
export function bucketOf(grain: PeriodGrain, day: number): number {
  if (grain === 'week') return Math.floor((day + 3) / 7);
  const { y, m } = ymd(day);
  if (grain === 'month') return y * 12 + (m - 1);
  if (grain === 'quarter') return y * 4 + Math.floor((m - 1) / 3);
  return y;
}

/** The first and last day of a bucket. */
export function bucketRange(grain: PeriodGrain, bucket: number): { from: number; to: number } {
  if (grain === 'week') return { from: bucket * 7 - 3, to: bucket * 7 + 3 };
  const monthStart = (y: number, m0: number) => Date.UTC(y, m0, 1) / DAY_MS;
  if (grain === 'month') {
    const y = Math.floor(bucket / 12);
    const m0 = bucket - y * 12;
    return { from: monthStart(y, m0), to: monthStart(y, m0 + 1) - 1 };
  }
  if (grain === 'quarter') {
    const y = Math.floor(bucket / 4);
    const m0 = (bucket - y * 4) * 3;
    return { from: monthStart(y, m0), to: monthStart(y, m0 + 3) - 1 };
  }
  return { from: monthStart(bucket, 0), to: monthStart(bucket + 1, 0) - 1 };
}

/** The calendar week, month, quarter or year [from, to] is exactly, if any (the smallest such grain). */
export function alignedPeriod(from: number, to: number): { grain: PeriodGrain; bucket: number } | null {
  for (const grain of PERIOD_GRAINS) {
    const bucket = bucketOf(grain, from);
    const r = bucketRange(grain, bucket);
    if (r.from === from && r.to === to) return { grain, bucket };
  }
  return null;
}

/** The calendar week, month or quarter containing `today`, as ISO dates: the reports screen's presets. */
export function presetPeriod(grain: Exclude<PeriodGrain, 'year'>, today: number): { from: string; to: string } {
  const r = bucketRange(grain, bucketOf(grain, today));
  return { from: isoDay(r.from), to: isoDay(r.to) };
}

// ---- Request ---------------------------------------------------------------------------------------------------

const isoDate = () => z.iso.date({ error: 'invalidDate' });

const nodeFields = {
  kind: z.enum(NODE_KINDS),
  id: z.string().check(z.maxLength(36, 'invalid')),
};

interface NodePeriod {
  kind: NodeKind;
  id: string;
  from: string;
  to: string;
}

const periodChecks = [
  z.refine<NodePeriod>((v) => isNodeId(v.kind, v.id), { message: 'invalid', path: ['id'] }),
  z.refine<NodePeriod>((v) => dayNumber(v.from) <= dayNumber(v.to), { message: 'invalid', path: ['to'] }),
  z.refine<NodePeriod>((v) => dayNumber(v.to) - dayNumber(v.from) < MAX_PERIOD_DAYS, { message: 'invalid', path: ['to'] }),
] as const;

const formatCheck = z.refine<{ format: ExportFormat; rows: ExportRows }>((v) => !(v.format === 'a4' && v.rows === 'households'), {
  message: 'invalid',
  path: ['rows'],
});

/** GET /api/reports/totals */
export const totalsQuerySchema = z
  .strictObject({ ...nodeFields, from: isoDate(), to: isoDate() })
  .check(...periodChecks);
export type TotalsQuery = z.output<typeof totalsQuerySchema>;

/** What names an export: the node and period, a format, which rows and the language of its headings. */
const exportFields = {
  ...nodeFields,
  from: isoDate(),
  to: isoDate(),
  format: z.enum(EXPORT_FORMATS),
  rows: z._default(z.enum(EXPORT_ROWS), 'summary'),
  lang: z._default(z.enum(EXPORT_LANGS), 'vi'),
};

/** GET /api/reports/export: an export; `ticket` replaces the bearer token. */
export const exportQuerySchema = z
  .strictObject({ ...exportFields, ticket: z.optional(z.string().check(z.maxLength(2000, 'tooLong'))) })
  .check(...periodChecks, formatCheck);
export type ExportQuery = z.output<typeof exportQuerySchema>;

/** POST /api/reports/export-links: a short-lived download link, so the token never travels in a URL. */
export const exportLinkRequestSchema = z.strictObject(exportFields).check(...periodChecks, formatCheck);
export type ExportLinkRequest = z.output<typeof exportLinkRequestSchema>;

export const exportLinkSchema = z.strictObject({
  /** Same-origin path with a signed ticket; valid until `expiresAt`, for the same account only. */
  href: z.string(),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type ExportLink = z.output<typeof exportLinkSchema>;

// ---- Answer ----------------------------------------------------------------------------------------------------

const count = () => z.int().check(z.minimum(0));

export const nodeRefSchema = z.strictObject({
  kind: z.enum(NODE_KINDS),
  id: z.string(),
  name: z.string(),
});
export type NodeRef = z.output<typeof nodeRefSchema>;

export const skillTotalsSchema = z.strictObject({
  skill: z.enum(SKILL_CODES),
  /** People whose latest observed outcome in the skill is "guided" (as of the period's end). */
  guided: count(),
  /** People whose latest observed outcome in the skill is "proficient". */
  proficient: count(),
  /** Households whose latest self-check says a resident can do the whole skill alone (self-reported, not observed). */
  selfReportedAlone: count(),
});
export type SkillTotals = z.output<typeof skillTotalsSchema>;

export const totalsSchema = z.strictObject({
  /** Households registered by the period's end (for a team or volunteer: households whose latest visit was theirs). */
  households: count(),
  /** Households with at least one visit within the period (for a team or volunteer: visited by them). */
  visitedHouseholds: count(),
  /** Households with a member observed proficient in all five skills, as of the period's end. */
  atTarget: count(),
  /** atTarget ÷ households, 0–1; null when there are no households. */
  atTargetRate: z.nullable(z.number()),
  /** Members of the households counted in `households`. */
  people: count(),
  skills: z.array(skillTotalsSchema),
  /** Visits made within the period (a corrected visit counts once, on its corrected date). */
  visits: count(),
  /** Households whose latest visit asked for a follow-up on or before the period's end. */
  followUpsDue: count(),
  /** Volunteers who made a visit within the period. */
  activeVolunteers: count(),
});
export type Totals = z.output<typeof totalsSchema>;

export const childTotalsSchema = z.strictObject({ node: nodeRefSchema, totals: totalsSchema });
export type ChildTotals = z.output<typeof childTotalsSchema>;

export const weeklyVisitsSchema = z.strictObject({ weekStart: isoDate(), visits: count() });
export type WeeklyVisits = z.output<typeof weeklyVisitsSchema>;

export const totalsAnswerSchema = z.strictObject({
  node: nodeRefSchema,
  /** The node's ancestors the caller may open, outermost first (for a breadcrumb). */
  path: z.array(nodeRefSchema),
  period: z.strictObject({ from: isoDate(), to: isoDate(), grain: z.nullable(z.enum(PERIOD_GRAINS)) }),
  /** The change sequence number the totals reflect; `latestSeq` is the newest the server holds. */
  seq: count(),
  latestSeq: count(),
  generatedAt: z.iso.datetime({ offset: true }),
  /** Devices in the node's scope that have not synced for more than 7 days. */
  staleDevices: count(),
  totals: totalsSchema,
  /** Drill-down: communes of a province or district; hamlets, teams and volunteers of a commune; a team's members. */
  children: z.array(childTotalsSchema),
  /** Visits per calendar week (Monday first) over the period, at least the last 8 weeks up to its end. */
  weekly: z.array(weeklyVisitsSchema),
});
export type TotalsAnswer = z.output<typeof totalsAnswerSchema>;

export const reportRootsSchema = z.strictObject({
  /** Where the caller's reports start: all provinces (admin), a province, a pre-2025 district, communes, a team… */
  roots: z.array(nodeRefSchema),
  /** Whether the caller may export (everyone but volunteers). */
  canExport: z.boolean(),
});
export type ReportRoots = z.output<typeof reportRootsSchema>;

/** The at-target share, 0–1, or null without households. */
export function rateOf(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
