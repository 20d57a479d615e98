/**
 * The aggregator keeps the totals' tables (migration 0003) in step with the change sequence, asynchronously: it
 * reads `records` after its watermark in batches and, in one transaction per batch together with the new
 * watermark, updates the sums. The push path never waits for it. It runs at the start of every totals or export
 * request (a bounded catch-up) and in the background shortly after pushes; every answer says which sequence number
 * it reflects.
 *
 * Household-centred: a household's whole contribution to the sums is a pure function of its record, its people,
 * its visit events and its self-checks (`computeDigest` → `addContribution`). When any of them changes, the
 * household's previous contribution (kept as a compact digest) is taken away and the new one added. So a
 * correction replaces the visit it corrects, a change pushed twice (a duplicate, never re-stored) changes nothing,
 * a tombstoned household or person leaves the totals, and a household that moves hamlet takes its history along.
 *
 * Areas: a record is placed in the 2025 units. One that carries pre-2025 codes (a province/commune pair that exists
 * only in the old list) is moved to its 2025 commune through the old→new mapping (the first listed when the old
 * commune was split) and rolls up to its own pre-2025 district; a 2025 record rolls up to every pre-2025 district
 * its commune took land from (the district scopes of src/server/services/accounts.ts).
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { effectiveVisits, type VisitEvent } from '../../shared/progress.ts';
import { SKILL_CODES, type SkillCode } from '../../shared/skills.ts';
import { selfReportedLevel, type SelfCheckAnswers, type SelfLevel } from '../../shared/self-check.ts';
import { bucketOf, dayNumber, vnDayOfInstant, type PeriodGrain } from '../../shared/totals.ts';
import { fullUnitName } from '../../shared/areas.ts';
import type { Database } from '../db/client.ts';
import { rawRows, type Executor } from '../db/raw.ts';

// ---- Administrative units -------------------------------------------------------------------------------------

/** Levels of the tree: p province, d pre-2025 district, c commune (sums kept); h hamlet, t team, v volunteer (read from digests). */
export type Level = 'p' | 'd' | 'c' | 'h' | 't' | 'v';

interface Units2025File {
  provinces: { code: string; name: string; type: string; communes: { code: string; name: string; type: string }[] }[];
}
interface Pre2025File {
  provinces: {
    code: string;
    name: string;
    type: string;
    districts: { code: string; name: string; type: string; communes: { code: string }[] }[];
  }[];
}
interface OldToNewFile {
  provinces: Record<string, string>;
  communes: Record<string, string[]>;
}

export interface AdminUnits {
  provinceName: Map<string, string>;
  /** Names without the unit type ("Thanh Hóa", "Pù Luông"): the place of a dated letter. */
  shortName: Map<string, string>;
  /** province → its 2025 communes, in the list's order. */
  provinceCommunes: Map<string, string[]>;
  communeName: Map<string, string>;
  communeProvince: Map<string, string>;
  districtName: Map<string, string>;
  districtProvince: Map<string, string>;
  /** pre-2025 district → the 2025 communes that replaced it (as a coordinator's district scope). */
  districtCommunes: Map<string, string[]>;
  /** 2025 commune → the pre-2025 districts it took land from. */
  communeDistricts: Map<string, string[]>;
  /** "pp:ccccc" of a pre-2025 commune → where its records go. */
  oldPairs: Map<string, { province: string; commune: string; district: string }>;
  pairs2025: Set<string>;
}

let units: AdminUnits | undefined;

function readJson<T>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** The 2025 list (public/data) and the pre-2025 list with its mapping (src/server/data), read once. */
export function adminUnits(): AdminUnits {
  if (units) return units;
  const now = readJson<Units2025File>(new URL('../../../public/data/admin-units-2025.json', import.meta.url));
  const pre = readJson<Pre2025File>(new URL('../data/vn-admin-units-pre2025.json', import.meta.url));
  const map = readJson<OldToNewFile>(new URL('../data/vn-admin-units-old-to-new-2025.json', import.meta.url));
  const u: AdminUnits = {
    provinceName: new Map(), shortName: new Map(), provinceCommunes: new Map(), communeName: new Map(), communeProvince: new Map(),
    districtName: new Map(), districtProvince: new Map(), districtCommunes: new Map(), communeDistricts: new Map(),
    oldPairs: new Map(), pairs2025: new Set(),
  };
  for (const p of now.provinces) {
    u.provinceName.set(p.code, fullUnitName(p));
    u.shortName.set(p.code, p.name);
    u.provinceCommunes.set(p.code, p.communes.map((c) => c.code));
    for (const c of p.communes) {
      u.communeName.set(c.code, fullUnitName(c));
      u.shortName.set(c.code, c.name);
      u.communeProvince.set(c.code, p.code);
      u.pairs2025.add(`${p.code}:${c.code}`);
    }
  }
  for (const p of pre.provinces) {
    for (const d of p.districts) {
      const replacing = new Set<string>();
      for (const c of d.communes) {
        const next = map.communes[c.code] ?? [];
        for (const n of next) replacing.add(n);
        const first = next[0];
        const newProvince = first === undefined ? undefined : u.communeProvince.get(first);
        if (first !== undefined && newProvince !== undefined) {
          u.oldPairs.set(`${p.code}:${c.code}`, { province: newProvince, commune: first, district: d.code });
        }
      }
      const communes = [...replacing].sort();
      u.districtName.set(d.code, `${fullUnitName(d)}, ${fullUnitName(p)}`);
      const province = communes.map((c) => u.communeProvince.get(c)).find((x) => x !== undefined);
      if (province !== undefined) u.districtProvince.set(d.code, province);
      u.districtCommunes.set(d.code, communes);
      for (const c of communes) {
        const list = u.communeDistricts.get(c);
        if (list) list.push(d.code);
        else u.communeDistricts.set(c, [d.code]);
      }
    }
  }
  units = u;
  return u;
}

