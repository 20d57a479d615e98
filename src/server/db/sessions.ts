/** Sessions: stored by token hash, expiring, revocable. */
import { and, eq, isNull } from 'drizzle-orm';
import type { AppDb } from './client.ts';
import { sessions, users } from './schema.ts';
import type { UserRow } from './users.ts';

export type SessionLookup =
  | { status: 'valid'; user: UserRow; expiresAt: Date }
  | { status: 'expired' }
  | { status: 'unknown' };

export function sessionsRepository(db: AppDb) {
  return {
    async create(tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
      await db.insert(sessions).values({ tokenHash, userId, expiresAt });
    },
    async lookup(tokenHash: string, now: Date = new Date()): Promise<SessionLookup> {
      const rows = await db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.tokenHash, tokenHash))
        .limit(1);
      const row = rows[0];
      if (row === undefined) return { status: 'unknown' };
      if (row.session.revokedAt !== null || !row.user.active) return { status: 'expired' };
      if (row.session.expiresAt.getTime() <= now.getTime()) return { status: 'expired' };
      return { status: 'valid', user: row.user, expiresAt: row.session.expiresAt };
    },
    async revoke(tokenHash: string): Promise<void> {
      await db
        .update(sessions)
        .set({ revokedAt: new Date() })
        .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)));
    },
    async revokeAllForUser(userId: string): Promise<void> {
      await db
        .update(sessions)
        .set({ revokedAt: new Date() })
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    },
  };
}
