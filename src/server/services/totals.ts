/**
 * Totals for a node of the area tree (province, pre-2025 district, commune, hamlet; a team; a volunteer) and a
 * period, read from the aggregates (services/aggregator.ts) in one consistent snapshot and stamped with the change
 * sequence number they reflect. Also: where a caller's reports start (their roots), who may read or export a node,
 * and the devices table (the last time each device synced) behind "devices not synced for more than 7 days".
 *
 * Reading cost does not grow with the number of visits, nor with the period's length: per area, a state as of a day
 * and the visits up to a day are two lookups in the running sums; calendar weeks, months, quarters and years read
 * one row of distinct visited households; any other period's visited households, and every period's active
 * volunteers, are the union of the bitmaps of the few aligned runs of days that cover it (migration 0006).
 */
import { sql } from 'drizzle-orm';
import { SKILL_CODES } from '../../shared/skills.ts';
import {
  alignedPeriod, bucketOf, bucketRange, dayNumber, isoDay, rateOf,
  type NodeKind, type NodeRef, type PeriodGrain, type ReportRoots, type Totals, type TotalsAnswer, type WeeklyVisits,
} from '../../shared/totals.ts';
import type { AppDb } from '../db/client.ts';
import { rawRows, type Executor } from '../db/raw.ts';
import type { AuthUser } from '../auth/authenticate.ts';
import { scopeAllows } from '../auth/scope.ts';
import { ProblemError } from '../problem-error.ts';
import { adminUnits, BIT_SPANS, bump, inSequence, resolveArea, STATE_WIDTH, SUM_COLUMNS, type Aggregator, type Digest, type Level, type StatePoint } from './aggregator.ts';

const collator = new Intl.Collator('vi');
const byName = (a: { name: string }, b: { name: string }) => collator.compare(a.name, b.name);

/** A node of the area tree, resolved: where its sums live and which communes bound it (for scope and devices). */
export interface ReportNode {
  ref: NodeRef;
  level: Level;
  area: string;
  /** Set for a province node: its scope check is "the caller's province". */
  wholeProvince: string | null;
  /** The communes the node spans, with their provinces (a volunteer or team: where they work). */
  communes: { province: string; commune: string }[];
  /** Ancestors, outermost first (before the caller's scope filters them). */
  parents: NodeRef[];
  /** The team of a volunteer node, if any. */
  teamId: string | null;
}

const LEVEL_OF: Record<NodeKind, Level> = {
  province: 'p', district: 'd', commune: 'c', hamlet: 'h', team: 't', volunteer: 'v',
};

function provinceRef(code: string): NodeRef {
  return { kind: 'province', id: code, name: adminUnits().provinceName.get(code) ?? code };
}

function communeRef(code: string): NodeRef {
  return { kind: 'commune', id: code, name: adminUnits().communeName.get(code) ?? code };
}

function communeSpan(code: string, province?: string): { province: string; commune: string } {
  return { province: adminUnits().communeProvince.get(code) ?? province ?? '', commune: code };
}

