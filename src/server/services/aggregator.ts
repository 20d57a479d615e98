/**
 * The aggregator keeps the totals' tables (migrations 0003, 0005) in step with the change sequence, asynchronously:
 * it reads `records` after its watermark and, in one transaction together with the new watermark, updates the sums.
 * The push path never waits for it. It runs at the start of every totals or export request (a bounded catch-up, in
 * batches of `batchSize` records) and in the background shortly after pushes (in slices that each hold the database
 * for about `sliceMs` and hand the connection on between them, so that a push never waits behind a long catch-up);
 * every answer says which sequence number it reflects.
 *
 * Set-based where the data is bulky: visit events go from `records` to `agg_visits` in one statement that never
 * brings them to JavaScript; the other records come as narrow rows (the fields the totals need). Each touched
 * household's digest is recomputed in JavaScript, 2,000 households per round trip; its previous digest (sign -1)
 * and its new one (sign +1) are summed in JavaScript (Stage) into what changes per area and day, and a few grouped
 * statements write those sums into the tables (applyStage), run the day sums into running sums (applyRunning) and
 * turn the visit days into bitmaps (applyBits). (Until 2026-11-23 the digests were staged in `agg_stage` and taken
 * apart again in SQL by four statements: a third of the catch-up's time on PGlite; migration 0007 drops the table.)
 * After large catch-ups the tables' statistics are refreshed in the background (PGlite has no autovacuum).
 *
 * Household-centred: a household's whole contribution to the sums is a pure function of its record, its people,
 * its visit events and its self-checks (`computeDigest`). When any of them changes, the household's previous
 * contribution (kept as a compact digest) is taken away and the new one added. So a correction replaces the visit
 * it corrects, a change pushed twice (a duplicate, never re-stored) changes nothing, a tombstoned household or
 * person leaves the totals, and a household that moves hamlet takes its history along.
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

// ---- Reading the change sequence -------------------------------------------------------------------------------

const AGG_LOCK_KEY = 742_003;


const json = (v: unknown): string => JSON.stringify(v);

/** Rows of jsonb_to_recordset(...) through one JSON parameter (the pattern of the records repository). */
function recordset(rows: readonly Record<string, unknown>[]): string {
  return JSON.stringify(rows);
}

const SUM_COLUMNS = [
  'visits', 'households', 'people', 'at_target', 'follow_ups_due',
  'p1', 'p2', 'p3', 'p4', 'p5', 'g1', 'g2', 'g3', 'g4', 'g5', 's1', 's2', 's3', 's4', 's5',
] as const;
export { SUM_COLUMNS };

const textField = (field: string, from = 'data') => `CASE WHEN jsonb_typeof(${from}->'${field}') = 'string' THEN ${from}->>'${field}' ELSE '' END`;

/** The fields the totals need of a record other than a visit, as text ('' when absent or not a string). */
interface NarrowRow {
  entity: string;
  id: string;
  seq: number;
  deleted: boolean;
  p: string;
  c: string;
  h: string;
  hh: string;
  n: string;
  ca: string;
  ra: string;
  answers: SelfCheckAnswers | string | null;
}

/** Records other than visits are read in pages of this many (visits never leave the database: see storeVisits). */
const PAGE = 20_000;
/** Households recomputed per round trip. */
const CHUNK = 2000;
/** Staged digests are summed into the tables when there are this many (and at the end of the batch). */
const STAGE_ROWS = 40_000;

/**
 * Applies the changed records with after < seq <= upto: updates the inputs, then recomputes each touched household
 * once (however many of its records the range holds), in chunks, and writes the summed differences.
 */
async function applyRange(tx: Executor, after: number, upto: number): Promise<void> {
  const dirty = new Set<string>();
  let from = after;
  for (;;) {
    const rows = await rawRows<NarrowRow>(tx, sql`
      SELECT entity, id::text AS id, seq::float8 AS seq, deleted, ${sql.raw(textField('provinceCode'))} AS p, ${sql.raw(textField('communeCode'))} AS c,
             ${sql.raw(textField('hamletId'))} AS h, ${sql.raw(textField('householdId'))} AS hh, ${sql.raw(textField('name'))} AS n,
             ${sql.raw(textField('createdAt'))} AS ca, ${sql.raw(textField('receivedAt'))} AS ra,
             CASE WHEN entity = 'self-check' THEN data->'answers' END AS answers
      FROM records WHERE seq > ${from} AND seq <= ${upto} AND entity <> 'visit' ORDER BY records.seq LIMIT ${PAGE}`);
    const last = rows.at(-1);
    if (last === undefined) break;
    await storeInputs(tx, rows, dirty);
    from = Number(last.seq);
    if (rows.length < PAGE) break;
  }
  for (const id of await storeVisits(tx, after, upto)) dirty.add(id);
  dirty.delete('');
  const ids = [...dirty].sort();
  const stage = new Stage();
  for (let i = 0; i < ids.length; i += CHUNK) {
    await recomputeHouseholds(tx, ids.slice(i, i + CHUNK), stage);
    if (stage.digests >= STAGE_ROWS) await applyStage(tx, stage);
  }
  if (stage.digests > 0) await applyStage(tx, stage);
}

