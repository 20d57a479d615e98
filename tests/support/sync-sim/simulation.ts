/**
 * Sync fault injection: several simulated devices, each with its own Dexie database and running the REAL client
 * code (repositories, sync engine, conflict resolution), against the REAL server app on one database, over a
 * network that drops, loses, duplicates and reorders requests (network.ts), with server restarts mid-run.
 *
 * A seeded PRNG picks every step, so a seed replays a run exactly (apart from timestamps and ids). Device steps run
 * one at a time, interleaved across devices: `setDbForTesting` points the app's `getDb()` at the device whose step
 * runs, and every sync the step started is awaited before another device's step begins.
 *
 * At the end the faults stop, held pushes arrive, every device syncs and resolves what is left until nothing
 * moves, and the checks run (see `checkConvergence`). Nothing is printed: the report carries the problems found.
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { TungNhaDb, getDb, setDbForTesting } from '../../../src/client/db/database.ts';
import { createHamlet } from '../../../src/client/db/hamlets.ts';
import { addPerson, createHousehold, removePerson, updateHousehold, updatePerson } from '../../../src/client/db/households.ts';
import { correctVisit, logVisit } from '../../../src/client/db/visits.ts';
import { listConflicts, replaceConflicts } from '../../../src/client/db/conflicts.ts';
import { syncedFields } from '../../../src/client/db/push-batch.ts';
import { getSyncCursor, saveSession } from '../../../src/client/db/sync-state.ts';
import { runSync } from '../../../src/client/sync/engine.ts';
import { ApiError } from '../../../src/client/lib/api.ts';
import { fetchConflicts, login } from '../../../src/client/sync/remote.ts';
import { resolveConflict } from '../../../src/client/sync/resolve.ts';
import { syncEngineSettled } from '../../../src/client/sync/scheduler.ts';
import { RELATIONS, SEXES, type Entity, type PersonInput } from '../../../src/shared/records.ts';
import { SKILL_CODES } from '../../../src/shared/skills.ts';
import type { Database } from '../../../src/server/db/client.ts';
import { createAccount } from '../../../src/server/services/accounts.ts';
import { buildTestApp } from '../server-app.ts';
import { createTeam, nextPhone, PASSWORD } from '../server-fixtures.ts';
import { DEFAULT_FAULT_RATES, SimulatedNetwork, type FaultKind, type FaultRates } from './network.ts';
import { createPrng } from './prng.ts';

export const OP_KINDS = [
  'create-hamlet', 'create-household', 'edit-household', 'add-person', 'edit-person', 'remove-person', 'log-visit',
  'correct-visit', 'concurrent-edit',
] as const;
export type OpKind = (typeof OP_KINDS)[number];

export interface SimulationOptions {
  seed: number;
  /** Devices in the shared commune (each a volunteer of its team). One more device works in another commune. */
  devices: number;
  /** Data operations (writes) across all devices. */
  operations: number;
  database: Database;
  /** Server restarts, at random points of the run. */
  restarts?: number;
  rates?: FaultRates;
  /** Debugging: receives a line per request and per device step. */
  trace?: (line: string) => void;
}

export interface ScopeChecksum {
  commune: string;
  records: number;
  visits: number;
  server: string;
  devices: string[];
}

export interface SimulationReport {
  seed: number;
  operations: number;
  operationsByKind: Record<OpKind, number>;
  faults: Record<FaultKind, number>;
  requests: number;
  syncs: number;
  failedSyncs: number;
  /** Why syncs failed, by error code (network errors are the injected faults). */
  syncErrors: Record<string, number>;
  /** Push answers with status `conflict` that reached a device. */
  conflictsSeenByDevices: number;
  conflictsOnServer: number;
  conflictDecisions: number;
  settleRounds: number;
  checksums: ScopeChecksum[];
  durationMs: number;
  /** Empty when every check held. */
  problems: string[];
}

const MAIN = { provinceCode: '38', communeCode: '14845' };
const OTHER = { provinceCode: '38', communeCode: '14848' };
const MAX_SETTLE_ROUNDS = 25;

interface Device {
  name: string;
  db: TungNhaDb;
  area: { provinceCode: string; communeCode: string };
  userId: string;
  phone: string;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Lò', 'Hà', 'Vi'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thu', 'Ngọc', 'Quang', 'Hồng'];