/** Resolves a node; null when it does not exist. */
export async function resolveNode(db: Executor, kind: NodeKind, id: string): Promise<ReportNode | null> {
  const u = adminUnits();
  const base = { level: LEVEL_OF[kind], area: id, wholeProvince: null, teamId: null };
  switch (kind) {
    case 'province': {
      if (!u.provinceName.has(id)) return null;
      return {
        ...base, ref: provinceRef(id), wholeProvince: id, parents: [],
        communes: (u.provinceCommunes.get(id) ?? []).map((c) => communeSpan(c, id)),
      };
    }
    case 'district': {
      const name = u.districtName.get(id);
      const communes = u.districtCommunes.get(id) ?? [];
      if (name === undefined || communes.length === 0) return null;
      const province = u.districtProvince.get(id);
      return {
        ...base, ref: { kind, id, name }, parents: province === undefined ? [] : [provinceRef(province)],
        communes: communes.map((c) => communeSpan(c)),
      };
    }
    case 'commune': {
      let province = u.communeProvince.get(id);
      if (province === undefined) {
        // A commune code outside the 2025 list exists only if records carry it.
        const [row] = await rawRows<{ province_code: string }>(db, sql`
          SELECT province_code FROM agg_households WHERE commune_code = ${id} LIMIT 1`);
        if (row === undefined) return null;
        province = row.province_code;
      }
      return { ...base, ref: communeRef(id), parents: [provinceRef(province)], communes: [communeSpan(id, province)] };
    }
    case 'hamlet': {
      // Read from the records themselves, so a hamlet is known (and its scope checked) before the aggregates catch up.
      const [row] = await rawRows<{ name: string; province_code: string; commune_code: string }>(db, sql`
        SELECT data->>'name' AS name, province_code, commune_code FROM records WHERE entity = 'hamlet' AND id = ${id}::uuid`);
      if (row === undefined) return null;
      const area = resolveArea(row.province_code, row.commune_code);
      return {
        ...base, ref: { kind, id, name: row.name }, parents: [provinceRef(area.province), communeRef(area.commune)],
        communes: [communeSpan(area.commune, area.province)],
      };
    }
    case 'team': {
      const [row] = await rawRows<{ name: string; province_code: string; commune_code: string }>(db, sql`
        SELECT name, province_code, commune_code FROM teams WHERE id = ${id}::uuid`);
      if (row === undefined) return null;
      return {
        ...base, ref: { kind, id, name: row.name }, parents: [provinceRef(row.province_code), communeRef(row.commune_code)],
        communes: [communeSpan(row.commune_code, row.province_code)],
      };
    }
    case 'volunteer': {
      const [row] = await rawRows<{
        name: string; scope_kind: string; scope_province: string | null; scope_communes: string[] | string;
        team_id: string | null; team_name: string | null; team_commune: string | null; team_province: string | null;
      }>(db, sql`
        SELECT u.name, u.scope_kind, u.scope_province, u.scope_communes, u.team_id::text AS team_id, t.name AS team_name,
               t.commune_code AS team_commune, t.province_code AS team_province
        FROM users u LEFT JOIN teams t ON t.id = u.team_id WHERE u.id = ${id}::uuid`);
      if (row === undefined) return null;
      const scopeCommunes = pgTextArray(row.scope_communes);
      const communes = row.team_commune !== null
        ? [communeSpan(row.team_commune, row.team_province ?? undefined)]
        : scopeCommunes.map((c) => communeSpan(c));
      const parents: NodeRef[] = [];
      const first = communes[0];
      if (row.scope_kind === 'province' && row.scope_province !== null) parents.push(provinceRef(row.scope_province));
      else if (first !== undefined && communes.length === 1) parents.push(provinceRef(first.province), communeRef(first.commune));
      if (row.team_id !== null && row.team_name !== null) parents.push({ kind: 'team', id: row.team_id, name: row.team_name });
      return {
        ...base, ref: { kind, id, name: row.name }, parents, teamId: row.team_id,
        wholeProvince: row.scope_kind === 'province' ? row.scope_province : null, communes,
      };
    }
  }
}

/** node-postgres parses text[]; PGlite may hand back the literal "{a,b}". */
function pgTextArray(value: string[] | string | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((s) => s.replace(/^"|"$/g, ''));
}

/** Whether the caller may read the node's totals: coordinators and team leaders within their scope; volunteers only their own. */
export function canRead(user: AuthUser, node: ReportNode): boolean {
  if (user.role === 'volunteer') return node.ref.kind === 'volunteer' && node.ref.id === user.id;
  const scope = user.scope;
  if (scope.kind === 'all') return true;
  if (node.wholeProvince !== null) return scope.kind === 'province' && scope.province === node.wholeProvince;
  return node.communes.length > 0 && node.communes.every((c) => scopeAllows(scope, c.province, c.commune));
}

export function canExport(user: AuthUser, node: ReportNode): boolean {
  return user.role !== 'volunteer' && canRead(user, node);
}