export interface ResolvedArea {
  province: string;
  commune: string;
  /** The pre-2025 district of a record that carries pre-2025 codes; null otherwise. */
  oldDistrict: string | null;
}

/** Places a record's (province, commune) codes in the 2025 units (see the module comment). Unknown codes stay. */
export function resolveArea(provinceCode: string, communeCode: string): ResolvedArea {
  const u = adminUnits();
  const key = `${provinceCode}:${communeCode}`;
  if (u.pairs2025.has(key)) return { province: provinceCode, commune: communeCode, oldDistrict: null };
  const old = u.oldPairs.get(key);
  if (old) return { province: old.province, commune: old.commune, oldDistrict: old.district };
  return { province: provinceCode, commune: communeCode, oldDistrict: null };
}

/** The pre-2025 districts a household in this (resolved) commune rolls up to. */
export function districtsOf(commune: string, oldDistrict: string | null): string[] {
  if (oldDistrict !== null) return [oldDistrict];
  return adminUnits().communeDistricts.get(commune) ?? [];
}

// ---- A household's digest and contribution (pure) -------------------------------------------------------------

export interface HouseholdInput {
  id: string;
  province: string;
  commune: string;
  hamletId: string;
  oldDistrict: string | null;
  createdDay: number;
  deleted: boolean;
}

export interface PersonInput {
  id: string;
  createdDay: number;
  deleted: boolean;
}

/** A visit event with who made it (an account id, or null when no account can be named). */
export interface VisitInput extends VisitEvent {
  volunteerId: string | null;
  teamId: string | null;
}

export interface SelfCheckInput {
  id: string;
  receivedAt: string;
  levels: Partial<Record<SkillCode, SelfLevel>>;
}

/** Per state: households, people, at target, follow-ups due, proficient ×5, guided ×5, self-reported alone ×5. */
export const STATE_WIDTH = 19;
const I_HOUSEHOLDS = 0;
const I_PEOPLE = 1;
const I_AT_TARGET = 2;
const I_DUE = 3;
const I_PROFICIENT = 4;
const I_GUIDED = 9;
const I_SELF = 14;

/** [day, volunteer, team, ...state]: from `day` on, the household is in this state (until the next point). */
export type StatePoint = [number, string | null, string | null, ...number[]];

export interface Digest {
  /** The area keys: [level, area] for province, districts, commune. */
  k: [Level, string][];
  /** The household's states over time (only where something changes); before the first one it counts nothing. */
  s: StatePoint[];
  /** Its effective visits, oldest first: [day, volunteer, team, follow-up day]. */
  v: [number, string | null, string | null, number | null][];
}

/**
 * The units whose sums are kept in tables: province, pre-2025 districts, commune. Hamlets, teams and volunteers are
 * small: their totals are read from their households' digests when asked (services/totals.ts).
 */
export function areaKeys(h: Pick<HouseholdInput, 'province' | 'commune' | 'oldDistrict'>): [Level, string][] {
  return [
    ['p', h.province],
    ...districtsOf(h.commune, h.oldDistrict).map((d): [Level, string] => ['d', d]),
    ['c', h.commune],
  ];
}

interface TimedVisit {
  day: number;
  rootId: string;
  current: VisitInput;
  followUpDay: number | null;
}

/**
 * A household's states over time and its effective visits. The state on day D is what the shared progress rules
 * (src/shared/progress.ts) give for the effective visits made on or before D (corrections applied first, so a
 * corrected date counts), over the members alive and added by D, once the household is registered (created) by D.
 */
export function computeDigest(
  household: HouseholdInput,
  people: readonly PersonInput[],
  visits: readonly VisitInput[],
  selfChecks: readonly SelfCheckInput[],
): Digest | null {
  if (household.deleted) return null;
  const living = people.filter((p) => !p.deleted);
  // Oldest first, in the order progressByPerson applies them (the reverse of effectiveVisits' newest-first order).
  const timed: TimedVisit[] = effectiveVisits(visits)
    .reverse()
    .map((e) => ({
      day: vnDayOfInstant(e.current.visitedAt),
      rootId: e.rootId,
      current: e.current,
      followUpDay: e.current.followUpOn === null ? null : dayNumber(e.current.followUpOn),
    }));
  const checks = selfChecks
    .map((c) => ({ ...c, day: vnDayOfInstant(c.receivedAt) }))
    .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.id.localeCompare(b.id));

  const days = new Set<number>([household.createdDay]);
  for (const p of living) days.add(p.createdDay);
  for (const t of timed) {
    days.add(t.day);
    if (t.followUpDay !== null && t.followUpDay > t.day) days.add(t.followUpDay);
  }
  for (const c of checks) days.add(c.day);
  const breakpoints = [...days].filter((d) => Number.isFinite(d)).sort((a, b) => a - b);

  const states: StatePoint[] = [];
  let last = '';
  for (const day of breakpoints) {
    const point = stateOn(day, household, living, timed, checks);
    const text = JSON.stringify(point.slice(1));
    if (text === last) continue;
    last = text;
    states.push(point);
  }
  return {
    k: areaKeys(household),
    s: states,
    v: timed.map((t) => [t.day, t.current.volunteerId, t.current.teamId, Number.isFinite(t.followUpDay) ? t.followUpDay : null]),
  };
}

