/**
 * Applies pushed batches. Per change: parse with the shared schema, find its area (a person's comes from its
 * household), check the user's scope (both the record's current area and the pushed one), then:
 *  - visit (immutable): new → applied; same id + same content → duplicate; same id + other content → conflict
 *    `sync.id-conflict`, stored, never overwritten;
 *  - hamlet/household/person (mutable): new → applied at version 1; same content as stored → duplicate (a retried
 *    push); baseVersion = server version → applied at version + 1; otherwise → conflict `sync.stale-version`, stored
 *    with both versions for a person to resolve. Never a silent last-writer-wins.
 * Several edits of one record from one device in one batch all carry the same base (the device had not synced in
 * between): they apply in order.
 *
 * Group commit: the route hands batches to one writer per database (`createPushWriter`). Parsing and content hashes
 * are done as a request arrives, outside any lock; the batches that arrived while a transaction was running are then
 * applied together in the next one, under the writers' lock: one lookup, one multi-row write and one commit for the
 * group instead of one each per request. Each batch still sees the server exactly as if the batches before it had
 * committed on their own: before a batch touches a record an earlier batch of the group wrote, those writes are
 * flushed, so versions, receipts and conflicts are what one transaction per batch would give. If a group fails, its
 * batches are retried one by one, so one request's failure is never another's. Before each group the writer lets
 * the event loop turn a few times (TURNS_BEFORE_GROUP), so that requests already received join it and connections
 * waiting to be accepted are (PGlite never yields while it works).
 *
 * Pushes go first: background work (the totals' catch-up) waits for `pushesQuiet` before each of its short
 * transactions; a push counts from its first byte (`arriving`, called by the route) to its answer.
 */
import { changeSchema, type PushResult } from '../../shared/sync.ts';
import type { Entity } from '../../shared/records.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { ProblemCode } from '../../shared/problems.ts';
import type { AppDb } from '../db/client.ts';
import { lockWriters, recordsRepository, type RecordState, type RecordStatistics, type RecordWrite } from '../db/records.ts';
import { conflictsRepository, type NewConflict } from '../db/conflicts.ts';
import { scopeAllows } from '../auth/scope.ts';
import type { AuthUser } from '../auth/authenticate.ts';
import { contentHash } from './content-hash.ts';

interface RecordKey {
  entity: Entity;
  id: string;
  key: string;
}

type PreparedChange =
  | {
      ok: true;
      target: RecordKey;
      parent: RecordKey | null;
      baseVersion: number | null;
      record: Record<string, unknown>;
      hash: string;
    }
  | { ok: false; entity: Entity; id: string };

/** A pushed batch, parsed and hashed: what the writer applies. */
export interface PreparedPush {
  user: AuthUser;
  deviceId: string;
  changes: PreparedChange[];
}

interface Current {
  provinceCode: string;
  communeCode: string;
  version: number;
  contentHash: string;
  /** null: written by the group and not flushed yet. */
  seq: number | null;
  /** The batch of the group that wrote it last; -1: stored before the group. */
  writer: number;
  /** The version before the writer's batch (null: the record did not exist), for a batch's chain of edits. */
  versionBeforeBatch: number | null;
  /** Whether a row exists in the database (stored before the group, or flushed). */
  stored: boolean;
  /** The stored content, when known (written by the group); otherwise read when a conflict needs it. */
  data: Record<string, unknown> | null;
}

const keyOf = (entity: Entity, id: string): RecordKey => ({ entity, id, key: `${entity}:${id}` });
const ENTITY_NAMES = ['hamlet', 'household', 'person', 'visit'] as const;

function rawId(raw: unknown): { entity: Entity; id: string } {
  const r = raw as { entity?: unknown; record?: { id?: unknown } } | null;
  const entity = ENTITY_NAMES.find((e) => e === r?.entity) ?? 'visit';
  const id = typeof r?.record?.id === 'string' ? r.record.id.slice(0, 64) : '';
  return { entity, id };
}