/** Resolves and authorizes a node: 404 when it does not exist, 403 when it is out of the caller's scope. */
export async function authorizedNode(db: Executor, user: AuthUser, kind: NodeKind, id: string, forExport: boolean): Promise<ReportNode> {
  const node = await resolveNode(db, kind, id);
  if (node === null) {
    // A volunteer learns nothing about what exists outside their own node.
    if (user.role === 'volunteer') throw new ProblemError('auth.forbidden');
    throw new ProblemError('not-found', 'No such node.');
  }
  if (!(forExport ? canExport(user, node) : canRead(user, node))) throw new ProblemError('auth.forbidden');
  return node;
}

/** Where the caller's reports start. */
export async function reportRoots(db: AppDb, user: AuthUser): Promise<ReportRoots> {
  const u = adminUnits();
  const canExportAny = user.role !== 'volunteer';
  if (user.role === 'volunteer') return { roots: [{ kind: 'volunteer', id: user.id, name: user.name }], canExport: false };
  const scope = user.scope;
  if (scope.kind === 'all') {
    return { roots: [...u.provinceName.keys()].map(provinceRef).sort(byName), canExport: canExportAny };
  }
  if (scope.kind === 'province') return { roots: [provinceRef(scope.province)], canExport: canExportAny };
  const roots: NodeRef[] = [];
  // A coordinator given a pre-2025 district holds exactly the communes that replaced it.
  const wanted = [...scope.communes].sort().join(',');
  if (scope.communes.length > 1) {
    for (const [code, communes] of u.districtCommunes) {
      if (communes.join(',') === wanted && u.districtName.get(code) === user.scopeLabel) {
        roots.push({ kind: 'district', id: code, name: u.districtName.get(code) ?? code });
        break;
      }
    }
  }
  if (roots.length === 0) roots.push(...scope.communes.map(communeRef).sort(byName));
  if (user.teamId !== null) {
    const [team] = await rawRows<{ name: string }>(db, sql`SELECT name FROM teams WHERE id = ${user.teamId}::uuid`);
    if (team !== undefined) roots.push({ kind: 'team', id: user.teamId, name: team.name });
  }
  return { roots, canExport: canExportAny };
}

// ---- Reading the sums -----------------------------------------------------------------------------------------

interface Key {
  l: Level;
  a: string;
}
const keyOf = (k: Key) => `${k.l}\t${k.a}`;

const GRAIN_LETTER: Record<PeriodGrain, string> = { week: 'w', month: 'm', quarter: 'q', year: 'y' };

/**
 * [from, to] as the fewest aligned runs of days the bitmaps keep (migration 0006): span j, block b is the days
 * [b * 4^j, (b + 1) * 4^j), j ≤ BIT_SPANS. At most 3 runs per span on each side, plus whole runs of the longest.
 */
export function alignedRuns(from: number, to: number): { s: number; b: number }[] {
  const blocks: { s: number; b: number }[] = [];
  let day = from;
  while (day <= to) {
    let span = 0;
    while (span < BIT_SPANS && day % 4 ** (span + 1) === 0 && day + 4 ** (span + 1) - 1 <= to) span += 1;
    blocks.push({ s: span, b: Math.floor(day / 4 ** span) });
    day += 4 ** span;
  }
  return blocks;
}

function emptyTotals(): Totals {
  return {
    households: 0, visitedHouseholds: 0, atTarget: 0, atTargetRate: null, people: 0,
    skills: SKILL_CODES.map((skill) => ({ skill, guided: 0, proficient: 0, selfReportedAlone: 0 })),
    visits: 0, followUpsDue: 0, activeVolunteers: 0,
  };
}


interface SumRow {
  l: string;
  a: string;
  i: number;
  [column: string]: number | string;
}