function stateOn(
  day: number,
  household: HouseholdInput,
  living: readonly PersonInput[],
  timed: readonly TimedVisit[],
  checks: readonly (SelfCheckInput & { day: number })[],
): StatePoint {
  const state = new Array<number>(STATE_WIDTH).fill(0);
  if (day < household.createdDay) return [day, null, null, ...state];
  state[I_HOUSEHOLDS] = 1;
  const members = new Set(living.filter((p) => p.createdDay <= day).map((p) => p.id));
  state[I_PEOPLE] = members.size;

  const progress = new Map<string, Partial<Record<SkillCode, 'guided' | 'proficient'>>>();
  let latest: TimedVisit | undefined;
  for (const t of timed) {
    if (t.day > day) break;
    latest = t;
    for (const o of t.current.outcomes) {
      let p = progress.get(o.personId);
      if (!p) progress.set(o.personId, (p = {}));
      p[o.skill] = o.outcome;
    }
  }
  for (const [personId, p] of progress) {
    if (!members.has(personId)) continue;
    let all = true;
    SKILL_CODES.forEach((skill, i) => {
      if (p[skill] === 'proficient') bump(state, I_PROFICIENT + i, 1);
      else {
        all = false;
        if (p[skill] === 'guided') bump(state, I_GUIDED + i, 1);
      }
    });
    if (all) state[I_AT_TARGET] = 1;
  }
  if (latest !== undefined && latest.followUpDay !== null && latest.followUpDay <= day) state[I_DUE] = 1;

  const self: Partial<Record<SkillCode, SelfLevel>> = {};
  for (const c of checks) {
    if (c.day > day) break;
    for (const skill of SKILL_CODES) {
      const level = c.levels[skill];
      if (level !== undefined) self[skill] = level;
    }
  }
  SKILL_CODES.forEach((skill, i) => {
    if (self[skill] === 'alone') state[I_SELF + i] = 1;
  });
  return [day, latest?.current.volunteerId ?? null, latest?.current.teamId ?? null, ...state];
}

/** values[i] += by (the arrays are filled with zeros when made). */
export function bump(values: number[], i: number, by: number): void {
  values[i] = (values[i] ?? 0) + by;
}

/** Changes to the aggregate tables, keyed and summed before they are written. */
export class Deltas {
  /** level \t area \t grain(d|m) \t bucket → [visits, ...state] */
  readonly sums = new Map<string, number[]>();
  /** level \t area \t grain(w|m|q|y) \t bucket → visited households */
  readonly periods = new Map<string, number>();
  /** level \t area \t day \t prev → households */
  readonly visitDays = new Map<string, number>();
  /** level \t area \t grain(d|m) \t bucket \t volunteer → visits */
  readonly presence = new Map<string, number>();

  addSum(level: Level, area: string, day: number, sign: number, visits: number, state: readonly number[] | null): void {
    for (const [grain, bucket] of [['d', day], ['m', bucketOf('month', day)]] as const) {
      const key = `${level}\t${area}\t${grain}\t${bucket}`;
      let row = this.sums.get(key);
      if (!row) this.sums.set(key, (row = new Array<number>(STATE_WIDTH + 1).fill(0)));
      bump(row, 0, sign * visits);
      if (state) state.forEach((n, i) => bump(row, i + 1, sign * n));
    }
  }

  add(map: Map<string, number>, key: string, value: number): void {
    map.set(key, (map.get(key) ?? 0) + value);
  }
}

export const CALENDAR_GRAINS: readonly [PeriodGrain, string][] = [['week', 'w'], ['month', 'm'], ['quarter', 'q'], ['year', 'y']];

function visitDayPairs(deltas: Deltas, level: Level, area: string, days: readonly number[], sign: number): void {
  const distinct = [...new Set(days)].sort((a, b) => a - b);
  let prev = -1;
  for (const day of distinct) {
    deltas.add(deltas.visitDays, `${level}\t${area}\t${day}\t${prev}`, sign);
    prev = day;
  }
  for (const [grain, g] of CALENDAR_GRAINS) {
    for (const bucket of new Set(distinct.map((d) => bucketOf(grain, d)))) {
      deltas.add(deltas.periods, `${level}\t${area}\t${g}\t${bucket}`, sign);
    }
  }
}