const GIVEN = ['An', 'Bình', 'Cúc', 'Dũng', 'Hoa', 'Lan', 'Mai', 'Nam', 'Pành', 'Sơn', 'Thảo', 'Tuấn', 'Yến'];
const STREETS = ['Bản Pù Quăn', 'Xóm Đồng', 'Thôn Trung', 'Ngõ 3 đường Lê Lợi', 'Tổ 5 khu phố 2'];
const NOTES = ['', 'Nhà có người già', 'Hẹn buổi tối', 'Con đi làm xa', 'Chưa có điện thoại thông minh'];

/** Canonical JSON: object keys sorted at every level, so equal records give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

type RecordSet = Map<string, string>; // `${entity}:${id}` → canonical JSON of the synced fields

function checksum(set: RecordSet): string {
  const hash = createHash('sha256');
  for (const key of [...set.keys()].sort()) hash.update(`${key}=${set.get(key)}\n`);
  return hash.digest('hex').slice(0, 16);
}

export async function runSyncSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const started = performance.now();
  const random = createPrng(options.seed);
  const { database } = options;
  let app: FastifyInstance = await buildTestApp(database, { loginPerIpPerMinute: 1_000_000 });
  const network = new SimulatedNetwork(() => app, random, options.rates ?? DEFAULT_FAULT_RATES);
  network.trace = options.trace ?? null;
  const originalFetch = globalThis.fetch;
  globalThis.fetch = network.fetch;
  const originalDb = getDb();

  const operationsByKind = Object.fromEntries(OP_KINDS.map((k) => [k, 0])) as Record<OpKind, number>;
  const createdVisits = new Map<string, Set<string>>([[MAIN.communeCode, new Set()], [OTHER.communeCode, new Set()]]);
  let syncs = 0;
  let failedSyncs = 0;
  const syncErrors: Record<string, number> = {};
  let conflictDecisions = 0;
  let hamletCounter = 0;

  const restartAt = new Set<number>();
  for (let i = 0; i < (options.restarts ?? 2); i++) restartAt.add(random.int(1, Math.max(1, options.operations - 1)));

  async function on<T>(device: Device, fn: () => Promise<T>): Promise<T> {
    network.device = device.name;
    setDbForTesting(device.db);
    try {
      return await fn();
    } finally {
      // A conflict decision starts a sync in the background: it must finish on this device's database.
      await syncEngineSettled();
    }
  }

  async function sync(device: Device): Promise<void> {
    syncs += 1;
    options.trace?.(`${device.name} sync`);
    await on(device, () => runSync()).catch((error: unknown) => {
      failedSyncs += 1;
      const code = error instanceof ApiError ? error.code : error instanceof Error ? error.name + ': ' + error.message : String(error);
      syncErrors[code] = (syncErrors[code] ?? 0) + 1;
    });
  }

  async function restartServer(): Promise<void> {
    await app.close();
    app = await buildTestApp(database, { loginPerIpPerMinute: 1_000_000 });
    network.counts.restart += 1;
  }

  try {
    // ---- Accounts and devices -------------------------------------------------------------------------------
    const teams = new Map<string, string>();
    for (const area of [MAIN, OTHER]) teams.set(area.communeCode, await createTeam(database, area.communeCode, area.provinceCode));
    const devices: Device[] = [];
    const areas = [...Array.from({ length: options.devices }, () => MAIN), OTHER];
    for (const [i, area] of areas.entries()) {
      const phone = nextPhone();
      const user = await createAccount(database.db, {
        phone, name: `Tình nguyện viên ${i + 1}`, role: 'volunteer', password: PASSWORD,
        scope: { kind: 'team', teamId: teams.get(area.communeCode)! },
      });
      const db = new TungNhaDb(`sync-sim-${options.seed}-${process.pid}-${Date.now()}-${i}`);
      devices.push({ name: `device-${i + 1}`, db, area, userId: user.id, phone });
    }
    for (const device of devices) {
      await on(device, async () => saveSession(await login(device.phone, PASSWORD)));
    }
    const mainDevices = devices.filter((d) => d.area === MAIN);
    // Each commune starts with a few hamlets, made on one device and pulled by the others.
    for (const first of [mainDevices[0]!, devices.at(-1)!]) {
      await on(first, async () => {
        for (let i = 0; i < 3; i++) await createHamlet(first.area, { name: `Thôn ${++hamletCounter}` });
      });
      await sync(first);
    }
    for (const device of devices) await sync(device);

    // ---- The random run -------------------------------------------------------------------------------------
    network.faultsOn = true;
    let operations = 0;
    const name = () => `${random.pick(FAMILY)} ${random.pick(MIDDLE)} ${random.pick(GIVEN)}`;
    const householdInput = () => ({
      headName: name(),
      address: `${random.int(1, 200)} ${random.pick(STREETS)}`,
      phone: random.chance(0.5) ? `09${String(random.int(10_000_000, 99_999_999))}` : '',
      note: random.pick(NOTES),
    });
    const personInput = (relation?: PersonInput['relation']): PersonInput => ({
      fullName: name(),
      birthYear: random.chance(0.9) ? random.int(1930, 2015) : null,
      sex: random.chance(0.9) ? random.pick(SEXES) : null,
      relation: relation ?? random.pick(RELATIONS),
    });

    async function liveHouseholds(): Promise<string[]> {
      return (await getDb().households.filter((h) => !h.deleted).primaryKeys()).sort();
    }
    async function livePeople(householdId?: string): Promise<{ id: string; householdId: string }[]> {
      const table = getDb().people;
      const rows = householdId === undefined ? await table.toArray() : await table.where('householdId').equals(householdId).toArray();
      return rows.filter((p) => !p.deleted).map((p) => ({ id: p.id, householdId: p.householdId })).sort((a, b) => (a.id < b.id ? -1 : 1));
    }
    async function visitDraft(householdId: string) {
      const members = await livePeople(householdId);
      const outcomes = members.length === 0 ? [] : random.shuffle(members).slice(0, random.int(1, Math.min(3, members.length))).flatMap((m) =>
        random.shuffle(SKILL_CODES).slice(0, random.int(1, 3)).map((skill) => ({
          personId: m.id, skill, outcome: random.chance(0.4) ? ('proficient' as const) : ('guided' as const), subSkills: [],
        })),
      );
      return { householdId, outcomes, notes: `Buổi hướng dẫn ${random.int(1, 999)}`, followUpOn: random.chance(0.3) ? '2026-12-15' : null };
    }

    /** One write on one device; false when the device had nothing to write on (the step is skipped). */
    async function write(kind: OpKind, device: Device): Promise<boolean> {
      options.trace?.(`${device.name} ${kind}`);
      return on(device, async () => {
        const db = getDb();
        switch (kind) {
          case 'create-hamlet':
            await createHamlet(device.area, { name: `Thôn ${++hamletCounter}` });
            return true;
          case 'create-household': {
            const hamlets = (await db.hamlets.filter((h) => !h.deleted).primaryKeys()).sort();
            if (hamlets.length === 0) return false;
            const members = [personInput('head'), ...Array.from({ length: random.int(0, 3) }, () => personInput())];
            await createHousehold({ ...device.area, hamletId: random.pick(hamlets) }, householdInput(), members);
            return true;
          }
          case 'edit-household': {
            const households = await liveHouseholds();
            if (households.length === 0) return false;
            await updateHousehold(random.pick(households), householdInput());
            return true;
          }
          case 'add-person': {
            const households = await liveHouseholds();
            if (households.length === 0) return false;
            await addPerson(random.pick(households), personInput());
            return true;
          }
          case 'edit-person': {
            const people = await livePeople();
            if (people.length === 0) return false;
            await updatePerson(random.pick(people).id, personInput());
            return true;
          }
          case 'remove-person': {
            const people = await livePeople();
            if (people.length === 0) return false;
            await removePerson(random.pick(people).id);
            return true;
          }
          case 'log-visit': {
            const households = await liveHouseholds();
            if (households.length === 0) return false;
            const visit = await logVisit(await visitDraft(random.pick(households)), device.userId);
            createdVisits.get(device.area.communeCode)!.add(visit.id);
            return true;
          }
          case 'correct-visit': {
            const visits = (await db.visits.toCollection().primaryKeys()).sort();
            if (visits.length === 0) return false;
            const target = (await db.visits.get(random.pick(visits)))!;
            const household = await db.households.get(target.householdId);
            if (!household || household.deleted) return false;
            const visit = await correctVisit(target.id, await visitDraft(target.householdId), device.userId);
            createdVisits.get(device.area.communeCode)!.add(visit.id);
            return true;
          }
          case 'concurrent-edit':
            throw new Error('concurrent edits span two devices');
        }
      });
    }

    /** Two devices edit one household both know, each without the other's edit, then both sync. */
    async function concurrentEdit(): Promise<boolean> {
      const [a, b] = random.shuffle(mainDevices);
      if (a === undefined || b === undefined) return false;
      const onA = new Set(await on(a, liveHouseholds));
      const shared = (await on(b, liveHouseholds)).filter((id) => onA.has(id));
      if (shared.length === 0) return false;
      const id = random.pick(shared);
      await on(a, () => updateHousehold(id, householdInput()));
      await on(b, () => updateHousehold(id, householdInput()));
      await sync(a);
      await sync(b);
      return true;
    }

    async function decideOne(device: Device): Promise<void> {
      await on(device, async () => {
        const open = await listConflicts();
        if (open.length === 0) return;
        conflictDecisions += 1;
        const conflict = random.pick(open);
        const choice = random.chance(0.5) ? 'device' : 'server';
        options.trace?.(`${device.name} decides ${choice} on ${conflict.entity}:${conflict.recordId} (server v${conflict.serverVersion})`);
        await resolveConflict(conflict, choice).catch(() => undefined);
      });
    }

    const writeWeights: [OpKind, number][] = [
      ['create-hamlet', 1], ['create-household', 14], ['edit-household', 14], ['add-person', 7], ['edit-person', 8],
      ['remove-person', 3], ['log-visit', 22], ['correct-visit', 7], ['concurrent-edit', 3],
    ];
    const totalWeight = writeWeights.reduce((s, [, w]) => s + w, 0);
    const pickWrite = (): OpKind => {
      let r = random.next() * totalWeight;
      for (const [kind, w] of writeWeights) {
        r -= w;
        if (r < 0) return kind;
      }
      return 'log-visit';
    };

    while (operations < options.operations) {
      const roll = random.next();
      const device = random.pick(devices);
      if (roll < 0.22) {
        await sync(device);
      } else if (roll < 0.26) {
        await decideOne(device);
      } else if (roll < 0.28) {
        await network.deliverOneHeld();
      } else {
        const kind = pickWrite();
        const done = kind === 'concurrent-edit' ? await concurrentEdit() : await write(kind, device);
        if (done) {
          operations += kind === 'concurrent-edit' ? 2 : 1;
          operationsByKind[kind] += 1;
          if (restartAt.has(operations) || (kind === 'concurrent-edit' && restartAt.has(operations - 1))) await restartServer();
        }
      }
    }

    // ---- Settle: no more faults; late pushes arrive; every device syncs and decides until nothing moves --------
    network.faultsOn = false;
    await network.deliverAllHeld();
    let settleRounds = 0;
    let left = ['not synced yet'];
    while (left.length > 0 && settleRounds < MAX_SETTLE_ROUNDS) {
      settleRounds += 1;
      for (const device of devices) {
        await sync(device);
        await on(device, async () => {
          // Conflicts a device never saw itself (a late delivery of its old push) are fetched here, as the sync
          // screen would show them.
          await replaceConflicts(await fetchConflicts());
        });
        // One decision at a time, each with the sync it starts, as a person works through the list.
        for (let n = 0; n < 200 && (await on(device, listConflicts)).length > 0; n++) await decideOne(device);
      }
      for (const device of devices) await sync(device);
      left = await unsettled(database, devices, on);
    }

    const report = await checkConvergence(database, devices, on, createdVisits, network.seenConflicts);
    if (left.length > 0) {
      report.problems.unshift(`did not settle after ${MAX_SETTLE_ROUNDS} rounds of fault-free syncs: ${left.slice(0, 5).join('; ')}`);
    }
    return {
      seed: options.seed,
      operations,
      operationsByKind,
      faults: { ...network.counts },
      requests: network.requests,
      syncs,
      failedSyncs,
      syncErrors,
      conflictsSeenByDevices: network.seenConflicts.length,
      conflictsOnServer: report.conflictsOnServer,
      conflictDecisions,
      settleRounds,
      checksums: report.checksums,
      durationMs: performance.now() - started,
      problems: report.problems,
    };
  } finally {
    globalThis.fetch = originalFetch;
    setDbForTesting(originalDb);
    await app.close();
  }
}