/** Totals of province, district and commune keys: from the sums tables, one range scan per level and bucket range. */
async function tableTotals(db: Executor, keys: readonly Key[], from: number, to: number): Promise<Map<string, Totals>> {
  const result = new Map<string, Totals>(keys.map((k) => [keyOf(k), emptyTotals()]));
  if (keys.length === 0) return result;
  // Running sums (migration 0006): the state as of `to` and the visits up to `to` and up to the day before `from`,
  // each the last month row before the day's month plus the last day row of its month up to the day.
  const wanted = JSON.stringify(keys.map((k) => ({ l: k.l, a: k.a })));
  const points = JSON.stringify([to, from - 1].map((day, i) => {
    const month = bucketOf('month', day);
    return { i, m: month - 1, ms: bucketRange('month', month).from, d: day };
  }));
  const at = (col: string) => sql.raw(`SELECT ${col} FROM agg_running r WHERE r.level = k.l AND r.area = k.a`);
  const sums = await rawRows<SumRow>(db, sql`
    SELECT k.l, k.a, p.i, ${sql.raw(SUM_COLUMNS.map((c) => `coalesce(rm.${c}, 0) + coalesce(rd.${c}, 0) AS ${c}`).join(', '))}
    FROM jsonb_to_recordset(${wanted}::jsonb) AS k(l char(1), a text)
    CROSS JOIN jsonb_to_recordset(${points}::jsonb) AS p(i int, m int, ms int, d int)
    LEFT JOIN LATERAL (${at(SUM_COLUMNS.join(', '))} AND r.grain = 'm' AND r.bucket <= p.m ORDER BY r.bucket DESC LIMIT 1) rm ON true
    LEFT JOIN LATERAL (${at(SUM_COLUMNS.join(', '))} AND r.grain = 'd' AND r.bucket BETWEEN p.ms AND p.d ORDER BY r.bucket DESC LIMIT 1) rd ON true`);
  for (const row of sums) {
    const t = result.get(`${row.l}\t${row.a}`);
    if (!t) continue;
    if (Number(row.i) === 1) {
      t.visits -= Number(row.visits);
      continue;
    }
    t.visits += Number(row.visits);
    withState(t, SUM_COLUMNS.slice(1).map((c) => Number(row[c])));
  }

  // Distinct counts: a calendar period's visited households from its one row; any other period's, and the active
  // volunteers of every period, from the bitmaps of the few aligned runs of days that cover it.
  const aligned = alignedPeriod(from, to);
  const blocks = alignedRuns(from, to);
  const kinds = JSON.stringify(aligned === null ? ['h', 'v'] : ['v']);
  const [visited, counted] = await inSequence([
    () => (aligned === null ? Promise.resolve([]) : rawRows<{ l: string; a: string; n: number }>(db, sql`
      SELECT p.level AS l, p.area AS a, p.visited_households AS n
      FROM jsonb_to_recordset(${wanted}::jsonb) AS k(l char(1), a text)
      JOIN agg_periods p ON p.level = k.l AND p.area = k.a AND p.grain = ${GRAIN_LETTER[aligned.grain]} AND p.bucket = ${aligned.bucket}`)),
    // One index lookup per area, kind and run (OFFSET 0 keeps the planner from scanning an area's every run).
    () => rawRows<{ l: string; a: string; kind: string; n: number }>(db, sql`
      SELECT l, a, kind, sum(n)::int AS n FROM (
        SELECT k.l, k.a, g.kind, bit_count(bit_or(x.bits)) AS n
        FROM jsonb_to_recordset(${wanted}::jsonb) AS k(l char(1), a text)
        CROSS JOIN (SELECT jsonb_array_elements_text(${kinds}::jsonb)::char(1) AS kind) g
        CROSS JOIN jsonb_to_recordset(${JSON.stringify(blocks)}::jsonb) AS q(s smallint, b int)
        CROSS JOIN LATERAL (
          SELECT b.chunk, b.bits FROM agg_bits b
          WHERE b.level = k.l AND b.area = k.a AND b.kind = g.kind AND b.span = q.s AND b.block = q.b OFFSET 0
        ) x
        GROUP BY k.l, k.a, g.kind, x.chunk
      ) y GROUP BY l, a, kind`),
  ]);
  for (const row of visited) {
    const t = result.get(`${row.l}\t${row.a}`);
    if (t) t.visitedHouseholds = Number(row.n);
  }
  for (const row of counted) {
    const t = result.get(`${row.l}\t${row.a}`);
    if (!t) continue;
    if (row.kind === 'h') t.visitedHouseholds = Number(row.n);
    else t.activeVolunteers = Number(row.n);
  }
  return result;
}

