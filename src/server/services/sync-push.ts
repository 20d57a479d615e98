/**
 * Applies a pushed batch. Per change: parse with the shared schema, find its area (a person's comes from its
 * household), check the user's scope (both the record's current area and the pushed one), then:
 *  - visit (immutable): new → applied; same id + same content → duplicate; same id + other content → conflict
 *    `sync.id-conflict`, stored, never overwritten;
 *  - hamlet/household/person (mutable): new → applied at version 1; same content as stored → duplicate (a retried
 *    push); baseVersion = server version → applied at version + 1; otherwise → conflict `sync.stale-version`, stored
 *    with both versions for a person to resolve. Never a silent last-writer-wins.
 * Several edits of one record from one device in one batch all carry the same base (the device had not synced in
 * between): they apply in order. The whole batch runs in one transaction under the writers' lock; the new rows are
 * written with one multi-row statement (the hot path).
 */
import { changeSchema, type PushResult } from '../../shared/sync.ts';
import type { Entity } from '../../shared/records.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { AppDb } from '../db/client.ts';
import { lockWriters, recordsRepository, type RecordWrite, type StoredRecord } from '../db/records.ts';
import { conflictsRepository, type NewConflict } from '../db/conflicts.ts';
import { scopeAllows } from '../auth/scope.ts';
import type { AuthUser } from '../auth/authenticate.ts';
import { contentHash } from './content-hash.ts';

interface Current {
  entity: Entity;
  provinceCode: string;
  communeCode: string;
  version: number;
  contentHash: string;
  seq: number | null; // null: written in this batch, number known after the upsert
  versionBeforeBatch: number | null; // null: did not exist before the batch
  data: Record<string, unknown>;
}

const key = (entity: string, id: string) => `${entity}:${id}`;

function rawId(raw: unknown): { entity: Entity; id: string } {
  const r = raw as { entity?: unknown; record?: { id?: unknown } } | null;
  const entity = (['hamlet', 'household', 'person', 'visit'] as const).find((e) => e === r?.entity) ?? 'visit';
  const id = typeof r?.record?.id === 'string' ? r.record.id.slice(0, 64) : '';
  return { entity, id };
}

function parentOf(entity: Entity, record: Record<string, unknown>): { entity: Entity; id: string } | null {
  if (entity === 'household') return { entity: 'hamlet', id: String(record.hamletId) };
  if (entity === 'person' || entity === 'visit') return { entity: 'household', id: String(record.householdId) };
  return null;
}

export async function applyPush(
  db: AppDb,
  user: AuthUser,
  deviceId: string,
  rawChanges: readonly unknown[],
): Promise<PushResult[]> {
  return db.transaction(async (tx) => {
    await lockWriters(tx);
    const records = recordsRepository(tx);
    const parsed = rawChanges.map((raw) => ({ raw, result: changeSchema.safeParse(raw) }));

    const wanted = new Map<string, { entity: Entity; id: string }>();
    for (const p of parsed) {
      if (!p.result.success) continue;
      const rec = p.result.data.record as unknown as Record<string, unknown>;
      wanted.set(key(p.result.data.entity, String(rec.id)), { entity: p.result.data.entity, id: String(rec.id) });
      const parent = parentOf(p.result.data.entity, rec);
      if (parent) wanted.set(key(parent.entity, parent.id), parent);
    }
    const current = new Map<string, Current>();
    for (const s of await records.findByKeys([...wanted.values()])) current.set(key(s.entity, s.id), fromStored(s));

    const results: PushResult[] = [];
    const writes = new Map<string, RecordWrite>();
    const conflicts: NewConflict[] = [];
    const pendingSeq: { index: number; k: string }[] = [];

    for (const p of parsed) {
      if (!p.result.success) {
        results.push({ ...rawId(p.raw), status: 'rejected', problem: 'sync.invalid-record' });
        continue;
      }
      const change = p.result.data;
      const entity = change.entity;
      const record = change.record as unknown as Record<string, unknown>;
      const id = String(record.id);
      const k = key(entity, id);
      const existing = current.get(k);

      // Area: a person lives where its household does.
      let provinceCode = String(record.provinceCode ?? '');
      let communeCode = String(record.communeCode ?? '');
      const parent = parentOf(entity, record);
      if (parent) {
        const parentRow = current.get(key(parent.entity, parent.id));
        if (parentRow === undefined) {
          results.push({ entity, id, status: 'rejected', problem: 'sync.unknown-parent' });
          continue;
        }
        if (entity === 'person') {
          provinceCode = parentRow.provinceCode;
          communeCode = parentRow.communeCode;
        }
      }
      if (!scopeAllows(user.scope, provinceCode, communeCode) ||
          (existing !== undefined && !scopeAllows(user.scope, existing.provinceCode, existing.communeCode))) {
        results.push({ entity, id, status: 'rejected', problem: 'sync.out-of-scope' });
        continue;
      }

      const hash = contentHash(record);
      const seqNow = existing?.seq ?? undefined;

      if (existing !== undefined && existing.contentHash === hash) {
        if (existing.seq === null) pendingSeq.push({ index: results.length, k });
        results.push({ entity, id, status: 'duplicate', version: existing.version, ...(seqNow === undefined ? {} : { seq: seqNow }) });
        continue;
      }

      if (existing !== undefined) {
        const sameDeviceChain = existing.seq === null && (change.baseVersion ?? 0) === (existing.versionBeforeBatch ?? 0);
        const fresh = entity !== 'visit' && (change.baseVersion === existing.version || sameDeviceChain);
        if (!fresh) {
          const problemCode = entity === 'visit' ? 'sync.id-conflict' : 'sync.stale-version';
          conflicts.push({
            id: uuidv7(), entity, recordId: id, provinceCode: existing.provinceCode, communeCode: existing.communeCode,
            problem: problemCode, baseVersion: change.baseVersion, serverVersion: existing.version,
            serverRecord: existing.data, deviceRecord: record, deviceId, userId: user.id,
          });
          results.push({ entity, id, status: 'conflict', problem: problemCode, version: existing.version, ...(seqNow === undefined ? {} : { seq: seqNow }) });
          continue;
        }
      }

      const version = (existing?.version ?? 0) + 1;
      // Visits have no version in the contract: a stored `version` would make every pulled visit fail the
      // device's strict schema and stall its pulls for good.
      const data = entity === 'visit' ? { ...record } : { ...record, version };
      writes.delete(k); // re-insert at the end: the last write of a record decides its place in the sequence
      writes.set(k, {
        entity, id, provinceCode, communeCode, version, deleted: record.deleted === true, contentHash: hash, data,
        updatedBy: user.id,
      });
      current.set(k, {
        entity, provinceCode, communeCode, version, contentHash: hash, seq: null, data,
        versionBeforeBatch: existing === undefined ? null : existing.seq === null ? existing.versionBeforeBatch : existing.version,
      });
      pendingSeq.push({ index: results.length, k });
      results.push({ entity, id, status: 'applied', version });
    }

    const seqs = await records.upsert([...writes.values()]);
    for (const { index, k } of pendingSeq) {
      const r = results[index];
      const seq = seqs.get(k);
      if (r !== undefined && seq !== undefined) {
        r.seq = seq;
        r.version = current.get(k)?.version ?? r.version;
      }
    }
    await conflictsRepository(tx).insertMany(conflicts);
    return results;
  });
}

function fromStored(s: StoredRecord): Current {
  return {
    entity: s.entity, provinceCode: s.provinceCode, communeCode: s.communeCode, version: s.version,
    contentHash: s.contentHash, seq: s.seq, versionBeforeBatch: s.version, data: s.data,
  };
}