function parentOf(entity: Entity, record: Record<string, unknown>): RecordKey | null {
  if (entity === 'household') return keyOf('hamlet', String(record.hamletId));
  if (entity === 'person' || entity === 'visit') return keyOf('household', String(record.householdId));
  return null;
}

/** The CPU-bound part of a push (validation, content hashes), done before the batch waits for the writers' lock. */
export function preparePush(user: AuthUser, deviceId: string, rawChanges: readonly unknown[]): PreparedPush {
  const changes = rawChanges.map((raw): PreparedChange => {
    const parsed = changeSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, ...rawId(raw) };
    const { entity, baseVersion } = parsed.data;
    const record = parsed.data.record as unknown as Record<string, unknown>;
    return {
      ok: true,
      target: keyOf(entity, String(record.id)),
      parent: parentOf(entity, record),
      baseVersion,
      record,
      hash: contentHash(record),
    };
  });
  return { user, deviceId, changes };
}

/** A record the group took for new (not looked up) was stored after all: the group is applied again, looking it up. */
class StoredAfterAll extends Error {}

/** A unique violation of the records' primary key, from either driver (Drizzle wraps the driver's error as `cause`). */
function isRecordKeyViolation(error: unknown): boolean {
  for (let e: unknown = error; e !== null && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown };
    if (code === '23505') return constraint === 'records_pkey';
  }
  return false;
}

/**
 * Applies batches in order in one transaction under the writers' lock; one result list per batch.
 *
 * A change that claims to create its record (`baseVersion` null: every visit, and new hamlets, households, people) is
 * not looked up first: it is taken for new, and its row goes in with a plain INSERT, whose primary key refuses it if
 * the record was stored after all (a retried push, an id conflict). Then the whole group is rolled back and applied
 * again with every record looked up, so the answers are exactly those of a lookup first — at the price of one wasted
 * transaction for a group that carries a stored record again. Parents and edits (`baseVersion` set) are always looked
 * up. For the usual push of new visits this halves the lookup: only their households are read.
 */
export async function applyPushGroup(db: AppDb, batches: readonly PreparedPush[]): Promise<PushResult[][]> {
  try {
    return await applyGroup(db, batches, true);
  } catch (error) {
    if (!(error instanceof StoredAfterAll)) throw error;
    return applyGroup(db, batches, false);
  }
}