/** The weeks a series covers: those of [from, to], at least the last 8 and at most 53. */
function seriesWeeks(from: number, to: number): { firstWeek: number; lastWeek: number; start: number } {
  const lastWeek = bucketOf('week', to);
  const firstWeek = Math.max(lastWeek - 52, Math.min(bucketOf('week', from), lastWeek - 7));
  return { firstWeek, lastWeek, start: bucketRange('week', firstWeek).from };
}

function series(byWeek: Map<number, number>, firstWeek: number, lastWeek: number): WeeklyVisits[] {
  const weeks: WeeklyVisits[] = [];
  for (let w = firstWeek; w <= lastWeek; w++) weeks.push({ weekStart: isoDay(bucketRange('week', w).from), visits: byWeek.get(w) ?? 0 });
  return weeks;
}

async function tableWeekly(db: Executor, key: Key, from: number, to: number): Promise<WeeklyVisits[]> {
  const { firstWeek, lastWeek, start } = seriesWeeks(from, to);
  const rows = await rawRows<{ bucket: number; visits: number }>(db, sql`
    SELECT bucket, visits FROM agg_sums
    WHERE level = ${key.l} AND area = ${key.a} AND grain = 'd' AND bucket BETWEEN ${start} AND ${to} AND visits <> 0`);
  const byWeek = new Map<number, number>();
  for (const r of rows) {
    const w = bucketOf('week', Number(r.bucket));
    byWeek.set(w, (byWeek.get(w) ?? 0) + Number(r.visits));
  }
  return series(byWeek, firstWeek, lastWeek);
}


// ---- Hamlets, teams and volunteers: from their households' digests -----------------------------------------------

interface DigestRow {
  id: string;
  hamlet: string;
  digest: Digest;
}

const TABLE_LEVELS: readonly Level[] = ['p', 'd', 'c'];

/**
 * The households whose digests can hold a hamlet's, a team's or a volunteer's figures: the hamlets' own (by hamlet),
 * and those the teams and volunteers visited (by the visits' indexes). Each an index lookup, digests read once.
 */
async function digestRows(db: Executor, keys: readonly Key[]): Promise<DigestRow[]> {
  const areas = (level: Level) => keys.filter((k) => k.l === level).map((k) => k.a);
  const uuids = (list: readonly string[]) => sql`ANY(ARRAY(SELECT (jsonb_array_elements_text(${JSON.stringify(list)}::jsonb))::uuid))`;
  const [hamlets, volunteers, teams] = [areas('h'), areas('v'), areas('t')];
  const ids = new Set<string>();
  if (volunteers.length > 0 || teams.length > 0) {
    const visited = await rawRows<{ id: string }>(db, sql`
      SELECT DISTINCT household_id::text AS id FROM agg_visits WHERE volunteer_id = ${uuids(volunteers)}
      UNION SELECT DISTINCT household_id::text FROM agg_visits WHERE team_id = ${uuids(teams)}`);
    for (const v of visited) ids.add(v.id);
  }
  const parse = (r: { id: string; hamlet_id: string; digest: Digest | string }): DigestRow =>
    ({ id: r.id, hamlet: r.hamlet_id, digest: typeof r.digest === 'string' ? (JSON.parse(r.digest) as Digest) : r.digest });
  const rows = hamlets.length === 0 ? [] : await rawRows<{ id: string; hamlet_id: string; digest: Digest | string }>(db, sql`
    SELECT id::text AS id, hamlet_id::text AS hamlet_id, digest FROM agg_households
    WHERE hamlet_id = ${uuids(hamlets)} AND digest IS NOT NULL`);
  const found = rows.map(parse);
  for (const r of found) ids.delete(r.id);
  if (ids.size > 0) {
    const more = await rawRows<{ id: string; hamlet_id: string; digest: Digest | string }>(db, sql`
      SELECT id::text AS id, hamlet_id::text AS hamlet_id, digest FROM agg_households
      WHERE id = ${uuids([...ids])} AND digest IS NOT NULL`);
    found.push(...more.map(parse));
  }
  return found;
}