/** The "as of" terms of states `from` onwards: each point adds its state and removes the previous one, where each was counted. */
function addStateTerms(deltas: Deltas, digest: Digest, from: number, sign: 1 | -1): void {
  for (let i = from; i < digest.s.length; i++) {
    const point = digest.s[i];
    if (point === undefined) continue;
    const day = point[0];
    for (const [level, area] of digest.k) deltas.addSum(level, area, day, sign, 0, point.slice(3) as number[]);
    const previous = digest.s[i - 1];
    if (previous !== undefined) {
      for (const [level, area] of digest.k) deltas.addSum(level, area, day, -sign, 0, previous.slice(3) as number[]);
    }
  }
}

/** One effective visit's flow: a visit on its day, and its volunteer's presence, in each area. */
function addVisitTerms(deltas: Deltas, keys: readonly [Level, string][], visit: Digest['v'][number], sign: 1 | -1): void {
  const [day, vol] = visit;
  for (const [level, area] of keys) {
    deltas.addSum(level, area, day, sign, 1, null);
    if (vol !== null) {
      deltas.add(deltas.presence, `${level}\t${area}\td\t${day}\t${vol}`, sign);
      deltas.add(deltas.presence, `${level}\t${area}\tm\t${bucketOf('month', day)}\t${vol}`, sign);
    }
  }
}

/** The days each area saw the household visited (first-visit rows and calendar buckets). */
function addVisitDayTerms(deltas: Deltas, digest: Digest, sign: 1 | -1): void {
  const days = digest.v.map(([day]) => day);
  for (const [level, area] of digest.k) visitDayPairs(deltas, level, area, days, sign);
}