async function applyGroup(db: AppDb, batches: readonly PreparedPush[], newWithoutLookup: boolean): Promise<PushResult[][]> {
  return db.transaction(async (tx) => {
    await lockWriters(tx);
    const records = recordsRepository(tx);

    const wanted = new Map<string, RecordKey>();
    for (const batch of batches) {
      for (const c of batch.changes) {
        if (!c.ok) continue;
        if (!newWithoutLookup || c.baseVersion !== null) wanted.set(c.target.key, c.target);
        if (c.parent) wanted.set(c.parent.key, c.parent);
      }
    }
    const current = new Map<string, Current>();
    for (const s of await records.findStates([...wanted.values()])) current.set(`${s.entity}:${s.id}`, fromStored(s));

    // Writes not flushed yet, in sequence order, and the results waiting for their receipts.
    const writes = new Map<string, RecordWrite>();
    const waiting: { result: PushResult; key: string }[] = [];
    const conflicts: NewConflict[] = [];
    // Conflicts whose server side is a stored row: its content is read at the next flush, before anything writes it.
    const unread: { conflict: NewConflict; target: RecordKey }[] = [];

    const flush = async () => {
      if (unread.length > 0) {
        const stored = await records.findByKeys(unread.map((u) => u.target), { forUpdate: false });
        const data = new Map(stored.map((s) => [`${s.entity}:${s.id}`, s.data]));
        for (const u of unread) u.conflict.serverRecord = data.get(u.target.key) ?? {};
        unread.length = 0;
      }
      if (writes.size === 0) return;
      // New records (most of a push: visits) with a plain INSERT, then the edits of stored ones.
      const fresh: RecordWrite[] = [];
      const edits: RecordWrite[] = [];
      for (const [key, w] of writes) (current.get(key)?.stored === true ? edits : fresh).push(w);
      let inserted: Map<string, number>;
      try {
        inserted = await records.insert(fresh);
      } catch (error) {
        // Only a record taken for new without a lookup can meet a stored row here (the others were looked up).
        if (newWithoutLookup && isRecordKeyViolation(error)) throw new StoredAfterAll('a record taken for new was stored');
        throw error;
      }
      const seqs = new Map([...inserted, ...(await records.upsert(edits))]);
      for (const [key, seq] of seqs) {
        const c = current.get(key);
        if (c) {
          c.seq = seq;
          c.stored = true;
        }
      }
      for (const { result, key } of waiting) {
        const seq = seqs.get(key);
        if (seq === undefined) continue;
        result.seq = seq;
        result.version = current.get(key)?.version ?? result.version;
      }
      writes.clear();
      waiting.length = 0;
    };

    const all: PushResult[][] = [];
    for (const [b, batch] of batches.entries()) {
      // A record an earlier batch of the group wrote: that batch's writes go first, as if it had committed alone.
      const overlaps = batch.changes.some((c) => {
        if (!c.ok) return false;
        const w = current.get(c.target.key);
        return w !== undefined && w.seq === null && w.writer !== b;
      });
      if (overlaps) await flush();

      const results: PushResult[] = [];
      for (const change of batch.changes) {
        const result = classify(b, batch, change, current);
        results.push(result.answer);
        if (result.kind === 'write') {
          writes.delete(result.target.key); // re-insert at the end: the last write decides its place in the sequence
          writes.set(result.target.key, result.write);
          waiting.push({ result: result.answer, key: result.target.key });
        } else if (result.kind === 'wait') {
          waiting.push({ result: result.answer, key: result.target.key });
        } else if (result.kind === 'conflict') {
          conflicts.push(result.conflict);
          if (result.needsServerRecord) unread.push({ conflict: result.conflict, target: result.target });
        }
      }
      all.push(results);
    }
    await flush();
    await conflictsRepository(tx).insertMany(conflicts);
    return all;
  });
}

type Classified =
  | { kind: 'done'; answer: PushResult }
  | { kind: 'wait'; answer: PushResult; target: RecordKey }
  | { kind: 'write'; answer: PushResult; target: RecordKey; write: RecordWrite }
  | { kind: 'conflict'; answer: PushResult; target: RecordKey; conflict: NewConflict; needsServerRecord: boolean };

const rejected = (entity: Entity, id: string, problem: ProblemCode): Classified => ({
  kind: 'done',
  answer: { entity, id, status: 'rejected', problem },
});