/** Whether a household's state, or one of its visits, belongs to the key. */
function matcher(key: Key, row: DigestRow): { state: (p: StatePoint) => boolean; visit: (v: Digest['v'][number]) => boolean } {
  if (key.l === 'h') {
    const mine = row.hamlet === key.a;
    return { state: () => mine, visit: () => mine };
  }
  const i = key.l === 'v' ? 1 : 2;
  return { state: (p) => p[i] === key.a, visit: (v) => v[i] === key.a };
}

/**
 * The same figures the sums tables give a commune, for a hamlet (its households), a team or a volunteer (the
 * households whose latest visit by the period's end was theirs; the visits they made).
 */
function digestTotals(rows: readonly DigestRow[], key: Key, from: number, to: number): Totals {
  const state = new Array<number>(STATE_WIDTH).fill(0);
  const totals = emptyTotals();
  const active = new Set<string>();
  for (const row of rows) {
    const match = matcher(key, row);
    let point: StatePoint | undefined;
    for (const p of row.digest.s) {
      if (p[0] > to) break;
      point = p;
    }
    if (point !== undefined && match.state(point)) point.slice(3).forEach((n, i) => bump(state, i, Number(n)));
    let visits = 0;
    for (const v of row.digest.v) {
      if (v[0] < from || v[0] > to || !match.visit(v)) continue;
      visits += 1;
      if (v[1] !== null) active.add(v[1]);
    }
    totals.visits += visits;
    if (visits > 0) totals.visitedHouseholds += 1;
  }
  totals.activeVolunteers = active.size;
  return withState(totals, state);
}

function digestWeekly(rows: readonly DigestRow[], key: Key, from: number, to: number): WeeklyVisits[] {
  const { firstWeek, lastWeek, start } = seriesWeeks(from, to);
  const byWeek = new Map<number, number>();
  for (const row of rows) {
    const match = matcher(key, row);
    for (const v of row.digest.v) {
      if (v[0] < start || v[0] > to || !match.visit(v)) continue;
      const w = bucketOf('week', v[0]);
      byWeek.set(w, (byWeek.get(w) ?? 0) + 1);
    }
  }
  return series(byWeek, firstWeek, lastWeek);
}

function withState(t: Totals, s: readonly number[]): Totals {
  const at = (i: number) => s[i] ?? 0;
  t.households = at(0);
  t.people = at(1);
  t.atTarget = at(2);
  t.followUpsDue = at(3);
  t.atTargetRate = rateOf(t.atTarget, t.households);
  t.skills = SKILL_CODES.map((skill, i) => ({ skill, proficient: at(4 + i), guided: at(9 + i), selfReportedAlone: at(14 + i) }));
  return t;
}

/** Totals of several keys for one period, and the weekly visits of the first. */
export async function totalsOf(
  db: Executor, keys: readonly Key[], from: number, to: number,
): Promise<{ totals: Map<string, Totals>; weekly: WeeklyVisits[] }> {
  const table = keys.filter((k) => TABLE_LEVELS.includes(k.l));
  const digestKeys = keys.filter((k) => !TABLE_LEVELS.includes(k.l));
  const [fromTables, rows] = await inSequence([
    () => tableTotals(db, table, from, to),
    () => (digestKeys.length > 0 ? digestRows(db, digestKeys) : Promise.resolve([])),
  ]);
  const totals = new Map(fromTables);
  for (const k of digestKeys) totals.set(keyOf(k), digestTotals(rows, k, from, to));
  const first = keys[0];
  const weekly = first === undefined ? [] : TABLE_LEVELS.includes(first.l) ? await tableWeekly(db, first, from, to) : digestWeekly(rows, first, from, to);
  return { totals, weekly };
}