/** Adds (sign 1) or takes away (sign -1) a digest's whole contribution. */
export function addContribution(deltas: Deltas, digest: Digest | null, sign: 1 | -1): void {
  if (digest === null) return;
  addStateTerms(deltas, digest, 0, sign);
  for (const visit of digest.v) addVisitTerms(deltas, digest.k, visit, sign);
  addVisitDayTerms(deltas, digest, sign);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * next − previous, touching only what differs: usually a visit appended at the end, so the states before its day,
 * the other visits and their volunteers' presence are left alone. Equal to addContribution(previous, -1) +
 * addContribution(next, 1).
 */
export function addDifference(deltas: Deltas, previous: Digest | null, next: Digest | null): void {
  if (previous === null || next === null || !same(previous.k, next.k)) {
    addContribution(deltas, previous, -1);
    addContribution(deltas, next, 1);
    return;
  }
  let j = 0;
  while (j < previous.s.length && j < next.s.length && same(previous.s[j], next.s[j])) j++;
  addStateTerms(deltas, previous, j, -1);
  addStateTerms(deltas, next, j, 1);
  const count = new Map<string, number>();
  for (const v of previous.v) count.set(JSON.stringify(v.slice(0, 3)), (count.get(JSON.stringify(v.slice(0, 3))) ?? 0) - 1);
  for (const v of next.v) count.set(JSON.stringify(v.slice(0, 3)), (count.get(JSON.stringify(v.slice(0, 3))) ?? 0) + 1);
  for (const [key, n] of count) {
    if (n === 0) continue;
    const visit = JSON.parse(key) as Digest['v'][number];
    for (let i = 0; i < Math.abs(n); i++) addVisitTerms(deltas, next.k, visit, n > 0 ? 1 : -1);
  }
  if (!same(previous.v.map((v) => v[0]), next.v.map((v) => v[0]))) {
    addVisitDayTerms(deltas, previous, -1);
    addVisitDayTerms(deltas, next, 1);
  }
}

// ---- Reading the change sequence -------------------------------------------------------------------------------

const AGG_LOCK_KEY = 742_003;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ChangedRow {
  entity: string;
  id: string;
  seq: number;
  deleted: boolean;
  data: Record<string, unknown> | string;
  updated_by: string | null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const json = (v: unknown): string => JSON.stringify(v);
const parse = (d: Record<string, unknown> | string): Record<string, unknown> =>
  typeof d === 'string' ? (JSON.parse(d) as Record<string, unknown>) : d;

/** Rows of jsonb_to_recordset(...) through one JSON parameter (the pattern of the records repository). */
function recordset(rows: readonly Record<string, unknown>[]): string {
  return JSON.stringify(rows);
}

const SUM_COLUMNS = [
  'visits', 'households', 'people', 'at_target', 'follow_ups_due',
  'p1', 'p2', 'p3', 'p4', 'p5', 'g1', 'g2', 'g3', 'g4', 'g5', 's1', 's2', 's3', 's4', 's5',
] as const;
export { SUM_COLUMNS };

/** Applies one batch of changed records: updates the inputs, recomputes the touched households, writes the sums. */
async function applyBatch(tx: Executor, rows: readonly ChangedRow[]): Promise<void> {
  const dirty = new Set<string>();
  const hamlets: Record<string, unknown>[] = [];
  const households: Record<string, unknown>[] = [];
  const people: Record<string, unknown>[] = [];
  const visits: { row: ChangedRow; data: Record<string, unknown> }[] = [];
  const selfChecks: Record<string, unknown>[] = [];

  for (const row of rows) {
    const d = parse(row.data);
    switch (row.entity) {
      case 'hamlet': {
        const area = resolveArea(str(d.provinceCode), str(d.communeCode));
        hamlets.push({ id: row.id, p: area.province, c: area.commune, n: str(d.name), x: row.deleted });
        break;
      }
      case 'household': {
        const area = resolveArea(str(d.provinceCode), str(d.communeCode));
        households.push({
          id: row.id, p: area.province, c: area.commune, h: str(d.hamletId), o: area.oldDistrict,
          cd: dayOf(d.createdAt), x: row.deleted,
        });
        dirty.add(row.id);
        break;
      }
      case 'person':
        people.push({ id: row.id, hh: str(d.householdId), cd: dayOf(d.createdAt), x: row.deleted });
        dirty.add(str(d.householdId));
        break;
      case 'visit':
        visits.push({ row, data: d });
        dirty.add(str(d.householdId));
        break;
      case 'self-check': {
        const answers = (d.answers ?? {}) as SelfCheckAnswers;
        const levels: Partial<Record<SkillCode, SelfLevel>> = {};
        for (const skill of SKILL_CODES) {
          const level = selfReportedLevel(answers, skill);
          if (level !== null) levels[skill] = level;
        }
        selfChecks.push({ id: row.id, hh: str(d.householdId), r: str(d.receivedAt), l: levels });
        dirty.add(str(d.householdId));
        break;
      }
      default:
        break;
    }
  }

  if (hamlets.length > 0) {
    await tx.execute(sql`
      INSERT INTO agg_hamlets (id, province_code, commune_code, name, deleted)
      SELECT id, p, c, n, x FROM jsonb_to_recordset(${recordset(hamlets)}::jsonb) AS r(id uuid, p text, c text, n text, x boolean)
      ON CONFLICT (id) DO UPDATE SET province_code = EXCLUDED.province_code, commune_code = EXCLUDED.commune_code,
        name = EXCLUDED.name, deleted = EXCLUDED.deleted`);
  }
  if (households.length > 0) {
    await tx.execute(sql`
      INSERT INTO agg_households (id, province_code, commune_code, hamlet_id, old_district, created_day, deleted)
      SELECT id, p, c, h, o, cd, x
      FROM jsonb_to_recordset(${recordset(households)}::jsonb) AS r(id uuid, p text, c text, h uuid, o text, cd int, x boolean)
      ON CONFLICT (id) DO UPDATE SET province_code = EXCLUDED.province_code, commune_code = EXCLUDED.commune_code,
        hamlet_id = EXCLUDED.hamlet_id, old_district = EXCLUDED.old_district, created_day = EXCLUDED.created_day,
        deleted = EXCLUDED.deleted`);
  }
  if (people.length > 0) {
    // A person moved to another household leaves the old one: both are recomputed.
    const moved = await rawRows<{ household_id: string }>(tx, sql`
      SELECT p.household_id::text AS household_id FROM agg_people p
      JOIN jsonb_to_recordset(${recordset(people)}::jsonb) AS r(id uuid, hh uuid) ON r.id = p.id
      WHERE p.household_id <> r.hh`);
    for (const m of moved) dirty.add(m.household_id);
    await tx.execute(sql`
      INSERT INTO agg_people (id, household_id, created_day, deleted)
      SELECT id, hh, cd, x FROM jsonb_to_recordset(${recordset(people)}::jsonb) AS r(id uuid, hh uuid, cd int, x boolean)
      ON CONFLICT (id) DO UPDATE SET household_id = EXCLUDED.household_id, created_day = EXCLUDED.created_day,
        deleted = EXCLUDED.deleted`);
  }
  if (visits.length > 0) await storeVisits(tx, visits);
  if (selfChecks.length > 0) {
    await tx.execute(sql`
      INSERT INTO agg_self_checks (id, household_id, received_at, levels)
      SELECT id, hh, r, l FROM jsonb_to_recordset(${recordset(selfChecks)}::jsonb) AS x(id uuid, hh uuid, r text, l jsonb)
      ON CONFLICT (id) DO UPDATE SET household_id = EXCLUDED.household_id, received_at = EXCLUDED.received_at,
        levels = EXCLUDED.levels`);
  }
  dirty.delete('');
  if (dirty.size > 0) await recomputeHouseholds(tx, [...dirty]);
}

function dayOf(iso: unknown): number {
  const day = typeof iso === 'string' ? vnDayOfInstant(iso) : Number.NaN;
  return Number.isFinite(day) ? day : 0;
}

/** Visit events, with the account that made them: the author when it names an account, else who pushed it. */
async function storeVisits(tx: Executor, visits: readonly { row: ChangedRow; data: Record<string, unknown> }[]): Promise<void> {
  const candidates = new Set<string>();
  for (const { row, data } of visits) {
    const author = str(data.authorId);
    if (UUID.test(author)) candidates.add(author.toLowerCase());
    if (row.updated_by) candidates.add(row.updated_by);
  }
  const accounts = new Map<string, string | null>();
  if (candidates.size > 0) {
    const found = await rawRows<{ id: string; team_id: string | null }>(tx, sql`
      SELECT id::text AS id, team_id::text AS team_id FROM users
      WHERE id IN (SELECT (jsonb_array_elements_text(${json([...candidates])}::jsonb))::uuid)`);
    for (const f of found) accounts.set(f.id, f.team_id);
  }
  const payload = visits.map(({ row, data }) => {
    const author = str(data.authorId).toLowerCase();
    const volunteer = accounts.has(author) ? author : row.updated_by !== null && accounts.has(row.updated_by) ? row.updated_by : null;
    const outcomes = Array.isArray(data.outcomes)
      ? (data.outcomes as { personId?: unknown; skill?: unknown; outcome?: unknown }[]).map((o) => [str(o.personId), str(o.skill), str(o.outcome)])
      : [];
    return {
      id: row.id, hh: str(data.householdId), c: typeof data.corrects === 'string' ? data.corrects : null,
      va: str(data.visitedAt), ra: str(data.recordedAt), f: typeof data.followUpOn === 'string' ? data.followUpOn : null,
      o: outcomes, v: volunteer, t: volunteer === null ? null : (accounts.get(volunteer) ?? null),
    };
  });
  // Visits are immutable: the first reading stands (and keeps the team its author was in then).
  await tx.execute(sql`
    INSERT INTO agg_visits (id, household_id, corrects, visited_at, recorded_at, follow_up_on, outcomes, volunteer_id, team_id)
    SELECT id, hh, c, va, ra, f, o, v, t
    FROM jsonb_to_recordset(${recordset(payload)}::jsonb)
      AS r(id uuid, hh uuid, c uuid, va text, ra text, f text, o jsonb, v uuid, t uuid)
    ON CONFLICT (id) DO NOTHING`);
}

interface HouseholdRow {
  id: string;
  province_code: string;
  commune_code: string;
  hamlet_id: string;
  old_district: string | null;
  created_day: number;
  deleted: boolean;
  digest: Digest | string | null;
}

const idList = (ids: readonly string[]) => sql`(SELECT (jsonb_array_elements_text(${json(ids)}::jsonb))::uuid)`;

type Results<T extends readonly (() => Promise<unknown>)[]> = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };

/**
 * Runs queries one after another. A transaction holds one connection: node-postgres would queue overlapping queries
 * (and its next major version refuses them), PGlite runs one at a time anyway.
 */
export async function inSequence<const T extends readonly (() => Promise<unknown>)[]>(queries: T): Promise<Results<T>> {
  const out: unknown[] = [];
  for (const q of queries) out.push(await q());
  return out as Results<T>;
}

/** Recomputes the digests of these households and writes the difference of their contributions. */
export async function recomputeHouseholds(tx: Executor, ids: readonly string[]): Promise<void> {
  const [rows, people, visits, checks] = await inSequence([
    () => rawRows<HouseholdRow>(tx, sql`
      SELECT id::text AS id, province_code, commune_code, hamlet_id::text AS hamlet_id, old_district, created_day, deleted,
             digest
      FROM agg_households WHERE id IN ${idList(ids)}`),
    () => rawRows<{ household_id: string; id: string; created_day: number; deleted: boolean }>(tx, sql`
      SELECT household_id::text AS household_id, id::text AS id, created_day, deleted
      FROM agg_people WHERE household_id IN ${idList(ids)}`),
    () => rawRows<{
      household_id: string; id: string; corrects: string | null; visited_at: string; recorded_at: string;
      follow_up_on: string | null; outcomes: [string, string, string][] | string; volunteer_id: string | null; team_id: string | null;
    }>(tx, sql`
      SELECT household_id::text AS household_id, id::text AS id, corrects::text AS corrects, visited_at, recorded_at,
             follow_up_on, outcomes, volunteer_id::text AS volunteer_id, team_id::text AS team_id
      FROM agg_visits WHERE household_id IN ${idList(ids)}`),
    () => rawRows<{ household_id: string; id: string; received_at: string; levels: Partial<Record<SkillCode, SelfLevel>> | string }>(tx, sql`
      SELECT household_id::text AS household_id, id::text AS id, received_at, levels
      FROM agg_self_checks WHERE household_id IN ${idList(ids)}`),
  ]);
  const group = <T extends { household_id: string }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of list) {
      const l = m.get(x.household_id);
      if (l) l.push(x);
      else m.set(x.household_id, [x]);
    }
    return m;
  };
  const peopleBy = group(people);
  const visitsBy = group(visits);
  const checksBy = group(checks);

  const deltas = new Deltas();
  const updates: { id: string; d: Digest | null }[] = [];
  for (const row of rows) {
    const household: HouseholdInput = {
      id: row.id, province: row.province_code, commune: row.commune_code, hamletId: row.hamlet_id,
      oldDistrict: row.old_district, createdDay: row.created_day, deleted: row.deleted,
    };
    const next = computeDigest(
      household,
      (peopleBy.get(row.id) ?? []).map((p) => ({ id: p.id, createdDay: p.created_day, deleted: p.deleted })),
      (visitsBy.get(row.id) ?? []).map((v) => ({
        id: v.id, corrects: v.corrects, visitedAt: v.visited_at, recordedAt: v.recorded_at, followUpOn: v.follow_up_on,
        notes: '', authorId: v.volunteer_id ?? '', volunteerId: v.volunteer_id, teamId: v.team_id,
        outcomes: (typeof v.outcomes === 'string' ? (JSON.parse(v.outcomes) as [string, string, string][]) : v.outcomes)
          .filter(([, skill, outcome]) => (SKILL_CODES as readonly string[]).includes(skill) && (outcome === 'guided' || outcome === 'proficient'))
          .map(([personId, skill, outcome]) => ({ personId, skill: skill as SkillCode, outcome: outcome as 'guided' | 'proficient', subSkills: [] })),
      })),
      (checksBy.get(row.id) ?? []).map((c) => ({
        id: c.id, receivedAt: c.received_at,
        levels: typeof c.levels === 'string' ? (JSON.parse(c.levels) as Partial<Record<SkillCode, SelfLevel>>) : c.levels,
      })),
    );
    const previous = typeof row.digest === 'string' ? (JSON.parse(row.digest) as Digest) : row.digest;
    if (json(previous) === json(next)) continue;
    addDifference(deltas, previous, next);
    updates.push({ id: row.id, d: next });
  }
  if (updates.length > 0) {
    await tx.execute(sql`
      UPDATE agg_households h SET digest = r.d
      FROM jsonb_to_recordset(${recordset(updates)}::jsonb) AS r(id uuid, d jsonb)
      WHERE h.id = r.id`);
  }
  await writeDeltas(tx, deltas);
}