type OnDevice = <T>(device: Device, fn: () => Promise<T>) => Promise<T>;

async function serverCursor(database: Database, communeCode: string): Promise<number> {
  const rows = await database.query<{ seq: number | string | null }>(
    'SELECT max(seq) AS seq FROM records WHERE commune_code = $1',
    [communeCode],
  );
  return Number(rows[0]?.seq ?? 0);
}

/**
 * What is left to do anywhere: outbox entries, conflicts (device or server), devices not pulled to the end.
 * Empty when everything has settled.
 */
async function unsettled(database: Database, devices: readonly Device[], on: OnDevice): Promise<string[]> {
  const left: string[] = [];
  const open = await database.query<{ n: number | string }>('SELECT count(*) AS n FROM conflicts WHERE resolved_at IS NULL');
  if (Number(open[0]?.n ?? 0) > 0) left.push(`${String(open[0]?.n)} open conflict(s) on the server`);
  for (const device of devices) {
    const last = await serverCursor(database, device.area.communeCode);
    const state = await on(device, async () => {
      const db = getDb();
      const outbox = await db.outbox.toArray();
      return {
        outbox: outbox.map((e) => `${e.key}${e.lastError ? ` (${e.lastError}, ${e.attempts} attempts)` : ''}`),
        conflicts: await db.conflicts.count(),
        cursor: await getSyncCursor(),
      };
    });
    if (state.outbox.length > 0) left.push(`${device.name}: outbox ${state.outbox.slice(0, 3).join(', ')}`);
    if (state.conflicts > 0) left.push(`${device.name}: ${state.conflicts} conflict(s) on the device`);
    if (state.cursor < last) left.push(`${device.name}: pulled to ${state.cursor} of ${last}`);
  }
  return left;
}