/** Devices of the node's people that have not synced for more than 7 days. */
export async function staleDevices(db: Executor, node: ReportNode): Promise<number> {
  const communes = JSON.stringify(node.communes.map((c) => c.commune));
  const filter =
    node.ref.kind === 'volunteer'
      ? sql`u.id = ${node.ref.id}::uuid`
      : node.ref.kind === 'team'
        ? sql`u.team_id = ${node.ref.id}::uuid`
        : node.wholeProvince !== null
          ? sql`((u.scope_kind = 'province' AND u.scope_province = ${node.wholeProvince})
                 OR u.scope_communes && ARRAY(SELECT jsonb_array_elements_text(${communes}::jsonb)))`
          : sql`u.scope_communes && ARRAY(SELECT jsonb_array_elements_text(${communes}::jsonb))`;
  const [row] = await rawRows<{ n: number }>(db, sql`
    SELECT count(*)::int AS n FROM devices d JOIN users u ON u.id = d.user_id AND u.active
    WHERE d.last_sync_at < now() - interval '7 days' AND ${filter}`);
  return Number(row?.n ?? 0);
}

/** The node's children for drill-down, sorted by name (Vietnamese order), each with its sums key. */
export async function childrenOf(db: Executor, node: ReportNode): Promise<{ ref: NodeRef; key: Key }[]> {
  const u = adminUnits();
  const communes = (codes: readonly string[]) =>
    codes.map((c) => ({ ref: communeRef(c), key: { l: 'c' as Level, a: c } })).sort((a, b) => byName(a.ref, b.ref));
  switch (node.ref.kind) {
    case 'province':
      return communes(u.provinceCommunes.get(node.area) ?? []);
    case 'district':
      return communes(u.districtCommunes.get(node.area) ?? []);
    case 'commune': {
      const [hamlets, teams, volunteers] = await inSequence([
        () => rawRows<{ id: string; name: string }>(db, sql`
          SELECT id::text AS id, name FROM agg_hamlets WHERE commune_code = ${node.area} AND NOT deleted`),
        () => rawRows<{ id: string; name: string }>(db, sql`
          SELECT id::text AS id, name FROM teams WHERE commune_code = ${node.area}`),
        () => rawRows<{ id: string; name: string }>(db, sql`
          SELECT id::text AS id, name FROM users
          WHERE active AND role IN ('volunteer', 'team-leader') AND ${node.area} = ANY(scope_communes)`),
      ]);
      const list = (kind: NodeKind, level: Level, rows: { id: string; name: string }[]) =>
        rows.map((r) => ({ ref: { kind, id: r.id, name: r.name }, key: { l: level, a: r.id } })).sort((a, b) => byName(a.ref, b.ref));
      return [...list('hamlet', 'h', hamlets), ...list('team', 't', teams), ...list('volunteer', 'v', volunteers)];
    }
    case 'team': {
      const members = await rawRows<{ id: string; name: string }>(db, sql`
        SELECT id::text AS id, name FROM users WHERE active AND team_id = ${node.area}::uuid`);
      return members
        .map((r) => ({ ref: { kind: 'volunteer' as const, id: r.id, name: r.name }, key: { l: 'v' as Level, a: r.id } }))
        .sort((a, b) => byName(a.ref, b.ref));
    }
    default:
      return [];
  }
}

/**
 * PostgreSQL compiles a statement whose estimated cost passes jit_above_cost, and the reports' lookups are estimated
 * high (a JSON list of areas counts as 100 rows, and each of them as 100 runs): tens to hundreds of milliseconds of
 * compiling for a statement that runs in a few. PGlite has no JIT; the setting is accepted and changes nothing.
 */
const NO_JIT = sql`SET LOCAL jit = off`;

/**
 * The totals answer for an authorized node and period: catches the aggregates up (bounded), then reads everything
 * in one repeatable-read snapshot so the numbers and the stamp agree.
 */