/** Hamlets, households, people and self-checks of one page: upserted; the households they touch are marked. */
async function storeInputs(tx: Executor, rows: readonly NarrowRow[], dirty: Set<string>): Promise<void> {
  const hamlets: Record<string, unknown>[] = [];
  const households: Record<string, unknown>[] = [];
  const people: Record<string, unknown>[] = [];
  const selfChecks: Record<string, unknown>[] = [];

  for (const row of rows) {
    switch (row.entity) {
      case 'hamlet': {
        const area = resolveArea(row.p, row.c);
        hamlets.push({ id: row.id, p: area.province, c: area.commune, n: row.n, x: row.deleted });
        break;
      }
      case 'household': {
        const area = resolveArea(row.p, row.c);
        households.push({ id: row.id, p: area.province, c: area.commune, h: row.h, o: area.oldDistrict, cd: dayOf(row.ca), x: row.deleted });
        dirty.add(row.id);
        break;
      }
      case 'person':
        people.push({ id: row.id, hh: row.hh, cd: dayOf(row.ca), x: row.deleted });
        dirty.add(row.hh);
        break;
      case 'self-check': {
        const answers = (typeof row.answers === 'string' ? (JSON.parse(row.answers) as SelfCheckAnswers | null) : row.answers) ?? {};
        const levels: Partial<Record<SkillCode, SelfLevel>> = {};
        for (const skill of SKILL_CODES) {
          const level = selfReportedLevel(answers, skill);
          if (level !== null) levels[skill] = level;
        }
        selfChecks.push({ id: row.id, hh: row.hh, r: row.ra, l: levels });
        dirty.add(row.hh);
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
  if (selfChecks.length > 0) {
    await tx.execute(sql`
      INSERT INTO agg_self_checks (id, household_id, received_at, levels)
      SELECT id, hh, r, l FROM jsonb_to_recordset(${recordset(selfChecks)}::jsonb) AS x(id uuid, hh uuid, r text, l jsonb)
      ON CONFLICT (id) DO UPDATE SET household_id = EXCLUDED.household_id, received_at = EXCLUDED.received_at,
        levels = EXCLUDED.levels`);
  }
}

function dayOf(iso: unknown): number {
  const day = typeof iso === 'string' ? vnDayOfInstant(iso) : Number.NaN;
  return Number.isFinite(day) ? day : 0;
}

/**
 * Visit events of the range, in one statement that never brings them to JavaScript, with the account that made
 * them: the author when it names an account, else who pushed it. Visits are immutable: the first reading stands
 * (and keeps the team its author was in then). Answers the households of the visits stored.
 */
async function storeVisits(tx: Executor, after: number, upto: number): Promise<string[]> {
  const rows = await rawRows<{ id: string }>(tx, sql`
    WITH stored AS (
      INSERT INTO agg_visits (id, household_id, corrects, visited_at, recorded_at, follow_up_on, outcomes, volunteer_id, team_id)
      SELECT r.id, (r.data->>'householdId')::uuid,
             CASE WHEN jsonb_typeof(r.data->'corrects') = 'string' THEN (r.data->>'corrects')::uuid END,
             ${sql.raw(textField('visitedAt', 'r.data'))}, ${sql.raw(textField('recordedAt', 'r.data'))},
             CASE WHEN jsonb_typeof(r.data->'followUpOn') = 'string' THEN r.data->>'followUpOn' END,
             CASE WHEN jsonb_typeof(r.data->'outcomes') = 'array' THEN (
               SELECT coalesce(jsonb_agg(jsonb_build_array(
                 CASE WHEN jsonb_typeof(o->'personId') = 'string' THEN o->>'personId' ELSE '' END,
                 CASE WHEN jsonb_typeof(o->'skill') = 'string' THEN o->>'skill' ELSE '' END,
                 CASE WHEN jsonb_typeof(o->'outcome') = 'string' THEN o->>'outcome' ELSE '' END) ORDER BY n), '[]'::jsonb)
               FROM jsonb_array_elements(r.data->'outcomes') WITH ORDINALITY AS e(o, n))
             ELSE '[]'::jsonb END,
             coalesce(author.id, pusher.id),
             CASE WHEN author.id IS NOT NULL THEN author.team_id ELSE pusher.team_id END
      FROM (
        SELECT id, data, updated_by, CASE
          WHEN jsonb_typeof(data->'authorId') = 'string'
           AND data->>'authorId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          THEN (data->>'authorId')::uuid END AS author_id
        FROM records WHERE entity = 'visit' AND seq > ${after} AND seq <= ${upto}
      ) r
      LEFT JOIN users author ON author.id = r.author_id
      LEFT JOIN users pusher ON pusher.id = r.updated_by
      ON CONFLICT (id) DO NOTHING
      RETURNING household_id)
    SELECT DISTINCT household_id::text AS id FROM stored`);
  return rows.map((r) => r.id);
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

/**
 * Recomputes the digests of these households, stores the changed ones and adds their differences to `stage` (the
 * previous digest taken away, the new one added) for applyStage.
 */
export async function recomputeHouseholds(tx: Executor, ids: readonly string[], stage: Stage): Promise<void> {
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
    const previous = typeof row.digest === 'string' ? (JSON.parse(row.digest) as Digest | null) : row.digest;
    if (json(previous) === json(next)) continue;
    if (isDigest(previous)) stage.add(-1, row.id, previous);
    if (next !== null) stage.add(1, row.id, next);
    updates.push({ id: row.id, d: next });
  }
  if (updates.length === 0) return;
  await tx.execute(sql`
    UPDATE agg_households h SET digest = r.d
    FROM jsonb_to_recordset(${recordset(updates)}::jsonb) AS r(id uuid, d jsonb)
    WHERE h.id = r.id`);
}

/** A stored digest (an object), not a household that counts nothing (null). */
const isDigest = (d: unknown): d is Digest => typeof d === 'object' && d !== null && !Array.isArray(d);
/** A day as the digest stores it: a number (an unknown day is null once stored, NaN before). */
const isDay = (d: unknown): d is number => typeof d === 'number' && Number.isFinite(d);

const GRAINS: readonly [string, PeriodGrain][] = [['w', 'week'], ['m', 'month'], ['q', 'quarter'], ['y', 'year']];

/**
 * The summed contributions of the digests that changed since the last applyStage, each taken away (sign -1, the
 * previous digest) or added (+1, the new one), in each of the digest's areas (k):
 *  - day sums: every state point adds its state and takes away the previous point's from its day on; every
 *    effective visit counts on its day;
 *  - periods: the calendar buckets of the household's distinct visit days;
 *  - day marks: the household's distinct visit days (for the bitmaps);
 *  - presence: its effective visits per day and volunteer.
 * Summed here, in JavaScript, from the digests the recompute already holds: the database receives only the sums
 * (a few rows per area and day), not the digests to take apart again in SQL, statement after statement.
 */
export class Stage {
  /** Digests added since the last applyStage. */
  digests = 0;
  readonly daily = new Map<string, { l: string; a: string; d: number; c: number[] }>();
  readonly periods = new Map<string, { l: string; a: string; g: string; b: number; n: number }>();
  readonly marks = new Map<string, { l: string; a: string; m: string; d: number; n: number }>();
  readonly presence = new Map<string, { l: string; a: string; d: number; v: string; n: number }>();

  add(sign: 1 | -1, householdId: string, digest: Digest): void {
    this.digests += 1;
    const areas = digest.k.map(([l, a]) => ({ l, a, key: `${l}|${a}|` }));
    let previous: StatePoint | undefined;
    for (const point of digest.s) {
      const day = point[0];
      if (isDay(day)) {
        const change = new Array<number>(SUM_COLUMNS.length).fill(0);
        for (let i = 0; i < STATE_WIDTH; i++) {
          const now = point[i + 3];
          const before = previous?.[i + 3];
          if (typeof now === 'number') change[i + 1] = sign * (now - (typeof before === 'number' ? before : 0));
        }
        for (const { l, a, key } of areas) this.addDaily(key, l, a, day, change);
      }
      previous = point;
    }
    // Visits per day, and per day and volunteer: counted first, then added once per area.
    const perDay = new Map<number, number>();
    const perVolunteer = new Map<string, { d: number; v: string; n: number }>();
    for (const [day, volunteer] of digest.v) {
      if (!isDay(day)) continue;
      perDay.set(day, (perDay.get(day) ?? 0) + sign);
      if (typeof volunteer === 'string') {
        const k = `${day}|${volunteer}`;
        const row = perVolunteer.get(k);
        if (row) row.n += sign;
        else perVolunteer.set(k, { d: day, v: volunteer, n: sign });
      }
    }
    const buckets = new Map<string, { g: string; b: number }>();
    for (const day of perDay.keys()) {
      for (const [g, grain] of GRAINS) {
        const b = bucketOf(grain, day);
        buckets.set(`${g}|${b}`, { g, b });
      }
    }
    const visits = new Array<number>(SUM_COLUMNS.length).fill(0);
    for (const { l, a, key } of areas) {
      for (const [day, n] of perDay) {
        visits[0] = n;
        this.addDaily(key, l, a, day, visits);
        const markKey = `${key}${householdId}|${day}`;
        const mark = this.marks.get(markKey);
        if (mark) mark.n += sign;
        else this.marks.set(markKey, { l, a, m: householdId, d: day, n: sign });
      }
      for (const [k, { d, v, n }] of perVolunteer) {
        const presenceKey = key + k;
        const row = this.presence.get(presenceKey);
        if (row) row.n += n;
        else this.presence.set(presenceKey, { l, a, d, v, n });
      }
      for (const [k, { g, b }] of buckets) {
        const periodKey = key + k;
        const row = this.periods.get(periodKey);
        if (row) row.n += sign;
        else this.periods.set(periodKey, { l, a, g, b, n: sign });
      }
    }
  }

  private addDaily(prefix: string, l: string, a: string, d: number, change: readonly number[]): void {
    const key = prefix + d;
    const row = this.daily.get(key);
    if (row === undefined) this.daily.set(key, { l, a, d, c: [...change] });
    else for (let i = 0; i < change.length; i++) row.c[i] = (row.c[i] ?? 0) + (change[i] ?? 0);
  }

  clear(): void {
    this.digests = 0;
    this.daily.clear();
    this.periods.clear();
    this.marks.clear();
    this.presence.clear();
  }
}

/** SQL for the bucket of the day number `day` in the grain `grain` (d, w, m, q, y), as bucketOf gives it. */
function bucketSql(grain: string, day: string): string {
  const date = `(DATE '1970-01-01' + ${day})`;
  const year = `extract(year FROM ${date})::int`;
  const month = `extract(month FROM ${date})::int`;
  return `CASE ${grain} WHEN 'd' THEN ${day} WHEN 'w' THEN floor((${day} + 3) / 7.0)::int WHEN 'm' THEN ${year} * 12 + ${month} - 1
    WHEN 'q' THEN ${year} * 4 + (${month} - 1) / 3 ELSE ${year} END`;
}

/**
 * Writes the staged sums (Stage) into the tables and empties the stage: the day sums into agg_sums (and the days that
 * changed into agg_deltas, for applyRunning), the periods' visited households into agg_periods, the volunteers'
 * presence into agg_presence, and the marks of the households' and volunteers' days that came or went into agg_marks
 * (for applyBits). Only what changed: a sum that comes to zero writes nothing.
 */
async function applyStage(tx: Executor, stage: Stage): Promise<void> {
  const columns = SUM_COLUMNS.map((_, i) => `c${i}`);
  const daily = [...stage.daily.values()]
    .filter((r) => r.c.some((c) => c !== 0))
    .map(({ l, a, d, c }) => Object.fromEntries([['l', l], ['a', a], ['d', d], ...c.map((v, i) => [`c${i}`, v])]));
  if (daily.length > 0) {
    // Per area and day (the weekly series reads these), and the same changes run into agg_running (applyRunning).
    await tx.execute(sql`
      WITH daily AS MATERIALIZED (
        SELECT * FROM jsonb_to_recordset(${recordset(daily)}::jsonb)
          AS x(l text, a text, d int, ${sql.raw(columns.map((c) => `${c} int`).join(', '))})),
      deltas AS (
        INSERT INTO agg_deltas (level, area, day, ${sql.raw(SUM_COLUMNS.join(', '))})
        SELECT l, a, d, ${sql.raw(columns.join(', '))} FROM daily)
      INSERT INTO agg_sums (level, area, grain, bucket, ${sql.raw(SUM_COLUMNS.join(', '))})
      SELECT l, a, 'd', d, ${sql.raw(columns.join(', '))} FROM daily
      ON CONFLICT (level, area, grain, bucket) DO UPDATE SET
        ${sql.raw(SUM_COLUMNS.map((c) => `${c} = agg_sums.${c} + EXCLUDED.${c}`).join(', '))}`);
  }
  await applyRunning(tx);
  // A household counts once per calendar bucket it was visited in, in each of its areas.
  const periods = [...stage.periods.values()].filter((r) => r.n !== 0);
  if (periods.length > 0) {
    await tx.execute(sql`
      INSERT INTO agg_periods (level, area, grain, bucket, visited_households)
      SELECT l, a, g, b, n FROM jsonb_to_recordset(${recordset(periods)}::jsonb) AS x(l text, a text, g text, b int, n int)
      ON CONFLICT (level, area, grain, bucket) DO UPDATE SET visited_households = agg_periods.visited_households + EXCLUDED.visited_households`);
  }
  // Each household's visit days that came or went, in each of its areas: slots to turn on or off (applyBits).
  const marks = [...stage.marks.values()].filter((r) => r.n !== 0);
  if (marks.length > 0) {
    await tx.execute(sql`
      INSERT INTO agg_marks (level, area, kind, member, day, is_on)
      SELECT l, a, 'h', m, d, n > 0 FROM jsonb_to_recordset(${recordset(marks)}::jsonb) AS x(l text, a text, m uuid, d int, n int)`);
  }
  // A volunteer is on in a day's bitmap while they have effective visits that day. Day rows only: the bitmaps
  // answer every longer period (month rows, written until 2026-11-23, were never read and stay until a rebuild).
  const presence = [...stage.presence.values()].filter((r) => r.n !== 0);
  if (presence.length > 0) {
    await tx.execute(sql`
      WITH presence AS (
        INSERT INTO agg_presence (level, area, grain, bucket, volunteer_id, visits)
        SELECT l, a, 'd', d, v, n FROM jsonb_to_recordset(${recordset(presence)}::jsonb) AS x(l text, a text, d int, v uuid, n int)
        ON CONFLICT (level, area, grain, bucket, volunteer_id) DO UPDATE SET visits = agg_presence.visits + EXCLUDED.visits
        RETURNING level, area, bucket, volunteer_id, visits)
      INSERT INTO agg_marks (level, area, kind, member, day, is_on)
      SELECT level, area, 'v', volunteer_id, bucket, visits > 0 FROM presence`);
  }
  await applyBits(tx);
  await tx.execute(sql`TRUNCATE agg_marks, agg_touched, agg_deltas`);
  stage.clear();
}

/** SQL for the first day of the month of the day number `day`. */
const monthStartSql = (day: string) => `(date_trunc('month', DATE '1970-01-01' + ${day})::date - DATE '1970-01-01')`;
/** SQL for the last day of the month of the day number `day`. */
const monthEndSql = (day: string) => `((date_trunc('month', DATE '1970-01-01' + ${day}) + interval '1 month')::date - DATE '1970-01-01' - 1)`;

/**
 * Brings agg_running (migration 0006) in step with the day rows of agg_sums just written: the day rows of every
 * month a change fell in, each the sum of its month's days up to it; and the month rows of every area that changed,
 * from the first month it changed in, each the sum of all days up to the end of the month. Window sums over the day
 * rows, so each is computed once (not once per change).
 */
async function applyRunning(tx: Executor): Promise<void> {
  const list = SUM_COLUMNS.join(', ');
  const set = SUM_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  await tx.execute(sql.raw(`
    INSERT INTO agg_running (level, area, grain, bucket, ${list})
    SELECT s.level, s.area, 'd', s.bucket,
           ${SUM_COLUMNS.map((c) => `sum(s.${c}) OVER (PARTITION BY s.level, s.area, t.ms ORDER BY s.bucket)`).join(', ')}
    FROM (SELECT DISTINCT level, area, ${monthStartSql('day')} AS ms FROM agg_deltas) t
    JOIN agg_sums s ON s.level = t.level AND s.area = t.area AND s.grain = 'd' AND s.bucket BETWEEN t.ms AND ${monthEndSql('t.ms')}
    ON CONFLICT (level, area, grain, bucket) DO UPDATE SET ${set}`));
  await tx.execute(sql.raw(`
    INSERT INTO agg_running (level, area, grain, bucket, ${list})
    SELECT level, area, 'm', month, ${SUM_COLUMNS.map((c) => `running_${c}`).join(', ')}
    FROM (
      SELECT m.level, m.area, m.month, t.first,
             ${SUM_COLUMNS.map((c) => `sum(m.${c}) OVER (PARTITION BY m.level, m.area ORDER BY m.month) AS running_${c}`).join(', ')}
      FROM (SELECT level, area, min(${bucketSql("'m'", 'day')}) AS first FROM agg_deltas GROUP BY 1, 2) t
      CROSS JOIN LATERAL (
        SELECT s.level, s.area, ${bucketSql("'m'", 's.bucket')} AS month, ${SUM_COLUMNS.map((c) => `sum(s.${c}) AS ${c}`).join(', ')}
        FROM agg_sums s WHERE s.level = t.level AND s.area = t.area AND s.grain = 'd'
        GROUP BY 1, 2, 3
      ) m
    ) x
    WHERE month >= first
    ON CONFLICT (level, area, grain, bucket) DO UPDATE SET ${set}`));
}

/** Bits per bitmap chunk (migration 0006: bit(2048)). */
export const CHUNK_BITS = 2048;
/** Runs of days with their own bitmaps: span j covers 4^j days (1, 4, 16, 64, 256). */
export const BIT_SPANS = 4;
const NO_BITS = `B'0'::bit(${CHUNK_BITS})`;

/**
 * Turns the marked slots on and off in the day bitmaps (span 0), giving new members the next free slots of their
 * area, then recomputes the longer runs (spans 1…BIT_SPANS) over the touched days, each the union of its 4 parts.
 */
async function applyBits(tx: Executor): Promise<void> {
  // The runs' unions sort a few hundred bytes per row: in memory, not in temporary files.
  await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
  // The new members and their areas' highest slots are computed once, before any slot is written (materialized: as
  // a joined subquery the planner may compute them again for every row, and a lookup among the statement's own new
  // rows is quadratic).
  await tx.execute(sql.raw(`
    WITH fresh AS MATERIALIZED (
      SELECT DISTINCT m.level, m.area, m.kind, m.member FROM agg_marks m
      WHERE m.is_on AND NOT EXISTS (
        SELECT 1 FROM agg_slots s WHERE s.level = m.level AND s.area = m.area AND s.kind = m.kind AND s.member = m.member)
    ),
    tops AS MATERIALIZED (
      SELECT a.level, a.area, a.kind,
             coalesce((SELECT max(s.slot) FROM agg_slots s WHERE s.level = a.level AND s.area = a.area AND s.kind = a.kind), -1) AS top
      FROM (SELECT DISTINCT level, area, kind FROM fresh) a
    )
    INSERT INTO agg_slots (level, area, kind, member, slot)
    SELECT f.level, f.area, f.kind, f.member, t.top + row_number() OVER (PARTITION BY f.level, f.area, f.kind ORDER BY f.member)
    FROM fresh f JOIN tops t ON t.level = f.level AND t.area = f.area AND t.kind = f.kind`));
  const bit = `set_bit(${NO_BITS}, s.slot % ${CHUNK_BITS}, 1)`;
  await tx.execute(sql.raw(`
    INSERT INTO agg_touched (level, area, kind, day, chunk, on_bits, off_bits)
    SELECT m.level, m.area, m.kind, m.day, s.slot / ${CHUNK_BITS},
           bit_or(${bit}) FILTER (WHERE m.is_on), bit_or(${bit}) FILTER (WHERE NOT m.is_on)
    FROM agg_marks m
    JOIN agg_slots s ON s.level = m.level AND s.area = m.area AND s.kind = m.kind AND s.member = m.member
    GROUP BY 1, 2, 3, 4, 5`));
  await tx.execute(sql.raw(`
    UPDATE agg_bits b SET bits = (b.bits & ~coalesce(t.off_bits, ${NO_BITS})) | coalesce(t.on_bits, ${NO_BITS})
    FROM agg_touched t
    WHERE b.level = t.level AND b.area = t.area AND b.kind = t.kind AND b.span = 0 AND b.block = t.day AND b.chunk = t.chunk`));
  await tx.execute(sql.raw(`
    INSERT INTO agg_bits (level, area, kind, span, block, chunk, bits)
    SELECT t.level, t.area, t.kind, 0, t.day, t.chunk, t.on_bits FROM agg_touched t
    WHERE t.on_bits IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM agg_bits b WHERE b.level = t.level AND b.area = t.area AND b.kind = t.kind
                                                  AND b.span = 0 AND b.block = t.day AND b.chunk = t.chunk)`));
  for (let span = 1; span <= BIT_SPANS; span++) {
    await tx.execute(sql.raw(`
      INSERT INTO agg_bits (level, area, kind, span, block, chunk, bits)
      SELECT b.level, b.area, b.kind, ${span}, t.block, b.chunk, bit_or(b.bits)
      FROM (SELECT DISTINCT level, area, kind, chunk, day >> ${2 * span} AS block FROM agg_touched) t
      JOIN agg_bits b ON b.level = t.level AND b.area = t.area AND b.kind = t.kind AND b.span = ${span - 1}
                     AND b.block BETWEEN t.block * 4 AND t.block * 4 + 3 AND b.chunk = t.chunk
      GROUP BY b.level, b.area, b.kind, t.block, b.chunk
      ON CONFLICT (level, area, kind, span, block, chunk) DO UPDATE SET bits = EXCLUDED.bits`));
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
  /** Records read before the statistics are refreshed, at the least (default 10,000; see noteRead). */
  analyzeAfter?: number;
  /** A background slice is sized to hold the database about this long (default 250 ms). */
  sliceMs?: number;
  /** Awaited before each background slice: the requests being answered go first (plugins/foreground-requests.ts). */
  yieldTo?: () => Promise<void>;
  /**
   * Awaited between two batches of a bounded catch-up (a report's), with what is left of its budget: the pushes
   * waiting go first (sync-push.ts `pushesFirst`). On PGlite the batches otherwise follow each other without the
   * event loop turning once, and every push waited for the report's whole budget (2 s) before it was even read.
   */
  betweenBatches?: (maxWaitMs: number) => Promise<void>;
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

const AGG_TABLES = [
  'agg_marks', 'agg_touched', 'agg_deltas', 'agg_hamlets', 'agg_households', 'agg_people', 'agg_visits',
  'agg_self_checks', 'agg_sums', 'agg_running', 'agg_periods', 'agg_presence', 'agg_slots', 'agg_bits',
].join(', ');

/** The aggregates' columns that reports and the aggregator filter and join on (never the digests: large jsonb). */
const ANALYZED = [
  'agg_sums (level, area, grain, bucket)', 'agg_running (level, area, grain, bucket)',
  'agg_periods (level, area, grain, bucket)', 'agg_presence (level, area, grain, bucket)', 'agg_bits (level, area, kind, span, block)', 'agg_slots (level, area, kind)', 'agg_households (commune_code, hamlet_id)',
  'agg_visits (household_id, volunteer_id, team_id)', 'agg_people (household_id)', 'agg_self_checks (household_id)',
  'agg_hamlets (commune_code)',
].join(', ');

export function createAggregator(database: Database, options: AggregatorOptions = {}): Aggregator {
  const batchSize = options.batchSize ?? 2000;
  const quietMs = options.quietMs ?? 2000;
  const maxDelayMs = options.maxDelayMs ?? 15_000;
  const sliceMs = options.sliceMs ?? 250;
  const db = database.db;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let firstPending: number | null = null;
  let stopped = false;
  const interval = options.intervalMs ? setInterval(() => background(), options.intervalMs) : null;
  interval?.unref?.();

  /**
   * One batch in one transaction: the next `limit` records (all of them when unbounded). Returns the records read
   * and whether more are waiting.
   */
  async function runBatch(limit: number): Promise<{ read: number; more: boolean; watermark: number; latest: number }> {
    return db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${AGG_LOCK_KEY})`);
      // The set-based statements are estimated costly enough for PostgreSQL's JIT, whose compiling costs more than
      // it saves on them (PGlite has none).
      await tx.execute(sql`SET LOCAL jit = off`);
      const [state] = await rawRows<{ watermark: number; max_seq: number }>(tx, sql`
        SELECT watermark::float8 AS watermark, (SELECT coalesce(max(seq), 0)::float8 FROM records) AS max_seq
        FROM agg_state WHERE id = 1`);
      let watermark = Number(state?.watermark ?? 0);
      const maxSeq = Number(state?.max_seq ?? 0);
      if (maxSeq < watermark) {
        // The change sequence went back (a restored or emptied database): start again from nothing.
        await tx.execute(sql.raw(`TRUNCATE ${AGG_TABLES}`));
        watermark = 0;
      }
      const unchanged = async () => {
        if (watermark !== Number(state?.watermark ?? 0)) {
          await tx.execute(sql`UPDATE agg_state SET watermark = ${watermark}, updated_at = now() WHERE id = 1`);
        }
        return { read: 0, more: false, watermark, latest: maxSeq };
      };
      // Nothing waiting (what most reports find): no more round trips.
      if (watermark >= maxSeq) return unchanged();
      let upto = maxSeq;
      if (Number.isFinite(limit)) {
        // `ORDER BY records.seq`, not the float alias: ordering by the alias sorted every record in the table (1.8 s
        // at 1,000,000 visits on PGlite, on every report, even with nothing waiting) instead of walking the index.
        const [edge] = await rawRows<{ seq: number }>(tx, sql`
          SELECT seq::float8 AS seq FROM records WHERE seq > ${watermark} ORDER BY records.seq OFFSET ${limit - 1} LIMIT 1`);
        if (edge !== undefined) upto = Number(edge.seq);
      }
      const [range] = await rawRows<{ n: number }>(tx, sql`
        SELECT count(*)::float8 AS n FROM records WHERE seq > ${watermark} AND seq <= ${upto}`);
      const read = Number(range?.n ?? 0);
      if (read === 0) return unchanged();
      await applyRange(tx, watermark, upto);
      await tx.execute(sql`UPDATE agg_state SET watermark = ${upto}, updated_at = now() WHERE id = 1`);
      return { read, more: upto < maxSeq, watermark: upto, latest: maxSeq };
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
    // Unbounded (a rebuild): everything waiting in one transaction, each household recomputed once. Bounded (a
    // request): batches, so that the budget is kept.
    const bounded = Number.isFinite(budgetMs);
    const limit = bounded ? batchSize : Number.POSITIVE_INFINITY;
    const spent = () => performance.now() - started;
    for (;;) {
      const batch = await runBatch(limit);
      read += batch.read;
      if (batch.more && bounded && spent() < budgetMs) await options.betweenBatches?.(budgetMs - spent());
      if (!batch.more || spent() >= budgetMs) {
        // As the last batch's transaction saw it: no second look at the state.
        noteRead(read, batch.watermark);
        return { watermark: batch.watermark, latestSeq: batch.latest, read };
      }
    }
  }

  /**
   * Keeps the planner's statistics of the aggregates fresh (PGlite runs no autovacuum: after a large catch-up it
   * would plan the reports' lookups blind, as scans). After this aggregator has read a fifth of the records again
   * (at least `analyzeAfter`), an ANALYZE of the columns queries filter on starts in the background: nothing waits
   * for it (on PostgreSQL it runs on another connection; PGlite runs it between transactions), and it waits for
   * `yieldTo` first, as the background slices do.
   */
  let readSinceAnalyze = 0;
  let analyzing: Promise<void> | null = null;
  function noteRead(read: number, watermark: number): void {
    readSinceAnalyze += read;
    if (analyzing !== null || stopped || readSinceAnalyze < Math.max(options.analyzeAfter ?? 10_000, watermark / 5)) return;
    readSinceAnalyze = 0;
    // After the requests being answered, as the slices are: on PGlite an ANALYZE of the aggregates holds the one
    // thread that serves HTTP for up to seconds.
    analyzing = (async () => {
      await options.yieldTo?.();
      if (!stopped) await db.execute(sql.raw(`ANALYZE ${ANALYZED}`));
    })()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        analyzing = null;
      });
  }

  // Records in the next background slice: adjusted after each slice so that one holds the database about `sliceMs`.
  let sliceSize = Math.min(batchSize, 250);
  let backgroundRun: Promise<void> | null = null;
  let again = false;

  /**
   * The background catch-up in slices: each one batch in its own transaction, and between two slices the connection
   * is handed on, so that a push waiting for it goes first (PGlite has one connection and runs transactions in the
   * order they asked for it), and `yieldTo` lets the pushes already waiting go first. Everything waiting in one
   * transaction held every push behind it: about 10 s after a burst of 35,000 visits. A household touched by several
   * slices is recomputed once per slice: more work in all, never a long wait.
   */
  async function slices(): Promise<void> {
    let read = 0;
    let watermark = 0;
    for (;;) {
      await options.yieldTo?.();
      if (stopped) break;
      const started = performance.now();
      const batch = await exclusive(() => runBatch(sliceSize));
      const took = performance.now() - started;
      read += batch.read;
      watermark = batch.watermark;
      if (batch.read > 0) {
        const scaled = Math.round(sliceSize * Math.min(1.5, sliceMs / Math.max(1, took)));
        sliceSize = Math.max(100, Math.min(batchSize * 10, scaled));
      }
      if (!batch.more || stopped) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (read > 0) noteRead(read, watermark);
  }

  function background(): void {
    if (stopped) return;
    firstPending = null;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (backgroundRun !== null) {
      again = true; // records may have arrived after the running catch-up looked: it goes round once more
      return;
    }
    backgroundRun = (async () => {
      do {
        again = false;
        await slices();
      } while (again && !stopped);
    })()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        backgroundRun = null;
      });
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
      await backgroundRun;
      await chain;
      await analyzing;
    },
  };
}
