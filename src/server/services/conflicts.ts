/**
 * Resolving a stored conflict. `server` keeps what the server has; `device` makes the device's version the new
 * server version; `merged` stores a record a person assembled from both. Either of the last two is a new change
 * (version + 1, next sequence number) that every device then pulls. A visit's id conflict can only keep the
 * server's event: visits are immutable, the device must record its event again under a new id.
 */
import type { Entity } from '../../shared/records.ts';
import { recordSchemas } from '../../shared/records.ts';
import type { AppDb } from '../db/client.ts';
import { conflictsRepository, type ConflictRow } from '../db/conflicts.ts';
import { lockWriters, recordsRepository } from '../db/records.ts';
import { scopeAllows } from '../auth/scope.ts';
import type { AuthUser } from '../auth/authenticate.ts';
import { ProblemError, zodProblem } from '../problem-error.ts';
import { contentHash } from './content-hash.ts';

export type Choice = 'device' | 'server' | 'merged';

export function mayResolve(user: AuthUser, c: ConflictRow): boolean {
  if (!scopeAllows(user.scope, c.provinceCode, c.communeCode)) return false;
  return user.role !== 'volunteer' || c.userId === user.id;
}

export async function resolveConflict(
  db: AppDb,
  user: AuthUser,
  conflictId: string,
  choice: Choice,
  merged: unknown,
): Promise<{ conflictId: string; choice: Choice; version: number; seq: number | null; record: Record<string, unknown> }> {
  return db.transaction(async (tx) => {
    await lockWriters(tx);
    const repo = conflictsRepository(tx);
    const conflict = await repo.findById(conflictId);
    if (conflict === undefined || !mayResolve(user, conflict)) throw new ProblemError('not-found');
    if (conflict.resolvedAt !== null) throw new ProblemError('request.invalid', 'This conflict is already resolved.');
    const entity = conflict.entity as Entity;
    const records = recordsRepository(tx);
    const [stored] = await records.findByKeys([{ entity, id: conflict.recordId }]);
    if (stored === undefined) throw new ProblemError('not-found');

    if (choice === 'server') {
      await repo.markResolved(conflict.id, user.id, choice);
      // The record as the server holds it now (it may have moved on since the conflict): the device stores this.
      return { conflictId: conflict.id, choice, version: stored.version, seq: stored.seq, record: stored.data };
    }
    if (entity === 'visit') {
      throw new ProblemError('sync.id-conflict', 'A visit is immutable: keep the server event and record the device one again.');
    }
    const candidate = choice === 'device' ? conflict.deviceRecord : merged;
    if (candidate === undefined || candidate === null) throw new ProblemError('request.invalid', 'A merged record is required.', { record: 'required' });
    const parsed = recordSchemas[entity].safeParse(candidate);
    if (!parsed.success) throw zodProblem(parsed.error.issues, 'record');
    const record = parsed.data as unknown as Record<string, unknown>;
    if (record.id !== conflict.recordId) throw new ProblemError('request.invalid', 'The record id does not match the conflict.', { 'record.id': 'invalid' });
    const provinceCode = entity === 'person' ? stored.provinceCode : String(record.provinceCode);
    const communeCode = entity === 'person' ? stored.communeCode : String(record.communeCode);
    if (!scopeAllows(user.scope, provinceCode, communeCode)) throw new ProblemError('sync.out-of-scope');
    const version = stored.version + 1;
    const seqs = await records.upsert([
      {
        entity, id: conflict.recordId, provinceCode, communeCode, version, deleted: record.deleted === true,
        contentHash: contentHash(record), data: { ...record, version }, updatedBy: user.id,
      },
    ]);
    await repo.markResolved(conflict.id, user.id, choice);
    return { conflictId: conflict.id, choice, version, seq: seqs.get(`${entity}:${conflict.recordId}`) ?? null, record: { ...record, version } };
  });
}