async function deviceRecords(device: Device, on: OnDevice): Promise<RecordSet> {
  return on(device, async () => {
    const db = getDb();
    const set: RecordSet = new Map();
    const add = (entity: Entity, rows: readonly object[]) => {
      for (const row of rows) {
        const synced = syncedFields(entity, row);
        set.set(`${entity}:${String(synced.id)}`, canonicalJson(synced));
      }
    };
    add('hamlet', await db.hamlets.toArray());
    add('household', await db.households.toArray());
    add('person', await db.people.toArray());
    add('visit', await db.visits.toArray());
    return set;
  });
}

async function serverRecords(database: Database, communeCode: string): Promise<RecordSet> {
  const rows = await database.query<{ entity: Entity; id: string; data: Record<string, unknown> | string }>(
    'SELECT entity, id::text AS id, data FROM records WHERE commune_code = $1',
    [communeCode],
  );
  const set: RecordSet = new Map();
  for (const row of rows) {
    const data = typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data;
    set.set(`${row.entity}:${row.id}`, canonicalJson(syncedFields(row.entity, data)));
  }
  return set;
}

function describeDifference(expected: RecordSet, actual: RecordSet): string {
  const missing = [...expected.keys()].filter((k) => !actual.has(k));
  const extra = [...actual.keys()].filter((k) => !expected.has(k));
  const differing = [...expected.keys()].filter((k) => actual.has(k) && actual.get(k) !== expected.get(k));
  const fields = differing.slice(0, 3).map((k) => {
    const a = JSON.parse(expected.get(k)!) as Record<string, unknown>;
    const b = JSON.parse(actual.get(k)!) as Record<string, unknown>;
    const keys = Object.keys(a).filter((f) => canonicalJson(a[f]) !== canonicalJson(b[f]));
    return `${k} (${keys.join(', ')}; server v${String(a.version)}, device v${String(b.version)})`;
  });
  return [
    missing.length ? `${missing.length} missing (${missing.slice(0, 3).join(', ')})` : '',
    extra.length ? `${extra.length} extra (${extra.slice(0, 3).join(', ')})` : '',
    differing.length ? `${differing.length} differ: ${fields.join('; ')}` : '',
  ].filter(Boolean).join('; ');
}