/** Decides one change against the current state, and updates that state when the change writes. */
function classify(
  batchIndex: number,
  batch: PreparedPush,
  change: PreparedChange,
  current: Map<string, Current>,
): Classified {
  if (!change.ok) return rejected(change.entity, change.id, 'sync.invalid-record');
  const { target, parent, record, hash } = change;
  const { entity, id } = target;
  const existing = current.get(target.key);

  // Area: a person lives where its household does.
  let provinceCode = String(record.provinceCode ?? '');
  let communeCode = String(record.communeCode ?? '');
  if (parent) {
    const parentRow = current.get(parent.key);
    if (parentRow === undefined) return rejected(entity, id, 'sync.unknown-parent');
    if (entity === 'person') {
      provinceCode = parentRow.provinceCode;
      communeCode = parentRow.communeCode;
    }
  }
  const { scope } = batch.user;
  if (!scopeAllows(scope, provinceCode, communeCode) ||
      (existing !== undefined && !scopeAllows(scope, existing.provinceCode, existing.communeCode))) {
    return rejected(entity, id, 'sync.out-of-scope');
  }

  if (existing !== undefined && existing.contentHash === hash) {
    const answer: PushResult = { entity, id, status: 'duplicate', version: existing.version };
    if (existing.seq === null) return { kind: 'wait', answer, target };
    return { kind: 'done', answer: { ...answer, seq: existing.seq } };
  }

  if (existing !== undefined) {
    const sameBatchChain = existing.seq === null && existing.writer === batchIndex &&
      (change.baseVersion ?? 0) === (existing.versionBeforeBatch ?? 0);
    const fresh = entity !== 'visit' && (change.baseVersion === existing.version || sameBatchChain);
    if (!fresh) {
      const problem = entity === 'visit' ? 'sync.id-conflict' : 'sync.stale-version';
      const conflict: NewConflict = {
        id: uuidv7(), entity, recordId: id, provinceCode: existing.provinceCode, communeCode: existing.communeCode,
        problem, baseVersion: change.baseVersion, serverVersion: existing.version,
        serverRecord: existing.data ?? {}, deviceRecord: record, deviceId: batch.deviceId, userId: batch.user.id,
      };
      // A conflict with a write of this group not flushed yet has no receipt: the record's seq is not known.
      const answer: PushResult = {
        entity, id, status: 'conflict', problem, version: existing.version,
        ...(existing.seq === null ? {} : { seq: existing.seq }),
      };
      return { kind: 'conflict', answer, target, conflict, needsServerRecord: existing.data === null };
    }
  }

  const version = (existing?.version ?? 0) + 1;
  // Visits have no version in the contract: a stored `version` would make every pulled visit fail the
  // device's strict schema and stall its pulls for good.
  const data = entity === 'visit' ? { ...record } : { ...record, version };
  current.set(target.key, {
    provinceCode, communeCode, version, contentHash: hash, seq: null, writer: batchIndex, data,
    stored: existing?.stored === true,
    versionBeforeBatch:
      existing === undefined ? null : existing.seq === null && existing.writer === batchIndex ? existing.versionBeforeBatch : existing.version,
  });
  return {
    kind: 'write',
    answer: { entity, id, status: 'applied', version },
    target,
    write: {
      entity, id, provinceCode, communeCode, version, deleted: record.deleted === true, contentHash: hash, data,
      updatedBy: batch.user.id,
    },
  };
}

function fromStored(s: RecordState): Current {
  return {
    provinceCode: s.provinceCode, communeCode: s.communeCode, version: s.version, contentHash: s.contentHash,
    seq: s.seq, writer: -1, versionBeforeBatch: s.version, data: null, stored: true,
  };
}

export interface PushWriter {
  /** Applies one request's batch, together with the batches that queue up beside it. */
  push(user: AuthUser, deviceId: string, rawChanges: readonly unknown[]): Promise<PushResult[]>;
  /**
   * A push request has begun to arrive (its body is still on its way): until the returned function is called (once
   * its answer is sent, or it was given up), the writer does not count as quiet.
   */
  arriving(): () => void;
  /** Resolves when no push is arriving, waiting or being applied, or after `maxWaitMs`, whichever comes first. */
  quiet(maxWaitMs: number): Promise<void>;
}

/** The writers of each database: background work asks them to be quiet before it takes the database (`pushesQuiet`). */
const writersOf = new WeakMap<object, Set<PushWriter>>();

/**
 * Resolves when no push is arriving at, waiting for or being applied by this database's writers, or after
 * `maxWaitMs` (so that background work under a steady stream of pushes still gets its turn). Background work that
 * waits for this before each short transaction lets pushes go first: on PGlite every transaction takes the one
 * connection in turn, and the one thread that receives, parses and applies pushes also runs the background work.
 */
export async function pushesQuiet(db: AppDb, maxWaitMs: number): Promise<void> {
  await Promise.all([...(writersOf.get(db) ?? [])].map((w) => w.quiet(maxWaitMs)));
}

/**
 * Lets the pushes already sent go first: turns the event loop (`TURNS_BEFORE_GROUP` times) so that connections waiting
 * are accepted and requests already here are read (a push counts from its first byte), then waits until this
 * database's writers are idle, at most `maxWaitMs` in all. For work that holds the database in several transactions
 * on a request's behalf (a report's bounded catch-up of the totals).
 */
export async function pushesFirst(db: AppDb, maxWaitMs: number): Promise<void> {
  const until = performance.now() + maxWaitMs;
  await loopTurns(TURNS_BEFORE_GROUP);
  await pushesQuiet(db, Math.max(0, until - performance.now()));
}