/** Writes summed deltas: sums, visit days, presence (whose on/off switches move the active-volunteer counts). */
async function writeDeltas(tx: Executor, deltas: Deltas): Promise<void> {
  const sums: Record<string, unknown>[] = [];
  for (const [key, values] of deltas.sums) {
    if (values.every((v) => v === 0)) continue;
    const [l, a, g, b] = key.split('\t');
    sums.push({ l, a, g, b: Number(b), v: values });
  }
  if (sums.length > 0) {
    const columns = SUM_COLUMNS.map((c) => sql.raw(c));
    const selects = SUM_COLUMNS.map((_, i) => sql.raw(`(v->>${i})::int`));
    const updates = SUM_COLUMNS.map((c) => sql.raw(`${c} = agg_sums.${c} + EXCLUDED.${c}`));
    await tx.execute(sql`
      INSERT INTO agg_sums (level, area, grain, bucket, ${sql.join(columns, sql`, `)})
      SELECT l, a, g, b, ${sql.join(selects, sql`, `)}
      FROM jsonb_to_recordset(${recordset(sums)}::jsonb) AS r(l text, a text, g text, b int, v jsonb)
      ON CONFLICT (level, area, grain, bucket) DO UPDATE SET ${sql.join(updates, sql`, `)}`);
  }

  const days: Record<string, unknown>[] = [];
  for (const [key, n] of deltas.visitDays) {
    if (n === 0) continue;
    const [l, a, d, p] = key.split('\t');
    days.push({ l, a, d: Number(d), p: Number(p), n });
  }
  if (days.length > 0) {
    await tx.execute(sql`
      INSERT INTO agg_visit_days (level, area, day, prev_day, households)
      SELECT l, a, d, p, n FROM jsonb_to_recordset(${recordset(days)}::jsonb) AS r(l text, a text, d int, p int, n int)
      ON CONFLICT (level, area, day, prev_day) DO UPDATE SET households = agg_visit_days.households + EXCLUDED.households`);
  }

  const presence: Record<string, unknown>[] = [];
  for (const [key, n] of deltas.presence) {
    if (n === 0) continue;
    const [l, a, g, b, v] = key.split('\t');
    presence.push({ l, a, g, b: Number(b), v, n });
  }
  if (presence.length > 0) {
    await tx.execute(sql`
      INSERT INTO agg_presence (level, area, grain, bucket, volunteer_id, visits)
      SELECT l, a, g, b, v, n FROM jsonb_to_recordset(${recordset(presence)}::jsonb) AS r(l text, a text, g text, b int, v uuid, n int)
      ON CONFLICT (level, area, grain, bucket, volunteer_id) DO UPDATE SET visits = agg_presence.visits + EXCLUDED.visits`);
  }

  const periods: Record<string, unknown>[] = [];
  for (const [key, n] of deltas.periods) {
    if (n === 0) continue;
    const [l, a, g, b] = key.split('\t');
    periods.push({ l, a, g, b: Number(b), n });
  }
  if (periods.length > 0) {
    await tx.execute(sql`
      INSERT INTO agg_periods (level, area, grain, bucket, visited_households)
      SELECT l, a, g, b, n FROM jsonb_to_recordset(${recordset(periods)}::jsonb) AS r(l text, a text, g text, b int, n int)
      ON CONFLICT (level, area, grain, bucket) DO UPDATE SET
        visited_households = agg_periods.visited_households + EXCLUDED.visited_households`);
  }
}

