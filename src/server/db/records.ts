/**
 * The synced records store: one row per record (current state), each carrying the global sequence number of its
 * latest change. Writers take one advisory lock per transaction (`lockWriters`), so sequence numbers become visible
 * in order and a pull cursor can never skip a change that commits late.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Entity } from '../../shared/records.ts';
import { UUID_PATTERN } from '../../shared/ids.ts';
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

/** What the push service needs to classify a change: the stored row without its content (`data`). */
export interface RecordState {
  entity: Entity;
  id: string;
  provinceCode: string;
  communeCode: string;
  version: number;
  seq: number;
  contentHash: string;
}

/** A pulled row with its record as stored JSON text: the pull answer is assembled without parsing it. */
export interface PageRow {
  seq: number;
  /** A pushed entity, or one the server writes itself (a resident's self-check). */
  entity: string;
  json: string;
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

/** A PostgreSQL array literal of strings, each quoted (ids, codes and hashes need no escapes; anything else gets them). */
function textArray(values: readonly string[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string;
    out += `${i === 0 ? '' : ','}"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;
  }
  return `${out}}`;
}

export function recordsRepository(db: Executor) {
  const write = async (writes: readonly RecordWrite[], onConflict: SQL): Promise<Map<string, number>> => {
    const seqs = new Map<string, number>();
    if (writes.length === 0) return seqs;
    // One array parameter per column, the records' content as one JSON array: each value crosses once, without a
    // key name beside it (about a third fewer bytes than one JSON object per row, on the push's hot path). ROWS FROM
    // zips them by position; the sequence numbers are taken in the given order.
    const rows = await rawRows<{ entity: string; id: string; seq: number }>(
      db,
      sql`INSERT INTO records (entity, id, province_code, commune_code, version, seq, deleted, content_hash, data, updated_by, updated_at)
          SELECT s.entity, s.id, s.province_code, s.commune_code, s.version, nextval('change_seq'), s.deleted,
                 s.content_hash, s.data, s.updated_by, now()
          FROM (
            SELECT * FROM ROWS FROM (
              unnest(${textArray(writes.map((w) => w.entity))}::text[]),
              unnest(${textArray(writes.map((w) => w.id))}::uuid[]),
              unnest(${textArray(writes.map((w) => w.provinceCode))}::text[]),
              unnest(${textArray(writes.map((w) => w.communeCode))}::text[]),
              unnest(${`{${writes.map((w) => String(w.version)).join(',')}}`}::int[]),
              unnest(${`{${writes.map((w) => (w.deleted ? 't' : 'f')).join(',')}}`}::boolean[]),
              unnest(${textArray(writes.map((w) => w.contentHash))}::text[]),
              jsonb_array_elements(${JSON.stringify(writes.map((w) => w.data))}::jsonb),
              unnest(${textArray(writes.map((w) => w.updatedBy))}::uuid[])
            ) WITH ORDINALITY
              AS x(entity, id, province_code, commune_code, version, deleted, content_hash, data, updated_by, ord)
            ORDER BY ord
          ) s
          ${onConflict}
          RETURNING entity, id::text AS id, seq::float8 AS seq`,
    );
    for (const r of rows) seqs.set(`${r.entity}:${r.id}`, Number(r.seq));
    return seqs;
  };

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

    /**
     * The classification state of these records (no content, no row locks): for writers, who already hold the
     * writers' lock, under which no other transaction can change a row (`FOR UPDATE` would only cost row writes).
     * One primary-key probe per id (`id = ANY(…)` per entity), ids passed as one array literal each.
     */
    async findStates(keys: ReadonlyArray<{ entity: Entity; id: string }>): Promise<RecordState[]> {
      const byEntity = new Map<Entity, Set<string>>();
      for (const k of keys) {
        if (!UUID_PATTERN.test(k.id)) continue; // cannot exist (ids are checked on the way in); keeps the literal safe
        let ids = byEntity.get(k.entity);
        if (!ids) byEntity.set(k.entity, (ids = new Set()));
        ids.add(k.id);
      }
      if (byEntity.size === 0) return [];
      const selects = [...byEntity].map(
        ([entity, ids]) =>
          sql`SELECT entity, id::text AS id, province_code, commune_code, version, seq::float8 AS seq, content_hash
              FROM records WHERE entity = ${entity} AND id = ANY(${`{${[...ids].join(',')}}`}::uuid[])`,
      );
      const rows = await rawRows<Omit<RecordRow, 'data'>>(db, sql.join(selects, sql` UNION ALL `));
      return rows.map((r) => ({
        entity: r.entity, id: r.id, provinceCode: r.province_code, communeCode: r.commune_code, version: r.version,
        seq: Number(r.seq), contentHash: r.content_hash,
      }));
    },

    /** Inserts or updates rows in the given order, each taking the next sequence number; returns the numbers. */
    upsert(writes: readonly RecordWrite[]): Promise<Map<string, number>> {
      return write(
        writes,
        sql`ON CONFLICT (entity, id) DO UPDATE SET
              province_code = EXCLUDED.province_code, commune_code = EXCLUDED.commune_code,
              version = EXCLUDED.version, seq = EXCLUDED.seq, deleted = EXCLUDED.deleted,
              content_hash = EXCLUDED.content_hash, data = EXCLUDED.data, updated_by = EXCLUDED.updated_by,
              updated_at = EXCLUDED.updated_at`,
      );
    },

    /**
     * Inserts rows taken to be new (looked up under the writers' lock, or claimed new by the push), in the given order;
     * returns their sequence numbers. A plain INSERT: about a third cheaper than the upsert's conflict handling on the
     * push hot path. A row that exists fails the statement with the primary key's unique violation (23505,
     * records_pkey): the push service then applies its group again, looking every record up.
     */
    insert(writes: readonly RecordWrite[]): Promise<Map<string, number>> {
      return write(writes, sql``);
    },

    /**
     * One page of changes after `after`, in sequence order, inside the scope (`limit + 1` rows tell hasMore), each
     * record as its stored JSON text: the answer is assembled without parsing and re-serializing every record.
     * A commune-scoped page walks the (commune_code, seq) index once per commune and stops at the page size, rather
     * than sorting every row of the scope after the cursor (a fresh device's first page would sort the whole commune).
     */
    async page(scope: Scope, after: number, limit: number): Promise<PageRow[]> {
      const query =
        scope.kind === 'communes'
          ? sql`SELECT r.seq::float8 AS seq, r.entity, r.data::text AS json
                FROM (SELECT DISTINCT code FROM jsonb_array_elements_text(${JSON.stringify(scope.communes)}::jsonb) AS c(code)) c
                CROSS JOIN LATERAL (
                  SELECT seq, entity, data FROM records
                  WHERE commune_code = c.code AND seq > ${after}
                  ORDER BY records.seq LIMIT ${limit + 1}
                ) r
                ORDER BY r.seq LIMIT ${limit + 1}`
          : // `records.seq`, the column: a bare `seq` would name the float8 output column, which no index orders, and
            // every page would sort all of the scope after the cursor (a second per page at 40,000 records).
            sql`SELECT seq::float8 AS seq, entity, data::text AS json FROM records
                WHERE seq > ${after} AND ${scopeCondition(scope)}
                ORDER BY records.seq LIMIT ${limit + 1}`;
      const rows = await rawRows<PageRow>(db, query);
      return rows.map((r) => ({ seq: Number(r.seq), entity: r.entity, json: r.json }));
    },
  };
}

/**
 * Keeps the planner's statistics of the records table fresh where nothing else does. PostgreSQL's autovacuum
 * analyzes tables on its own; PGlite runs no autovacuum, and a table it never analyzed is planned blind: a pull page
 * becomes "read every row of the commune after the cursor, then sort" instead of a walk of the (commune_code, seq)
 * index that stops after one page, so a device's first pull of a large commune takes quadratic time.
 * `ensure` analyzes once if the table has never been analyzed; `noteWritten` re-analyzes after the table grew by a
 * fifth (at least 10,000 rows), like autovacuum's scale factor — in the background, after `yieldTo` (on PGlite an
 * ANALYZE holds the one thread for up to a second: the requests being answered go first).
 */
export function createRecordStatistics(db: Executor, options: { yieldTo?: () => Promise<void> } = {}) {
  let checked = false;
  let written = 0;
  let rowsAtLastAnalyze = 0;
  let running: Promise<void> | null = null;
  let due = false;

  const analyze = (): Promise<void> => {
    running ??= (async () => {
      try {
        // Only the columns queries filter and order on: statistics of `data` (jsonb) would cost seconds of sorting.
        await db.execute(sql`ANALYZE records (entity, commune_code, province_code, seq)`);
        const [row] = await rawRows<{ rows: number }>(db, sql`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'records'::regclass`);
        rowsAtLastAnalyze = Math.max(0, Number(row?.rows ?? 0));
        written = 0;
        checked = true;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  return {
    /** Before reading: analyzes the table if it has never been analyzed (checked once per process). */
    async ensure(): Promise<void> {
      if (checked) return;
      const [row] = await rawRows<{ analyzed: boolean }>(
        db,
        sql`SELECT EXISTS (SELECT 1 FROM pg_stats WHERE tablename = 'records') AS analyzed`,
      );
      if (row?.analyzed === true) checked = true;
      else await analyze();
    },
    /**
     * After writing `rows` rows: when the table has grown enough since the last time, starts an analyze in the
     * background and returns at once. A writer must not wait for it: an ANALYZE takes a second or more on a large
     * table, and every push queued behind the writer would wait with it (PostgreSQL runs it on another connection;
     * PGlite runs it between transactions).
     */
    noteWritten(rows: number): void {
      written += rows;
      if (running === null && !due && written >= Math.max(10_000, rowsAtLastAnalyze / 5)) {
        due = true;
        // A hint for the planner: failing to refresh it must not fail anything.
        void (async () => {
          try {
            await options.yieldTo?.();
            await analyze();
          } catch {
            // the next growth tries again
          } finally {
            due = false;
          }
        })();
      }
    },
  };
}

export type RecordStatistics = ReturnType<typeof createRecordStatistics>;

