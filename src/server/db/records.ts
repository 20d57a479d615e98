/**
 * The synced records store: one row per record (current state), each carrying the global sequence number of its
 * latest change. Writers take one advisory lock per transaction (`lockWriters`), so sequence numbers become visible
 * in order and a pull cursor can never skip a change that commits late.
 */
import { sql } from 'drizzle-orm';
import type { Entity } from '../../shared/records.ts';
import type { Scope } from '../auth/scope.ts';
import { rawRows, type Executor } from './raw.ts';

const WRITER_LOCK_KEY = 742_002;

export interface StoredRecord {
  entity: Entity;
  id: string;
  provinceCode: string;
  communeCode: string;
  version: number;
  seq: number;
  contentHash: string;
  data: Record<string, unknown>;
}

export interface RecordWrite {
  entity: Entity;
  id: string;
  provinceCode: string;
  communeCode: string;
  version: number;
  deleted: boolean;
  contentHash: string;
  data: Record<string, unknown>;
  updatedBy: string;
}

export async function lockWriters(db: Executor): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(${WRITER_LOCK_KEY})`);
}

interface RecordRow {
  entity: Entity;
  id: string;
  province_code: string;
  commune_code: string;
  version: number;
  seq: number;
  content_hash: string;
  data: Record<string, unknown> | string;
}

const parseData = (d: Record<string, unknown> | string): Record<string, unknown> =>
  typeof d === 'string' ? (JSON.parse(d) as Record<string, unknown>) : d;

export function scopeCondition(scope: Scope) {
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'province':
      return sql`province_code = ${scope.province}`;
    case 'communes':
      return sql`commune_code IN (SELECT jsonb_array_elements_text(${JSON.stringify(scope.communes)}::jsonb))`;
  }
}

export function recordsRepository(db: Executor) {
  return {
    /**
     * The current rows for these records, locked for the writer's transaction unless `forUpdate` is false. Looked up
     * by (entity, id), the primary key: by id alone PostgreSQL must skip-scan the key once per entity.
     */
    async findByKeys(
      keys: ReadonlyArray<{ entity: Entity; id: string }>,
      options: { forUpdate?: boolean } = {},
    ): Promise<StoredRecord[]> {
      if (keys.length === 0) return [];
      const lock = options.forUpdate === false ? sql`` : sql`FOR UPDATE OF r`;
      const rows = await rawRows<RecordRow>(
        db,
        sql`SELECT r.entity, r.id::text AS id, r.province_code, r.commune_code, r.version, r.seq::float8 AS seq,
                   r.content_hash, r.data
            FROM records r
            JOIN (SELECT DISTINCT entity, id FROM jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS k(entity text, id uuid)) k
              ON r.entity = k.entity AND r.id = k.id
            ${lock}`,
      );
      return rows.map((r) => ({
        entity: r.entity, id: r.id, provinceCode: r.province_code, communeCode: r.commune_code, version: r.version,
        seq: Number(r.seq), contentHash: r.content_hash, data: parseData(r.data),
      }));
    },

    /** Inserts or updates rows in the given order, each taking the next sequence number; returns the numbers. */
    async upsert(writes: readonly RecordWrite[]): Promise<Map<string, number>> {
      const seqs = new Map<string, number>();
      if (writes.length === 0) return seqs;
      const payload = JSON.stringify(
        writes.map((w, ord) => ({
          ord, entity: w.entity, id: w.id, province_code: w.provinceCode, commune_code: w.communeCode,
          version: w.version, deleted: w.deleted, content_hash: w.contentHash, data: w.data, updated_by: w.updatedBy,
        })),
      );
      const rows = await rawRows<{ entity: string; id: string; seq: number }>(
        db,
        sql`INSERT INTO records (entity, id, province_code, commune_code, version, seq, deleted, content_hash, data, updated_by, updated_at)
            SELECT s.entity, s.id, s.province_code, s.commune_code, s.version, nextval('change_seq'), s.deleted,
                   s.content_hash, s.data, s.updated_by, now()
            FROM (
              SELECT * FROM jsonb_to_recordset(${payload}::jsonb)
                AS x(ord int, entity text, id uuid, province_code text, commune_code text, version int, deleted boolean,
                     content_hash text, data jsonb, updated_by uuid)
              ORDER BY ord
            ) s
            ON CONFLICT (entity, id) DO UPDATE SET
              province_code = EXCLUDED.province_code, commune_code = EXCLUDED.commune_code,
              version = EXCLUDED.version, seq = EXCLUDED.seq, deleted = EXCLUDED.deleted,
              content_hash = EXCLUDED.content_hash, data = EXCLUDED.data, updated_by = EXCLUDED.updated_by,
              updated_at = EXCLUDED.updated_at
            RETURNING entity, id::text AS id, seq::float8 AS seq`,
      );
      for (const r of rows) seqs.set(`${r.entity}:${r.id}`, Number(r.seq));
      return seqs;
    },

    /** One page of changes after `after`, in sequence order, inside the scope; `limit + 1` rows tell hasMore. */
    async page(scope: Scope, after: number, limit: number): Promise<{ seq: number; entity: Entity; data: Record<string, unknown> }[]> {
      const rows = await rawRows<{ seq: number; entity: Entity; data: Record<string, unknown> | string }>(
        db,
        sql`SELECT seq::float8 AS seq, entity, data FROM records
            WHERE seq > ${after} AND ${scopeCondition(scope)}
            ORDER BY seq LIMIT ${limit + 1}`,
      );
      return rows.map((r) => ({ seq: Number(r.seq), entity: r.entity, data: parseData(r.data) }));
    },
  };
}