/**
 * Event-loop turns the writer gives away before each group. Node's libuv accepts ONE new connection per turn (one
 * accept per wake-up of the listening socket), and on PGlite a group holds the thread for its whole transaction
 * (~0.3 s for 2,000 changes). With a single turn, 100 phones connecting at once under load were accepted one per
 * group: the last waited ~10 s in the kernel's queue before the server saw its request (ingest bench, p99 ≈ 10 s
 * against a server-side p99 of 0.8 s). An idle turn costs microseconds; a busy one reads requests that join the group.
 */
const TURNS_BEFORE_GROUP = 32;

async function loopTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The group-commit writer of one database. A batch that arrives while the writer is idle starts a transaction at
 * once; the batches that arrive meanwhile wait and go together in the next, up to `maxChanges` changes a group.
 */
export function createPushWriter(
  db: AppDb,
  options: { maxChanges?: number; statistics?: RecordStatistics } = {},
): PushWriter {
  const maxChanges = options.maxChanges ?? 2_000;
  interface Waiting {
    batch: PreparedPush;
    resolve: (results: PushResult[]) => void;
    reject: (error: unknown) => void;
  }
  const queue: Waiting[] = [];
  let running = false;
  let arriving = 0;
  const whenQuiet = new Set<() => void>();
  const isQuiet = () => !running && queue.length === 0 && arriving === 0;
  const tellQuiet = () => {
    if (isQuiet()) for (const done of [...whenQuiet]) done();
  };

  const take = (): Waiting[] => {
    const group: Waiting[] = [];
    let changes = 0;
    while (queue.length > 0) {
      const next = queue[0] as Waiting;
      if (group.length > 0 && changes + next.batch.changes.length > maxChanges) break;
      group.push(next);
      changes += next.batch.changes.length;
      queue.shift();
    }
    return group;
  };

  const run = async (group: Waiting[]) => {
    try {
      const results = await applyPushGroup(db, group.map((w) => w.batch));
      group.forEach((w, i) => w.resolve(results[i] ?? []));
      const written = results.reduce((n, list) => n + list.filter((r) => r.status === 'applied').length, 0);
      // Statistics are a planner hint, refreshed in the background: the next group does not wait for them.
      options.statistics?.noteWritten(written);
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      // Alone, each batch succeeds or fails on its own merits.
      for (const w of group) {
        try {
          w.resolve((await applyPushGroup(db, [w.batch]))[0] ?? []);
        } catch (single) {
          w.reject(single);
        }
      }
    }
  };

  const drain = async () => {
    running = true;
    try {
      while (queue.length > 0) {
        // Turns of the event loop first, so that the pushes already received join the group. PGlite runs its
        // queries without ever yielding to the event loop: without them a transaction starts (and ends) before
        // the next request's body is even read, and every group holds one batch.
        await loopTurns(TURNS_BEFORE_GROUP);
        await run(take());
      }
    } finally {
      running = false;
      tellQuiet();
    }
  };

  const writer: PushWriter = {
    push(user, deviceId, rawChanges) {
      const batch = preparePush(user, deviceId, rawChanges);
      return new Promise<PushResult[]>((resolve, reject) => {
        queue.push({ batch, resolve, reject });
        if (!running) void drain();
      });
    },
    arriving() {
      arriving += 1;
      let arrived = false;
      return () => {
        if (arrived) return;
        arrived = true;
        arriving -= 1;
        tellQuiet();
      };
    },
    async quiet(maxWaitMs) {
      const until = Date.now() + maxWaitMs;
      // Quiet is checked after a turn of the event loop: requests whose bytes are already here are read first.
      for (;;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const left = until - Date.now();
        if (isQuiet() || left <= 0) return;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timeout);
            whenQuiet.delete(done);
            resolve();
          };
          const timeout = setTimeout(done, left);
          whenQuiet.add(done);
        });
      }
    },
  };
  let writers = writersOf.get(db);
  if (!writers) writersOf.set(db, (writers = new Set()));
  writers.add(writer);
  return writer;
}