// ---- Running it ------------------------------------------------------------------------------------------------

export interface CatchUpResult {
  /** The change sequence number the aggregates now reflect. */
  watermark: number;
  /** The newest sequence number in `records`. */
  latestSeq: number;
  /** Records read in this run. */
  read: number;
}

export interface AggregatorOptions {
  /** Records per transaction (default 2,000). */
  batchSize?: number;
  /** Debounce after a push before the background run (default 2 s) … */
  quietMs?: number;
  /** … but never longer than this after the first unprocessed push (default 15 s). */
  maxDelayMs?: number;
  /** A background run every this often regardless of pushes (imports, self-checks, other processes); 0 = never. */
  intervalMs?: number;
  /** Errors of background runs (the request path gets its own). */
  onError?: (error: unknown) => void;
}

export interface Aggregator {
  /**
   * Reads what has changed, batch by batch, for up to `budgetMs` (default: until caught up). When another run or a
   * hold is in progress it waits for it at most `budgetMs`, then answers with the state as it is.
   */
  catchUp(budgetMs?: number): Promise<CatchUpResult>;
  /** Runs `work` while the aggregates stand still (a long export reads them in many statements). */
  hold<T>(work: () => Promise<T>): Promise<T>;
  /** A push happened: run in the background soon (debounced). */
  schedule(): void;
  /** Empties the aggregates and reads everything again. */
  rebuild(): Promise<CatchUpResult>;
  /** Stops the background timers and waits for a run in progress. */
  stop(): Promise<void>;
}