async function checkConvergence(
  database: Database,
  devices: readonly Device[],
  on: OnDevice,
  createdVisits: ReadonlyMap<string, ReadonlySet<string>>,
  seenConflicts: readonly { device: string; entity: string; id: string }[],
): Promise<{ problems: string[]; checksums: ScopeChecksum[]; conflictsOnServer: number }> {
  const problems: string[] = [];
  const checksums: ScopeChecksum[] = [];
  const everyKeyByCommune = new Map<string, Set<string>>();

  for (const [commune, visits] of createdVisits) {
    const server = await serverRecords(database, commune);
    everyKeyByCommune.set(commune, new Set(server.keys()));
    const scopeDevices = devices.filter((d) => d.area.communeCode === commune);
    const entry: ScopeChecksum = { commune, records: server.size, visits: 0, server: checksum(server), devices: [] };
    const serverVisits = [...server.keys()].filter((k) => k.startsWith('visit:')).map((k) => k.slice('visit:'.length));
    entry.visits = serverVisits.length;
    const lost = [...visits].filter((id) => !server.has(`visit:${id}`));
    const unknown = serverVisits.filter((id) => !visits.has(id));
    if (lost.length) problems.push(`commune ${commune}: ${lost.length} visit(s) created on devices are missing on the server (${lost.slice(0, 3).join(', ')})`);
    if (unknown.length) problems.push(`commune ${commune}: ${unknown.length} visit(s) on the server no device created (${unknown.slice(0, 3).join(', ')})`);
    for (const device of scopeDevices) {
      const local = await deviceRecords(device, on);
      const sum = checksum(local);
      entry.devices.push(sum);
      if (sum !== entry.server) problems.push(`commune ${commune}: ${device.name} differs from the server: ${describeDifference(server, local)}`);
      const localVisits = [...local.keys()].filter((k) => k.startsWith('visit:')).length;
      if (localVisits !== visits.size) problems.push(`commune ${commune}: ${device.name} holds ${localVisits} visits, ${visits.size} were created`);
    }
    checksums.push(entry);
  }

  for (const device of devices) {
    const { outbox, stuck } = await on(device, async () => {
      const rows = await getDb().outbox.toArray();
      return { outbox: rows.length, stuck: rows.slice(0, 3).map((e) => `${e.key} ${e.lastError ?? ''}`.trim()) };
    });
    if (outbox > 0) problems.push(`${device.name}: ${outbox} outbox entr${outbox === 1 ? 'y' : 'ies'} left (${stuck.join(', ')})`);
    const local = await deviceRecords(device, on);
    for (const [commune, keys] of everyKeyByCommune) {
      if (commune === device.area.communeCode) continue;
      const leaked = [...local.keys()].filter((k) => keys.has(k));
      if (leaked.length) problems.push(`${device.name}: holds ${leaked.length} record(s) of commune ${commune}, outside its scope`);
    }
  }

  const rows = await database.query<{ entity: string; record_id: string; user_id: string; resolved_at: unknown }>(
    'SELECT entity, record_id::text AS record_id, user_id::text AS user_id, resolved_at FROM conflicts',
  );
  const recorded = new Set(rows.map((r) => `${r.user_id}:${r.entity}:${r.record_id}`));
  const userOf = new Map(devices.map((d) => [d.name, d.userId]));
  const unrecorded = seenConflicts.filter((c) => !recorded.has(`${userOf.get(c.device)}:${c.entity}:${c.id}`));
  if (unrecorded.length) problems.push(`${unrecorded.length} conflict(s) a device was told about have no server row`);
  if (rows.length < seenConflicts.length) problems.push(`the server recorded ${rows.length} conflicts, devices saw ${seenConflicts.length}`);
  const open = rows.filter((r) => r.resolved_at === null).length;
  if (open > 0) problems.push(`${open} conflict(s) still open on the server after settling`);

  return { problems, checksums, conflictsOnServer: rows.length };
}