export async function totalsAnswer(
  db: AppDb,
  aggregator: Aggregator,
  user: AuthUser,
  node: ReportNode,
  period: { from: string; to: string },
  options: { catchUp?: boolean } = {},
): Promise<TotalsAnswer> {
  // Bounded: a long backlog is read by the background run; the answer says which change it reflects.
  if (options.catchUp !== false) await aggregator.catchUp(2000);
  const from = dayNumber(period.from);
  const to = dayNumber(period.to);
  return db.transaction(
    async (tx) => {
      await tx.execute(NO_JIT);
      const [stamp] = await rawRows<{ watermark: number; latest: number; now: string }>(tx, sql`
        SELECT watermark::float8 AS watermark, (SELECT coalesce(max(seq), 0)::float8 FROM records) AS latest,
               to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now
        FROM agg_state WHERE id = 1`);
      const children = await childrenOf(tx, node);
      const own: Key = { l: node.level, a: node.area };
      const [{ totals, weekly }, stale] = await inSequence([
        () => totalsOf(tx, [own, ...children.map((c) => c.key)], from, to),
        () => staleDevices(tx, node),
      ]);
      const parents: NodeRef[] = [];
      for (const p of node.parents) {
        const resolved = await resolveNode(tx, p.kind, p.id);
        if (resolved !== null && canRead(user, resolved)) parents.push(p);
      }
      const aligned = alignedPeriod(from, to);
      return {
        node: node.ref,
        path: parents,
        period: { from: period.from, to: period.to, grain: aligned?.grain ?? null },
        seq: Number(stamp?.watermark ?? 0),
        latestSeq: Number(stamp?.latest ?? 0),
        generatedAt: stamp?.now ?? new Date().toISOString(),
        staleDevices: stale,
        totals: totals.get(keyOf(own)) ?? emptyTotals(),
        children: children.map((c) => ({ node: c.ref, totals: totals.get(keyOf(c.key)) ?? emptyTotals() })),
        weekly,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

// ---- Devices ---------------------------------------------------------------------------------------------------

/** How often one device's sync time is written at most: "more than 7 days" needs no finer clock. */
const DEVICE_WRITE_EVERY_MS = 5 * 60_000;
const lastWritten = new WeakMap<object, Map<string, number>>();

/**
 * Notes that a device synced (after a successful push or pull). A push names the device; a pull is known by its
 * login session until that session's device pushes. Throttled per device; never throws into the sync route.
 */
export async function noteDeviceSync(db: AppDb, user: AuthUser, deviceId: string | null, now: number = Date.now()): Promise<void> {
  let seen = lastWritten.get(db);
  if (!seen) lastWritten.set(db, (seen = new Map()));
  const mark = `${deviceId ?? 'session'}:${user.tokenHash}`;
  const before = seen.get(mark);
  if (before !== undefined && now - before < DEVICE_WRITE_EVERY_MS) return;
  seen.set(mark, now);
  if (seen.size > 10_000) seen.clear();
  const at = new Date(now).toISOString();
  try {
    if (deviceId !== null) {
      await db.execute(sql`
        INSERT INTO devices (device_id, user_id, session_hash, last_push_at, last_sync_at)
        VALUES (${deviceId}, ${user.id}::uuid, ${user.tokenHash}, ${at}::timestamptz, ${at}::timestamptz)
        ON CONFLICT (device_id) DO UPDATE SET user_id = EXCLUDED.user_id, session_hash = EXCLUDED.session_hash,
          last_push_at = EXCLUDED.last_push_at, last_sync_at = EXCLUDED.last_sync_at`);
      // The same login's pulls were counted under its session until now.
      await db.execute(sql`DELETE FROM devices WHERE device_id = ${sessionDeviceId(user.tokenHash)}`);
    } else {
      const updated = await rawRows<{ device_id: string }>(db, sql`
        UPDATE devices SET last_pull_at = ${at}::timestamptz, last_sync_at = ${at}::timestamptz
        WHERE session_hash = ${user.tokenHash} RETURNING device_id`);
      if (updated.length === 0) {
        await db.execute(sql`
          INSERT INTO devices (device_id, user_id, session_hash, last_pull_at, last_sync_at)
          VALUES (${sessionDeviceId(user.tokenHash)}, ${user.id}::uuid, ${user.tokenHash}, ${at}::timestamptz, ${at}::timestamptz)
          ON CONFLICT (device_id) DO UPDATE SET last_pull_at = EXCLUDED.last_pull_at, last_sync_at = EXCLUDED.last_sync_at`);
      }
    }
  } catch {
    // The sync itself succeeded; a missed note only makes a device look a little older.
    seen.delete(mark);
  }
}

function sessionDeviceId(tokenHash: string): string {
  return `session:${tokenHash.slice(0, 16)}`;
}