const AGG_TABLES = 'agg_hamlets, agg_households, agg_people, agg_visits, agg_self_checks, agg_sums, agg_periods, agg_visit_days, agg_presence';

export function createAggregator(database: Database, options: AggregatorOptions = {}): Aggregator {
  const batchSize = options.batchSize ?? 2000;
  const quietMs = options.quietMs ?? 2000;
  const maxDelayMs = options.maxDelayMs ?? 15_000;
  const db = database.db;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let firstPending: number | null = null;
  let stopped = false;
  const interval = options.intervalMs ? setInterval(() => background(), options.intervalMs) : null;
  interval?.unref?.();

  /** One batch in one transaction; returns the rows read (0: caught up). */
  async function runBatch(): Promise<number> {
    return db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${AGG_LOCK_KEY})`);
      const [state] = await rawRows<{ watermark: number; max_seq: number }>(tx, sql`
        SELECT watermark::float8 AS watermark, (SELECT coalesce(max(seq), 0)::float8 FROM records) AS max_seq
        FROM agg_state WHERE id = 1`);
      let watermark = Number(state?.watermark ?? 0);
      if (Number(state?.max_seq ?? 0) < watermark) {
        // The change sequence went back (a restored or emptied database): start again from nothing.
        await tx.execute(sql.raw(`TRUNCATE ${AGG_TABLES}`));
        watermark = 0;
      }
      const rows = await rawRows<ChangedRow>(tx, sql`
        SELECT entity, id::text AS id, seq::float8 AS seq, deleted, data, updated_by::text AS updated_by
        FROM records WHERE seq > ${watermark} ORDER BY seq LIMIT ${batchSize}`);
      const last = rows.at(-1);
      if (last === undefined) {
        if (watermark !== Number(state?.watermark ?? 0)) {
          await tx.execute(sql`UPDATE agg_state SET watermark = ${watermark}, updated_at = now() WHERE id = 1`);
        }
        return 0;
      }
      await applyBatch(tx, rows);
      await tx.execute(sql`UPDATE agg_state SET watermark = ${Number(last.seq)}, updated_at = now() WHERE id = 1`);
      return rows.length;
    });
  }

  async function status(read: number): Promise<CatchUpResult> {
    const [s] = await rawRows<{ watermark: number; latest: number }>(db, sql`
      SELECT watermark::float8 AS watermark, (SELECT coalesce(max(seq), 0)::float8 FROM records) AS latest
      FROM agg_state WHERE id = 1`);
    return { watermark: Number(s?.watermark ?? 0), latestSeq: Number(s?.latest ?? 0), read };
  }

  let pending = 0;
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    pending += 1;
    const run = chain.then(work, work).finally(() => {
      pending -= 1;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  async function loop(budgetMs: number): Promise<CatchUpResult> {
    const started = performance.now();
    let read = 0;
    for (;;) {
      const n = await runBatch();
      read += n;
      if (n < batchSize || performance.now() - started >= budgetMs) break;
    }
    return status(read);
  }

  function background(): void {
    if (stopped) return;
    firstPending = null;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    exclusive(() => loop(Number.POSITIVE_INFINITY)).catch((error: unknown) => options.onError?.(error));
  }

  return {
    async catchUp(budgetMs = Number.POSITIVE_INFINITY) {
      if (pending > 0 && Number.isFinite(budgetMs)) {
        let timeout: ReturnType<typeof setTimeout> | undefined;
        const late = await Promise.race([
          chain.then(() => false),
          new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(true), budgetMs))),
        ]);
        clearTimeout(timeout);
        if (late) return status(0);
      }
      return exclusive(() => loop(budgetMs));
    },
    hold(work) {
      return exclusive(work);
    },
    schedule() {
      if (stopped) return;
      const now = Date.now();
      firstPending ??= now;
      if (timer !== null) clearTimeout(timer);
      const wait = Math.max(0, Math.min(quietMs, firstPending + maxDelayMs - now));
      timer = setTimeout(background, wait);
      timer.unref?.();
    },
    rebuild() {
      return exclusive(async () => {
        await db.transaction(async (tx) => {
          await tx.execute(sql`SELECT pg_advisory_xact_lock(${AGG_LOCK_KEY})`);
          await tx.execute(sql.raw(`TRUNCATE ${AGG_TABLES}`));
          await tx.execute(sql`UPDATE agg_state SET watermark = 0, updated_at = now() WHERE id = 1`);
        });
        return loop(Number.POSITIVE_INFINITY);
      });
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      if (interval !== null) clearInterval(interval);
      await chain;
    },
  };
}
