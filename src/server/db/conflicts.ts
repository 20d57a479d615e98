/** Stored sync conflicts: both versions kept until a person chooses. */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { AppDb } from './client.ts';
import { conflicts } from './schema.ts';
import type { Scope } from '../auth/scope.ts';

export type ConflictRow = typeof conflicts.$inferSelect;
export type NewConflict = typeof conflicts.$inferInsert;

type Db = Pick<AppDb, 'select' | 'insert' | 'update'>;

function inScope(scope: Scope) {
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'province':
      return eq(conflicts.provinceCode, scope.province);
    case 'communes':
      return sql`${conflicts.communeCode} IN (SELECT jsonb_array_elements_text(${JSON.stringify(scope.communes)}::jsonb))`;
  }
}

export function conflictsRepository(db: Db) {
  return {
    async insertMany(rows: NewConflict[]): Promise<void> {
      if (rows.length > 0) await db.insert(conflicts).values(rows);
    },
    /** Open conflicts in the scope; `onlyUserId` narrows to one author's (volunteers see their own). */
    async listOpen(scope: Scope, onlyUserId: string | null, limit = 200): Promise<ConflictRow[]> {
      const where = and(isNull(conflicts.resolvedAt), inScope(scope), onlyUserId === null ? undefined : eq(conflicts.userId, onlyUserId));
      return db.select().from(conflicts).where(where).orderBy(desc(conflicts.createdAt)).limit(limit);
    },
    async findById(id: string): Promise<ConflictRow | undefined> {
      const rows = await db.select().from(conflicts).where(eq(conflicts.id, id)).limit(1);
      return rows[0];
    },
    async markResolved(id: string, userId: string, resolution: 'device' | 'server' | 'merged'): Promise<void> {
      await db
        .update(conflicts)
        .set({ resolvedAt: new Date(), resolvedBy: userId, resolution })
        .where(and(eq(conflicts.id, id), isNull(conflicts.resolvedAt)));
    },
  };
}
